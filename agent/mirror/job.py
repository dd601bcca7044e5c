"""One sync run as the CLI and the Sync Lambda do it: settings from the environment, key, store, report."""

from __future__ import annotations

import logging
import time
from typing import Any

from agent.config import Settings
from agent.mirror.store import StoreError, open_store
from agent.mirror.sync import SyncFailed, sync

logger = logging.getLogger(__name__)

#: How long the sync waits for a connpass slot: it is the only reader of the key in its process.
SYNC_QUEUE_WAIT = 60.0


def run_sync(
    out: str, *, months: int = 6, settings: Settings | None = None, deadline: float | None = None
) -> tuple[dict[str, Any], bool]:
    """Sync the mirror at ``out`` with the connpass key from the environment.

    Args:
        out: A directory or ``s3://bucket/prefix``.
        months: Months in the window.
        settings: Defaults to ``Settings.from_env()`` (needs ``CONNPASS_API_KEY`` or ``..._SECRET_ARN``).
        deadline: ``time.monotonic()`` value by which to stop (the Lambda's remaining time).

    Returns:
        The report (JSON-ready, no secrets) and whether a snapshot was published.

    Raises:
        ConfigError: No connpass key is configured, or ``out`` is not a valid destination.
    """
    from agent.errors import ConfigError
    from agent.sources.apikey import key_provider_from_settings
    from agent.sources.connpass import ConnpassClient

    settings = settings or Settings.from_env()
    if not settings.has_connpass_key:
        raise ConfigError("sync needs CONNPASS_API_KEY or CONNPASS_API_KEY_SECRET_ARN")
    store = open_store(out, region=settings.region)
    client = ConnpassClient(
        settings.connpass_base_url,
        api_key_provider=key_provider_from_settings(settings),
        max_queue_wait=SYNC_QUEUE_WAIT,
    )
    try:
        report = sync(client, store, months=months, deadline=deadline, source_label=settings.connpass_base_url)
        return report.as_dict(), True
    except SyncFailed as exc:
        logger.warning("error=<%s> | sync failed; the previous snapshot stays current", exc)
        return exc.report.as_dict(), False
    except StoreError as exc:
        logger.warning("error=<%s> | the store failed; the previous snapshot stays current", exc)
        return {"uri": store.uri, "error": str(exc)}, False
    finally:
        client.close()


def remaining_deadline(remaining_ms: int, margin_s: float = 30.0) -> float:
    """A ``time.monotonic()`` deadline ``margin_s`` before the Lambda's end."""
    return time.monotonic() + max(0.0, remaining_ms / 1000 - margin_s)
