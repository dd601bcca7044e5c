"""The chat's state as one plain object, so the rules (turn counting, resend, session reset) are testable.

Streamlit reruns the whole script on every interaction; everything that must survive a rerun lives
in one ``ChatState`` stored under a single ``st.session_state`` key. Nothing here imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass
class ChatMessage:
    """One bubble in the history.

    Attributes:
        role: ``user`` (a question) or ``assistant`` (an answer).
        content: The question text or the answer's Markdown.
        events: Compact event dicts shown as cards under an answer.
        error: Set on a question that got no answer: the Japanese notice, shown with a 「再送信」 button.
    """

    role: Literal["user", "assistant"]
    content: str
    events: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@dataclass
class ChatState:
    """Everything the app remembers for one browser session.

    Attributes:
        session_id: The agent session id (33–256 characters, from the agent client).
        messages: The visible history, oldest first.
        turn: Exchanges completed in the current agent session (Contract 1 ``turn``).
        pending: A question queued by a button (suggested prompt or 「再送信」), sent on the next run.
        meta: The last reply's ``meta`` (``model``, ``source``), for the sidebar of remote targets.
    """

    session_id: str
    messages: list[ChatMessage] = field(default_factory=list)
    turn: int = 0
    pending: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

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

    def add_answer(self, text: str, events: list[dict[str, Any]], meta: Mapping[str, Any]) -> None:
        """Record a completed exchange: the answer, its events, and one more turn."""
        self.messages.append(ChatMessage(role="assistant", content=text, events=events))
        self.turn += 1
        self.meta = {str(k): str(v) for k, v in meta.items() if isinstance(v, str)} or self.meta

    def start_new_session(self, session_id: str, *, clear_history: bool) -> None:
        """Switch to a fresh agent session (「新しい会話」, or after ``session_expired``)."""
        self.session_id = session_id
        self.turn = 0
        if clear_history:
            self.messages.clear()
            self.pending = None

    def flag_unanswered(self, notice: str) -> None:
        """Mark the last question as failed if no answer followed it (its run was stopped midway)."""
        if self.messages and self.messages[-1].role == "user" and self.messages[-1].error is None:
            self.messages[-1].error = notice

    @property
    def is_fresh(self) -> bool:
        """True before the first question: the page shows suggested prompts then."""
        return not self.messages and self.pending is None


def new_state(make_session_id: Callable[[], str]) -> ChatState:
    """Create the state for a new browser session."""
    return ChatState(session_id=make_session_id())
