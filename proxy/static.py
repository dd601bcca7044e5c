"""The built SPA for the local server: safe path resolution, SPA routing, content types, and an ASGI app."""

from __future__ import annotations

import mimetypes
import urllib.parse
from pathlib import Path

from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

#: Types browsers are strict about (module scripts must be JavaScript) or that mimetypes may not know.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".map": "application/json; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ico": "image/x-icon",
    ".png": "image/png",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: Path) -> str:
    """The Content-Type for a file in the build."""
    suffix = path.suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def cache_control(root: Path, path: Path) -> str:
    """Hashed assets are immutable; everything else (index.html above all) is revalidated."""
    return "public, max-age=31536000, immutable" if path.parent == root / "assets" else "no-cache"


def resolve(root: Path, url_path: str) -> Path | None:
    """The file to serve for ``url_path``, as CloudFront's SPA routing would pick it; ``None`` for 404.

    Extension-less paths that match no file are client-side routes and get ``index.html``; paths that
    escape ``root`` never resolve.
    """
    root = root.resolve()
    relative = urllib.parse.unquote(url_path.partition("?")[0]).lstrip("/")
    try:
        candidate = (root / relative).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.is_file():
            return candidate
    except (OSError, ValueError):  # e.g. an encoded NUL byte
        return None
    last = relative.rsplit("/", 1)[-1]
    index = root / "index.html"
    if "." not in last and index.is_file():
        return index
    return None


class SpaFiles:
    """ASGI app serving the built SPA as CloudFront would (``GET``/``HEAD``; SPA routes get ``index.html``).

    Args:
        root: The build (``spa/dist``); when it has no ``index.html`` every path answers a note saying so.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = self.response(scope)
        await response(scope, receive, send)

    def response(self, scope: Scope) -> Response:
        """The answer for one request."""
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
        if not (self.root / "index.html").is_file():
            note = "SPA がビルドされていません (spa/dist)。API は /api/chat、/api/chat/stream、/api/health です。\n"
            return PlainTextResponse(note, status_code=404)
        file = resolve(self.root, scope["path"])
        if file is None:
            return PlainTextResponse("Not Found", status_code=404)
        headers = {"Cache-Control": cache_control(self.root, file)}
        return FileResponse(file, media_type=content_type(file), headers=headers)
