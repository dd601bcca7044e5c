"""Event-mirror figures: sync, snapshot load, search at 30,000 events, a new session's first answer, 16 at once.

Called by ``bench.run`` (``make bench``) after the embedded-default figures; ``python -m bench.mirror`` runs
only these. Prints numbers; asserts nothing. Everything stays on 127.0.0.1: connpass is the volume
stand-in (``tests/fixtures/volume.py``), S3 is moto's server reached by real boto3.

Snapshots for the load, search and server figures are generated for the real today (the agent server
uses the real clock); the sync figure uses a fixed day so its request count never changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: The sync figure's "today": the first of a month, so the whole six-month window is ahead.
SYNC_TODAY = dt.date(2026, 12, 1)
#: Events a month for the snapshot sizes (six months each): ≈10,000 and 30,000 events.
PER_MONTH = {"10k": 1667, "30k": 5000}
BUCKET = "confee-bench"
PREFIX = "mirror"
#: Fresh processes per measurement that starts one (the median is printed).
RUNS = 3
#: Warm passes over the search questions.
SEARCH_ROUNDS = 20
SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
#: What the offline model waits between two 12-character chunks in the server (simulated typing).
TYPING_DELAY, TYPING_CHUNK = 0.01, 12
CONCURRENT_QUESTIONS = [
    "TypeScriptのカンファレンスある？", "来月大阪でRustの勉強会は？", "面白そうなイベント教えて", "人気のイベントは？",
    "東京のPythonの勉強会", "オンラインのもくもく会", "福岡で生成AIのイベント", "来月のKubernetesのイベント",
    "名古屋のイベントある？", "ReactのLT会", "AWSのハンズオン", "北海道の勉強会", "Goのミートアップ",
    "新着のイベントは？", "再来月の東京のカンファレンス", "Flutterのイベント",
]  # fmt: skip

# Measured in a fresh interpreter: nothing of Confee is imported before the clock starts.
_CHILD_LOAD = r"""
import json, sys, time

def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0

t0 = time.perf_counter()
from agent.mirror import snapshot
from agent.mirror.store import open_store
t1 = time.perf_counter()
store = open_store(sys.argv[1])
t2 = time.perf_counter()
manifest = snapshot.read_manifest(store)
t3 = time.perf_counter()
rss, hwm = status("VmRSS"), status("VmHWM")
catalogue = snapshot.load(store, manifest)
t4 = time.perf_counter()
print(json.dumps({
    "events": len(catalogue), "import": t1 - t0, "open": t2 - t1, "manifest": t3 - t2, "load": t4 - t3,
    "rss_before": rss, "rss_growth": status("VmRSS") - rss, "peak_growth": status("VmHWM") - hwm,
}))
"""


@dataclass
class Workspace:
    """Snapshots for the real today in local directories, and the 10k one on a local S3 too.

    Attributes:
        root: Temporary directory holding everything.
        now: The moment the snapshots were "synced" (real time, JST).
        stores: Size label → directory holding a published snapshot.
        counts: Size label → events in that snapshot.
        s3_env: Environment pointing boto3 at the local S3 with dummy credentials.
        s3_uri: ``s3://bucket/prefix`` of the 10k snapshot.
    """

    root: Path
    now: dt.datetime
    stores: dict[str, Path]
    counts: dict[str, int]
    s3_env: dict[str, str]
    s3_uri: str


# -- helpers ---------------------------------------------------------------------------------------------
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.01 else f"{seconds * 1000:.0f} ms"


def _p50_p95(samples: Sequence[float]) -> str:
    if not samples:
        return "none (n=0)"
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {_ms(statistics.median(ordered))}, p95 {_ms(p95)}, max {_ms(ordered[-1])} (n={len(ordered)})"


def _load() -> str:
    """The 1/5/15-minute load averages (other work on the machine disturbs the figures)."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _mib(size: float) -> str:
    return f"{size / 2**20:.1f} MiB"


def _publish(directory: Path, today: dt.date, per_month: int, synced_at: dt.datetime) -> int:
    """Publish a snapshot of the volume events from ``today`` on (what a sync today would keep)."""
    from agent.events import parse_time
    from agent.mirror import snapshot
    from agent.mirror.store import DirectoryStore
    from tests.fixtures.volume import JST, volume_events

    kept = []
    for event in volume_events(today, per_month=per_month, past_months=0):
        start = parse_time(event["started_at"])
        if start is not None and start.astimezone(JST).date() >= today:
            kept.append(snapshot.slim_event(event))
    snapshot.publish(
        DirectoryStore(directory), [p[0] for p in kept], [p[1] for p in kept], synced_at=synced_at,
        window={"from": today.isoformat(), "to": None, "queries": []},
        counts={"available": len(kept), "requests": 0}, source="bench",
    )  # fmt: skip
    return len(kept)


@contextlib.contextmanager
def workspace() -> Iterator[Workspace]:
    """Publish the 10k and 30k snapshots, start a local S3 and copy the 10k one there."""
    from moto.server import ThreadedMotoServer

    from agent.clock import system_clock
    from agent.mirror import snapshot
    from agent.mirror.store import DirectoryStore, S3Store
    from tests.fixtures.local_s3 import LocalS3

    now = system_clock()
    with tempfile.TemporaryDirectory(prefix="confee-bench-") as tmp:
        root = Path(tmp)
        stores = {label: root / label for label in PER_MONTH}
        counts = {label: _publish(stores[label], now.date(), n, now) for label, n in PER_MONTH.items()}
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        try:
            host, port = server.get_host_and_port()
            local = LocalS3(f"http://{host}:{port}")
            s3 = S3Store(local.bucket(BUCKET), PREFIX, local.client())
            source = DirectoryStore(stores["10k"])
            manifest = snapshot.read_manifest(source)
            assert manifest is not None
            for name in (manifest.snapshot, snapshot.MANIFEST):  # snapshot first, manifest last, as a sync does
                data = source.get(name)
                assert data is not None
                s3.put(name, data, content_type="application/octet-stream")
            env = {**local.env, "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull}
            yield Workspace(root, now, stores, counts, env, f"s3://{BUCKET}/{PREFIX}")
        finally:
            server.stop()


def _child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    scrubbed = ("AWS_PROFILE", "CONNPASS_API_KEY", "CONNPASS_API_KEY_SECRET_ARN", "CONFEE_AGENT", "AGENT_RUNTIME_ARN")
    env = {k: v for k, v in os.environ.items() if k not in scrubbed}
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **(extra or {})}


def _load_in_child(uri: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD_LOAD, uri], capture_output=True, text=True, cwd=ROOT,
        env=_child_env(env), check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _median_run(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return sorted(runs, key=lambda r: float(r[key]))[len(runs) // 2]


# -- 1. sync -----------------------------------------------------------------------------------------------
def bench_sync(workdir: Path) -> None:
    """Sync a six-month window of ≈10,000 events from the paced connpass stand-in, in virtual time."""
    from agent.clock import JST, fixed_clock
    from agent.mirror.store import DirectoryStore
    from agent.mirror.sync import sync
    from agent.sources.apikey import StaticKey
    from agent.sources.connpass import ConnpassClient
    from agent.sources.ratelimit import RateLimiterRegistry
    from tests.fixtures.fake_connpass import VirtualTime
    from tests.fixtures.volume import volume_connpass, volume_events

    events = volume_events(SYNC_TODAY, per_month=PER_MONTH["10k"], past_months=0)
    vt = VirtualTime()
    with volume_connpass(events, clock=vt.monotonic) as fake:  # indexes the events once, before the clock starts
        registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
        client = ConnpassClient(fake.base_url, api_key_provider=StaticKey("test-key"), limiters=registry)
        store = DirectoryStore(workdir / "sync")
        virtual0, wall0, cpu0, thread0 = vt.monotonic(), time.perf_counter(), time.process_time(), time.thread_time()
        report = sync(
            client, store, clock=fixed_clock(dt.datetime.combine(SYNC_TODAY, dt.time(4, 0), tzinfo=JST)),
            sleep=vt.sleep, monotonic=vt.monotonic,
        )  # fmt: skip
        wall, cpu, thread = time.perf_counter() - wall0, time.process_time() - cpu0, time.thread_time() - thread0
        virtual = vt.monotonic() - virtual0
        statuses = sorted({r.status for r in fake.requests})
        client.close()
    print(
        f"mirror sync, {SYNC_TODAY:%Y-%m-%d} to {report.window['to']}: {report.events} events, "
        f"{report.requests} requests (HTTP {', '.join(map(str, statuses))}); "
        f"at connpass's pace {virtual:.0f} s ({virtual / 60:.1f} min, virtual time); "
        f"this run {wall:.1f} s wall, {thread:.1f} s CPU in the sync thread "
        f"({cpu:.1f} s for the whole process incl. the stand-in serving pages)"
    )
    print(
        f"mirror snapshot ({report.events} events): {_mib(report.bytes_raw)} raw JSON, "
        f"{_mib(report.bytes_compressed)} gzip ({report.bytes_raw / report.bytes_compressed:.1f}:1)"
    )


# -- 2. load -----------------------------------------------------------------------------------------------
def bench_load(ws: Workspace) -> None:
    """Import, load and resident memory of a snapshot, each run in a fresh process."""
    for label, directory in ws.stores.items():
        runs = [_load_in_child(str(directory)) for _ in range(RUNS)]
        mid = _median_run(runs, "load")
        imports = statistics.median(r["import"] for r in runs)
        print(
            f"mirror load {label} ({mid['events']} events, local directory, fresh process, median of {RUNS}): "
            f"import agent.mirror.snapshot {_ms(imports)}, snapshot.load {_ms(mid['load'])} "
            f"(runs: {', '.join(_ms(r['load']) for r in runs)}), RSS +{_mib(mid['rss_growth'])} "
            f"(peak +{_mib(mid['peak_growth'])}; {_mib(mid['rss_before'])} before)"
        )
    phases = subprocess.run(
        [sys.executable, "-c", "import sys; from bench.mirror import load_phases; load_phases(sys.argv[1])",
         str(ws.stores["10k"])], capture_output=True, text=True, cwd=ROOT, env=_child_env(), check=True,
    )  # fmt: skip
    print(phases.stdout, end="")
    runs = [_load_in_child(ws.s3_uri, ws.s3_env) for _ in range(RUNS)]
    mid = _median_run(runs, "load")
    print(
        f"mirror load 10k from local S3 (moto on 127.0.0.1, boto3, fresh process, median of {RUNS}): "
        f"manifest GET {_ms(mid['manifest'])} + snapshot.load {_ms(mid['load'])} = "
        f"{_ms(mid['manifest'] + mid['load'])} (target <= 500 ms; runs: "
        f"{', '.join(_ms(r['manifest'] + r['load']) for r in runs)}); before that, import + boto3 client "
        f"{_ms(mid['import'] + mid['open'])}; RSS +{_mib(mid['rss_growth'])}"
    )


def load_phases(directory: str) -> None:
    """Print where ``snapshot.load`` spends its time: reading and checking the file, then ``snapshot.decode``.

    Run in a fresh process (``bench_load`` does), as a new AgentCore session would.
    """
    from agent.mirror import snapshot
    from agent.mirror.store import DirectoryStore

    store = DirectoryStore(directory)
    manifest = snapshot.read_manifest(store)
    assert manifest is not None
    marks = [time.perf_counter()]
    compressed = store.get(manifest.snapshot)
    assert compressed is not None
    hashlib.sha256(compressed).hexdigest()
    marks.append(time.perf_counter())
    gzip.decompress(compressed)
    marks.append(time.perf_counter())
    snapshot.decode(compressed)
    marks.append(time.perf_counter())
    steps = ("read + sha256", "gunzip alone", "decode (gunzip, parse, index)")
    spent = ", ".join(f"{name} {_ms(b - a)}" for name, a, b in zip(steps, marks, marks[1:], strict=False))
    print(f"  where a 10k load goes (fresh process): {spent}")


# -- 3. search ---------------------------------------------------------------------------------------------
def _questions(today: dt.date) -> list[dict[str, Any]]:
    """~30 questions as the model would call the search tool (``run_search`` keyword arguments)."""

    def month(offset: int) -> str:
        index = today.year * 12 + today.month - 1 + offset
        return f"{index // 12:04d}{index % 12 + 1:02d}"

    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
    weekend = [f"{saturday:%Y%m%d}", f"{saturday + dt.timedelta(days=1):%Y%m%d}"]
    return [
        {"keywords": ["Python"]},
        {"keywords": ["Rust", "勉強会"], "prefectures": ["osaka"], "months": [month(1)]},
        {"keywords": ["生成AI"]},
        {"keywords": ["TypeScript"], "sort": "popular"},
        {"keywords": ["TypeScript", "カンファレンス"]},
        {},
        {"sort": "popular"},
        {"sort": "newest"},
        {"prefectures": ["tokyo"]},
        {"keywords": ["Python"], "prefectures": ["tokyo"]},
        {"any_keywords": ["生成AI", "LLM"], "prefectures": ["fukuoka"]},
        {"keywords": ["Kubernetes"], "months": [month(1)]},
        {"keywords": ["React", "LT会"]},
        {"keywords": ["AWS", "ハンズオン"]},
        {"keywords": ["勉強会"], "prefectures": ["hokkaido"]},
        {"keywords": ["Go", "ミートアップ"]},
        {"keywords": ["Flutter"]},
        {"keywords": ["もくもく会"], "prefectures": ["online"]},
        {"keywords": ["カンファレンス"], "prefectures": ["tokyo"], "months": [month(2)]},
        {"prefectures": ["aichi"]},
        {"prefectures": ["online"], "dates": weekend},
        {"keywords": ["機械学習"], "sort": "popular"},
        {"keywords": ["Docker"], "prefectures": ["kanagawa"]},
        {"keywords": ["セキュリティ"]},
        {"keywords": ["Swift"], "prefectures": ["tokyo", "kanagawa"]},
        {"keywords": ["データ分析"], "months": [month(0)]},
        {"months": [month(1)]},
        {"keywords": ["LLM", "RAG"]},
        {"keywords": ["Unity"], "sort": "popular"},
        {"keywords": ["Python"], "page": 2},
    ]


def _connpass_queries(question: dict[str, Any], now: dt.datetime) -> list[Any]:
    """The connpass requests the tool would send for ``question`` (one per part of its period, 100 a page)."""
    from agent.search.period import plan_period
    from agent.sources.base import SearchQuery

    period = plan_period(now, tuple(question.get("months", ())), tuple(question.get("dates", ())), past=False)
    base = SearchQuery(
        keyword=tuple(question.get("keywords", ())), keyword_or=tuple(question.get("any_keywords", ())),
        prefecture=tuple(question.get("prefectures", ())), order=3 if question.get("sort") == "newest" else 2,
        count=100,
    )  # fmt: skip
    return [replace(base, ym=part.ym, ymd=part.ymd) for part in period.parts]


def _words(question: dict[str, Any]) -> list[str]:
    from agent.text import normalize

    return [normalize(w) for w in (*question.get("keywords", ()), *question.get("any_keywords", ()))]


@dataclass
class _Samples:
    cold: list[float]  # first passes on an emptied memo, questions with a keyword not memoised yet
    first_other: list[float]  # first passes, every keyword memoised (or none)
    warm: list[float]  # repeats
    warm_memo: list[float]  # repeats whose keywords are all memoised (or that have none)
    warm_rescan: list[float]  # repeats that scan text again (a keyword not memoised: see EventIndex._keyword_bits)
    rescanning: int  # questions in the last group


def _cold_and_warm(index: Any, questions: list[dict[str, Any]], ask: Callable[[dict[str, Any]], object]) -> _Samples:
    """Time ``ask`` over ``questions``: first passes on an emptied keyword memo, then warm repeats.

    The index memoises a keyword's bitset only when it was scanned over every event; a keyword asked
    together with a filter leaving fewer than 20% of the events is scanned over those candidates, every time.
    """
    memo = index._memo  # keyword -> bitset (an LRU); its keys may carry a prefix such as "text:"

    def memoised(word: str) -> bool:
        return any(key == word or key.endswith(f":{word}") for key in memo)

    samples = _Samples([], [], [], [], [], 0)
    for _ in range(RUNS):
        memo.clear()  # what a freshly loaded snapshot starts with
        for question in questions:
            new = not all(memoised(w) for w in _words(question))
            started = time.perf_counter()
            ask(question)
            (samples.cold if new else samples.first_other).append(time.perf_counter() - started)
    rescans = [not all(memoised(w) for w in _words(q)) for q in questions]
    samples.rescanning = sum(rescans)
    for _ in range(SEARCH_ROUNDS):
        for question, rescan in zip(questions, rescans, strict=True):
            started = time.perf_counter()
            ask(question)
            elapsed = time.perf_counter() - started
            samples.warm.append(elapsed)
            (samples.warm_rescan if rescan else samples.warm_memo).append(elapsed)
    return samples


def bench_search(ws: Workspace) -> None:
    """``EventIndex.search`` and the tool's ``run_search`` over the 30k snapshot: cold keywords and warm repeats."""
    from agent.clock import JST
    from agent.mirror import snapshot
    from agent.mirror.store import DirectoryStore
    from agent.search.tool import run_search

    store = DirectoryStore(ws.stores["30k"])
    manifest = snapshot.read_manifest(store)
    assert manifest is not None
    catalogue = snapshot.load(store, manifest)
    index = catalogue.index
    now = dt.datetime.combine(ws.now.astimezone(JST).date(), dt.time(10, 0), tzinfo=JST)
    questions = _questions(now.date())
    plans = {id(q): _connpass_queries(q, now) for q in questions}

    def connpass_style(question: dict[str, Any]) -> None:
        for query in plans[id(question)]:
            index.search(query)

    def tool(question: dict[str, Any]) -> None:
        run_search(catalogue, now, **question)

    words = {w for q in questions for w in (*q.get("keywords", ()), *q.get("any_keywords", ()))}
    print(f"mirror search, {len(index)} events, {len(questions)} questions ({len(words)} distinct keywords):")
    for name, ask in (
        ("EventIndex.search (connpass semantics, 100/page)", connpass_style),
        ("run_search (tool)", tool),
    ):
        got = _cold_and_warm(index, questions, ask)
        print(f"  {name}: warm repeats {_p50_p95(got.warm)}")
        print(
            f"    of which keywords memoised or none: {_p50_p95(got.warm_memo)}; {got.rescanning} questions "
            f"re-scan candidates' text every time (keyword + narrow filter, not memoised): {_p50_p95(got.warm_rescan)}"
        )
        print(f"    cold, first use of a keyword (memo emptied; a new keyword scans every event's text, or the "
              f"candidates' under a narrow filter): {_p50_p95(got.cold)}; first pass, no new keyword: "
              f"{_p50_p95(got.first_other)}")  # fmt: skip


# -- 4 and 5. the agent server -----------------------------------------------------------------------------
@contextlib.contextmanager
def _server(env: dict[str, str]) -> Iterator[tuple[str, float]]:
    """Start ``python -m agent serve``; yield its URL and the seconds from launch until ``/ping`` answered."""
    import httpx

    from tests.fixtures.agent_server import agent_env, free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "agent", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=agent_env(env), stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            with httpx.Client(timeout=1) as client:
                while True:
                    if process.poll() is not None or time.perf_counter() - started > 90:
                        output.seek(0)
                        raise RuntimeError(f"agent server did not start:\n{output.read().decode()[-3000:]}")
                    try:
                        if client.get(f"{url}/ping").status_code == 200:
                            break
                    except httpx.TransportError:
                        time.sleep(0.01)
            yield url, time.perf_counter() - started
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _ask(client: Any, url: str, question: str, session: str) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = client.post(f"{url}/invocations", json={"prompt": question}, headers={SESSION_HEADER: session})
    response.raise_for_status()
    return time.perf_counter() - started, response.json()


def _typing(body: dict[str, Any]) -> float:
    """Seconds the offline model spent on simulated typing for ``body``'s answer."""
    chunks = -(-len(str(body.get("response", ""))) // TYPING_CHUNK)
    return max(0, chunks - 1) * TYPING_DELAY


def bench_new_session(ws: Workspace) -> None:
    """Launch → ``/ping`` → first answer: what a new AgentCore session (a fresh microVM) pays, mirror vs sample."""
    import httpx

    setups = {
        f"mirror from local S3 ({ws.counts['10k']} events)": {
            **ws.s3_env, "CONFEE_EVENTS": "mirror", "CONFEE_MIRROR_URI": ws.s3_uri,
        },
        "sample catalogue": {"CONFEE_EVENTS": "sample"},
    }  # fmt: skip
    for name, env in setups.items():
        ready, first, typing, total = [], [], [], []
        for run in range(RUNS):
            with _server(env) as (url, seconds), httpx.Client(timeout=30) as client:
                latency, body = _ask(client, url, CONCURRENT_QUESTIONS[0], f"bench-first-{run:02d}-" + "f" * 24)
                assert "error" not in body, body
            ready.append(seconds)
            first.append(latency)
            typing.append(_typing(body))
            total.append(seconds + latency)
        print(
            f"new session, {name}: launch -> /ping {statistics.median(ready):.2f} s, first question "
            f"{statistics.median(first):.2f} s (of which {statistics.median(typing):.2f} s simulated typing), "
            f"launch -> first answer {statistics.median(total):.2f} s (median of {RUNS}; "
            f"/ping runs: {', '.join(f'{s:.2f}' for s in ready)} s)"
        )


def bench_concurrent(ws: Workspace) -> None:
    """16 different questions at once through the agent server on the 10k mirror; connpass must see nothing."""
    import httpx

    from tests.fixtures.fake_connpass import FakeConnpass

    with FakeConnpass(api_key="test-key") as connpass:
        env = {
            "CONFEE_EVENTS": "mirror",
            "CONFEE_MIRROR_URI": str(ws.stores["10k"]),
            "CONNPASS_API_KEY": "test-key",
            "CONNPASS_BASE_URL": connpass.base_url,
        }
        with _server(env) as (url, _), httpx.Client(timeout=30) as client:
            rounds = []
            for label in ("right after start", "second round, new sessions"):

                def ask(index: int, label: str = label) -> tuple[float, dict[str, Any]]:
                    session = f"bench-16-{label[:5]}-{index:02d}-".replace(" ", "_") + "c" * 20
                    return _ask(client, url, CONCURRENT_QUESTIONS[index], session)

                with ThreadPoolExecutor(len(CONCURRENT_QUESTIONS)) as pool:
                    answers = list(pool.map(ask, range(len(CONCURRENT_QUESTIONS))))
                rounds.append((label, answers))
        requests = len(connpass.requests)
    for label, answers in rounds:
        latencies = sorted(seconds for seconds, _ in answers)
        errors = sum(1 for _, body in answers if "error" in body)
        sources = sorted({str(body.get("meta", {}).get("source")) for _, body in answers})
        found = sum(1 for _, body in answers if body.get("events"))
        print(
            f"16 concurrent questions, agent server on the 10k mirror ({label}): worst {latencies[-1]:.2f} s, "
            f"median {statistics.median(latencies):.2f} s, best {latencies[0]:.2f} s; {found}/16 with events, "
            f"{errors} errors, source {'/'.join(sources)} "
            f"(includes the offline model's simulated typing, 10 ms per 12 characters: "
            f"median {statistics.median(_typing(body) for _, body in answers):.2f} s per answer)"
        )
    print(f"connpass requests during both rounds: {requests} (target 0)")


def main() -> None:
    """Every mirror figure (about two minutes)."""
    started = time.perf_counter()
    print(f"(mirror benchmarks; load average {_load()})")
    with tempfile.TemporaryDirectory(prefix="confee-bench-sync-") as tmp:
        bench_sync(Path(tmp))
    setup = time.perf_counter()
    with workspace() as ws:
        print(f"(snapshots for {ws.now:%Y-%m-%d}: {ws.counts}; set up in {time.perf_counter() - setup:.0f} s)")
        bench_load(ws)
        bench_search(ws)
        bench_new_session(ws)
        bench_concurrent(ws)
    print(f"(mirror benchmarks took {time.perf_counter() - started:.0f} s; load average {_load()})")


if __name__ == "__main__":
    main()
