"""Japan's 47 prefectures with connpass's romaji slugs, and deriving a prefecture from an address."""

from __future__ import annotations

from typing import NamedTuple


class Prefecture(NamedTuple):
    slug: str  # connpass ``prefecture`` parameter value
    name: str  # full Japanese name, as addresses start with it


PREFECTURES: tuple[Prefecture, ...] = (
    Prefecture("hokkaido", "北海道"), Prefecture("aomori", "青森県"), Prefecture("iwate", "岩手県"),
    Prefecture("miyagi", "宮城県"), Prefecture("akita", "秋田県"), Prefecture("yamagata", "山形県"),
    Prefecture("fukushima", "福島県"), Prefecture("ibaraki", "茨城県"), Prefecture("tochigi", "栃木県"),
    Prefecture("gunma", "群馬県"), Prefecture("saitama", "埼玉県"), Prefecture("chiba", "千葉県"),
    Prefecture("tokyo", "東京都"), Prefecture("kanagawa", "神奈川県"), Prefecture("niigata", "新潟県"),
    Prefecture("toyama", "富山県"), Prefecture("ishikawa", "石川県"), Prefecture("fukui", "福井県"),
    Prefecture("yamanashi", "山梨県"), Prefecture("nagano", "長野県"), Prefecture("gifu", "岐阜県"),
    Prefecture("shizuoka", "静岡県"), Prefecture("aichi", "愛知県"), Prefecture("mie", "三重県"),
    Prefecture("shiga", "滋賀県"), Prefecture("kyoto", "京都府"), Prefecture("osaka", "大阪府"),
    Prefecture("hyogo", "兵庫県"), Prefecture("nara", "奈良県"), Prefecture("wakayama", "和歌山県"),
    Prefecture("tottori", "鳥取県"), Prefecture("shimane", "島根県"), Prefecture("okayama", "岡山県"),
    Prefecture("hiroshima", "広島県"), Prefecture("yamaguchi", "山口県"), Prefecture("tokushima", "徳島県"),
    Prefecture("kagawa", "香川県"), Prefecture("ehime", "愛媛県"), Prefecture("kochi", "高知県"),
    Prefecture("fukuoka", "福岡県"), Prefecture("saga", "佐賀県"), Prefecture("nagasaki", "長崎県"),
    Prefecture("kumamoto", "熊本県"), Prefecture("oita", "大分県"), Prefecture("miyazaki", "宮崎県"),
    Prefecture("kagoshima", "鹿児島県"), Prefecture("okinawa", "沖縄県"),
)  # fmt: skip

ONLINE = "online"
BY_SLUG: dict[str, Prefecture] = {p.slug: p for p in PREFECTURES}

#: Words in an address or place that mean the event happens online.
ONLINE_MARKERS = ("オンライン", "online", "Online", "ONLINE", "Zoom", "YouTube", "Discord", "Teams", "配信")


def _build_prefixes() -> dict[str, str]:
    """Address prefixes → slug: full names, and names without 都/府/県 (not 京都: 東京都 would shadow it)."""
    table: dict[str, str] = {}
    for pref in PREFECTURES:
        table.setdefault(pref.name, pref.slug)
        if pref.slug != "kyoto":
            table.setdefault(pref.name[:-1], pref.slug)
    table.setdefault("京都", "kyoto")
    return table


_PREFIXES = _build_prefixes()
_PREFIX_LENGTHS = sorted({len(p) for p in _PREFIXES}, reverse=True)


def prefecture_of(address: str | None, place: str | None = None, event_type: str | None = None) -> str | None:
    """The connpass prefecture slug for an event (``online`` for online events), or ``None`` if unknown.

    connpass derives it from the address; an empty address with an online marker in the place means online.
    A dictionary lookup of the address's first characters (loading 10,000 mirror events calls this 10,000 times).
    """
    address = (address or "").strip()
    for length in _PREFIX_LENGTHS:
        slug = _PREFIXES.get(address[:length])
        if slug is not None:
            return slug
    text = f"{address} {place or ''}"
    if any(marker in text for marker in ONLINE_MARKERS) or (not address and event_type == "online"):
        return ONLINE
    return None


def prefecture_label(slug: str | None) -> str:
    """Japanese label for a slug: ``tokyo`` → ``東京都``, ``online`` → ``オンライン``."""
    if slug == ONLINE:
        return "オンライン"
    if slug and slug in BY_SLUG:
        return BY_SLUG[slug].name
    return "不明"


#: Japan's eight regions, for "nearby" when a search in one prefecture finds nothing.
REGIONS: dict[str, tuple[str, ...]] = {
    "北海道": ("hokkaido",),
    "東北": ("aomori", "iwate", "miyagi", "akita", "yamagata", "fukushima"),
    "関東": ("ibaraki", "tochigi", "gunma", "saitama", "chiba", "tokyo", "kanagawa"),
    "中部": ("niigata", "toyama", "ishikawa", "fukui", "yamanashi", "nagano", "gifu", "shizuoka", "aichi"),
    "近畿": ("mie", "shiga", "kyoto", "osaka", "hyogo", "nara", "wakayama"),
    "中国": ("tottori", "shimane", "okayama", "hiroshima", "yamaguchi"),
    "四国": ("tokushima", "kagawa", "ehime", "kochi"),
    "九州・沖縄": ("fukuoka", "saga", "nagasaki", "kumamoto", "oita", "miyazaki", "kagoshima", "okinawa"),
}


def nearby(slugs: tuple[str, ...]) -> tuple[str, ...]:
    """The other prefectures of the regions ``slugs`` belong to (``online`` has no neighbours)."""
    out: list[str] = []
    for members in REGIONS.values():
        if any(s in members for s in slugs):
            out += [m for m in members if m not in slugs and m not in out]
    return tuple(out)
