"""How the offline model says a search in English: ``beginner-friendly Rust meetups in Tokyo on weekdays in the
evening in December 2026``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from agent.models.offline.criteria import Criteria
from agent.models.offline.modifiers import DAYS, WEEKDAYS, WEEKEND
from agent.models.offline.places import AREA_ROMAJI, REGIONS
from agent.sources.prefectures import BY_SLUG, ONLINE

_KINDS = {
    "LT会": "lightning talk events", "もくもく会": "mokumoku (quiet co-working) sessions",
    "ハッカソン": "hackathons", "ワークショップ": "workshops", "カンファレンス": "conferences",
    "ミートアップ": "meetups", "読書会": "reading groups",
}  # fmt: skip
_TOPICS = {
    "生成AI": "generative AI", "機械学習": "machine learning", "データ分析": "data analysis", "クラウド": "cloud",
    "サーバーレス": "serverless", "セキュリティ": "security", "インフラ": "infrastructure", "データベース": "database",
    "アジャイル": "agile", "デザイン": "design", "ゲーム開発": "game development", "ブロックチェーン": "blockchain",
    "テスト・QA": "testing and QA", "モバイルアプリ": "mobile app", "フロントエンド": "frontend",
    "バックエンド": "backend", "量子コンピュータ": "quantum computing", "組込み": "embedded", "ロボット": "robotics",
    "ノーコード": "no-code", "競技プログラミング": "competitive programming", "関数型": "functional programming",
    "プロダクトマネジメント": "product management", "キャリア": "career", "C言語": "C",
    "オブザーバビリティ": "observability",
}  # fmt: skip
_REGIONS = {
    "関東": "Kanto", "首都圏": "Greater Tokyo", "関西": "Kansai", "近畿": "Kinki", "東海": "Tokai", "九州": "Kyushu",
    "東北": "Tohoku", "北陸": "Hokuriku", "中国地方": "Chugoku", "四国": "Shikoku",
}  # fmt: skip
_AREAS = {area: romaji.capitalize() for romaji, area in AREA_ROMAJI.items()}
_TIMES = {"morning": "morning", "afternoon": "afternoon", "evening": "evening"}


def prefecture_name(slug: str) -> str:
    """``tokyo`` → ``Tokyo``; ``online`` → ``online``."""
    return "online" if slug == ONLINE else slug.capitalize() if slug in BY_SLUG else slug


def places_name(slugs: tuple[str, ...]) -> str:
    """A region's name when the slugs are exactly one region, else the prefectures joined with " or "."""
    for region, members in REGIONS.items():
        if set(members) == set(slugs):
            return _REGIONS.get(region, region)
    return " or ".join(prefecture_name(s) for s in slugs)


def month_name(ym: str) -> str:
    """``202612`` → ``December 2026``."""
    return dt.date(int(ym[:4]), int(ym[4:]), 1).strftime("%B %Y")


def _day(value: str) -> str:
    day = dt.datetime.strptime(value, "%Y%m%d").date()
    return f"{day:%a}, {day:%b} {day.day}"


def time_text(criteria: Criteria, period: Mapping[str, Any] | None = None) -> str:
    """`` in December 2026`` / `` from Mon, Nov 30 to Sun, Dec 6`` / `` through April 2027`` / empty."""
    dates = sorted(d for d in criteria.dates if len(d) == 8 and d.isdigit())
    months = sorted(m for m in criteria.months if len(m) == 6 and m.isdigit())
    if dates:
        return f" on {_day(dates[0])}" if len(dates) == 1 else f" from {_day(dates[0])} to {_day(dates[-1])}"
    if months:
        return (
            f" in {month_name(months[0])}"
            if len(months) == 1
            else f" from {month_name(months[0])} to {month_name(months[-1])}"
        )
    to = str((period or {}).get("to") or "")
    if len(to) >= 7 and to[:4].isdigit() and to[5:7].isdigit():
        return f" from today through {month_name(to[:4] + to[5:7])}"
    return ""


def _hours(criteria: Criteria) -> str:
    days = set(criteria.days)
    if days == set(WEEKDAYS):
        day = " on weekdays"
    elif days == set(WEEKEND):
        day = " on weekends"
    else:
        names = [dt.date(2024, 1, 1 + DAYS.index(d)).strftime("%A") + "s" for d in criteria.days]
        day = f" on {' or '.join(names)}" if names else ""
    times = " or ".join(_TIMES[t] for t in criteria.times)
    return day + (f" in the {times}" if times else "")


def condition(criteria: Criteria, period: Mapping[str, Any] | None = None) -> str:
    """``Rust meetups in Tokyo in December 2026``: the search as a noun phrase."""
    subject = " or ".join(_TOPICS.get(t, t) for t in (*criteria.topics, *criteria.any_words))
    subject = " ".join(p for p in (subject, *(f"“{w}”" for w in criteria.words)) if p)
    time = time_text(criteria, period if not criteria.include_past else None)
    flavour = {"popular": "popular", "newest": "newly listed"}.get(criteria.sort, "")
    lead = "past" if criteria.include_past else flavour or ("upcoming" if not time else "")
    noun = _KINDS.get(criteria.kind or "", "events")
    words = [lead, "beginner-friendly" if criteria.beginner else "", subject, noun]
    phrase = " ".join(w for w in words if w)
    if criteria.joinable:
        phrase += " with seats left"
    if criteria.places == (ONLINE,):
        phrase += " online"
    elif criteria.places:
        where = places_name(criteria.places)
        phrase += f" in {_AREAS.get(criteria.area, criteria.area)} ({where})" if criteria.area else f" in {where}"
    elif criteria.exclude:
        phrase += f" outside {places_name(criteria.exclude)}"
    return phrase + _hours(criteria) + time
