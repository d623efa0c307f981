"""Inline SVG maps of Seoul's 25 districts for the search pages.

`district_map_svg` draws the whole city as a choropleth of listing counts, one link per district, so the
map doubles as the district facet; `mini_map_svg` draws a small locator for one listing. Both return SVG
markup as plain strings (every inserted text escaped) that a template can mark safe.

The site's Content-Security-Policy forbids inline styles, so the markup carries class names only and the
colours live in the site stylesheet (static/site.css, the district map rules).

Geometry comes from `config.reference.districts()`, projected once and cached: an equirectangular
projection with x shrunk by cos(37.55°) so Seoul is not stretched sideways, y flipped because SVG's y
grows downward, fitted to a 600-unit-wide viewBox.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import escape

from config.reference import districts

VIEW_WIDTH = 600.0
MARGIN = 6.0
# Seoul spans 37.43°–37.70°; one cosine for the whole city distorts by well under 1%.
X_SCALE = math.cos(math.radians(37.55))
# In viewBox units: 0.6 is under a pixel when the map is drawn at its natural width, invisible at the
# widths the page uses, and cuts the city's ~5,100 boundary points to ~1,700 (about 22 KB of SVG).
MAP_TOLERANCE = 0.6
# The locator is drawn a third as wide, so it can lose three times as much detail.
MINI_TOLERANCE = 1.8
PIN_RADIUS = 14.0  # about 4.5 px at the locator's 12rem width
CLASS_COUNT = 5  # c0 for districts with nothing, c1..c4 over the districts with listings

Point = tuple[float, float]


@dataclass(frozen=True)
class _Projection:
    west: float
    north: float
    scale: float  # viewBox units per projected degree
    height: float

    def project(self, lon: float, lat: float) -> Point:
        return ((lon - self.west) * X_SCALE * self.scale + MARGIN, (self.north - lat) * self.scale + MARGIN)

    @property
    def view_box(self) -> str:
        return f"0 0 {_number(VIEW_WIDTH)} {_number(self.height)}"

    def contains(self, x: float, y: float) -> bool:
        return 0.0 <= x <= VIEW_WIDTH and 0.0 <= y <= self.height


@lru_cache(maxsize=1)
def _projection() -> _Projection:
    points = [point for district in districts().values() for ring in district.polygons for point in ring]
    west, east = min(lon for lon, _ in points), max(lon for lon, _ in points)
    south, north = min(lat for _, lat in points), max(lat for _, lat in points)
    scale = (VIEW_WIDTH - 2 * MARGIN) / ((east - west) * X_SCALE)
    height = math.ceil((north - south) * scale + 2 * MARGIN)
    return _Projection(west, north, scale, float(height))


def _number(value: float) -> str:
    """Shortest text for a value rounded to one decimal: 12.0 -> "12"; paths are mostly digits."""
    text = f"{value:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def _distance_to_segment(point: Point, start: Point, end: Point) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    length_squared = dx * dx + dy * dy
    if length_squared == 0.0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length_squared))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def _douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on an open polyline; keeps both ends. Iterative, so long rings cannot hit the
    recursion limit."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, farthest_distance = -1, tolerance
        for index in range(first + 1, last):
            distance = _distance_to_segment(points[index], points[first], points[last])
            if distance > farthest_distance:
                farthest, farthest_distance = index, distance
        if farthest != -1:
            keep[farthest] = True
            stack.extend(((first, farthest), (farthest, last)))
    return [point for point, kept in zip(points, keep) if kept]


def _simplify_ring(ring: Sequence[Point], tolerance: float) -> list[Point]:
    """A closed ring simplified without its closing point; [] when it shrinks below a triangle.

    Douglas–Peucker needs two fixed ends, and a ring's first point is arbitrary, so the ring is cut at
    the first point and the point farthest from it: both halves then keep their real extremes."""
    points = list(ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring)
    if len(points) < 3:
        return []
    start = points[0]
    cut = max(range(len(points)), key=lambda i: math.hypot(points[i][0] - start[0], points[i][1] - start[1]))
    outbound = _douglas_peucker(points[: cut + 1], tolerance)
    inbound = _douglas_peucker(points[cut:] + [start], tolerance)
    simplified = outbound + inbound[1:-1]
    return simplified if len(simplified) >= 3 else []


def _ring_path(points: Iterable[Point]) -> str:
    """One subpath "Mx yLx y x y…Z"; points that rounding merges are written once."""
    texts: list[str] = []
    for x, y in points:
        text = f"{_number(x)} {_number(y)}"
        if not texts or texts[-1] != text:
            texts.append(text)
    if len(texts) > 1 and texts[0] == texts[-1]:
        texts.pop()
    if len(texts) < 3:
        return ""
    return f"M{texts[0]}L{' '.join(texts[1:])}Z"


@lru_cache(maxsize=4)
def _district_paths(tolerance: float) -> dict[str, str]:
    """Path data per district code, every ring of a multipolygon a subpath of the one path."""
    projection = _projection()
    paths: dict[str, str] = {}
    for code, district in districts().items():
        projected = [[projection.project(lon, lat) for lon, lat in ring] for ring in district.polygons]
        subpaths = [_ring_path(_simplify_ring(ring, tolerance)) for ring in projected]
        subpaths = [subpath for subpath in subpaths if subpath]
        if not subpaths and projected:
            # Only slivers and islets vanish under the tolerance; a whole district must not, so keep its
            # largest ring at full detail.
            subpaths = [_ring_path(max(projected, key=len))]
        paths[code] = "".join(subpaths)
    return paths


def _count_of(counts: Mapping[str, int], code: str) -> int:
    """A district's listing count; absent (a facet lists only districts with hits) means none."""
    return max(0, int(counts.get(code) or 0))


def count_classes(counts: Mapping[str, int]) -> dict[str, int]:
    """Colour class (0..4) of every district: 0 for no listings, 1..4 quartile-like over the rest.

    A district's class is 4 minus how many quarters of the non-zero districts have strictly more
    listings, so the busiest district is always class 4, ties always share a class, and a city where
    only a few districts have listings still shows them dark rather than starting at the palest class."""
    district_counts = {code: _count_of(counts, code) for code in districts()}
    nonzero = sorted(count for count in district_counts.values() if count > 0)
    top = CLASS_COUNT - 1
    classes: dict[str, int] = {}
    for code, count in district_counts.items():
        if count == 0:
            classes[code] = 0
            continue
        busier = sum(1 for other in nonzero if other > count)
        classes[code] = top - (busier * top) // len(nonzero)
    return classes


def legend(counts: Mapping[str, int]) -> list[tuple[int, int, int]]:
    """(class, low, high) for class 0 (always, as (0, 0, 0)) and each class some district falls in.

    Ranges are contiguous over the integers: a class starts one above the previous class's busiest
    district, so the legend reads 1–3, 4–9, … with no gaps between the swatches."""
    classes = count_classes(counts)
    highest: dict[int, int] = {}
    for code, class_index in classes.items():
        count = _count_of(counts, code)
        highest[class_index] = max(highest.get(class_index, 0), count)
    rows = [(0, 0, 0)]
    low = 1
    for class_index in range(1, CLASS_COUNT):
        if class_index in highest:
            rows.append((class_index, low, highest[class_index]))
            low = highest[class_index] + 1
    return rows


def district_map_svg(counts: Mapping[str, int], *, href_for: Callable[[str], str], label_for: Callable[[str], str],
                     selected: Collection[str] = (), title: str, count_label: Callable[[int], str],
                     map_id: str = "district-map") -> str:
    """The city as a choropleth of `counts` (district code -> listings), each district a link.

    Each link's accessible name is "label: count" from `label_for` and `count_label`; `selected`
    districts are outlined and marked aria-current. `map_id` names the map's <title> for
    aria-labelledby; give each map on a page its own."""
    projection = _projection()
    paths = _district_paths(MAP_TOLERANCE)
    classes = count_classes(counts)
    chosen = set(selected)
    # Selected districts are drawn last: a later neighbour would otherwise paint over half of their
    # thick outline. Otherwise code order, the statistics office's rough sweep round the city.
    codes = sorted(districts(), key=lambda code: (code in chosen, code))
    title_id = f"{map_id}-title"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{projection.view_box}" class="district-map" '
             f'id="{escape(map_id)}" role="group" aria-labelledby="{escape(title_id)}">',
             f'<title id="{escape(title_id)}">{escape(title)}</title>']
    for code in codes:
        count = _count_of(counts, code)
        name = f"{label_for(code)}: {count_label(count)}"
        is_selected = code in chosen
        current = ' aria-current="true"' if is_selected else ""
        path_class = f"c{classes[code]} on" if is_selected else f"c{classes[code]}"
        parts.append(f'<a href="{escape(href_for(code))}" aria-label="{escape(name)}"{current}>'
                     f'<title>{escape(name)}</title><path class="{path_class}" d="{paths[code]}"/></a>')
    parts.append("</svg>")
    return "".join(parts)


def mini_map_svg(district_code: str | None, lat: float | None, lon: float | None, *, title: str) -> str:
    """A small locator: the city faint, `district_code` highlighted, a dot at lat/lon.

    Drawn in the big map's coordinates so the two agree. The dot is left out when the point falls
    outside the city's frame (a geocoding slip should not pin Seoul's edge); "" when that leaves
    nothing to show, i.e. neither a known district nor a point in Seoul."""
    projection = _projection()
    paths = _district_paths(MINI_TOLERANCE)
    known_district = district_code if district_code in paths else None
    pin: Point | None = None
    if lat is not None and lon is not None and math.isfinite(lat) and math.isfinite(lon):
        x, y = projection.project(lon, lat)
        pin = (x, y) if projection.contains(x, y) else None
    if known_district is None and pin is None:
        return ""
    # Aria-label rather than aria-labelledby: a results page may show many of these, and ids would clash.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{projection.view_box}" class="district-minimap" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             # The rest of the city as one path: it is backdrop, nobody needs its districts apart.
             f'<path d="{"".join(d for code, d in paths.items() if code != known_district)}"/>']
    if known_district is not None:
        parts.append(f'<path class="here" d="{paths[known_district]}"/>')
    if pin is not None:
        parts.append(f'<circle cx="{_number(pin[0])}" cy="{_number(pin[1])}" r="{_number(PIN_RADIUS)}"/>')
    parts.append("</svg>")
    return "".join(parts)
