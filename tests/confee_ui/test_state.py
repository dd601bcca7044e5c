"""Chat state rules: turns count completed exchanges, failures keep the question, resets renew the id."""

from __future__ import annotations

import itertools

from confee_ui.state import ChatState, new_state


def make_state() -> ChatState:
    ids = (f"session-{n:040d}" for n in itertools.count())
    return new_state(lambda: next(ids))


def test_turn_counts_completed_exchanges_only() -> None:
    state = make_state()
    state.add_question("TypeScriptのカンファレンスある？")
    state.add_answer("あります", [{"id": 1}], {"model": "offline", "source": "sample"})
    failed = state.add_question("面白そうなイベント教えて")
    failed.error = "エラー"
    assert state.turn == 1
    assert state.meta == {"model": "offline", "source": "sample"}
    assert [m.role for m in state.messages] == ["user", "assistant", "user"]


def test_resend_requeues_the_failed_question_and_removes_its_bubble() -> None:
    state = make_state()
    failed = state.add_question("来月大阪でRustの勉強会は？")
    failed.error = "エラー"
    state.resend(0)
    assert state.messages == []
    assert state.take_pending() == "来月大阪でRustの勉強会は？"
    assert state.take_pending() is None


def test_a_stale_resend_click_is_ignored() -> None:
    """A double click fires the first render's callback twice; the second must not raise IndexError."""
    state = make_state()
    failed = state.add_question("来月大阪でRustの勉強会は？")
    failed.error = "エラー"
    state.resend(0)
    state.resend(0)
    assert state.take_pending() == "来月大阪でRustの勉強会は？"
    assert state.messages == []


def test_resend_ignores_answered_messages() -> None:
    state = make_state()
    state.add_question("q")
    state.resend(0)
    assert state.pending is None
    assert len(state.messages) == 1


def test_new_session_resets_turn_and_optionally_history() -> None:
    state = make_state()
    first = state.session_id
    state.add_question("q")
    state.add_answer("a", [], {})
    state.start_new_session("session-expired-replacement-000000000", clear_history=False)
    assert (state.turn, len(state.messages), state.session_id) == (0, 2, "session-expired-replacement-000000000")
    state.queue("x")
    state.start_new_session("another-session-id-000000000000000000", clear_history=True)
    assert state.messages == [] and state.pending is None and state.is_fresh
    assert first != state.session_id


def test_meta_survives_a_reply_without_meta() -> None:
    state = make_state()
    state.add_answer("a", [], {"model": "bedrock", "source": "connpass"})
    state.add_answer("b", [], {})
    assert state.meta == {"model": "bedrock", "source": "connpass"}


def test_flag_unanswered_marks_only_a_trailing_question() -> None:
    state = make_state()
    state.add_question("q")
    state.add_answer("a", [], {})
    state.flag_unanswered("中断")
    assert all(m.error is None for m in state.messages)
    state.add_question("q2")
    state.flag_unanswered("中断")
    assert state.messages[-1].error == "中断"
