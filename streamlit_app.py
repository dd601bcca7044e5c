"""Confee's Streamlit demo: chat in Japanese with the agent, in process, on a local server, or on AgentCore.

Run with ``streamlit run streamlit_app.py``. ``CONFEE_AGENT`` chooses the target (see the README).
The rules (turns, resend, error texts, cards) live in ``confee_ui/`` as plain Python; this file only
lays out the page. Two ``st.session_state`` keys: ``confee_chat`` (the ``ChatState``) and, optionally,
``confee_client`` (an ``AgentClient`` put there by tests or embedding code to override the default).
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from agent.config import Settings
from agent.errors import ConfigError
from confee_ui.agent_info import describe_agent
from confee_ui.cards import card_markdown, cards_heading
from confee_ui.errors import INTERRUPTED_NOTICE, error_notice
from confee_ui.markdown import code_span, escape_markdown
from confee_ui.state import ChatMessage, ChatState, new_state
from confee_ui.streaming import ReplyStream
from proxy.agent_client import AgentClient, AgentError, client_from_target, new_session_id

logger = logging.getLogger("confee.streamlit")

CHAT_KEY = "confee_chat"
CLIENT_KEY = "confee_client"
MAX_CHARS = 2000  # Contract 2: 1–2000 characters
EMPTY_ANSWER = "（回答が空でした。質問を変えてもう一度お試しください。）"

#: The SPA shows the same questions (spa/src/suggestions.json); tests/test_suggestions.py checks both lists
#: agree and that each has answers in the sample catalogue.
SUGGESTIONS: tuple[str, ...] = (
    "TypeScriptのカンファレンスある？",
    "面白そうなイベント教えて",
    "来月大阪でRustの勉強会は？",
    "オンラインで参加できる勉強会は？",
)


@st.cache_resource(show_spinner=False)
def shared_client() -> AgentClient:
    """One client per server process, from ``CONFEE_AGENT``; the in-process agent keeps sessions apart by id."""
    return client_from_target()


def get_client() -> AgentClient:
    """The client injected under ``confee_client`` (tests, embedding), else the shared one from the environment."""
    injected: AgentClient | None = st.session_state.get(CLIENT_KEY)
    return injected if injected is not None else shared_client()


def get_state() -> ChatState:
    """The chat state of this browser session, created on first visit."""
    if CHAT_KEY not in st.session_state:
        st.session_state[CHAT_KEY] = new_state(new_session_id)
    state: ChatState = st.session_state[CHAT_KEY]
    return state


def local_settings(client: AgentClient) -> Settings | None:
    """The in-process agent's settings, for the sidebar (``None`` for remote targets or invalid config)."""
    if client.target != "local":
        return None
    try:
        return Settings.from_env()
    except ConfigError:
        return None


def new_conversation() -> None:
    """「新しい会話」: a fresh session id and an empty history."""
    get_state().start_new_session(new_session_id(), clear_history=True)


def render_sidebar() -> DeltaGenerator:
    """The 「新しい会話」 button, and a slot for the agent facts filled once this run's answer is in."""
    with st.sidebar:
        st.header("Confee")
        st.button("新しい会話", on_click=new_conversation, icon=":material/add_comment:", width="stretch")
        return st.container()


def render_agent_info(slot: DeltaGenerator, client: AgentClient, state: ChatState) -> None:
    """Show which target, model and event source answer, with a badge for the sample catalogue."""
    info = describe_agent(client.target, client.label, state.meta, local_settings(client))
    with slot:
        st.subheader("接続先")
        facts = (("エージェント", info.target), ("モデル", info.model), ("イベント", info.source))
        st.markdown("  \n".join(f"**{name}**: {escape_markdown(value)}" for name, value in facts))
        if info.is_sample:
            st.badge("サンプルデータ", icon=":material/science:", color="orange")
            st.caption("表示されるイベントは架空のサンプルです。実在の connpass イベントではありません。")
        st.caption(f"セッション: `…{state.session_id[-8:]}` ・ やり取り {state.turn} 回")


def render_cards(events: list[dict[str, Any]]) -> None:
    """Compact cards under an answer (title link, date, place, capacity), folded: the Markdown comes first."""
    if not events:
        return
    with st.expander(cards_heading(events), icon=":material/event:"):
        for event in events:
            with st.container(border=True):
                st.markdown(card_markdown(event))


def render_message(state: ChatState, index: int, message: ChatMessage) -> None:
    """One bubble from the history; a failed question gets its notice and a 「再送信」 button."""
    with st.chat_message(message.role):
        if message.role == "user":
            st.text(message.content)
        else:
            st.markdown(message.content)
            render_cards(message.events)
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


def render_suggestions(state: ChatState) -> None:
    """First visit: a greeting and suggested questions; a click queues the question."""
    with st.chat_message("assistant"):
        st.markdown(
            "こんにちは、Confee です。connpass の技術イベントを探すお手伝いをします。"
            "気になる技術・場所・時期を日本語で聞いてください。"
        )
    columns = st.columns(2)
    for i, text in enumerate(SUGGESTIONS):
        columns[i % 2].button(text, key=f"suggestion-{i}", on_click=state.queue, args=(text,), width="stretch")


def ask(client: AgentClient, state: ChatState, question: str) -> None:
    """Send a question, stream the answer into a bubble, and record the outcome in the state."""
    question_message = state.add_question(question)
    with st.chat_message("user"):
        st.text(question)
    with st.chat_message("assistant"):
        reply = ReplyStream(client.stream(state.session_id, question, turn=state.turn))
        try:
            st.write_stream(reply.text())
        except AgentError as exc:
            # The page shows the Japanese notice; the terminal gets the cause (no credentials, wrong region, ...).
            logger.warning("agent error | target=<%s> code=<%s> detail=<%s>", client.target, exc.code, exc.detail)
            question_message.error = error_notice(exc.code, exc.message, exc.retry_after, client.label)
            if exc.code == "session_expired":
                state.start_new_session(new_session_id(), clear_history=False)
            st.rerun()
        text = reply.text_so_far
        if not text:  # nothing streamed (e.g. a model reply that was all <thinking>): say so now, not next run
            text = EMPTY_ANSWER
            st.markdown(text)
        state.add_answer(text, reply.events, reply.meta)
        render_cards(reply.events)


def main() -> None:
    """Lay out the page and handle at most one question per run."""
    st.set_page_config(page_title="Confee — 技術イベント検索", page_icon=":material/event:", layout="centered")
    try:
        client = get_client()
    except Exception as exc:  # config errors must show on the page, not as a traceback
        st.title("Confee — 技術イベント検索")
        detail = code_span(str(exc))
        st.error(f"エージェントの設定を読み込めませんでした: {detail}  \n環境変数 CONFEE_AGENT を確認してください。")
        st.stop()
    state = get_state()
    state.flag_unanswered(INTERRUPTED_NOTICE)  # a run stopped mid-answer leaves a question to resend
    info_slot = render_sidebar()
    st.title("Confee — 技術イベント検索")
    st.caption("connpass の技術イベントを日本語の質問で探せます。")

    question = state.take_pending()
    typed = st.chat_input("例: 来月大阪でRustの勉強会は？", max_chars=MAX_CHARS, submit_mode="disable")
    if typed and typed.strip():
        question = typed.strip()

    if state.is_fresh and question is None:
        render_suggestions(state)
    for index, message in enumerate(state.messages):
        render_message(state, index, message)
    if question:
        ask(client, state, question)
    render_agent_info(info_slot, client, state)


main()
