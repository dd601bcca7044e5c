"""Messages aimed at the system rather than at finding events: prompt extraction, "ignore your instructions",
role-play and jailbreak phrasing. They get a short polite refusal and no search.

Questions that merely mention such words as a topic (「プロンプトエンジニアリングの勉強会」) are not refused.
"""

from __future__ import annotations

import re
import unicodedata

_JA = (
    # "ignore / forget / reset the instructions (so far)"
    r"(?:指示|命令|ルール|設定|制約|制限|プロンプト).{0,6}(?:無視|忘れ|破棄|リセット|解除|上書き)",
    # "show / repeat the (system) prompt, your instructions, settings or rules"
    r"(?:システム\s*プロンプト|プロンプト(?!エンジニア)|(?:あなた|君|お前|内部|最初|元|初期|隠された)の?.{0,12}"
    r"(?:指示|命令|設定|ルール|プロンプト)|初期設定|設定内容).{0,16}"
    r"(?:教え|表示|見せ|出力|開示|公開|書き出|書いて|貼|言って|答え|晒|繰り返|復唱)",
    r"システム\s*プロンプト(?!エンジニア)",
    # role-play, jailbreaks, and using the tool for something else
    r"(?:として|になりきって|のふりをして|のフリをして)(?:振る舞|ふるま|答え|話|演じ|ロールプレイ)|ロールプレイ(?:して|しよう|を|で)|"
    r"を演じて|なりきって|開発者モード|デベロッパーモード|脱獄|ジェイルブレイク|制限(?:を|の)?(?:解除|外し|なし|無し|のない)|"
    r"今から(?:あなた|君|お前)は|search_connpass|ツールを.{0,12}(?:\d+|百|千|何)回",
)
_EN = (
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|prompts?|guidelines|directions)\b",
    r"\bsystem\s*prompt\b",
    r"\b(?:reveal|show|print|repeat|tell|output|display|give)\b.{0,30}\b(?:your|the|initial|hidden|original)\s+"
    r"(?:prompt|instructions?|rules|guidelines)\b",
    r"\b(?:jailbreak|jailbroken|dan mode|developer mode|do anything now)\b",
    r"\b(?:pretend|act as|roleplay|role-play|role play)\b|\byou are now\b|\bfrom now on,? you\b",
)
_PATTERN = re.compile("|".join((*_JA, *_EN)))


def aimed_at_system(question: str) -> bool:
    """The message tries to read or change the assistant's instructions, or to make it play another role."""
    return bool(_PATTERN.search(unicodedata.normalize("NFKC", question).lower()))
