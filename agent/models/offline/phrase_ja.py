"""How the offline model says a search in Japanese.

For example ``2026年12月の平日夜に梅田（大阪府）で開催される「Rust」の初心者向けイベント``.
"""

from __future__ import annotations

import datetime as dt

from agent.clock import WEEKDAYS_JA
from agent.models.offline.criteria import Criteria
from agent.models.offline.modifiers import DAYS, WEEKDAYS, WEEKEND
from agent.models.offline.places import place_label

_TIMES = {"morning": "午前", "afternoon": "午後", "evening": "夜"}


def subject_label(criteria: Criteria) -> str:
    """``「TypeScript」`` / ``「React」または「htmx」`` / ``「Rust」「WebAssembly」``; empty without a topic."""
    label = "または".join(f"「{name}」" for name in (*criteria.topics, *criteria.any_words))
    return label + "".join(f"「{word}」" for word in criteria.words)


def place_text(criteria: Criteria) -> str:
    """``大阪府`` / ``梅田（大阪府）`` / ``オンライン`` / ``関西`` / ``東京都以外`` / empty."""
    if criteria.places:
        label = place_label(criteria.places)
        return f"{criteria.area}（{label}）" if criteria.area else label
    return f"{place_label(criteria.exclude)}以外" if criteria.exclude else ""


def _parse_ymd(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _day(day: dt.date, *, year: bool = False) -> str:
    prefix = f"{day.year}年" if year else ""
    return f"{prefix}{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"


def time_text(criteria: Criteria) -> str:
    """``2026年12月`` / ``2026年12月〜2027年2月`` / ``11月28日(土)〜11月29日(日)`` / empty for the default window."""
    if criteria.dates:
        days = sorted(d for d in (_parse_ymd(v) for v in criteria.dates) if d)
        if not days:
            return ""
        if len(days) == 1:
            return _day(days[0])
        weekdays = {d.weekday() for d in days}
        one_month = {(d.year, d.month) for d in days} == {(days[0].year, days[0].month)}
        if len(days) > 2 and weekdays <= {5, 6} and one_month:
            which = "土曜日" if weekdays == {5} else "日曜日" if weekdays == {6} else "土日"
            return f"{days[0].year}年{days[0].month}月の{which}"  # "12月の土日", not a range that reads as every day
        return f"{_day(days[0])}〜{_day(days[-1])}"
    months = sorted(m for m in criteria.months if len(m) == 6 and m.isdigit())
    if not months:
        return ""
    first, last = months[0], months[-1]
    label = f"{int(first[:4])}年{int(first[4:])}月"
    if len(months) == 1:
        return label
    if first[:4] == last[:4] and len(months) == 12:
        return f"{int(first[:4])}年"
    if first[:4] == last[:4]:
        return f"{label}〜{int(last[4:])}月"  # 2027年3月〜5月, not 2027年3月〜2027年5月
    return f"{label}〜{int(last[:4])}年{int(last[4:])}月"


def hours_text(criteria: Criteria) -> str:
    """``平日夜`` / ``土日`` / ``水曜`` / ``午前・午後``: the days and parts of the day asked for."""
    days = set(criteria.days)
    if days == set(WEEKDAYS):
        day = "平日"
    elif days == set(WEEKEND):
        day = "土日"
    else:
        day = "・".join(WEEKDAYS_JA[DAYS.index(d)] for d in criteria.days) + ("曜" if days else "")
    return day + "・".join(_TIMES[t] for t in criteria.times)


def condition(criteria: Criteria, period: str = "") -> str:
    """``2026年12月に大阪府で開催される「Rust」のイベント``: the search, said as a noun phrase.

    ``period`` is the tool's label of the searched period (``今日から5月末まで``), said when the user named no time.
    """
    time, place, subject, hours = (
        time_text(criteria),
        place_text(criteria),
        subject_label(criteria),
        hours_text(criteria),
    )
    past = criteria.include_past
    span = time or ("過去" if past else period)
    when = f"{span or '今後'}の{hours}に" if hours else (f"{span}に" if span else "今後")
    where = f"{place}で" if place else ""
    flavour = {"popular": "人気の", "newest": "新着の"}.get(criteria.sort, "") + (
        "空きのある" if criteria.joinable else ""
    )
    noun = ("初心者向け" if criteria.beginner else "") + (criteria.kind or "イベント")
    return f"{when}{where}{'開催された' if past else '開催される'}{flavour}{subject + 'の' if subject else ''}{noun}"
