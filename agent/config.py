"""One frozen settings object for the agent, read from the environment once and validated."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from agent.clock import JST
from agent.errors import ConfigError

ModelKind = Literal["offline", "bedrock"]
EventsKind = Literal["auto", "connpass", "sample", "mirror"]

DEFAULT_MODEL_ID = "apac.amazon.nova-micro-v1:0"


@dataclass(frozen=True)
class Settings:
    """Agent configuration (see the README's configuration table).

    Attributes:
        model: ``offline`` (deterministic, no AWS) or ``bedrock``.
        model_id: Bedrock model id or inference profile.
        region: AWS region for Bedrock and Secrets Manager (``None``: boto3's default chain).
        events: ``auto`` (API when a key is configured, else sample), ``connpass`` or ``sample``.
        connpass_api_key: The key itself (never logged; ``repr`` hides it).
        connpass_api_key_secret_arn: A Secrets Manager secret that holds the key.
        connpass_base_url: API root, overridable for tests against a local fake.
        session_ttl_seconds: Idle time after which a session's context is dropped (AgentCore: 15 min).
        max_sessions: Live sessions kept in one process.
        max_turns: Exchanges per conversation (a cost cap per session; AgentCore keeps a session up to 8 h).
        mirror_uri: Where ``python -m agent sync`` publishes the event mirror (directory or ``s3://bucket/prefix``).
        mirror_refresh_seconds: Snapshot age after which a newer one is looked for in the background.
        mirror_max_age_seconds: Snapshot age beyond which searches go to live connpass (if a key is configured).
        today: A pinned "now" for evaluations and reproducible demos (``CONFEE_TODAY``); ``None``: the real time.
    """

    model: ModelKind = "offline"
    model_id: str = DEFAULT_MODEL_ID
    region: str | None = None
    events: EventsKind = "auto"
    connpass_api_key: str | None = None
    connpass_api_key_secret_arn: str | None = None
    connpass_base_url: str = "https://connpass.com/api/v2"
    session_ttl_seconds: float = 15 * 60
    max_sessions: int = 200
    max_turns: int = 50
    mirror_uri: str | None = None
    mirror_refresh_seconds: float = 15 * 60
    mirror_max_age_seconds: float = 6 * 3600
    today: dt.datetime | None = None

    def __repr__(self) -> str:
        key = "***" if self.connpass_api_key else None
        return (
            f"Settings(model={self.model!r}, model_id={self.model_id!r}, region={self.region!r}, "
            f"events={self.events!r}, connpass_api_key={key!r}, "
            f"connpass_api_key_secret_arn={self.connpass_api_key_secret_arn!r}, "
            f"session_ttl_seconds={self.session_ttl_seconds}, max_sessions={self.max_sessions}, "
            f"mirror_uri={self.mirror_uri!r})"
        )

    @property
    def has_connpass_key(self) -> bool:
        return bool(self.connpass_api_key or self.connpass_api_key_secret_arn)

    @property
    def event_source(self) -> Literal["connpass", "sample", "mirror"]:
        """The source actually used once ``auto`` is resolved."""
        if self.events == "auto":
            return "connpass" if self.has_connpass_key else "sample"
        return self.events

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ``CONFEE_*`` / ``CONNPASS_*`` variables; raise ``ConfigError`` with a clear message."""
        env = os.environ if env is None else env
        model = env.get("CONFEE_MODEL", "offline").strip().lower() or "offline"
        if model not in ("offline", "bedrock"):
            raise ConfigError(f"CONFEE_MODEL must be 'offline' or 'bedrock', got {model!r}")
        events = env.get("CONFEE_EVENTS", "auto").strip().lower() or "auto"
        if events not in ("auto", "connpass", "sample", "mirror"):
            raise ConfigError(f"CONFEE_EVENTS must be 'auto', 'connpass', 'sample' or 'mirror', got {events!r}")
        key = env.get("CONNPASS_API_KEY", "").strip() or None
        arn = env.get("CONNPASS_API_KEY_SECRET_ARN", "").strip() or None
        if events == "connpass" and not (key or arn):
            raise ConfigError("CONFEE_EVENTS=connpass needs CONNPASS_API_KEY or CONNPASS_API_KEY_SECRET_ARN")
        today = parse_today(env.get("CONFEE_TODAY", ""))
        mirror_uri = env.get("CONFEE_MIRROR_URI", "").strip() or None
        if events == "mirror" and not mirror_uri:
            raise ConfigError("CONFEE_EVENTS=mirror needs CONFEE_MIRROR_URI (a directory or s3://bucket/prefix)")
        numbers = {}
        for name, default in (
            ("CONFEE_SESSION_TTL_SECONDS", "900"),
            ("CONFEE_MAX_SESSIONS", "200"),
            ("CONFEE_MAX_TURNS", "50"),
            ("CONFEE_MIRROR_REFRESH_SECONDS", "900"),
            ("CONFEE_MIRROR_MAX_AGE_SECONDS", "21600"),
        ):
            raw = env.get(name, "").strip() or default
            try:
                numbers[name] = float(raw)
            except ValueError:
                raise ConfigError(f"{name} must be a number, got {raw!r}") from None
            if not (numbers[name] > 0 and numbers[name] < float("inf")):
                raise ConfigError(f"{name} must be positive, got {raw!r}")
        ttl = numbers["CONFEE_SESSION_TTL_SECONDS"]
        max_sessions = int(numbers["CONFEE_MAX_SESSIONS"])
        max_turns = int(numbers["CONFEE_MAX_TURNS"])
        for name, whole in (("CONFEE_MAX_SESSIONS", max_sessions), ("CONFEE_MAX_TURNS", max_turns)):
            if whole != numbers[name]:
                raise ConfigError(f"{name} must be a whole number, got {env.get(name)!r}")
        return cls(
            model=model,  # type: ignore[arg-type]
            model_id=env.get("CONFEE_MODEL_ID", "").strip() or DEFAULT_MODEL_ID,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None,
            events=events,  # type: ignore[arg-type]
            connpass_api_key=key,
            connpass_api_key_secret_arn=arn,
            connpass_base_url=env.get("CONNPASS_BASE_URL", "").strip() or "https://connpass.com/api/v2",
            session_ttl_seconds=ttl,
            max_sessions=max_sessions,
            max_turns=max_turns,
            mirror_uri=mirror_uri,
            mirror_refresh_seconds=numbers["CONFEE_MIRROR_REFRESH_SECONDS"],
            mirror_max_age_seconds=numbers["CONFEE_MIRROR_MAX_AGE_SECONDS"],
            today=today,
        )


#: Time of day used when ``CONFEE_TODAY`` gives a date only: a morning, so the day's events are still ahead.
PINNED_TIME = dt.time(10, 0)


def parse_today(value: str) -> dt.datetime | None:
    """``CONFEE_TODAY``: ``YYYY-MM-DD`` (that day at 10:00 JST) or ``YYYY-MM-DDTHH:MM`` (JST); empty: not pinned.

    Raises:
        ConfigError: Any other value.
    """
    value = value.strip()
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), PINNED_TIME, tzinfo=JST)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"CONFEE_TODAY must be YYYY-MM-DD or YYYY-MM-DDTHH:MM (JST), got {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)
