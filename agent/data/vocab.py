"""Words the sample catalogue is made of: topics, venues, event kinds and fictional people.

Kept apart from the generator so the lists read as data; tests import ``TOPICS`` and ``VENUES`` to
check that every topic and place really made it into the catalogue.
"""

from __future__ import annotations

from typing import NamedTuple

#: The example domain every URL in the catalogue lives on (``.example`` is reserved by RFC 2606).
DOMAIN = "sample-connpass.example"


class Topic(NamedTuple):
    key: str  # short ascii id, used in subdomains and hashtags
    label: str  # how titles name it; every event of the topic carries it in its catch
    aliases: tuple[str, ...]  # other names people search for (also used in some titles)
    blurb: str  # one sentence for descriptions
    subjects: tuple[str, ...]  # talk subjects
    weight: float  # how common its events are


TOPICS: tuple[Topic, ...] = (
    Topic("typescript", "TypeScript", ("TS",),
          "型のある JavaScript として、フロントエンドからサーバーサイドまで広く使われています",
          ("型パズル", "satisfies 演算子", "モノレポ運用", "Zod によるスキーマ検証", "tsconfig の設計"), 5),
    Topic("javascript", "JavaScript", ("JS", "Node.js"), "ブラウザとサーバーの両方で動く Web の共通言語です",
          ("ECMAScript の新機能", "Node.js のストリーム", "Bun と Deno", "バンドラの選び方"), 3),
    Topic("react", "React", ("React Native",), "コンポーネント指向で UI を組み立てるライブラリです",
          ("Server Components", "状態管理", "React Native", "Suspense とデータ取得"), 4),
    Topic("vue", "Vue.js", ("Vue", "Nuxt"), "段階的に導入できるプログレッシブフレームワークです",
          ("Composition API", "Nuxt", "Pinia", "Vapor Mode"), 2),
    Topic("nextjs", "Next.js", ("App Router",), "React ベースのフルスタック Web フレームワークです",
          ("App Router", "キャッシュ戦略", "Edge Runtime", "ISR"), 2),
    Topic("python", "Python", ("Django", "FastAPI"), "読みやすさを重視した汎用言語で、Web からデータ分析まで活躍します",
          ("型ヒント", "FastAPI", "Django", "パッケージ管理 uv", "非同期処理 asyncio"), 5),
    Topic("rust", "Rust", ("Rust言語",), "安全性と速度を両立するシステムプログラミング言語です",
          ("所有権と借用", "非同期 Rust", "WebAssembly", "組込み Rust", "マクロ"), 3),
    Topic("go", "Go", ("Go言語", "Golang"), "シンプルな文法と並行処理が特長の言語です",
          ("goroutine", "ジェネリクス", "標準ライブラリ net/http", "CLI ツール開発"), 3),
    Topic("java", "Java", ("Spring Boot", "JVM"), "エンタープライズで長く使われてきた JVM 言語です",
          ("Spring Boot", "仮想スレッド", "GraalVM", "JVM チューニング"), 2),
    Topic("kotlin", "Kotlin", ("Android", "Jetpack Compose"),
          "Android 開発の標準言語で、サーバーサイドでも使われています",
          ("Jetpack Compose", "Kotlin Multiplatform", "コルーチン", "Ktor"), 2),
    Topic("swift", "Swift", ("iOS", "SwiftUI"), "Apple プラットフォームのアプリ開発言語です",
          ("SwiftUI", "Swift Concurrency", "visionOS", "Swift Testing"), 2),
    Topic("flutter", "Flutter", ("Dart",),
          "一つのコードベースでマルチプラットフォームのアプリを作れる UI フレームワークです",
          ("Riverpod", "Dart 3", "Flutter Web", "アニメーション"), 2),
    Topic("php", "PHP", ("Laravel",), "Web 開発で広く使われているスクリプト言語です",
          ("Laravel", "PHPStan", "PHP 8 の新機能", "レガシーコード改善"), 2),
    Topic("ruby", "Ruby", ("Rails", "Ruby on Rails"), "楽しさを大切にする日本発の言語です",
          ("Ruby on Rails", "型検査 RBS", "YJIT", "Hotwire"), 2),
    Topic("aws", "AWS", ("Amazon Web Services", "サーバーレス"), "代表的なパブリッククラウドです",
          ("サーバーレス", "Amazon Bedrock", "CDK", "コスト最適化", "マルチアカウント運用"), 5),
    Topic("gcp", "Google Cloud", ("GCP", "BigQuery"), "データ分析や AI に強いパブリッククラウドです",
          ("BigQuery", "Cloud Run", "Vertex AI", "GKE"), 2),
    Topic("azure", "Azure", ("Microsoft Azure",), "Microsoft のパブリッククラウドです",
          ("Azure Functions", "Azure OpenAI", "Entra ID", "Bicep"), 2),
    Topic("kubernetes", "Kubernetes", ("k8s", "クラウドネイティブ"), "コンテナオーケストレーションの事実上の標準です",
          ("Operator 開発", "Helm", "マルチクラスタ運用", "eBPF"), 2),
    Topic("docker", "Docker", ("コンテナ",), "アプリケーションをコンテナとして動かすための基盤です",
          ("Dockerfile のベストプラクティス", "Compose", "イメージの軽量化", "開発環境のコンテナ化"), 2),
    Topic("terraform", "Terraform", ("IaC",), "インフラをコードで管理する IaC ツールです",
          ("モジュール設計", "state 管理", "CI での plan", "ドリフト検知"), 1.5),
    Topic("genai", "生成AI", ("LLM", "AIエージェント", "RAG"), "大規模言語モデル（LLM）を中心に急速に広がる技術です",
          ("RAG", "AIエージェント", "プロンプト設計", "LLM の評価", "MCP"), 6),
    Topic("ml", "機械学習", ("Machine Learning", "深層学習"), "データから予測モデルを作る技術です",
          ("特徴量エンジニアリング", "MLOps", "深層学習", "Kaggle"), 3),
    Topic("data", "データ分析", ("データエンジニアリング", "SQL"), "データを意思決定につなげる取り組みです",
          ("SQL", "dbt", "データ基盤", "可視化ダッシュボード"), 2),
    Topic("security", "セキュリティ", ("CTF", "脆弱性診断"), "サービスと利用者を守るための技術と文化です",
          ("CTF", "脆弱性診断", "ゼロトラスト", "サプライチェーン攻撃"), 2),
    Topic("sre", "SRE", ("DevOps", "オブザーバビリティ"), "信頼性をエンジニアリングで支えるプラクティスです",
          ("SLO", "オブザーバビリティ", "インシデント対応", "DevOps"), 2),
    Topic("agile", "アジャイル", ("スクラム",), "価値を小さく早く届けるための考え方です",
          ("スクラム", "ふりかえり", "カンバン", "チームトポロジー"), 2),
    Topic("design", "デザイン", ("UX", "UI", "Figma"), "使う人の体験を形にする仕事です",
          ("UX リサーチ", "デザインシステム", "Figma", "アクセシビリティ"), 2),
    Topic("game", "ゲーム開発", ("Unity", "Unreal Engine"), "技術と表現が交わる開発分野です",
          ("Unity", "Unreal Engine", "ゲームAI", "シェーダー"), 2),
    Topic("iot", "IoT", ("電子工作", "ラズパイ"), "モノとネットワークをつなぐ技術です",
          ("ラズパイ", "M5Stack", "センサーデータ", "電子工作"), 1.5),
    Topic("blockchain", "ブロックチェーン", ("Web3", "スマートコントラクト"), "分散台帳の技術です",
          ("スマートコントラクト", "Web3", "ゼロ知識証明", "Solidity"), 1),
    Topic("qa", "QA", ("ソフトウェアテスト", "テスト自動化"), "品質を作り込むためのテストと QA の実践です",
          ("テスト自動化", "E2E テスト", "探索的テスト", "テスト設計"), 1.5),
    Topic("dotnet", "C#", (".NET",), ".NET の上で動く汎用言語です",
          (".NET", "Blazor", "ASP.NET Core", "MAUI"), 1.5),
    Topic("elixir", "Elixir", ("Phoenix",), "Erlang VM の上で動く関数型言語です",
          ("Phoenix", "LiveView", "Nx", "OTP"), 1),
    Topic("haskell", "Haskell", ("関数型プログラミング",), "純粋関数型プログラミング言語です",
          ("モナド", "型クラス", "関数型プログラミング", "GHC の拡張"), 1),
    Topic("postgres", "PostgreSQL", ("データベース",), "高機能なオープンソースのリレーショナルデータベースです",
          ("インデックス設計", "パーティショニング", "レプリケーション", "クエリチューニング"), 1),
)  # fmt: skip

BY_KEY: dict[str, Topic] = {t.key: t for t in TOPICS}


class Venue(NamedTuple):
    pref: str  # connpass slug, ``online`` for online events
    city: str  # Japanese city name used in titles
    city_en: str  # English city name used in titles
    address: str  # starts with the full prefecture name; empty online
    place: str
    lat: str | None  # connpass returns coordinates as strings
    lon: str | None
    weight: float


VENUES: tuple[Venue, ...] = (
    Venue("tokyo", "東京", "Tokyo",
          "東京都渋谷区道玄坂1-2-3 サンプルビル 12F", "サンプルスペース渋谷", "35.6580", "139.6994", 9),
    Venue("tokyo", "東京", "Tokyo",
          "東京都港区港南2-16-1 品川サンプルタワー 25F", "品川サンプルタワー イベントホール", "35.6285", "139.7405", 7),
    Venue("tokyo", "東京", "Tokyo",
          "東京都千代田区大手町1-1-1 大手町サンプルプレイス 3F", "大手町サンプルホール",
          "35.6864", "139.7635", 6),
    Venue("tokyo", "東京", "Tokyo",
          "東京都新宿区西新宿2-8-1 新宿サンプルビル 5F", "株式会社エグザンプル セミナールーム",
          "35.6896", "139.6917", 6),
    Venue("online", "オンライン", "Online", "", "オンライン", None, None, 10),
    Venue("online", "オンライン", "Online", "", "オンライン（Zoom）", None, None, 6),
    Venue("online", "オンライン", "Online", "", "オンライン（YouTube Live）", None, None, 4),
    Venue("osaka", "大阪", "Osaka",
          "大阪府大阪市北区梅田3-1-3 サンプル梅田ビル 10F", "サンプルラボ梅田", "34.7025", "135.4959", 6),
    Venue("osaka", "大阪", "Osaka",
          "大阪府大阪市中央区本町4-1-13 本町サンプルビル 4F", "本町サンプルセミナールーム", "34.6833", "135.4980", 4),
    Venue("kyoto", "京都", "Kyoto",
          "京都府京都市下京区烏丸通四条下ル 京都サンプルビル 6F", "京都サンプルスペース", "35.0036", "135.7596", 4),
    Venue("aichi", "名古屋", "Nagoya",
          "愛知県名古屋市中村区名駅4-7-1 名古屋サンプルタワー 15F", "サンプルスペース名古屋", "35.1709", "136.8815", 5),
    Venue("fukuoka", "福岡", "Fukuoka",
          "福岡県福岡市博多区博多駅前2-1-1 博多サンプルビル 7F", "サンプルスペース博多", "33.5902", "130.4207", 4),
    Venue("fukuoka", "福岡", "Fukuoka",
          "福岡県福岡市中央区天神1-11-1 天神サンプルビル 3F", "天神サンプルホール", "33.5898", "130.3987", 2),
    Venue("hokkaido", "札幌", "Sapporo",
          "北海道札幌市中央区北1条西2-1 札幌サンプルビル 9F", "サンプルスペース札幌", "43.0621", "141.3544", 4),
    Venue("miyagi", "仙台", "Sendai",
          "宮城県仙台市青葉区中央1-3-1 仙台サンプルビル 5F", "サンプルスペース仙台", "38.2601", "140.8824", 3),
    Venue("hiroshima", "広島", "Hiroshima",
          "広島県広島市中区紙屋町1-1-1 広島サンプルビル 4F", "サンプルスペース広島", "34.3955", "132.4582", 3),
    Venue("kanagawa", "横浜", "Yokohama",
          "神奈川県横浜市西区みなとみらい2-3-1 横浜サンプルタワー 11F", "サンプルホール横浜", "35.4577", "139.6322", 4),
    Venue("hyogo", "神戸", "Kobe",
          "兵庫県神戸市中央区三宮町1-1-1 神戸サンプルビル 6F", "サンプルスペース神戸", "34.6913", "135.1955", 3),
    Venue("okinawa", "沖縄", "Okinawa",
          "沖縄県那覇市久茂地3-1-1 那覇サンプルビル 5F", "サンプルスペース那覇", "26.2150", "127.6792", 2),
    Venue("niigata", "新潟", "Niigata",
          "新潟県新潟市中央区万代1-1-1 新潟サンプルビル 3F", "サンプルスペース新潟", "37.9162", "139.0613", 2),
    Venue("ishikawa", "金沢", "Kanazawa",
          "石川県金沢市本町2-15-1 金沢サンプルビル 8F", "サンプルスペース金沢", "36.5780", "136.6480", 2),
    Venue("shizuoka", "浜松", "Hamamatsu",
          "静岡県浜松市中央区板屋町111-1 浜松サンプルタワー 10F", "サンプルスペース浜松", "34.7056", "137.7346", 2),
    Venue("okayama", "岡山", "Okayama",
          "岡山県岡山市北区駅元町1-1 岡山サンプルビル 4F", "サンプルスペース岡山", "34.6661", "133.9180", 1.5),
    Venue("kumamoto", "熊本", "Kumamoto",
          "熊本県熊本市中央区桜町3-10 熊本サンプルビル 2F", "サンプルスペース熊本", "32.8003", "130.7056", 1.5),
    Venue("chiba", "幕張", "Makuhari",
          "千葉県千葉市美浜区中瀬2-1 幕張サンプルメッセ 国際会議場", "幕張サンプルメッセ", "35.6480", "140.0344", 1),
    Venue("nagano", "長野", "Nagano",
          "長野県長野市南長野1-1 長野サンプルビル 3F", "サンプルスペース長野", "36.6486", "138.1950", 1),
)  # fmt: skip

#: Event kinds and how often they occur among regular (non-curated) events.
KIND_WEIGHTS: dict[str, float] = {
    "study": 25, "meetup": 20, "lt": 17, "mokumoku": 13, "workshop": 11, "hackathon": 5, "conference": 4,
}  # fmt: skip

#: Title patterns per kind. ``{t}`` topic name, ``{city}``/``{City}`` place, ``{n}`` series number, ``{y}`` year.
TITLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "study": ("{t}勉強会 in {city} #{n}", "第{n}回 {t}勉強会@{city}", "{t}勉強会 {City} vol.{n}"),
    "meetup": ("{t} Meetup {City} #{n}", "{t} Meetup {City} vol.{n}", "{t}ミートアップ {city} #{n}"),
    "lt": ("{t} LT会 vol.{n}", "{t} LT会 in {city} #{n}", "{t}ゆるLT会 #{n}"),
    "mokumoku": ("{t}もくもく会 @{city} #{n}", "{t}もくもく会 {City} #{n}"),
    "workshop": ("はじめての{t}ハンズオンワークショップ #{n}", "{t}ワークショップ@{city} #{n}"),
    "hackathon": ("{t}ハッカソン {y} in {city}", "{t} Hackathon {City} {y}"),
    "conference": ("{t}カンファレンス{city} {y}", "{t} Conference {City} {y}", "{t}Conf {City} {y}"),
}

#: Japanese word for each kind, used in catches and descriptions.
KIND_WORDS: dict[str, str] = {
    "study": "勉強会", "meetup": "ミートアップ", "lt": "LT会", "mokumoku": "もくもく会",
    "workshop": "ワークショップ", "hackathon": "ハッカソン", "conference": "カンファレンス",
}  # fmt: skip

SURNAMES = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田", "佐々木", "山口",
    "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田", "橋本", "阿部", "石川", "前田", "藤田", "岡田",
)  # fmt: skip
GIVEN_NAMES = (
    "翔太", "美咲", "大輔", "陽菜", "健一", "さくら", "拓海", "結衣", "悠人", "葵", "直樹", "彩花", "亮", "舞",
    "誠", "瑞希", "蓮", "七海", "和也", "千尋", "航", "真由", "優斗", "奈々",
)  # fmt: skip
HANDLES = (
    "tsuki", "kazu", "hina", "ryo_dev", "mame", "sora", "yuu", "koba", "taku", "nana", "mochi", "hayate", "riku",
    "kei", "shiori", "mugi", "take", "haru", "nao", "yoshi", "kuro", "aoi", "chiro", "momo",
)  # fmt: skip
COMPANIES = (
    "株式会社サンプルテック", "合同会社ダミーラボ", "架空システムズ株式会社", "株式会社エグザンプル",
    "サンプルクラウド株式会社", "株式会社テストデータ", "モックソフト株式会社", "株式会社フィクション",
    "プレースホルダー株式会社", "株式会社ノンリアル",
)  # fmt: skip
