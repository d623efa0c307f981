"""The district maps on real boundary data: structure, accessibility, escaping, colour classes, size."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from config.reference import districts
from search_ui.districtmap import count_classes, district_map_svg, legend, mini_map_svg

NS = "{http://www.w3.org/2000/svg}"
MAPO = "11440"
PATH_DATA = re.compile(r"(M-?\d+(\.\d)? -?\d+(\.\d)?L-?\d+(\.\d)? -?\d+(\.\d)?( -?\d+(\.\d)? -?\d+(\.\d)?)*Z)+")


def sample_counts() -> dict[str, int]:
    # Every district a different count except Jongno (none) and two tied pairs, Mapo the busiest.
    counts = {code: index + 1 for index, code in enumerate(sorted(districts()))}
    counts["11110"] = 0
    counts["11200"] = counts["11215"] = 5
    counts[MAPO] = 120
    return counts


def render(counts: dict[str, int] | None = None, **overrides) -> str:
    arguments = dict(href_for=lambda code: f"/search?district={code}",
                     label_for=lambda code: districts()[code].name_ko,
                     title="자치구별 항목 수", count_label=lambda n: f"{n}건")
    arguments.update(overrides)
    return district_map_svg(sample_counts() if counts is None else counts, **arguments)


def links(svg: str) -> dict[str, ET.Element]:
    """The map's links keyed by the district code in their href."""
    root = ET.fromstring(svg)
    return {a.get("href").rsplit("=", 1)[1]: a for a in root.iter(f"{NS}a")}


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    return x, y, width, height


def path_points(d: str) -> list[tuple[float, float]]:
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    return list(zip(numbers[0::2], numbers[1::2]))


def test_the_map_is_an_svg_labelled_by_its_title():
    root = ET.fromstring(render())
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "group"
    title = root.find(f"{NS}title")
    assert title is not None and title.text == "자치구별 항목 수"
    assert root.get("aria-labelledby") == title.get("id")
    _, _, width, height = view_box(root)
    assert 590 <= width <= 610 and 300 < height < width


def test_the_map_id_names_the_title_so_two_maps_can_share_a_page():
    root = ET.fromstring(render(map_id="side-map"))
    assert root.get("id") == "side-map"
    assert root.get("aria-labelledby") == root.find(f"{NS}title").get("id") == "side-map-title"


def test_one_link_per_district_with_its_href_and_accessible_name():
    counts = sample_counts()
    found = links(render(counts))
    assert set(found) == set(districts())
    for code, a in found.items():
        expected = f"{districts()[code].name_ko}: {counts[code]}건"
        assert a.get("href") == f"/search?district={code}"
        assert a.get("aria-label") == expected
        assert a.find(f"{NS}title").text == expected
        assert a.find(f"{NS}path") is not None
    assert found[MAPO].get("aria-label") == "마포구: 120건"


def test_districts_missing_from_the_counts_read_as_zero():
    found = links(render({MAPO: 3}))
    assert found["11680"].get("aria-label") == "강남구: 0건"
    assert found["11680"].find(f"{NS}path").get("class") == "c0"
    assert found[MAPO].find(f"{NS}path").get("class") == "c4"


def test_paths_use_m_l_z_with_one_decimal_and_stay_in_the_view():
    root = ET.fromstring(render())
    x0, y0, width, height = view_box(root)
    for path in root.iter(f"{NS}path"):
        d = path.get("d")
        assert PATH_DATA.fullmatch(d), d[:80]
        for x, y in path_points(d):
            assert x0 <= x <= x0 + width and y0 <= y <= y0 + height


def test_the_whole_map_stays_small():
    assert len(render().encode("utf-8")) < 40_000


def test_fill_comes_from_classes_only_because_of_the_csp():
    svg = render()
    root = ET.fromstring(svg)
    assert root.find(f".//{NS}style") is None
    assert all("style" not in element.attrib and "fill" not in element.attrib for element in root.iter())
    classes = {path.get("class").split()[0] for path in root.iter(f"{NS}path")}
    assert classes <= {"c0", "c1", "c2", "c3", "c4"}


def test_no_listings_is_c0_and_the_busiest_is_c4():
    found = links(render())
    assert found["11110"].find(f"{NS}path").get("class") == "c0"
    assert found[MAPO].find(f"{NS}path").get("class") == "c4"


def test_classes_rise_with_the_count_and_ties_share_one():
    counts = sample_counts()
    classes = count_classes(counts)
    assert set(classes) == set(districts())
    assert set(classes.values()) == {0, 1, 2, 3, 4}
    assert classes["11200"] == classes["11215"]
    by_count = sorted(districts(), key=lambda code: counts[code])
    assert [classes[code] for code in by_count] == sorted(classes[code] for code in by_count)
    assert all(classes[code] >= 1 for code in districts() if counts[code] > 0)


def test_few_districts_with_listings_are_still_drawn_dark():
    classes = count_classes({MAPO: 2, "11680": 2})
    assert classes[MAPO] == classes["11680"] == 4
    assert sum(1 for c in classes.values() if c == 0) == 23


def test_no_listings_at_all_is_all_c0():
    assert set(count_classes({}).values()) == {0}
    assert legend({}) == [(0, 0, 0)]


def test_legend_ranges_are_contiguous_and_end_at_the_busiest():
    counts = sample_counts()
    rows = legend(counts)
    assert rows[0] == (0, 0, 0)
    assert [row[0] for row in rows] == [0, 1, 2, 3, 4]
    assert rows[1][1] == 1
    for (_, _, high), (_, low, _) in zip(rows[1:], rows[2:]):
        assert low == high + 1
    assert rows[-1][2] == max(counts.values())
    classes = count_classes(counts)
    for code, count in counts.items():
        class_index, low, high = rows[classes[code]]
        assert class_index == classes[code] and low <= count <= high


def test_selected_districts_are_outlined_and_current():
    found = links(render(selected=[MAPO, "11680"]))
    for code, a in found.items():
        path_class = a.find(f"{NS}path").get("class").split()
        if code in (MAPO, "11680"):
            assert a.get("aria-current") == "true" and "on" in path_class
        else:
            assert a.get("aria-current") is None and "on" not in path_class


def test_labels_titles_and_hrefs_are_escaped():
    hostile = '<script>alert("x")</script>" onmouseover="steal()'
    svg = render(label_for=lambda code: hostile, title=hostile, count_label=lambda n: f'{n} "건"',
                 href_for=lambda code: f'/s?d={code}&x="><script>alert(1)</script>')
    root = ET.fromstring(svg)
    assert not any(element.tag.endswith("script") for element in root.iter())
    assert all("onmouseover" not in element.attrib for element in root.iter())
    assert root.find(f"{NS}title").text == hostile
    a = next(root.iter(f"{NS}a"))
    assert a.get("aria-label") == f'{hostile}: 0 "건"'
    assert a.get("href").endswith('&x="><script>alert(1)</script>')


def test_site_stylesheet_colours_every_class_the_markup_uses():
    css = (Path(__file__).resolve().parents[2] / "search_ui" / "static" / "site.css").read_text()
    for selector in (".district-map .c0", ".district-map .c1", ".district-map .c2", ".district-map .c3",
                     ".district-map .c4", ".district-map path.on", ".district-map a:focus-visible path",
                     ".district-minimap path.here", ".district-minimap circle"):
        assert selector + " {" in css, selector


def mini_root(svg: str) -> ET.Element:
    assert svg
    return ET.fromstring(svg)


def test_mini_map_highlights_the_district_and_pins_the_point_inside_it():
    mapo = districts()[MAPO]
    root = mini_root(mini_map_svg(MAPO, mapo.lat, mapo.lon, title="마포구 망원동"))
    assert root.get("role") == "img" and root.get("aria-label") == "마포구 망원동"
    assert root.find(f"{NS}title").text == "마포구 망원동"
    _, _, width, height = view_box(root)
    here = root.find(f"{NS}path[@class='here']")
    assert here is not None and PATH_DATA.fullmatch(here.get("d"))
    circle = root.find(f"{NS}circle")
    cx, cy = float(circle.get("cx")), float(circle.get("cy"))
    assert 0 <= cx <= width and 0 <= cy <= height
    xs, ys = zip(*path_points(here.get("d")))
    assert min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys)


def test_mini_map_pin_agrees_with_the_big_map():
    # Same projection in both, so the pin lands inside Mapo's outline on the big map too.
    mapo = districts()[MAPO]
    circle = mini_root(mini_map_svg(None, mapo.lat, mapo.lon, title="x")).find(f"{NS}circle")
    d = links(render())[MAPO].find(f"{NS}path").get("d")
    xs, ys = zip(*path_points(d))
    assert min(xs) <= float(circle.get("cx")) <= max(xs) and min(ys) <= float(circle.get("cy")) <= max(ys)


def test_mini_map_without_a_point_shows_just_the_district():
    root = mini_root(mini_map_svg(MAPO, None, None, title="마포구"))
    assert root.find(f"{NS}path[@class='here']") is not None
    assert root.find(f"{NS}circle") is None


def test_mini_map_with_an_unknown_district_but_a_point_shows_the_point():
    root = mini_root(mini_map_svg("99999", 37.5665, 126.9780, title="서울시청"))
    assert root.find(f"{NS}path[@class='here']") is None
    assert root.find(f"{NS}circle") is not None


@pytest.mark.parametrize("code, lat, lon", [
    ("99999", None, None),
    (None, None, None),
    (None, 35.1796, 129.0756),         # Busan: outside the frame, not a point on Seoul's map
    (None, float("nan"), 126.9780),
])
def test_mini_map_with_nothing_to_show_is_empty(code, lat, lon):
    assert mini_map_svg(code, lat, lon, title="x") == ""


def test_mini_map_drops_a_point_outside_seoul_but_keeps_the_district():
    root = mini_root(mini_map_svg(MAPO, 35.1796, 129.0756, title="x"))
    assert root.find(f"{NS}circle") is None
    assert root.find(f"{NS}path[@class='here']") is not None


def test_mini_map_escapes_its_title_and_uses_no_inline_style():
    svg = mini_map_svg(MAPO, None, None, title='<script>x</script>"')
    root = mini_root(svg)
    assert not any(element.tag.endswith("script") for element in root.iter())
    assert all("style" not in element.attrib for element in root.iter())
    assert root.get("aria-label") == '<script>x</script>"'
    assert len(svg.encode("utf-8")) < 15_000
