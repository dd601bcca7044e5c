"""The CloudFront Functions, executed by node exactly as deployed (the files' text is the function code)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

import pytest

from confee_infra.stacks.frontend_stack import FUNCTIONS_DIR
from confee_infra.waf import VIEWER_IP_HEADER

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not on PATH")

#: Loads a function file in a fresh context (no require, no module system, like CloudFront's runtime)
#: and runs ``handler`` on each viewer-request event from stdin.
HARNESS = r"""
const vm = require('vm');
const fs = require('fs');
const input = JSON.parse(fs.readFileSync(0, 'utf8'));
const code = fs.readFileSync(input.file, 'utf8');
const results = input.uris.map((uri) => {
  const sandbox = {};
  vm.runInNewContext(code + '\n;this.__handler = handler;', sandbox);
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-request' },
    viewer: { ip: input.ip || '192.0.2.1' },
    request: {
      method: 'POST', uri: uri, querystring: { q: { value: '1' } }, headers: input.headers || {}, cookies: {},
    },
  };
  const out = sandbox.__handler(event);
  return { uri: out.uri, method: out.method, querystring: out.querystring, headers: out.headers };
});
process.stdout.write(JSON.stringify(results));
"""


def run(
    file_name: str, uris: list[str], *, ip: str | None = None, headers: Mapping[str, object] | None = None
) -> list[dict[str, Any]]:
    assert NODE is not None
    payload = json.dumps({"file": str(FUNCTIONS_DIR / file_name), "uris": uris, "ip": ip, "headers": headers})
    done = subprocess.run([NODE, "-e", HARNESS], input=payload, capture_output=True, text=True, check=True, timeout=30)
    return list(json.loads(done.stdout))


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", "/index.html"),
        ("/index.html", "/index.html"),
        ("/about", "/index.html"),
        ("/chat/session/abc", "/index.html"),
        ("/events/", "/index.html"),
        ("/assets/index-3f9a.js", "/assets/index-3f9a.js"),
        ("/assets/index-3f9a.css", "/assets/index-3f9a.css"),
        ("/favicon.svg", "/favicon.svg"),
        ("/robots.txt", "/robots.txt"),
        ("/v1.2/notes", "/index.html"),  # a dot in a directory is not an extension
    ],
)
def test_spa_routing_rewrites_routes_and_keeps_assets(uri: str, expected: str) -> None:
    (result,) = run("spa_routing.js", [uri])
    assert result["uri"] == expected


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/api/chat", "/chat"),
        ("/api/chat/stream", "/chat/stream"),
        ("/api/health", "/health"),
        ("/api/", "/"),
        ("/api", "/"),
        ("/api/api/chat", "/api/chat"),  # only the leading prefix
        ("/apix/chat", "/apix/chat"),  # not a path-segment match
        ("/chat", "/chat"),
    ],
)
def test_strip_api_prefix(uri: str, expected: str) -> None:
    (result,) = run("strip_api_prefix.js", [uri])
    assert result["uri"] == expected


@pytest.mark.parametrize("ip", ["198.51.100.23", "2001:db8::7"])
def test_api_function_passes_the_viewer_address_for_the_waf(ip: str) -> None:
    (result,) = run("strip_api_prefix.js", ["/api/chat"], ip=ip)
    assert result["headers"][VIEWER_IP_HEADER] == {"value": ip}


def test_a_client_cannot_choose_its_own_viewer_address() -> None:
    forged = {VIEWER_IP_HEADER: {"value": "203.0.113.1"}, "content-type": {"value": "application/json"}}
    (result,) = run("strip_api_prefix.js", ["/api/chat"], ip="198.51.100.23", headers=forged)
    assert result["headers"][VIEWER_IP_HEADER] == {"value": "198.51.100.23"}
    assert result["headers"]["content-type"] == {"value": "application/json"}  # other headers untouched


@pytest.mark.parametrize("file_name", ["spa_routing.js", "strip_api_prefix.js"])
def test_functions_keep_method_and_query_and_fit_cloudfront_limits(file_name: str) -> None:
    (result,) = run(file_name, ["/api/chat"])
    assert result["method"] == "POST"
    assert result["querystring"] == {"q": {"value": "1"}}
    assert len((FUNCTIONS_DIR / file_name).read_bytes()) < 10 * 1024  # CloudFront Functions code size limit
