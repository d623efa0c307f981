"""URLs of listings: absolute, http(s) only, tracking parameters dropped."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

TRACKING_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
                       "fbclid", "gclid", "dclid", "msclkid", "yclid", "_ga", "mc_cid", "mc_eid",
                       "igshid", "ref_src")


def absolute_http_url(url: str | None, base_url: str | None = None) -> str | None:
    """The URL made absolute against base_url, or None when it is not http(s)."""
    if not url or not url.strip():
        return None
    try:
        url = urljoin(base_url, url.strip()) if base_url else url.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return None
        parts.port  # raises on a port out of range
        return safe_url_string(url)
    except ValueError:  # unbalanced brackets, bad port: not a URL anyone can open
        return None


def canonical_url(url: str) -> str:
    """Tracking parameters removed; otherwise the partner's URL as given (it must keep working)."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=True)
    return cleaned


def url_key(url: str) -> str:
    """A stable identity for a URL (sorted query, no fragment), for ids when an item has no guid."""
    return canonicalize_url(canonical_url(url))
