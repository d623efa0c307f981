"""Place: the labelled table location_cases.tsv, and the polygon lookup against plain ray casting."""

import csv
import math
from pathlib import Path

import pytest

from config import reference
from crawler.normalize.location import (
    _point_in_ring, district_at, district_from_text, dong_from_text, find_address, locate, nearest_dong)

TABLE = Path(__file__).with_name("location_cases.tsv")
CODES = {"coordinates_invalid", "coordinates_swapped", "outside_seoul", "location_conflict",
         "address_outside_seoul", "district_ambiguous", "several_districts", "location_unknown"}


def _rows():
    lines = [line for line in TABLE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = []
    for number, row in enumerate(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
        rows.append(pytest.param(row, id=f"{number}-{row['group']}"))
    return rows


ROWS = _rows()


def _value(cell):
    return cell or None


def _coordinate(cell):
    return float(cell) if cell else None


def test_the_table_is_big_enough_and_well_formed():
    assert len(ROWS) >= 90
    names = {code: d.name_ko for code, d in reference.districts().items()}
    dongs = {(d.district, d.name_ko) for d in reference.dongs()}
    for param in ROWS:
        row = param.values[0]
        assert None not in row and len(row) == 10, row
        if row["district"]:
            code, name = row["district"].split(" ")
            assert names[code] == name, row
            if row["dong"]:
                assert (code, row["dong"]) in dongs, row
        else:
            assert not row["dong"], row
        assert set(filter(None, row["codes"].split(","))) <= CODES, row
    groups = {p.values[0]["group"] for p in ROWS}
    assert {"gu-ko-full", "gu-ko-short", "gu-ko-bare", "gu-en", "address", "dong", "dong-en", "outside",
            "several", "coords", "boundary", "coords+text", "swapped", "invalid", "none"} <= groups
    inputs = [tuple(p.values[0][k] for k in ("lat", "lon", "address", "text")) for p in ROWS]
    assert len(set(inputs)) == len(inputs), "a case is in the table twice"
    # every gu in every form: Korean full, short and bare, and romanized
    for group, spelling in (("gu-ko-full", "name_ko"), ("gu-ko-short", "name_ko"), ("gu-ko-bare", "name_ko"),
                            ("gu-en", "name_en")):
        texts = [p.values[0]["text"].upper() for p in ROWS if p.values[0]["group"] == group]
        for d in reference.districts().values():
            name = getattr(d, spelling).removesuffix("-gu").upper()
            assert any(name in t for t in texts), (group, name)


@pytest.mark.parametrize("row", ROWS)
def test_place_table(row):
    lat, lon = _coordinate(row["lat"]), _coordinate(row["lon"])
    place, problems = locate(lat=lat, lon=lon, address=_value(row["address"]), text=_value(row["text"]))
    district = row["district"].split(" ")[0] or None
    codes = [c for c in row["codes"].split(",") if c]
    assert (place.district, place.dong, problems) == (district, _value(row["dong"]), codes), row["note"]
    assert place.address == _value(row["found"])
    if "coordinates_invalid" in codes or lat is None:
        assert (place.lat, place.lon) == (None, None)
    elif "coordinates_swapped" in codes:
        assert (place.lat, place.lon) == (lon, lat)
    else:
        assert (place.lat, place.lon) == (lat, lon)


TEXT_ROWS = [p for p in ROWS if not p.values[0]["lat"] and not p.values[0]["address"]]


@pytest.mark.parametrize("row", TEXT_ROWS)
def test_text_functions_agree_with_the_table(row):
    """district_from_text, dong_from_text and find_address on the rows that give text alone."""
    text = _value(row["text"])
    district = row["district"].split(" ")[0] or None
    assert district_from_text(text) == district
    if district:
        assert dong_from_text(text, district) == _value(row["dong"])
    assert find_address(text) == _value(row["found"])


def test_district_at_agrees_with_ray_casting_over_the_polygons():
    districts = reference.districts()

    def slow(lat, lon):
        return next((code for code, d in districts.items()
                     if any(_point_in_ring(lon, lat, ring) for ring in d.polygons)), None)

    points = [(37.40 + i * 0.0033, 126.75 + j * 0.0045) for i in range(100) for j in range(100)]
    # and points a few metres off the vertices, where the cells' edge lists matter
    for d in districts.values():
        for x, y in d.polygons[0][::7]:
            points += [(y + 0.00003, x - 0.00002), (y - 0.00002, x + 0.00003)]
    assert [district_at(lat, lon) for lat, lon in points] == [slow(lat, lon) for lat, lon in points]


def test_every_dong_point_lies_in_its_own_district_and_is_its_own_nearest_dong():
    for dong in reference.dongs():
        assert district_at(dong.lat, dong.lon) == dong.district, dong
        assert nearest_dong(dong.district, dong.lat, dong.lon) == dong.name_ko, dong


def test_unknown_district_has_no_nearest_dong_and_nan_is_no_place():
    assert nearest_dong("99999", 37.5, 127.0) is None
    assert district_at(math.nan, 127.0) is None
