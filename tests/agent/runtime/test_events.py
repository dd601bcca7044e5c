"""Which events an answer showed: read back from the turn's search results, alternatives included."""

from __future__ import annotations

import json
from typing import Any

from agent.runtime.events import shown_events, tool_events


def _turn(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "search_connpass", "input": {}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "status": "success",
                                                     "content": [{"text": json.dumps(result)}]}}]},
    ]  # fmt: skip


def test_events_of_alternatives_count_as_shown_when_the_answer_links_them() -> None:
    relaxed = {"id": 2, "url": "https://sample-connpass.example/event/2/"}
    result = {"events": [], "alternatives": [{"relaxed": "nearby", "events": [relaxed]}]}
    assert tool_events(_turn(result)) == [relaxed]
    assert shown_events(f"近くの県なら [イベント]({relaxed['url']})", tool_events(_turn(result))) == [relaxed]


def test_results_of_other_tools_and_failed_searches_are_ignored() -> None:
    failed = _turn({"events": [{"id": 1, "url": "u"}]})
    failed[1]["content"][0]["toolResult"]["status"] = "error"
    assert tool_events(failed) == []
