"""The POST /chat request model: read from proxy/openapi.yaml, equivalent to the embedded fallback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aws_cdk import aws_apigateway as apigw

from confee_infra.config import FALLBACK_CHAT_REQUEST_SCHEMA
from confee_infra.schema import SchemaError, load_chat_request_schema, to_json_schema
from tests.infra.helpers import REPO_DIR

SESSION = "s" * 40

BODIES: list[tuple[dict[str, Any], bool]] = [
    ({"message": "TypeScriptのカンファレンスある？", "session_id": SESSION}, True),
    ({"message": "x", "session_id": SESSION, "turn": 3}, True),
    ({"message": "x" * 2000, "session_id": "A" + "b_-" * 85}, True),
    ({"message": "", "session_id": SESSION}, False),
    ({"message": "x" * 2001, "session_id": SESSION}, False),
    ({"message": "x" * 2000 + "\n", "session_id": SESSION}, False),  # the length as sent, as the Chat API counts
    ({"message": " \n\t\u3000", "session_id": SESSION}, False),  # only whitespace (the ideographic space too)
    ({"message": "　大阪だと？ ", "session_id": SESSION}, True),
    ({"session_id": SESSION}, False),
    ({"message": "x"}, False),
    ({"message": "x", "session_id": "s" * 32}, False),
    ({"message": "x", "session_id": "s" * 257}, False),
    ({"message": "x", "session_id": "-" + "s" * 40}, False),
    ({"message": "x", "session_id": "s" * 39 + "/"}, False),
    ({"message": "x", "session_id": SESSION, "turn": -1}, False),
    ({"message": "x", "session_id": SESSION, "turn": 1.5}, False),
    ({"message": 3, "session_id": SESSION}, False),
    ({"message": "x", "session_id": SESSION, "extra": 1}, False),
]


def accepts(schema: dict[str, Any], body: dict[str, Any]) -> bool:
    return bool(jsonschema.Draft4Validator(schema).is_valid(body))


@pytest.mark.parametrize(("body", "valid"), BODIES)
def test_fallback_schema_implements_contract_2(body: dict[str, Any], valid: bool) -> None:
    assert accepts(FALLBACK_CHAT_REQUEST_SCHEMA, body) is valid


@pytest.mark.parametrize(("body", "valid"), BODIES)
def test_proxy_openapi_schema_agrees_with_the_fallback(body: dict[str, Any], valid: bool) -> None:
    schema = load_chat_request_schema(REPO_DIR / "proxy" / "openapi.yaml")
    assert accepts(schema, body) is valid


def test_missing_file_gives_the_fallback(tmp_path: Path) -> None:
    assert load_chat_request_schema(tmp_path / "openapi.yaml") is FALLBACK_CHAT_REQUEST_SCHEMA


def test_references_are_inlined(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        """
openapi: 3.0.3
paths:
  /chat:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Req"}
components:
  schemas:
    Req:
      type: object
      required: [session_id]
      properties:
        session_id: {$ref: "#/components/schemas/Sid"}
    Sid: {type: string, minLength: 33, example: "abc"}
""",
        encoding="utf-8",
    )
    schema = load_chat_request_schema(path)
    assert schema["properties"]["session_id"] == {"type": "string", "minLength": 33, "example": "abc"}


@pytest.mark.parametrize(
    "text",
    [
        "openapi: 3.0.3\npaths: {}\n",
        "openapi: 3.0.3\npaths:\n  /chat:\n    post:\n      requestBody:\n        content:\n"
        "          application/json:\n            schema: {$ref: '#/components/schemas/Nope'}\n",
        "openapi: 3.0.3\npaths:\n  /chat:\n    post:\n      requestBody:\n        content:\n"
        "          application/json:\n            schema: {type: string}\n",
    ],
)
def test_unusable_documents_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError):
        load_chat_request_schema(path)


def test_conversion_keeps_validation_keywords_and_drops_openapi_only_ones() -> None:
    # ``example`` / ``nullable`` have no JsonSchema argument: passing them through would raise TypeError.
    converted = to_json_schema(
        {
            "type": "object",
            "required": ["a"],
            "additionalProperties": False,
            "properties": {
                "a": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 5,
                    "pattern": "^x",
                    "example": "x",
                    "nullable": True,
                },
                "n": {"type": "integer", "minimum": 0},
                "l": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            },
        }
    )
    assert converted.schema == apigw.JsonSchemaVersion.DRAFT4
    assert converted.type == apigw.JsonSchemaType.OBJECT
    assert converted.required == ["a"]
    assert converted.additional_properties is False
    props = converted.properties
    assert props is not None
    a = props["a"]
    assert (a.type, a.min_length, a.max_length, a.pattern) == (apigw.JsonSchemaType.STRING, 1, 5, "^x")
    assert a.schema is None  # only the root names the draft
    assert props["n"].minimum == 0
    items = props["l"].items
    assert isinstance(items, apigw.JsonSchema)
    assert items.type == apigw.JsonSchemaType.STRING
    assert props["l"].max_items == 2


def test_unknown_type_is_refused() -> None:
    with pytest.raises(SchemaError):
        to_json_schema({"type": "date"})
