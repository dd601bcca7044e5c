"""Event cards: what a person scans for, escaped so agent-provided text cannot inject Markdown."""

from __future__ import annotations

from confee_ui.cards import capacity_text, card_markdown, cards_heading, place_text

EVENT = {
    "id": 101,
    "title": "TypeScript Conference 2026",
    "url": "https://sample-connpass.example/event/101/",
    "started_at": "2026-12-05T13:00:00+09:00",
    "ended_at": "2026-12-05T18:00:00+09:00",
    "date": "2026年12月5日(土) 13:00〜18:00",
    "place": "渋谷ホール",
    "address": "東京都渋谷区",
    "prefecture": "東京都",
    "online": False,
    "accepted": 45,
    "limit": 50,
    "waiting": 0,
    "open_status": "open",
    "catch": "型の話をしよう",
}


def test_card_has_linked_title_date_place_and_capacity() -> None:
    card = card_markdown(EVENT)
    heading, details = card.split("  \n")
    assert heading == "**[TypeScript Conference 2026](https://sample-connpass.example/event/101/)**"
    assert "2026年12月5日(土) 13\\:00〜18\\:00" in details
    assert "渋谷ホール（東京都）" in details
    assert "参加 45/50人" in details
    assert "募集中" not in card  # the normal case stays quiet


def test_card_names_the_community_when_the_agent_sends_one_escaped() -> None:
    assert card_markdown({**EVENT, "group": "TS *Tokyo* [会]"}).endswith("・ 主催 TS \\*Tokyo\\* \\[会\\]")
    assert "主催" not in card_markdown(EVENT)
    assert "主催" not in card_markdown({**EVENT, "group": "  "})


def test_card_escapes_title_and_refuses_non_http_urls() -> None:
    card = card_markdown({**EVENT, "title": "[罠](javascript:alert(1)) $x$ :red[赤]", "url": "javascript:alert(1)"})
    assert "(javascript" not in card.replace("\\](javascript", "")  # only the escaped, inert form remains
    assert card.startswith("**\\[罠\\](javascript\\:alert(1)) \\$x\\$ \\:red\\[赤\\]**")


def test_card_flags_events_one_cannot_simply_join_in_the_agents_words() -> None:
    heading = lambda event: card_markdown(event).split("  \n")[0]  # noqa: E731
    assert heading({**EVENT, "status": "full", "status_label": "満席（補欠登録可）"}).endswith("— 満席（補欠登録可）")
    assert "—" not in heading({**EVENT, "status": "open", "status_label": "受付中"})
    # Replies from agents without status_label still get the same words.
    assert heading({**EVENT, "open_status": "close"}).endswith("— 受付終了")
    assert heading({**EVENT, "open_status": "preopen"}).endswith("— 募集開始前")


def test_capacity_text_variants() -> None:
    assert capacity_text({"accepted": 50, "limit": 50, "waiting": 7}) == "参加 50/50人（満席）・補欠 7人"
    assert capacity_text({"accepted": 12, "limit": 0}) == "参加 12人（定員なし）"
    assert capacity_text({"accepted": 3, "limit": None}) == "参加 3人（定員なし）"
    assert capacity_text({}) == "参加人数不明"
    assert capacity_text({"accepted": True, "limit": -1}) == "参加人数不明"


def test_place_text_variants() -> None:
    assert place_text({"online": True, "place": "オンライン", "prefecture": "オンライン"}) == "オンライン"
    assert place_text({"online": True, "place": "Zoom", "prefecture": "オンライン"}) == "オンライン（Zoom）"
    assert place_text({"place": "大阪府立会館", "prefecture": "大阪府"}) == "大阪府立会館"
    assert place_text({"place": "", "prefecture": "福岡県"}) == "福岡県"
    assert place_text({}) == "会場未定"


def test_cards_heading_counts_events() -> None:
    assert cards_heading([EVENT, EVENT]) == "紹介したイベント（2件）"
