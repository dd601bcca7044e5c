"""Places people name in questions: prefectures (with or without 都府県), cities and districts, regions, オンライン.

Each resolves to connpass prefecture slugs; a region (関西) becomes several slugs, which connpass ORs. A city or
district (梅田, 秋葉原, 天神) also carries an *area word*, which the tool matches against the venue's address and
name, so 「梅田の勉強会」 does not list an event in 本町 just because both are in 大阪府.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent.sources.prefectures import BY_SLUG, ONLINE, PREFECTURES


@dataclass(frozen=True)
class Place:
    """A prefecture, city, region or オンライン, resolved to connpass prefecture slugs.

    Attributes:
        label: What answers call it (``大阪府``, ``関西``, ``オンライン``).
        slugs: connpass prefecture slugs (ORed).
        area: The word matched against venue addresses (``梅田``), for places smaller than a prefecture.
    """

    label: str
    slugs: tuple[str, ...]
    area: str | None = None


#: Cities, districts and stations, by prefecture: each is also the word looked for in venue addresses.
AREAS: dict[str, tuple[str, ...]] = {
    "hokkaido": ("札幌", "函館", "旭川", "すすきの"),
    "miyagi": ("仙台",), "iwate": ("盛岡",), "fukushima": ("郡山",),
    "ibaraki": ("つくば", "水戸"), "tochigi": ("宇都宮",), "gunma": ("前橋", "高崎"),
    "saitama": ("大宮", "さいたま"), "chiba": ("幕張", "船橋"),
    "tokyo": ("渋谷", "新宿", "品川", "秋葉原", "池袋", "千代田区", "六本木", "大手町", "丸の内", "五反田",
              "目黒", "恵比寿", "銀座", "日本橋", "神田", "有楽町", "虎ノ門", "浜松町", "田町", "大崎", "中野",
              "吉祥寺", "上野", "赤坂", "表参道", "原宿", "八重洲", "新橋", "飯田橋", "高田馬場", "神保町", "お台場",
              "豊洲", "二子玉川"),
    "kanagawa": ("横浜", "川崎", "みなとみらい", "新横浜", "藤沢", "関内", "武蔵小杉"),
    "ishikawa": ("金沢",), "shizuoka": ("浜松",), "yamanashi": ("甲府",), "nagano": ("松本",),
    "aichi": ("名古屋", "名駅", "栄", "金山", "豊田"), "mie": ("四日市",), "shiga": ("大津",),
    "kyoto": ("京都駅", "四条", "烏丸"),
    "osaka": ("梅田", "難波", "心斎橋", "天王寺", "本町", "淀屋橋", "北浜", "中之島", "新大阪"),
    "hyogo": ("神戸", "三宮", "姫路"), "shimane": ("松江",), "okayama": ("倉敷",), "hiroshima": ("福山",),
    "kagawa": ("高松",), "ehime": ("松山",),
    "fukuoka": ("博多", "天神", "北九州", "小倉", "中洲", "薬院"), "okinawa": ("那覇",),
}  # fmt: skip

#: Other ways to write an area: → the word addresses use.
AREA_SPELLINGS: dict[str, str] = {
    "アキバ": "秋葉原", "なんば": "難波", "三ノ宮": "三宮", "渋谷区": "渋谷", "新宿区": "新宿", "大阪駅": "梅田",
    "名古屋駅": "名駅", "博多駅": "博多", "新宿駅": "新宿", "渋谷駅": "渋谷", "品川駅": "品川", "札幌駅": "札幌",
    "仙台駅": "仙台", "横浜駅": "横浜", "三宮駅": "三宮", "栄駅": "栄", "天神駅": "天神", "梅田駅": "梅田",
}  # fmt: skip

#: Romaji names of the best-known areas (English questions), → the area word.
AREA_ROMAJI: dict[str, str] = {
    "sapporo": "札幌", "sendai": "仙台", "shibuya": "渋谷", "shinjuku": "新宿", "shinagawa": "品川",
    "akihabara": "秋葉原", "ikebukuro": "池袋", "roppongi": "六本木", "otemachi": "大手町", "marunouchi": "丸の内",
    "ginza": "銀座", "yokohama": "横浜", "kawasaki": "川崎", "minatomirai": "みなとみらい", "nagoya": "名古屋",
    "sakae": "栄", "umeda": "梅田", "namba": "難波", "shinsaibashi": "心斎橋", "kobe": "神戸", "sannomiya": "三宮",
    "hakata": "博多", "tenjin": "天神", "kanazawa": "金沢", "hamamatsu": "浜松", "naha": "那覇",
}  # fmt: skip

#: Words that mean a whole prefecture.
PREFECTURE_WORDS: dict[str, str] = {"都内": "tokyo", "道内": "hokkaido"}

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
    places["京都"] = Place("京都府", ("kyoto",))
    for word, slug in PREFECTURE_WORDS.items():
        places[word] = Place(BY_SLUG[slug].name, (slug,))
    by_area = {area: slug for slug, areas in AREAS.items() for area in areas}
    for area, slug in by_area.items():
        places[area] = Place(BY_SLUG[slug].name, (slug,), area)
    for spelling, area in {**AREA_SPELLINGS, **AREA_ROMAJI}.items():
        places[spelling] = Place(BY_SLUG[by_area[area]].name, (by_area[area],), area)
    for region, slugs in REGIONS.items():
        places[region] = Place(region, slugs)
        places[f"{region}圏"] = Place(region, slugs)
    for word in ONLINE_WORDS:
        places[word] = Place("オンライン", (ONLINE,))
    return places


PLACES: dict[str, Place] = _place_entries()


def area_of(places: Iterable[Place]) -> str | None:
    """The one area word a question names (``梅田``), or ``None`` when it names none, several, or more places."""
    found = list(places)
    areas = {p.area for p in found if p.area}
    slugs = {s for p in found for s in p.slugs}
    if len(areas) != 1 or len(slugs) != 1:
        return None  # 「梅田か難波」, 「渋谷かオンライン」: one word cannot match both
    return areas.pop()


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
