"""Conditions beyond topic, place and period: days of the week, time of day, beginner-friendly, seats left.

They map to the tool's ``days_of_week``, ``time_of_day``, ``beginner`` and ``joinable_only`` arguments. Specific
days stay with ``timeexpr`` (今週末 → this weekend's dates, 来週の金曜 → one date); this module reads the
recurring ones (平日, 週末, 土日, 水曜, 夜, 午後 …), which also narrow a period ("来週の平日夜", "12月の土曜").
「参加できる」 and 「席がある」 ask for events one can still join (no full ones).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMES = ("morning", "afternoon", "evening")
WEEKDAYS = DAYS[:5]
WEEKEND = DAYS[5:]

_KANJI_DAYS = "月火水木金土日"
_EN_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True)
class Modifiers:
    """What one question says about days, hours, level and seats.

    Attributes:
        days: Days of the week (``mon`` … ``sun``), in week order.
        times: Parts of the day (``morning``, ``afternoon``, ``evening``), in day order.
        beginner: The user wants beginner-friendly events.
        joinable: The user wants events with seats left.
        any_day: The user lifts a previous day condition (曜日は問わない).
        any_time: The user lifts a previous time-of-day condition (時間帯は問わない).
        not_beginner: The user lifts a previous beginner condition (初心者向けじゃなくていい).
    """

    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    beginner: bool = False
    joinable: bool = False
    any_day: bool = False
    any_time: bool = False
    not_beginner: bool = False

    def __bool__(self) -> bool:
        return any((self.days, self.times, self.beginner, self.joinable, self.any_day, self.any_time,
                    self.not_beginner))  # fmt: skip


_BEGINNER_WORDS = (
    r"初心者|初学者|入門|初めて|はじめて|未経験|ビギナー|初級|(?<![a-z])(?:beginners?|newbies?|introductory|"
    r"intro to|entry[- ]level)(?![a-z])"
)
_NOT_BEGINNER = re.compile(
    rf"(?:{_BEGINNER_WORDS})\s*(?:向け|用|歓迎)?\s*(?:じゃなく|でなく|ではなく|以外|は問わ|にこだわら|でなくて)"
)

#: (pattern, days, times): most specific first; each match is blanked so shorter patterns do not read it again.
_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (r"平日|ウィークデー|(?<![a-z])weekdays?(?![a-z])", WEEKDAYS, ()),
    (r"土日祝|土・日|土日|(?<![今来])(?<!この)週末|休日|休みの日|(?<![a-z])weekends(?![a-z])|"
     r"on (?:the )?weekends?", WEEKEND, ()),
    (r"日中|昼間|(?<![a-z])daytime(?![a-z])", (), ("morning", "afternoon")),
    (r"今夜|今晩|夜|夕方|夕刻|晩|ナイト|仕事(?:終わり|帰り|の後)|定時後|退勤後|アフター(?:5|ファイブ)|"
     r"(?<!\d)(?:1[89]|2[0-3])時(?:以降|から|すぎ|過ぎ|頃|ごろ)?|(?<![a-z])(?:evenings?|nights?|tonight)(?![a-z])|"
     r"after work", (), ("evening",)),
    (r"午後|昼|ランチタイム|(?<![a-z])afternoons?(?![a-z])", (), ("afternoon",)),
    (r"午前|朝|モーニング|(?<![a-z])mornings?(?![a-z])", (), ("morning",)),
)  # fmt: skip
_COMPILED = tuple((re.compile(pattern), days, times) for pattern, days, times in _RULES)
#: 「水曜」「毎週水曜」, but not 「来週の水曜」「次の水曜」 (one day: ``timeexpr``).
_WEEKDAY = re.compile(
    r"(?:毎週\s*の?\s*|(?<!週)(?<!週の)(?<!次)(?<!次の)(?<!今度)(?<!今度の))([月火水木金土日])曜(?:日)?"
)
_EN_DAY = re.compile(r"(?<![a-z])(" + "|".join(_EN_DAYS) + r")s?(?![a-z])")
_JOINABLE = re.compile(
    r"空き|空いて|残席|席が(?:ある|残って|あいて)|満席(?:じゃない|でない|ではない|以外|を除|は除|は外)|申し込める|"
    r"申込める|申し込みできる|申込できる|申込可能|申し込み可能|まだ間に合う|参加可能|参加でき|"
    r"(?<![a-z])seats? (?:left|available)|"
    r"not full|can (?:still )?(?:join|register|sign up)"
)
_ANY_DAY = re.compile(r"曜日は問わ|曜日問わず|何曜日でも|曜日はいつでも|曜日の?指定なし|any day")
_ANY_TIME = re.compile(r"時間帯?は問わ|時間帯?問わず|何時でも|時間帯?の?指定なし|any time of day")


def parse_modifiers(text: str) -> tuple[Modifiers, list[tuple[int, int]]]:
    """The modifiers in ``text`` (normalised: NFKC, lower case) and the spans they were read from.

    Args:
        text: The question, normalised.

    Returns:
        What was read, and where (so the caller does not read those words again as keywords).
    """
    spans: list[tuple[int, int]] = []
    masked = text
    days: set[str] = set()
    times: set[str] = set()

    def take(match: re.Match[str]) -> str:
        spans.append(match.span())
        return " " * len(match.group(0))

    not_beginner = bool(_NOT_BEGINNER.search(masked))
    masked = _NOT_BEGINNER.sub(take, masked)
    beginner = bool(re.search(_BEGINNER_WORDS, masked))
    masked = re.sub(rf"(?:{_BEGINNER_WORDS})\s*(?:向け|用|歓迎|の方)?", take, masked)
    for pattern in (_ANY_DAY, _ANY_TIME, _JOINABLE):
        masked = pattern.sub(take, masked)
    for match in _WEEKDAY.finditer(masked):
        days.add(DAYS[_KANJI_DAYS.index(match.group(1))])
    masked = _WEEKDAY.sub(take, masked)
    for match in _EN_DAY.finditer(masked):
        days.add(DAYS[_EN_DAYS.index(match.group(1))])
    masked = _EN_DAY.sub(take, masked)
    for pattern, rule_days, rule_times in _COMPILED:
        if pattern.search(masked):
            days.update(rule_days)
            times.update(rule_times)
            masked = pattern.sub(take, masked)
    modifiers = Modifiers(
        days=tuple(d for d in DAYS if d in days),
        times=tuple(t for t in TIMES if t in times),
        beginner=beginner and not not_beginner,
        joinable=bool(_JOINABLE.search(text)),
        any_day=bool(_ANY_DAY.search(text)),
        any_time=bool(_ANY_TIME.search(text)),
        not_beginner=not_beginner,
    )
    return modifiers, spans
