"""Understand one Japanese question, given the previous search: a new search, a refinement, the next page, or chat.

Follow-ups change one part of the previous search and keep the rest ("大阪だと？" keeps the topic and the time;
"来月は？" keeps the topic and the place; "もっと見せて" turns the page), as a person in a conversation would.
A place or topic followed by 「も」 ("大阪も", "Vueもある？") is added to the previous ones instead of replacing them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from agent.models.offline.criteria import Criteria
from agent.models.offline.lexicon import Hit, normalize, scan
from agent.models.offline.places import PLACES
from agent.models.offline.timeexpr import When, parse_when

ChatKind = Literal["greeting", "thanks", "help", "bye", "off_topic"]


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
    r"もっと|他には|ほかには|他にも|ほかにも|他の(?:候補|イベント)|ほかの(?:候補|イベント)|続き|つづき|次の(?:ページ|候補|\d+件)|"
    r"次へ|さらに|(?<![a-z])(?:more|next)(?![a-z])"
)
_GREETING = re.compile(
    r"こんにちは|こんばんは|おはよう|はじめまして|初めまして|よろしく|(?<![a-z])(?:hello|hi|hey)(?![a-z])|やあ|どうも$"
)
_THANKS = re.compile(r"ありがと|有難う|感謝|助かり|助かった|サンキュー|(?<![a-z])thank|(?<![a-z])thx(?![a-z])")
_BYE = re.compile(r"さようなら|さよなら|またね|バイバイ|(?<![a-z])bye(?![a-z])|おやすみ")
_HELP = re.compile(
    r"何ができ|なにができ|何が出来|使い方|ヘルプ|(?<![a-z])help(?![a-z])|どうやって使|何を聞|なにを聞|できること|"
    r"あなたは誰|君は誰|自己紹介"
)
_OFF_TOPIC = re.compile(r"天気|株価|レシピ|料理|占い|翻訳|計算して|ジョーク|冗談|歌って|恋愛|ニュース|為替|宿題")
_CUE = re.compile(
    r"ある[?!]?$|あります|ない[?!]?$|ないかな|教えて|探して|探す|さがして|知りたい|紹介|開催|参加|行きたい|出たい|気になる|予定|"
    r"いつ|どこ|見せて|出して|調べて|検索|は[?!]?$|って[?!]?$|だと[?!]?$|なら[?!]?$|のは[?!]?$"
)
_CONNECTIVE = re.compile(
    r"^(?:じゃあ|じゃ|では|それなら|なら|だったら|あと|それと|ちなみに|それで|で、)|だと|の方|のほう|に変えて|にして|に絞|で絞|だけ"
)
_ANY_PLACE = re.compile(r"どこでも|場所は問わ|場所問わず|全国|場所の指定なし|場所指定なし|地域は問わ")
_ANY_TOPIC = re.compile(r"ジャンル(?:は)?問わ|なんでも|何でも|テーマは問わ|技術は問わ")
_ANY_KIND = re.compile(r"種類は問わ|形式は問わ|形式問わず|種類問わず")
_PAGE_SIZE = re.compile(r"(\d{1,2})件(?!目)")
#: Right after a word: the user rules it out ("大阪じゃなくて京都", "東京以外", "Python以外で").
_NEGATION = re.compile(
    r"\s*(?:の|で|は|が)?\s*(?:じゃなくて|じゃなく|ではなくて|ではなく|でなくて|でなく|以外|を除いて|を除く|は除いて)"
)
#: Right after a place or topic (in text where other words are sealed, \x01 marking 「イベント」-like words): the
#: user adds it to the previous search ("大阪も", "Vueも見たい", "オンラインでも", "大阪のイベントも").
_ADDITION = re.compile(r"[ \t]*(?:で|の|とか|や)?[ \t]*(?:\x01+[ \t]*)?も(?!っと|う)")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9+#]*(?:[.\-][A-Za-z0-9+#]+)*")
_KATAKANA_WORD = re.compile(r"[ァ-ヺー]{3,}")
_ASCII_STOP = frozenset((
    "a", "an", "the", "in", "on", "at", "of", "for", "and", "or", "to", "is", "are", "be", "any", "all",
    "event", "events", "it", "its", "i", "me", "my", "you", "we", "show", "find", "search", "tell", "please",
    "pls", "ok", "okay", "what", "where", "when", "how", "about", "with", "from", "near", "tech", "web", "dev",
    "app", "apps", "japan", "japanese", "new", "old", "next", "this", "last", "month", "months", "week", "weeks",
    "weekend", "today", "tonight", "tomorrow", "year", "upcoming", "soon", "there", "some", "anything", "something",
    "good", "interesting", "recommend", "recommended", "looking", "want", "like", "know", "held", "do", "does",
    "have", "has", "can", "could", "would", "will", "get", "let", "which", "who", "by", "not", "no", "yes", "am",
    "study", "session", "sessions", "hi", "hello", "thanks", "thank",
))  # fmt: skip
_KATAKANA_STOP = frozenset((
    "エンジニア", "オフライン", "リアル", "ハイブリッド", "ジャンル", "テーマ", "スケジュール", "サイト",
    "ページ", "リンク", "ランキング", "トピック", "テック", "コミュニティ", "ビギナー", "レベル", "スキル",
    "アウトプット", "インプット", "ネットワーキング", "キャッチアップ", "トレンド", "アドバイス", "チーム",
    "ボランティア", "スタッフ", "スポンサー", "スピーカー", "プレゼン", "カジュアル", "フリー", "メンバー",
    "エリア", "ユーザー", "グループ", "コンテンツ", "サービス", "イベント", "プログラミング", "プログラマー",
    "デベロッパー", "ノート", "パソコン", "スマホ", "ランチ", "ディナー",
))  # fmt: skip


@dataclass(frozen=True)
class _Reading:
    """Everything recognised in one question."""

    topics: tuple[str, ...]
    words: tuple[str, ...]
    kind: str | None
    places: tuple[str, ...]
    when: When | None
    sort: str | None
    generic: bool
    page_size: int | None
    negated: frozenset[str]  # categories of words the user ruled out ("東京以外" → {"place"})
    dropped: frozenset[str] = frozenset()  # the topics and place slugs ruled out
    added: frozenset[str] = frozenset()  # categories the user adds to rather than replaces ("大阪も" → {"place"})


def _mask(text: str, spans: list[tuple[int, int]], fill: str = " ") -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = fill * (end - start)
    return "".join(chars)


def _unknown_words(original: str, masked: str) -> list[tuple[str, int]]:
    """Names we do not list (``htmx``, ``スマートコントラクト``) are searched as typed; each with where it ends."""
    source = original if len(original) == len(masked) else masked
    words: dict[str, int] = {}
    for pattern, stop in ((_ASCII_WORD, _ASCII_STOP), (_KATAKANA_WORD, _KATAKANA_STOP)):
        for match in pattern.finditer(masked):
            word = source[match.start() : match.end()]
            if len(word) >= 2 and word.lower() not in stop and word not in words:
                words[word] = match.end()
    return list(words.items())


def _values(hit: Hit) -> tuple[str, ...]:
    """What a hit stands for in ``Criteria``: a place's slugs, else its name."""
    return PLACES[hit.value].slugs if hit.category == "place" else (hit.value,)


def _read(question: str, now: dt.datetime) -> _Reading:
    original = unicodedata.normalize("NFKC", question)
    text = normalize(question)
    when, spans = parse_when(text, now)
    scanned: list[Hit] = scan(_mask(text, spans))
    masked = _mask(text, spans + [(h.start, h.end) for h in scanned])
    sealed = _mask(text, spans + [(h.start, h.end) for h in scanned if h.category != "generic"], "\0")
    sealed = _mask(sealed, [(h.start, h.end) for h in scanned if h.category == "generic"], "\x01")
    ruled_out = [h for h in scanned if h.category in ("topic", "kind", "place") and _NEGATION.match(text, h.end)]
    hits = [h for h in scanned if h not in ruled_out]
    words = _unknown_words(original, masked)
    ends = [(h.category, h.end) for h in hits] + [("topic", end) for _, end in words]
    added = frozenset(c for c, end in ends if c in ("topic", "place") and _ADDITION.match(sealed, end))
    topics = tuple(dict.fromkeys(h.value for h in hits if h.category == "topic"))
    kinds = [h.value for h in hits if h.category == "kind"]
    places = tuple(dict.fromkeys(s for h in hits if h.category == "place" for s in PLACES[h.value].slugs))
    sorts = [h.value for h in hits if h.category == "sort"]
    size = _PAGE_SIZE.search(text)
    page_size = max(1, min(10, int(size.group(1)))) if size else (10 if re.search(r"全部|すべて|全て", text) else None)
    return _Reading(
        topics=topics,
        words=tuple(word for word, _ in words),
        kind=kinds[0] if kinds else None,
        places=places,
        when=when,
        sort=sorts[-1] if sorts else None,
        generic=any(h.category == "generic" for h in hits),
        page_size=page_size,
        negated=frozenset(h.category for h in ruled_out),
        dropped=frozenset(v for h in ruled_out for v in _values(h)),
        added=added,
    )


def _fresh(reading: _Reading) -> Criteria:
    when = reading.when or When()
    return Criteria(
        topics=reading.topics,
        words=reading.words,
        kind=reading.kind,
        places=reading.places,
        months=when.months,
        dates=when.dates,
        include_past=when.include_past,
        sort=reading.sort or "date",
        page_size=reading.page_size or 5,
    )


def _merge(previous: Criteria, reading: _Reading, text: str) -> Criteria:
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
    if reading.places and "place" in reading.added:
        kept = tuple(s for s in previous.places if s not in reading.dropped)
        merged = merged.with_changes(places=tuple(dict.fromkeys(kept + reading.places)))  # connpass ORs them
    elif reading.places:
        merged = merged.with_changes(places=reading.places)
    elif _ANY_PLACE.search(text) or "place" in reading.negated:
        merged = merged.with_changes(places=())
    if reading.when:
        when = reading.when
        merged = merged.with_changes(months=when.months, dates=when.dates, include_past=when.include_past)
    if reading.sort:
        merged = merged.with_changes(sort=reading.sort)
    if reading.page_size:
        merged = merged.with_changes(page_size=reading.page_size)
    return merged


def _add_subject(previous: Criteria, reading: _Reading) -> Criteria:
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
    reading = _read(question, now)
    when = reading.when if reading.when and not reading.when.anytime else None
    parts = sum(bool(x) for x in (reading.topics or reading.words, reading.kind, reading.places, when))
    anytime = bool(reading.when and reading.when.anytime)
    lifts = anytime or bool(reading.negated) or any(p.search(text) for p in (_ANY_PLACE, _ANY_TOPIC, _ANY_KIND))
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
    if parts == 1 and only_katakana and not (reading.sort or reading.generic or _CUE.search(text)):
        searchy = False  # "カレーが好き": an unknown word and no question about events
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
