"""One session-id rule for both contracts: the agent's (Contract 1) and the proxy's (Contract 2) agree."""

from __future__ import annotations

import random
import string

from agent.runtime import payload
from proxy.client import session


def test_the_agent_and_the_proxy_accept_and_refuse_the_same_ids() -> None:
    rng = random.Random(11)
    alphabet = string.ascii_letters + string.digits + "-_ .:/あ\n"
    samples = [payload.new_session_id(), session.new_session_id(), "", "a" * 33, "a" * 32, "a" * 256, "a" * 257]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(20, 270))) for _ in range(500)]
    samples += ["_" + "a" * 40, "a" + "-" * 40, "A" * 40 + "あ"]
    for value in samples:
        assert payload.is_valid_session_id(value) == session.is_valid_session_id(value), value
    assert payload.is_valid_session_id(payload.new_session_id())
