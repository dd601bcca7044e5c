"""Settings.from_env: defaults are the embedded default; bad values fail with a clear message."""

from __future__ import annotations

import pytest

from agent.config import Settings
from agent.errors import ConfigError


def test_defaults_are_offline_and_sample() -> None:
    settings = Settings.from_env({})
    assert (settings.model, settings.event_source, settings.model_id) == (
        "offline",
        "sample",
        "apac.amazon.nova-micro-v1:0",
    )
    assert settings.session_ttl_seconds == 900


def test_a_key_switches_auto_to_connpass_and_is_never_shown() -> None:
    settings = Settings.from_env({"CONNPASS_API_KEY": "super-secret-key"})
    assert settings.event_source == "connpass"
    assert "super-secret-key" not in repr(settings)
    assert Settings.from_env({"CONNPASS_API_KEY_SECRET_ARN": "arn:aws:secretsmanager:x"}).event_source == "connpass"
    assert Settings.from_env({"CONNPASS_API_KEY": "k", "CONFEE_EVENTS": "sample"}).event_source == "sample"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CONFEE_MODEL": "gpt"}, "CONFEE_MODEL"),
        ({"CONFEE_EVENTS": "web"}, "CONFEE_EVENTS"),
        ({"CONFEE_EVENTS": "connpass"}, "CONNPASS_API_KEY"),
        ({"CONFEE_SESSION_TTL_SECONDS": "soon"}, "CONFEE_SESSION_TTL_SECONDS"),
        ({"CONFEE_MAX_SESSIONS": "0"}, "positive"),
        ({"CONFEE_MAX_SESSIONS": "2.5"}, "whole number"),
        ({"CONFEE_MAX_TURNS": "0"}, "CONFEE_MAX_TURNS"),
        ({"CONFEE_EVENTS": "mirror"}, "CONFEE_MIRROR_URI"),
        ({"CONFEE_MIRROR_MAX_AGE_SECONDS": "-1"}, "CONFEE_MIRROR_MAX_AGE_SECONDS"),
        ({"CONFEE_MIRROR_REFRESH_SECONDS": "nan"}, "CONFEE_MIRROR_REFRESH_SECONDS"),
        ({"CONFEE_TODAY": "2026/12/24"}, "CONFEE_TODAY"),
        ({"CONFEE_TODAY": "tomorrow"}, "CONFEE_TODAY"),
    ],
)
def test_invalid_values_fail_clearly(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_mirror_needs_a_uri_and_has_freshness_defaults() -> None:
    settings = Settings.from_env({"CONFEE_EVENTS": "mirror", "CONFEE_MIRROR_URI": "s3://bucket/mirror"})
    assert (settings.event_source, settings.mirror_uri) == ("mirror", "s3://bucket/mirror")
    assert (settings.mirror_refresh_seconds, settings.mirror_max_age_seconds) == (900, 6 * 3600)


def test_today_can_be_pinned_for_evaluations_and_demos() -> None:
    import datetime as dt

    from agent.clock import JST

    assert Settings.from_env({}).today is None
    assert Settings.from_env({"CONFEE_TODAY": "2026-12-24"}).today == dt.datetime(2026, 12, 24, 10, 0, tzinfo=JST)
    assert Settings.from_env({"CONFEE_TODAY": "2026-12-24T19:30"}).today == dt.datetime(
        2026, 12, 24, 19, 30, tzinfo=JST
    )
