"""ASGI middleware for every Chat API answer: security headers, CORS for configured origins, preflights."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from proxy.api.headers import SECURITY_HEADERS, cors_headers, preflight_headers


class ApiHeaders:
    """Adds ``SECURITY_HEADERS`` and CORS headers to every response; answers preflights from allowed origins.

    Args:
        app: The app to wrap.
        methods: Allowed methods by route path (what a preflight answers in ``Access-Control-Allow-Methods``).
            Preflights for other paths, and from origins that are not allowed, reach the app (a JSON 404/405).
    """

    def __init__(self, app: ASGIApp, methods: Mapping[str, str]) -> None:
        self.app = app
        self.methods = dict(methods)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = Headers(scope=scope).get("origin")
        extra = {**SECURITY_HEADERS, **cors_headers(origin)}
        if scope["method"] == "OPTIONS":
            methods = self.methods.get(_route_path(scope))
            preflight = preflight_headers(origin, methods) if methods else None
            if preflight is not None:
                await Response(status_code=204, headers={**SECURITY_HEADERS, **preflight})(scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name == "Vary":
                        headers.add_vary_header(value)
                    else:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _route_path(scope: Scope) -> str:
    """The path inside this app (a mount such as the local server's ``/api`` is in ``root_path``)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
