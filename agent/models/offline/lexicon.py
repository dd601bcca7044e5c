"""Words the offline model understands: technology topics, places and event kinds, with the variants people type.

Each entry maps what users write (``TS``, ``タイプスクリプト``, ``横浜``, ``もくもく``) to what the search tool
needs (keywords, prefecture slugs). Matching works on NFKC-normalised, lower-cased text, longest alias first,
so ``東京都`` wins over ``京都`` and ``AIエージェント`` over ``AI``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from agent.models.offline.places import PLACES

Category = Literal["topic", "place", "kind", "generic", "sort"]


@dataclass(frozen=True)
class Topic:
    """A technology. ``terms[0]`` is the canonical search keyword; more terms are searched with OR."""

    name: str
    terms: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Kind:
    """A kind of event (LT会, ハッカソン …). ``terms[0]`` is the word connpass pages use most."""

    name: str
    terms: tuple[str, ...]
    aliases: tuple[str, ...]


def _t(name: str, terms: Iterable[str] | None = None, aliases: Iterable[str] = ()) -> Topic:
    return Topic(name, tuple(terms or (name,)), (name, *aliases))


TOPICS: tuple[Topic, ...] = (
    _t("TypeScript", aliases=("ts", "タイプスクリプト", "タイスク")),
    _t("JavaScript", aliases=("js", "ジャバスクリプト", "ecmascript", "バニラjs")),
    _t("Node.js", aliases=("nodejs", "node", "ノードjs")),
    _t("React", aliases=("react.js", "reactjs", "リアクト", "react native")),
    _t("Vue.js", ("Vue",), ("vue", "vuejs", "ビュージェイエス")),
    _t("Nuxt", aliases=("nuxt.js", "ナクスト")),
    _t("Next.js", aliases=("nextjs", "ネクストjs")),
    _t("Angular", aliases=("アンギュラー",)),
    _t("Svelte", aliases=("sveltekit", "スベルト")),
    _t("Deno", aliases=("ディーノ",)),
    _t("Python", aliases=("パイソン", "ぱいそん", "python3")),
    _t("Django", aliases=("ジャンゴ",)),
    _t("FastAPI"),
    _t("Rust", aliases=("ラスト言語", "ラスト", "rustacean")),
    _t("Go", ("Golang", "Go言語", "Gopher"), ("go", "golang", "go言語", "ゴー言語", "ゴーラング", "gopher")),
    _t("Java", ("JVM", "Spring Boot", "JJUG", "Java言語"), (
        "java", "ジャバ", "java言語", "jvm", "spring boot", "jjug",
    )),
    _t("Kotlin", aliases=("コトリン",)),
    _t("Android", aliases=("アンドロイド", "jetpack compose")),
    _t("Swift", aliases=("スウィフト", "swiftui")),
    _t("iOS", aliases=("ios", "アイオーエス", "iphoneアプリ", "iphone")),
    _t("Flutter", aliases=("フラッター", "dart")),
    _t("PHP", aliases=("ピーエイチピー",)),
    _t("Laravel", aliases=("ララベル",)),
    _t("Ruby", aliases=("ルビー", "rubyist")),
    _t("Rails", aliases=("ruby on rails", "ror", "レイルズ")),
    _t("C#", ("C#", ".NET"), ("c#", "csharp", "シーシャープ", ".net", "dotnet", "ドットネット", "blazor")),
    _t("C++", aliases=("cpp", "シープラスプラス")),
    _t("C言語", aliases=("c言語",)),
    _t("Scala", aliases=("スカラ",)),
    _t("Elixir", aliases=("エリクサー", "エリクシル", "phoenix")),
    _t("Haskell", aliases=("ハスケル",)),
    _t("関数型", aliases=("関数型プログラミング", "functional programming")),
    _t("Zig"),
    _t("AWS", aliases=("amazon web services", "アマゾンウェブサービス", "jaws", "jaws-ug")),
    _t("Google Cloud", ("Google Cloud", "GCP"), ("gcp", "グーグルクラウド", "google cloud platform")),
    _t("Azure", aliases=("microsoft azure", "アジュール")),
    _t("クラウド", ("クラウド",), ("cloud",)),
    _t("サーバーレス", ("サーバーレス", "Serverless"), ("serverless", "サーバレス", "aws lambda", "lambda")),
    _t("Kubernetes", aliases=(
        "k8s", "クバネティス", "クバネテス", "クーベネティス", "クーバネティス", "クラウドネイティブ",
    )),
    _t("Docker", ("Docker", "コンテナ"), ("ドッカー", "コンテナ")),
    _t("Terraform", ("Terraform", "IaC"), ("テラフォーム", "iac", "infrastructure as code")),
    _t("Linux", aliases=("リナックス",)),
    _t("生成AI", ("生成AI", "LLM", "ChatGPT", "AIエージェント"), (
        "生成ai", "生成系ai", "generative ai", "genai", "llm", "chatgpt", "gpt", "claude", "gemini", "openai",
        "aiエージェント", "ai agent", "エージェント", "rag", "mcp", "プロンプトエンジニアリング", "copilot",
    )),
    _t("AI", ("生成AI", "LLM", "機械学習", "AIエージェント", "人工知能"), ("ai", "人工知能", "エーアイ")),
    _t("機械学習", ("機械学習", "Machine Learning", "深層学習", "ディープラーニング"), (
        "ml", "machine learning", "深層学習", "ディープラーニング", "deep learning", "mlops", "kaggle",
    )),
    _t("データ分析", ("データ分析", "データエンジニアリング", "データサイエンス"), (
        "データ解析", "データサイエンス", "データエンジニアリング", "データ基盤", "data science", "データ活用",
        "bigquery",
    )),
    _t("SQL", aliases=("エスキューエル",)),
    _t("データベース", ("データベース", "PostgreSQL", "MySQL"), ("db", "rdb", "rdbms")),
    _t("PostgreSQL", aliases=("postgres", "ポスグレ", "ポストグレス")),
    _t("MySQL", aliases=("マイエスキューエル",)),
    _t("セキュリティ", ("セキュリティ", "Security"), ("security", "脆弱性", "セキュア", "情報セキュリティ")),
    _t("CTF"),
    _t("インフラ", ("インフラ", "SRE", "Terraform", "Kubernetes"), ("infra", "インフラエンジニア", "インフラ系")),
    _t("SRE", aliases=("サイトリライアビリティ",)),
    _t("DevOps", aliases=("デブオプス",)),
    _t("オブザーバビリティ", ("オブザーバビリティ", "Observability"), ("observability", "可観測性", "o11y")),
    _t("アジャイル", ("アジャイル", "スクラム", "Agile", "Scrum"), ("agile", "スクラム", "scrum")),
    _t("デザイン", ("デザイン",), ("design", "ux", "ui/ux", "uiデザイン", "uxデザイン")),
    _t("Figma", aliases=("フィグマ",)),
    _t("ゲーム開発", ("ゲーム開発", "Unity", "Unreal Engine", "ゲーム"), (
        "ゲーム", "gamedev", "unity", "ユニティ", "unreal engine", "unreal", "ue5",
    )),
    _t("IoT", ("IoT", "電子工作", "ラズパイ", "Raspberry Pi", "M5Stack"), (
        "電子工作", "ラズパイ", "raspberry pi", "arduino", "m5stack", "マイコン",
    )),
    _t("ブロックチェーン", ("ブロックチェーン", "Web3", "スマートコントラクト"), (
        "blockchain", "web3", "nft", "暗号資産", "スマートコントラクト", "ethereum", "solidity",
    )),
    _t("テスト・QA", ("テスト自動化", "ソフトウェアテスト", "QA"), (
        "qa", "テスト", "ソフトウェアテスト", "テスト自動化", "e2eテスト", "品質保証", "自動テスト",
    )),
    _t("モバイルアプリ", ("iOS", "Android", "Flutter", "モバイル"), (
        "モバイル", "スマホアプリ", "アプリ開発", "mobile",
    )),
    _t("フロントエンド", ("フロントエンド", "Frontend"), ("frontend", "front-end", "フロント")),
    _t("バックエンド", ("バックエンド", "Backend"), ("backend", "back-end", "サーバーサイド")),
    _t("GraphQL", aliases=("グラフキューエル",)),
    _t("Firebase", aliases=("ファイアベース",)),
    _t("Cloudflare", aliases=("クラウドフレア",)),
    _t("GitHub", aliases=("git", "ギットハブ", "github actions")),
    _t("OSS", ("OSS", "オープンソース"), ("オープンソース", "open source")),
    _t("XR", ("XR", "VR", "メタバース"), ("vr", "メタバース", "visionos", "apple vision pro")),
    _t("量子コンピュータ", ("量子",), ("量子", "量子コンピューティング", "quantum")),
    _t("組込み", ("組込み", "組み込み", "Embedded"), ("組み込み", "embedded", "エンベデッド")),
    _t("ロボット", ("ロボット", "ROS"), ("ros", "robotics")),
    _t("ノーコード", ("ノーコード", "ローコード"), ("ローコード", "nocode", "no-code", "low-code")),
    _t("競技プログラミング", ("競技プログラミング", "AtCoder", "競プロ"), ("競プロ", "atcoder")),
    _t("プロダクトマネジメント", ("プロダクトマネジメント", "プロダクトマネージャー", "PdM"), (
        "プロダクトマネージャー", "pdm", "pm",
    )),
    _t("キャリア", ("キャリア",), ("転職", "career")),
)  # fmt: skip


KINDS: tuple[Kind, ...] = (
    Kind("LT会", ("LT会", "LT大会", "ライトニングトーク"), (
        "lt会", "lt", "lt大会", "ltイベント", "ライトニングトーク", "lightning talk", "lightning talks",
    )),
    Kind("もくもく会", ("もくもく",), ("もくもく会", "もくもく", "モクモク", "mokumoku", "黙々会")),
    Kind("ハッカソン", ("ハッカソン", "Hackathon"), ("ハッカソン", "hackathon", "hackathons", "アイデアソン")),
    Kind("ワークショップ", ("ワークショップ", "ハンズオン", "Workshop"), (
        "ワークショップ", "ハンズオン", "workshop", "workshops", "hands-on", "handson",
    )),
    Kind("カンファレンス", ("カンファレンス", "Conference", "Kaigi"), (
        "カンファレンス", "カンファ", "conference", "conferences", "kaigi", "conf", "技術カンファレンス", "フェス",
        "festival", "summit",
    )),
    Kind("ミートアップ", ("ミートアップ", "Meetup"), (
        "ミートアップ", "meetup", "meetups", "meet up", "meet-up", "交流会",
    )),
    Kind("読書会", ("読書会", "輪読会"), ("読書会", "輪読会")),
)  # fmt: skip

#: Words that mean "an event" without narrowing the search: connpass calls every community event a 勉強会.
GENERIC_WORDS = (
    "勉強会", "イベント", "セミナー", "ウェビナー", "技術イベント", "itイベント", "テックイベント", "プログラミング",
    "エンジニア", "コミュニティ", "connpass", "コンパス", "催し", "集まり", "study group", "study groups",
    "study session", "study sessions", "tech events", "tech event", "gatherings",
)  # fmt: skip

#: Words that ask for popular or newly listed events rather than the soonest.
SORT_WORDS: dict[str, str] = {
    **dict.fromkeys(("人気", "おすすめ", "オススメ", "お勧め", "お薦め", "面白そう", "面白い", "おもしろ",
                     "楽しそう", "注目", "話題", "盛り上が", "大規模", "有名", "定番", "参加者が多い", "参加者の多い",
                     "参加者数", "イチオシ", "いちおし", "popular", "most popular"), "popular"),
    **dict.fromkeys(("新着", "新しく公開", "最近公開", "新しく登録", "最近登録", "新規公開"), "newest"),
    **dict.fromkeys(("近い順", "早い順", "日付順", "開催日順", "直近"), "date"),
}  # fmt: skip

#: One-kanji place names that are also parts of other words (栄 in 繁栄): they need kanji boundaries.
_STRICT_KANJI = frozenset({"栄"})
#: Aliases that are also parts of unrelated katakana words (イラスト, ゴール): they need katakana boundaries.
_STRICT_KATAKANA = frozenset(
    {"ラスト", "エージェント", "フロント", "テスト", "ゲーム", "コンテナ", "モバイル", "フェス", "クラウド"}
)


def normalize(text: str) -> str:
    """NFKC and lower case: full-width ``ＴＳ`` and half-width ``ｶﾝﾌｧﾚﾝｽ`` compare equal to what we list."""
    return unicodedata.normalize("NFKC", text).lower()


@dataclass(frozen=True)
class Hit:
    """One recognised word in a question."""

    start: int
    end: int
    category: Category
    value: str  # topic or kind name, place label, or sort value


TOPIC_BY_NAME: dict[str, Topic] = {t.name: t for t in TOPICS}
KIND_BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}


@functools.cache
def _entries() -> dict[str, tuple[Category, str]]:
    """Every alias (normalised) → what it means. Later categories never overwrite earlier ones."""
    table: dict[str, tuple[Category, str]] = {}

    def add(alias: str, category: Category, value: str) -> None:
        table.setdefault(normalize(alias), (category, value))

    for topic in TOPICS:
        for alias in topic.aliases:
            add(alias, "topic", topic.name)
    for kind in KINDS:
        for alias in kind.aliases:
            add(alias, "kind", kind.name)
    for alias in PLACES:
        add(alias, "place", alias)
    for word in GENERIC_WORDS:
        add(word, "generic", word)
    for word, sort in SORT_WORDS.items():
        add(word, "sort", sort)
    return table


def _pattern_for(alias: str) -> str:
    body = re.escape(alias)
    if alias[0].isascii() and alias[0].isalnum():
        body = r"(?<![a-z0-9])" + body
    if alias[-1].isascii() and alias[-1].isalnum():
        body += r"(?![a-z0-9])"
    if alias in _STRICT_KATAKANA:
        body = r"(?<![ァ-ヺー])" + body + r"(?![ァ-ヺー])"
    if alias in _STRICT_KANJI:
        body = r"(?<![一-龯々])" + body + r"(?![一-龯々])"
    return body


@functools.cache
def _matcher() -> re.Pattern[str]:
    aliases = sorted(_entries(), key=len, reverse=True)
    return re.compile("|".join(_pattern_for(a) for a in aliases))


def scan(text: str) -> list[Hit]:
    """Recognised words in ``text`` (already normalised), left to right, longest alias first, never overlapping."""
    table = _entries()
    hits = []
    for match in _matcher().finditer(text):
        category, value = table[match.group(0)]
        hits.append(Hit(match.start(), match.end(), category, value))
    return hits
