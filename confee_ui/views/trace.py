"""The collapsed 「ツール呼び出し」 panel under an answer: what the agent did, from ``meta.trace``."""

from __future__ import annotations

import streamlit as st

from confee_ui import trace_view
from confee_ui.state import ChatMessage

PANEL_LABEL = "ツール呼び出し"


def render_trace_panel(message: ChatMessage) -> None:
    """Tool calls (arguments as a table, results, source queries), model calls, tokens, cost, and the raw JSON.

    Answers from agents that send no trace (older servers) get no panel.
    """
    meta = message.meta
    if not trace_view.has_trace(meta):
        return
    model_id = message.config.bedrock_model_id if message.config else None
    with st.expander(PANEL_LABEL, icon=":material/build:", expanded=False):
        st.markdown(trace_view.panel_summary(meta, message.timing))
        st.caption(trace_view.usage_text(meta, model_id))
        tools_tab, models_tab, json_tab = st.tabs(["ツール", "モデル", "生の JSON"])
        with tools_tab:
            calls = trace_view.tool_calls(meta)
            if not calls:
                st.caption("このターンではツールを呼び出していません。")
            for index, call in enumerate(calls, start=1):
                st.markdown(trace_view.call_heading(index, call))
                st.table(trace_view.argument_rows(call), hide_index=True)
                st.caption(trace_view.result_summary(call))
                queries = trace_view.query_rows(call)
                if queries:
                    st.table(queries, hide_index=True)
        with models_tab:
            rows = trace_view.model_rows(meta)
            if rows:
                st.table(rows, hide_index=True)
            else:
                st.caption("モデル呼び出しの記録がありません。")
        with json_tab:
            st.json(trace_view.raw_json(meta), expanded=False)
