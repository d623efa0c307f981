"""The OpenAPI 3.1 description of the JSON API (GET /api/v1/openapi.json).

Every path, parameter and response of search_ui/api.py is here, with exact JSON Schemas (Draft
2020-12, as OpenAPI 3.1 has them). Objects whose fields are fixed say `additionalProperties: false`,
so tests/search_ui/test_openapi.py, which validates real responses against this document, notices
a field that was added to a response but not here. When a field is added: add it here too; never
rename or remove one.
"""

from __future__ import annotations

from typing import Any

from indexer.listing import PRICE_UNITS
from indexer.search.query import FACET_FIELDS, MAX_RADIUS_KM, PRICE_BANDS, SORTS
from search_ui.i18n import LANGUAGES
from search_ui.queryargs import MAX_QUERY_CHARS
from search_ui.suggest import KINDS

API = "/api/v1"
REF = "#/components/schemas/"
ID_PATTERN = "^[0-9a-f]{32}$"
DISTRICT_PATTERN = "^[0-9]{5}$"
MAX_PAGE = 10_000
SUGGEST_LIMIT = 8       # search_ui.api.SUGGEST_LIMIT (not imported: api imports this module)
SUGGEST_MAX_QUERY = 100  # characters of q the suggest endpoint reads

DESCRIPTION = """\
The JSON API of the Seoul Sharing Hub, the portal that searches Seoul's sharing platforms (tools,
spaces, books, children's goods, rides and more) in one place.

**Stability.** This is version 1. Fields are added over time, never renamed or removed: a client
should ignore fields it does not know. Note codes (`notes[].code`) and suggestion kinds may also be
added; a client should skip the ones it does not know.

**Caching.** Every successful GET answers with an `ETag` and `Cache-Control: public, max-age=…`.
Send the ETag back in `If-None-Match` to get `304 Not Modified` with no body when nothing changed.

**Fair use.** Requests are limited per client address (the `X-RateLimit-*` headers say how far you
are); past the limit the API answers `429` with `Retry-After`.

**Errors** are JSON: `{"error": "<message in English>", "code": "<machine-readable code>"}`.

Dates and times are ISO 8601 (RFC 3339) with their offset; prices are in whole units of their
currency (won for KRW).
"""


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` that also allows null (OpenAPI 3.1: a type list, not `nullable`)."""
    out = dict(schema)
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
    elif isinstance(kind, list) and "null" not in kind:
        out["type"] = [*kind, "null"]
    if "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    return out


def _string(description: str, **extra) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _object(properties: dict[str, Any], description: str, *, required: list[str] | None = None,
            **extra) -> dict[str, Any]:
    return {"type": "object", "description": description,
            "required": list(properties) if required is None else required,
            "properties": properties, "additionalProperties": False, **extra}


def _counts(description: str, **extra) -> dict[str, Any]:
    return {"type": "object", "description": description, "additionalProperties": {"type": "integer", "minimum": 1},
            **extra}


def _date_time(description: str) -> dict[str, Any]:
    return _nullable(_string(description, format="date-time"))


# -- schemas ---------------------------------------------------------------------------------------

def _document_properties() -> dict[str, Any]:
    """The fields of indexer.listing.search_document, in its order."""
    return {
        "id": _string("The listing's id: stable while the partner keeps the item under the same key.",
                      pattern=ID_PATTERN, examples=["70c13f1b302ff8fa41727bb34a7dd31a"]),
        "url": _string("The item's page on the partner platform.", format="uri"),
        "title": _string("The title as the partner gives it (plain text)."),
        "summary": _nullable(_string("A short plain-text description.")),
        "description_html": _nullable(_string(
            "The partner's full description as sanitized HTML (a small set of harmless tags, no "
            "scripts, styles or event handlers).")),
        "platform": _string("Name of the sharing platform that lists the item (a value of the `platform` "
                            "filter and facet)."),
        "source_id": {"type": "integer", "description": "Id of the feed or API of the platform the listing "
                                                        "was read from."},
        "category": _nullable(_string("Category key (a value of the `category` filter and facet).",
                                      examples=["tools"])),
        "district": _nullable(_string("The gu, as its 5-digit administrative code (11440 = Mapo-gu).",
                                      pattern=DISTRICT_PATTERN, examples=["11440"])),
        "dong": _nullable(_string("The administrative dong as the listing names it.", examples=["망원1동"])),
        "address": _nullable(_string("The street address as the partner writes it.")),
        "lat": _nullable({"type": "number", "minimum": -90, "maximum": 90, "description": "Latitude (WGS 84)."}),
        "lon": _nullable({"type": "number", "minimum": -180, "maximum": 180,
                          "description": "Longitude (WGS 84)."}),
        "price": {"$ref": REF + "Price"},
        "starts_at": _date_time("When the item, event or booking window starts, if it has a start."),
        "ends_at": _date_time("When it ends, if it has an end."),
        "published_at": _date_time("When the partner published the listing."),
        "updated_at": _date_time("When the partner last changed the listing."),
        "images": {"type": "array", "items": {"type": "string", "format": "uri"},
                   "description": "Image URLs on the partner's site, the main one first."},
        "tags": {"type": "array", "items": {"type": "string"}, "description": "The partner's tags or keywords."},
        "language": _nullable(_string("Language of the listing's text (ISO 639-1), when detected.",
                                      examples=["ko"])),
        "contact": {"oneOf": [{"$ref": REF + "Contact"}, {"type": "null"}],
                    "description": "Phone numbers and e-mail addresses the partner gives for the item."},
        "opening_hours": _nullable(_string("Opening hours as the partner writes them.",
                                           examples=["평일 09:00~18:00"])),
        "cluster": _string("The id search collapses on: the listing's own id, or when the same thing is "
                           "listed on other platforms, the id shared by all of them.", pattern=ID_PATTERN),
        "also_on": {"type": "array", "items": {"$ref": REF + "AlsoOn"},
                    "description": "The same thing listed on other platforms (empty when it is not)."},
    }


def _schemas() -> dict[str, Any]:
    document = _document_properties()
    hit = {
        **document,
        "highlights": {"$ref": REF + "Highlights"},
        "distance_km": {"type": "number", "minimum": 0,
                        "description": "Distance from `near` in km (great circle, rounded to metres); only "
                                       "with `near`, and only for listings with coordinates."},
    }
    detail = {
        **document,
        "status": {"type": "string", "enum": ["active", "gone", "removed"],
                   "description": "active: the partner still lists it; gone: it disappeared from the partner's "
                                  "feed; removed: taken off the hub."},
        "first_seen_at": _string("When the hub first read the listing.", format="date-time"),
        "last_seen_at": _string("When the hub last saw it in the partner's feed.", format="date-time"),
        "source_checked_at": _date_time("The last successful crawl of the listing's source."),
    }
    band_keys = [key for key, _, _ in PRICE_BANDS]
    facets = {
        "category": _counts("Category key -> matches."),
        "district": _counts("Gu code -> matches.", propertyNames={"pattern": DISTRICT_PATTERN}),
        "platform": _counts("Platform name -> matches."),
        "free": _counts("\"true\" -> free matches, \"false\" -> the others.",
                        propertyNames={"enum": ["true", "false"]}),
        "price_band": _counts("Price band (KRW; free listings cost 0) -> matches.",
                              propertyNames={"enum": band_keys}),
    }
    assert list(facets) == list(FACET_FIELDS)
    note_messages = {
        "message_ko": _string("What was done, in Korean."),
        "message_en": _string("What was done, in English."),
    }
    return {
        "SearchResult": _object({
            "total": {"type": "integer", "minimum": 0,
                      "description": "How many things match (one listed on several platforms counts once)."},
            "hits": {"type": "array", "items": {"$ref": REF + "Hit"},
                     "description": "This page of matches, best first."},
            "facets": {"$ref": REF + "Facets"},
            "facets_approximate": {"type": "boolean",
                                   "description": "True when the facet counts are estimates (very large result sets)."},
            "notes": {"type": "array", "items": {"$ref": REF + "Note"},
                      "description": "How the query was read: place words taken as a district filter, the "
                                     "fallback to any of the words. Shown to the user."},
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "description": "This page (from 1)."},
            "per_page": {"type": "integer", "minimum": 1, "description": "Hits per page, after the cap."},
        }, "One page of a search, with the facet counts of all its matches."),
        "Facets": _object(facets, "Counts of the matches by value, over all pages; values with no match are "
                                  "left out, the commonest first."),
        "Hit": _object(hit, "One listing in a search result: the listing and what the search adds.",
                       required=[name for name in hit if name != "distance_km"]),
        "ListingDetail": _object(detail, "One listing, whatever its status, with when the hub saw it."),
        "Price": _object({
            "amount": _nullable({"type": "integer", "minimum": 0,
                                 "description": "The price in whole units of the currency; null when unknown."}),
            "currency": _string("ISO 4217 currency code.", pattern="^[A-Z]{3}$", examples=["KRW"]),
            "unit": _nullable({"type": "string", "enum": list(PRICE_UNITS),
                               "description": "What the amount pays for, with unit_count (3 day = 3 days); "
                                              "null: one price, no period."}),
            "unit_count": _nullable({"type": "integer", "minimum": 1, "description": "How many units."}),
            "is_free": _nullable({"type": "boolean", "description": "Free of charge; null when the partner "
                                                                    "does not say."}),
            "deposit": _nullable({"type": "integer", "minimum": 0, "description": "A refundable deposit."}),
            "conditions": _nullable(_string("Conditions of the price as the partner writes them "
                                            "(discounts, who may use it free).")),
        }, "What using the item costs."),
        "Contact": _object({
            "phones": {"type": "array", "items": {"type": "string", "examples": ["02-123-4567"]},
                       "description": "Korean phone numbers, written with hyphens."},
            "emails": {"type": "array", "items": {"type": "string", "format": "email"}},
        }, "Contact details found in the listing."),
        "AlsoOn": _object({
            "id": _string("The other listing's id.", pattern=ID_PATTERN),
            "platform": _string("Its platform's name."),
            "url": _string("Its page on that platform.", format="uri"),
            "title": _string("Its title there."),
        }, "The same thing listed on another platform."),
        "Highlights": _object({
            "title": _string("The title as HTML: escaped, the query's words wrapped in <mark>."),
            "summary": _string("The summary (or, when it has none of the words, an excerpt of the "
                               "description) as HTML, at most about 200 characters, the words in <mark>."),
        }, "The query's words marked in the hit's text."),
        "Note": {
            "description": "Something the search did that the user should know. Codes are added over time.",
            "oneOf": [{"$ref": REF + "PlaceNote"}, {"$ref": REF + "AnyWordNote"}],
            "discriminator": {"propertyName": "code",
                              "mapping": {"place": REF + "PlaceNote", "any_word": REF + "AnyWordNote"}},
        },
        "PlaceNote": _object({
            "code": {"type": "string", "const": "place"},
            "word": _string("The place word of the query (마포, 홍대, itaewon)."),
            "districts": {"type": "array", "items": {"type": "string", "pattern": DISTRICT_PATTERN},
                          "minItems": 1, "description": "The gu codes it was searched in."},
            **note_messages,
        }, "A place word of q was taken as a district filter (turn off with places=false)."),
        "AnyWordNote": _object({
            "code": {"type": "string", "const": "any_word"},
            **note_messages,
        }, "No listing has all of the words of q: the hits have any of them."),
        "SuggestResponse": _object({
            "query": _string("q as read (at most 100 characters)."),
            "suggestions": {"type": "array", "items": {"$ref": REF + "Suggestion"}, "maxItems": SUGGEST_LIMIT},
        }, "Completions of what is typed, best first."),
        "OpenSearchSuggestions": {
            "type": "array", "description": "The OpenSearch suggestions shape browsers read: [query, [labels]].",
            "prefixItems": [{"type": "string", "description": "q as read."},
                            {"type": "array", "items": {"type": "string"}, "maxItems": SUGGEST_LIMIT,
                             "description": "The labels of the suggestions."}],
            "minItems": 2, "items": False,
        },
        "Suggestion": _object({
            "kind": {"type": "string", "enum": list(KINDS),
                     "description": "category: value is a category key (the `category` filter); district: a "
                                    "gu code (`district`); place: a place word; platform: a platform name "
                                    "(`platform`); title: a listing title to search for (`q`)."},
            "value": _string("What goes into the query or filter."),
            "label": _string("What to show, in the language asked for."),
            "kind_label": _string("What the kind is, to show beside the label, in the language asked for "
                                  "(분류 / Category, 자치구 / District, 지역 / Area, 플랫폼 / Platform); empty "
                                  "for a title.", examples=["Category"]),
        }, "One completion."),
        "PlatformList": _object({
            "platforms": {"type": "array", "items": {"$ref": REF + "Platform"},
                          "description": "Most active listings first."},
        }, "Every platform the hub reads."),
        "Platform": _object({
            "id": {"type": "integer"},
            "name": _string("The platform's name (the `platform` filter and hits' `platform`)."),
            "name_ko": _nullable(_string("Its Korean name.")),
            "homepage": _nullable(_string("Its homepage.", format="uri")),
            "active_listings": {"type": "integer", "minimum": 0},
            "categories": _counts("Category key (\"\" when unknown) -> active listings, most first."),
            "sources": {"type": "integer", "minimum": 0, "description": "How many feeds or APIs of it the hub reads."},
            "last_success_at": _date_time("The last successful crawl of any of its sources."),
        }, "A sharing platform the hub reads."),
        "Error": _object({
            "error": _string("What went wrong, in English."),
            "code": _string("Machine-readable: bad_query (400), not_found (404), method_not_allowed (405), "
                            "rate_limited (429), server_error (500), search_unavailable (503).",
                            examples=["bad_query"]),
        }, "An error."),
        "OpenApiDocument": {"type": "object", "required": ["openapi", "info", "paths"],
                            "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\.[0-9]+$"},
                                           "info": {"type": "object"}, "paths": {"type": "object"}},
                            "description": "This document."},
    }


# -- parameters, headers, responses ----------------------------------------------------------------

def _query(name: str, description: str, schema: dict[str, Any], **extra) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


def _list_query(name: str, description: str, item: dict[str, Any], example: list[str]) -> dict[str, Any]:
    return _query(name, description + " Repeat the parameter or give a comma-separated list; any value matches.",
                  {"type": "array", "items": item}, style="form", explode=True, example=example)


def _flag(name: str, description: str, default: bool | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "boolean"}
    if default is not None:
        schema["default"] = default
    return _query(name, description + " Also read: 1/0, yes/no, on/off (any case).", schema)


def _listing_parameters() -> list[dict[str, Any]]:
    """Every parameter search_ui.queryargs.search_request reads."""
    when = {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
    won = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}
    return [
        _query("q", f"The words to search for (Korean, English or both; at most {MAX_QUERY_CHARS} characters, a "
                    "longer q is a 400). Every "
                    "word must match; when no listing has them all, listings with any of them are shown (a note "
                    "says so). Place words (마포, 홍대입구, itaewon) become a district filter unless places=false. "
                    "Search syntax is not interpreted: quotes, AND and brackets are plain text.",
               {"type": "string", "maxLength": MAX_QUERY_CHARS}, example="전동드릴"),
        _list_query("category", "Category keys.", {"type": "string"}, ["tools", "kids"]),
        _list_query("district", "Gu, as 5-digit administrative codes (11440 = Mapo-gu).",
                    {"type": "string", "pattern": "^[0-9]{5}(,[0-9]{5})*$"}, ["11440", "11350"]),
        _list_query("dong", "Administrative dong names as listings carry them.", {"type": "string"}, ["망원1동"]),
        _list_query("platform", "Platform names (as in /api/v1/platforms).", {"type": "string"},
                    ["Neighbourhood Goods"]),
        _flag("free", "true: only free listings; false: only paid ones (or of unknown price); absent: both.", None),
        _query("price_min", "Lowest price in won (a free listing costs 0); thousands separators are allowed "
                            "(3,000). Listings of unknown price are left out when a price bound is given.", won),
        _query("price_max", "Highest price in won; not below price_min.", won),
        _query("available_from", "Only listings available at some time in [available_from, available_to]; "
                                 "listings without dates are always available. A date (2026-12-05: from the "
                                 "start of that day in Seoul) or an ISO 8601 date-time (without an offset: "
                                 "Seoul time).", when, example="2026-12-05"),
        _query("available_to", "The end of the window: a date (up to the end of that day in Seoul) or an ISO "
                               "8601 date-time; not before available_from.", when, example="2026-12-31"),
        _query("near", "A point as lat,lon in degrees: only listings with coordinates within radius_km, each "
                       "with its distance_km; without q the hits are nearest first.",
               {"type": "string", "pattern": "^\\s*-?[0-9.]+\\s*,\\s*-?[0-9.]+\\s*$"}, example="37.5563,126.9220"),
        _query("radius_km", f"With near: the radius in km, above 0 and at most {MAX_RADIUS_KM:g}; default: the "
                            "default_radius_km setting (3 unless configured).",
               {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_KM}, example=2),
        _query("sort", "relevance (best match first; newest first without q), newest, distance (needs near), "
                       "price (cheapest first, free first, unknown last). Default: distance when near is given "
                       "without q, else relevance.", {"type": "string", "enum": list(SORTS)}),
        _query("page", f"Page number from 1; pages past {MAX_PAGE:,} are read as {MAX_PAGE:,}.",
               {"type": "integer", "minimum": 1, "default": 1}),
        _query("per_page", "Hits per page, at least 1; default: the page_size setting (20 unless configured); "
                           "capped by the max_page_size setting (default 100): a larger value gives that many. "
                           "The response's per_page says what was used.",
               {"type": "integer", "minimum": 1}),
        _flag("places", "Read place words of q as a district filter (마포 공구 = 공구 in Mapo-gu).", True),
        _flag("include_ended", "Also show events and booking windows that have ended.", False),
        _flag("include_stale", "Also show listings of sources the hub has not crawled successfully for a while "
                               "(the stale_source_days setting).", False),
    ]


def _headers() -> dict[str, Any]:
    return {
        "ETag": {"description": "Entity tag of the body: send it back in If-None-Match to revalidate.",
                 "required": True, "schema": {"type": "string"}},
        "Cache-Control": {"description": "public, max-age=60 (suggestions: 300, this document: 3600).",
                          "required": True, "schema": {"type": "string"}, "example": "public, max-age=60"},
        "Vary": {"description": "The body may depend on the language (Accept-Language, the lang cookie).",
                 "schema": {"type": "string"}, "example": "Accept-Language, Cookie"},
        "X-RateLimit-Limit": {"description": "Requests allowed in the current window (when rate limiting is on).",
                              "schema": {"type": "integer"}},
        "X-RateLimit-Remaining": {"description": "Requests left in the current window.",
                                  "schema": {"type": "integer"}},
        "X-RateLimit-Reset": {"description": "When the current window ends (Unix time, seconds).",
                              "schema": {"type": "integer"}},
        "Retry-After": {"description": "Seconds to wait before trying again.", "required": True,
                        "schema": {"type": "integer", "minimum": 0}},
    }


def _header_refs(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


_RATE = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def _error_response(description: str, example: dict[str, str], *headers: str) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description,
                           "content": {"application/json": {"schema": {"$ref": REF + "Error"}, "example": example}}}
    if headers:
        out["headers"] = _header_refs(*headers)
    return out


def _responses() -> dict[str, Any]:
    return {
        "NotModified": {"description": "Not Modified: the If-None-Match ETag is current; no body.",
                        "headers": _header_refs("ETag", "Cache-Control")},
        "BadRequest": _error_response("A parameter cannot be read; `error` says which and why.",
                                      {"error": "page must be a whole number of at least 1, not '0'",
                                       "code": "bad_query"}),
        "NotFound": _error_response("No listing has this id (or no such path).",
                                    {"error": "no listing has this id", "code": "not_found"}),
        "TooManyRequests": _error_response(
            "Too many requests from this address; wait Retry-After seconds.",
            {"error": "too many requests from your address (120 per 1 minute); try again shortly",
             "code": "rate_limited"}, "Retry-After", *_RATE),
        "ServerError": _error_response("The server could not answer.",
                                       {"error": "the server could not answer this request",
                                        "code": "server_error"}),
        "SearchUnavailable": _error_response("The search engine cannot be reached or refused the request.",
                                             {"error": "search: the engine is unavailable",
                                              "code": "search_unavailable"}),
    }


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description,
            "headers": _header_refs("ETag", "Cache-Control", "Vary", *_RATE),
            "content": {"application/json": {"schema": schema}}}


def _operation(operation_id: str, tag: str, summary: str, description: str, ok: dict[str, Any],
               parameters: list[dict[str, Any]], *errors: str) -> dict[str, Any]:
    responses = {"200": ok, "304": {"$ref": "#/components/responses/NotModified"}}
    for status, name in (("400", "BadRequest"), ("404", "NotFound"), ("429", "TooManyRequests"),
                         ("500", "ServerError"), ("503", "SearchUnavailable")):
        if name in errors or name in ("TooManyRequests", "ServerError"):
            responses[status] = {"$ref": f"#/components/responses/{name}"}
    return {"operationId": operation_id, "tags": [tag], "summary": summary, "description": description,
            "parameters": [*parameters, {"$ref": "#/components/parameters/IfNoneMatch"}],
            "responses": responses}


def _paths() -> dict[str, Any]:
    schema = lambda name: {"$ref": REF + name}  # noqa: E731
    return {
        f"{API}/listings": {"get": _operation(
            "searchListings", "search", "Search listings",
            "Listings of every platform matching the words and filters, one page at a time, with facet counts "
            "over all matches. Ended listings and listings of stale sources are left out unless asked for; "
            "the same thing listed on several platforms is one hit (its others in also_on).",
            _ok("One page of results.", schema("SearchResult")), _listing_parameters(),
            "BadRequest", "SearchUnavailable")},
        f"{API}/listings/{{listing_id}}": {"get": _operation(
            "getListing", "listings", "One listing",
            "A listing by id, whatever its status: a listing the partner no longer lists answers with "
            "status gone (or removed), not 404.",
            _ok("The listing.", schema("ListingDetail")),
            [{"name": "listing_id", "in": "path", "required": True,
              "description": "The listing's id (the `id` of a hit).",
              "schema": {"type": "string", "maxLength": 64}, "example": "70c13f1b302ff8fa41727bb34a7dd31a"}],
            "NotFound")},
        f"{API}/suggest": {"get": _operation(
            "suggest", "search", "Search suggestions",
            f"Up to {SUGGEST_LIMIT} completions of what is typed so far: categories, gu, places, platforms and "
            "listing titles, best first. Korean initial consonants (초성) match too.",
            _ok("Suggestions: an object, or with format=opensearch the OpenSearch array.",
                {"oneOf": [schema("SuggestResponse"), schema("OpenSearchSuggestions")]}),
            [_query("q", f"What is typed so far (the first {SUGGEST_MAX_QUERY} characters are read); empty: "
                         "no suggestions.", {"type": "string"}, example="공구"),
             _query("lang", "Language of the labels; default: the page language (lang cookie, then "
                            "Accept-Language, then ko). Other values are ignored.",
                    {"type": "string", "enum": list(LANGUAGES)}),
             _query("format", "opensearch: answer in the OpenSearch suggestions shape [q, [labels]] "
                              "(as browsers read it); anything else: the object shape.",
                    {"type": "string", "enum": ["json", "opensearch"], "default": "json"})])},
        f"{API}/platforms": {"get": _operation(
            "listPlatforms", "platforms", "Platforms",
            "Every sharing platform the hub reads, with its active listings per category and its last "
            "successful crawl.", _ok("The platforms.", schema("PlatformList")), [])},
        f"{API}/openapi.json": {"get": _operation(
            "getOpenApi", "meta", "This document",
            "The OpenAPI 3.1 description of this API.", _ok("This document.", schema("OpenApiDocument")), [])},
    }


def document(server_url: str) -> dict:
    """The OpenAPI 3.1 document of the API served at `server_url` (the portal's root URL)."""
    portal = server_url.rstrip("/") + "/"
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Seoul Sharing Hub API",
            "version": "1",
            "summary": "Search the listings of Seoul's sharing platforms in one place.",
            "description": DESCRIPTION,
            "license": {"name": "Apache License 2.0", "identifier": "Apache-2.0"},
            "contact": {"name": "Seoul Sharing Hub", "url": portal},
        },
        "externalDocs": {"description": "The Seoul Sharing Hub portal", "url": portal},
        "servers": [{"url": server_url.rstrip("/") or "/", "description": "This portal"}],
        "tags": [
            {"name": "search", "description": "Searching listings and suggestions while typing."},
            {"name": "listings", "description": "Single listings."},
            {"name": "platforms", "description": "The sharing platforms the hub reads."},
            {"name": "meta", "description": "About the API."},
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "parameters": {"IfNoneMatch": {
                "name": "If-None-Match", "in": "header", "required": False,
                "description": "The ETag of a response you have: 304 with no body when it is still current.",
                "schema": {"type": "string"}}},
            "headers": _headers(),
            "responses": _responses(),
        },
    }
