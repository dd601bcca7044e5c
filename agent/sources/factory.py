"""Pick the event source the settings ask for: the connpass API or the bundled sample catalogue."""

from __future__ import annotations

from agent.config import Settings
from agent.sources.apikey import key_provider_from_settings
from agent.sources.base import EventSource


def build_source(settings: Settings) -> EventSource:
    """Build the configured source. Call once per process: the connpass client pools connections.

    Nothing is fetched here (no Secrets Manager call, no HTTP): a missing key surfaces on the first
    search as ``SourceError(kind="unauthorized")``, which the agent answers in Japanese.

    Raises:
        ConfigError: ``connpass`` was chosen without any key configured.
    """
    if settings.event_source == "sample":
        from agent.sources.sample import SampleCatalogue  # lazy: the catalogue loads a data file

        return SampleCatalogue()
    from agent.sources.connpass import ConnpassClient

    return ConnpassClient(settings.connpass_base_url, api_key_provider=key_provider_from_settings(settings))
