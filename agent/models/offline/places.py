"""Places people name in questions: prefectures (with or without 都府県), cities, regions and オンライン.

Each resolves to connpass prefecture slugs; a region (関西) becomes several slugs, which connpass ORs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent.sources.prefectures import BY_SLUG, ONLINE, PREFECTURES


@dataclass(frozen=True)
class Place:
    """A prefecture, city, region or オンライン, resolved to connpass prefecture slugs."""

    label: str
    slugs: tuple[str, ...]


#: Cities and districts people name instead of the prefecture.
CITIES: dict[str, str] = {
    "札幌": "hokkaido", "函館": "hokkaido", "旭川": "hokkaido", "仙台": "miyagi", "盛岡": "iwate", "郡山": "fukushima",
    "つくば": "ibaraki", "水戸": "ibaraki", "宇都宮": "tochigi", "前橋": "gunma", "高崎": "gunma", "大宮": "saitama",
    "さいたま": "saitama", "幕張": "chiba", "船橋": "chiba", "渋谷": "tokyo", "新宿": "tokyo", "品川": "tokyo",
    "秋葉原": "tokyo", "アキバ": "tokyo", "池袋": "tokyo", "六本木": "tokyo", "大手町": "tokyo", "丸の内": "tokyo",
    "五反田": "tokyo", "目黒": "tokyo", "恵比寿": "tokyo", "銀座": "tokyo", "日本橋": "tokyo", "神田": "tokyo",
    "渋谷区": "tokyo", "新宿区": "tokyo", "千代田区": "tokyo", "都内": "tokyo",
    "横浜": "kanagawa", "川崎": "kanagawa", "みなとみらい": "kanagawa", "新横浜": "kanagawa", "藤沢": "kanagawa",
    "金沢": "ishikawa", "浜松": "shizuoka", "甲府": "yamanashi", "松本": "nagano", "名古屋": "aichi", "名駅": "aichi",
    "豊田": "aichi", "四日市": "mie", "大津": "shiga", "梅田": "osaka", "難波": "osaka", "なんば": "osaka",
    "心斎橋": "osaka", "天王寺": "osaka", "神戸": "hyogo", "三宮": "hyogo", "三ノ宮": "hyogo",
    "姫路": "hyogo", "松江": "shimane", "倉敷": "okayama", "福山": "hiroshima", "高松": "kagawa", "松山": "ehime",
    "博多": "fukuoka", "天神": "fukuoka", "北九州": "fukuoka", "小倉": "fukuoka", "那覇": "okinawa",
}  # fmt: skip

#: Regions that cover several prefectures (connpass ORs repeated ``prefecture`` values).
REGIONS: dict[str, tuple[str, ...]] = {
    "関東": ("tokyo", "kanagawa", "saitama", "chiba", "ibaraki", "tochigi", "gunma"),
    "首都圏": ("tokyo", "kanagawa", "saitama", "chiba"),
    "関西": ("osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama"),
    "近畿": ("osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama", "mie"),
    "東海": ("aichi", "shizuoka", "gifu", "mie"),
    "九州": ("fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa"),
    "東北": ("aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima"),
    "北陸": ("niigata", "toyama", "ishikawa", "fukui"),
    "中国地方": ("tottori", "shimane", "okayama", "hiroshima", "yamaguchi"),
    "四国": ("tokushima", "kagawa", "ehime", "kochi"),
}

ONLINE_WORDS = (
    "オンライン", "online", "リモート", "remote", "配信", "zoom", "ウェブ開催", "web開催", "在宅", "自宅から",
)  # fmt: skip


def _place_entries() -> dict[str, Place]:
    places: dict[str, Place] = {}
    for pref in PREFECTURES:
        place = Place(pref.name, (pref.slug,))
        places[pref.name] = place
        places[pref.slug] = place
        short = pref.name[:-1] if pref.name != "北海道" else "北海道"
        places[short] = place
    places["道内"] = places["北海道"]
    places["京都"] = Place("京都府", ("kyoto",))
    for city, slug in CITIES.items():
        places[city] = Place(BY_SLUG[slug].name, (slug,))
    for region, slugs in REGIONS.items():
        places[region] = Place(region, slugs)
        places[f"{region}圏"] = Place(region, slugs)
    for word in ONLINE_WORDS:
        places[word] = Place("オンライン", (ONLINE,))
    return places


PLACES: dict[str, Place] = _place_entries()


def place_label(slugs: Iterable[str]) -> str:
    """``("osaka",)`` → ``大阪府``; a whole region → its name (``東京都・関西``); several → joined with 「・」."""
    wanted = tuple(dict.fromkeys(slugs))
    for region, members in REGIONS.items():
        if set(members) == set(wanted):
            return region
    labels = {s: "オンライン" if s == ONLINE else BY_SLUG[s].name if s in BY_SLUG else s for s in wanted}
    left = set(wanted)  # slugs not yet covered by a region's name
    for region, members in sorted(REGIONS.items(), key=lambda item: -len(item[1])):
        if set(members) <= left:
            first = next(s for s in wanted if s in members)  # the region takes its first member's place
            labels.update({m: region if m == first else "" for m in members})
            left -= set(members)
    return "・".join(label for label in labels.values() if label)
