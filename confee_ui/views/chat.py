"""The chat: history, one question to one configuration, or to two side by side (compare mode).

Every answer gets its cards, a timing line and the collapsed 「ツール呼び出し」 panel. Errors keep the question
(「再送信」) in single mode; in compare mode the failing column says what happened and the other still answers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import streamlit as st

from confee_ui.cards import card_markdown, cards_heading
from confee_ui.config import AgentConfig
from confee_ui.errors import error_notice
from confee_ui.markdown import escape_markdown
from confee_ui.state import ChatMessage, ChatState
from confee_ui.streaming import ReplyStream
from confee_ui.views.trace import render_trace_panel
from proxy.agent_client import AgentClient, AgentError, new_session_id

logger = logging.getLogger("confee.streamlit")

EMPTY_ANSWER = "（回答が空でした。質問を変えてもう一度お試しください。）"
LANE_NAMES = ("A", "B")

#: Brings the newest exchange into view once its run has finished: the question at the top, its answer below.
#: Streamlit keeps a chat pinned to the bottom, which shows only the end of a long answer. A constant script
#: (no outside input); it runs again a little later, after late layout (fonts, expanders) has settled.
_SCROLL_SCRIPT = """<div data-confee-scroll="{nonce}"></div><script>
(() => {{
  const scroll = () => {{
    const user = '[data-testid="stChatMessage"]:has([data-testid="stChatMessageAvatarUser"])';
    const questions = document.querySelectorAll(user);
    const last = questions[questions.length - 1];
    if (last) last.scrollIntoView({{block: "start", behavior: "instant"}});
  }};
  for (const delay of [50, 400, 1000]) setTimeout(scroll, delay);
}})();
</script>"""


def render_suggestions(state: ChatState, suggestions: Sequence[str]) -> None:
    """First visit: a greeting and suggested questions; a click queues the question."""
    with st.chat_message("assistant"):
        st.markdown(
            "こんにちは、Confee です。connpass の技術イベントを探すお手伝いをします。"
            "気になる技術・場所・時期を日本語で聞いてください。"
        )
    columns = st.columns(2)
    for i, text in enumerate(suggestions):
        columns[i % 2].button(text, key=f"suggestion-{i}", on_click=state.queue, args=(text,), width="stretch")


def render_cards(events: list[dict[str, Any]]) -> None:
    """Compact cards under an answer (title link, date, place, capacity), folded: the Markdown comes first."""
    if not events:
        return
    with st.expander(cards_heading(events), icon=":material/event:"):
        for event in events:
            with st.container(border=True):
                st.markdown(card_markdown(event))


def render_extras(message: ChatMessage) -> None:
    """What follows an answer's text: cards, then the 「ツール呼び出し」 panel."""
    render_cards(message.events)
    render_trace_panel(message)


def lane_caption(lane: int, config: AgentConfig | None) -> None:
    where = config.label() if config else ""
    st.caption(f"**{LANE_NAMES[lane]}** {escape_markdown(where)}")


def render_question(state: ChatState, index: int, message: ChatMessage) -> None:
    """A question from the history; a failed one gets its notice and a 「再送信」 button."""
    with st.chat_message("user"):
        st.text(message.content)
    if message.error is not None:
        with st.chat_message("assistant", avatar=":material/error:"):
            st.error(message.error)
            st.button(
                "再送信",
                key=f"resend-{index}-{len(state.messages)}",
                on_click=state.resend,
                args=(index,),
                icon=":material/refresh:",
            )


def render_answer(message: ChatMessage) -> None:
    """An answer from the history (inside its column in compare mode)."""
    if message.error is not None:
        with st.chat_message("assistant", avatar=":material/error:"):
            st.error(message.error)
        return
    with st.chat_message("assistant"):
        st.markdown(message.content)
        render_extras(message)


def render_history(state: ChatState) -> None:
    """Every bubble; compare mode's answers side by side in two columns, A left and B right."""
    index = 0
    messages = state.messages
    while index < len(messages):
        message = messages[index]
        if message.role == "user":
            render_question(state, index, message)
            index += 1
            continue
        if message.lane is None:
            render_answer(message)
            index += 1
            continue
        group = []
        while index < len(messages) and messages[index].role == "assistant" and messages[index].lane is not None:
            group.append(messages[index])
            index += 1
        columns = st.columns(2)
        for answer in group:
            lane = answer.lane or 0
            with columns[lane]:
                lane_caption(lane, answer.config)
                render_answer(answer)


def stream_answer(
    client: AgentClient, state: ChatState, question: str, lane: int | None, config: AgentConfig | None
) -> ChatMessage:
    """Stream one configuration's answer into an assistant bubble and record it.

    Raises:
        AgentError: The agent could not answer (the caller decides how to show it).
    """
    session_id, turn = state.session_of(lane)
    with st.chat_message("assistant"):
        reply = ReplyStream(client.stream(session_id, question, turn=turn))
        try:
            st.write_stream(reply.text())
        except AgentError as exc:
            # The page shows the Japanese notice; the terminal gets the cause (no credentials, wrong region, ...).
            logger.warning("agent error | target=<%s> code=<%s> detail=<%s>", client.target, exc.code, exc.detail)
            raise
        text = reply.text_so_far
        if not text:  # nothing streamed (e.g. a model reply that was all <thinking>): say so now, not next run
            text = EMPTY_ANSWER
            st.markdown(text)
        message = state.add_answer(text, reply.events, reply.meta, lane=lane, timing=reply.timing(), config=config)
        render_extras(message)
    return message


def ask(client: AgentClient, state: ChatState, question: str, config: AgentConfig | None) -> None:
    """Single mode: send a question, stream the answer; a failure flags the question for 「再送信」."""
    state.notice = None
    question_message = state.add_question(question)
    with st.chat_message("user"):
        st.text(question)
    try:
        stream_answer(client, state, question, None, config)
    except AgentError as exc:
        question_message.error = error_notice(exc.code, exc.message, exc.retry_after, client.label)
        if exc.code == "session_expired":
            state.start_new_session(new_session_id(), clear_history=False)
        st.rerun()


def ask_both(
    clients: Sequence[AgentClient], state: ChatState, question: str, configs: Sequence[AgentConfig | None]
) -> None:
    """Compare mode: the same question to A, then to B, each in its own column with its own session."""
    state.notice = None
    state.add_question(question)
    with st.chat_message("user"):
        st.text(question)
    columns = st.columns(2)
    for lane, (client, config) in enumerate(zip(clients, configs, strict=True)):
        with columns[lane]:
            lane_caption(lane, config)
            try:
                stream_answer(client, state, question, lane, config)
            except AgentError as exc:
                notice = error_notice(exc.code, exc.message, exc.retry_after, client.label)
                state.add_failed_answer(lane, notice, config)
                if exc.code == "session_expired":
                    state.renew_lane(lane, new_session_id())
                with st.chat_message("assistant", avatar=":material/error:"):
                    st.error(notice)


def scroll_to_latest(state: ChatState) -> None:
    """Bring the newest answer into view (Streamlit only follows the bottom while one is already there)."""
    st.html(_SCROLL_SCRIPT.format(nonce=len(state.messages)), unsafe_allow_javascript=True, width="content")
