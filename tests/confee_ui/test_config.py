"""Workbench configurations: from the environment, to ``Settings``, and what a change says."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.clock import JST
from agent.config import Settings
from confee_ui.config import AgentConfig, describe_change, initial_config, model_label, model_options, target_of


def test_initial_config_follows_the_environment() -> None:
    base = Settings.from_env({"CONFEE_MODEL": "bedrock", "CONFEE_TODAY": "2026-11-24"})
    config = initial_config(base, {"CONFEE_AGENT": "local"})
    assert config == AgentConfig(model="apac.amazon.nova-micro-v1:0", source="sample", today=dt.date(2026, 11, 24))
    assert initial_config(Settings(), {}).model == "offline"
    assert initial_config(Settings(), {"CONFEE_AGENT": "http://127.0.0.1:8080"}).target == "http"


def test_target_of_refuses_anything_else() -> None:
    assert target_of("arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/x")[0] == "arn"
    with pytest.raises(ValueError, match="ftp://nowhere"):
        target_of("ftp://nowhere")


def test_settings_keep_the_environment_and_change_model_source_and_today() -> None:
    base = Settings(region="ap-northeast-1", connpass_api_key="k", session_ttl_seconds=60)
    settings = AgentConfig(model="apac.amazon.nova-lite-v1:0", source="connpass", today=dt.date(2026, 12, 1)).settings(
        base
    )
    assert (settings.model, settings.model_id, settings.events) == ("bedrock", "apac.amazon.nova-lite-v1:0", "connpass")
    assert settings.today == dt.datetime(2026, 12, 1, 10, 0, tzinfo=JST)  # CONFEE_TODAY's meaning: 10:00 JST
    assert (settings.region, settings.connpass_api_key, settings.session_ttl_seconds) == ("ap-northeast-1", "k", 60)
    offline = AgentConfig().settings(base)
    assert (offline.model, offline.events, offline.today) == ("offline", "sample", None)


def test_remote_configs_ignore_model_source_and_today() -> None:
    one = AgentConfig(target="http", address=" http://h:1 ", model="offline", today=dt.date(2026, 1, 1)).normalized()
    two = AgentConfig(target="http", address="http://h:1", model="apac.amazon.nova-pro-v1:0").normalized()
    assert one == two and one.bedrock_model_id is None
    assert one.label() == "エージェントサーバー（URL） http://h:1"


def test_labels_and_options() -> None:
    config = AgentConfig(model="apac.amazon.nova-micro-v1:0", today=dt.date(2026, 11, 24))
    assert config.label() == "プロセス内・Amazon Nova Micro・サンプル・今日 2026-11-24"
    assert AgentConfig().label() == "プロセス内・オフラインモデル・サンプル・今日 = 実際の日付"
    assert config.bedrock_model_id == "apac.amazon.nova-micro-v1:0"
    assert model_label("my.custom-model") == "my.custom-model"
    assert model_options(Settings())[:2] == ["offline", "apac.amazon.nova-micro-v1:0"]
    assert model_options(Settings(model_id="my.custom-model"))[-1] == "my.custom-model"  # CONFEE_MODEL_ID stays offered


def test_describe_change_names_every_difference() -> None:
    old = AgentConfig(today=dt.date(2026, 11, 24))
    new = AgentConfig(model="apac.amazon.nova-lite-v1:0", source="connpass")
    assert describe_change(old, new) == (
        "モデル: オフラインモデル → Amazon Nova Lite、イベント: サンプル → connpass、今日: 2026-11-24 → 実際の日付"
    )
    remote = AgentConfig(target="http", address="http://h:1").normalized()
    assert describe_change(old, remote) == "接続先: プロセス内 → エージェントサーバー（URL） http://h:1"
