"""Sidebar controls: target, model, event source and 「今日」 for one configuration (two in compare mode).

Each control offers only what can work here; what cannot is listed under it, greyed, with the reason. The
controls keep their values in ``st.session_state`` under ``cfg_<lane>_<name>``; ``read_config`` turns them into
an ``AgentConfig`` on every run, and the page starts a new conversation when that changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from agent.config import Settings
from agent.models import catalog
from confee_ui.availability import Availability
from confee_ui.config import (
    DEFAULT_SERVER_URL,
    OFFLINE,
    SOURCE_LABELS,
    TARGET_LABELS,
    AgentConfig,
    SourceKind,
    TargetKind,
    model_label,
    model_options,
)
from confee_ui.markdown import escape_markdown

COMPARE_KEY = "confee_compare"
TODAY_RANGE = (dt.date(2020, 1, 1), dt.date(2035, 12, 31))
REMOTE_NOTE = "リモートのエージェントは自分の環境変数で動くため、モデル・イベント・今日はここでは変えられません。"


def key(lane: str, name: str) -> str:
    return f"cfg_{lane}_{name}"


def _ensure(state_key: str, options: Sequence[Any], default: Any) -> None:
    """Give a control its first value, and move it off an option that is no longer offered."""
    if st.session_state.get(state_key, default) not in options:
        st.session_state[state_key] = default if default in options else options[0]
    elif state_key not in st.session_state:
        st.session_state[state_key] = default


def _unavailable(items: Sequence[tuple[str, str | None]]) -> None:
    """List the options that cannot work, grouped by reason, as grey text under the control."""
    by_reason: dict[str, list[str]] = {}
    for label, reason in items:
        if reason:
            by_reason.setdefault(reason, []).append(label)
    for reason, labels in by_reason.items():
        st.caption(f":material/block: 使えません — {escape_markdown('、'.join(labels))}: {escape_markdown(reason)}")


def model_choice_label(model: str) -> str:
    return model_label(model) + ("（既定）" if model == catalog.DEFAULT.model_id else "")


def render_config(lane: str, title: str, default: AgentConfig, base: Settings, can: Availability) -> AgentConfig:
    """One configuration's controls under ``title``; returns what they are set to (normalized)."""
    st.subheader(title)
    targets: list[TargetKind] = [t for t in ("local", "http", "arn") if can.target_reason(t) is None]
    _ensure(key(lane, "target"), targets, default.target)
    target: TargetKind = st.radio("接続先", targets, format_func=TARGET_LABELS.__getitem__, key=key(lane, "target"))
    _unavailable([(TARGET_LABELS[t], can.target_reason(t)) for t in ("http", "arn")])
    address = ""
    if target != "local":
        address_key = key(lane, f"address_{target}")
        if address_key not in st.session_state:
            fallback = DEFAULT_SERVER_URL if target == "http" else ""
            st.session_state[address_key] = default.address if default.target == target else fallback
        label = "エージェントサーバーの URL" if target == "http" else "AgentCore ランタイムの ARN"
        placeholder = DEFAULT_SERVER_URL if target == "http" else "arn:aws:bedrock-agentcore:ap-northeast-1:…:runtime/…"
        address = st.text_input(label, key=address_key, placeholder=placeholder) or ""
    remote = target != "local"

    models = model_options(base)
    usable_models = [m for m in models if can.model_reason(m) is None]
    _ensure(key(lane, "model"), usable_models, default.model or OFFLINE)
    model = st.selectbox(
        "モデル",
        usable_models,
        format_func=model_choice_label,
        key=key(lane, "model"),
        disabled=remote or len(usable_models) == 1,
    )
    _unavailable([(model_label(m), can.model_reason(m)) for m in models])

    sources: list[SourceKind] = [s for s in ("sample", "connpass", "mirror") if can.source_reason(s) is None]
    _ensure(key(lane, "source"), sources, default.source)
    source: SourceKind = st.selectbox(
        "イベントの取得元",
        sources,
        format_func=SOURCE_LABELS.__getitem__,
        key=key(lane, "source"),
        disabled=remote or len(sources) == 1,
    )
    _unavailable([(SOURCE_LABELS[s], can.source_reason(s)) for s in ("connpass", "mirror")])

    today_key = key(lane, "today")
    if today_key not in st.session_state:
        st.session_state[today_key] = default.today
    today = st.date_input(
        "今日",
        key=today_key,
        min_value=TODAY_RANGE[0],
        max_value=TODAY_RANGE[1],
        format="YYYY-MM-DD",
        disabled=remote,
        help="検索の基準日（CONFEE_TODAY と同じ）。空欄なら実際の日付（JST）。デモや評価を再現するときに固定します。",
    )
    if remote:
        st.caption(REMOTE_NOTE)
    chosen = AgentConfig(
        target=target,
        address=address,
        model=str(model),
        source=source,
        today=today if isinstance(today, dt.date) else None,
    )
    return chosen.normalized()


def render_controls(
    initial: AgentConfig, base: Settings, can: Availability, on_new: Callable[[], None]
) -> list[AgentConfig]:
    """The sidebar's buttons and controls; returns the configurations to use (two in compare mode)."""
    st.header("Confee")
    st.button("新しい会話", on_click=on_new, icon=":material/add_comment:", width="stretch")
    compare = st.toggle(
        "比較モード",
        key=COMPARE_KEY,
        help="同じ質問を 2 つの設定（A と B）に送り、回答・ツール呼び出し・時間を並べて比べます。",
    )
    first = render_config("a", "設定 A" if compare else "設定", initial, base, can)
    if not compare:
        return [first]
    return [first, render_config("b", "設定 B", first, base, can)]
