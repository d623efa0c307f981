"""Where a listing is: district (5-digit MOIS gu code) and dong, from coordinates or address text.

Every rule below is pinned by rows of the table tests/crawler/normalize/location_cases.tsv (run by
tests/crawler/normalize/test_location.py); each function's docstring names its groups of rows.

Reference data: the 25 gu and their boundary polygons (config/data/seoul_districts.*), the 427
administrative dongs with a representative point each (config/data/seoul_dongs.csv), and
config/place_names.toml (other romanizations of gu names, regions and cities outside Seoul).

Problem codes `locate` returns (each needs its message in crawler/normalize/diagnostics.py):

  coordinates_invalid    the pair is no place: (0, 0), NaN, or beyond ±90/±180 either way round;
                         it is ignored and the address and text are read instead
  coordinates_swapped    the pair is outside Seoul as (lat, lon) but inside as (lon, lat) — Seoul's
                         APIs mix up X and Y — or its latitude is beyond ±90 and the swapped pair
                         is a place: the swapped pair is used
  outside_seoul          the coordinates are outside Seoul: no district
  location_conflict      the coordinates and the address (or text) name different districts; the
                         coordinates were used
  address_outside_seoul  no coordinates, and the address or text names a place outside Seoul
                         (부산 중구, 경기도 성남시 중원구, "Jung-gu, Busan"): no district
  district_ambiguous     no coordinates, and the address or text names 중구 or 강서구 (which Busan,
                         Incheon, Daegu, Daejeon and Ulsan also have) with nothing saying Seoul
  several_districts      no coordinates, no gu in the address field, and the text names several
                         Seoul gu outside an address phrase: the first one named was used
  location_unknown       nothing in the coordinates, address or text says where the item is
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from config import reference

# The bounding box of Seoul, to drop swapped or absurd coordinates before the polygon test.
SEOUL_BBOX = (37.41, 37.72, 126.76, 127.19)  # lat min, lat max, lon min, lon max

# The two Seoul gu names that other cities have too (부산 중구, 부산 강서구, 인천 중구, 대구 중구 …).
AMBIGUOUS_DISTRICTS = frozenset({"11140", "11500"})

_CELL = 0.01  # degrees; the grid that district_at indexes the boundary edges by


@dataclass(frozen=True)
class Place:
    district: str | None = None
    dong: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


# --- coordinates ------------------------------------------------------------------------------------

def _point_in_ring(lon: float, lat: float, ring) -> bool:
    """Even-odd ray casting; the reference the indexed `district_at` is tested against."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-300) + xi:
            inside = not inside
        j = i
    return inside


class _Cell(NamedTuple):
    lon: float                  # the cell's centre
    lat: float
    district: str | None        # the gu the centre lies in
    edges: tuple                # ((code, ((x1, y1, x2, y2), ...)), ...) of boundaries crossing the cell


@lru_cache(maxsize=None)
def _grid() -> tuple[tuple[_Cell, ...], ...]:
    """The boundary polygons indexed by a 0.01° grid over SEOUL_BBOX.

    Each cell knows which gu its centre is in and which boundary edges cross it, so a lookup tests a
    handful of edges instead of every vertex of every polygon (5,073 of them).
    """
    lat0, lat1, lon0, lon1 = SEOUL_BBOX
    rows, cols = math.ceil((lat1 - lat0) / _CELL), math.ceil((lon1 - lon0) / _CELL)
    crossing: list[list[dict[str, list]]] = [[{} for _ in range(cols)] for _ in range(rows)]
    edges_by_code: dict[str, list] = {}
    for code, district in reference.districts().items():
        edges = edges_by_code.setdefault(code, [])
        for ring in district.polygons:
            for k in range(len(ring)):
                (x1, y1), (x2, y2) = ring[k - 1], ring[k]
                edges.append((x1, y1, x2, y2))
                r_lo, r_hi = (max(0, min(rows - 1, int((v - lat0) / _CELL))) for v in (min(y1, y2), max(y1, y2)))
                c_lo, c_hi = (max(0, min(cols - 1, int((v - lon0) / _CELL))) for v in (min(x1, x2), max(x1, x2)))
                for r in range(r_lo, r_hi + 1):
                    for c in range(c_lo, c_hi + 1):
                        crossing[r][c].setdefault(code, []).append((x1, y1, x2, y2))
    grid = []
    for r in range(rows):
        lat = lat0 + (r + 0.5) * _CELL
        # Where the row's centre line crosses each gu's boundary: a centre is inside a gu when an odd
        # number of those crossings lie west of it (the same half-open rule as _point_in_ring).
        xs = {code: sorted(x1 + (x2 - x1) * (lat - y1) / (y2 - y1)
                           for x1, y1, x2, y2 in edges if (y1 > lat) != (y2 > lat))
              for code, edges in edges_by_code.items()}
        row = []
        for c in range(cols):
            lon = lon0 + (c + 0.5) * _CELL
            centre = next((code for code, cuts in xs.items() if bisect.bisect_left(cuts, lon) % 2), None)
            row.append(_Cell(lon, lat, centre, tuple((code, tuple(e)) for code, e in crossing[r][c].items())))
        grid.append(tuple(row))
    return tuple(grid)


def _crossings_odd(ax: float, ay: float, bx: float, by: float, edges) -> bool:
    """Whether the segment a–b crosses an odd number of the edges (a vertex counts on one side only)."""
    odd = False
    dx, dy = bx - ax, by - ay
    for x1, y1, x2, y2 in edges:
        if ((dx * (y1 - ay) - dy * (x1 - ax)) > 0) == ((dx * (y2 - ay) - dy * (x2 - ax)) > 0):
            continue
        ex, ey = x2 - x1, y2 - y1
        if ((ex * (ay - y1) - ey * (ax - x1)) > 0) != ((ex * (by - y1) - ey * (bx - x1)) > 0):
            odd = not odd
    return odd


def district_at(lat: float, lon: float) -> str | None:
    """The gu whose boundary polygon contains the point, or None outside Seoul.

    Strict about the order: a swapped pair gives None here (`locate` tries the swap). Table: the rows
    with coordinates in location_cases.tsv (a sample of gu centroids, points a few metres either side
    of a boundary, Incheon, Busan, Gwacheon); test_location.py also checks it against plain ray
    casting over the polygons on a grid of 10,000 points.
    """
    if not (SEOUL_BBOX[0] <= lat < SEOUL_BBOX[1] and SEOUL_BBOX[2] <= lon < SEOUL_BBOX[3]):
        return None
    cell = _grid()[int((lat - SEOUL_BBOX[0]) / _CELL)][int((lon - SEOUL_BBOX[2]) / _CELL)]
    if not cell.edges:
        return cell.district
    for code, edges in cell.edges:
        # Walk from the cell's centre to the point: each boundary crossed flips inside/outside.
        if (code == cell.district) != _crossings_odd(cell.lon, cell.lat, lon, lat, edges):
            return code
    if cell.district is not None and all(code != cell.district for code, _ in cell.edges):
        return cell.district
    return None


@lru_cache(maxsize=None)
def _dong_points() -> dict[str, tuple[tuple[float, float, str], ...]]:
    points: dict[str, list] = {}
    for dong in reference.dongs():
        points.setdefault(dong.district, []).append((dong.lat, dong.lon, dong.name_ko))
    return {code: tuple(p) for code, p in points.items()}


def nearest_dong(district: str, lat: float, lon: float) -> str | None:
    """The administrative dong of `district` whose representative point is nearest (None for an unknown gu).

    An approximation: dongs are not convex around their point, so near a dong boundary the neighbour
    can win; `locate` prefers a dong of the same gu that the address names. Table: the coordinate
    rows of location_cases.tsv with no dong in their text.
    """
    best, best_distance = None, math.inf
    scale = math.cos(math.radians(lat)) ** 2
    for dong_lat, dong_lon, name in _dong_points().get(district, ()):
        distance = (dong_lat - lat) ** 2 + (dong_lon - lon) ** 2 * scale
        if distance < best_distance:
            best, best_distance = name, distance
    return best


def _valid(lat: float, lon: float) -> bool:
    return (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180
            and not (lat == 0 and lon == 0))


# --- names ------------------------------------------------------------------------------------------

# What may follow a place name inside a Korean word: particles (마포구에서, 망원동의), and the nouns
# that make an office or its people (마포구청, 구민, 망원1동 주민센터, 명동역). Anything else glued to
# it makes another word (중구난방, 동구밭). The particles take the form the name's last syllable
# calls for: after 구 and 가 (no final consonant) 가, 는, 를, 와, 로; after 동 이, 은, 을, 과, 으로 —
# so 능동로 and 명동길 are roads, not 능동 and 명동 followed by a particle.
_FOLLOW_NOUNS = "청|민|립|내|소재|일대|일원|지역|쪽|주민|거주|전역|관내|주민센터|행정복지센터|사무소|근처|인근|역"
_FOLLOW_VOWEL = f"에서|에게|에|의|는|가|를|로|와|도|만|까지|부터|{_FOLLOW_NOUNS}"      # after 구, 가
_FOLLOW_CONSONANT = f"에서|에게|에|의|은|이|을|으로|과|도|만|까지|부터|{_FOLLOW_NOUNS}"  # after 동
_FOLLOW = re.compile(rf"[^가-힣]|\Z|(?:{_FOLLOW_VOWEL})")
_FOLLOW_FIRST = frozenset(word[0] for word in _FOLLOW_CONSONANT.split("|"))
_SEP = "[·.,ㆍ\u119e・‧]"  # what joins merged dong numbers: 상계3·4동, 면목3.8동, 면목3ㆍ8동


def _hangul(ch: str) -> bool:
    return "가" <= ch <= "힣"


def _says_seoul(text: str) -> bool:
    return "서울" in text or "Seoul" in text or "SEOUL" in text or "seoul" in text


class _Names(NamedTuple):
    gu_ko: dict[str, str]         # 마포구 -> 11440
    gu_en: dict[str, str]         # mapo -> 11440 (casefolded, without -gu), with other spellings
    short_gu: frozenset[str]      # 동구, 서구, 남구, 북구: two-syllable gu of other cities
    ko_gu: re.Pattern             # the Korean names above, longest first
    en_gu: re.Pattern             # a romanized "<name>-gu"
    seoul_before: re.Pattern      # 서울, 서울특별시, Seoul right before a gu
    seoul_after: re.Pattern       # ", Seoul" right after a romanized gu
    outside_before: re.Pattern    # 부산, 인천광역시, 경기도 성남시, Busan right before a gu
    outside_after: re.Pattern     # ", Busan" right after a romanized gu
    outside_address: re.Pattern   # an address field that starts with a region outside Seoul
    outside_text: re.Pattern      # 부산광역시, 성남시, 부산 해운대구 anywhere in a text
    address_prefix: re.Pattern    # the region and city written before the gu of an address
    outside_address_phrase: re.Pattern  # an address of a gu outside Seoul (경기도 성남시 중원구 광명로 1)
    outside_hint: re.Pattern      # any of the region and city names: a cheap test before the others


@lru_cache(maxsize=None)
def _names() -> _Names:
    config = reference.place_names()
    gu_ko, gu_en = {}, {}
    for code, d in reference.districts().items():
        gu_ko[d.name_ko] = code
        gu_en[d.name_en.removesuffix("-gu").casefold()] = code
    for code, spellings in config["district_spellings"].items():
        for spelling in spellings:
            gu_en[spelling.casefold()] = code
    outside = config["outside_seoul"]
    short_gu = frozenset(outside["short_gu_ko"]) - gu_ko.keys()

    def alternation(words):
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    metro, provinces = alternation(outside["metro_ko"]), alternation(outside["provinces_ko"])
    cities, names_en = alternation(outside["cities_ko"]), alternation(outside["names_en"])
    metro_any = rf"(?:{metro})(?:광역시|시)?"
    province_any = rf"(?:{provinces})(?:특별자치도|특별자치시|도)?"
    city = rf"(?:{cities})시"
    other_gu = r"(?:[가-힣]{2,4}|[중동서남북])구"
    return _Names(
        gu_ko=gu_ko, gu_en=gu_en, short_gu=short_gu,
        ko_gu=re.compile(alternation([*gu_ko, *short_gu])),
        en_gu=re.compile(r"\b([A-Za-z]+)[\s-]?(?:gu|Gu|GU)\b"),
        seoul_before=re.compile(r"(?:서울(?:특별시|시)?|\bSeoul(?:[\s-](?:si|city|special city))?)[\s,]*\Z",
                                re.IGNORECASE),
        seoul_after=re.compile(r"[\s,]*Seoul\b", re.IGNORECASE),
        outside_before=re.compile(
            rf"(?:(?<![가-힣]){metro_any}|(?:(?<![가-힣]){province_any}\s*)?(?<![가-힣]){city}"
            rf"|\b(?:{names_en})(?:[\s-](?:si|city|do))?)[\s,]*\Z", re.IGNORECASE),
        outside_after=re.compile(rf"[\s,]*(?:{names_en})\b", re.IGNORECASE),
        outside_address=re.compile(
            rf"\s*(?:대한민국\s*|(?:South\s+)?Korea,?\s*)?(?:(?:{metro_any}|{province_any}|{city})(?![가-힣])"
            rf"|(?:{names_en})\b)", re.IGNORECASE),
        outside_text=re.compile(
            rf"(?<![가-힣])(?:(?:{metro})광역시|(?:{provinces})(?:특별자치도|특별자치시)|{city}(?![가-힣])"
            rf"|(?:{provinces})도\s*(?:{cities})시|{metro_any}\s*{other_gu}(?=[^가-힣]|\Z|{_FOLLOW_VOWEL}))"),
        address_prefix=re.compile(
            rf"(?<![가-힣])(?:(?:서울(?:특별시|시)?|{metro_any}|{province_any})\s*)?(?:{city}\s*)?\Z"),
        outside_address_phrase=re.compile(
            rf"(?<![가-힣])(?:(?:{metro_any}|{province_any})\s*)?(?:{city}\s*)?(?<=[시도\s]){other_gu}"
            rf"(?={_ADDRESS_TAIL.pattern})"),
        outside_hint=re.compile(alternation([*outside["metro_ko"], *outside["provinces_ko"], *outside["cities_ko"]])))


class _Mention(NamedTuple):
    start: int
    end: int
    district: str | None      # a Seoul gu code, or None for a gu of another city
    where: str                # "seoul", "outside" or "unsure" (중구, 강서구 with no region said)


@lru_cache(maxsize=64)
def _mentions(text: str) -> tuple[_Mention, ...]:
    """Every gu the text names, Korean or romanized, in order, with whether it is Seoul's.

    A Korean name counts as a word of its own (마포구, 마포구에서, 마포구청; not 중구난방), or glued
    to 서울/서울특별시 (서울마포구). A name only Seoul has (23 of the 25) is Seoul's. 중구 and 강서구
    are Seoul's right after 서울/서울특별시/Seoul (or, romanized, right before ", Seoul"), another
    city's right after a region or city of elsewhere (부산 중구, 인천광역시 중구, "Busan Jung-gu",
    "Jung-gu, Busan"), else "unsure" (`_read` settles them). 동구, 서구, 남구, 북구 and romanized gu
    of other cities count, as "outside", only right after a region or city of elsewhere.
    """
    names = _names()
    found = []
    for m in names.ko_gu.finditer(text):
        start = m.start()
        if start and _hangul(text[start - 1]) and text[start - 1] not in "울시":
            continue
        if not _FOLLOW.match(text, m.end()):
            continue
        mention = _classify(text, m, names.gu_ko.get(m.group()), roman=False)
        if mention:
            found.append(mention)
    if "gu" in text or "Gu" in text or "GU" in text:
        for m in names.en_gu.finditer(text):
            mention = _classify(text, m, names.gu_en.get(m.group(1).casefold()), roman=True)
            if mention:
                found.append(mention)
        found.sort()
    return tuple(found)


def _classify(text: str, m: re.Match, district: str | None, roman: bool) -> _Mention | None:
    names = _names()
    if district is not None and district not in AMBIGUOUS_DISTRICTS:
        return _Mention(m.start(), m.end(), district, "seoul")
    before = text[max(0, m.start() - 24):m.start()]
    if names.seoul_before.search(before) or (roman and names.seoul_after.match(text, m.end())):
        where = "seoul"
    elif names.outside_before.search(before) or (roman and names.outside_after.match(text, m.end())):
        return _Mention(m.start(), m.end(), None, "outside")
    else:
        where = "unsure"
    return _Mention(m.start(), m.end(), district, where) if district is not None else None


def district_from_text(text: str | None) -> str | None:
    """The Seoul gu the text names, Korean or romanized; None if it names none for sure.

    Rules (rows "gu-ko-full", "gu-ko-short", "gu-ko-bare", "gu-en" and "outside" of
    location_cases.tsv; for several gu see `_read`): 서울특별시 마포구, 서울시 마포구, 서울 마포구,
    마포구, 마포구청, 마포구에서, Mapo-gu, Mapo gu, Mapogu, MAPO-GU, "Seoul Mapo-gu", "Mapo-gu, Seoul",
    and the spellings in config/place_names.toml (Kangnam-gu). 중구 and 강서구 (also in Busan,
    Incheon, Daegu, Daejeon, Ulsan) count only when Seoul is named in the same text or one of the
    gu's dongs is; a gu right after another region (부산 중구, 경기도 성남시 중원구, "Jung-gu, Busan")
    never counts. Neighbourhood nicknames (Hongdae, 강남 without 구) say nothing: an alias table may
    come later. A dong alone may also give the gu (see `_read`).
    """
    if not text:
        return None
    return _read(None, text).district


# --- dongs ------------------------------------------------------------------------------------------

_DONG_FORM = re.compile(r"([가-힣]+?)(?:(\d+(?:·\d+)*)(가)?(\d+)?)?동")  # a name as _dong_key spells it
_DONG_TOKEN = re.compile(
    rf"(?:(?<![가-힣])|(?<=[구시]))([가-힣]{{1,6}}(?:제?\d+(?:{_SEP}\d+)*가?(?:\s?제?\d+)?)?동(?:\d+가)?)"
    rf"(?=[^가-힣]|\Z|{_FOLLOW_CONSONANT})")
_SEP_RE = re.compile(_SEP)
_JE_MARKER = re.compile(r"(?<=[가-힣]{2})제(?=\d)|(?<=\d가)제(?=\d)")
_DONG_TOKEN_EN = re.compile(
    r"\b[A-Za-z]+(?:[\s-]?\d+(?:\([a-z]+\))?)?(?:[\s-]?ga(?:[\s-]?\d+(?:\([a-z]+\))?)?)?[\s-]?dong\b",
    re.IGNORECASE)


def _dong_key(token: str) -> str:
    """A dong name as the index spells it: 제 markers and spaces dropped, · for any number separator.

    상일제1동 → 상일1동, 성수1가 제1동 → 성수1가1동, 면목3.8동 → 면목3·8동; 홍제1동 keeps its 제,
    which is part of the name (the marker follows a name of two or more syllables).
    """
    token = _SEP_RE.sub("·", token.replace(" ", ""))
    return _JE_MARKER.sub("", token) if "제" in token else token


def _en_key(token: str) -> str:
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\([a-z]+\)", "", token.casefold()))


class _Dongs(NamedTuple):
    by_key: dict[str, dict[str, frozenset[str]]]   # key -> {district: administrative dong names}
    exact: dict[str, dict[str, str]]               # key -> {district: the dong of exactly that name}
    ga_token: re.Pattern                           # 종로2가, 금호3가: a 가 of a 가 dong, without 동


@lru_cache(maxsize=None)
def _dongs() -> _Dongs:
    """Every way a text may name a dong, each with the administrative dongs it can mean.

    - the administrative name (망원1동, 종로1·2·3·4가동, 상일제1동 as 상일1동 and 상일제1동);
    - each part of a merged one (상계3동 and 상계4동 → 상계3·4동, 종로2가동 → 종로1·2·3·4가동);
    - the legal-dong forms of 가 dongs (성수동1가 → 성수1가1동 or 성수1가2동; 종로2가 → 종로1·2·3·4가동);
    - the stem of numbered ones, which is the legal dong's name (망원동 → 망원1동 or 망원2동, 상일동 →
      상일제1동 or 상일제2동, 화곡동 → 화곡1동 … 화곡본동);
    - romanized: the dong's English name without its "(il)" readings, and its stem (Mangwon 1-dong,
      Mangwon1-dong, Mangwon-dong).
    """
    english = reference.place_names()["dong_names_en"]
    by_key: dict[str, dict[str, set[str]]] = {}
    exact: dict[str, dict[str, str]] = {}
    ga_stems: set[str] = set()

    def add(key: str, district: str, name: str) -> None:
        by_key.setdefault(key, {}).setdefault(district, set()).add(name)

    for dong in reference.dongs():
        name, district = dong.name_ko, dong.district
        key = _dong_key(name)
        for k in {key, name}:
            exact.setdefault(k, {})[district] = name
            add(k, district, name)
        m = _DONG_FORM.fullmatch(key)
        if m is None:
            continue  # not a "…동" name: only its exact spelling is known
        stem, numbers, ga = m.group(1), m.group(2), m.group(3)
        if numbers:
            parts = numbers.split("·")
            if ga:
                ga_stems.add(stem)
                for part in parts:
                    add(f"{stem}{part}가동", district, name)
                    add(f"{stem}{part}가", district, name)
                    add(f"{stem}동{part}가", district, name)
            elif len(parts) > 1:
                for part in parts:
                    add(f"{stem}{part}동", district, name)
            add(f"{stem}동", district, name)
        elif stem.endswith("본") and len(stem) > 2:
            add(f"{stem[:-1]}동", district, name)
        name_en = dong.name_en or english.get(dong.code, "")
        if name_en:
            key_en = _en_key(name_en)
            for k in {key_en, re.sub(r"\d", "", key_en)}:
                add(k, district, name)
            if key_en.endswith("bondong"):
                add(key_en.removesuffix("bondong") + "dong", district, name)
    ga_token = re.compile(rf"(?:(?<![가-힣])|(?<=[구시]))((?:{'|'.join(sorted(ga_stems))})\d+가)"
                          rf"(?=[^가-힣]|\Z|{_FOLLOW_VOWEL})")
    return _Dongs({k: {d: frozenset(n) for d, n in v.items()} for k, v in by_key.items()}, exact, ga_token)


@lru_cache(maxsize=64)
def _dong_candidates(text: str) -> tuple:
    """(the text's form, candidates by gu, exact names by gu) for each dong the text names, in order."""
    index = _dongs()
    tokens: list[tuple[int, str]] = []
    i = text.find("동")
    while i != -1:
        end = i + 1
        after = text[i + 1:i + 2]
        # Most 동 are inside other words (활동, 전동드릴): only a word's end, a particle or 1가 may follow.
        if not after or not _hangul(after) or after in _FOLLOW_FIRST:
            for m in _DONG_TOKEN.finditer(text, max(0, i - 16), i + 16):
                if m.start() <= i < m.end():
                    tokens.append((m.start(), _dong_key(m.group(1))))
                    end = m.end()
                    break
        i = text.find("동", end)
    if "가" in text:
        ga = [(m.start(), _dong_key(m.group(1))) for m in index.ga_token.finditer(text)]
        if ga:
            tokens = sorted(tokens + ga)
    if "dong" in text or "Dong" in text or "DONG" in text:
        tokens += [(m.start(), _en_key(m.group())) for m in _DONG_TOKEN_EN.finditer(text)]
        tokens.sort()
    return tuple((key, index.by_key[key], index.exact.get(key, {})) for _, key in tokens if key in index.by_key)


def _dong_in(candidates, district: str) -> str | None:
    """The first name among the candidates that means exactly one dong of `district`."""
    for _, by_district, exact in candidates:
        if district in exact:
            return exact[district]
        names = by_district.get(district)
        if names is not None and len(names) == 1:
            return next(iter(names))
    return None


def dong_from_text(text: str | None, district: str) -> str | None:
    """The administrative dong of `district` that the text names first, or None.

    Rules (rows "dong" and "dong-en" of location_cases.tsv): the dong is always one of the 427
    administrative dongs (행정동) in config/data, so one vocabulary serves the filters.
    - An administrative name is that dong: 망원1동, 상일제1동 or 상일1동, 성수1가1동 or 성수1가제1동,
      종로1·2·3·4가동, 면목3·8동 or 면목3.8동, 홍제1동 (its 제 is part of the name), Mangwon 1-dong.
    - A part of a merged dong is the merged dong: 상계4동 → 상계3·4동, 종로2가 → 종로1·2·3·4가동,
      금호동3가 → 금호2·3가동, 용산동2가 → 용산2가동.
    - A legal-dong name (법정동) that several administrative dongs share gives no dong: 망원동 (망원1동,
      망원2동), 성수동1가 (성수1가1동, 성수1가2동), 역삼동, 상일동; a later, exact name still does
      (망원동 망원1동 주민센터 → 망원1동). The legal name still gives the gu when the gu is not named
      (see `_read`). Where an administrative dong has the legal dong's name (서교동, 신당동), that
      name is the administrative dong.
    - A legal dong with a name of its own that no administrative dong carries (동교동, 상수동) is not
      recognised: there is no legal-to-administrative table in config yet.
    - A dong of another gu is ignored (마포구 역삼동 gives 마포구 and no dong).
    """
    if not text:
        return None
    return _dong_in(_dong_candidates(text), district)


@lru_cache(maxsize=64)
def _outside_text(text: str) -> bool:
    """Whether the text names a region or city outside Seoul as an address would (부산광역시, 성남시)."""
    names = _names()
    return bool(names.outside_hint.search(text) and names.outside_text.search(text))


# --- addresses --------------------------------------------------------------------------------------

_ADDRESS_TAIL = re.compile(
    r"\s+(?:[가-힣A-Za-z0-9]+?(?:로|길)(?:(?:\s*\d+(?:번?[가-힣]?길))?\s*\d+(?:-\d+)?(?![\d가동길번·ㆍ\u119e・‧]|[.,]\d)"
    r"|\s*\d+번?[가-힣]?길(?![가-힣\d]))"
    r"|[가-힣]+\d*(?:동|가)(?:\d+가)?\s+(?:산\s*)?\d+(?:-\d+)?(?:번지)?)")


@lru_cache(maxsize=64)
def _address_span(text: str) -> tuple[int, int] | None:
    names = _names()
    for mention in _mentions(text):
        if not _hangul(text[mention.start]):
            continue  # a romanized gu: English addresses are not cut out
        tail = _ADDRESS_TAIL.match(text, mention.end)
        if tail is None:
            continue
        prefix = names.address_prefix.search(text, max(0, mention.start - 24), mention.start)
        return prefix.start(), tail.end()
    if _outside_text(text):
        m = names.outside_address_phrase.search(text)
        if m:
            return m.start(), _ADDRESS_TAIL.match(text, m.end()).end()
    return None


def find_address(text: str | None) -> str | None:
    """An address phrase in free text, whitespace collapsed, or None.

    Rows "address" of location_cases.tsv (and the "found" column of every row): a road-name address
    with a building number or a numbered 길 (서울특별시 마포구 망원로 45, 강남구 선릉로93길 6, 마포구
    포은로 8길) or a lot-number one (마포구 서교동 395-166, 성동구 성수동1가 685-20번지), with
    서울/서울시/서울특별시 or another region before the gu if written (경기도 성남시 중원구 광명로 1).
    Without a region the gu must be one of Seoul's 25, so "공구 대여로 5" is no address; 종로2가 9 is a
    lot number in 종로2가, not 종로 2. Floors, rooms and building names after the number are left out.
    English addresses are not cut out.
    """
    if not text:
        return None
    span = _address_span(text)
    return " ".join(text[span[0]:span[1]].split()) if span else None


# --- reading a place from text ----------------------------------------------------------------------

class _Reading(NamedTuple):
    district: str | None
    dong: str | None
    problems: tuple[str, ...]
    mentioned: frozenset[str]     # every Seoul gu the texts name for sure (for the conflict check)
    outside: bool                 # the address or text places the item outside Seoul


def _read(address: str | None, text: str | None, with_dong: bool = True) -> _Reading:
    """District, dong and problems from the address field, else from the free text.

    Order (each step pinned by rows of location_cases.tsv):
    1. the address field: the first Seoul gu it names;
    2. an address phrase in the text (see find_address): its gu;
    3. gu named in the text: the first; "several_districts" if it names others too;
    4. a place outside Seoul named in the address or text → no district, "address_outside_seoul";
    5. a dong whose name only one Seoul gu has (망원1동, 망원동, 성수동1가) → that gu; a name of two
       syllables (명동, 능동, 목동, 길동, 창동) counts only if the text says 서울/Seoul;
    6. 중구 or 강서구 with nothing saying Seoul → "district_ambiguous"; else "location_unknown".
    중구 and 강서구 with no region right before them are Seoul's when 서울/Seoul appears anywhere in
    the address or text, or one of their Seoul dongs is named (중구 명동, 강서구 화곡동).
    The dong is then looked for in the address, then the text, within the gu found (unless
    `with_dong` is false: `locate` with coordinates takes its dong elsewhere).
    """
    names = _names()
    sources = [(is_address, s) for is_address, s in ((True, address), (False, text)) if s]
    seoul_context = any(_says_seoul(s) for _, s in sources)
    found: list = []

    def candidates() -> list:  # the dongs named, read only when needed: most texts name a gu
        if not found:
            found.append([c for _, s in sources for c in _dong_candidates(s)])
        return found[0]

    all_mentions: list[_Mention] = []
    district = None
    problems: list[str] = []
    for is_address, source in sources:
        mentions = [m._replace(where="seoul") if m.where == "unsure" and (
                        seoul_context or any(m.district in by for _, by, _ in candidates())) else m
                    for m in _mentions(source)]
        all_mentions += mentions
        seoul = [m for m in mentions if m.where == "seoul"]
        if not seoul:
            if is_address and any(m.where == "outside" for m in mentions):
                break  # the address field says where it is: the text is not read for a district
            continue
        if is_address:
            district = seoul[0].district
        else:
            span = _address_span(source)
            in_phrase = [m for m in seoul if span and span[0] <= m.start < span[1]]
            district = (in_phrase or seoul)[0].district
            if not in_phrase and len({m.district for m in seoul}) > 1:
                problems.append("several_districts")
        break
    mentioned = frozenset(m.district for m in all_mentions if m.where == "seoul")
    if district is not None:
        dong = _dong_in(candidates(), district) if with_dong else None
        return _Reading(district, dong, tuple(problems), mentioned, False)
    if (any(m.where == "outside" for m in all_mentions)
            or bool(address and names.outside_address.match(address))
            or any(_outside_text(s) for _, s in sources)):
        return _Reading(None, None, ("address_outside_seoul",), mentioned, True)
    district = _district_from_dong(candidates(), seoul_context)
    if district is not None:
        return _Reading(district, _dong_in(candidates(), district), (), frozenset({district}), False)
    if any(m.where == "unsure" for m in all_mentions):
        return _Reading(None, None, ("district_ambiguous",), mentioned, False)
    return _Reading(None, None, ("location_unknown",), mentioned, False)


def _district_from_dong(candidates, seoul_context: bool) -> str | None:
    for key, by_district, _ in candidates:
        if len(by_district) != 1:
            continue  # 신사동, 삼성동: more than one gu has one
        if len(key) < 3 and not seoul_context:
            continue  # 명동, 능동, 목동: too short to trust without 서울
        return next(iter(by_district))
    return None


# --- the whole place --------------------------------------------------------------------------------

def locate(*, lat: float | None, lon: float | None, address: str | None, text: str | None) -> tuple[Place, list[str]]:
    """Place of an item and its problem codes (see the module docstring for the codes).

    Table: every row of tests/crawler/normalize/location_cases.tsv. Rules:
    - Coordinates decide the district by the boundary polygons. A pair outside Seoul that lands
      inside when swapped is used swapped ("coordinates_swapped"). (0, 0), NaN and a pair beyond
      ±90/±180 either way round are ignored ("coordinates_invalid") and the text is read instead.
      Any other pair outside Seoul: no district, "outside_seoul".
    - The dong with coordinates: the administrative dong of that gu that the address field names,
      if any (the partner's own address beats a nearest-point guess), else the nearest dong point
      of the gu. A dong merely mentioned in the text does not count ("길동역 인근" is near 길동,
      not in it).
    - Coordinates win over text: if the address (or, without one, the text) names a gu and the
      coordinates' gu is not among those it names, "location_conflict" (also when the text names a
      Seoul gu and the coordinates are outside Seoul, or the text names a place outside Seoul and
      the coordinates are in it).
    - Without coordinates, the address field, then the text, as in `_read`.
    - `Place.address` is the address field, else the address phrase found in the text.
    """
    problems: list[str] = []
    address = address or None
    place_address = address or find_address(text)
    if lat is not None and lon is not None:
        district = district_at(lat, lon)
        if district is None and (district_at(lon, lat) is not None or not _valid(lat, lon) and _valid(lon, lat)):
            lat, lon = lon, lat  # in Seoul only when swapped, or a latitude beyond ±90 that is fine swapped
            district = district_at(lat, lon)
            problems.append("coordinates_swapped")
        elif district is None and not _valid(lat, lon):
            problems.append("coordinates_invalid")
            lat = lon = None
    if lat is None or lon is None:
        reading = _read(address, text)
        return Place(reading.district, reading.dong, place_address, None, None), problems + list(reading.problems)
    reading = _read(address, text, with_dong=False)
    if district is None:
        problems.append("outside_seoul")
        if reading.district is not None or reading.mentioned:
            problems.append("location_conflict")
        return Place(None, None, place_address, lat, lon), problems
    if reading.outside or (reading.mentioned and district not in reading.mentioned):
        problems.append("location_conflict")
    dong = _dong_in(_dong_candidates(address), district) if address else None
    return Place(district, dong or nearest_dong(district, lat, lon), place_address, lat, lon), problems
