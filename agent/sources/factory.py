"""Pick the event source the settings ask for: connpass, the event mirror, or the bundled sample catalogue."""

from __future__ import annotations

from agent.config import Settings
from agent.sources.apikey import key_provider_from_settings
from agent.sources.base import EventSource


def build_source(settings: Settings) -> EventSource:
    """Build the configured source. Call once per process: the connpass client pools connections.

    Nothing is fetched for connpass (no Secrets Manager call, no HTTP): a missing key surfaces on the first
    search as ``SourceError(kind="unauthorized")``, which the agent answers in Japanese. The mirror loads its
    snapshot here (once per process; a failure is logged and searches go live until a snapshot appears).

    Raises:
        ConfigError: ``connpass`` was chosen without any key, or ``mirror`` without a URI.
    """
    if settings.event_source == "sample":
        from agent.sources.sample import SampleCatalogue  # lazy: the catalogue loads a data file

        return SampleCatalogue()
    if settings.event_source == "mirror":
        from agent.mirror.source import MirrorSource
        from agent.mirror.store import open_store

        assert settings.mirror_uri is not None  # Settings.from_env guarantees it
        return MirrorSource(
            open_store(settings.mirror_uri, region=settings.region),
            live=build_connpass(settings) if settings.has_connpass_key else None,
            refresh_after=settings.mirror_refresh_seconds,
            max_age=settings.mirror_max_age_seconds,
        )
    return build_connpass(settings)


def build_connpass(settings: Settings) -> EventSource:
    """The live connpass client with the configured key (paced by the process-wide limiter)."""
    from agent.sources.connpass import ConnpassClient

    return ConnpassClient(settings.connpass_base_url, api_key_provider=key_provider_from_settings(settings))
