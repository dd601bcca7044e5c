"""Shared pieces of the workbench tests: a pinned, offline environment, the app under AppTest, local AWS fakes.

``workbench`` gives the embedded default with 「今日」 pinned to 2026-11-24 and nothing that could reach AWS or
connpass; ``aws`` adds dummy credentials; ``bedrock`` points the Bedrock Runtime client at a local
ConverseStream fake (botocore honours ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME``), so the real model path runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.fixtures.fake_bedrock import FakeBedrock, text_reply, tool_reply

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TODAY = "2026-11-24"
QUESTION = "TypeScriptのカンファレンスある？"


@pytest.fixture
def workbench(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Offline model, sample catalogue, today pinned; no AWS credentials, connpass key or mirror; caches cleared."""
    for name in list(os.environ):
        if name.startswith(("CONFEE_", "CONNPASS_", "AWS_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CONFEE_TODAY", TODAY)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def aws(workbench: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy AWS credentials and a region: Bedrock models and runtime ARNs become available."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")


def bedrock_script(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A Bedrock model that searches once, then recommends the first event (10 + 10 tokens per call)."""
    results = [block["toolResult"] for block in body["messages"][-1]["content"] if "toolResult" in block]
    if not results:
        return tool_reply("t-1", "search_connpass", {"keywords": ["TypeScript"], "any_keywords": ["カンファレンス"]})
    first = json.loads(results[0]["content"][0]["text"])["events"][0]
    return text_reply(f"Bedrock からの回答です。\n\n### [{first['title']}]({first['url']})")


@pytest.fixture
def bedrock(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBedrock]:
    """The ConverseStream fake, used by every Bedrock model the app builds."""
    with FakeBedrock(bedrock_script).running() as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", fake.url)
        yield fake


def start_app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def ask(at: AppTest, text: str = QUESTION) -> AppTest:
    at.chat_input[0].set_value(text)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """What each deferred download button would send when pressed, by file extension: (file name, mime, data).

    ``st.download_button(data=callable)`` registers the callable with the media file manager; AppTest's manager
    lives for one run, so the registration is recorded here and the callable called as the browser's click would.
    """
    from streamlit.runtime.media_file_manager import MediaFileManager

    recorded: dict[str, Any] = {}
    original = MediaFileManager.add_deferred

    def record(self: MediaFileManager, data: Any, mimetype: str | None, coordinates: str, **kwargs: Any) -> str:
        file_name = str(kwargs.get("file_name") or "")
        recorded[file_name.rsplit(".", 1)[-1]] = (file_name, mimetype, data)
        return original(self, data, mimetype, coordinates, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return recorded


def pressed(downloads: dict[str, Any], extension: str) -> tuple[str, str, str]:
    """Press the download button for ``extension`` (``md`` or ``json``): its file name, mime type and text."""
    file_name, mimetype, data = downloads[extension]
    content = data()
    return file_name, mimetype, content.decode("utf-8") if isinstance(content, bytes) else content
