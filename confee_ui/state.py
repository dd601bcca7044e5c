"""The chat's state as one plain object, so the rules (turn counting, resend, session reset) are testable.

Streamlit reruns the whole script on every interaction; everything that must survive a rerun lives
in one ``ChatState`` stored under a single ``st.session_state`` key. Nothing here imports Streamlit.

Compare mode sends each question to two configurations: lane 0 (A) uses the state's own session, lane 1 (B)
the ``partner`` lane's; answers carry the lane they belong to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from confee_ui.config import AgentConfig, describe_change


@dataclass(frozen=True)
class Timing:
    """How long an answer took, measured by the app (the trace has the agent's own figures).

    Attributes:
        first_text_s: Seconds until the first text arrived (``None`` when none did).
        total_s: Seconds until the answer was complete.
    """

    first_text_s: float | None
    total_s: float


@dataclass
class ChatMessage:
    """One bubble in the history.

    Attributes:
        role: ``user`` (a question) or ``assistant`` (an answer).
        content: The question text or the answer's Markdown.
        events: Compact event dicts shown as cards under an answer.
        error: Set on a question that got no answer: the Japanese notice, shown with a 「再送信」 button
            (in compare mode, on the answer of the configuration that failed).
        lane: Compare mode: which configuration answered (0 = A, 1 = B); ``None`` otherwise.
        meta: The answer's whole Contract 1 ``meta`` (``model``, ``source``, ``usage``, ``trace``).
        timing: How long the answer took, as the app saw it.
        config: The configuration that answered.
    """

    role: Literal["user", "assistant"]
    content: str
    events: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    lane: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    timing: Timing | None = None
    config: AgentConfig | None = None


@dataclass
class Lane:
    """The agent session of compare mode's second configuration (B)."""

    session_id: str
    turn: int = 0
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class ChatState:
    """Everything the app remembers for one browser session.

    Attributes:
        session_id: The agent session id (33–256 characters, from the agent client).
        messages: The visible history, oldest first.
        turn: Exchanges completed in the current agent session (Contract 1 ``turn``).
        pending: A question queued by a button (suggested prompt or 「再送信」), sent on the next run.
        meta: The last reply's ``meta`` (``model``, ``source``), for the sidebar of remote targets.
        partner: Compare mode's second session (B); ``None`` outside compare mode.
        configs: The configurations answering (one, or two in compare mode).
        notice: Said once above the chat after the configuration changed (a new conversation began).
    """

    session_id: str
    messages: list[ChatMessage] = field(default_factory=list)
    turn: int = 0
    pending: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    partner: Lane | None = None
    configs: tuple[AgentConfig, ...] = ()
    notice: str | None = None

    def queue(self, text: str) -> None:
        """Queue a question to send on the next run (button callbacks run before the script)."""
        self.pending = text

    def take_pending(self) -> str | None:
        """Return and clear the queued question."""
        text, self.pending = self.pending, None
        return text

    def resend(self, index: int) -> None:
        """Queue a failed question again; its failed bubble is removed so it is not shown twice.

        A stale click (a double click whose first click already removed the bubble) is ignored.
        """
        if not 0 <= index < len(self.messages):
            return
        message = self.messages[index]
        if message.role != "user" or message.error is None:
            return
        del self.messages[index]
        self.queue(message.content)

    def add_question(self, text: str) -> ChatMessage:
        """Append the user's question before sending, so it is never lost whatever happens next."""
        message = ChatMessage(role="user", content=text)
        self.messages.append(message)
        return message

    def add_answer(
        self,
        text: str,
        events: list[dict[str, Any]],
        meta: Mapping[str, Any],
        *,
        lane: int | None = None,
        timing: Timing | None = None,
        config: AgentConfig | None = None,
    ) -> ChatMessage:
        """Record a completed exchange: the answer, its events and meta, and one more turn for its session."""
        message = ChatMessage(
            role="assistant", content=text, events=events, lane=lane, meta=dict(meta), timing=timing, config=config
        )
        self.messages.append(message)
        names = {str(k): str(v) for k, v in meta.items() if isinstance(v, str)}
        if lane == 1 and self.partner is not None:
            self.partner.turn += 1
            self.partner.meta = names or self.partner.meta
        else:
            self.turn += 1
            self.meta = names or self.meta
        return message

    def add_failed_answer(self, lane: int, notice: str, config: AgentConfig | None = None) -> None:
        """Compare mode: one configuration could not answer; its column shows ``notice``."""
        self.messages.append(ChatMessage(role="assistant", content="", error=notice, lane=lane, config=config))

    def session_of(self, lane: int | None) -> tuple[str, int]:
        """The session id and turn a lane sends with (lane 1 is the partner's in compare mode)."""
        if lane == 1 and self.partner is not None:
            return self.partner.session_id, self.partner.turn
        return self.session_id, self.turn

    def renew_lane(self, lane: int | None, session_id: str) -> None:
        """A lane's session expired: continue it in a fresh session, keeping the history on the page."""
        if lane == 1 and self.partner is not None:
            self.partner = Lane(session_id)
        else:
            self.start_new_session(session_id, clear_history=False)

    def start_new_session(self, session_id: str, *, clear_history: bool, partner_id: str | None = None) -> None:
        """Switch to a fresh agent session (「新しい会話」, or after ``session_expired``)."""
        self.session_id = session_id
        self.turn = 0
        if partner_id is not None and self.partner is not None:
            self.partner = Lane(partner_id)
        if clear_history:
            self.messages.clear()
            self.pending = None

    def reconfigure(self, configs: Sequence[AgentConfig], make_session_id: Callable[[], str]) -> str | None:
        """Adopt the sidebar's configurations; a change starts a new conversation and returns what to say about it.

        The first call only records them (the page's first run is not a change).
        """
        new = tuple(configs)
        if new == self.configs:
            return None
        old, self.configs = self.configs, new
        self.partner = Lane(make_session_id()) if len(new) > 1 else None
        if not old:
            return None
        self.start_new_session(make_session_id(), clear_history=True)
        self.meta = {}
        self.notice = "設定を変更したので、新しい会話を始めました（" + _changes(old, new) + "）。"
        return self.notice

    def flag_unanswered(self, notice: str) -> None:
        """Mark the last question as failed if no answer followed it (its run was stopped midway)."""
        if self.messages and self.messages[-1].role == "user" and self.messages[-1].error is None:
            self.messages[-1].error = notice

    @property
    def is_fresh(self) -> bool:
        """True before the first question: the page shows suggested prompts then."""
        return not self.messages and self.pending is None


def _changes(old: tuple[AgentConfig, ...], new: tuple[AgentConfig, ...]) -> str:
    if len(old) != len(new):
        return "比較モードを開始" if len(new) > 1 else "比較モードを終了"
    if len(new) == 1:
        return describe_change(old[0], new[0])
    parts = [f"{name}: {describe_change(o, n)}" for name, o, n in zip("AB", old, new, strict=True) if o != n]
    return "、".join(parts)


def new_state(make_session_id: Callable[[], str]) -> ChatState:
    """Create the state for a new browser session."""
    return ChatState(session_id=make_session_id())
