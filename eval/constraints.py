"""Does one linked event satisfy a question's constraints? Pure functions over ``EventFacts``.

Every linked event must also be recommendable: not started before the pinned day, registration not closed,
not cancelled. For relaxed searches (nothing matched the question) an event may satisfy the constraints that
one of the allowed relaxations keeps (``variants``).
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterable

from eval.cases import Expect
from eval.facts import ONLINE, EventFacts, normalize, time_band

#: Words by which an event calls itself a kind (matched in its title or catch, normalised).
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "conference": ("カンファレンス", "conference", "conf", "kaigi", "祭典", "festival", "fest", "フェス", "summit"),
    "lt": ("lt会", "lt", "ライトニングトーク"),
    "mokumoku": ("もくもく",),
    "workshop": ("ワークショップ", "ハンズオン", "workshop", "hands-on", "handson"),
    "hackathon": ("ハッカソン", "hackathon"),
    "meetup": ("ミートアップ", "meetup", "meet up"),
}

#: Japan's regions as the tool's "nearby" relaxation uses them (Contract 3).
REGIONS: tuple[tuple[str, ...], ...] = (
    ("hokkaido",),
    ("aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima"),
    ("ibaraki", "tochigi", "gunma", "saitama", "chiba", "tokyo", "kanagawa"),
    ("niigata", "toyama", "ishikawa", "fukui", "yamanashi", "nagano", "gifu", "shizuoka", "aichi"),
    ("mie", "shiga", "kyoto", "osaka", "hyogo", "nara", "wakayama"),
    ("tottori", "shimane", "okayama", "hiroshima", "yamaguchi"),
    ("tokushima", "kagawa", "ehime", "kochi"),
    ("fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa"),
)

#: Months a search covers when the question names no time: this one and the next five (Contract 3).
DEFAULT_WINDOW_MONTHS = 6


@functools.cache
def _word_pattern(word: str) -> re.Pattern[str]:
    """``word`` (normalised) as a pattern; ASCII letters at its edges must not touch other ASCII letters/digits.

    So ``Go`` does not match ``Google``, nor ``Java`` ``JavaScript``, while ``ReactゆるLT会`` still has ``React``.
    """
    word = normalize(word)
    body = re.escape(word)
    if word[:1].isascii() and word[:1].isalnum():
        body = r"(?<![a-z0-9])" + body
    if word[-1:].isascii() and word[-1:].isalnum():
        body += r"(?![a-z0-9])"
    return re.compile(body)


def mentions(text: str, words: Iterable[str]) -> bool:
    """Whether normalised ``text`` contains one of ``words`` (see ``_word_pattern``)."""
    return any(_word_pattern(word).search(text) for word in words)


def region_of(slug: str) -> tuple[str, ...]:
    """The prefectures of ``slug``'s region (``()`` for ``online`` or unknown slugs)."""
    return next((region for region in REGIONS if slug in region), ())


def default_period_end(today: dt.date) -> dt.date:
    """Last day a search without a time covers: the end of the fifth month after ``today``'s."""
    index = today.year * 12 + today.month - 1 + DEFAULT_WINDOW_MONTHS - 1
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def violations(event: EventFacts, expect: Expect, today: dt.date) -> list[str]:
    """Why ``event`` does not satisfy ``expect`` (empty: it does). Messages are short English phrases."""
    found: list[str] = []
    start = event.start
    if start is None:
        found.append("no start time")
    elif start.date() < today:
        found.append(f"already held ({start.date()})")
    if event.status == "closed":
        found.append("registration closed or cancelled")
    found += [f"topic {'|'.join(group)} missing" for group in expect.topics if not mentions(event.text, group)]
    found += [f"not a {kind}" for kind in expect.kinds if not mentions(event.heading, KIND_WORDS[kind])]
    if expect.prefectures and event.prefecture not in expect.prefectures:
        found.append(f"in {event.prefecture or 'unknown place'}, not {'/'.join(expect.prefectures)}")
    if expect.exclude_prefectures and event.prefecture in expect.exclude_prefectures:
        found.append(f"in excluded {event.prefecture}")
    if expect.places and not mentions(event.where, expect.places):
        found.append(f"not in {'/'.join(expect.places)}")
    if start is not None:
        if expect.months and f"{start:%Y-%m}" not in expect.months:
            found.append(f"starts {start:%Y-%m}, not {'/'.join(expect.months)}")
        if expect.date_from and start.date() < expect.date_from:
            found.append(f"starts {start.date()}, before {expect.date_from}")
        if expect.date_to and start.date() > expect.date_to:
            found.append(f"starts {start.date()}, after {expect.date_to}")
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]
        if expect.weekdays and weekday not in expect.weekdays:
            found.append(f"on {weekday}, not {'/'.join(expect.weekdays)}")
        if expect.time_of_day and time_band(start) not in expect.time_of_day:
            found.append(f"starts {start:%H:%M}, not {'/'.join(expect.time_of_day)}")
    if expect.beginner and not event.beginner:
        found.append("not for beginners")
    if expect.joinable and event.status == "full":
        found.append("full")
    return found


def variants(expect: Expect) -> list[Expect]:
    """The constraints an answer may satisfy: the question's, or for relaxed searches what a relaxation keeps."""
    if not expect.relaxed:
        return [expect]
    out: list[Expect] = []
    for kind in expect.relaxed:
        if kind == "later_dates":
            out.append(dataclasses.replace(expect, months=(), date_from=None, date_to=None))
        elif kind == "online":
            excluded = tuple(p for p in expect.exclude_prefectures if p != ONLINE)
            out.append(dataclasses.replace(expect, prefectures=(ONLINE,), places=(), exclude_prefectures=excluded))
        elif kind == "nearby" and expect.prefectures:
            nearby = tuple(dict.fromkeys(s for p in expect.prefectures for s in region_of(p)))
            out.append(dataclasses.replace(expect, prefectures=nearby or expect.prefectures, places=()))
        elif kind == "fewer_keywords":
            out += [
                dataclasses.replace(expect, topics=expect.topics[:i] + expect.topics[i + 1 :])
                for i in range(len(expect.topics))
                if len(expect.topics) + len(expect.kinds) >= 2
            ]
            out += [
                dataclasses.replace(expect, kinds=expect.kinds[:i] + expect.kinds[i + 1 :])
                for i in range(len(expect.kinds))
                if len(expect.topics) + len(expect.kinds) >= 2
            ]
        elif kind == "fewer_conditions":
            out.append(
                dataclasses.replace(expect, weekdays=(), time_of_day=(), beginner=False, joinable=False, places=())
            )
    return [dataclasses.replace(v, relaxed=()) for v in out] or [dataclasses.replace(expect, relaxed=())]


def judge(event: EventFacts, expect: Expect, today: dt.date) -> list[str]:
    """Violations of the best-satisfied variant of ``expect`` (empty: the event is a correct link)."""
    return min((violations(event, v, today) for v in variants(expect)), key=len)


def catalogue_matches(events: Iterable[EventFacts], expect: Expect, today: dt.date) -> list[EventFacts]:
    """Events of a catalogue that answer ``expect`` as asked (no relaxation), within the searched period.

    Without months or dates the period is the tool's default one (today to the end of the fifth month after).
    Used to check the golden set against the catalogue it was written for.
    """
    exact = dataclasses.replace(expect, relaxed=())
    last = None if (exact.months or exact.date_to) else default_period_end(today)
    return [
        e
        for e in events
        if not violations(e, exact, today) and (last is None or (e.start is not None and e.start.date() <= last))
    ]
