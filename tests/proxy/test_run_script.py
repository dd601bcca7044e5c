"""``proxy/run.sh``, the Chat Lambda's start script, started as the AWS Lambda Web Adapter starts it.

The adapter itself is AWS's binary: these tests stop at its boundary, the app on ``127.0.0.1:$AWS_LWA_PORT``,
configured only through the Lambda's environment, in front of real boto3 → fake AgentCore → real agent server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from proxy.client import new_session_id
from tests.fixtures.agent_server import REPO_ROOT, free_port
from tests.fixtures.fake_agentcore import ARN, FakeAgentCore
from tests.proxy.api import QUESTION, answer_text, sse_events

RUN_SH = REPO_ROOT / "proxy" / "run.sh"


@pytest.fixture(scope="module")
def fake(agent_server_url: str) -> Iterator[FakeAgentCore]:
    with FakeAgentCore(agent_server_url) as service:
        yield service


def lambda_env(fake: FakeAgentCore, port: int) -> dict[str, str]:
    """What the Chat function's environment holds (plus the fake's endpoint and dummy credentials)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CONFEE_", "AWS_", "PYTHON"))}
    env.update(
        {
            "AWS_LWA_PORT": str(port),
            "AWS_LWA_INVOKE_MODE": "response_stream",
            "AWS_LWA_READINESS_CHECK_PATH": "/health",
            "AGENT_RUNTIME_ARN": ARN,
            "AGENT_TIMEOUT_SECONDS": "25",
            "LOG_LEVEL": "INFO",
            "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE": fake.endpoint_url,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_EC2_METADATA_DISABLED": "true",
            "PYTHON": sys.executable,  # the Lambda runtime's `python`; here the venv's (Starlette, uvicorn, boto3)
        }
    )
    return env


@contextmanager
def started(script: Path, env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[bytes], str, float]]:
    """Run ``script`` from ``/`` (as the adapter would, from anywhere); yield it, its URL and its start-up time."""
    url = f"http://127.0.0.1:{env['AWS_LWA_PORT']}"
    began = time.monotonic()
    process = subprocess.Popen([str(script)], cwd="/", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:  # the adapter's readiness check
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the app did not become ready"
            time.sleep(0.02)
        yield process, url, time.monotonic() - began
    finally:
        process.send_signal(signal.SIGTERM)  # what Lambda sends at shutdown
        process.wait(timeout=10)


def test_script_is_executable_posix_sh() -> None:
    assert os.access(RUN_SH, os.X_OK)
    assert RUN_SH.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    subprocess.run(["sh", "-n", str(RUN_SH)], check=True)


def test_streams_through_the_lambda_path(fake: FakeAgentCore) -> None:
    port = free_port()
    with started(RUN_SH, lambda_env(fake, port)) as (process, url, startup):
        sid = new_session_id()
        with httpx.stream("POST", f"{url}/chat/stream", json={"message": QUESTION, "session_id": sid}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
            assert "server" not in response.headers
            text = "".join(f"{line}\n" for line in response.iter_lines())
        events = sse_events(text)
        assert events[-1]["type"] == "done" and events[-1]["session_id"] == sid
        assert answer_text(events)
        whole = httpx.post(f"{url}/chat", json={"message": "大阪だと？", "session_id": sid, "turn": 1}, timeout=30)
        assert whole.status_code == 200 and "大阪" in whole.json()["response"]
        with pytest.raises(httpx.TransportError):  # loopback only: the adapter is the one way in
            httpx.get(f"http://{_outward_address()}:{port}/health", timeout=1)
    out = process.stdout.read().decode() if process.stdout else ""
    lines = [line for line in out.splitlines() if line.strip()]
    assert all(line.startswith("{") for line in lines), out  # JSON log lines only (no access log, no banner)
    assert sum('"event": "chat"' in line for line in lines) == 2
    assert startup < 10


def test_runs_when_copied_to_the_bundle_root(fake: FakeAgentCore, tmp_path: Path) -> None:
    """The bundle may carry the script as ``run.sh`` next to ``proxy/`` (handler ``run.sh``)."""
    shutil.copytree(REPO_ROOT / "proxy", tmp_path / "proxy", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(RUN_SH, tmp_path / "run.sh")
    with started(tmp_path / "run.sh", lambda_env(fake, free_port())) as (_, url, _startup):
        answer = httpx.post(f"{url}/chat", json={"message": QUESTION, "session_id": new_session_id()}, timeout=30)
        assert answer.status_code == 200
        assert httpx.post(f"{url}/chat", content="x", headers={"Content-Type": "text/plain"}).status_code == 415


def _outward_address() -> str:
    """An address of this machine other than loopback (or a reserved one nothing listens on)."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for a UDP connect
            address = str(probe.getsockname()[0])
    except OSError:
        return "192.0.2.1"
    return address if not address.startswith("127.") else "192.0.2.1"
