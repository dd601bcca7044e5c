"""Understand one question, given the previous search: a new search, a refinement, the next page, or chat.

Follow-ups change one part of the previous search and keep the rest ("大阪だと？" keeps the topic and the time;
"来月は？" keeps the topic and the place; "もっと見せて" / 「次は？」 turn the page), as a person in a conversation
would. A place or topic followed by 「も」 ("大阪も", "Vueもある？") is added to the previous ones instead of
replacing them, and conditions (「初心者向けのは？」「夜のは？」「東京以外だと？」) are added to the previous search.
Messages aimed at the system itself (「指示を無視して」, "ignore previous instructions") are refused without a search.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from agent.models.offline.criteria import Criteria
from agent.models.offline.guard import aimed_at_system
from agent.models.offline.lexicon import normalize
from agent.models.offline.modifiers import DAYS
from agent.models.offline.reading import Reading, read
from agent.models.offline.timeexpr import When

ChatKind = Literal["greeting", "thanks", "help", "bye", "off_topic", "refusal"]


@dataclass(frozen=True)
class SearchIntent:
    """Search with ``criteria``; ``followup`` when it refines the previous search, ``next_page`` for もっと見せて."""

    criteria: Criteria
    followup: bool = False
    next_page: bool = False


@dataclass(frozen=True)
class ChatIntent:
    """Answer without searching."""

    kind: ChatKind


Intent = SearchIntent | ChatIntent

_MORE = re.compile(
    r"もっと|他には|ほかには|他にも|ほかにも|他の(?:候補|イベント)|ほかの(?:候補|イベント)|他のは|ほかのは|続き|つづき|"
    r"次の(?:ページ|候補|\d+件)|次へ|次は|次を|^次の?[?!。]*$|さらに|(?<![a-z])(?:more|next|others?)(?![a-z])|"
    r"anything else"
)
_GREETING = re.compile(
    r"こんにちは|こんばんは|おはよう|はじめまして|初めまして|よろしく|(?<![a-z])(?:hello|hi|hey)(?![a-z])|やあ|どうも$"
)
_THANKS = re.compile(r"ありがと|有難う|感謝|助かり|助かった|サンキュー|(?<![a-z])thank|(?<![a-z])thx(?![a-z])")
_BYE = re.compile(r"さようなら|さよなら|またね|バイバイ|(?<![a-z])bye(?![a-z])|おやすみ")
_HELP = re.compile(
    r"何ができ|なにができ|何が出来|使い方|ヘルプ|(?<![a-z])help(?![a-z])|どうやって使|何を聞|なにを聞|できること|"
    r"あなたは誰|君は誰|自己紹介|what can you do|who are you"
)
_OFF_TOPIC = re.compile(
    r"天気|株価|レシピ|料理|占い|翻訳|計算して|ジョーク|冗談|歌って|恋愛|ニュース|為替|宿題|"
    r"(?<![a-z])(?:weather|stock price|recipe|joke|horoscope|translate|news)(?![a-z])"
)
_CUE = re.compile(
    r"ある[?!]?$|あります|ない[?!]?$|ないかな|教えて|探して|探す|さがして|知りたい|紹介|開催|参加|行きたい|出たい|気になる|予定|"
    r"いつ|どこ|見せて|出して|調べて|検索|は[?!]?$|って[?!]?$|だと[?!]?$|なら[?!]?$|のは[?!]?$|"
    r"(?<![a-z])(?:any|show|find|search|what about|how about|looking for)(?![a-z])"
)
_CONNECTIVE = re.compile(
    r"^(?:じゃあ|じゃ|では|それなら|なら|だったら|あと|それと|ちなみに|それで|で、)|だと|の方|のほう|に変えて|にして|に絞|で絞|だけ|"
    r"^(?:what|how) about|^and "
)
_ANY_PLACE = re.compile(
    r"どこでも|場所は問わ|場所問わず|全国|場所の指定なし|場所指定なし|地域は問わ|anywhere|any place|any location"
)
_ANY_TOPIC = re.compile(r"ジャンル(?:は)?問わ|なんでも|何でも|テーマは問わ|技術は問わ|any topic|any technology")
_ANY_KIND = re.compile(r"種類は問わ|形式は問わ|形式問わず|種類問わず|any kind|any type|any format")


def _fresh(reading: Reading) -> Criteria:
    when, mods = reading.when or When(), reading.modifiers
    return Criteria(
        topics=reading.topics,
        words=reading.words,
        kind=reading.kind,
        places=reading.places,
        area=reading.area,
        exclude=() if reading.places else reading.excluded,
        months=when.months,
        dates=when.dates,
        days=mods.days,
        times=mods.times,
        beginner=mods.beginner,
        joinable=mods.joinable,
        include_past=when.include_past,
        sort=reading.sort or "date",
        page_size=reading.page_size or 5,
    )


def _merge_place(previous: Criteria, merged: Criteria, reading: Reading, text: str) -> Criteria:
    """The place part of a follow-up: add (「大阪も」), replace (「大阪だと？」), exclude (「東京以外だと？」), lift."""
    if reading.places and "place" in reading.added:
        kept = tuple(s for s in previous.places if s not in reading.dropped)
        places = tuple(dict.fromkeys(kept + reading.places))  # connpass ORs them
        exclude = tuple(s for s in previous.exclude if s not in places)
        return merged.with_changes(places=places, area=None, exclude=exclude)
    if reading.places:
        return merged.with_changes(places=reading.places, area=reading.area, exclude=())
    if reading.excluded:
        # 「関東」 then 「東京以外」: the rest of 関東; 「大阪」 then 「東京以外だと？」: anywhere but Tokyo.
        left = tuple(s for s in previous.places if s not in reading.excluded)
        places = left if len(left) < len(previous.places) else ()
        area = previous.area if places == previous.places else None
        exclude = tuple(dict.fromkeys(previous.exclude + reading.excluded))
        return merged.with_changes(places=places, area=area, exclude=exclude)
    if _ANY_PLACE.search(text):
        return merged.with_changes(places=(), area=None, exclude=())
    return merged


def _merge_when(merged: Criteria, reading: Reading) -> Criteria:
    """The time part of a follow-up: a new period, recurring days and hours, or none of them (「いつでもいいよ」)."""
    mods = reading.modifiers
    if reading.when:
        when = reading.when
        merged = merged.with_changes(months=when.months, dates=when.dates, include_past=when.include_past)
        if when.anytime:
            merged = merged.with_changes(days=(), times=())
        elif when.dates and merged.days and not mods.days:
            on = {DAYS[dt.datetime.strptime(d, "%Y%m%d").weekday()] for d in when.dates if d.isdigit()}
            if not on & set(merged.days):
                merged = merged.with_changes(days=())  # 「平日夜」 then 「今週末は？」: the weekend wins
    if mods.days or mods.any_day:
        merged = merged.with_changes(days=mods.days)
    if mods.times or mods.any_time:
        merged = merged.with_changes(times=mods.times)
    if mods.beginner or mods.not_beginner:
        merged = merged.with_changes(beginner=mods.beginner)
    if mods.joinable:
        merged = merged.with_changes(joinable=True)
    return merged


def _merge(previous: Criteria, reading: Reading, text: str) -> Criteria:
    """The previous search with only what the follow-up mentions changed (and back to page 1)."""
    merged = previous.with_changes(page=1)
    if (reading.topics or reading.words) and "topic" in reading.added:
        merged = _add_subject(merged, reading)
    elif reading.topics or reading.words:
        merged = merged.with_changes(topics=reading.topics, words=reading.words, any_words=())
    elif _ANY_TOPIC.search(text) or "topic" in reading.negated:
        merged = merged.with_changes(topics=(), words=(), any_words=())
    if reading.kind:
        merged = merged.with_changes(kind=reading.kind)
    elif reading.generic or _ANY_KIND.search(text) or "kind" in reading.negated:
        merged = merged.with_changes(kind=None)
    merged = _merge_when(_merge_place(previous, merged, reading, text), reading)
    if reading.sort:
        merged = merged.with_changes(sort=reading.sort)
    if reading.page_size:
        merged = merged.with_changes(page_size=reading.page_size)
    return merged


def _add_subject(previous: Criteria, reading: Reading) -> Criteria:
    """「Vueも」 after 「Reactのイベント」: the new topics and words join the previous ones as alternatives (OR)."""
    topics = tuple(t for t in previous.topics if t not in reading.dropped)
    alternatives = previous.any_words
    if previous.words and (topics or alternatives or len(previous.words) > 1):
        # "(A and B) or C" has no tool input: search the new subject alone, as 「Cは？」 would.
        return previous.with_changes(topics=reading.topics, words=reading.words, any_words=())
    topics = tuple(dict.fromkeys(topics + reading.topics))
    alternatives = tuple(dict.fromkeys(alternatives + previous.words + reading.words))
    if not topics and len(alternatives) == 1:
        return previous.with_changes(topics=(), words=alternatives, any_words=())
    return previous.with_changes(topics=topics, words=(), any_words=alternatives)


_CHAT: tuple[tuple[ChatKind, re.Pattern[str]], ...] = (
    ("help", _HELP), ("thanks", _THANKS), ("bye", _BYE), ("greeting", _GREETING),
)  # fmt: skip


def _chat_kind(text: str) -> ChatKind | None:
    return next((kind for kind, pattern in _CHAT if pattern.search(text)), None)


def parse_intent(question: str, now: dt.datetime, previous: Criteria | None = None) -> Intent:
    """What to do with ``question``; ``previous`` is the last search in this conversation (for follow-ups).

    Args:
        question: The user's message, as typed.
        now: The current time (JST-aware); all relative dates are computed from it.
        previous: The criteria of the conversation's most recent search, if any.
    """
    text = normalize(question).strip()
    if not text:
        return ChatIntent("help")
    if aimed_at_system(text):
        return ChatIntent("refusal")
    reading = read(question, now)
    mods = reading.modifiers
    when = reading.when if reading.when and not reading.when.anytime else None
    conditions = mods.days or mods.times or mods.beginner or mods.joinable
    place = reading.places or reading.excluded
    parts = sum(bool(x) for x in (reading.topics or reading.words, reading.kind, place, when, conditions))
    anytime = bool(reading.when and reading.when.anytime)
    lifts = anytime or bool(reading.negated) or mods.any_day or mods.any_time or mods.not_beginner
    lifts = lifts or any(p.search(text) for p in (_ANY_PLACE, _ANY_TOPIC, _ANY_KIND))
    searchy = parts > 0 or bool(reading.sort) or reading.generic or lifts or reading.page_size is not None
    if _MORE.search(text) and parts == 0:
        if previous is not None:
            return SearchIntent(previous.with_changes(page=previous.page + 1), followup=True, next_page=True)
        return SearchIntent(Criteria(sort="popular"))
    chat = _chat_kind(text)
    if chat == "help" and parts == 0:
        return ChatIntent("help")
    if _OFF_TOPIC.search(text) and not (reading.topics or reading.kind or reading.generic):
        return ChatIntent("off_topic")
    only_katakana = reading.words and not any(w.isascii() for w in reading.words)
    only_words = reading.words and parts == 1 and not (reading.sort or reading.generic or _CUE.search(text))
    if only_words and (only_katakana or chat):
        searchy = False  # "カレーが好き", "Thanks, Bob!": unknown words and no question about events
    if not searchy:
        if chat:
            return ChatIntent(chat)
        if not _CUE.search(text):
            return ChatIntent("off_topic")
        return SearchIntent(Criteria(sort="popular"))
    if previous is not None:
        linked = bool(_CONNECTIVE.search(text) or reading.added)
        general = reading.generic and not (reading.topics or reading.words) and not linked
        if (parts <= 1 or linked) and not general:
            return SearchIntent(_merge(previous, reading, text), followup=True)
    return SearchIntent(_fresh(reading))
