"""The Streamlit app through ``streamlit.testing.v1.AppTest``: chat flow, suggestions, reset and errors.

Most tests inject a scripted client under ``st.session_state["confee_client"]`` (the app's override
hook) so each error path is exact; one test runs the real in-process agent on the offline model and
the sample catalogue.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from proxy.agent_client import AgentError

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")

EVENT: dict[str, Any] = {
    "id": 7,
    "title": "TypeScript Conference Tokyo",
    "url": "https://sample-connpass.example/event/7/",
    "started_at": "2026-12-05T13:00:00+09:00",
    "ended_at": "2026-12-05T18:00:00+09:00",
    "date": "2026年12月5日(土) 13:00〜18:00",
    "place": "渋谷ホール",
    "address": "東京都渋谷区",
    "prefecture": "東京都",
    "online": False,
    "accepted": 45,
    "limit": 50,
    "waiting": 2,
    "open_status": "open",
    "catch": "型の話",
}

Outcome = list[dict[str, Any]] | AgentError


def answer(text: str, events: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """A Contract 1 stream: two text deltas, then done."""
    half = len(text) // 2
    return [
        {"type": "text", "text": text[:half]},
        {"type": "text", "text": text[half:]},
        {"type": "done", "session_id": "x", "events": events or [], "meta": {"model": "offline", "source": "sample"}},
    ]


class ScriptedClient:
    """Duck-typed ``AgentClient`` that plays back one outcome per call and records what it was sent."""

    target = "http"
    label = "エージェントサーバー http://127.0.0.1:9"

    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = list(outcomes)
        self.calls: list[tuple[str, str, int]] = []

    def stream(self, session_id: str, message: str, turn: int = 0) -> Iterator[dict[str, Any]]:
        self.calls.append((session_id, message, turn))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, AgentError):
            raise outcome
        for item in outcome:
            if item.get("type") == "raise":
                raise item["error"]
            yield item


def start(client: ScriptedClient) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["confee_client"] = client
    return at.run()


def ask(at: AppTest, text: str) -> AppTest:
    at.chat_input[0].set_value(text)
    return at.run()


def bubbles(at: AppTest) -> list[tuple[str, str]]:
    """(role, first text) of each chat bubble, in order."""
    result = []
    for message in at.main.chat_message:
        texts = [t.value for t in message.text] + [m.value for m in message.markdown] + [e.value for e in message.error]
        result.append((message.name, texts[0] if texts else ""))
    return result


def sidebar_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.sidebar.markdown)


def session_id(at: AppTest) -> str:
    return str(at.session_state["confee_chat"].session_id)


def test_page_title_and_first_visit_suggestions() -> None:
    at = start(ScriptedClient())
    assert not at.exception
    assert at.title[0].value == "Confee — 技術イベント検索"
    labels = [b.label for b in sorted(at.main.button, key=lambda b: b.key or "")]  # two columns: order by key
    assert labels == [
        "TypeScriptのカンファレンスある？",
        "面白そうなイベント教えて",
        "来月大阪でRustの勉強会は？",
        "オンラインで参加できる勉強会は？",
    ]
    assert len(session_id(at)) >= 33


def test_question_renders_user_message_answer_and_cards() -> None:
    client = ScriptedClient(answer("おすすめは TypeScript Conference Tokyo です。", [EVENT]))
    at = ask(start(client), "TypeScriptのカンファレンスある？")
    assert not at.exception
    assert bubbles(at) == [
        ("user", "TypeScriptのカンファレンスある？"),
        ("assistant", "おすすめは TypeScript Conference Tokyo です。"),
    ]
    assert client.calls == [(session_id(at), "TypeScriptのカンファレンスある？", 0)]
    assert at.expander[0].label == "紹介したイベント（1件）"
    card = at.expander[0].markdown[0].value
    assert "[TypeScript Conference Tokyo](https://sample-connpass.example/event/7/)" in card
    assert "参加 45/50人・補欠 2人" in card
    assert not [b for b in at.main.button if (b.key or "").startswith("suggestion-")]  # suggestions are gone


def test_turn_counts_completed_exchanges_in_the_same_session() -> None:
    client = ScriptedClient(answer("一つ目"), answer("二つ目"))
    at = ask(start(client), "面白そうなイベント教えて")
    at = ask(at, "東京だけにして")
    sid = session_id(at)
    assert client.calls == [(sid, "面白そうなイベント教えて", 0), (sid, "東京だけにして", 1)]
    assert [role for role, _ in bubbles(at)] == ["user", "assistant", "user", "assistant"]
    assert "やり取り 2 回" in at.sidebar.caption[-1].value


def test_suggested_prompt_click_sends_it() -> None:
    client = ScriptedClient(answer("大阪の Rust 勉強会です。"))
    at = start(client)
    at.button(key="suggestion-2").click().run()
    assert client.calls == [(session_id(at), "来月大阪でRustの勉強会は？", 0)]
    assert bubbles(at) == [("user", "来月大阪でRustの勉強会は？"), ("assistant", "大阪の Rust 勉強会です。")]


def test_new_conversation_resets_session_and_history() -> None:
    client = ScriptedClient(answer("一つ目"), answer("新しい回答"))
    at = ask(start(client), "面白そうなイベント教えて")
    first = session_id(at)
    new_button = next(b for b in at.sidebar.button if b.label == "新しい会話")
    at = new_button.click().run()
    assert session_id(at) != first and len(session_id(at)) >= 33
    assert at.main.chat_message[0].name == "assistant"  # only the greeting is left
    assert len(at.main.chat_message) == 1
    assert [b.key for b in at.main.button if (b.key or "").startswith("suggestion-")]
    at = ask(at, "TypeScriptのカンファレンスある？")
    assert client.calls[-1] == (session_id(at), "TypeScriptのカンファレンスある？", 0)


def test_sidebar_shows_remote_model_after_first_answer_and_sample_badge() -> None:
    at = start(ScriptedClient(answer("回答")))
    assert "**モデル**: 不明" in sidebar_text(at)
    assert "サンプルデータ" not in sidebar_text(at)
    at = ask(at, "面白そうなイベント教えて")
    text = sidebar_text(at)
    assert "**モデル**: オフラインモデル" in text
    assert "**イベント**: サンプルカタログ" in text
    assert "サンプルデータ" in text  # st.badge renders as a Markdown badge directive


def test_unreachable_agent_keeps_the_question_and_resend_recovers() -> None:
    client = ScriptedClient(AgentError("agent_unavailable"), answer("届きました"))
    at = ask(start(client), "来月大阪でRustの勉強会は？")
    assert not at.exception
    assert bubbles(at)[0] == ("user", "来月大阪でRustの勉強会は？")
    assert "（接続先: `エージェントサーバー http://127.0.0.1:9`）" in at.error[0].value
    resend = next(b for b in at.main.button if b.label == "再送信")
    at = resend.click().run()
    assert client.calls[1] == (session_id(at), "来月大阪でRustの勉強会は？", 0)
    assert bubbles(at) == [("user", "来月大阪でRustの勉強会は？"), ("assistant", "届きました")]
    assert not at.error


def test_agent_errors_tell_the_operator_why_without_the_question(caplog: pytest.LogCaptureFixture) -> None:
    """The page can only say "unreachable"; the terminal must name the cause (e.g. missing AWS credentials)."""
    caplog.set_level(logging.WARNING, logger="confee.streamlit")
    client = ScriptedClient(AgentError("agent_unavailable", detail="NoCredentialsError"))
    at = ask(start(client), "社外秘の質問テキスト")
    assert at.error  # the user still gets the Japanese notice
    records = [r.getMessage() for r in caplog.records if r.name == "confee.streamlit"]
    assert len(records) == 1 and "agent_unavailable" in records[0] and "NoCredentialsError" in records[0]
    assert "社外秘の質問テキスト" not in caplog.text


def test_an_empty_answer_says_so_at_once() -> None:
    """Once the bubble stayed blank until the next interaction (the notice was only stored)."""
    done_only = [{"type": "done", "session_id": "x", "events": [], "meta": {}}]
    at = ask(start(ScriptedClient(done_only)), "面白そうなイベント教えて")
    assert not at.exception
    empty = "（回答が空でした。質問を変えてもう一度お試しください。）"
    assert bubbles(at) == [("user", "面白そうなイベント教えて"), ("assistant", empty)]
    assert at.session_state["confee_chat"].turn == 1


def test_throttled_mentions_retry_after() -> None:
    at = ask(start(ScriptedClient(AgentError("throttled", retry_after=4.2))), "面白そうなイベント教えて")
    assert "5秒ほど待ってから「再送信」" in at.error[0].value
    assert at.session_state["confee_chat"].messages[0].content == "面白そうなイベント教えて"


def test_timeout_mid_stream_drops_partial_answer_but_keeps_question() -> None:
    stream: list[dict[str, Any]] = [
        {"type": "text", "text": "途中まで"},
        {"type": "raise", "error": AgentError("agent_timeout")},
    ]
    at = ask(start(ScriptedClient(stream)), "TypeScriptのカンファレンスある？")
    assert "時間内に返ってきませんでした" in at.error[0].value
    assert [role for role, _ in bubbles(at)] == ["user", "assistant"]  # the question and the error notice
    assert at.session_state["confee_chat"].turn == 0


def test_session_expired_starts_a_new_session_and_resend_uses_it() -> None:
    client = ScriptedClient(answer("一つ目"), AgentError("session_expired"), answer("やり直し"))
    at = ask(start(client), "面白そうなイベント教えて")
    old = session_id(at)
    at = ask(at, "東京だけにして")
    new = session_id(at)
    assert new != old and len(new) >= 33
    assert client.calls[1] == (old, "東京だけにして", 1)
    assert "新しい会話を自動で開始しました" in at.error[0].value
    assert "やり取り 0 回" in at.sidebar.caption[-1].value
    at = next(b for b in at.main.button if b.label == "再送信").click().run()
    assert client.calls[2] == (new, "東京だけにして", 0)
    assert bubbles(at)[-2:] == [("user", "東京だけにして"), ("assistant", "やり直し")]


def test_invalid_agent_target_is_reported_on_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFEE_AGENT", "ftp://nowhere")
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=30).run()
        assert not at.exception
        assert "エージェントの設定を読み込めませんでした" in at.error[0].value
        assert "ftp://nowhere" in at.error[0].value
        assert not at.chat_input  # nothing to talk to
    finally:
        st.cache_resource.clear()


def test_real_in_process_agent_answers_from_sample_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONNPASS_API_KEY", "CONNPASS_API_KEY_SECRET_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CONFEE_AGENT", "local")
    monkeypatch.setenv("CONFEE_MODEL", "offline")
    monkeypatch.setenv("CONFEE_EVENTS", "sample")
    st.cache_resource.clear()  # a fresh shared client built from this environment
    try:
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert "プロセス内のエージェント" in sidebar_text(at)
        assert "サンプルデータ" in sidebar_text(at)
        at = ask(at, "面白そうなイベント教えて")
        assert not at.exception
        assert not at.error, at.error[0].value if at.error else ""
        assert [(m.name, m.text[0].value if m.text else None) for m in at.main.chat_message] == [
            ("user", "面白そうなイベント教えて"),
            ("assistant", None),
        ]
        answer_md = at.main.chat_message[1].markdown[0].value
        assert re.search(r"\]\(https://[a-z0-9-]+\.sample-connpass\.example/event/\d+/\)", answer_md), answer_md
        state = at.session_state["confee_chat"]
        assert state.turn == 1
        assert (state.meta["model"], state.meta["source"]) == ("offline", "sample")
        cards = at.main.chat_message[1].expander[0]
        assert cards.label == f"紹介したイベント（{len(state.messages[1].events)}件）"
        assert "sample-connpass.example/event/" in cards.markdown[0].value
        at = ask(at, "東京だけにして")  # turn 1 on the same session: the agent still has the context
        assert not at.error, at.error[0].value if at.error else ""
        assert at.session_state["confee_chat"].turn == 2
    finally:
        st.cache_resource.clear()
