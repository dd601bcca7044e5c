"""Text helpers shared by every step: HTML to plain text, and how keywords and event text are compared."""

from __future__ import annotations

import html
import re
import unicodedata

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def html_to_text(fragment: str | None) -> str:
    """Tags removed and entities unescaped; whitespace is left as it was (``normalize`` collapses it)."""
    return html.unescape(_TAG.sub(" ", fragment or ""))


def plain_text(fragment: str | None, limit: int | None = None) -> str:
    """Strip tags, unescape entities and collapse whitespace; cut at ``limit`` characters with an ellipsis."""
    text = _SPACE.sub(" ", html_to_text(fragment)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def normalize(text: str) -> str:
    """How keywords and event text are compared: NFKC, case-folded, whitespace collapsed (ＴＳ == ts)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
