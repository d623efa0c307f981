"""Reference data shipped in config/: categories, Seoul's districts and dongs, district boundaries.

Loaded on first use and cached: nothing is read at import time.
"""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
DATA_DIR = CONFIG_DIR / "data"


@dataclass(frozen=True)
class Category:
    key: str
    ko: str
    en: str
    synonyms: tuple[str, ...]
    label_only: tuple[str, ...] = ()     # a partner's label that means this key; too vague in free text
    excludes: tuple[str, ...] = ()       # phrases holding a synonym that mean something else (공구리)
    schema_types: tuple[str, ...] = ()   # schema.org types that mean this key

    def label(self, language: str) -> str:
        return self.ko if language.startswith("ko") else self.en


@dataclass(frozen=True)
class District:
    code: str
    name_ko: str
    name_en: str
    lat: float
    lon: float
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # outer rings of (lon, lat)

    def label(self, language: str) -> str:
        return self.name_ko if language.startswith("ko") else self.name_en


@dataclass(frozen=True)
class Dong:
    code: str
    district: str
    name_ko: str
    name_en: str
    lat: float
    lon: float


@lru_cache(maxsize=None)
def categories() -> dict[str, Category]:
    with open(CONFIG_DIR / "categories.toml", "rb") as fh:
        data = tomllib.load(fh)
    return {key: Category(key, v["ko"], v["en"], tuple(v.get("synonyms", ())), tuple(v.get("label_only", ())),
                          tuple(v.get("excludes", ())), tuple(v.get("schema_types", ())))
            for key, v in data.items()}


@lru_cache(maxsize=None)
def place_names() -> dict:
    """config/place_names.toml: other spellings of the gu, English dong names the dong table
    lacks, and Korea's regions and cities outside Seoul (to tell Seoul's 중구 from Busan's)."""
    with open(CONFIG_DIR / "place_names.toml", "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=None)
def place_aliases() -> dict[str, tuple[str, ...]]:
    """config/place_aliases.toml: well-known area names (홍대, 강남역, Itaewon) and their gu codes."""
    with open(CONFIG_DIR / "place_aliases.toml", "rb") as fh:
        return {name: tuple(codes) for name, codes in tomllib.load(fh)["aliases"].items()}


@lru_cache(maxsize=None)
def districts() -> dict[str, District]:
    with open(DATA_DIR / "seoul_districts.geojson", encoding="utf-8") as fh:
        shapes = json.load(fh)
    rings: dict[str, list] = {}
    for feature in shapes["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings.setdefault(feature["properties"]["SIG_CD"], []).extend(
            tuple((float(x), float(y)) for x, y, *_ in polygon[0]) for polygon in polygons)
    out = {}
    with open(DATA_DIR / "seoul_districts.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            out[code] = District(code, row["name_ko"], row["name_en"], float(row["centroid_lat"]),
                                 float(row["centroid_lon"]), tuple(rings.get(code, ())))
    return out


@lru_cache(maxsize=None)
def dongs() -> tuple[Dong, ...]:
    with open(DATA_DIR / "seoul_dongs.csv", encoding="utf-8", newline="") as fh:
        return tuple(Dong(row["code"], row["gu_code"], row["dong_name_ko"], row["dong_name_en"],
                          float(row["lat"]), float(row["lon"])) for row in csv.DictReader(fh))
