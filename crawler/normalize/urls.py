"""URLs of listings: absolute, http(s) only, tracking parameters dropped."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

from crawler.parsers.base import absolute_url, is_http_url

TRACKING_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
                       "fbclid", "gclid", "dclid", "msclkid", "yclid", "_ga", "mc_cid", "mc_eid",
                       "igshid", "ref_src")


# A URL that safe_url_string would return unchanged: lower-case scheme and host, no port, and
# only characters that need no quoting. Most partners' links are like this, and the check is a
# tenth of the cost of safe_url_string, which runs for every item of every crawl.
_PLAIN_URL = re.compile(r"https?://[a-z0-9][a-z0-9.\-]*(?:[/?#][A-Za-z0-9\-._~:/?#@!$&'()*+,;=]*)?\Z")


def absolute_http_url(url: str | None, base_url: str | None = None) -> str | None:
    """The URL made absolute against base_url, or None when it is not an http(s) URL one can open."""
    url = absolute_url(url, base_url)
    if not is_http_url(url):
        return None
    if _PLAIN_URL.match(url):
        return url
    try:
        urlsplit(url).port  # raises on a port out of range
        return safe_url_string(url)
    except ValueError:
        return None


def canonical_url(url: str) -> str:
    """Tracking parameters removed; otherwise the partner's URL as given (it must keep working)."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=True)
    return cleaned


def url_key(url: str) -> str:
    """A stable identity for a URL (sorted query, no fragment), for ids when an item has no guid."""
    return canonicalize_url(canonical_url(url))
