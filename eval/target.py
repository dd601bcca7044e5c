"""The agent under evaluation: any ``CONFEE_AGENT`` target, with the golden set's day pinned where we can.

In process (``local``), the harness builds the service itself from the environment (``CONFEE_MODEL``,
``CONFEE_EVENTS`` …) with ``CONFEE_TODAY`` set to the golden set's day, and turns off the offline model's
simulated typing so latencies measure the work. A remote agent (``http://…``, a runtime ARN) must have been
started with the same ``CONFEE_TODAY``; ``agent_today`` reads the day it used back from its answers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

from proxy.client import AgentClient, client_from_target


def target_name(target: str | None) -> str:
    """``target`` or ``CONFEE_AGENT``, default ``local``."""
    return (target if target is not None else os.environ.get("CONFEE_AGENT", "")).strip() or "local"


def local_service(today: dt.date, env: Mapping[str, str] | None = None) -> Any:
    """A ``ChatService`` configured by the environment, with "today" pinned to ``today`` (10:00 JST).

    Raises:
        agent.errors.ConfigError: The environment is misconfigured (e.g. ``CONFEE_MODEL=foo``).
    """
    from agent.config import Settings, parse_today
    from agent.runtime.service import ChatService

    settings = dataclasses.replace(Settings.from_env(env), today=parse_today(today.isoformat()))
    service = ChatService.from_settings(settings)
    if settings.model == "offline":
        # As bench/run.py does: measure the work, not the simulated typing (12 characters per 10 ms).
        service._model.update_config(chunk_delay=0.0)
    return service


def build_client(target: str | None, today: dt.date, *, timeout: float = 60.0) -> AgentClient:
    """The agent client for ``target`` (see ``target_name``); in process, a service pinned to ``today``.

    Raises:
        ValueError: ``target`` is not a valid ``CONFEE_AGENT`` value.
        agent.errors.ConfigError: The in-process agent's environment is misconfigured.
    """
    name = target_name(target)
    if name == "local":
        from proxy.client.local_transport import LocalAgentClient

        return LocalAgentClient(local_service(today))
    return client_from_target(name, timeout=timeout)


def agent_today(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """The day(s) the agent took for today, read back from events' ``started_at`` and ``days_until``."""
    days: set[str] = set()
    for event in events:
        started, until = event.get("started_at"), event.get("days_until")
        if not isinstance(started, str) or not isinstance(until, int):
            continue
        try:
            start = dt.date.fromisoformat(started[:10])
        except ValueError:
            continue
        days.add((start - dt.timedelta(days=until)).isoformat())
    return days
