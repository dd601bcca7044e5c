"""The golden set: cases (one question or a conversation) and what each answer must satisfy, read from YAML.

Each turn states the question's constraints in full (a follow-up repeats what it inherits), so every
expectation can be checked on its own. See ``eval/golden.yaml`` for the format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from eval.facts import ONLINE, PREFECTURE_NAMES, TIME_BANDS, WEEKDAYS

GOLDEN_FILE = Path(__file__).with_name("golden.yaml")

Links = Literal["some", "none", "any"]
#: The tool's relaxations (Contract 3, issue 10), in the order it tries them.
RELAXATIONS = ("later_dates", "online", "nearby", "fewer_keywords", "fewer_conditions")
#: Event kinds a question can ask for; the words that mark each are in ``eval.constraints.KIND_WORDS``.
KINDS = ("conference", "lt", "mokumoku", "workshop", "hackathon", "meetup")
SORTS = ("popular",)


class GoldenError(ValueError):
    """The golden file is malformed (reported with the case id and the offending key)."""


@dataclass(frozen=True)
class Expect:
    """What one answer must satisfy.

    Attributes:
        search: The question calls for a search (``False``: chit-chat or injection, answered without a tool round).
        links: ``some`` (answerable: at least one event linked), ``none``, or ``any``.
        refuse: The answer must refuse politely and leak nothing of the system prompt.
        english: The answer must be in English.
        fresh: No event linked earlier in the conversation may be linked again (「次は？」 is the next page).
        topics: Every group must appear in each linked event's title, catch or description; a group is
            alternatives (``("JavaScript", "JS")``).
        kinds: Event kinds every linked event must be (``conference``, ``lt`` …), by its title or catch.
        prefectures: Slugs (or ``online``); each linked event must be in one of them.
        exclude_prefectures: Slugs (or ``online``) no linked event may be in.
        places: Area words (梅田); each linked event's address or venue must contain one of them.
        months: ``YYYY-MM``; each linked event must start in one of them.
        date_from: First allowed start day.
        date_to: Last allowed start day.
        weekdays: ``mon`` … ``sun``; the JST start day must be one of them.
        time_of_day: ``morning`` / ``afternoon`` / ``evening``; the JST start hour's band.
        beginner: Each linked event must mention a beginner word.
        joinable: No linked event may be full.
        sort: ``popular``: joinable events first, each part by participants, most first.
        relaxed: Nothing matches the question; the answer must say so, say what it relaxed, and link
            alternatives that keep the constraints one of these relaxations keeps.
    """

    search: bool = True
    links: Links = "some"
    refuse: bool = False
    english: bool = False
    fresh: bool = False
    topics: tuple[tuple[str, ...], ...] = ()
    kinds: tuple[str, ...] = ()
    prefectures: tuple[str, ...] = ()
    exclude_prefectures: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    weekdays: tuple[str, ...] = ()
    time_of_day: tuple[str, ...] = ()
    beginner: bool = False
    joinable: bool = False
    sort: str | None = None
    relaxed: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """Counted in recall: the answer must link at least one event."""
        return self.search and self.links == "some"


@dataclass(frozen=True)
class Turn:
    """One question and what its answer must satisfy."""

    ask: str
    expect: Expect


@dataclass(frozen=True)
class Case:
    """A golden case: one question, or a conversation asked in one session."""

    id: str
    category: str
    turns: tuple[Turn, ...]
    note: str = ""


@dataclass(frozen=True)
class GoldenSet:
    """The cases and the day they were written for (``CONFEE_TODAY``)."""

    today: dt.date
    cases: tuple[Case, ...] = field(default_factory=tuple)

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(case.category for case in self.cases))


_LIST_KEYS = ("kinds", "prefectures", "exclude_prefectures", "places", "months", "weekdays", "time_of_day", "relaxed")
_ALLOWED = {
    "kinds": KINDS,
    "weekdays": WEEKDAYS,
    "time_of_day": tuple(TIME_BANDS),
    "relaxed": RELAXATIONS,
    "prefectures": (*PREFECTURE_NAMES, ONLINE),
    "exclude_prefectures": (*PREFECTURE_NAMES, ONLINE),
}
_BOOL_KEYS = ("search", "refuse", "english", "fresh", "beginner", "joinable")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in items):
        raise GoldenError(f"{where}: expected a string or a list of strings, got {value!r}")
    return tuple(v.strip() for v in items)


def _day(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise GoldenError(f"{where}: expected YYYY-MM-DD, got {value!r}") from None


def parse_expect(raw: Mapping[str, Any] | None, where: str) -> Expect:
    """An ``expect`` mapping as ``Expect``.

    Raises:
        GoldenError: Unknown keys or values.
    """
    raw = dict(raw or {})
    known = {*_LIST_KEYS, *_BOOL_KEYS, "links", "topics", "dates", "sort"}
    if unknown := sorted(set(raw) - known):
        raise GoldenError(f"{where}: unknown expect keys {unknown}")
    values: dict[str, Any] = {}
    for key in _BOOL_KEYS:
        if key in raw:
            if not isinstance(raw[key], bool):
                raise GoldenError(f"{where}.{key}: expected true or false")
            values[key] = raw[key]
    for key in _LIST_KEYS:
        if key in raw:
            items = _strings(raw[key], f"{where}.{key}")
            allowed = _ALLOWED.get(key)
            if allowed and (bad := [i for i in items if i not in allowed]):
                raise GoldenError(f"{where}.{key}: unknown values {bad}")
            values[key] = items
    for month in values.get("months", ()):
        _day(f"{month}-01", f"{where}.months")
    if "topics" in raw:
        values["topics"] = tuple(
            tuple(a.strip() for a in group.split("|")) for group in _strings(raw["topics"], f"{where}.topics")
        )
    if "dates" in raw:
        dates = raw["dates"]
        if isinstance(dates, Mapping):
            values["date_from"] = _day(dates.get("from"), f"{where}.dates.from")
            values["date_to"] = _day(dates.get("to", dates.get("from")), f"{where}.dates.to")
        else:
            values["date_from"] = values["date_to"] = _day(dates, f"{where}.dates")
    if "sort" in raw:
        if raw["sort"] not in SORTS:
            raise GoldenError(f"{where}.sort: expected one of {SORTS}")
        values["sort"] = raw["sort"]
    search = values.get("search", True)
    links = raw.get("links", "some" if search else "none")
    if links not in ("some", "none", "any"):
        raise GoldenError(f"{where}.links: expected some, none or any")
    if not search and links != "none":
        raise GoldenError(f"{where}: a turn without a search links no events")
    if values.get("relaxed") and links != "some":
        raise GoldenError(f"{where}: a relaxed search must link the alternatives (links: some)")
    return Expect(links=links, **values)


def parse_case(raw: Mapping[str, Any], index: int) -> Case:
    """One case mapping: ``id``, ``category``, and ``ask`` + ``expect`` or ``turns``."""
    case_id = raw.get("id")
    if not isinstance(case_id, str) or not case_id:
        raise GoldenError(f"case #{index + 1}: missing id")
    category = raw.get("category")
    if not isinstance(category, str) or not category:
        raise GoldenError(f"{case_id}: missing category")
    if ("ask" in raw) == ("turns" in raw):
        raise GoldenError(f"{case_id}: give either ask (one question) or turns (a conversation)")
    raw_turns = [{"ask": raw["ask"], "expect": raw.get("expect")}] if "ask" in raw else raw["turns"]
    if not isinstance(raw_turns, list) or not raw_turns:
        raise GoldenError(f"{case_id}: turns must be a non-empty list")
    turns = []
    for number, turn in enumerate(raw_turns, start=1):
        if not isinstance(turn, Mapping) or not isinstance(turn.get("ask"), str) or not turn["ask"].strip():
            raise GoldenError(f"{case_id} turn {number}: missing ask")
        turns.append(Turn(turn["ask"].strip(), parse_expect(turn.get("expect"), f"{case_id} turn {number}")))
    return Case(case_id, category, tuple(turns), str(raw.get("note") or ""))


def load_golden(path: str | Path = GOLDEN_FILE) -> GoldenSet:
    """Read and validate a golden file.

    Raises:
        GoldenError: The file is unreadable or malformed, or two cases share an id.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GoldenError(f"{path}: {exc}") from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("cases"), list):
        raise GoldenError(f"{path}: expected a mapping with 'today' and 'cases'")
    cases = tuple(parse_case(raw, i) for i, raw in enumerate(data["cases"]))
    ids = [case.id for case in cases]
    if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
        raise GoldenError(f"{path}: duplicate case ids {duplicates}")
    return GoldenSet(_day(data.get("today"), f"{path}: today"), cases)
