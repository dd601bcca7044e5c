"""The offline model's Japanese wording: how a search is said, one event's lines, and the answer's sentences.

``writer`` decides what an answer contains; this module (and ``text_en`` for English questions) says it.
The search itself is said by ``phrase_ja.condition``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from agent.models.offline.criteria import Criteria
from agent.models.offline.facts import (
    int_of,
    is_past,
    literal,
    reasons,
    status_label_ja,
    status_of,
)
from agent.models.offline.phrase_ja import condition, time_text
from agent.models.offline.places import place_label

_ORDER = {"date": "開催日の近い順", "popular": "参加者の多い順", "newest": "新着順"}


#: The words of each reason ``facts.reasons`` finds.
_REASONS: dict[str, Callable[[Any], str]] = {
    "past": lambda _: "開催済み",
    "ongoing": lambda _: "開催中",
    "today": lambda _: "本日開催",
    "tomorrow": lambda _: "明日開催",
    "days": lambda days: f"開催まであと{days}日",
    "popular": lambda accepted: f"人気（参加者 {accepted}人）",
    "waitlist": lambda _: "満席ですが補欠登録で参加を待てます",
    "few_left": lambda left: f"残りわずか（あと{left}枠）",
    "plenty": lambda left: f"まだ余裕あり（残り {left}枠）",
    "beginners_welcome": lambda _: "初心者歓迎",
    "beginner_content": lambda _: "初心者向けの内容あり",
    "catch": lambda text: f"「{text}」",
    "online": lambda _: "オンラインなので全国から参加できます",
    "matches": lambda _: "条件にぴったりのイベントです",
}


class Japanese:
    """Japanese sentences for ``writer``."""

    untitled = "（タイトルなし）"
    sample_note = "※ 動作確認用のサンプルデータ（架空のイベント）から検索しています。"
    has_more = "他の候補もあります。「もっと見せて」と送ると続きを表示します。"

    def condition(self, criteria: Criteria, period: Mapping[str, Any] | None = None) -> str:
        """The search as a noun phrase (``period``: the tool's implicit period, said by its ``label``)."""
        label = (period or {}).get("label")
        return condition(criteria, label if isinstance(label, str) else "")

    def date(self, event: Mapping[str, Any]) -> str:
        """The tool's date line, marked when the event is over."""
        return str(event.get("date") or "日時未定") + ("（開催済み）" if is_past(event) else "")

    def place(self, event: Mapping[str, Any]) -> str:
        """Venue (prefecture), or オンライン."""
        if event.get("online"):
            return "オンライン"
        place, prefecture = str(event.get("place") or ""), str(event.get("prefecture") or "")
        place = place or str(event.get("address") or "") or prefecture or "会場未定"
        return literal(f"{place}（{prefecture}）" if prefecture and prefecture not in place else place)

    def capacity(self, event: Mapping[str, Any]) -> str:
        """Participants and capacity, then the status in the tool's words (受付中, 満席（補欠登録可）…)."""
        accepted, limit, waiting = (
            int_of(event.get("accepted")),
            int_of(event.get("limit")),
            int_of(event.get("waiting")),
        )
        if not limit:  # no capacity on connpass (often an advertisement whose sign-up is elsewhere)
            count = f"{accepted}人参加（定員なし）" if accepted else "定員の記載なし"
        else:
            count = f"{accepted}/{limit}人"
        parts = [count, status_label_ja(event)]
        if status_of(event) == "full" and waiting:
            parts.append(f"補欠 {waiting}人")
        return "・".join(parts)

    def reason(self, event: Mapping[str, Any], criteria: Criteria) -> str:
        """Why this event is worth a look, in one line (timing, popularity, seats, who it suits)."""
        return " / ".join(_REASONS[kind](value) for kind, value in reasons(event, criteria))

    def found_all(self, phrase: str, count: int) -> str:
        """Every match fits on this page."""
        return f"{phrase}を {count} 件見つけました。"

    def found_some(self, phrase: str, total: int, criteria: Criteria, shown: int) -> str:
        """More matches than this page shows."""
        order = "新しい順" if criteria.include_past and criteria.sort == "date" else _ORDER.get(criteria.sort, "")
        return f"{phrase}が {total} 件見つかりました。{order}に {shown} 件紹介します。"

    def continued(self, phrase: str, total: int, first: int, last: int) -> str:
        """A later page."""
        return f"{phrase}の続きです（全 {total} 件中 {first}〜{last} 件目）。"

    def all_shown(self, phrase: str, total: int) -> str:
        """A page beyond the last one."""
        return f"{phrase}は、先ほどまでの {total} 件ですべてです。"

    def not_found(self, phrase: str, coverage: str) -> str:
        """Nothing matched."""
        return f"{phrase}は見つかりませんでした。" + (f"（{coverage}）" if coverage else "")

    def relaxed(self, phrase: str, alternative: Mapping[str, Any], count: int, shown: int) -> str:
        """Nothing matched, but a relaxed search (the tool's ``label`` says how) did."""
        label = str(alternative.get("label") or "条件を少しゆるめると").strip()
        text = f"{phrase}は見つかりませんでした。{label} {count} 件見つかりました"
        return text + (f"（開催日の近い順に {shown} 件紹介します）。" if count > shown else "。")

    def coverage(self, total: int, read: int, popular: bool) -> str:
        """What an incomplete read means for the picks (a live source read only the first pages)."""
        text = f"connpass では {total} 件が該当し、そのうち開催日の近い {read} 件から選びました。"
        return text + ("人気順はその中での順位です。" if popular else "")

    def excluded(self, closed: int, full: int) -> str:
        """The matches left out: closed or cancelled, and full ones when the user wanted seats."""
        parts = ([f"受付終了・中止の {closed} 件"] if closed else []) + ([f"満席の {full} 件"] if full else [])
        return f"{'と'.join(parts)}は除きました。" if parts else ""

    def refine_hint(self, criteria: Criteria) -> str:
        """How to narrow or change the search, with follow-ups the offline model understands."""
        has_place = bool(criteria.places or criteria.exclude)
        has_time = bool(criteria.months or criteria.dates or criteria.days or criteria.times)
        if not has_place and not has_time:
            return "場所や時期を指定して絞り込めます（例: 「大阪だと？」「来月は？」「平日夜のは？」）。"
        if not has_place:
            return "場所を指定して絞り込めます（例: 「東京だと？」「オンラインのは？」）。"
        if not has_time:
            return "時期を指定して絞り込めます（例: 「来月は？」「今週末は？」「夜のは？」）。"
        popular = "「人気のは？」" if criteria.sort != "popular" else "「どこでもいいよ」"
        return f"条件を変えて探すこともできます（例: {popular}「いつでもいいよ」）。"

    def broaden(self, criteria: Criteria) -> str:
        """Ideas for a search that found nothing, each with a follow-up the offline model understands."""
        ideas = []
        if criteria.area:
            ideas.append(
                f"エリアを{place_label(criteria.places)}全体に広げる（「{place_label(criteria.places)}だと？」）"
            )
        if criteria.places and criteria.places != ("online",):
            ideas.append("場所を問わずに探す（「どこでもいいよ」）")
            ideas.append("オンライン開催を探す（「オンラインのは？」）")
        elif criteria.places or criteria.exclude:
            ideas.append(
                "会場開催も含めて探す（「どこでもいいよ」）"
                if criteria.places
                else "除いた地域も含めて探す（「どこでもいいよ」）"
            )
        if criteria.months or criteria.dates:
            ideas.append("時期を広げる（「いつでもいいよ」）")
            ideas.append(f"別の時期を探す（{_next_month_example(criteria)}）")
        if criteria.days:
            ideas.append("曜日を問わずに探す（「曜日は問わないよ」）")
        if criteria.times:
            ideas.append("時間帯を問わずに探す（「時間帯は問わないよ」）")
        if criteria.beginner:
            ideas.append("初心者向けに限らずに探す（「初心者向けじゃなくていいよ」）")
        if criteria.kind:
            ideas.append("イベントの種類を問わずに探す（「種類は問わないよ」）")
        if criteria.words or criteria.any_words:
            ideas.append("別の表記で探す（英語名やカタカナ名など）")
        if criteria.include_past:
            ideas.append("これから開催されるイベントを探す（「今後のイベントは？」）")
        if not ideas:
            ideas.append("別の技術やキーワードで探す（例: 「Pythonは？」「生成AIは？」）")
        listed = "\n".join(f"- {idea}" for idea in ideas)
        return f"次のように条件を広げると見つかるかもしれません。\n{listed}"

    def no_more(self, criteria: Criteria, total: int) -> str:
        """「もっと見せて」 when the previous page was already the last one."""
        if total:
            return f"{condition(criteria)}は全 {total} 件で、これですべてです。\n\n{self.refine_hint(criteria)}"
        return f"{condition(criteria)}は見つかっていないため、続きはありません。\n\n{self.refine_hint(criteria)}"

    def any_kind(self, phrase: str) -> str:
        """The offline model dropped the kind of event after nothing matched."""
        return f"{phrase}は見つからなかったため、イベントの種類を問わずに探しました。"

    def widened(self, until: Criteria) -> str:
        """The offline model looked beyond the default window (``until`` names its last month)."""
        return f"今後半年（{time_text(until)}まで）には見つからなかったため、その先 1 年に広げて探しました。"

    def error(self, kind: str, message: Any, retry_after: Any) -> str:
        """The answer when the tool failed: its Japanese message, then what the user can do."""
        if kind == "invalid_arguments" or not isinstance(message, str) or not message.strip():
            message = (
                "イベントの検索条件をうまく扱えませんでした。"
                if kind == "invalid_arguments"
                else ("イベントの検索中にエラーが発生しました。")
            )
        if kind == "rate_limited" and isinstance(retry_after, int | float) and retry_after > 0:
            advice = f"{math.ceil(retry_after)}秒ほど待ってから、もう一度同じ質問を送ってください。"
        elif kind == "unauthorized":
            advice = "設定が直るまでの間は、時間をおいてもう一度お試しください。"
        elif kind == "invalid_arguments":
            advice = "「来月の東京のPythonイベント」のように、技術・場所・時期を言い換えてお試しください。"
        else:
            advice = "少し時間をおいて、もう一度同じ質問を送ってください。"
        return f"{message.strip()}\n\n{advice}"


def _next_month_example(criteria: Criteria) -> str:
    if criteria.months:
        last = max(criteria.months)
        month = int(last[4:]) % 12 + 1 if last.isdigit() and len(last) == 6 else None
        if month:
            return f"「{month}月は？」"
    return "「来月は？」"
