"""<thinking> blocks never reach users, however the stream splits them."""

from __future__ import annotations

import pytest

from agent.models.thinking import ThinkingFilter, strip_thinking

TEXT = "<thinking>まず検索する</thinking>こんにちは<thinking>次</thinking>。<b>太字</b> 1 < 2"
EXPECTED = "こんにちは。<b>太字</b> 1 < 2"


def test_strip_whole_text() -> None:
    assert strip_thinking(TEXT) == EXPECTED
    assert strip_thinking("答え<thinking>途中で終わる") == "答え"


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 11, 100])
def test_filter_any_chunking(size: int) -> None:
    stream = ThinkingFilter()
    shown = "".join(stream.feed(TEXT[i : i + size]) for i in range(0, len(TEXT), size)) + stream.flush()
    assert shown == EXPECTED


def test_filter_releases_text_promptly() -> None:
    stream = ThinkingFilter()
    assert stream.feed("こんにちは、") == "こんにちは、"
    assert stream.feed("<thi") == ""  # could be a tag: held back
    assert stream.feed("s is fine>") == "<this is fine>"
