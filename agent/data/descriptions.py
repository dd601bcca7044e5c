"""HTML descriptions shaped like real connpass pages: agenda, timetable, speakers, notes and links.

Real descriptions are often several kilobytes of HTML; the sample ones are too, so payload size,
trimming and sanitising downstream are exercised for real.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from html import escape

from agent.data.vocab import COMPANIES, DOMAIN, GIVEN_NAMES, KIND_WORDS, SURNAMES, Topic, Venue

TALK_PATTERNS = (
    "{s}を本番環境で運用して学んだこと", "{s}入門: 最初の一歩", "{s}の落とし穴と回避策", "チームに{s}を導入するまで",
    "{s}で開発体験を改善した話", "{t}と{s}: 現場での実践", "{s}をもう一歩深掘りする", "{t}の最新動向と{s}",
    "小さく始める{s}", "{s}のパフォーマンス改善事例",
)  # fmt: skip
BIO_PATTERNS = (
    "{c}でソフトウェアエンジニアとして{t}を使ったプロダクト開発に従事。最近は{s}に関心があり、社内勉強会も主催している。",
    "{c} テックリード。{t}歴は8年ほど。{s}についてのブログを書いたり、地域コミュニティの運営を手伝ったりしている。",
    "大学で情報工学を学んだあと{c}に入社。{s}の社内推進を担当。週末は{t}の OSS にコントリビュートしている。",
    "{c}のエンジニアリングマネージャー。{t}を採用したサービスの立ち上げを複数経験。好きなものはコーヒーと{s}。",
)  # fmt: skip
NOTES = (
    "本イベントは行動規範（Code of Conduct）に同意のうえご参加ください。",
    "会場の様子は写真撮影・配信されることがあります。写り込みを避けたい方は受付でお知らせください。",
    "参加できなくなった場合は、キャンセル待ちの方のために早めのキャンセルをお願いします。",
    "無断キャンセルが続いた場合、今後の参加をお断りすることがあります。",
    "発表資料は後日イベントページに掲載予定です。",
    "内容は予告なく変更になる場合があります。",
)
FAQ = (
    ("初心者でも参加できますか？", "はい、大歓迎です。わからないことがあれば気軽に運営メンバーに声をかけてください。"),
    ("途中参加・途中退出はできますか？", "可能です。発表中の出入りは後方のドアからお願いします。"),
    ("発表資料は公開されますか？", "登壇者の許可が得られたものは、後日このページの関連リンクに掲載します。"),
    ("懇親会だけの参加はできますか？", "申し訳ありませんが、本編に参加される方のみとさせていただいています。"),
    ("領収書は発行できますか？", "参加費がかかる場合、当日受付で発行します。宛名をお知らせください。"),
    ("子ども連れでも参加できますか？", "はい。スペースに限りがあるため、事前に運営までご連絡ください。"),
    ("登壇枠はありますか？", "毎回 LT 枠を募集しています。申し込みフォームの「発表したい」を選んでください。"),
)
SPONSOR_TIERS = ("Platinum", "Gold", "Silver")
AUDIENCE = (
    "{t}に興味があり、これから始めてみたい方", "業務で{t}を使っていて、他の現場の知見を知りたい方",
    "{s}について情報交換したい方", "登壇に挑戦してみたい方", "地域のエンジニアとつながりたい方",
)  # fmt: skip


@dataclass(frozen=True)
class Talk:
    title: str
    speaker: str
    bio: str


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}"


def make_talks(rng: random.Random, topic: Topic, count: int) -> list[Talk]:
    """Talks with fictional speakers, titles from the topic's subjects."""
    talks = []
    for _ in range(count):
        subject = rng.choice(topic.subjects)
        title = rng.choice(TALK_PATTERNS).format(s=subject, t=topic.label)
        bio = rng.choice(BIO_PATTERNS).format(c=rng.choice(COMPANIES), t=topic.label, s=rng.choice(topic.subjects))
        talks.append(Talk(title, _person(rng), bio))
    return talks


def _ul(items: list[str]) -> str:
    return "<ul>\n" + "\n".join(f"<li>{item}</li>" for item in items) + "\n</ul>"


def _clock(start: dt.datetime, minutes: int) -> str:
    return (start + dt.timedelta(minutes=minutes)).strftime("%H:%M")


def _timetable(rng: random.Random, kind: str, start: dt.datetime, talks: list[Talk]) -> str:
    """A ``<table>`` for talk-based events, a ``<ul>`` for the rest (both occur on connpass)."""
    if kind in ("mokumoku", "hackathon", "workshop"):
        steps = {
            "mokumoku": [
                "受付・Wi-Fi 設定",
                "自己紹介と今日やること宣言",
                "もくもく作業",
                "成果発表（1人1分）",
                "片付け・解散",
            ],
            "hackathon": [
                "受付",
                "オープニング・テーマ発表",
                "チームビルディング",
                "開発タイム",
                "中間発表",
                "最終発表・審査",
                "表彰・クロージング",
            ],
            "workshop": [
                "受付・環境確認",
                "講義: 基本の考え方",
                "ハンズオン 1",
                "休憩",
                "ハンズオン 2",
                "質疑応答・まとめ",
            ],
        }[kind]
        offsets = sorted(rng.sample(range(15, 240, 15), len(steps) - 1))
        lines = [f"{_clock(start, -15 if i == 0 else offsets[i - 1])} {escape(step)}" for i, step in enumerate(steps)]
        return "<h2>タイムテーブル</h2>\n" + _ul(lines)
    rows = [("開場・受付", "", -30), ("オープニング", "運営", 0)]
    minute, length = 10, 5 if kind == "lt" else (40 if kind == "conference" else 25)
    for index, talk in enumerate(talks):
        if kind == "conference":  # two tracks in parallel
            rows.append((f"[Track {'AB'[index % 2]}] {escape(talk.title)}", escape(talk.speaker), minute))
            minute += (length + 10) * (index % 2)
            continue
        rows.append((escape(talk.title), escape(talk.speaker), minute))
        minute += length + 5
    rows.append(("懇親会（自由参加）" if kind != "conference" else "クロージング", "", minute))
    body = "\n".join(f"<tr><td>{_clock(start, m)}</td><td>{t}</td><td>{s}</td></tr>" for t, s, m in rows)
    return ("<h2>タイムテーブル</h2>\n<table>\n<thead><tr><th>時間</th><th>内容</th><th>登壇者</th></tr></thead>\n"
            f"<tbody>\n{body}\n</tbody>\n</table>")  # fmt: skip


def _speakers(talks: list[Talk]) -> str:
    blocks = [f"<h3>{escape(t.speaker)}</h3>\n<p>{escape(t.bio)}</p>" for t in talks]
    return "<h2>登壇者紹介</h2>\n" + "\n".join(blocks)


def _faq(rng: random.Random) -> str:
    items = [f"<dt>Q. {escape(q)}</dt>\n<dd>A. {escape(a)}</dd>" for q, a in rng.sample(FAQ, rng.randint(2, 4))]
    return "<h2>よくある質問</h2>\n<dl>\n" + "\n".join(items) + "\n</dl>"


def _sponsors(rng: random.Random) -> str:
    """Conference pages list their sponsors by tier, each linking to a (fictional) company site."""
    parts, companies = ["<h2>スポンサー</h2>"], list(COMPANIES)
    rng.shuffle(companies)
    for index, tier in enumerate(SPONSOR_TIERS):
        names = companies[index * 3 : index * 3 + 3]
        links = [f'<a href="https://sponsor{index}{n}.{DOMAIN}/">{escape(c)}</a>' for n, c in enumerate(names)]
        parts.append(f"<h3>{tier}</h3>\n" + _ul(links))
    parts.append("<p>スポンサーを引き続き募集しています。詳しくは実行委員会までお問い合わせください。</p>")
    return "\n".join(parts)


def _community(group_title: str, topic: Topic) -> str:
    return (
        f"<h2>{escape(group_title)} について</h2>\n"
        f"<p>{escape(group_title)} は、{escape(topic.label)}が好きな人たちが集まって学び合う非営利のコミュニティです。"
        "定期的に勉強会や LT 会を開いています。運営メンバーも随時募集中です。"
        "興味のある方はイベント当日にスタッフへ声をかけてください。</p>"
    )


def _access(rng: random.Random, venue: Venue, event_id: int) -> str:
    if venue.pref == "online":
        tool = "YouTube Live" if "YouTube" in venue.place else "Zoom"
        return (
            "<h2>参加方法</h2>\n"
            f"<p>{tool} で開催します。参加登録をした方に、参加者への案内から視聴 URL をお知らせします。</p>\n"
            f'<p>視聴ページ（登録者のみ）: <a href="https://live.{DOMAIN}/stream/{event_id}">'
            f"https://live.{DOMAIN}/stream/{event_id}</a></p>"
        )
    station = rng.choice(("駅から徒歩3分", "駅直結", "駅から徒歩5分", "駅から徒歩7分"))
    return (
        "<h2>会場</h2>\n"
        f"<p><strong>{escape(venue.place)}</strong><br>\n{escape(venue.address)}<br>\n"
        f"最寄り{station}。ビル1階の受付で「イベント参加」とお伝えください。</p>\n"
        + rng.choice(
            (
                "<p>当日の様子は YouTube Live で同時配信します（会場参加の方を優先します）。</p>",
                "<p>配信・アーカイブの予定はありません。ぜひ会場でお会いしましょう。</p>",
                "<p>発表の様子は後日アーカイブ動画として公開する予定です。</p>",
            )
        )
    )


def _fee(rng: random.Random, kind: str) -> str:
    if kind == "conference":
        tiers = ["一般: 3,000円", "学生: 無料", "個人スポンサー: 10,000円（ノベルティ付き）"]
        return "<h2>参加費</h2>\n" + _ul(tiers)
    fee = rng.choice(("無料", "無料", "無料", "500円（会場費）", "懇親会参加の方のみ 1,000円"))
    return f"<h2>参加費</h2>\n<p>{fee}</p>"


def _links(topic: Topic, subdomain: str, event_id: int, hash_tag: str) -> str:
    items = [
        f'<a href="https://{subdomain}.{DOMAIN}/">コミュニティページ</a>',
        f'<a href="https://slides.{DOMAIN}/{subdomain}/{event_id}">発表資料まとめ</a>',
        f'<a href="https://{DOMAIN}/code-of-conduct">行動規範</a>',
        f'<a href="https://social.{DOMAIN}/hashtag/{hash_tag}">#{hash_tag} の投稿を見る</a>',
        f'<a href="https://docs.{DOMAIN}/{topic.key}/getting-started">{escape(topic.label)} 入門ガイド</a>',
    ]
    return "<h2>関連リンク</h2>\n" + _ul(items)


def _hackathon_rules(rng: random.Random, topic: Topic) -> str:
    theme = rng.choice(("地域の課題を解決する", "毎日がちょっと楽しくなる", "防災に役立つ", "チームの生産性を上げる"))
    return (
        f"<h2>テーマ</h2>\n<p>「{theme}」{escape(topic.label)}プロダクト</p>\n"
        "<h2>審査基準</h2>\n" + _ul(["アイデアの新規性", "技術的な挑戦", "完成度", "プレゼンテーション"]) + "\n"
        "<h2>賞品</h2>\n" + _ul(["最優秀賞: 技術書ギフトカード 30,000円分", "審査員特別賞",
                                  "参加賞: オリジナルステッカー"])
    )  # fmt: skip


def build_description(
    rng: random.Random,
    *,
    topic: Topic,
    kind: str,
    venue: Venue,
    start: dt.datetime,
    event_id: int,
    subdomain: str,
    hash_tag: str,
    title: str,
    group_title: str,
) -> str:
    """A connpass-like HTML description for one fictional event."""
    word = KIND_WORDS[kind]
    t, subject = escape(topic.label), escape(rng.choice(topic.subjects))
    aliases = "・".join(escape(a) for a in topic.aliases)
    talk_count = {"lt": rng.randint(5, 8), "conference": 2 * rng.randint(5, 8), "study": rng.randint(2, 4),
                  "meetup": rng.randint(2, 3)}.get(kind, 0)  # fmt: skip
    talks = make_talks(rng, topic, talk_count)
    parts = [
        "<p><em>※ これは Confee のデモ用に生成した架空のイベントです。"
        "実在のイベント・団体・人物とは関係ありません。</em></p>",
        "<h2>概要</h2>",
        f"<p>{escape(title)} を開催します！{t}は{escape(topic.blurb)}。"
        f"今回の{word}では、特に<strong>{subject}</strong>をテーマに、実務での知見を共有します。</p>",
        f"<p>{aliases}に関わる方も大歓迎です。初めての方も、ベテランの方も、気軽にご参加ください。"
        "終了後は参加者同士で交流できる時間も用意しています。</p>",
        "<h2>こんな方におすすめ</h2>",
        _ul([escape(a.format(t=topic.label, s=rng.choice(topic.subjects))) for a in rng.sample(AUDIENCE, 3)]),
    ]
    if kind == "hackathon":
        parts.append(_hackathon_rules(rng, topic))
    if kind == "workshop":
        parts.append("<h2>持ち物</h2>\n" + _ul(["ノート PC（電源アダプタもお忘れなく）", "事前に <code>git</code> と"
                                                 " エディタをインストールしておいてください"]))  # fmt: skip
    parts.append(_timetable(rng, kind, start, talks))
    if talks and kind != "lt":
        parts.append(_speakers(talks))
    parts += [_access(rng, venue, event_id), _fee(rng, kind)]
    if kind == "conference":
        parts.append(_sponsors(rng))
    parts.append("<h2>注意事項</h2>\n" + _ul([escape(n) for n in rng.sample(NOTES, 4)]))
    if rng.random() < 0.7:
        parts.append(_faq(rng))
    parts.append(_community(group_title, topic))
    parts.append(_links(topic, subdomain, event_id, hash_tag))
    return "\n".join(parts) + "\n"
