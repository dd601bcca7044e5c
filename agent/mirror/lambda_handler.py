"""The Sync Lambda: ``agent.mirror.lambda_handler.handler``, run by EventBridge Scheduler every 30 minutes.

Environment: ``CONFEE_MIRROR_URI`` (``s3://bucket/prefix``), ``CONNPASS_API_KEY_SECRET_ARN``,
``CONFEE_SYNC_MONTHS`` (default 6), ``CONFEE_LOG_LEVEL``. A failed sync raises, so the invocation counts
as an error (alarm) and the scheduler's retries and dead-letter queue see it; the previous snapshot
stays current and the checkpoint lets the next run resume.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

from agent.errors import ConfigError
from agent.logs import configure as configure_logging
from agent.mirror.job import remaining_deadline, run_sync

logger = logging.getLogger("agent.mirror")


class SyncError(RuntimeError):
    """The sync did not publish a snapshot (the message is the report's error, never a secret)."""


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run one sync; return its report, or raise ``SyncError`` if nothing was published."""
    configure_logging(os.environ.get("CONFEE_LOG_LEVEL"), default="INFO")
    out = os.environ.get("CONFEE_MIRROR_URI", "").strip()
    if not out:
        raise ConfigError("CONFEE_MIRROR_URI is not set")
    try:
        months = int(os.environ.get("CONFEE_SYNC_MONTHS", "6"))
    except ValueError as exc:
        raise ConfigError("CONFEE_SYNC_MONTHS must be a whole number") from exc
    remaining = context.get_remaining_time_in_millis() if context is not None else 15 * 60 * 1000
    report, ok = run_sync(out, months=months, deadline=remaining_deadline(remaining))
    print(json.dumps({"message": "mirror sync", "ok": ok, **report}, ensure_ascii=False))
    if not ok:
        raise SyncError(str(report.get("error") or "sync failed"))
    return report
