"""The "json_api" source kind: paged JSON APIs read through a declared field mapping or a preset.

Public sharing data in Seoul comes from JSON APIs with their own envelopes and paging (Seoul Open
Data Plaza, 공유누리) rather than feeds. The source's `config` says how to read one page:

Explicit mapping (any JSON API)::

    {"items": "data.list",                     # dotted path to the row list; [0] indexes; "" = root
     "fields": {"key": "id", "title": "name", "link": "url", "summary": "desc",
                "content_html": "detail", "lat": "geo.lat", "lon": "geo.lon", "address": "addr",
                "price": "fee", "category": "type", "image": "img", "published": "created",
                "updated": "modified", "starts_at": "from", "ends_at": "to", "language": "lang",
                "phone": "tel"},               # names not listed here land in RawItem.extra
     "link_template": "https://x/{id}",        # optional: link for rows without one; {key} = mapped key,
                                               # {name} / {a.b} = the row's own values (URL-quoted)
     "paging": {"style": "page", "param": "page", "start": 1, "size_param": "size", "size": 100}
             | {"style": "offset", "param": "offset", "size_param": "limit", "size": 100}
             | {"style": "start_end", "start_param": "start", "end_param": "end", "size": 100}
             | {"style": "seoul_path"}         # /{KEY}/json/{SERVICE}/{START}/{END}/, Seoul envelope
             | {"style": "none"},              # the default
     "total": "meta.total"}                    # optional: dotted path to the total row count

Paging reads the current position from the URL the page came from (page 1 / offset 0 / the
`start` when the URL has none) and writes only the position into the next URL; `size` is the
page size when the URL carries no `size_param`. The next page exists when `total` says there are
more rows, else when a full page came back, else (no size known) when any row came back.

Presets, `{"preset": name, ...options}` (every option is optional):

* ``seoul_reservation`` — 공공서비스예약 (yeyak.seoul.go.kr) via Seoul Open Data Plaza:
  ``http://openapi.seoul.go.kr:8088/{KEY}/json/{SERVICE}/{START}/{END}/`` with SERVICE one of
  ``ListPublicReservation{Sport,Institution,Education,Culture,Medical}``. Options: ``service``
  (default: read from the URL).
* ``seoul_bike`` — 따릉이 stations: ``http://openapi.seoul.go.kr:8088/{KEY}/json/bikeList/{START}/{END}/``.
  Options: ``link_template`` (default BIKE_LINK_TEMPLATE), ``price_text`` (the fee to show on
  every station, e.g. "1시간 1,000원"; the API has none).
* ``eshare`` — 공유누리 (MOIS): ``https://www.eshare.go.kr/eshare-openapi/rsrc/list/{rsrcClsCd}/{KEY}``.
  Options: ``link_template`` (default ESHARE_LINK_TEMPLATE), ``category`` (label for the
  resource class when rows carry none; default the class code from the URL), ``size`` (rows the
  endpoint returns when the URL does not say, for the "full page but no pageNo" warning).

Seoul Open Data paging is in the path: START/END are 1-based and inclusive, at most 1,000 rows a
request (more is answered with ERROR-336). The next page is END+1 .. END+size. `list_total_count`
says when to stop, except that a page whose count equals its own full row count may be reporting
the page, not the total (client code for bikeList loops to 3,000 regardless of it), so a full page
always asks for one more; past the end the API answers INFO-200, which is zero items and no next
link. Errors come as ``{"RESULT": {"CODE": ..., "MESSAGE": ...}}`` at the top level or inside the
service root; anything but INFO-000 / INFO-200 is a ParseError carrying the API's message.

공유누리's documented clients send ``{"pageNo", "numOfRows"}`` as a JSON body; the spider only
sends GET requests, so the preset pages through ``pageNo``/``numOfRows`` query parameters, and
only when the source URL carries ``pageNo`` (the operator has checked the endpoint honours it).
Without it a full page ends the crawl with a warning, rather than fetching the same rows forever.

The API also serves XML; only JSON is read (an XML body is a ParseError saying to ask for /json/).
A page limit is the spider's business: this module only says whether a next page exists.
"""

from __future__ import annotations

import html
import json
import math
import re
import string
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote, unquote_plus, urljoin, urlsplit, urlunsplit

from crawler.parsers.base import Link, ParseError, ParseResult, RawItem, absolute_url, is_http_url
from crawler.parsers.encoding import decode_body
from crawler.normalize.timeparse import parse_period, parse_time

COMPONENT = "json_api"
MAX_ITEMS = 5000

PRESETS = ("seoul_reservation", "seoul_bike", "eshare")
SEOUL_OPEN_API = "http://openapi.seoul.go.kr:8088"
SEOUL_RESERVATION_SERVICES = tuple(f"ListPublicReservation{kind}"
                                   for kind in ("Sport", "Institution", "Education", "Culture", "Medical"))
SEOUL_MAX_ROWS = 1000
YEYAK_SITE = "https://yeyak.seoul.go.kr"
BIKE_LINK_TEMPLATE = "https://www.bikeseoul.com/app/station/moveStationSearchView.do?stationId={stationId}"
ESHARE_SITE = "https://www.eshare.go.kr"
ESHARE_LIST_URL = ESHARE_SITE + "/eshare-openapi/rsrc/list/{category}/{key}"
ESHARE_LINK_TEMPLATE = ESHARE_SITE + "/UserPortal/Upv/UprResrcFacl/index.do?rsrc_no={rsrcNo}"

# Field names of an explicit mapping that fill RawItem attributes; any other name goes to extra.
MAPPED_FIELDS = ("key", "title", "link", "summary", "content_html", "lat", "lon", "address", "price",
                 "category", "image", "published", "updated", "starts_at", "ends_at", "language")
PAGING_STYLES = ("none", "page", "offset", "start_end", "seoul_path")

# Seoul lies well inside these; the two ranges do not overlap, so a pair fits at most one order.
SEOUL_LAT = (37.40, 37.75)
SEOUL_LON = (126.70, 127.25)
KOREA_LAT = (33.0, 39.0)
KOREA_LON = (124.0, 132.0)


def seoul_open_api_url(key: str, service: str, start: int = 1, end: int = SEOUL_MAX_ROWS) -> str:
    """The JSON URL of one page of a Seoul Open Data service (what a seoul_* source is registered with)."""
    return f"{SEOUL_OPEN_API}/{quote(key, safe='')}/json/{quote(service, safe='')}/{start}/{end}/"


def eshare_list_url(key: str, category: str, page: int | None = None, size: int = 100) -> str:
    """A 공유누리 list URL; with `page`, paged by query parameters (see the module docstring)."""
    url = ESHARE_LIST_URL.format(category=quote(category, safe=""), key=quote(key, safe=""))
    return url if page is None else f"{url}?pageNo={page}&numOfRows={size}"


def parse(base_url: str, body: bytes, config: Mapping | None = None) -> ParseResult:
    """Rows of one API page as RawItems, and a Link(…, "next") when the API has more pages."""
    if not isinstance(config, Mapping) or not config:
        raise ParseError(f"{COMPONENT}: source config lacks a field mapping or a preset "
                         f"(\"preset\": one of {', '.join(PRESETS)}, or \"items\" and \"fields\")")
    document, warnings = _load(body)
    preset = config.get("preset")
    if preset is None:
        result = _parse_mapped(base_url, document, config)
    elif preset == "seoul_reservation":
        result = _parse_seoul(base_url, document, config, _reservation_row, "seoul_reservation")
    elif preset == "seoul_bike":
        result = _parse_seoul(base_url, document, config, _bike_row, "seoul_bike")
    elif preset == "eshare":
        result = _parse_eshare(base_url, document, config)
    else:
        raise ParseError(f"{COMPONENT}: unknown preset {preset!r} (known: {', '.join(PRESETS)})")
    result.warnings[:0] = warnings
    return result


# --- the document ------------------------------------------------------------------------------

def _load(body: bytes) -> tuple[Any, list[str]]:
    decoded = decode_body(body, component=COMPONENT)
    text = decoded.text.strip()
    if text.startswith("<"):
        raise ParseError(f"{COMPONENT}: the body is XML or HTML, not JSON; only JSON is read "
                         "(for Seoul's open API put /json/ in the URL: /{KEY}/json/{SERVICE}/{START}/{END}/)")
    try:
        return json.loads(text), decoded.warnings
    except ValueError as exc:  # JSONDecodeError is one
        raise ParseError(f"{COMPONENT}: unable to parse JSON: {exc}") from None
    except RecursionError:
        raise ParseError(f"{COMPONENT}: unable to parse JSON: nested too deeply") from None


_MISSING = object()
_PATH_TOKEN = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(path: str) -> list[str | int]:
    """["data", "list", 0, "id"] from "data.list[0].id"; ParseError for a path we cannot read."""
    tokens: list[str | int] = []
    position = 0
    path = path.strip()
    while position < len(path):
        if path[position] == "." and tokens:
            position += 1
        match = _PATH_TOKEN.match(path, position)
        if not match:
            raise ParseError(f"{COMPONENT}: invalid path {path!r} at character {position + 1}")
        tokens.append(int(match.group(1)) if match.group(1) is not None else match.group(2))
        position = match.end()
    return tokens


def resolve(value: Any, path: str | list[str | int]) -> Any:
    """The value at a dotted path, or _MISSING when any step is absent."""
    for token in parse_path(path) if isinstance(path, str) else path:
        if isinstance(token, int) and isinstance(value, list) and -len(value) <= token < len(value):
            value = value[token]
        elif isinstance(token, str) and isinstance(value, dict) and token in value:
            value = value[token]
        else:
            return _MISSING
    return value


def _keys(document: Any) -> str:
    if isinstance(document, dict):
        return ", ".join(list(map(str, document))[:10]) or "none"
    return f"none (the top level is a {type(document).__name__})"


# --- values ------------------------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def text_value(value: Any) -> str | None:
    """Plain text of a scalar: entities resolved (Seoul writes &middot; and &#39;), whitespace collapsed."""
    if value is None or isinstance(value, (bool, dict, list)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if _ENTITY.search(text):
        text = html.unescape(text)
    text = " ".join(text.split())
    return text or None


def html_value(value: Any) -> str | None:
    """An HTML body; one that arrives entity-escaped (&lt;p&gt;, as DTLCONT does) is unescaped once."""
    if not isinstance(value, str) or not value.strip():
        return None
    if "<" not in value and re.search(r"&lt;\s*/?\s*[A-Za-z]", value):
        return html.unescape(value).strip()
    return value.strip()


def number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        result = float(str(value).replace(",", "").strip())
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def integer(value: Any) -> int | None:
    result = number(value)
    return int(result) if result is not None and result.is_integer() else None


def texts(value: Any) -> list[str]:
    """A list of texts from a scalar or a list of scalars (categories, images), duplicates dropped."""
    values = value if isinstance(value, list) else [value]
    return list(dict.fromkeys(t for t in (text_value(v) for v in values) if t))


def datetime_value(value: Any):
    """An aware datetime from a date string, a YYYYMMDD number or Unix seconds/milliseconds."""
    return parse_time(value)


def in_range(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def ordered_coordinates(first: Any, second: Any, lat_range: tuple[float, float] = SEOUL_LAT,
                        lon_range: tuple[float, float] = SEOUL_LON) -> tuple[float, float] | None:
    """(lat, lon) out of a pair given in either order, decided by range; None when neither order fits."""
    a, b = number(first), number(second)
    if a is None or b is None:
        return None
    if in_range(a, lat_range) and in_range(b, lon_range):
        return a, b
    if in_range(b, lat_range) and in_range(a, lon_range):
        return b, a
    return None


def _is_url(value: str | None) -> bool:
    return bool(value) and value.lower() not in ("null", "none", "-")  # type: ignore[union-attr]


# --- paging ------------------------------------------------------------------------------------

def _query_value(url: str, name: str) -> str | None:
    for pair in urlsplit(url).query.split("&"):
        key, _, value = pair.partition("=")
        if unquote_plus(key) == name:
            return unquote_plus(value)
    return None


def set_query(url: str, updates: Mapping[str, int | str]) -> str:
    """url with these query parameters set; the other pairs keep their exact bytes (keys stay encoded)."""
    parts = urlsplit(url)
    pairs = [p for p in parts.query.split("&") if p] if parts.query else []
    pending = dict(updates)
    for index, pair in enumerate(pairs):
        name = unquote_plus(pair.partition("=")[0])
        if name in pending:
            pairs[index] = f"{quote(name, safe='')}={quote(str(pending.pop(name)), safe='')}"
    pairs += [f"{quote(name, safe='')}={quote(str(value), safe='')}" for name, value in pending.items()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pairs), parts.fragment))


def _int_option(paging: Mapping, name: str, default: int | None, minimum: int = 0) -> int | None:
    value = paging.get(name, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ParseError(f"{COMPONENT}: paging {name!r} must be an integer ≥ {minimum}, not {value!r}")
    return value


def _more(rows: int, seen: int | None, size: int | None, total: int | None) -> bool:
    """Whether a next page exists: the total says so, else a full page came back, else any rows did."""
    if rows == 0:
        return False
    if total is not None and seen is not None:
        return seen < total
    if size is not None:
        return rows >= size
    return True


def _page_size(url: str, paging: Mapping) -> int | None:
    """Rows per page: what the URL asks for, else what the operator says the server's default is."""
    size_param = paging.get("size_param")
    size = integer(_query_value(url, size_param)) if isinstance(size_param, str) else None
    return size or _int_option(paging, "size", None, 1)


def _next_by_page(url: str, paging: Mapping, rows: int, total: int | None) -> str | None:
    param = str(paging.get("param", "page"))
    start = _int_option(paging, "start", 1) or 0
    size = _page_size(url, paging)
    page = integer(_query_value(url, param))
    page = start if page is None else page
    seen = (page - start + 1) * size if size else None
    # The size parameter is never added: page 2 at another size than page 1 would skip rows.
    return set_query(url, {param: page + 1}) if _more(rows, seen, size, total) else None


def _next_by_offset(url: str, paging: Mapping, rows: int, total: int | None) -> str | None:
    param = str(paging.get("param", "offset"))
    size = _page_size(url, paging)
    offset = integer(_query_value(url, param)) or 0
    step = size or rows
    return set_query(url, {param: offset + step}) if _more(rows, offset + rows, size, total) else None


def _next_by_start_end(url: str, paging: Mapping, rows: int, total: int | None) -> str | None:
    start_param, end_param = str(paging.get("start_param", "start")), str(paging.get("end_param", "end"))
    first = _int_option(paging, "start", 1) or 0
    start, end = integer(_query_value(url, start_param)), integer(_query_value(url, end_param))
    size = end - start + 1 if start is not None and end is not None else _int_option(paging, "size", None, 1)
    if not size or size <= 0:
        return None
    end = (first if start is None else start) + size - 1 if end is None else end
    if not _more(rows, end - first + 1, size, total):
        return None
    return set_query(url, {start_param: end + 1, end_param: end + size})


_NEXT_BY_STYLE = {"page": _next_by_page, "offset": _next_by_offset, "start_end": _next_by_start_end}


def _next_page(url: str, paging: Mapping, rows: int, total: int | None) -> str | None:
    follow = _NEXT_BY_STYLE.get(str(paging.get("style", "none")))
    return follow(url, paging, rows, total) if follow else None


@dataclass(frozen=True)
class SeoulPath:
    """The parts of a Seoul Open Data URL: /{KEY}/{json|xml}/{SERVICE}/{START}/{END}/{optional...}."""
    url: str
    segments: tuple[str, ...]
    index: int              # position of the json/xml segment

    @property
    def service(self) -> str:
        return self.segments[self.index + 1]

    @property
    def start(self) -> int:
        return int(self.segments[self.index + 2])

    @property
    def end(self) -> int:
        return int(self.segments[self.index + 3])

    def with_range(self, start: int, end: int) -> str:
        segments = list(self.segments)
        segments[self.index + 2], segments[self.index + 3] = str(start), str(end)
        parts = urlsplit(self.url)
        trailing = "/" if parts.path.endswith("/") else ""
        return urlunsplit((parts.scheme, parts.netloc, "/" + "/".join(segments) + trailing, parts.query, ""))


def seoul_path(url: str) -> SeoulPath | None:
    segments = tuple(s for s in urlsplit(url).path.split("/") if s)
    for index in range(1, len(segments) - 3):
        if segments[index].lower() in ("json", "xml") and segments[index + 2].isdigit() \
                and segments[index + 3].isdigit():
            return SeoulPath(url, segments, index)
    return None


def _seoul_next(url: str, rows: int, total: int | None, warnings: list[str]) -> str | None:
    path = seoul_path(url)
    if path is None:
        warnings.append(f"{COMPONENT}: the URL lacks Seoul's /{{KEY}}/json/{{SERVICE}}/{{START}}/{{END}}/ "
                        "shape; no next page")
        return None
    size = min(path.end - path.start + 1, SEOUL_MAX_ROWS)
    if rows == 0 or size <= 0:
        return None
    full = rows >= size
    # A count equal to this page's own full row count may be the page's count (bikeList), not the total.
    if total is not None and path.end >= total and not (full and total == rows):
        return None
    if total is None and not full:
        return None
    return path.with_range(path.end + 1, path.end + size)


def _next_links(url: str | None, base_url: str) -> list[Link]:
    if url and is_http_url(url) and url != base_url:
        return [Link(url, "next")]
    return []


# --- explicit mapping --------------------------------------------------------------------------

def _row_list(document: Any, path: str) -> tuple[list[Any], list[str]]:
    found = document if path in ("", ".") else resolve(document, path)
    if found is _MISSING:
        raise ParseError(f"{COMPONENT}: the items path {path!r} is not in the document "
                         f"(top-level keys: {_keys(document)})")
    if isinstance(found, list):
        return found, []
    if isinstance(found, dict):  # XML-to-JSON APIs (data.go.kr) give a lone row as an object
        return [found], []
    if found is None or found == "":  # ... and no rows as "" or null
        return [], [f"{COMPONENT}: the items path {path!r} holds no rows"]
    raise ParseError(f"{COMPONENT}: the items path {path!r} holds a {type(found).__name__}, not a list")


def _mapping(config: Mapping) -> tuple[str, dict[str, list[str | int]]]:
    items = config.get("items")
    fields = config.get("fields")
    if not isinstance(items, str):
        raise ParseError(f"{COMPONENT}: source config lacks \"items\" (the dotted path to the row list)")
    if not isinstance(fields, Mapping) or not fields:
        raise ParseError(f"{COMPONENT}: source config lacks \"fields\" (row field for key, title, link ...)")
    parsed: dict[str, list[str | int]] = {}
    for name, path in fields.items():
        if not isinstance(path, str) or not path.strip():
            raise ParseError(f"{COMPONENT}: field {name!r} must map to a dotted path, not {path!r}")
        parsed[str(name)] = parse_path(path)
    if items not in ("", "."):
        parse_path(items)
    return items, parsed


def _paging(config: Mapping) -> Mapping:
    paging = config.get("paging") or {"style": "none"}
    if not isinstance(paging, Mapping) or paging.get("style", "none") not in PAGING_STYLES:
        raise ParseError(f"{COMPONENT}: paging style must be one of {', '.join(PAGING_STYLES)} "
                         f"(got {paging!r})")
    return paging


def _template_link(template: str, row: Any, key: str | None) -> str | None:
    """The template with the row's values filled in (URL-quoted); None when one is missing."""
    values: dict[str, str] = {}
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ParseError(f"{COMPONENT}: invalid link_template {template!r}: {exc}") from None
    for name in names:
        raw = key if name == "key" else resolve(row, name)
        text = None if raw is _MISSING else text_value(raw)
        if not text:
            return None
        values[name] = quote(text, safe="")
    out = template
    for name, value in values.items():
        out = out.replace("{" + name + "}", value)
    return out


def mapped_row(row: Any, fields: Mapping[str, list[str | int]], base_url: str,
               link_template: str | None = None) -> RawItem:
    """One row through an explicit field mapping; unmapped or absent fields stay None."""
    def get(name: str) -> Any:
        path = fields.get(name)
        if path is None:
            return None
        value = resolve(row, path)
        return None if value is _MISSING else value

    key = text_value(get("key"))
    link_text = text_value(get("link"))
    link = absolute_url(link_text, base_url) if _is_url(link_text) else None
    if link is None and link_template:
        link = _template_link(link_template, row, key)
    item = RawItem(
        key=key or link, link=link, title=text_value(get("title")), summary=text_value(get("summary")),
        content_html=html_value(get("content_html")), categories=texts(get("category")),
        published=datetime_value(get("published")), updated=datetime_value(get("updated")),
        lat=number(get("lat")), lon=number(get("lon")), address=text_value(get("address")),
        price_text=text_value(get("price")), language=text_value(get("language")),
        images=[u for u in (absolute_url(i, base_url) for i in texts(get("image"))) if u],
    )
    starts, ends = parse_period(get("starts_at"), get("ends_at"))
    for name, when in (("starts_at", starts), ("ends_at", ends)):
        if when is not None:
            item.extra[name] = when
    for name in fields:
        if name not in MAPPED_FIELDS:
            value = get(name)
            if value is not None:
                item.extra[name] = value
    return item


def _cap(rows: list[Any], warnings: list[str]) -> list[Any]:
    if len(rows) > MAX_ITEMS:
        warnings.append(f"{COMPONENT}: the page holds {len(rows)} rows; only the first {MAX_ITEMS} were read")
        return rows[:MAX_ITEMS]
    return rows


def _total(document: Any, path: Any) -> int | None:
    if not isinstance(path, str) or not path:
        return None
    value = resolve(document, path)
    return None if value is _MISSING else integer(value)


def _parse_mapped(base_url: str, document: Any, config: Mapping) -> ParseResult:
    items_path, fields = _mapping(config)
    paging = _paging(config)
    template = config.get("link_template")
    if template is not None and not isinstance(template, str):
        raise ParseError(f"{COMPONENT}: link_template must be a string")
    warnings: list[str] = []
    if paging.get("style") == "seoul_path":
        # The Seoul envelope's RESULT decides first: INFO-200 and errors carry no items path at all.
        service = items_path.split(".")[0] if items_path not in ("", ".") else None
        if _seoul_rows(base_url, document, service, warnings) is None:
            return ParseResult(format=COMPONENT, warnings=warnings)
    rows, row_warnings = _row_list(document, items_path)
    warnings += row_warnings
    items = _rows_to_items(_cap(rows, warnings), warnings,
                           lambda row: mapped_row(row, fields, base_url, template))
    total = _total(document, config.get("total"))
    if paging.get("style") == "seoul_path":
        next_url = _seoul_next(base_url, len(rows), total, warnings)
    else:
        next_url = _next_page(base_url, paging, len(rows), total)
    return ParseResult(format=COMPONENT, items=items, warnings=warnings, links=_next_links(next_url, base_url))


def _rows_to_items(rows: list[Any], warnings: list[str], convert: Callable[[Any], RawItem | None]) -> list[RawItem]:
    items: list[RawItem] = []
    skipped = 0
    for row in rows:
        if not isinstance(row, dict):
            skipped += 1
            continue
        item = convert(row)
        if item is not None:
            items.append(item)
    if skipped:
        warnings.append(f"{COMPONENT}: {skipped} row(s) are not JSON objects; skipped")
    return items


# --- Seoul Open Data Plaza ---------------------------------------------------------------------

_SEOUL_OK = "INFO-000"
_SEOUL_NO_DATA = "INFO-200"


def _result_code(container: Any) -> tuple[str | None, str | None]:
    result = container.get("RESULT") if isinstance(container, dict) else None
    if not isinstance(result, dict):
        return None, None
    folded = {str(k).upper(): v for k, v in result.items()}
    code, message = folded.get("CODE"), folded.get("MESSAGE")
    return (str(code).strip() if code is not None else None), (text_value(message))


def _seoul_rows(url: str, document: Any, service: str | None, warnings: list[str]) -> list[Any] | None:
    """The service root's rows; None for INFO-200 (no data); ParseError for any error code.

    An answer without data or with an error has no service root: {"RESULT": {...}} alone.
    INFO-200 past the first page is how every paged crawl ends, so only a first page warns.
    """
    if not isinstance(document, dict):
        raise ParseError(f"{COMPONENT}: Seoul open API answer is a {type(document).__name__}, not an object")
    if service is None or service not in document:
        roots = [k for k, v in document.items() if k != "RESULT" and isinstance(v, dict)]
        service = roots[0] if len(roots) == 1 else service
    root = document.get(service) if service else None
    code, message = _result_code(root) if isinstance(root, dict) else (None, None)
    if code is None:
        code, message = _result_code(document)
    if code == _SEOUL_NO_DATA:
        path = seoul_path(url)
        if path is None or path.start <= 1:
            warnings.append(f"{COMPONENT}: Seoul open API answered {code}: {message or 'no data'}")
        return None
    if code is not None and code != _SEOUL_OK:
        raise ParseError(f"{COMPONENT}: Seoul open API answered {code}: {message or 'no message'}")
    if not isinstance(root, dict):
        raise ParseError(f"{COMPONENT}: Seoul open API answer has no {service or 'service'} root "
                         f"(top-level keys: {_keys(document)})")
    rows = root.get("row")
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise ParseError(f"{COMPONENT}: Seoul open API {service}.row is a {type(rows).__name__}, not a list")
    return rows


def _service(base_url: str, config: Mapping) -> str | None:
    service = config.get("service")
    if isinstance(service, str) and service:
        return service
    path = seoul_path(base_url)
    return path.service if path is not None else None


@dataclass
class _RowContext:
    base_url: str
    config: Mapping
    service: str | None
    dropped_coordinates: list[str]


def _parse_seoul(base_url: str, document: Any, config: Mapping,
                 convert: Callable[[dict, _RowContext], RawItem], preset: str) -> ParseResult:
    fmt = f"{COMPONENT}:{preset}"
    service = _service(base_url, config)
    # bikeList is the service in the URL, but its answer's root is rentBikeStatus.
    root = "rentBikeStatus" if preset == "seoul_bike" else service
    warnings: list[str] = []
    rows = _seoul_rows(base_url, document, root, warnings)
    if rows is None:
        return ParseResult(format=fmt, warnings=warnings)
    context = _RowContext(base_url, config, service, [])
    items = _rows_to_items(_cap(rows, warnings), warnings, lambda row: convert(row, context))
    if context.dropped_coordinates:
        warnings.append(f"{COMPONENT}: {len(context.dropped_coordinates)} row(s) have coordinates outside "
                        f"Seoul in either order (e.g. {context.dropped_coordinates[0]}); coordinates dropped")
    container = document.get(root) if isinstance(document, dict) and root in document else None
    if container is None and isinstance(document, dict):
        container = next((v for k, v in document.items() if k != "RESULT" and isinstance(v, dict)), None)
    total = integer(container.get("list_total_count")) if isinstance(container, dict) else None
    next_url = _seoul_next(base_url, len(rows), total, warnings)
    return ParseResult(format=fmt, items=items, warnings=warnings, links=_next_links(next_url, base_url))


def _seoul_coordinates(row: dict, first: str, second: str, label: str,
                       context: _RowContext) -> tuple[float | None, float | None]:
    a, b = row.get(first), row.get(second)
    if number(a) is None and number(b) is None:
        return None, None
    pair = ordered_coordinates(a, b)
    if pair is None:
        context.dropped_coordinates.append(f"{label}: {first}={a}, {second}={b}")
        return None, None
    return pair


def _reservation_row(row: dict, context: _RowContext) -> RawItem:
    """One 공공서비스예약 service (a facility, class or event that is booked on yeyak.seoul.go.kr)."""
    key = text_value(row.get("SVCID"))
    link_text = text_value(row.get("SVCURL"))
    lat, lon = _seoul_coordinates(row, "X", "Y", key or "?", context)
    area, place = text_value(row.get("AREANM")), text_value(row.get("PLACENM"))
    if area and place:
        address = f"서울특별시 {area} {place}"
    else:
        address = place or (f"서울특별시 {area}" if area else None)
    image = text_value(row.get("IMGURL"))
    item = RawItem(
        # Relative SVCURL/IMGURL point into the booking site, not into the API host.
        key=key, link=urljoin(YEYAK_SITE, link_text) if _is_url(link_text) else None,
        title=text_value(row.get("SVCNM")),
        content_html=html_value(row.get("DTLCONT")),
        categories=texts([row.get("MAXCLASSNM"), row.get("MINCLASSNM")]),
        lat=lat, lon=lon, address=address, price_text=text_value(row.get("PAYATNM")),
        images=[urljoin(YEYAK_SITE, image)] if _is_url(image) else [],
    )
    if item.key is None:
        item.key = item.link
    extra = item.extra
    # Windows: an end given as a date alone ("… 00:00:00.0") runs to the end of that day.
    starts, ends = parse_period(row.get("RCPTBGNDT"), row.get("RCPTENDDT"))     # the booking window
    _put(extra, "starts_at", starts)
    _put(extra, "ends_at", ends)
    service_starts, service_ends = parse_period(row.get("SVCOPNBGNDT"), row.get("SVCOPNENDDT"))
    _put(extra, "service_starts_at", service_starts)
    _put(extra, "service_ends_at", service_ends)
    for name, field in (("status", "SVCSTATNM"), ("target", "USETGTINFO"), ("phone", "TELNO"),
                        ("district", "AREANM"), ("place", "PLACENM"), ("kind", "GUBUN"),
                        ("daily_from", "V_MIN"), ("daily_to", "V_MAX"),
                        ("cancel_basis", "REVSTDDAYNM"), ("cancel_days", "REVSTDDAY")):
        _put(extra, name, text_value(row.get(field)))
    if context.service:
        extra["service"] = context.service
    return item


def _bike_row(row: dict, context: _RowContext) -> RawItem:
    """One 따릉이 station; the counts are a snapshot of the moment of the crawl."""
    station_id = text_value(row.get("stationId"))
    name = text_value(row.get("stationName"))
    lat, lon = _seoul_coordinates(row, "stationLatitude", "stationLongitude", station_id or "?", context)
    template = context.config.get("link_template") or BIKE_LINK_TEMPLATE
    item = RawItem(
        key=station_id, link=_template_link(str(template), row, station_id),
        title=f"따릉이 {name}" if name else None, lat=lat, lon=lon, categories=["bike", "따릉이"],
        price_text=text_value(context.config.get("price_text")),
    )
    for name_, field in (("bikes_parked", "parkingBikeTotCnt"), ("racks", "rackTotCnt"), ("shared_pct", "shared")):
        _put(item.extra, name_, integer(row.get(field)))
    _put(item.extra, "station_time", text_value(row.get("stationDt")))
    return item


def _put(extra: dict, name: str, value: Any) -> None:
    if value is not None:
        extra[name] = value


# --- 공유누리 (eshare.go.kr) ----------------------------------------------------------------------

_YES = {"y", "yes", "true", "1"}
_NO = {"n", "no", "false", "0"}


def _parse_eshare(base_url: str, document: Any, config: Mapping) -> ParseResult:
    fmt = f"{COMPONENT}:eshare"
    if not isinstance(document, dict):
        raise ParseError(f"{COMPONENT}: eshare answer is a {type(document).__name__}, not an object")
    rows = document.get("data")
    if not isinstance(rows, list):
        code, message = text_value(document.get("resultCode")), text_value(document.get("resultMsg"))
        if rows is None and (code or message):
            raise ParseError(f"{COMPONENT}: eshare answered {code or '?'}: {message or 'no message'}")
        raise ParseError(f"{COMPONENT}: eshare answer has no \"data\" list (top-level keys: {_keys(document)})")
    warnings: list[str] = []
    deleted = 0

    def convert(row: dict) -> RawItem | None:
        nonlocal deleted
        if (text_value(row.get("delYn")) or "").lower() in _YES:
            deleted += 1
            return None
        return _eshare_row(row, base_url, config)

    items = _rows_to_items(_cap(rows, warnings), warnings, convert)
    if deleted:
        warnings.append(f"{COMPONENT}: {deleted} row(s) are marked deleted (delYn=Y); skipped")
    total = next((integer(document[k]) for k in ("totalCount", "totalCnt", "total_count") if k in document), None)
    return ParseResult(format=fmt, items=items, warnings=warnings,
                       links=_next_links(_eshare_next(base_url, config, len(rows), total, warnings), base_url))


def _eshare_next(url: str, config: Mapping, rows: int, total: int | None, warnings: list[str]) -> str | None:
    page = integer(_query_value(url, "pageNo"))
    size = integer(_query_value(url, "numOfRows")) or integer(config.get("size"))
    if page is None:
        if size and rows >= size:
            warnings.append(f"{COMPONENT}: eshare returned a full page of {rows} rows but the URL has no pageNo "
                            "parameter; add ?pageNo=1&numOfRows=… to page through")
        return None
    seen = page * size if size else None
    if not _more(rows, seen, size, total):
        return None
    updates: dict[str, int] = {"pageNo": page + 1}
    if size and _query_value(url, "numOfRows") is None:
        updates["numOfRows"] = size
    return set_query(url, updates)


def _eshare_category(url: str, config: Mapping) -> str | None:
    label = text_value(config.get("category"))
    if label:
        return label
    match = re.search(r"/rsrc/list/(\d+)/", urlsplit(url).path + "/")
    return match.group(1) if match else None


def _eshare_price(row: dict) -> str | None:
    free = (text_value(row.get("freeYn")) or "").lower()
    amount = integer(row.get("amt1"))
    if free in _YES:
        return "무료"
    if amount:
        return f"{amount:,}원"
    if free in _NO:
        return "유료"
    return None


def _eshare_row(row: dict, base_url: str, config: Mapping) -> RawItem:
    """One 공유누리 resource (a room, hall, parking lot or item a public body lends)."""
    key = text_value(row.get("rsrcNo"))
    detail = text_value(row.get("dtlUrlAddr"))
    link = urljoin(ESHARE_SITE, detail) if _is_url(detail) else None
    if link is None or not is_http_url(link):
        link = _template_link(str(config.get("link_template") or ESHARE_LINK_TEMPLATE), row, key)
    address, extra_address = text_value(row.get("addr")), text_value(row.get("daddr"))
    if address and extra_address and extra_address not in address:
        address = f"{address} {extra_address}"
    pair = ordered_coordinates(row.get("lat"), row.get("lot"), KOREA_LAT, KOREA_LON)
    lat, lon = pair if pair else (number(row.get("lat")), number(row.get("lot")))
    images = [urljoin(ESHARE_SITE, u) for u in texts([row.get("imgFileUrlAddr"), row.get("bnrImgFileUrlAddr")])
              if _is_url(u)]
    category = text_value(row.get("rsrcClsNm")) or _eshare_category(base_url, config)
    item = RawItem(
        key=key or link, link=link, title=text_value(row.get("rsrcNm")),
        summary=text_value(row.get("rsrcIntr")), categories=[category] if category else [],
        updated=datetime_value(row.get("updYmd")), lat=lat, lon=lon,
        address=address or extra_address, price_text=_eshare_price(row), images=images,
    )
    for name, field in (("institution", "rsrcInstNm"), ("institution_url", "instUrlAddr"),
                        ("class_code", "rsrcClsCd"), ("zip", "zip"), ("purpose", "usePrpse"),
                        ("notice", "atpn"), ("area", "area"), ("available", "usePsblYn"),
                        ("no_booking_needed", "rsvtNdlsYn"), ("sgg_code", "sggCd"), ("fee_2", "amt2")):
        _put(item.extra, name, text_value(row.get(field)))
    return item


def detect_preset(body: bytes) -> dict | None:
    """The preset config a JSON body's own shape names (the Seoul open API envelope), for auto."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(document, dict) or len(document) != 1:
        return None
    (root, envelope), = document.items()
    if not isinstance(envelope, dict) or "RESULT" not in envelope:
        return None
    if root in SEOUL_RESERVATION_SERVICES:
        return {"preset": "seoul_reservation", "service": root}
    if root == "rentBikeStatus":
        return {"preset": "seoul_bike"}
    return None
