"""The Chat API as one ASGI app: ``GET /health``, ``POST /chat``, ``POST /chat/stream`` (docs/chat-api.md).

The Chat Lambda runs it with uvicorn behind the AWS Lambda Web Adapter (``proxy/run.sh``); ``python -m
proxy.local`` mounts it under ``/api`` next to the built SPA. Import-light like the rest of ``proxy``: boto3
loads with the first ARN request, the agent package only with the in-process transport.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from proxy.api.agent import ClientHolder
from proxy.api.middleware import ApiHeaders
from proxy.api.routes import ChatRoutes, http_error
from proxy.api.sse import KEEP_ALIVE_SECONDS
from proxy.client import AgentClient

#: What a CORS preflight may ask for, per route.
METHODS = {"/health": "GET, OPTIONS", "/chat": "POST, OPTIONS", "/chat/stream": "POST, OPTIONS"}


def create_app(client: AgentClient | None = None, *, keep_alive_seconds: float = KEEP_ALIVE_SECONDS) -> Starlette:
    """The Chat API around ``client`` (``None``: ``AGENT_RUNTIME_ARN`` or ``CONFEE_AGENT``, built on first use).

    Args:
        client: The agent client.
        keep_alive_seconds: Silence on ``/chat/stream`` after which a ``: keep-alive`` comment is sent.
    """
    routes = ChatRoutes(ClientHolder(client), keep_alive_seconds=keep_alive_seconds)
    app = Starlette(
        routes=[
            Route("/health", routes.health, methods=["GET"]),
            Route("/chat", routes.chat, methods=["POST"]),
            Route("/chat/stream", routes.chat_stream, methods=["POST"]),
        ],
        middleware=[Middleware(ApiHeaders, methods=METHODS)],
        exception_handlers={HTTPException: http_error},
    )
    app.state.agent = routes.agent
    return app


app = create_app()
