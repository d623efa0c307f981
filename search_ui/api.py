"""JSON API, version 1. Fields are added over time, never renamed or removed."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from indexer.search import SearchError
from search_ui import services
from search_ui.queryargs import BadQuery, search_request

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/listings")
def listings():
    settings = services.settings()
    try:
        query, options = search_request(request.args, page_size=settings.page_size,
                                        max_page_size=settings.max_page_size,
                                        default_radius_km=settings.default_radius_km)
    except BadQuery as exc:
        return jsonify(error=str(exc)), 400
    try:
        result = services.run(query, options)
    except SearchError as exc:
        return jsonify(error=str(exc)), 503
    body = result.as_api()
    body.update(page=query.page, per_page=query.per_page)
    return jsonify(body)
