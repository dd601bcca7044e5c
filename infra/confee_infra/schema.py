"""The Chat API request schema for API Gateway validation, taken from the proxy's OpenAPI document.

Reading ``proxy/openapi.yaml`` keeps one source of truth for what ``POST /chat`` accepts; API Gateway
then refuses malformed bodies before a Lambda is billed. API Gateway models are JSON Schema draft 4,
so only the keywords both dialects share are carried over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from aws_cdk import aws_apigateway as apigw

from confee_infra.config import FALLBACK_CHAT_REQUEST_SCHEMA

CHAT_PATH = "/chat"

_TYPES = {
    "object": apigw.JsonSchemaType.OBJECT,
    "string": apigw.JsonSchemaType.STRING,
    "integer": apigw.JsonSchemaType.INTEGER,
    "number": apigw.JsonSchemaType.NUMBER,
    "boolean": apigw.JsonSchemaType.BOOLEAN,
    "array": apigw.JsonSchemaType.ARRAY,
    "null": apigw.JsonSchemaType.NULL,
}

#: OpenAPI keywords kept (draft-4 compatible), mapped to ``apigw.JsonSchema`` argument names.
_SCALAR_KEYWORDS = {
    "title": "title",
    "description": "description",
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "enum": "enum",
    "format": "format",
    "minItems": "min_items",
    "maxItems": "max_items",
}


class SchemaError(ValueError):
    """The OpenAPI document has no usable ``POST /chat`` JSON request schema."""


def load_chat_request_schema(openapi_path: Path) -> dict[str, Any]:
    """The ``POST /chat`` JSON body schema with ``$ref``s resolved, or the embedded equivalent.

    Args:
        openapi_path: ``proxy/openapi.yaml``; when it does not exist the fallback schema is returned.

    Raises:
        SchemaError: The file exists but does not describe a JSON body for ``POST /chat``.
    """
    if not openapi_path.is_file():
        return FALLBACK_CHAT_REQUEST_SCHEMA
    document = yaml.safe_load(openapi_path.read_text(encoding="utf-8"))
    try:
        schema = document["paths"][CHAT_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    except (KeyError, TypeError) as exc:
        raise SchemaError(f"{openapi_path}: no JSON request body schema for POST {CHAT_PATH}") from exc
    resolved = _resolve(schema, document, depth=0)
    if not isinstance(resolved, dict) or resolved.get("type") != "object":
        raise SchemaError(f"{openapi_path}: the POST {CHAT_PATH} body schema must be an object schema")
    return resolved


def _resolve(node: Any, document: dict[str, Any], depth: int) -> Any:
    """Inline local ``#/...`` references (API Gateway models cannot follow them)."""
    if depth > 20:
        raise SchemaError("schema references nest too deeply (a cycle?)")
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise SchemaError(f"only local references are supported, got {ref!r}")
            target: Any = document
            for part in ref[2:].split("/"):
                try:
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                except (KeyError, TypeError) as exc:
                    raise SchemaError(f"unresolvable reference {ref!r}") from exc
            return _resolve(target, document, depth + 1)
        return {key: _resolve(value, document, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, document, depth + 1) for item in node]
    return node


def to_json_schema(schema: dict[str, Any], *, root: bool = True) -> apigw.JsonSchema:
    """Convert a (resolved) OpenAPI 3 schema object into an API Gateway draft-4 ``JsonSchema``.

    Keywords without a draft-4 meaning (``example``, ``nullable``, ``readOnly``…) are dropped: they
    never tighten validation, and API Gateway rejects models with keywords it does not know.
    """
    kwargs: dict[str, Any] = {}
    if root:
        kwargs["schema"] = apigw.JsonSchemaVersion.DRAFT4
    if "type" in schema:
        kind = schema["type"]
        if kind not in _TYPES:
            raise SchemaError(f"unsupported schema type {kind!r}")
        kwargs["type"] = _TYPES[kind]
    for key, arg in _SCALAR_KEYWORDS.items():
        if key in schema:
            kwargs[arg] = schema[key]
    if "required" in schema:
        kwargs["required"] = list(schema["required"])
    if "properties" in schema:
        kwargs["properties"] = {name: to_json_schema(sub, root=False) for name, sub in schema["properties"].items()}
    if "additionalProperties" in schema:
        extra = schema["additionalProperties"]
        kwargs["additional_properties"] = extra if isinstance(extra, bool) else to_json_schema(extra, root=False)
    if "items" in schema:
        kwargs["items"] = to_json_schema(schema["items"], root=False)
    return apigw.JsonSchema(**kwargs)
