"""Strip ``<thinking>…</thinking>`` (Nova's visible reasoning) from what users see, across stream chunks."""

from __future__ import annotations

import re

_OPEN, _CLOSE = "<thinking>", "</thinking>"
_BLOCK = re.compile(r"<thinking>.*?(</thinking>|$)", re.DOTALL)


def strip_thinking(text: str) -> str:
    """Remove complete (and a trailing unterminated) thinking blocks from a whole text."""
    return _BLOCK.sub("", text)


class ThinkingFilter:
    """Incremental version of :func:`strip_thinking` for streamed text deltas.

    Holds back only the few characters that could be the start of a tag, so streaming stays smooth.
    """

    def __init__(self) -> None:
        self._buffer = ""
        self._inside = False

    def feed(self, chunk: str) -> str:
        """Accept a delta; return the part that is safe to show now."""
        self._buffer += chunk
        out: list[str] = []
        while self._buffer:
            tag = _CLOSE if self._inside else _OPEN
            index = self._buffer.find(tag)
            if index >= 0:
                if not self._inside:
                    out.append(self._buffer[:index])
                self._buffer = self._buffer[index + len(tag) :]
                self._inside = not self._inside
                continue
            keep = _partial_suffix(self._buffer, tag)
            if not self._inside:
                out.append(self._buffer[: len(self._buffer) - keep])
            self._buffer = self._buffer[len(self._buffer) - keep :]
            break
        return "".join(out)

    def flush(self) -> str:
        """End of stream: release held-back text (dropped if we are inside an unterminated block)."""
        rest, self._buffer = ("" if self._inside else self._buffer), ""
        return rest


def _partial_suffix(text: str, tag: str) -> int:
    """Length of the longest suffix of ``text`` that is a proper prefix of ``tag``."""
    for size in range(min(len(tag) - 1, len(text)), 0, -1):
        if tag.startswith(text[-size:]):
            return size
    return 0
