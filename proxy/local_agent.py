"""Which agent the local server talks to, and ``--with-agent``: the agent server as a child process."""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO

from proxy.api.agent import agent_timeout
from proxy.client import AgentClient, client_from_target

_REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m proxy.local", description="Confee の Chat API をローカルで動かす")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--spa-dir", type=Path, default=None, help="built SPA (default: spa/dist)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--agent", default=None, help="local | http://host:port | runtime ARN (default: CONFEE_AGENT)")
    group.add_argument("--with-agent", action="store_true", help="also start `python -m agent serve` and use it")
    parser.add_argument("--agent-port", type=int, default=8080, help="port for --with-agent (default 8080)")
    return parser.parse_args(argv)


@contextlib.contextmanager
def agent_for(args: argparse.Namespace) -> Iterator[AgentClient]:
    """The client for ``args``; with ``--with-agent`` the agent server lives exactly as long as the block."""
    if not args.with_agent:
        client = client_from_target(args.agent, timeout=agent_timeout())
        warm = getattr(client, "service", None)
        if callable(warm):
            warm()  # build the in-process agent now, not on the first request
        yield client
        return
    with agent_server(args.agent_port) as url:
        yield client_from_target(url, timeout=agent_timeout())


@contextlib.contextmanager
def agent_server(
    port: int,
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = 60.0,
    cwd: Path = _REPO_ROOT,
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | None = None,
) -> Iterator[str]:
    """Run ``python -m agent serve`` on ``host:port`` until the block ends; yields its base URL.

    Args:
        port: Where to listen (must be free).
        host: Bind address.
        startup_timeout: Seconds to wait for ``GET /ping``.
        cwd: Where the package is imported from (tests use a copy laid out like the image).
        env: The server's environment (default: this process's).
        output: A file for the server's stdout and stderr; its tail is added to a start-up failure.
    """
    _require_free_port(host, port)
    command = [sys.executable, "-m", "agent", "serve", "--host", host, "--port", str(port)]
    process = subprocess.Popen(  # noqa: S603 (fixed argv)
        command,
        cwd=cwd,
        env=dict(os.environ if env is None else env),
        stdout=output,
        stderr=subprocess.STDOUT if output is not None else None,
    )
    url = f"http://{host}:{port}"
    try:
        try:
            wait_for_ping(url, process, startup_timeout)
        except RuntimeError as exc:
            if output is None:
                raise
            output.seek(0)
            raise RuntimeError(f"{exc}:\n{output.read().decode('utf-8', 'replace')[-4000:]}") from None
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _require_free_port(host: str, port: int) -> None:
    """Fail clearly when the port is taken: otherwise /ping could be answered by whatever already listens there.

    The probe sets ``SO_REUSEADDR`` as the server's own socket does (uvicorn), so a port whose last connection
    lingers in TIME_WAIT after a restart counts as free, while one somebody listens on is still refused.
    """
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise RuntimeError(
                f"port {port} on {host} is already in use; stop the other server or pass --agent-port"
            ) from exc


def wait_for_ping(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Poll ``GET /ping`` until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"agent server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=1) as response:  # noqa: S310 (local URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"agent server at {url} did not answer /ping within {timeout:.0f} s")
