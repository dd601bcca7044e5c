"""What the sidebar says about the agent in use: target, model and event source.

For the in-process target the agent's own ``Settings`` are the truth. For an HTTP server or a
deployed runtime the app cannot read the remote environment, so it shows what the last reply's
``meta`` said, and 「不明」 until the first answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agent.config import Settings

UNKNOWN = "不明"

#: Fallback descriptions when a client gives no label of its own.
_TARGET_KINDS: dict[str, str] = {
    "local": "プロセス内のエージェント",
    "http": "エージェントサーバー（HTTP）",
    "arn": "AgentCore ランタイム（AWS）",
}


@dataclass(frozen=True)
class AgentInfo:
    """Display texts for the sidebar.

    Attributes:
        target: Where the app sends questions (the client's own label).
        model: The model in use, in Japanese.
        source: The event source in use, in Japanese.
        is_sample: True when answers come from the bundled sample catalogue (show a badge).
    """

    target: str
    model: str
    source: str
    is_sample: bool


def model_text(model: str | None, model_id: str | None = None) -> str:
    """Name the model: ``offline`` or ``bedrock`` (with its id when known)."""
    if model == "offline":
        return "オフラインモデル（AWS 不要の決定的な応答）"
    if model == "bedrock":
        return f"Amazon Bedrock（{model_id}）" if model_id else "Amazon Bedrock"
    return UNKNOWN


def source_text(source: str | None) -> str:
    """Name the event source: the connpass API, the event mirror (a snapshot of it) or the sample catalogue."""
    if source == "sample":
        return "サンプルカタログ（架空のイベント）"
    if source == "connpass":
        return "connpass API v2"
    if source == "mirror":
        return "イベントミラー（connpass の今後のイベントの定期スナップショット）"
    return UNKNOWN


def describe_agent(target: str, label: str, meta: Mapping[str, str], settings: Settings | None) -> AgentInfo:
    """Build the sidebar texts.

    Args:
        target: The client's target kind (``local``, ``http`` or ``arn``).
        label: The client's human-readable description of where it sends requests.
        meta: The last reply's ``meta`` (may be empty).
        settings: The in-process agent's settings (``None`` for remote targets or invalid config).
    """
    target_line = label or _TARGET_KINDS.get(target, target)
    source: str
    if target == "local" and settings is not None:
        model = model_text(settings.model, settings.model_id)
        # The mirror answers from live connpass while it has no fresh snapshot: the last reply knows which.
        source = (
            meta.get("source") or settings.event_source if settings.event_source == "mirror" else settings.event_source
        )
    else:
        model = model_text(meta.get("model"))
        source = meta.get("source") or ""
    return AgentInfo(target=target_line, model=model, source=source_text(source), is_sample=source == "sample")
