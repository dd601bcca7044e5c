"""The agent clients of one browser session, one per configuration; a configuration no longer used is closed.

In-process configurations get their own ``ChatService`` (built from ``Settings``) behind a
``LocalAgentClient``, so switching the model or the event source needs no restart. Remote configurations get
the HTTP or ARN transport. The pool belongs to one browser session (``st.session_state``): closing a
replaced agent never cuts another person's conversation short.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from agent.config import Settings
from confee_ui.config import AgentConfig
from proxy.agent_client import AgentClient, client_from_target

#: Builds the chat service of an in-process configuration (tests substitute their own).
ServiceFactory = Callable[[Settings], Any]


def build_service(settings: Settings) -> Any:
    """``ChatService.from_settings``: the configured model and event source, 「今日」 pinned if set."""
    from agent.runtime.service import ChatService

    return ChatService.from_settings(settings)


class ClientPool:
    """Clients by configuration.

    Args:
        base: The agent settings from the environment (keys, region, mirror, session limits).
        service_factory: Builds a chat service from settings.
    """

    def __init__(self, base: Settings, service_factory: ServiceFactory = build_service) -> None:
        self.base = base
        self._factory = service_factory
        self._clients: dict[AgentConfig, AgentClient] = {}
        self._services: dict[AgentConfig, Any] = {}
        self._lock = threading.Lock()
        # A browser session that goes away drops its state: close its agents then (loop threads end).
        self._finalizer = weakref.finalize(self, _close_all, self._services)

    def client(self, config: AgentConfig) -> AgentClient:
        """The client for ``config``, built on first use.

        Raises:
            ValueError: A remote address that is not a valid URL or runtime ARN.
        """
        with self._lock:
            if config not in self._clients:
                self._clients[config] = self._build(config)
            return self._clients[config]

    def keep(self, configs: Iterable[AgentConfig]) -> list[AgentConfig]:
        """Close and forget every client whose configuration is not in ``configs``; return the ones closed."""
        wanted = set(configs)
        with self._lock:
            dropped = [config for config in self._clients if config not in wanted]
            for config in dropped:
                del self._clients[config]
                service = self._services.pop(config, None)
                if service is not None:
                    service.close()
        return dropped

    def close(self) -> None:
        """Close every in-process agent."""
        self.keep(())

    @property
    def configs(self) -> list[AgentConfig]:
        return list(self._clients)

    def _build(self, config: AgentConfig) -> AgentClient:
        if not config.is_local:
            if not config.address:
                raise ValueError("接続先の URL または ARN を入力してください")
            return client_from_target(config.address)
        from proxy.client.local_transport import LocalAgentClient

        service = self._factory(config.settings(self.base))
        self._services[config] = service
        return LocalAgentClient(service)


def _close_all(services: dict[AgentConfig, Any]) -> None:
    for service in list(services.values()):
        service.close()
    services.clear()
