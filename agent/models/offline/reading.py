"""What one question says, word by word: topics, free keywords, kind, places (named or ruled out), period,
recurring days and hours, level, sort and page size. ``intent`` decides what to do with it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from agent.models.offline.lexicon import Hit, normalize, scan
from agent.models.offline.modifiers import Modifiers, parse_modifiers
from agent.models.offline.places import PLACES, area_of
from agent.models.offline.timeexpr import When, parse_when

_PAGE_SIZE = re.compile(r"(\d{1,2})件(?!目)")
#: Right after a word: the user rules it out ("大阪じゃなくて京都", "東京以外", "Python以外で").
_NEGATION = re.compile(
    r"\s*(?:の|で|は|が)?\s*(?:じゃなくて|じゃなく|じゃない|ではなくて|ではなく|ではない|でなくて|でなく|以外|を除いて|"
    r"を除いた|を除く|は除いて|は除く|を外して|は外して)"
)
#: Between places ruled out together ("東京と大阪以外", "東京・大阪を除く").
_LIST = re.compile(r"\s*(?:と|や|、|,|・|/|か|and|or)\s*")
#: Right before a word, in English: the user rules it out ("outside Tokyo", "except Osaka").
_NEGATION_BEFORE = re.compile(
    r"(?:outside(?: of)?|except(?: for| in)?|not in|other than|excluding|besides|apart from|anywhere but)\s+$"
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
    "study", "session", "sessions", "hi", "hello", "thanks", "thank", "than", "other", "outside", "except",
    "excluding", "besides", "apart", "but", "only", "just", "ones", "one", "happening", "going", "place", "places",
    "attend", "join", "go", "more", "fine", "anywhere", "kind", "time", "day", "whenever", "also", "too", "else",
    "maybe", "around", "area", "city", "people", "friendly", "level", "type", "types", "list", "so", "then",
    "s", "that", "these", "those", "im", "what's", "whats", "meet", "up", "lot", "lots", "much", "very", "great",
    "cool", "nice", "awesome", "perfect", "see", "again", "sorry", "really", "bye", "morning", "evening",
    "others", "another",
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
class Reading:
    """Everything recognised in one question.

    Attributes:
        topics: Lexicon topic names; words: unknown words searched as typed; kind: a lexicon kind name.
        places: Prefecture slugs named (ORed); area: the one city or district word named (梅田), if any.
        when: The period; modifiers: days, hours, level and seats.
        sort: A sort the user asked for; generic: a word like 「イベント」 or 「勉強会」 appeared.
        page_size: Events per page the user asked for.
        negated: Categories of words the user ruled out ("東京以外" → {"place"}).
        dropped: The topics and place slugs ruled out; excluded: the place slugs alone, in the order named.
        added: Categories the user adds to rather than replaces ("大阪も" → {"place"}).
    """

    topics: tuple[str, ...]
    words: tuple[str, ...]
    kind: str | None
    places: tuple[str, ...]
    when: When | None
    sort: str | None
    generic: bool
    page_size: int | None
    negated: frozenset[str]
    modifiers: Modifiers = field(default_factory=Modifiers)
    area: str | None = None
    dropped: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    excluded: tuple[str, ...] = ()


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


def _ruled_out(text: str, hits: list[Hit]) -> list[Hit]:
    """The hits the user rules out; places listed together share the negation (「東京と大阪以外」)."""
    out: list[Hit] = []
    for i, hit in enumerate(hits):
        if hit.category not in ("topic", "kind", "place"):
            continue
        if _NEGATION.match(text, hit.end) or _NEGATION_BEFORE.search(text[: hit.start]):
            out.append(hit)
            j = i
            while hit.category == "place" and j > 0 and hits[j - 1].category == "place":
                if not _LIST.fullmatch(text, hits[j - 1].end, hits[j].start):
                    break
                out.append(hits[j - 1])
                j -= 1
    return out


def read(question: str, now: dt.datetime) -> Reading:
    """Read ``question`` (as typed) with relative dates computed from ``now`` (JST-aware)."""
    original = unicodedata.normalize("NFKC", question)
    text = normalize(question)
    when, spans = parse_when(text, now)
    modifiers, modifier_spans = parse_modifiers(text)
    spans = spans + modifier_spans
    scanned: list[Hit] = scan(_mask(text, spans))
    masked = _mask(text, spans + [(h.start, h.end) for h in scanned])
    sealed = _mask(text, spans + [(h.start, h.end) for h in scanned if h.category != "generic"], "\0")
    sealed = _mask(sealed, [(h.start, h.end) for h in scanned if h.category == "generic"], "\x01")
    ruled_out = _ruled_out(text, scanned)
    hits = [h for h in scanned if h not in ruled_out]
    words = _unknown_words(original, masked)
    ends = [(h.category, h.end) for h in hits] + [("topic", end) for _, end in words]
    added = frozenset(c for c, end in ends if c in ("topic", "place") and _ADDITION.match(sealed, end))
    kinds = [h.value for h in hits if h.category == "kind"]
    place_hits = [PLACES[h.value] for h in hits if h.category == "place"]
    sorts = [h.value for h in hits if h.category == "sort"]
    size = _PAGE_SIZE.search(text)
    page_size = max(1, min(10, int(size.group(1)))) if size else (10 if re.search(r"全部|すべて|全て", text) else None)
    return Reading(
        topics=tuple(dict.fromkeys(h.value for h in hits if h.category == "topic")),
        words=tuple(word for word, _ in words),
        kind=kinds[0] if kinds else None,
        places=tuple(dict.fromkeys(s for p in place_hits for s in p.slugs)),
        when=when,
        sort=sorts[-1] if sorts else None,
        generic=any(h.category == "generic" for h in hits),
        page_size=page_size,
        negated=frozenset(h.category for h in ruled_out),
        modifiers=modifiers,
        area=area_of(place_hits),
        dropped=frozenset(v for h in ruled_out for v in _values(h)),
        added=added,
        excluded=tuple(
            dict.fromkeys(
                s
                for h in sorted(ruled_out, key=lambda h: h.start)
                if h.category == "place"
                for s in PLACES[h.value].slugs
            )
        ),
    )
