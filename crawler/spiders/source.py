"""The spider for one source: fetch its documents and hand each body to its kind's parser.

It decides only what to fetch next: the entry document (with the stored validators), what that
leads to (sitemaps, item pages whose lastmod moved, next pages), robots.txt sitemaps and feed
links for the auto kind, and a small sample of item pages to find dead links. Every document
becomes one `DocumentResult` item; the pipeline makes the crawl's outcome out of them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Mapping
from urllib.parse import urljoin

import scrapy
from scrapy.exceptions import (DownloadCancelledError, DownloadFailedError, DownloadTimeoutError, IgnoreRequest,
                               ResponseDataLossError)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionDone, ConnectionLost, DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.middlewares import UnsafeAddress
from crawler.parsers import registry
from crawler.parsers.base import Link, ParseError, ParseResult
from crawler.parsers.detect import detect_format

GONE_STATUSES = (404, 410)
# Previews (SourceSpec.max_items): sitemaps or next pages followed from one document at most.
PREVIEW_BRANCHES = 3


@dataclass(frozen=True)
class DocumentState:
    etag: str | None = None
    last_modified: str | None = None
    lastmod: datetime | None = None


@dataclass(frozen=True)
class SourceSpec:
    """What a spider needs to know about a source (a plain value: spiders never touch the catalog)."""
    id: int
    url: str
    kind: str                        # auto, feed, sitemap, html, json_api
    platform: str
    etag: str | None = None
    last_modified: str | None = None
    config: Mapping[str, Any] | None = None
    documents: Mapping[str, DocumentState] = field(default_factory=dict)
    item_urls: tuple[str, ...] = ()  # active listings' pages, for the dead-link sample
    max_pages: int = 500
    dead_link_sample: int = 5
    max_items: int | None = None     # previews: follow no more once this many items are read or on their way


@dataclass
class DocumentResult:
    """One fetched document (or why there is none). The pipeline records the crawl from these."""
    source_id: int
    url: str
    role: str                         # entry, sitemap, page, next, robots, check
    outcome: str                      # ok, not_modified, failed, skipped
    kind: str | None = None           # the kind the document was read as (auto resolves here)
    http_status: int | None = None
    parsed: ParseResult | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    lastmod: datetime | None = None
    retry_after: float | None = None
    fresh_for: float | None = None    # seconds the response says it stays fresh (Cache-Control, Expires)
    resolved_url: str | None = None   # auto: the feed or site the source turned out to be
    resolved_config: Mapping[str, Any] | None = None  # auto: a preset the body's own shape names

    @property
    def warnings(self) -> list[str]:
        return list(self.parsed.warnings) if self.parsed else []


class SourceSpider(scrapy.Spider):
    name = "source"

    def __init__(self, source: SourceSpec, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.kind = None if source.kind == "auto" else source.kind
        self.requested: set[str] = set()
        self.pages_left = source.max_pages
        self.truncated = False
        self.resolved_config = None
        self.items_ahead = 0   # max_items: items read, and item pages requested
        self.enough = False    # max_items: documents left unread because the preview had enough
        self.named_left = 0    # sitemaps robots.txt named (the entry was a site's page) not yet answered
        self.named_read = False

    # -- requests -----------------------------------------------------------------------------
    async def start(self):
        headers = {}
        if self.source.kind == "auto" or registry.kind(self.source.kind).conditional_entry:
            headers = _conditional(self.source.etag, self.source.last_modified)
        request = self._request(self.source.url, "entry", headers=headers)
        if request is not None:
            yield request

    def _request(self, url: str, role: str, headers: Mapping[str, str] | None = None,
                 lastmod: datetime | None = None, **meta) -> scrapy.Request | None:
        if url in self.requested:
            return None
        if self.pages_left <= 0:
            self.truncated = True
            return None
        self.requested.add(url)
        self.pages_left -= 1
        return scrapy.Request(url, headers=dict(headers or {}), callback=self.parse_document,
                              errback=self.on_error, dont_filter=True,
                              meta={"role": role, "lastmod": lastmod, "handle_httpstatus_list": [304], **meta},
                              priority={"entry": 3, "robots": 3, "sitemap": 2, "next": 2}.get(role, 0))

    def _follow(self, links: list[Link]):
        branches = 0
        for link in links:
            if not self._wanted(link.role, branches):
                continue
            if link.role == "page":
                known = self.source.documents.get(link.url)
                if known and link.lastmod and known.lastmod and link.lastmod <= known.lastmod:
                    # Unchanged since we read it: no request, and its listings count as seen.
                    yield DocumentResult(self.source.id, link.url, "page", "skipped", kind=self.kind,
                                         lastmod=link.lastmod)
                    continue
                headers = _conditional(known.etag, known.last_modified) if known else {}
                request = self._request(link.url, "page", headers=headers, lastmod=link.lastmod)
            else:
                request = self._request(link.url, link.role if link.role in ("sitemap", "next") else "next",
                                        lastmod=link.lastmod)
                branches += request is not None
            if request is not None:
                self.items_ahead += link.role == "page"
                yield request

    def _wanted(self, role: str, branches: int) -> bool:
        """Previews read only what they show: nothing more once max_items items are read or on
        their way, and at most PREVIEW_BRANCHES sitemaps or next pages from one document."""
        limit = self.source.max_items
        if limit is None:
            return True
        if self.items_ahead >= limit or (role != "page" and branches >= PREVIEW_BRANCHES):
            self.enough = True
            return False
        return True

    # -- responses ----------------------------------------------------------------------------
    def parse_document(self, response):
        role = response.meta["role"]
        base = self._result(response, role)
        if response.status == 304:
            base.outcome = "not_modified"
            self._named_sitemap_done(response.meta, base)
            yield base
            if role == "entry" and self.kind == "feed":  # an unchanged feed's pages can still die
                yield from self._dead_link_sample()
            return
        if role == "check":
            yield base
            return
        if role == "robots":
            yield from self._from_robots(response, base)
            return
        if self.kind is None:
            yield from self._detect(response, base)
            return
        if self.kind == "sitemap" and role == "entry" and detect_format(response.body) == "html":
            # A site's root rather than its sitemap: robots.txt says where the sitemaps are.
            yield from self._ask_robots(response, base)
            return
        try:
            parsed = registry.parse_document(self.kind, role, response.url, response.body, self.source.config,
                                             max_bytes=self.settings.getint("DOWNLOAD_MAXSIZE"))
        except ParseError as exc:
            base.outcome, base.error = "failed", str(exc)
            self._named_sitemap_done(response.meta, base)
            yield base
            return
        base.parsed = parsed
        self._named_sitemap_done(response.meta, base)
        if role != "page":  # an item page was counted when it was requested
            self.items_ahead += len(parsed.items)
        yield base
        yield from self._follow(parsed.links)
        if role == "entry" and self.kind == "feed":
            yield from self._dead_link_sample()

    def _result(self, response, role: str) -> DocumentResult:
        return DocumentResult(self.source.id, response.url, role, "ok", kind=self.kind, http_status=response.status,
                              etag=_header(response, b"ETag"), last_modified=_header(response, b"Last-Modified"),
                              lastmod=response.meta.get("lastmod"),
                              fresh_for=fresh_for(_header(response, b"Cache-Control"), _header(response, b"Expires"),
                                                  _header(response, b"Date")))

    def _detect(self, response, base: DocumentResult):
        """The auto kind: what the entry URL serves decides what the source is."""
        found = detect_format(response.body)
        config = self.source.config or {}
        if found in ("xml-feed", "jsonfeed"):
            self.kind = base.kind = "feed"
        elif found == "sitemap":
            self.kind = base.kind = "sitemap"
        elif found == "json" and (config or self._json_preset(response.body)):
            self.kind = base.kind = "json_api"
        elif found == "html" and "item" in config:
            self.kind = base.kind = "html"  # the operator declared selectors: a listing page
        elif found == "html":
            from crawler.parsers.discovery import feed_links

            feeds = feed_links(response.url, response.body)
            if feeds:
                self.kind = "feed"
                base.outcome, base.kind, base.resolved_url = "skipped", "feed", feeds[0]
                yield base
                request = self._request(feeds[0], "entry")
                if request is not None:
                    yield request
                return
            yield from self._ask_robots(response, base)
            return
        else:
            base.outcome = "failed"
            base.error = ("auto: nothing usable found: the URL serves JSON that is not a JSON Feed; "
                          "add it with --kind json_api and a field mapping" if found == "json" else
                          f"auto: nothing usable found: the URL serves neither a feed, a sitemap nor an HTML page ({found})")
            yield base
            return
        yield from self.parse_document(response)

    def _ask_robots(self, response, base: DocumentResult):
        """The entry is a site's page: its robots.txt may name the sitemaps."""
        base.outcome = "skipped"
        yield base
        request = self._request(urljoin(response.url, "/robots.txt"), "robots", auto_entry=response.url)
        if request is not None:
            yield request

    def _json_preset(self, body: bytes) -> bool:
        from crawler.parsers.json_api import detect_preset

        preset = detect_preset(body)
        if preset:
            self.source = replace(self.source, config=preset)
            self.resolved_config = preset
        return preset is not None

    def _from_robots(self, response, base: DocumentResult):
        from crawler.parsers.sitemap import sitemaps_from_robots

        sitemaps = sitemaps_from_robots(response.url, response.body) if response.status == 200 else []
        if not [url for url in sitemaps if url not in self.requested]:
            base.outcome = "failed"
            base.error = ("auto: nothing usable found: the page links no feed (<link rel=\"alternate\">) "
                          "and robots.txt names no sitemap")
            if sitemaps:  # only the entry itself, which served an HTML page
                base.error += f" but {sitemaps[0]}, which serves an HTML page"
            base.role = "entry"
            yield base
            return
        self.kind = base.kind = "sitemap"
        base.resolved_url = response.meta.get("auto_entry") or base.resolved_url
        yield base
        branches = 0
        for url in sitemaps:
            request = self._request(url, "sitemap", named=True) if self._wanted("sitemap", branches) else None
            if request is not None:
                branches += 1
                self.named_left += 1
                yield request

    def _named_sitemap_done(self, meta, result: DocumentResult) -> None:
        """The sitemaps robots.txt named stand in for the source's entry (a site's page): when not one
        of them could be read, the last to fail fails the crawl with its own reason."""
        if not meta.get("named"):
            return
        self.named_left -= 1
        if result.outcome != "failed":
            self.named_read = True
        elif self.named_left == 0 and not self.named_read:
            result.role = "entry"

    def _dead_link_sample(self):
        urls = list(self.source.item_urls)
        random.shuffle(urls)
        for url in urls[: self.source.dead_link_sample]:
            request = self._request(url, "check")
            if request is not None:
                yield request

    def on_error(self, failure):
        request = failure.request
        role = request.meta.get("role", "entry")
        result = DocumentResult(self.source.id, request.url, role, "failed", kind=self.kind,
                                lastmod=request.meta.get("lastmod"))
        if failure.check(HttpError):
            response = failure.value.response
            result.http_status = response.status
            waited = request.meta.get("retry_after")
            result.error = f"http: {request.url} answered {response.status}"
            if waited is not None and response.headers.get(b"Retry-After"):
                # Only a wait the partner asked for is kept for the scheduler; without one the
                # failure backs off like any other.
                result.retry_after = waited
                result.error += f" (Retry-After {waited:.0f} s)"
            elif waited is not None:
                result.error += " (no Retry-After given)"
        elif failure.check(DNSLookupError):
            result.error = f"http: cannot resolve host of {request.url}: {failure.getErrorMessage()}"
        elif failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
            result.error = f"http: {request.url} did not answer in time ({failure.getErrorMessage()})"
        elif failure.check(DownloadCancelledError) and "max size" in failure.getErrorMessage():
            result.error = (f"http: {request.url} is larger than the crawler reads (max_response_bytes): "
                            f"{failure.getErrorMessage()}")
        elif failure.check(DownloadFailedError, ResponseDataLossError, ConnectionDone, ConnectionLost):
            result.error = f"http: {request.url} closed the connection before a complete answer"
        elif failure.check(UnsafeAddress):
            redirected = (request.meta.get("redirect_urls") or [None])[0]
            result.error = (f"crawler: {request.url} not fetched"
                            + (f" (a redirect from {redirected})" if redirected else "")
                            + f": {failure.getErrorMessage()}")
        elif failure.check(IgnoreRequest):
            # Scrapy's robots.txt middleware: the partner asked robots not to read this document.
            result.error = f"crawler: {request.url} not fetched: {failure.getErrorMessage()}"
            if role != "entry":
                result.outcome = "refused"  # respected, and not a failure of the crawl
        else:
            result.error = f"http: {request.url}: {failure.getErrorMessage() or failure.type.__name__}"
        if role == "robots":
            result.role, result.error = "entry", ("auto: nothing usable found: the page links no feed and "
                                                  f"robots.txt could not be read ({result.error})")
        self._named_sitemap_done(request.meta, result)
        yield result


def _conditional(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def fresh_for(cache_control: str | None, expires: str | None, date: str | None) -> float | None:
    """Seconds a response says it stays fresh: Cache-Control max-age (s-maxage first), else Expires
    minus Date (RFC 9111 §4.2.1); None when it says nothing, or no-cache/no-store."""
    directives = {}
    for part in (cache_control or "").split(","):
        name, _, value = part.strip().partition("=")
        directives[name.strip().lower()] = value.strip().strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return None
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                return max(0.0, float(int(directives[name])))
            except ValueError:
                return None
    if expires:
        try:
            expires_at = parsedate_to_datetime(expires)
            now = parsedate_to_datetime(date) if date else datetime.now(timezone.utc)
        except (TypeError, ValueError, IndexError):
            return None  # an unreadable Expires means already expired (RFC 9111 §5.3)
        if expires_at.tzinfo is None or now.tzinfo is None:
            return None
        return max(0.0, (expires_at - now).total_seconds())
    return None


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
