"""Local Chat API: the very same Lambda handlers behind real HTTP on 127.0.0.1, plus the built SPA.

``python -m proxy.local [--host 127.0.0.1] [--port 8000] [--agent TARGET | --with-agent]``. Paths match
the deployed site: the SPA at ``/`` (from ``spa/dist`` when built) and the API under ``/api/``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import signal
import sys
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from proxy.handlers import chat, health

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]

ROUTES: dict[str, tuple[str, Handler]] = {
    "/api/chat": ("/chat", chat.handler),
    "/api/health": ("/health", health.handler),
}
DEFAULT_SPA_DIR = Path(__file__).resolve().parent.parent / "spa" / "dist"
MAX_BODY_BYTES = 1024 * 1024


class LocalContext:
    """The bits of a Lambda context object the handlers read."""

    def __init__(self) -> None:
        self.aws_request_id = uuid.uuid4().hex
        self.function_name = "confee-local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def to_event(method: str, raw_path: str, headers: dict[str, str], body: bytes, client_ip: str) -> dict[str, Any]:
    """An API Gateway REST proxy event, as the deployed stage would pass it (``/api`` already stripped)."""
    path, _, query = raw_path.partition("?")
    resource = ROUTES[path][0]
    params: dict[str, list[str]] = {}
    for pair in filter(None, query.split("&")):
        key, _, value = pair.partition("=")
        params.setdefault(key, []).append(value)
    try:
        text: str | None = body.decode("utf-8") if body else None
        encoded = False
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    return {
        "resource": resource,
        "path": resource,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {key: [value] for key, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in params.items()} or None,
        "multiValueQueryStringParameters": params or None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "requestId": uuid.uuid4().hex,
            "stage": "local",
            "resourcePath": resource,
            "httpMethod": method,
            "path": path,
            "identity": {"sourceIp": client_ip},
        },
        "body": text,
        "isBase64Encoded": encoded,
    }


class LocalRequestHandler(BaseHTTPRequestHandler):
    """Routes ``/api/*`` to the Lambda handlers and everything else to the SPA build."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "ConfeeLocal/1.0"
    spa_dir: Path = DEFAULT_SPA_DIR
    verbose = False

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        if self.verbose:
            super().log_message(format, *args)

    def _dispatch(self) -> None:
        path = self.path.partition("?")[0]
        if path.startswith("/api/") or path == "/api":
            self._api(path)
        else:
            self._static()

    def _api(self, path: str) -> None:
        body = self._read_body()
        if body is None:
            return
        if path not in ROUTES:
            self._send_json(404, {"error": {"code": "not_found", "message": "指定された API はありません。"}})
            return
        headers = {key: value for key, value in self.headers.items()}
        event = to_event(self.command, self.path, headers, body, self.client_address[0])
        result = ROUTES[path][1](event, LocalContext())
        payload = result.get("body") or ""
        data = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode("utf-8")
        self._send(int(result["statusCode"]), dict(result.get("headers") or {}), data)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True  # the unread chunks must not be parsed as the next request
            self._send_json(411, {"error": {"code": "invalid_request", "message": "Content-Length が必要です。"}})
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            self._send_json(413, {"error": {"code": "invalid_request", "message": "リクエストが大きすぎます。"}})
            return None
        return self.rfile.read(length) if length else b""

    def _static(self) -> None:
        from proxy import static

        if self.headers.get("Content-Length", "0").strip() not in ("", "0") or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # static files never read a body: leaving it unread would desync the stream
        if self.command not in ("GET", "HEAD"):
            self._send(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"}, b"Method Not Allowed")
            return
        if not (self.spa_dir / "index.html").is_file():
            note = "SPA がビルドされていません (spa/dist)。API は /api/chat と /api/health で動いています。\n"
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, note.encode("utf-8"))
            return
        file = static.resolve(self.spa_dir, self.path)
        if file is None:
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not Found")
            return
        headers = {"Content-Type": static.content_type(file), "Cache-Control": static.cache_control(self.spa_dir, file)}
        self._send(200, headers, file.read_bytes())

    def _send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}, data)

    def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")  # tell the client, so it does not reuse the socket
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)


def make_server(host: str = "127.0.0.1", port: int = 8000, *, spa_dir: Path | None = None) -> ThreadingHTTPServer:
    """A ready (not yet serving) local server; port 0 picks a free one."""
    handler = type("BoundHandler", (LocalRequestHandler,), {"spa_dir": (spa_dir or DEFAULT_SPA_DIR).resolve()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> int:
    """Run the local API (and optionally the agent server) until interrupted."""
    from proxy import local_agent

    args = local_agent.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # run the clean-up below (it stops a --with-agent server)
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(local_agent.agent_for(args))
        except RuntimeError as exc:  # the agent server could not start: say why, without a traceback
            print(f"Confee local API: {exc}", file=sys.stderr)
            return 1
        chat.use_client(client)
        server = make_server(args.host, args.port, spa_dir=args.spa_dir)
        host, port = str(server.server_address[0]), int(server.server_address[1])
        print(f"Confee local API: http://{host}:{port}/  (API: /api/chat, /api/health; agent: {client.label})")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
