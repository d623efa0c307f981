"""What every response carries to keep partner text harmless and the service fair: a strict
Content-Security-Policy and related headers, per-client rate limits with a clear 429, and
ETag/Cache-Control on the API and feeds.

No request's IP address is written anywhere: the limiter keeps a counter per address in memory
(or the configured storage) for the length of its window only.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts and styles only from our own origin (no inline code at all), so a partner's
# `<script>` or `onerror=` that escaped sanitizing still cannot run. Partner images may come from
# any https origin; nothing may frame the portal.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # A partner sees that a citizen came from the hub, not what they searched for.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
# API and feed responses may be reused briefly by browsers and proxies; ETags make rechecks cheap.
PUBLIC_CACHE_SECONDS = 60

def _secure_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)   # the limiter sends it on every response
    return response


def cacheable(response: Response, max_age: int = PUBLIC_CACHE_SECONDS) -> Response:
    """ETag + Cache-Control for a public GET response; answers 304 when the client has it."""
    if response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        response.add_etag()
        response.make_conditional(request)
    return response


def _too_many(error) -> tuple[Response, int] | tuple[str, int]:
    retry = getattr(error, "retry_after", None)
    if request.path.startswith("/api/") or request.path.startswith("/feeds/"):
        body = jsonify(error=f"too many requests from your address ({error.description}); try again shortly",
                       code="rate_limited")
        return body, 429
    return render_template("error.html", status=429, description=error.description, retry_after=retry), 429


def _exempt() -> bool:
    return request.endpoint == "static" or request.path == "/robots.txt"


def init_app(app: Flask, settings) -> None:
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    # Runs after the limiter's own after_request (Flask runs them last-registered first), so that
    # it sees the Retry-After the limiter adds.
    app.after_request(_secure_headers)
    limits = [part.strip() for part in settings.rate_limit.split(";") if part.strip()]
    # One budget per client over every page, feed and API call (application limits), not one per
    # route: a scraper cycling through URLs meets the same limit as one hammering a single page.
    limiter = Limiter(get_remote_address, app=app, application_limits=limits,
                      application_limits_exempt_when=_exempt, storage_uri=settings.rate_limit_storage,
                      headers_enabled=True, enabled=bool(limits))
    app.extensions["sharehub.limiter"] = limiter
    app.register_error_handler(429, _too_many)
