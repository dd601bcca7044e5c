"""``python -m proxy.local``: the whole local production path in one command, and the in-process default."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from proxy import local
from proxy.agent_client import client_from_target, new_session_id
from proxy.local import create_local_app
from tests.fixtures.agent_server import REPO_ROOT, agent_env, free_port
from tests.fixtures.uvicorn_server import serve_asgi
from tests.proxy.api import answer_text, sse_events


def post_chat(port: int, body: dict[str, Any]) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        raw = json.dumps(body, ensure_ascii=False).encode()
        conn.request("POST", "/api/chat", body=raw, headers={"Content-Type": "application/json"})
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def wait_for_health(port: int, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
        finally:
            conn.close()
    raise AssertionError("local API did not come up")


def port_is_open(port: int) -> bool:
    try:
        http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
        return True
    except OSError:
        return False


def test_with_agent_runs_agent_server_and_api_together(tmp_path: Path) -> None:
    api_port, agent_port = free_port(), free_port()
    command = [
        sys.executable,
        "-m",
        "proxy.local",
        "--port",
        str(api_port),
        "--with-agent",
        "--agent-port",
        str(agent_port),
    ]
    command += ["--spa-dir", str(tmp_path)]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=agent_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_for_health(api_port, process)
        assert port_is_open(agent_port)  # the agent server is a separate process on its own port
        status, body = post_chat(
            api_port, {"message": "TypeScriptのカンファレンスある？", "session_id": new_session_id()}
        )
        assert status == 200 and body["response"].strip()
        assert body["meta"] == {"model": "offline", "source": "sample"}  # the public API drops meta.usage
        streamed = httpx.post(
            f"http://127.0.0.1:{api_port}/api/chat/stream",
            json={"message": "TypeScriptのカンファレンスある？", "session_id": new_session_id()},
            timeout=30,
        )
        assert streamed.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert answer_text(sse_events(streamed.text)) == body["response"]
    finally:
        process.terminate()
        process.wait(timeout=20)
    output = process.stdout.read().decode() if process.stdout else ""
    assert f"http://127.0.0.1:{api_port}/" in output and "/api/chat/stream" in output
    assert "Traceback" not in output
    assert not port_is_open(agent_port)  # stopping the local API stops the agent server it started


def test_in_process_agent_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key, value in agent_env().items():
        if key.startswith("CONFEE_"):
            monkeypatch.setenv(key, value)
    assert "CONFEE_AGENT" not in os.environ
    client = client_from_target()
    assert client.target == "local"
    with serve_asgi(create_local_app(client, spa_dir=tmp_path)) as url:
        port = int(url.rsplit(":", 1)[1])
        sid = new_session_id()
        status, body = post_chat(port, {"message": "TypeScriptのカンファレンスある？", "session_id": sid})
        assert status == 200 and body["session_id"] == sid
        status, body = post_chat(port, {"message": "大阪だと？", "session_id": new_session_id(), "turn": 1})
        assert (status, body["error"]["code"]) == (408, "session_expired")


def test_with_agent_on_a_taken_port_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = local.main(["--port", "0", "--with-agent", "--agent-port", str(port)])
    assert code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in capsys.readouterr().err


def test_a_taken_api_port_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = local.main(["--port", str(port), "--agent", "http://127.0.0.1:9"])
    assert code == 1
    assert "Confee local API:" in capsys.readouterr().err
