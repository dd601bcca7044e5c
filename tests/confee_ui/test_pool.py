"""Agents per configuration: built once, reused, and closed when no configuration uses them any more."""

from __future__ import annotations

import datetime as dt
import gc
from typing import Any

import pytest

from agent.config import Settings
from confee_ui.config import AgentConfig
from confee_ui.pool import ClientPool


class FakeService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.closed = False

    def close(self) -> None:
        self.closed = True


def make_pool(built: list[FakeService]) -> ClientPool:
    def factory(settings: Settings) -> Any:
        built.append(FakeService(settings))
        return built[-1]

    return ClientPool(Settings(region="ap-northeast-1"), factory)


def test_one_service_per_configuration_from_its_settings() -> None:
    built: list[FakeService] = []
    pool = make_pool(built)
    a = AgentConfig(today=dt.date(2026, 11, 24))
    b = AgentConfig(model="apac.amazon.nova-lite-v1:0")
    client = pool.client(a)
    assert pool.client(a) is client and client.target == "local"
    pool.client(b)
    assert [(s.settings.model, s.settings.today is not None) for s in built] == [("offline", True), ("bedrock", False)]
    assert built[1].settings.model_id == "apac.amazon.nova-lite-v1:0" and built[1].settings.region == "ap-northeast-1"


def test_replaced_configurations_are_closed() -> None:
    built: list[FakeService] = []
    pool = make_pool(built)
    a, b = AgentConfig(), AgentConfig(source="connpass")
    pool.client(a)
    pool.client(b)
    assert pool.keep([b]) == [a]
    assert (built[0].closed, built[1].closed) == (True, False)
    assert pool.configs == [b]
    pool.close()
    assert built[1].closed


def test_a_dropped_pool_closes_its_services() -> None:
    built: list[FakeService] = []
    pool = make_pool(built)
    pool.client(AgentConfig())
    del pool
    gc.collect()
    assert built[0].closed


def test_remote_configurations_use_the_transports() -> None:
    pool = make_pool([])
    assert pool.client(AgentConfig(target="http", address="http://127.0.0.1:8080")).target == "http"
    arn = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdEf1234"
    assert pool.client(AgentConfig(target="arn", address=arn)).target == "arn"  # boto3 is built on first call only
    with pytest.raises(ValueError, match="URL または ARN"):
        pool.client(AgentConfig(target="http", address=""))
    with pytest.raises(ValueError):
        pool.client(AgentConfig(target="arn", address="arn:not-a-runtime"))
