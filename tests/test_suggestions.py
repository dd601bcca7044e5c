"""The questions every UI suggests have answers: each, asked of the agent on the sample catalogue, links events.

The SPA (spa/src/suggestions.json) and the Streamlit app (``streamlit_app.SUGGESTIONS``) show the same list.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.runtime.service import ChatService
from streamlit_app import SUGGESTIONS

SPA_SUGGESTIONS = Path(__file__).resolve().parents[1] / "spa" / "src" / "suggestions.json"
#: The test clock of the sample catalogue (it holds events from November 2026 through 2027).
NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)


def test_every_ui_suggests_the_same_questions() -> None:
    assert tuple(json.loads(SPA_SUGGESTIONS.read_text(encoding="utf-8"))) == SUGGESTIONS


@pytest.mark.parametrize("question", SUGGESTIONS)
def test_each_suggestion_links_events_from_the_sample_catalogue(question: str) -> None:
    service = ChatService.from_settings(Settings(), fixed_clock(NOW))
    try:
        body = service.invoke("suggestion-check-" + "s" * 24, {"prompt": question})
    finally:
        service.close()
    assert "error" not in body, body
    assert body["events"], f"{question!r} found nothing: {body['response'][:200]}"
    assert all(e["url"] in body["response"] for e in body["events"])
