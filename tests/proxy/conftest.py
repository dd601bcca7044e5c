"""Shared fixtures for the Chat API tests: the real agent server, a clean environment, the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from proxy.handlers import chat
from tests.fixtures.agent_server import agent_server_url  # noqa: F401 (session fixture re-exported)

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "proxy" / "openapi.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees real AWS settings, and the chat handler's shared client is rebuilt per test."""
    for name in ("ALLOWED_ORIGINS", "AGENT_RUNTIME_ARN", "CONFEE_AGENT", "AGENT_TIMEOUT_SECONDS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    chat.use_client(None)
    yield
    chat.use_client(None)


class OpenApi:
    """Validates response bodies against ``proxy/openapi.yaml``."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))

    def schema(self, name: str) -> dict[str, Any]:
        return {**self.document["components"]["schemas"][name], "components": self.document["components"]}

    def response_schema(self, path: str, method: str, status: int) -> dict[str, Any]:
        response = self.document["paths"][path][method]["responses"][str(status)]
        if "$ref" in response:
            response = self.document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        return self.schema(ref.rsplit("/", 1)[-1])

    def check(self, path: str, method: str, status: int, body: Any) -> None:
        """Raise unless ``body`` matches the documented response for ``status``."""
        jsonschema.validate(body, self.response_schema(path, method, status))


@pytest.fixture(scope="session")
def openapi() -> OpenApi:
    return OpenApi()
