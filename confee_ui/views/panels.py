"""The sidebar's lower panels: the conversation's downloads and the facts about the agent answering (A)."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from agent.clock import JST
from agent.config import Settings
from confee_ui import export
from confee_ui.agent_info import describe_agent
from confee_ui.config import AgentConfig
from confee_ui.markdown import escape_markdown
from confee_ui.state import ChatState
from proxy.agent_client import AgentClient


def render_export(slot: DeltaGenerator, state: ChatState) -> None:
    """Markdown and JSON (with traces) downloads, built when pressed so they hold the whole page."""
    stem = export.file_stem(dt.datetime.now(JST))
    empty = not state.messages
    with slot:
        st.subheader("会話の書き出し")
        columns = st.columns(2)
        columns[0].download_button(
            "Markdown", data=lambda: export.to_markdown(state, dt.datetime.now(JST)), file_name=f"{stem}.md",
            mime="text/markdown", on_click="ignore", disabled=empty, icon=":material/description:", width="stretch",
        )  # fmt: skip
        columns[1].download_button(
            "JSON", data=lambda: export.to_json(state, dt.datetime.now(JST)), file_name=f"{stem}.json",
            mime="application/json", on_click="ignore", disabled=empty, icon=":material/data_object:", width="stretch",
        )  # fmt: skip
        st.caption("JSON には各回答のツール呼び出し（meta.trace）・トークン・時間が入ります。")


def render_agent_info(
    slot: DeltaGenerator, client: AgentClient, config: AgentConfig, state: ChatState, base: Settings
) -> None:
    """Show which target, model and event source answer (configuration A), with a badge for the sample catalogue."""
    settings = config.settings(base) if client.target == "local" and config.is_local else None
    info = describe_agent(client.target, client.label, state.meta, settings)
    with slot:
        st.subheader("接続先")
        facts = (("エージェント", info.target), ("モデル", info.model), ("イベント", info.source))
        st.markdown("  \n".join(f"**{name}**: {escape_markdown(value)}" for name, value in facts))
        if info.is_sample:
            st.badge("サンプルデータ", icon=":material/science:", color="orange")
            st.caption("表示されるイベントは架空のサンプルです。実在の connpass イベントではありません。")
        st.caption(f"セッション: `…{state.session_id[-8:]}` ・ やり取り {state.turn} 回")
