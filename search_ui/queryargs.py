"""The query string of the search page and the JSON API, read into a SearchQuery."""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from indexer.search import SearchQuery


class BadQuery(ValueError):
    pass


_DISTRICT = re.compile(r"^\d{5}$")


def _positive_int(args: MultiDict, name: str, default: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise BadQuery(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


def _free(raw: str | None) -> bool | None:
    if raw is None or raw.strip() == "":
        return None
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise BadQuery(f"free must be true or false, not {raw!r}")


def _values(args: MultiDict, name: str) -> tuple[str, ...]:
    out = []
    for value in args.getlist(name):
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(dict.fromkeys(out))


def search_query(args: MultiDict, *, page_size: int, max_page_size: int) -> SearchQuery:
    districts = _values(args, "district")
    bad = [d for d in districts if not _DISTRICT.match(d)]
    if bad:
        raise BadQuery(f"district must be a 5-digit gu code, not {bad[0]!r}")
    per_page = _positive_int(args, "per_page", page_size)
    return SearchQuery(
        text=args.get("q", "")[:500],
        categories=_values(args, "category"),
        districts=districts,
        platforms=_values(args, "platform"),
        free=_free(args.get("free")),
        page=min(_positive_int(args, "page", 1), 10_000),
        per_page=min(per_page, max_page_size),
    )
