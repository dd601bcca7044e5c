"""One agent configuration of the workbench (target, model, event source, 「今日」) and how it maps to ``Settings``.

The sidebar builds an ``AgentConfig`` from its widgets on every run; two equal configurations mean the same
agent, so a changed configuration is a new conversation. For remote targets only the target matters: the
agent there runs with its own environment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from agent.config import Settings, parse_today
from agent.models import catalog

TargetKind = Literal["local", "http", "arn"]
SourceKind = Literal["sample", "connpass", "mirror"]

OFFLINE = "offline"

TARGET_LABELS: dict[str, str] = {
    "local": "プロセス内",
    "http": "エージェントサーバー（URL）",
    "arn": "AgentCore ランタイム（ARN）",
}
SOURCE_LABELS: dict[str, str] = {
    "sample": "サンプルカタログ（架空のイベント）",
    "connpass": "connpass API",
    "mirror": "イベントミラー",
}
SHORT_SOURCE: dict[str, str] = {"sample": "サンプル", "connpass": "connpass", "mirror": "ミラー"}
DEFAULT_SERVER_URL = "http://127.0.0.1:8080"


@dataclass(frozen=True)
class AgentConfig:
    """What answers the questions.

    Attributes:
        target: ``local`` (in process), ``http`` (agent server) or ``arn`` (deployed runtime).
        address: The server URL or runtime ARN (empty for ``local``).
        model: ``offline`` or a Bedrock model id (in-process only).
        source: The event source (in-process only).
        today: The pinned 「今日」 (in-process only); ``None``: the real date.
    """

    target: TargetKind = "local"
    address: str = ""
    model: str = OFFLINE
    source: SourceKind = "sample"
    today: dt.date | None = None

    @property
    def is_local(self) -> bool:
        return self.target == "local"

    def normalized(self) -> AgentConfig:
        """Drop what does not apply: a remote agent's model, source and date are its own."""
        if self.is_local:
            return dataclasses.replace(self, address="")
        return AgentConfig(target=self.target, address=self.address.strip(), model="", source="sample", today=None)

    def settings(self, base: Settings) -> Settings:
        """The in-process agent's settings: ``base`` (the environment) with this model, source and date."""
        today = parse_today(self.today.isoformat()) if self.today else None
        if self.model == OFFLINE:
            return dataclasses.replace(base, model="offline", events=self.source, today=today)
        return dataclasses.replace(base, model="bedrock", model_id=self.model, events=self.source, today=today)

    @property
    def bedrock_model_id(self) -> str | None:
        """The Bedrock model id when known (in-process Bedrock); remote targets do not say which."""
        return self.model if self.is_local and self.model not in ("", OFFLINE) else None

    def label(self) -> str:
        """A short description, e.g. ``プロセス内・Amazon Nova Micro・サンプル・今日 2026-11-24``."""
        if not self.is_local:
            return f"{TARGET_LABELS[self.target]} {self.address}"
        parts = ["プロセス内", model_label(self.model), SHORT_SOURCE[self.source]]
        parts.append(f"今日 {self.today.isoformat()}" if self.today else "今日 = 実際の日付")
        return "・".join(parts)


def model_label(model: str) -> str:
    """``offline`` → オフラインモデル; a catalog id → its name; any other id as is."""
    if model == OFFLINE:
        return "オフラインモデル"
    entry = catalog.find(model)
    return entry.name if entry else model


def model_options(base: Settings) -> list[str]:
    """Offline, the catalog's models, and the configured ``CONFEE_MODEL_ID`` if it is not in the catalog."""
    options = [OFFLINE, *(model.model_id for model in catalog.MODELS)]
    if base.model_id not in options:
        options.append(base.model_id)
    return options


def target_of(value: str) -> tuple[TargetKind, str]:
    """Read ``CONFEE_AGENT``: ``local``, an ``http(s)://`` URL or an ``arn:`` (``ValueError`` otherwise)."""
    value = value.strip() or "local"
    if value == "local":
        return "local", ""
    if value.startswith(("http://", "https://")):
        return "http", value
    if value.startswith("arn:"):
        return "arn", value
    raise ValueError(f"CONFEE_AGENT must be 'local', an http(s):// URL or an AgentCore runtime ARN, got {value!r}")


def initial_config(base: Settings, env: Mapping[str, str]) -> AgentConfig:
    """The configuration the environment describes (``CONFEE_AGENT``, ``CONFEE_MODEL``…): the first one shown."""
    target, address = target_of(env.get("CONFEE_AGENT", ""))
    model = base.model_id if base.model == "bedrock" else OFFLINE
    today = base.today.date() if base.today else None
    return AgentConfig(target=target, address=address, model=model, source=base.event_source, today=today)


def describe_change(old: AgentConfig, new: AgentConfig) -> str:
    """What differs between two configurations, in Japanese (``モデル: オフラインモデル → Amazon Nova Lite``)."""
    changes = []
    if (old.target, old.address) != (new.target, new.address):
        changes.append(f"接続先: {old.label() if not old.is_local else 'プロセス内'} → "
                       f"{new.label() if not new.is_local else 'プロセス内'}")  # fmt: skip
    if new.is_local and old.is_local:
        if old.model != new.model:
            changes.append(f"モデル: {model_label(old.model)} → {model_label(new.model)}")
        if old.source != new.source:
            changes.append(f"イベント: {SHORT_SOURCE[old.source]} → {SHORT_SOURCE[new.source]}")
        if old.today != new.today:
            before = old.today.isoformat() if old.today else "実際の日付"
            after = new.today.isoformat() if new.today else "実際の日付"
            changes.append(f"今日: {before} → {after}")
    return "、".join(changes)
