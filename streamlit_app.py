"""Confee's Streamlit workbench: chat with the agent, see every tool call, switch models and sources, compare two.

Run with ``streamlit run streamlit_app.py``. The environment (``CONFEE_AGENT``, ``CONFEE_MODEL``…) gives the
first configuration; the sidebar changes it without a restart. The rules live in ``confee_ui/`` (pure Python)
and its Streamlit parts in ``confee_ui/views/``; this file only lays out the page. ``st.session_state`` keys:
``confee_chat`` (the ``ChatState``), ``confee_pool`` (this browser session's agents), the sidebar's
``cfg_*`` controls, and optionally ``confee_client`` / ``confee_client_b``: ``AgentClient`` objects put there
by tests or embedding code to answer for configuration A / B instead of the ones the sidebar describes.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import NoReturn

import streamlit as st

from agent.config import Settings
from agent.errors import ConfigError
from confee_ui import availability
from confee_ui.config import AgentConfig, initial_config
from confee_ui.errors import INTERRUPTED_NOTICE
from confee_ui.markdown import code_span
from confee_ui.pool import ClientPool
from confee_ui.state import ChatState, new_state
from confee_ui.views.chat import ask, ask_both, render_history, render_suggestions, scroll_to_latest
from confee_ui.views.panels import render_agent_info, render_export
from confee_ui.views.sidebar import COMPARE_KEY, render_controls
from proxy.agent_client import AgentClient, new_session_id
from proxy.api.validation import MAX_MESSAGE_CHARS

logger = logging.getLogger("confee.streamlit")

CHAT_KEY = "confee_chat"
POOL_KEY = "confee_pool"
CLIENT_KEYS = ("confee_client", "confee_client_b")
#: Streamlit's chat input ignores an edit (a paste included) that would take it over ``max_chars``, without a word:
#: the limit is the Chat API's own (the agent's is the same, tests/streamlit/test_input_limit.py), and the page
#: says it under the input.
LIMIT_NOTE = (
    f"質問は最大 {MAX_MESSAGE_CHARS} 文字までです。"
    "それより長くなる貼り付けは入力欄に入らないので、短くしてから貼り付けてください。"
)
TITLE = "Confee — 技術イベント検索"
FAVICON = Path(__file__).resolve().parent / "confee_ui" / "static" / "favicon.png"  # served by this server

#: The SPA shows the same questions (spa/src/suggestions.json); tests/test_suggestions.py checks both lists
#: agree and that each has answers in the sample catalogue.
SUGGESTIONS: tuple[str, ...] = (
    "TypeScriptのカンファレンスある？",
    "面白そうなイベント教えて",
    "来月大阪でRustの勉強会は？",
    "オンラインで参加できる勉強会は？",
)


def base_settings() -> tuple[Settings, str | None]:
    """The agent settings from the environment; on a configuration error, the defaults and the message."""
    try:
        return Settings.from_env(), None
    except ConfigError as exc:
        return Settings(), str(exc)


@st.cache_data(ttl=60, show_spinner=False)
def check_availability(base: Settings) -> availability.Availability:
    """What can work here (AWS credentials, connpass key, mirror), rechecked at most once a minute."""
    return availability.check(base)


def get_state() -> ChatState:
    """The chat state of this browser session, created on first visit."""
    if CHAT_KEY not in st.session_state:
        st.session_state[CHAT_KEY] = new_state(new_session_id)
    state: ChatState = st.session_state[CHAT_KEY]
    return state


def get_pool(base: Settings) -> ClientPool:
    """This browser session's agents, one per configuration."""
    pool: ClientPool | None = st.session_state.get(POOL_KEY)
    if pool is None or pool.base != base:
        if pool is not None:
            pool.close()
        pool = st.session_state[POOL_KEY] = ClientPool(base)
    return pool


def new_conversation() -> None:
    """「新しい会話」: fresh session ids (both lanes in compare mode) and an empty history."""
    state = get_state()
    state.notice = None
    state.start_new_session(new_session_id(), clear_history=True, partner_id=new_session_id())


def build_clients(pool: ClientPool, configs: list[AgentConfig]) -> list[AgentClient]:
    """A client per configuration (an injected one wins); a configuration that cannot start says why instead."""
    clients = []
    for name, config in zip(CLIENT_KEYS, configs, strict=False):
        try:
            clients.append(st.session_state.get(name) or pool.client(config))
        except ValueError as exc:  # a malformed URL or ARN
            st.error(f"接続先を作れません: {code_span(str(exc))}  \nサイドバーの URL / ARN を確認してください。")
            return []
        except Exception as exc:  # the in-process agent could not start (e.g. an unreadable mirror)
            logger.exception("agent start-up failed | config=<%s>", config.label())
            st.error(f"エージェントを起動できませんでした: {code_span(f'{type(exc).__name__}: {exc}')}")
            return []
    return clients


def stop_with_error(message: str) -> NoReturn:
    """A page that only says what is wrong (nothing can be asked)."""
    st.title(TITLE)
    st.error(message)
    st.stop()


def main() -> None:
    """Lay out the page and handle at most one question per run."""
    compare = bool(st.session_state.get(COMPARE_KEY))
    st.set_page_config(page_title=TITLE, page_icon=str(FAVICON), layout="wide" if compare else "centered")
    base, env_error = base_settings()
    try:
        first = initial_config(base, os.environ)
    except ValueError as exc:  # config errors must show on the page, not as a traceback
        detail = code_span(str(exc))
        stop_with_error(
            f"エージェントの設定を読み込めませんでした: {detail}  \n環境変数 CONFEE_AGENT を確認してください。"
        )
    state = get_state()
    state.flag_unanswered(INTERRUPTED_NOTICE)  # a run stopped mid-answer leaves a question to resend
    pool = get_pool(base)
    with st.sidebar:
        if env_error:
            st.warning(f"環境変数の設定に誤りがあるため、既定の設定で始めました: {code_span(env_error)}")
        configs = render_controls(first, base, check_availability(base), new_conversation)
        export_slot, info_slot = st.container(), st.container()
    state.reconfigure(configs, new_session_id)
    pool.keep(configs)
    st.title(TITLE)
    st.caption("connpass の技術イベントを日本語の質問で探せます。回答の下の「ツール呼び出し」で動きが見えます。")
    clients = build_clients(pool, configs)
    question = state.take_pending()
    with st.bottom:
        typed = st.chat_input(
            "例: 来月大阪でRustの勉強会は？", max_chars=MAX_MESSAGE_CHARS, submit_mode="disable", disabled=not clients
        )
        st.caption(LIMIT_NOTE)
    if typed and typed.strip():
        question = typed.strip()
    if question:
        state.notice = None  # said once: the next question moves on
    if state.notice:
        st.info(state.notice, icon=":material/restart_alt:")
    if state.is_fresh and question is None:
        render_suggestions(state, SUGGESTIONS)
    render_history(state)
    if question and clients:
        if len(clients) > 1:
            ask_both(clients, state, question, configs)
        else:
            ask(clients[0], state, question, configs[0])
        scroll_to_latest(state)
    render_export(export_slot, state)
    if clients:
        render_agent_info(info_slot, clients[0], configs[0], state, base)


main()
