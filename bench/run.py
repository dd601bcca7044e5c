"""Speed and memory figures for Confee: the embedded default, then the event mirror. Prints numbers; asserts nothing.

Run: ``make bench`` (or ``.venv/bin/python -m bench.run``). Figures go into the README with the date.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import mirror

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "TypeScriptのカンファレンスある？",
    "来月大阪でRustの勉強会は？",
    "面白そうなイベント教えて",
    "今週末オンラインで参加できるイベントは？",
    "12月に福岡で生成AIのLT会ある？",
]


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (n={len(ordered)})"


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def bench_catalogue() -> None:
    from agent.sources.base import SearchQuery
    from agent.sources.sample import SampleCatalogue

    started = time.perf_counter()
    catalogue = SampleCatalogue()
    catalogue.search(SearchQuery())
    print(f"sample catalogue load + first search: {(time.perf_counter() - started) * 1000:.1f} ms")
    query = SearchQuery(keyword=("TypeScript",), ym=("202612", "202701"), prefecture=("tokyo", "online"), count=100)
    samples = _timed(lambda: catalogue.search(query), 500)
    print(f"sample catalogue search (keyword+ym+prefecture): {_percentiles(samples)}")


def bench_tool_payload() -> None:
    """What the model reads per search, against the raw connpass JSON of the same events (target: ≤ 10%)."""
    import datetime as dt

    from agent.clock import JST
    from agent.search.tool import run_search
    from agent.sources.sample import SampleCatalogue

    catalogue = SampleCatalogue()
    raw_by_id = {e["id"]: e for e in catalogue.events}
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
    searches: list[dict[str, Any]] = [
        {}, {"keywords": ["TypeScript"]}, {"sort": "popular", "page_size": 10}, {"prefectures": ["osaka"]},
        {"any_keywords": ["生成AI", "LLM"], "page_size": 10},
        {"prefectures": ["online"], "days_of_week": ["sat", "sun"]},
    ]  # fmt: skip
    tool_bytes = raw_bytes = events = 0
    for arguments in searches:
        payload = run_search(catalogue, now, **arguments)
        tool_bytes += len(
            json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        )  # as the tool sends it
        shown = [raw_by_id[e["id"]] for e in payload["events"]]
        raw_bytes += len(json.dumps({"events": shown}, ensure_ascii=False).encode())
        events += len(shown)
    print(
        f"tool payload vs raw connpass JSON of the same {events} events ({len(searches)} searches): "
        f"{tool_bytes / 1024:.1f} KiB vs {raw_bytes / 1024:.1f} KiB = {tool_bytes / raw_bytes:.1%}"
    )


def bench_offline_turns() -> None:
    from agent.config import Settings
    from agent.runtime.service import ChatService

    service = ChatService.from_settings(Settings())
    service._model.update_config(chunk_delay=0.0)  # measure the work, not the simulated typing
    counter = iter(range(10**9))

    def one_turn() -> None:
        session = f"bench-session-{next(counter):020d}-xxxxxxxxxx"
        body = service.invoke(session, {"prompt": QUESTIONS[next(counter) % len(QUESTIONS)]})
        assert "response" in body, body

    one_turn()
    print(f"offline agent, one turn in process (new session): {_percentiles(_timed(one_turn, 200))}")

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(100):
        sid = f"bench-memory-{i:024d}-xxxxxxx"
        service.invoke(sid, {"prompt": QUESTIONS[i % len(QUESTIONS)]})
        service.invoke(sid, {"prompt": "大阪だと？", "turn": 1})
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    print(f"memory per live session after 2 turns: {(after - before) / 100 / 1024:.1f} KiB (tracemalloc, 100 sessions)")
    service.close()


def bench_server_throughput() -> None:
    import httpx

    from agent.config import Settings
    from agent.runtime.server import create_app
    from agent.runtime.service import ChatService
    from tests.fixtures.uvicorn_server import serve_asgi

    service = ChatService.from_settings(Settings())
    service._model.update_config(chunk_delay=0.0)
    app = create_app(service)
    logging.getLogger("bedrock_agentcore.app").setLevel(logging.WARNING)  # it logs one INFO line per request
    with serve_asgi(app) as url:
        latencies: list[float] = []
        lock = threading.Lock()

        def worker(n: int) -> None:
            with httpx.Client(timeout=30) as client:
                for i in range(25):
                    sid = f"bench-http-{n:02d}-{i:04d}-" + "x" * 20
                    started = time.perf_counter()
                    response = client.post(
                        f"{url}/invocations",
                        json={"prompt": QUESTIONS[i % len(QUESTIONS)]},
                        headers={"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": sid},
                    )
                    response.raise_for_status()
                    with lock:
                        latencies.append(time.perf_counter() - started)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    service.close()
    print(
        f"agent server over HTTP, 8 concurrent clients x 25 sessions: {len(latencies) / elapsed:.0f} req/s, "
        f"{_percentiles(latencies)}"
    )


def bench_lambda_import() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    samples = []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import proxy.app"],
            capture_output=True, text=True, env=env, cwd=ROOT, check=True,
        )  # fmt: skip
        line = next(row for row in out.stderr.splitlines() if row.rstrip().endswith("proxy.app"))
        samples.append(int(line.split("|")[1]) / 1e6)
    median_ms = statistics.median(samples) * 1000
    print(f"Chat API app import, the Lambda's start (python -X importtime, cumulative): median {median_ms:.0f} ms")


def bench_spa_bundle() -> None:
    import gzip

    dist = ROOT / "spa" / "dist" / "assets"
    if not dist.exists():
        print("SPA bundle: spa/dist missing (run `cd spa && npm run build`)")
        return
    js = list(dist.glob("*.js"))
    raw = sum(p.stat().st_size for p in js)
    gz = sum(len(gzip.compress(p.read_bytes(), 9)) for p in js)
    print(f"SPA JavaScript: {raw / 1024:.1f} KiB raw, {gz / 1024:.1f} KiB gzip -9 ({len(js)} files)")


def main() -> None:
    print(json.dumps({"python": sys.version.split()[0], "cpus": os.cpu_count()}))
    for bench in (bench_catalogue, bench_offline_turns, bench_server_throughput, bench_lambda_import, bench_spa_bundle):
        bench()
    bench_tool_payload()
    mirror.main()  # the event mirror at 10,000-30,000 events (about a minute and a half)


if __name__ == "__main__":
    main()
