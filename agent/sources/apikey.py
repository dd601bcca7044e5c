"""Where the connpass API key comes from: the environment, or a Secrets Manager secret read once.

Failure policy (what the user sees): a missing, empty or unreadable secret is an operator mistake
the user cannot fix, but it must not crash the agent. Reading the key therefore raises
``SourceError(kind="unauthorized")`` (Japanese message: "connpass API キーが無効です。運用担当者に…"),
which the search tool turns into a normal answer. Transient AWS failures (network, throttling)
raise ``upstream`` / ``timeout`` instead, so the next question simply tries again. The key itself
is never logged and never part of an exception message.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from agent.config import Settings
from agent.errors import ConfigError, SourceError, SourceErrorKind

logger = logging.getLogger(__name__)

#: JSON fields accepted when the secret is a JSON object rather than the raw key.
SECRET_JSON_FIELDS = ("api_key", "CONNPASS_API_KEY")

#: Secrets Manager error codes that only an operator can fix: answered as ``unauthorized``.
_PERMANENT_AWS_ERRORS = frozenset(
    {
        "ResourceNotFoundException",
        "AccessDeniedException",
        "DecryptionFailure",
        "InvalidRequestException",
        "InvalidParameterException",
    }
)

#: Seconds a permanent failure is remembered, so a broken setup does not call AWS on every question
#: yet an operator who fills the secret in sees it work within a minute.
DEFAULT_FAILURE_TTL = 30.0


@runtime_checkable
class KeyProvider(Protocol):
    """Returns the connpass API key; ``invalidate`` drops a cached key (connpass answered 401)."""

    def __call__(self) -> str: ...

    def invalidate(self) -> None: ...


def _is_header_safe(key: str) -> bool:
    """A key must fit in an HTTP header (printable ASCII), or httpx would fail outside our error model."""
    return key.isascii() and key.isprintable()


class StaticKey:
    """A key given directly (``CONNPASS_API_KEY``)."""

    def __init__(self, key: str) -> None:
        if not key.strip():
            raise ConfigError("CONNPASS_API_KEY is empty")
        if not _is_header_safe(key.strip()):
            raise ConfigError("CONNPASS_API_KEY must be printable ASCII")
        self._key = key.strip()

    def __call__(self) -> str:
        return self._key

    def invalidate(self) -> None:
        """Nothing to refresh: the environment does not change under a running process."""

    def __repr__(self) -> str:
        return "StaticKey(***)"


def parse_secret(secret: str) -> str:
    """Extract the key from a secret value: the raw key, or JSON ``{"api_key": ...}`` / ``{"CONNPASS_API_KEY": ...}``.

    Raises:
        SourceError: ``unauthorized`` when the secret is empty or its JSON has no usable field.
    """
    text = _extract(secret.strip())
    if not _is_header_safe(text):
        raise SourceError("unauthorized", detail="connpass API key secret is not printable ASCII")
    return text


def _extract(text: str) -> str:
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            data = None
        if isinstance(data, dict):
            for name in SECRET_JSON_FIELDS:
                value = data.get(name)
                if isinstance(value, str) and value.strip():
                    return value.strip()
            raise SourceError("unauthorized", detail=f"secret JSON has none of {', '.join(SECRET_JSON_FIELDS)}")
    if not text:
        raise SourceError("unauthorized", detail="connpass API key secret is empty")
    return text


class SecretsManagerKey:
    """A key held in Secrets Manager, fetched on first use and cached for the process's life.

    Args:
        secret_arn: ARN (or name) of the secret.
        region: AWS region; ``None`` uses boto3's default chain.
        client: A ready ``secretsmanager`` client (tests pass a stubbed one); created lazily otherwise.
        failure_ttl: Seconds an ``unauthorized`` failure is remembered before AWS is asked again.
        monotonic: Clock for ``failure_ttl`` (injectable for tests).
    """

    def __init__(
        self,
        secret_arn: str,
        *,
        region: str | None = None,
        client: Any = None,
        failure_ttl: float = DEFAULT_FAILURE_TTL,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.secret_arn = secret_arn
        self._region = region
        self._client = client
        self._failure_ttl = failure_ttl
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._key: str | None = None
        self._failure: tuple[float, SourceError] | None = None

    def __call__(self) -> str:
        with self._lock:  # held during the fetch: concurrent first calls read the secret once
            if self._key is not None:
                return self._key
            if self._failure is not None:
                failed_at, error = self._failure
                if self._monotonic() - failed_at < self._failure_ttl:
                    raise SourceError(error.kind, detail=error.detail)
                self._failure = None
            try:
                self._key = parse_secret(self._fetch())
            except SourceError as exc:
                if exc.kind == "unauthorized":
                    logger.warning("secret_arn=<%s>, reason=<%s> | connpass key unusable", self.secret_arn, exc.detail)
                    self._failure = (self._monotonic(), exc)
                raise
            logger.debug("secret_arn=<%s> | connpass api key loaded from secrets manager", self.secret_arn)
            return self._key

    def invalidate(self) -> None:
        """Forget the cached key so the next call re-reads the secret (it may have been rotated)."""
        with self._lock:
            self._key = None

    def _fetch(self) -> str:
        """Call ``GetSecretValue`` and translate AWS errors into ``SourceError`` kinds."""
        from botocore.exceptions import (  # type: ignore[import-untyped, unused-ignore]
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            NoCredentialsError,
            NoRegionError,
            PartialCredentialsError,
            ReadTimeoutError,
        )

        try:
            response = self._secrets_client().get_secret_value(SecretId=self.secret_arn)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            kind: SourceErrorKind = "unauthorized" if code in _PERMANENT_AWS_ERRORS else "upstream"
            raise SourceError(kind, detail=f"secretsmanager {code or 'error'}") from exc
        except (ConnectTimeoutError, ReadTimeoutError) as exc:
            raise SourceError("timeout", detail="secretsmanager timed out") from exc
        except (NoCredentialsError, PartialCredentialsError, NoRegionError) as exc:
            raise SourceError("unauthorized", detail=f"secretsmanager: {type(exc).__name__}") from exc
        except BotoCoreError as exc:
            raise SourceError("upstream", detail=f"secretsmanager: {type(exc).__name__}") from exc
        secret = response.get("SecretString")
        if secret is None and response.get("SecretBinary") is not None:
            secret = bytes(response["SecretBinary"]).decode("utf-8", errors="replace")
        return str(secret or "")

    def _secrets_client(self) -> Any:
        if self._client is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

            # botocore's defaults (60 s timeouts, several retries) would outlast the whole chat turn.
            config = Config(connect_timeout=3, read_timeout=5, retries={"total_max_attempts": 2})
            self._client = boto3.client("secretsmanager", region_name=self._region, config=config)
        return self._client

    def __repr__(self) -> str:
        return f"SecretsManagerKey({self.secret_arn!r})"


def key_provider_from_settings(settings: Settings) -> KeyProvider:
    """The provider for the configured key; nothing is fetched until the first search.

    Raises:
        ConfigError: Neither ``CONNPASS_API_KEY`` nor ``CONNPASS_API_KEY_SECRET_ARN`` is set.
    """
    if settings.connpass_api_key:
        return StaticKey(settings.connpass_api_key)
    if settings.connpass_api_key_secret_arn:
        return SecretsManagerKey(settings.connpass_api_key_secret_arn, region=settings.region)
    raise ConfigError("the connpass source needs CONNPASS_API_KEY or CONNPASS_API_KEY_SECRET_ARN")
