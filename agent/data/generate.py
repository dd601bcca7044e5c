"""Write the bundled sample catalogue, reproducibly: ``python -m agent.data.generate``.

The output is one connpass API v2 response body holding every fictional event. A fixed seed and
the standard library only make the file byte-for-byte reproducible; ``--check`` verifies the
committed file instead of rewriting it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path
from typing import Any

from agent.data import SAMPLE_EVENTS_FILE
from agent.data.descriptions import build_description
from agent.data.plan import SNAPSHOT, Plan, make_plans
from agent.data.vocab import DOMAIN, GIVEN_NAMES, HANDLES, KIND_WORDS, SURNAMES, TITLE_PATTERNS, TOPICS

# Re-exported: tests and docs read the topic list from here.
__all__ = ["SEED", "TOPICS", "generate", "main", "render"]

SEED = 20261124
FIRST_ID = 341200
FIRST_GROUP_ID = 10400
EARLIEST_PUBLICATION = dt.datetime(2026, 6, 1, 9, 0, tzinfo=SNAPSHOT.tzinfo)
OUTPUT = Path(__file__).with_name(SAMPLE_EVENTS_FILE)

SEASONS = (
    dict.fromkeys((12, 1, 2), "冬")
    | dict.fromkeys((3, 4, 5), "春")
    | dict.fromkeys((6, 7, 8), "夏")
    | {9: "秋", 10: "秋", 11: "秋"}
)
GROUP_PATTERNS = ("{t} Community {City}", "{t}.{City}", "{city}{t}勉強会", "{City} {t} User Group")
CATCH_PATTERNS = (
    "{t}の{w}です。{s}をテーマに語り合いましょう！", "{t}好きが集まる{w}。今回のテーマは{s}です",
    "{where}で{t}の{w}を開催します。{s}に興味がある方はぜひ", "{s}を中心に、{t}の知見を持ち寄る{w}です",
)  # fmt: skip
CONFERENCE_CATCHES = (
    "{t}の祭典、今年も開催！ {s}から最新動向まで一日で", "{t}をテーマにした年に一度のカンファレンス",
    "{t}に関わるすべての人のためのカンファレンス。テーマは{s}",
)  # fmt: skip
LIMITS = {
    "conference": (300, 400, 500, 800, 1000), "meetup": (30, 40, 50, 60, 80, 100), "study": (20, 30, 40, 50),
    "lt": (20, 25, 30, 40, 50), "mokumoku": (8, 10, 12, 15, 20), "workshop": (12, 15, 20, 24, 30),
    "hackathon": (30, 40, 60),
}  # fmt: skip
ONLINE_LIMITS = (100, 200, 300, 500, 1000)
CANCELLED_NOTICE = "諸事情により本イベントは中止となりました。"


def _between(rng: random.Random, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    seconds = max(0, int((high - low).total_seconds()))
    return low + dt.timedelta(seconds=rng.randint(0, seconds))


def _titles(rng: random.Random, plans: list[Plan]) -> list[str]:
    """Series titles numbered in date order (``#12``, ``#13`` …); curated conferences keep theirs."""
    series: dict[tuple[str, str, str], list[Any]] = {}
    titles: list[str] = []
    for plan in plans:
        if plan.curated:
            titles.append(plan.title)
            continue
        key = (plan.topic.key, plan.kind, plan.venue.pref)
        if key not in series:
            short = [a for a in plan.topic.aliases if " " not in a]  # "Amazon Web Services勉強会" reads badly
            name = rng.choice(short) if short and rng.random() < 0.2 else plan.topic.label
            series[key] = [rng.choice(TITLE_PATTERNS[plan.kind]), name, rng.randint(1, 30)]
        pattern, name, number = series[key]
        series[key][2] += 1
        v = plan.venue
        title = pattern.format(t=name, city=v.city, City=v.city_en, n=number, y=plan.start.year)
        title = title.replace(" in オンライン", "（オンライン）")
        if title in titles:
            title += f" {SEASONS[plan.start.month]}"
        if title in titles:
            title += f" {plan.start.month}月"
        titles.append(title)
    return titles


def _groups(rng: random.Random, plans: list[Plan]) -> list[dict[str, Any]]:
    """One group (with its owner) per topic and place, or per curated conference."""
    known: dict[str, dict[str, Any]] = {}
    out = []
    next_id = FIRST_GROUP_ID
    for plan in plans:
        t, v = plan.topic, plan.venue
        subdomain = f"{t.key}-conf-{v.pref}" if plan.curated else f"{t.key}-{v.pref}"
        if subdomain not in known:
            next_id += rng.randint(1, 90)
            if plan.curated:
                title = plan.title.rsplit(" ", 1)[0] + " 実行委員会"
            else:
                patterns = GROUP_PATTERNS if t.label.isascii() and v.pref != "online" else GROUP_PATTERNS[::2]
                title = rng.choice(patterns).format(t=t.label, city=v.city, City=v.city_en)
            known[subdomain] = {
                "group": {"id": next_id, "subdomain": subdomain, "title": title,
                          "url": f"https://{subdomain}.{DOMAIN}/"},
                "owner_id": rng.randint(100000, 999999),
                "owner_nickname": f"{rng.choice(HANDLES)}{rng.randint(1, 999)}",
                "owner_display_name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN_NAMES)}",
            }  # fmt: skip
        out.append(known[subdomain])
    return out


def _ids(rng: random.Random, plans: list[Plan]) -> tuple[list[int], list[dt.datetime]]:
    """Publication times, and ids that grow with them (connpass's order 3, newest, is id order)."""
    published = []
    for plan in plans:
        high = min(SNAPSHOT, plan.start - dt.timedelta(days=1))
        low = EARLIEST_PUBLICATION if plan.curated else max(EARLIEST_PUBLICATION, plan.start - dt.timedelta(days=150))
        published.append(_between(rng, min(low, high - dt.timedelta(days=60)), high))
    ids = [0] * len(plans)
    next_id = FIRST_ID
    for index in sorted(range(len(plans)), key=lambda i: (published[i], i)):
        next_id += rng.randint(1, 57)
        ids[index] = next_id
    return ids, published


def _status(rng: random.Random, plan: Plan, advertisement: bool) -> tuple[str, int | None, int, int]:
    """open_status, limit, accepted and waiting; a realistic mix of full, empty, closed and cancelled."""
    online = plan.venue.pref == "online"
    limits = ONLINE_LIMITS if online and plan.kind not in ("mokumoku", "workshop", "hackathon") else LIMITS[plan.kind]
    limit: int | None = None if advertisement else rng.choice(limits)
    days_left = (plan.start - SNAPSHOT).total_seconds() / 86400
    if plan.end <= SNAPSHOT:
        status = "close"
    elif not plan.pinned and rng.random() < 0.035:
        status = "cancelled"
    elif days_left > 120 and rng.random() < 0.3:
        status = "preopen"
    elif not plan.pinned and days_left < 45 and rng.random() < 0.2:
        status = "close"
    else:
        status = "open"
    if limit is None or status == "preopen":
        return status, limit, 0, 0
    if status == "cancelled":
        return status, limit, rng.randint(0, limit // 2), 0
    if status == "close":
        accepted = min(limit, int(limit * rng.uniform(0.7, 1.05)))
        return status, limit, accepted, rng.randint(1, 12) if accepted == limit else 0
    roll = rng.random()
    if roll < 0.17:
        return status, limit, limit, rng.randint(1, max(2, limit // 3))
    if roll < 0.27:
        return status, limit, 0, 0
    eagerness = 1.0 if days_left < 30 else (0.7 if days_left < 120 else 0.45)
    return status, limit, max(1, min(limit - 1, int(limit * rng.uniform(0.1, 0.95) * eagerness))), 0


def _catch(rng: random.Random, plan: Plan) -> str:
    t, subject = plan.topic.label, rng.choice(plan.topic.subjects)
    if plan.kind == "conference":
        return rng.choice(CONFERENCE_CATCHES).format(t=t, s=subject)
    where = "オンライン" if plan.venue.pref == "online" else plan.venue.city
    return rng.choice(CATCH_PATTERNS).format(t=t, s=subject, w=KIND_WORDS[plan.kind], where=where)


def generate(seed: int = SEED) -> dict[str, Any]:
    """The whole catalogue as one connpass v2 response body (same seed, same output)."""
    rng = random.Random(seed)
    plans = make_plans(rng)
    titles = _titles(rng, plans)
    groups = _groups(rng, plans)
    ids, published = _ids(rng, plans)
    events = []
    for plan, title, owner, event_id, pub in zip(plans, titles, groups, ids, published, strict=True):
        advertisement = rng.random() < (0.3 if plan.curated else 0.03)
        status, limit, accepted, waiting = _status(rng, plan, advertisement)
        group = owner["group"]
        subdomain = group["subdomain"]
        hash_tag = (
            f"{plan.topic.key}conf_{plan.venue.pref}{plan.start:%y}" if plan.curated else subdomain.replace("-", "_")
        )
        description = build_description(
            rng,
            topic=plan.topic,
            kind=plan.kind,
            venue=plan.venue,
            start=plan.start,
            event_id=event_id,
            subdomain=subdomain,
            hash_tag=hash_tag,
            title=title,
            group_title=group["title"],
        )
        if status == "cancelled":
            description = f"<p><strong>【お知らせ】{CANCELLED_NOTICE}</strong></p>\n{description}"
        if advertisement:
            description += f"<p>参加登録は公式サイト（https://{subdomain}.{DOMAIN}/entry）で受け付けています。</p>\n"
        updated = (
            _between(rng, plan.end, SNAPSHOT) if plan.end <= SNAPSHOT else _between(rng, pub, min(SNAPSHOT, plan.start))
        )
        v = plan.venue
        events.append({
            "id": event_id, "title": title, "catch": _catch(rng, plan), "description": description,
            "url": f"https://{subdomain}.{DOMAIN}/event/{event_id}/",
            "image_url": None if rng.random() < 0.1 else f"https://media.{DOMAIN}/thumbs/{event_id}.png",
            "hash_tag": hash_tag, "started_at": plan.start.isoformat(), "ended_at": plan.end.isoformat(),
            "limit": limit, "event_type": "advertisement" if advertisement else "participation",
            "open_status": status, "group": dict(group), "address": v.address, "place": v.place,
            "lat": v.lat, "lon": v.lon, "owner_id": owner["owner_id"], "owner_nickname": owner["owner_nickname"],
            "owner_display_name": owner["owner_display_name"], "accepted": accepted, "waiting": waiting,
            "updated_at": updated.isoformat(),
        })  # fmt: skip
    return {"results_returned": len(events), "results_available": len(events), "results_start": 1, "events": events}


def render(data: dict[str, Any]) -> str:
    """The file's exact text: UTF-8 JSON, one space indent, trailing newline."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the catalogue, or with ``--check`` report whether the committed file is current."""
    parser = argparse.ArgumentParser(prog="python -m agent.data.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the generator")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(generate())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        print("up to date" if current == text else f"{args.output} is stale: run python -m agent.data.generate")
        return 0 if current == text else 1
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(text.encode())} bytes ({text.count(chr(10))} lines) to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
