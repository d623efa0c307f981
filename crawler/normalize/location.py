"""Where a listing is: district (5-digit MOIS gu code) and dong from coordinates or address text.

Coordinates go through the district boundary polygons, and the dong is the nearest dong point in
that district. Text is read for Korean (서울특별시 마포구 망원로 45, 망원1동) and romanized
(Mapo-gu) forms. Coordinates win when both are present.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from config import reference

# The bounding box of Seoul, to drop swapped or absurd coordinates before the polygon test.
SEOUL_BBOX = (37.41, 37.72, 126.76, 127.19)  # lat min, lat max, lon min, lon max


@dataclass(frozen=True)
class Place:
    district: str | None = None
    dong: str | None = None
    address: str | None = None
    lat: float | None = None
    lon: float | None = None


def _point_in_ring(lon: float, lat: float, ring) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-300) + xi:
            inside = not inside
        j = i
    return inside


def district_at(lat: float, lon: float) -> str | None:
    """The gu whose boundary contains the point, or None outside Seoul."""
    if not (SEOUL_BBOX[0] <= lat <= SEOUL_BBOX[1] and SEOUL_BBOX[2] <= lon <= SEOUL_BBOX[3]):
        return None
    for code, district in reference.districts().items():
        if any(_point_in_ring(lon, lat, ring) for ring in district.polygons):
            return code
    return None


def nearest_dong(district: str, lat: float, lon: float) -> str | None:
    best, best_distance = None, math.inf
    for dong in reference.dongs():
        if dong.district != district:
            continue
        distance = (dong.lat - lat) ** 2 + ((dong.lon - lon) * math.cos(math.radians(lat))) ** 2
        if distance < best_distance:
            best, best_distance = dong.name_ko, distance
    return best


@lru_cache(maxsize=None)
def _district_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One alternation of every gu name, Korean and romanized: a single scan of the text."""
    names: dict[str, str] = {}
    alternatives = []
    for code, d in reference.districts().items():
        stem_en = d.name_en.removesuffix("-gu")
        names[d.name_ko] = code
        names[stem_en.casefold()] = code
        alternatives.append(rf"(?<![가-힣]){d.name_ko}(?![가-힣])")
        alternatives.append(rf"\b{stem_en}[\s-]?gu\b")
    return re.compile("|".join(alternatives), re.IGNORECASE), names


@lru_cache(maxsize=None)
def _dong_patterns() -> dict[str, tuple[re.Pattern, dict[str, str]]]:
    """Per gu, one alternation of its dong names (written without 제, see _without_je)."""
    names_by_district: dict[str, dict[str, str]] = {}
    for dong in reference.dongs():
        names_by_district.setdefault(dong.district, {})[_without_je(dong.name_ko)] = dong.name_ko
    return {district: (re.compile("(?<![가-힣])(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                                  + ")(?![가-힣])"), names)
            for district, names in names_by_district.items()}


_SEOUL = re.compile(r"서울(?:특별시|시)?|Seoul", re.IGNORECASE)
_ADDRESS = re.compile(
    r"(?:서울(?:특별시|시)?\s*)?[가-힣]{1,4}구\s+[가-힣0-9]+(?:로|길|동)(?:\s*\d+(?:-\d+)?(?:번길)?)?"
    r"(?:\s*\d+(?:-\d+)?)?")


def district_from_text(text: str | None) -> str | None:
    """The gu named first in the text."""
    if not text:
        return None
    pattern, names = _district_pattern()
    m = pattern.search(text)
    if not m:
        return None
    word = m.group(0)
    return names.get(word) or names[re.sub(r"[\s-]?gu$", "", word, flags=re.IGNORECASE).casefold()]


def _without_je(text: str) -> str:
    # 상일제1동 and 상일1동, 성수1가제1동 and 성수1가1동 name the same dong.
    return re.sub(r"제(?=\d+동)", "", text)


def dong_from_text(text: str | None, district: str) -> str | None:
    if not text:
        return None
    entry = _dong_patterns().get(district)
    if entry is None:
        return None
    pattern, names = entry
    m = pattern.search(_without_je(text))
    return names[m.group(1)] if m else None


def find_address(text: str | None) -> str | None:
    """An address phrase in free text (서울특별시 마포구 망원로 45), if there is one."""
    if not text:
        return None
    m = _ADDRESS.search(text)
    return " ".join(m.group(0).split()) if m else None


def locate(*, lat: float | None, lon: float | None, address: str | None, text: str | None) -> tuple[Place, list[str]]:
    """Place of an item and problem codes: "outside_seoul", "location_conflict", "location_unknown"."""
    problems: list[str] = []
    address = address or find_address(text)
    text_district = district_from_text(address) or district_from_text(text)
    if lat is not None and lon is not None:
        district = district_at(lat, lon)
        if district is None:
            problems.append("outside_seoul")
            return Place(None, None, address, lat, lon), problems
        if text_district and text_district != district:
            problems.append("location_conflict")
        return Place(district, nearest_dong(district, lat, lon), address, lat, lon), problems
    if text_district:
        dong = dong_from_text(address, text_district) or dong_from_text(text, text_district)
        return Place(text_district, dong, address, None, None), problems
    problems.append("location_unknown")
    return Place(None, None, address, None, None), problems
