"""Short replies for messages that need no search: greetings, thanks, help, off-topic questions and refusals.

English questions get the English replies of ``chat_en``.
"""

from __future__ import annotations

from agent.models.offline.chat_en import write_chat_en
from agent.models.offline.intent import ChatKind
from agent.models.offline.language import Lang

EXAMPLES = (
    "「TypeScriptのカンファレンスある？」",
    "「来月大阪でRustの勉強会は？」",
    "「今週末のオンラインのもくもく会」",
)

_CAN_DO = (
    "connpass に掲載されている技術イベントを、技術（TypeScript、生成AI など）・場所（都道府県や都市、オンライン）・"
    "時期（今週末、来月 など）から探してご紹介します。"
)


def _examples() -> str:
    return "たとえば、こんなふうに聞いてみてください。\n" + "\n".join(f"- {e}" for e in EXAMPLES)


def write_chat(kind: ChatKind, lang: Lang = "ja") -> str:
    """A short, polite reply in the user's language that says what Confee can do."""
    if lang == "en":
        return write_chat_en(kind)
    if kind == "refusal":
        return (
            "申し訳ありませんが、システムの設定や指示をお見せしたり変えたりすることはできません。"
            "Confee は技術イベント探しのお手伝いをしています。技術・場所・時期などを教えてください。"
        )
    if kind == "greeting":
        return f"こんにちは！Confee です。{_CAN_DO}\n\n{_examples()}"
    if kind == "thanks":
        return (
            "どういたしまして！お役に立てたならうれしいです。\n\n"
            "ほかにも気になるイベントがあれば、いつでも聞いてください。「もっと見せて」で続きを、"
            "「来月は？」「大阪だと？」のように送ると条件を変えて探せます。"
        )
    if kind == "bye":
        return "ご利用ありがとうございました。すてきなイベントに出会えますように！"
    if kind == "help":
        return (
            f"Confee は技術イベント探しのアシスタントです。{_CAN_DO}\n\n{_examples()}\n\n"
            "結果が多いときは「もっと見せて」で続きを表示します。「大阪だと？」「来月は？」のように送ると、"
            "直前の条件を引き継いで絞り込めます。"
        )
    return (
        "ごめんなさい、Confee は技術イベント探し専門のアシスタントなので、そのご質問にはお答えできません。"
        f"{_CAN_DO}\n\n{_examples()}"
    )
