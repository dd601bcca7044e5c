"""Chat state rules: turns count completed exchanges, failures keep the question, resets renew the id."""

from __future__ import annotations

import itertools

from confee_ui.config import AgentConfig
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


def test_first_configuration_is_recorded_without_a_notice() -> None:
    state = make_state()
    assert state.reconfigure([AgentConfig()], lambda: "unused-" + "0" * 40) is None
    assert state.configs == (AgentConfig(),) and state.partner is None and state.notice is None


def test_a_changed_configuration_starts_a_new_conversation_and_says_so() -> None:
    state = make_state()
    state.reconfigure([AgentConfig()], lambda: "x")
    state.add_question("q")
    state.add_answer("a", [], {"model": "offline", "source": "sample"})
    first = state.session_id
    notice = state.reconfigure([AgentConfig(source="connpass")], lambda: "renewed-" + "0" * 40)
    assert notice == "設定を変更したので、新しい会話を始めました（イベント: サンプル → connpass）。"
    assert state.notice == notice and state.messages == [] and state.turn == 0 and state.meta == {}
    assert state.session_id != first
    assert state.reconfigure([AgentConfig(source="connpass")], lambda: "y") is None  # unchanged: nothing to say


def test_compare_lanes_keep_their_own_sessions_and_turns() -> None:
    ids = (f"lane-session-{n:040d}" for n in itertools.count())
    state = new_state(lambda: next(ids))
    state.reconfigure([AgentConfig()], lambda: next(ids))
    b = AgentConfig(model="apac.amazon.nova-micro-v1:0")
    assert state.reconfigure([AgentConfig(), b], lambda: next(ids)) == (
        "設定を変更したので、新しい会話を始めました（比較モードを開始）。"
    )
    assert state.partner is not None and state.partner.session_id != state.session_id
    state.add_question("q")
    state.add_answer("a", [], {"model": "offline"}, lane=0)
    state.add_answer("b", [], {"model": "bedrock"}, lane=1, config=b)
    assert (state.turn, state.partner.turn) == (1, 1)
    assert (state.meta, state.partner.meta) == ({"model": "offline"}, {"model": "bedrock"})
    assert state.session_of(1) == (state.partner.session_id, 1)
    expired = state.partner.session_id
    state.renew_lane(1, "renewed-lane-" + "0" * 40)
    assert state.session_of(1) == ("renewed-lane-" + "0" * 40, 0) and state.partner.session_id != expired
    assert len(state.messages) == 3  # the history stays on the page
    notice = state.reconfigure([AgentConfig(), AgentConfig(model="apac.amazon.nova-lite-v1:0")], lambda: next(ids))
    assert notice == "設定を変更したので、新しい会話を始めました（B: モデル: Amazon Nova Micro → Amazon Nova Lite）。"
    state.start_new_session("new-a-" + "0" * 40, clear_history=True, partner_id="new-b-" + "0" * 40)
    assert state.session_of(0) == ("new-a-" + "0" * 40, 0) and state.session_of(1) == ("new-b-" + "0" * 40, 0)
    assert state.reconfigure([AgentConfig()], lambda: next(ids)) == (
        "設定を変更したので、新しい会話を始めました（比較モードを終了）。"
    )
    assert state.partner is None
