"""``python -m eval`` end to end: exit codes against thresholds, the JSON report, and an HTTP agent target."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from agent.runtime.server import create_app
from eval.cli import main
from eval.target import local_service
from tests.eval.helpers import TODAY
from tests.fixtures.uvicorn_server import serve_asgi

LENIENT = ["--min-precision", "0", "--min-recall", "0", "--min-category", "0"]


@pytest.fixture(autouse=True)
def embedded_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONFEE_AGENT", "CONFEE_MODEL", "CONFEE_EVENTS", "CONFEE_TODAY", "CONNPASS_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def run(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / "report.json"
    code = main(["--out", str(out), *args])
    return code, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


def test_exit_code_follows_the_thresholds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = ["--case", "chat-hello", "--case", "topic-typescript-conference"]
    code, report = run(tmp_path, *cases, *LENIENT)
    assert code == 0 and report["passed"] is True
    assert report["run"]["target"] == "local" and report["run"]["model"] == "offline"
    assert report["run"]["agent_today"] == ["2026-11-24"] and report["run"]["cases"] == 2
    assert {c["id"] for c in report["cases"]} == {"chat-hello", "topic-typescript-conference"}
    printed = capsys.readouterr().out
    assert "| precision |" in printed and "| category | cases |" in printed and "**PASS**" in printed

    code, report = run(tmp_path, *cases, *LENIENT[:4], "--min-category", "1.01")
    assert code == 1 and report["failures"] and all(f.startswith("category ") for f in report["failures"])


def test_the_run_cannot_start_without_a_valid_golden_file_or_target(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases: [{id: a}]", encoding="utf-8")
    assert run(tmp_path, "--golden", str(bad))[0] == 2
    assert run(tmp_path, "--case", "no-such-case")[0] == 2
    assert run(tmp_path, "--target", "ftp://example.invalid", "--case", "chat-hello")[0] == 2
    assert run(tmp_path, "--target", "http://127.0.0.1:9", "--case", "chat-hello", "--timeout", "2")[0] == 2


def test_an_agent_server_over_http_is_a_target(tmp_path: Path) -> None:
    service = local_service(TODAY)
    try:
        with serve_asgi(create_app(service)) as url:
            code, report = run(tmp_path, "--target", url, "--case", "date-next-month-osaka-rust", *LENIENT)
    finally:
        service.close()
    assert code == 0 and report["run"]["target"] == url
    (turn,) = report["cases"][0]["turns"]
    assert turn["error"] is None and turn["usage"]["model_calls"] == 2 and turn["events"]
    assert report["run"]["agent_today"] == ["2026-11-24"]
