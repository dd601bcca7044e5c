"""The CLI as a user runs it: ``python -m agent ask`` (one question, and the interactive loop)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agent import cli

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONFEE_", "CONNPASS_"))}
    command = [sys.executable, "-m", "agent", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def test_ask_prints_a_markdown_answer_from_the_sample_catalogue() -> None:
    result = run_cli("ask", "TypeScriptのカンファレンスある？")
    assert result.returncode == 0, result.stderr
    assert "### [" in result.stdout and "sample-connpass.example" in result.stdout
    assert "TypeScript" in result.stdout and "📅" in result.stdout


def test_bad_configuration_is_a_clear_error() -> None:
    env_run = subprocess.run(
        [sys.executable, "-m", "agent", "ask", "hi"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "CONFEE_MODEL": "gpt"}, timeout=60,
    )  # fmt: skip
    assert env_run.returncode == 2
    assert "設定エラー" in env_run.stderr and "CONFEE_MODEL" in env_run.stderr


def test_interactive_loop_keeps_the_conversation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CONFEE_MODEL", raising=False)
    monkeypatch.delenv("CONFEE_EVENTS", raising=False)
    out = io.StringIO()
    code = cli._ask("", io.StringIO("来月大阪でRustの勉強会は？\nオンラインのは？\n"), out)
    text = out.getvalue()
    assert code == 0
    assert text.count("> ") == 3  # two questions answered, then end of input
    first, follow_up = text.split("\n> ")[1:3]
    assert "Rust" in first and "大阪" in first
    assert "Rust" in follow_up and "オンライン" in follow_up  # the follow-up kept the topic, changed the place
