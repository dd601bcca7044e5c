"""Which language a question is in: English questions are answered in English, everything else in Japanese."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Lang = Literal["ja", "en"]

_JAPANESE = re.compile(r"[ぁ-ゖァ-ヺー一-龯々〆ｦ-ﾟ]")
_LATIN_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
#: Everyday English words: one of them (and no Japanese script) makes a question English. A lone technology
#: name ("TypeScript", "k8s") stays Japanese, since Japanese users type those on their own too.
_ENGLISH = frozenset((
    "a", "an", "the", "in", "on", "at", "of", "for", "and", "or", "to", "is", "are", "be", "any", "all", "there",
    "event", "events", "meetup", "meetups", "conference", "conferences", "workshop", "workshops", "hackathon",
    "hackathons", "i", "me", "my", "you", "we", "show", "find", "search", "tell", "please", "what", "where",
    "when", "how", "about", "with", "near", "next", "this", "month", "week", "weekend", "weekends", "today",
    "tomorrow", "tonight", "upcoming", "some", "more", "hi", "hello", "hey", "thanks", "thank", "bye", "help",
    "can", "could", "would", "do", "does", "have", "want", "looking", "ignore", "previous", "instructions",
    "prompt", "online", "beginner", "beginners", "evening", "evenings", "weekday", "weekdays", "popular", "other",
    "outside", "except", "anywhere", "anything", "ok", "okay", "yes", "no", "study", "group", "groups", "who",
))  # fmt: skip


def language_of(text: str, default: Lang = "ja") -> Lang:
    """``en`` for a question in English (Latin script only, with an everyday English word), ``ja`` for Japanese
    script, else ``default`` (a bare "Osaka?" or "TypeScript" keeps the conversation's language)."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    if _JAPANESE.search(lowered):
        return "ja"
    return "en" if any(word in _ENGLISH for word in _LATIN_WORD.findall(lowered)) else default
