"""The query string of the search page and the JSON API, read into a SearchQuery and SearchOptions."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta, timezone

from werkzeug.datastructures import MultiDict

from indexer.search import SearchQuery
from indexer.search.query import MAX_RADIUS_KM, SORTS
from indexer.search.service import SearchOptions

SEOUL = timezone(timedelta(hours=9))


class BadQuery(ValueError):
    pass


_DISTRICT = re.compile(r"^\d{5}$")
_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _positive_int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadQuery(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def _amount(args: MultiDict, name: str) -> int | None:
    raw = args.get(name, "").strip().replace(",", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise BadQuery(f"{name} must be a whole number of won (0 or more), not {raw!r}")
    return int(raw)


def _flag(args: MultiDict, name: str, default: bool | None) -> bool | None:
    raw = args.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadQuery(f"{name} must be true or false, not {raw!r}")


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    out = []
    for value in args.getlist(name):
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(dict.fromkeys(out))


def _moment(args: MultiDict, name: str, end_of_day: bool) -> datetime | None:
    """A date (2026-12-05: that day in Seoul, its start or its end) or an ISO 8601 date-time."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime.combine(day, time.max if end_of_day else time.min, SEOUL)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{name} must be a date (2026-12-05) or an ISO 8601 date-time, not {raw!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


def _near(args: MultiDict) -> tuple[float, float] | None:
    raw = args.get("near", "").strip()
    if not raw:
        return None
    parts = raw.split(",")
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise BadQuery(f"near must be lat,lon in degrees (37.5563,126.9220), not {raw!r}") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadQuery(f"near must be a latitude and a longitude in range, not {raw!r}")
    return lat, lon


def _radius(args: MultiDict, near, default: float) -> float | None:
    raw = args.get("radius_km", "").strip()
    if not raw:
        return default if near is not None else None
    try:
        value = float(raw)
    except ValueError:
        raise BadQuery(f"radius_km must be a number of kilometres, not {raw!r}") from None
    if not (math.isfinite(value) and 0 < value <= MAX_RADIUS_KM):
        raise BadQuery(f"radius_km must be above 0 and at most {MAX_RADIUS_KM:g}, not {raw!r}")
    if near is None:
        raise BadQuery("radius_km needs near=lat,lon")
    return value


MAX_QUERY_CHARS = 500


def _words(args: MultiDict) -> str:
    text = args.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        raise BadQuery(f"q must be at most {MAX_QUERY_CHARS} characters, not {len(text):,}")
    return text


def bounded(args: MultiDict) -> MultiDict:
    """The request's arguments with every value cut to MAX_QUERY_CHARS, for what a page echoes back
    (its search box, its links): a huge query gets a short error page, not one that repeats it."""
    return MultiDict([(key, value[:MAX_QUERY_CHARS]) for key, value in args.items(multi=True)])


def search_request(args: MultiDict, *, page_size: int, max_page_size: int,
                   default_radius_km: float = 3.0) -> tuple[SearchQuery, SearchOptions]:
    districts = _values(args, "district")
    bad = [d for d in districts if not _DISTRICT.match(d)]
    if bad:
        raise BadQuery(f"district must be a 5-digit gu code, not {bad[0]!r}")
    near = _near(args)
    sort = args.get("sort", "").strip() or ("distance" if near is not None and not args.get("q", "").strip()
                                            else "relevance")
    if sort not in SORTS:
        raise BadQuery(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    per_page = _positive_int(args, "per_page", page_size)
    try:
        query = SearchQuery(
            text=_words(args),
            categories=_values(args, "category"),
            districts=districts,
            dongs=_values(args, "dong"),
            platforms=_values(args, "platform"),
            free=_flag(args, "free", None),
            price_min=_amount(args, "price_min"),
            price_max=_amount(args, "price_max"),
            available_from=_moment(args, "available_from", end_of_day=False),
            available_to=_moment(args, "available_to", end_of_day=True),
            near=near,
            radius_km=_radius(args, near, default_radius_km),
            sort=sort,
            page=min(_positive_int(args, "page", 1), 10_000),
            per_page=min(per_page, max_page_size),
        )
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    options = SearchOptions(place_words=_flag(args, "places", True),
                            include_ended=_flag(args, "include_ended", False),
                            include_stale=_flag(args, "include_stale", False))
    return query, options

