"""JSON API, version 1. Fields are added over time, never renamed or removed; openapi.json
(search_ui/openapi.py) describes every endpoint and is checked against real responses in tests."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from indexer.catalog import store
from indexer.search import SearchError
from search_ui import openapi, services
from search_ui.i18n import LANGUAGES, page_language
from search_ui.queryargs import BadQuery, search_request
from search_ui.security import cacheable

bp = Blueprint("api", __name__, url_prefix="/api/v1")

SUGGEST_LIMIT = 8
# What a suggestion is, shown beside it (a title needs no word: it is what one searches).
KIND_LABELS = {"ko": {"category": "분류", "district": "자치구", "place": "지역", "platform": "플랫폼"},
               "en": {"category": "Category", "district": "District", "place": "Area", "platform": "Platform"}}


def _error(code: str, message: str, status: int):
    return jsonify(error=message, code=code), status


@bp.get("/listings")
def listings():
    settings = services.settings()
    try:
        query, options = search_request(request.args, page_size=settings.page_size,
                                        max_page_size=settings.max_page_size,
                                        default_radius_km=settings.default_radius_km)
    except BadQuery as exc:
        return _error("bad_query", str(exc), 400)
    try:
        result = services.run(query, options)
    except SearchError as exc:
        return _error("search_unavailable", services.public_reason(exc), 503)
    body = result.as_api()
    body.update(page=query.page, per_page=query.per_page)
    return cacheable(jsonify(body))


@bp.get("/listings/<listing_id>")
def listing(listing_id: str):
    if not listing_id.isalnum() or len(listing_id) > 64:
        return _error("not_found", "no listing has this id", 404)
    with services.catalog().session() as session:
        detail = store.listing_detail(session, listing_id)
    if detail is None:
        return _error("not_found", "no listing has this id", 404)
    body = dict(detail.document, status=detail.status, first_seen_at=detail.first_seen_at.isoformat(),
                last_seen_at=detail.last_seen_at.isoformat(),
                source_checked_at=detail.source_checked_at.isoformat() if detail.source_checked_at else None)
    return cacheable(jsonify(body))


@bp.get("/suggest")
def suggest():
    text = request.args.get("q", "")[:100]
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else page_language()
    found = services.suggester().suggest(text, lang, limit=SUGGEST_LIMIT)
    kinds = KIND_LABELS[lang]
    for suggestion in found:
        suggestion["kind_label"] = kinds.get(suggestion["kind"], "")
    if request.args.get("format") == "opensearch":
        # The OpenSearch suggestions shape browsers read: [query, [completions]].
        return cacheable(jsonify([text, [s["label"] for s in found]]), max_age=300)
    return cacheable(jsonify(query=text, suggestions=found), max_age=300)


@bp.get("/platforms")
def platforms():
    with services.catalog().session() as session:
        summaries = store.platform_summaries(session)
    return cacheable(jsonify(platforms=[{
        "id": p.id, "name": p.name, "name_ko": p.name_ko, "homepage": p.homepage,
        "active_listings": p.active_listings, "categories": p.categories, "sources": p.sources,
        "last_success_at": p.last_success_at.isoformat() if p.last_success_at else None,
    } for p in summaries]))


@bp.get("/openapi.json", endpoint="openapi")
def openapi_document():
    return cacheable(jsonify(openapi.document(request.url_root.rstrip("/"))), max_age=3600)

