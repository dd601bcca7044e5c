"""Markdown answers from ``search_connpass`` results, in the format the Bedrock prompt asks for.

One intro line, one page of events (five unless the user asked for more; title link, 📅 date, 📍 place,
👥 capacity, 💡 one-line reason), then how to see more or refine. Zero results suggest broader searches the
offline model itself understands; tool errors pass on the tool's Japanese message with what to do next.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from agent.models.offline.criteria import Criteria, place_text, subject_label, time_text

#: The tool's largest page. A page is shown whole ("10件見せて"): an event cut from it could never be seen.
MAX_EVENTS = 10
CATCH_CHARS = 40

_ORDER = {"date": "開催日の近い順", "popular": "参加者の多い順", "newest": "新着順"}
_BEGINNER = re.compile(r"初心者|入門|はじめて|初めて|ビギナー|未経験")
_SAMPLE_NOTE = "※ 動作確認用のサンプルデータ（架空のイベント）から検索しています。"


def condition(criteria: Criteria, period: str = "") -> str:
    """``2026年12月に大阪府で開催される「Rust」のイベント``: the search, said as a noun phrase.

    ``period`` is the tool's label of the searched period (``今日から5月末まで``), said when the user named no time.
    """
    time, place, subject = time_text(criteria), place_text(criteria), subject_label(criteria)
    past = criteria.include_past
    when = f"{time}に" if time else ("過去に" if past else (f"{period}に" if period else "今後"))
    where = f"{place}で" if place else ""
    flavour = {"popular": "人気の", "newest": "新着の"}.get(criteria.sort, "")
    noun = criteria.kind or "イベント"
    return f"{when}{where}{'開催された' if past else '開催される'}{flavour}{subject + 'の' if subject else ''}{noun}"


def _literal(text: str) -> str:
    """Organiser-written text shown as is: no link, image, emphasis or HTML of its own (tool results are data)."""
    return re.sub(r"([\[\]\\*_`<>])", r"\\\1", text)


def _link(title: str, url: str) -> str:
    text = _literal(title) or "（タイトルなし）"
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text}]({safe_url})" if safe_url.startswith(("https://", "http://")) else text


#: Participants from which an event is called 人気 (a third of that when the user asked for popular ones).
POPULAR_AT = 100


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _capacity(event: Mapping[str, Any]) -> str:
    accepted, limit, waiting = _int(event.get("accepted")), _int(event.get("limit")), _int(event.get("waiting"))
    if not limit:  # no capacity on connpass (often an advertisement whose sign-up is elsewhere)
        return f"{accepted}人参加（定員なし）" if accepted else "定員の記載なし"
    text = f"{accepted}/{limit}人"
    if accepted >= limit:
        text += f"（満席・補欠 {waiting}人）" if waiting else "（満席）"
    elif event.get("open_status") == "preopen":
        text += "（募集開始前）"
    return text


def _place(event: Mapping[str, Any]) -> str:
    if event.get("online"):
        return "オンライン"
    place, prefecture = str(event.get("place") or ""), str(event.get("prefecture") or "")
    place = place or str(event.get("address") or "") or prefecture or "会場未定"
    return _literal(f"{place}（{prefecture}）" if prefecture and prefecture not in place else place)


def is_past(event: Mapping[str, Any]) -> bool:
    """Over already: the tool's ``ended`` flag (an ongoing multi-day event started earlier but is not past)."""
    if isinstance(event.get("ended"), bool):
        return bool(event["ended"])
    days = event.get("days_until")
    return isinstance(days, int) and days < 0


def reason(event: Mapping[str, Any], criteria: Criteria) -> str:
    """Why this event is worth a look, in one line (timing, popularity, seats, who it suits)."""
    bits: list[str] = []
    days = event.get("days_until")
    accepted, limit = _int(event.get("accepted")), _int(event.get("limit"))
    if is_past(event) or criteria.include_past:
        bits.append("開催済み")
    elif isinstance(days, int) and days < 0:
        bits.append("開催中")
    elif days == 0:
        bits.append("本日開催")
    elif days == 1:
        bits.append("明日開催")
    elif isinstance(days, int) and days <= 14:
        bits.append(f"開催まであと{days}日")
    popular = accepted >= POPULAR_AT or (criteria.sort == "popular" and accepted >= POPULAR_AT // 3)
    if popular:
        bits.append(f"人気（参加者 {accepted}人）")
    if limit and not popular and not is_past(event):
        left = limit - accepted
        if left <= 0:
            bits.append("満席ですが補欠登録で参加を待てます")
        elif event.get("open_status") == "preopen":
            bits.append("まもなく募集開始")
        elif left <= max(2, limit // 5):
            bits.append(f"残りわずか（あと{left}枠）")
        elif accepted <= limit * 0.3:
            bits.append(f"まだ余裕あり（残り {left}枠）")
    catch = str(event.get("catch") or "")
    if _BEGINNER.search(catch):
        bits.append("初心者歓迎")
    if len(bits) < 2 and catch:
        short = catch if len(catch) <= CATCH_CHARS else catch[: CATCH_CHARS - 1] + "…"
        bits.append(f"「{_literal(short)}」")
    if not bits:
        bits.append("オンラインなので全国から参加できます" if event.get("online") else "条件にぴったりのイベントです")
    return " / ".join(bits[:3])


def event_block(event: Mapping[str, Any], criteria: Criteria) -> str:
    """One recommendation in the fixed format."""
    date = str(event.get("date") or "日時未定") + ("（開催済み）" if is_past(event) else "")
    return "\n".join(
        [
            f"### {_link(str(event.get('title') or ''), str(event.get('url') or ''))}",
            f"- 📅 {date}",
            f"- 📍 {_place(event)}",
            f"- 👥 {_capacity(event)}",
            f"- 💡 {reason(event, criteria)}",
        ]
    )


def _refine_hint(criteria: Criteria) -> str:
    """How to narrow or change the search, with follow-ups the offline model understands."""
    has_place, has_time = bool(criteria.places), bool(criteria.months or criteria.dates)
    if not has_place and not has_time:
        return "場所や時期を指定して絞り込めます（例: 「大阪だと？」「来月は？」）。"
    if not has_place:
        return "場所を指定して絞り込めます（例: 「東京だと？」「オンラインのは？」）。"
    if not has_time:
        return "時期を指定して絞り込めます（例: 「来月は？」「今週末は？」）。"
    popular = "「人気のは？」" if criteria.sort != "popular" else "「どこでもいいよ」"
    return f"条件を変えて探すこともできます（例: {popular}「いつでもいいよ」）。"


def _next_month_example(criteria: Criteria) -> str:
    if criteria.months:
        last = max(criteria.months)
        month = int(last[4:]) % 12 + 1 if last.isdigit() and len(last) == 6 else None
        if month:
            return f"「{month}月は？」"
    return "「来月は？」"


def _broaden(criteria: Criteria) -> list[str]:
    ideas = []
    if criteria.places and criteria.places != ("online",):
        ideas.append("場所を問わずに探す（「どこでもいいよ」）")
        ideas.append("オンライン開催を探す（「オンラインのは？」）")
    elif criteria.places:
        ideas.append("会場開催も含めて探す（「どこでもいいよ」）")
    if criteria.months or criteria.dates:
        ideas.append("時期を広げる（「いつでもいいよ」）")
        ideas.append(f"別の時期を探す（{_next_month_example(criteria)}）")
    if criteria.kind:
        ideas.append("イベントの種類を問わずに探す（「種類は問わないよ」）")
    if criteria.words or criteria.any_words:
        ideas.append("別の表記で探す（英語名やカタカナ名など）")
    if criteria.include_past:
        ideas.append("これから開催されるイベントを探す（「今後のイベントは？」）")
    if not ideas:
        ideas.append("別の技術やキーワードで探す（例: 「Pythonは？」「生成AIは？」）")
    return ideas


def _period_label(result: Mapping[str, Any]) -> str:
    period = result.get("period")
    if isinstance(period, Mapping) and period.get("implicit") and isinstance(period.get("label"), str):
        return str(period["label"])
    return ""


def _coverage(result: Mapping[str, Any], criteria: Criteria) -> str:
    """What an incomplete read means for the picks (a live source read only the first pages)."""
    if result.get("complete") is not False:
        return ""
    total, read = _int(result.get("total")), _int(result.get("read"))
    text = f"connpass では {total} 件が該当し、そのうち開催日の近い {read} 件から選びました。"
    if criteria.sort == "popular":
        text += "人気順はその中での順位です。"
    return text


def write_results(result: Mapping[str, Any], criteria: Criteria, *, note: str = "") -> str:
    """The answer for a successful search (``result`` is the tool's JSON payload; ``note`` opens it)."""
    events: Sequence[Mapping[str, Any]] = [e for e in result.get("events") or [] if isinstance(e, Mapping)]
    events = list(events)[: min(MAX_EVENTS, max(1, criteria.page_size))]
    matched = result.get("matched")
    total = _int(matched) if isinstance(matched, int) else _int(result.get("total"))
    page = max(1, _int(result.get("page")) or criteria.page)
    size = max(1, criteria.page_size)
    phrase = condition(criteria, _period_label(result))
    coverage = _coverage(result, criteria)
    lines: list[str] = [note] if note else []
    if not events and page > 1:
        lines.append(f"{phrase}は、先ほどまでの {total} 件ですべてです。")
        lines.append(_refine_hint(criteria))
        return "\n\n".join(lines)
    if not events:
        lines.append(f"{phrase}は見つかりませんでした。" + (f"（{coverage}）" if coverage else ""))
        ideas = "\n".join(f"- {idea}" for idea in _broaden(criteria))
        lines.append(f"次のように条件を広げると見つかるかもしれません。\n{ideas}")
        return "\n\n".join(lines)
    if page > 1:
        first = (page - 1) * size + 1
        lines.append(f"{phrase}の続きです（全 {total} 件中 {first}〜{first + len(events) - 1} 件目）。")
    elif total > len(events):
        order = "新しい順" if criteria.include_past and criteria.sort == "date" else _ORDER.get(criteria.sort, "")
        lines.append(f"{phrase}が {total} 件見つかりました。{order}に {len(events)} 件紹介します。")
    else:
        lines.append(f"{phrase}を {total or len(events)} 件見つけました。")
    if coverage and page == 1:
        lines[-1] += coverage
    lines += [event_block(e, criteria) for e in events]
    closing = []
    if result.get("has_more"):
        closing.append("他の候補もあります。「もっと見せて」と送ると続きを表示します。")
    closing.append(_refine_hint(criteria))
    lines.append("".join(closing))
    if result.get("source") == "sample":
        lines.append(_SAMPLE_NOTE)
    return "\n\n".join(lines)


def write_error(error: Mapping[str, Any] | None) -> str:
    """The answer when the tool failed: its Japanese message, then what the user can do."""
    error = error or {}
    kind = str(error.get("kind") or "")
    message = error.get("message")
    if kind == "invalid_arguments" or not isinstance(message, str) or not message.strip():
        message = (
            "イベントの検索条件をうまく扱えませんでした。"
            if kind == "invalid_arguments"
            else ("イベントの検索中にエラーが発生しました。")
        )
    retry_after = error.get("retry_after")
    if kind == "rate_limited" and isinstance(retry_after, int | float) and retry_after > 0:
        advice = f"{math.ceil(retry_after)}秒ほど待ってから、もう一度同じ質問を送ってください。"
    elif kind == "unauthorized":
        advice = "設定が直るまでの間は、時間をおいてもう一度お試しください。"
    elif kind == "invalid_arguments":
        advice = "「来月の東京のPythonイベント」のように、技術・場所・時期を言い換えてお試しください。"
    else:
        advice = "少し時間をおいて、もう一度同じ質問を送ってください。"
    return f"{message.strip()}\n\n{advice}"


def write_no_more(criteria: Criteria, total: int) -> str:
    """「もっと見せて」 when the previous page was already the last one."""
    if total:
        return f"{condition(criteria)}は全 {total} 件で、これですべてです。\n\n{_refine_hint(criteria)}"
    return f"{condition(criteria)}は見つかっていないため、続きはありません。\n\n{_refine_hint(criteria)}"
