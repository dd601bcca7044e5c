"""Local Chat API: the very same ASGI app as the Chat Lambda, under ``/api``, next to the built SPA.

``python -m proxy.local [--host 127.0.0.1] [--port 8000] [--agent TARGET | --with-agent [--agent-port 8080]]``.
Paths match the deployed site (where CloudFront strips ``/api``): the SPA at ``/`` (from ``spa/dist`` when
built), the API at ``/api/health``, ``/api/chat`` and ``/api/chat/stream``. Served by uvicorn.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import sys
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount

from proxy.app import create_app
from proxy.client import AgentClient
from proxy.static import SpaFiles

DEFAULT_SPA_DIR = Path(__file__).resolve().parent.parent / "spa" / "dist"
#: Seconds a stopping server gives open answers (streams) to finish.
SHUTDOWN_GRACE_SECONDS = 5


def create_local_app(client: AgentClient | None = None, *, spa_dir: Path | None = None) -> Starlette:
    """The Chat API under ``/api`` and the SPA build everywhere else."""
    return Starlette(
        routes=[
            Mount("/api", app=create_app(client)),
            Mount("/", app=SpaFiles(spa_dir or DEFAULT_SPA_DIR)),
        ]
    )


def bind(host: str, port: int) -> socket.socket:
    """A listening socket (port 0 picks a free one), so the real address is known before serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def make_server(app: Any, *, request_timeout: float | None = None, keep_alive: float | None = None) -> Any:
    """A uvicorn server for ``app``: quiet, no lifespan, bounded graceful shutdown, and the agent server's
    connection timeouts (``agent.runtime.serving``: a request must arrive within ``REQUEST_TIMEOUT_SECONDS``, an
    idle keep-alive connection closes after ``KEEP_ALIVE_SECONDS``; streamed answers are not timed).

    Args:
        app: The ASGI app.
        request_timeout: Seconds to receive a whole request (``None``: the shared default).
        keep_alive: Seconds an idle connection stays open after a response (``None``: the shared default).
    """
    import uvicorn

    from agent.runtime import serving

    timeouts = serving.uvicorn_timeouts(
        request_timeout=serving.REQUEST_TIMEOUT_SECONDS if request_timeout is None else request_timeout,
        keep_alive=serving.KEEP_ALIVE_SECONDS if keep_alive is None else keep_alive,
    )
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
        timeout_graceful_shutdown=SHUTDOWN_GRACE_SECONDS,
        **timeouts,
    )
    return uvicorn.Server(config)


def main(argv: list[str] | None = None) -> int:
    """Run the local API (and optionally the agent server) until interrupted."""
    from proxy import local_agent

    args = local_agent.parse_args(argv)
    # uvicorn handles SIGTERM itself, then raises it again with this handler restored: the clean-up below runs
    # (it stops a --with-agent server).
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    with contextlib.ExitStack() as stack:
        try:
            sock = stack.enter_context(bind(args.host, args.port))
            client = stack.enter_context(local_agent.agent_for(args))
        except (RuntimeError, OSError) as exc:  # say why, without a traceback
            print(f"Confee local API: {exc}", file=sys.stderr)
            return 1
        host, port = sock.getsockname()[:2]
        server = make_server(create_local_app(client, spa_dir=args.spa_dir))
        print(
            f"Confee local API: http://{host}:{port}/  "
            f"(API: /api/chat, /api/chat/stream, /api/health; agent: {client.label})",
            flush=True,
        )
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[sock])
    return 0


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    sys.exit(main())
