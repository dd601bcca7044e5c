"""Which fictional events exist: topic, kind, place and dates, before any text is written.

Coverage is built in rather than hoped for: every month from the snapshot's month to the last one has
events (the snapshot week and a few already-ended ones included), every topic appears several times,
and a handful of anchors and curated conferences make the common demo questions answerable.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from agent.clock import JST
from agent.data.vocab import BY_KEY, KIND_WEIGHTS, TOPICS, VENUES, Topic, Venue

#: When the catalogue was "downloaded": nothing in it was updated later.
SNAPSHOT = dt.datetime(2026, 11, 24, 8, 0, tzinfo=JST)
FIRST_MONTH, LAST_MONTH = (2026, 11), (2027, 12)
PER_MONTH = 19
#: In the snapshot's month: events already over, and events in its last week (24th-30th).
PAST_IN_FIRST_MONTH, LAST_WEEK_IN_FIRST_MONTH = 6, 12
GUARANTEED_PER_TOPIC = 3

#: Real-sounding but fictional conferences: (title, topic, prefecture, first day, days).
CONFERENCES: tuple[tuple[str, str, str, dt.date, int], ...] = (
    ("Cloud Native Conference Fukuoka 2026", "kubernetes", "fukuoka", dt.date(2026, 11, 7), 1),
    ("生成AI Conference Japan 2026", "genai", "tokyo", dt.date(2026, 11, 28), 1),
    (".NET Conference Japan 2026", "dotnet", "tokyo", dt.date(2026, 12, 12), 1),
    ("SRE Kaigi Tokyo 2027", "sre", "tokyo", dt.date(2027, 1, 30), 1),
    ("機械学習カンファレンス金沢 2027", "ml", "ishikawa", dt.date(2027, 2, 6), 1),
    ("Next.js Conf Online 2027", "nextjs", "online", dt.date(2027, 2, 20), 1),
    ("AWS Community Festival Kansai 2027", "aws", "osaka", dt.date(2027, 2, 27), 1),
    ("LLM Summit Osaka 2027", "genai", "osaka", dt.date(2027, 3, 13), 1),
    ("Swift Conference Tokyo 2027", "swift", "tokyo", dt.date(2027, 3, 27), 2),
    ("Terraform Conference Online 2027", "terraform", "online", dt.date(2027, 4, 10), 1),
    ("Python Conference Kyushu 2027", "python", "fukuoka", dt.date(2027, 4, 17), 1),
    ("Kotlin Conference Japan 2027", "kotlin", "tokyo", dt.date(2027, 4, 24), 1),
    ("Flutter Conference Japan 2027", "flutter", "online", dt.date(2027, 5, 15), 1),
    ("TypeScript Conference Japan 2027", "typescript", "tokyo", dt.date(2027, 5, 22), 2),
    ("Ruby Conference Okinawa 2027", "ruby", "okinawa", dt.date(2027, 5, 29), 1),
    ("ソフトウェアテストカンファレンス広島 2027", "qa", "hiroshima", dt.date(2027, 6, 5), 1),
    ("Gopher Festival Japan 2027", "go", "tokyo", dt.date(2027, 6, 12), 1),
    ("AWS Community Festival Tokyo 2027", "aws", "tokyo", dt.date(2027, 6, 26), 1),
    ("PHP Festival Hokkaido 2027", "php", "hokkaido", dt.date(2027, 7, 3), 1),
    ("AIエージェント Conference Online 2027", "genai", "online", dt.date(2027, 7, 10), 1),
    ("ゲーム開発カンファレンス福岡 2027", "game", "fukuoka", dt.date(2027, 8, 7), 1),
    ("React Conference Tokyo 2027", "react", "tokyo", dt.date(2027, 8, 21), 1),
    ("IoT Conference Niigata 2027", "iot", "niigata", dt.date(2027, 8, 28), 1),
    ("Elixir Conference Japan 2027", "elixir", "tokyo", dt.date(2027, 9, 4), 1),
    ("アジャイルカンファレンス札幌 2027", "agile", "hokkaido", dt.date(2027, 9, 11), 1),
    ("Rust Conference Tokyo 2027", "rust", "tokyo", dt.date(2027, 9, 25), 1),
    ("TypeScript Conference Online 2027", "typescript", "online", dt.date(2027, 2, 20), 1),
    ("Python Conference Japan 2027", "python", "chiba", dt.date(2027, 10, 2), 2),
    ("DevOps Conference Kyoto 2027", "sre", "kyoto", dt.date(2027, 10, 9), 1),
    ("TypeScript Fest Osaka 2027", "typescript", "osaka", dt.date(2027, 10, 16), 1),
    ("Java Conference Japan 2027", "java", "tokyo", dt.date(2027, 10, 23), 1),
    ("Frontend Conference Nagoya 2027", "javascript", "aichi", dt.date(2027, 10, 30), 1),
    ("セキュリティカンファレンス仙台 2027", "security", "miyagi", dt.date(2027, 11, 6), 1),
    ("Vue.js Conference Japan 2027", "vue", "tokyo", dt.date(2027, 11, 13), 1),
    ("デザインカンファレンス神戸 2027", "design", "hyogo", dt.date(2027, 11, 20), 1),
    ("Kubernetes Conference Japan 2027", "kubernetes", "kanagawa", dt.date(2027, 12, 4), 1),
    ("データ分析カンファレンス東京 2027", "data", "tokyo", dt.date(2027, 12, 11), 1),
)

#: Regular events that the demo questions rely on: (topic, kind, prefecture, day).
ANCHORS: tuple[tuple[str, str, str, dt.date], ...] = (
    ("typescript", "study", "tokyo", dt.date(2026, 11, 12)),  # already over: "past" filtering
    ("javascript", "meetup", "tokyo", dt.date(2026, 11, 24)),  # the snapshot's own evening: "today"
    ("genai", "lt", "online", dt.date(2026, 11, 25)),
    ("typescript", "meetup", "tokyo", dt.date(2026, 11, 26)),
    ("python", "mokumoku", "fukuoka", dt.date(2026, 11, 29)),
    ("typescript", "lt", "online", dt.date(2026, 11, 30)),
    ("python", "mokumoku", "online", dt.date(2026, 11, 28)),  # 今週末オンライン
    ("aws", "workshop", "online", dt.date(2026, 11, 29)),
    ("typescript", "study", "osaka", dt.date(2026, 12, 3)),
    ("react", "meetup", "tokyo", dt.date(2026, 12, 8)),
    ("rust", "study", "osaka", dt.date(2026, 12, 10)),
    ("aws", "study", "hokkaido", dt.date(2026, 12, 15)),
    ("go", "study", "aichi", dt.date(2027, 1, 20)),
    ("aws", "study", "tokyo", dt.date(2027, 2, 17)),
    ("aws", "meetup", "online", dt.date(2027, 1, 14)),
    ("rust", "mokumoku", "osaka", dt.date(2027, 1, 23)),
)


@dataclass
class Plan:
    topic: Topic
    kind: str
    venue: Venue
    start: dt.datetime
    end: dt.datetime
    title: str = ""  # set for curated conferences; otherwise written later from the series
    curated: bool = False
    pinned: bool = False  # curated or anchor: demos rely on it, so never randomly closed or cancelled


def _months() -> list[tuple[int, int]]:
    year, month = FIRST_MONTH
    out = []
    while (year, month) <= LAST_MONTH:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _days(year: int, month: int, lo: int, hi: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(lo, hi + 1)]


def _month_days(year: int, month: int) -> int:
    nxt = dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _times(rng: random.Random, kind: str, day: dt.date, online: bool, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    """Evenings on weekdays, afternoons or whole days at weekends, as communities actually schedule."""
    weekend = day.weekday() >= 5
    if kind == "conference":
        begin, hours = (10, 0), 8.0
    elif kind == "hackathon":
        begin, hours = (10, 0), 9.0
    elif weekend:
        begin, hours = rng.choice(((13, 0), (13, 30), (10, 0))), rng.choice((3.5, 4.0, 5.0))
    else:
        begin, hours = rng.choice(((19, 0), (19, 30), (20, 0) if online else (18, 30))), rng.choice((2.0, 2.5))
    start = dt.datetime(day.year, day.month, day.day, *begin, tzinfo=JST)
    end = start + dt.timedelta(days=days - 1, hours=hours)
    return start, end


def _pick_day(rng: random.Random, kind: str, candidates: list[dt.date]) -> dt.date:
    weekend_kind = kind in ("mokumoku", "workshop", "hackathon", "conference")
    preferred = [d for d in candidates if (d.weekday() >= 5) == weekend_kind] or candidates
    return rng.choice(preferred if rng.random() < 0.85 else candidates)


def _venue(rng: random.Random, pref: str | None = None) -> Venue:
    pool = [v for v in VENUES if pref is None or v.pref == pref]
    return rng.choices(pool, weights=[v.weight for v in pool])[0]


def _kind(rng: random.Random) -> str:
    return rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]


def make_plans(rng: random.Random) -> list[Plan]:
    """Every event of the catalogue, sorted by start time."""
    plans: list[Plan] = []
    for title, key, pref, day, days in CONFERENCES:
        venue = _venue(rng, pref)
        start, end = _times(rng, "conference", day, venue.pref == "online", days)
        plans.append(Plan(BY_KEY[key], "conference", venue, start, end, title, curated=True, pinned=True))
    # Regular slots: (year, month, first day, last day) per event still to place.
    slots: list[tuple[int, int, int, int]] = []
    for year, month in _months():
        if (year, month) == FIRST_MONTH:
            slots += [(year, month, 2, 21)] * PAST_IN_FIRST_MONTH
            slots += [(year, month, 24, 30)] * LAST_WEEK_IN_FIRST_MONTH
        else:
            slots += [(year, month, 1, _month_days(year, month))] * PER_MONTH
    for key, kind, pref, day in ANCHORS:
        slot = next(s for s in slots if (s[0], s[1]) == (day.year, day.month) and s[2] <= day.day <= s[3])
        slots.remove(slot)
        venue = _venue(rng, pref)
        start, end = _times(rng, kind, day, venue.pref == "online")
        plans.append(Plan(BY_KEY[key], kind, venue, start, end, pinned=True))
    topics = [t for t in TOPICS for _ in range(GUARANTEED_PER_TOPIC)]
    topics += rng.choices(TOPICS, weights=[t.weight for t in TOPICS], k=len(slots) - len(topics))
    rng.shuffle(topics)
    for topic, (year, month, lo, hi) in zip(topics, slots, strict=True):
        kind, venue = _kind(rng), _venue(rng)
        day = _pick_day(rng, kind, _days(year, month, lo, hi))
        start, end = _times(
            rng, kind, day, venue.pref == "online", 2 if kind == "hackathon" and rng.random() < 0.5 else 1
        )
        plans.append(Plan(topic, kind, venue, start, end))
    plans.sort(key=lambda p: (p.start, p.topic.key, p.kind, p.venue.pref))
    return plans
