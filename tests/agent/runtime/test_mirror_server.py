"""Sixteen people at once on the event mirror, through the real agent server (``python -m agent serve``).

The server runs as a child process on 127.0.0.1 with ``CONFEE_EVENTS=mirror`` over a snapshot of ~9,600
events (the volume stand-in's data for the real today, since the server uses the real clock), and a
connpass key pointing at a local fake connpass: any question that reached connpass would show up there.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from agent.clock import system_clock
from agent.mirror import snapshot
from agent.mirror.store import DirectoryStore
from tests.fixtures.agent_server import running_agent_server
from tests.fixtures.fake_connpass import FakeConnpass
from tests.fixtures.volume import volume_events

QUESTIONS = [
    "TypeScriptのカンファレンスある？", "来月大阪でRustの勉強会は？", "面白そうなイベント教えて", "人気のイベントは？",
    "東京のPythonの勉強会", "オンラインのもくもく会", "福岡で生成AIのイベント", "来月のKubernetesのイベント",
    "名古屋のイベントある？", "ReactのLT会", "AWSのハンズオン", "北海道の勉強会", "Goのミートアップ",
    "新着のイベントは？", "再来月の東京のカンファレンス", "Flutterのイベント",
]  # fmt: skip
#: The server's own turn budget is 24 s and the Chat API gives up at 25 s.
BUDGET_SECONDS = 25.0


def _publish_mirror(directory: Path) -> int:
    today = system_clock().date()
    pairs = [snapshot.slim_event(e) for e in volume_events(today)]
    snapshot.publish(
        DirectoryStore(directory), [p[0] for p in pairs], [p[1] for p in pairs],
        synced_at=system_clock(), window={"from": today.isoformat(), "to": None, "queries": []},
        counts={"available": len(pairs), "requests": 0}, source="test",
    )  # fmt: skip
    return len(pairs)


def test_sixteen_concurrent_questions_on_the_mirror_are_fast_and_cost_connpass_nothing(tmp_path: Path) -> None:
    events = _publish_mirror(tmp_path)
    assert events > 9000
    with FakeConnpass(api_key="test-key") as connpass:
        env = {
            "CONFEE_EVENTS": "mirror",
            "CONFEE_MIRROR_URI": str(tmp_path),
            "CONNPASS_API_KEY": "test-key",
            "CONNPASS_BASE_URL": connpass.base_url,
        }
        with running_agent_server(env) as url, httpx.Client(base_url=url, timeout=BUDGET_SECONDS) as client:

            def ask(index: int) -> tuple[float, dict[str, Any]]:
                started = time.perf_counter()
                response = client.post(
                    "/invocations",
                    json={"prompt": QUESTIONS[index]},
                    headers={"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": f"mirror-load-{index:02d}-" + "m" * 24},
                )
                response.raise_for_status()
                return time.perf_counter() - started, response.json()

            with ThreadPoolExecutor(len(QUESTIONS)) as pool:
                answers = list(pool.map(ask, range(len(QUESTIONS))))
        assert connpass.requests == [], "no question reached connpass"
    for (seconds, body), question in zip(answers, QUESTIONS, strict=True):
        assert "error" not in body, (question, body)
        assert (body["meta"]["model"], body["meta"]["source"]) == ("offline", "mirror"), question
        assert seconds < BUDGET_SECONDS / 2, (question, seconds)
    assert sum(1 for _, body in answers if body["events"]) >= 14, "nearly every question finds events at this volume"
