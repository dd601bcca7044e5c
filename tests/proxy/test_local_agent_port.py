"""``make local`` restarts: the agent port's free check accepts a port in TIME_WAIT, refuses one with a listener."""

from __future__ import annotations

import socket
import time

import pytest

from proxy.local_agent import _require_free_port

HOST = "127.0.0.1"


def _port_in_time_wait() -> int:
    """A port whose only socket is in TIME_WAIT: the server side of a connection closed it first."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))
        listener.listen()
        port: int = listener.getsockname()[1]
        client = socket.create_connection((HOST, port))
        accepted, _ = listener.accept()
    accepted.close()  # active close: this side (local port ``port``) goes to TIME_WAIT
    time.sleep(0.05)
    client.close()
    time.sleep(0.05)
    return port


def test_a_port_in_time_wait_is_free() -> None:
    port = _port_in_time_wait()
    with socket.socket() as plain, pytest.raises(OSError):  # the old probe (no SO_REUSEADDR) tripped here
        plain.bind((HOST, port))
    _require_free_port(HOST, port)


def test_a_listening_port_is_refused() -> None:
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((HOST, 0))
        listener.listen()
        port = listener.getsockname()[1]
        with pytest.raises(RuntimeError, match="already in use"):
            _require_free_port(HOST, port)
