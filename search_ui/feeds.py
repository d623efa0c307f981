"""A search to follow: the same query as an Atom feed and a JSON Feed (1.1), newest first.

Feed readers poll, so responses carry an ETag and Cache-Control and answer 304 when unchanged.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from flask import Blueprint, Response, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from indexer.search import SearchError
from search_ui import services
from search_ui.i18n import page_language
from search_ui.public import category_label, district_label, price_label
from search_ui.queryargs import BadQuery, search_request
from search_ui.security import cacheable

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

FEED_ITEMS = 50


def _search():
    settings = services.settings()
    query, options = search_request(request.args, page_size=FEED_ITEMS, max_page_size=FEED_ITEMS,
                                    default_radius_km=settings.default_radius_km)
    query = dataclasses.replace(query, sort="newest", page=1, per_page=FEED_ITEMS)
    return query, services.run(query, options)


def _title(query) -> str:
    parts = [query.text.strip()] if query.text.strip() else []
    parts += [category_label(c) for c in query.categories]
    parts += [district_label(d) for d in query.districts]
    parts += list(query.platforms)
    if query.free:
        parts.append(_("Free"))
    name = _("Seoul Sharing Hub")
    return f"{' · '.join(parts)} — {name}" if parts else name


def _search_page_url() -> str:
    args = request.query_string.decode("ascii", "replace")
    return url_for("public.search_page", _external=True) + (f"?{args}" if args else "")


@bp.errorhandler(BadQuery)
def _bad_query(exc: BadQuery):
    return jsonify(error=str(exc), code="bad_query"), 400


@bp.errorhandler(SearchError)
def _search_unavailable(exc: SearchError):
    return jsonify(error=services.public_reason(exc), code="search_unavailable"), 503


@bp.get("/search.atom")
def search_atom():
    query, result = _search()
    updated = max((_when(hit) for hit in result.hits), default=datetime(2026, 1, 1, tzinfo=timezone.utc))
    body = render_template("feed.atom.xml", title=_title(query), hits=result.hits, updated=updated,
                           self_url=request.url, page_url=_search_page_url(), when=_when,
                           lang=page_language(), price_label=price_label)
    return cacheable(Response(body, content_type="application/atom+xml; charset=utf-8"))


@bp.get("/search.json")
def search_json():
    query, result = _search()
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _title(query),
        "home_page_url": _search_page_url(),
        "feed_url": request.url,
        "language": page_language(),
        "items": [_json_item(hit) for hit in result.hits],
    }
    response = jsonify(feed)
    response.mimetype = "application/feed+json"
    return cacheable(response)


def _when(hit: dict) -> datetime:
    for key in ("updated_at", "published_at"):
        if hit.get(key):
            try:
                moment = datetime.fromisoformat(hit[key])
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return datetime(2026, 1, 1, tzinfo=timezone.utc)


def _json_item(hit: dict) -> dict:
    item = {
        "id": url_for("public.listing_page", listing_id=hit["id"], _external=True),
        "url": hit["url"],
        "external_url": url_for("public.listing_page", listing_id=hit["id"], _external=True),
        "title": hit["title"],
        "content_text": " · ".join(p for p in (hit.get("summary") or "", price_label(hit.get("price")),
                                               district_label(hit.get("district"))) if p),
        "date_modified": _when(hit).isoformat(),
        "authors": [{"name": hit.get("platform") or ""}],
        "tags": [category_label(hit["category"])] if hit.get("category") else [],
    }
    if hit.get("published_at"):
        item["date_published"] = hit["published_at"]
    if hit.get("images"):
        item["image"] = hit["images"][0]
    return item
