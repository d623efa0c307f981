"""The spider for one source: a conditional GET of its URL, the body handed to its kind's parser."""

from __future__ import annotations

from dataclasses import dataclass, field

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError, TCPTimedOutError, TimeoutError

from crawler.parsers.base import ParseError, ParseResult
from crawler.parsers.registry import parser_for


@dataclass(frozen=True)
class SourceSpec:
    """What a spider needs to know about a source (a plain value: spiders never touch the catalog)."""
    id: int
    url: str
    kind: str
    platform: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """One fetched-and-parsed document, or why there is none. The pipeline records it."""
    source_id: int
    outcome: str                      # ok, not_modified, failed
    url: str
    http_status: int | None = None
    parsed: ParseResult | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    warnings: list[str] = field(default_factory=list)


class SourceSpider(scrapy.Spider):
    name = "source"

    def __init__(self, source: SourceSpec, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    async def start(self):
        headers = {}
        if self.source.etag:
            headers["If-None-Match"] = self.source.etag
        if self.source.last_modified:
            headers["If-Modified-Since"] = self.source.last_modified
        yield scrapy.Request(self.source.url, headers=headers, callback=self.parse_body,
                             errback=self.on_error, dont_filter=True,
                             meta={"handle_httpstatus_list": [304]})

    def parse_body(self, response):
        if response.status == 304:
            yield FetchResult(self.source.id, "not_modified", response.url, http_status=304,
                              etag=self.source.etag, last_modified=self.source.last_modified)
            return
        etag = _header(response, b"ETag")
        last_modified = _header(response, b"Last-Modified")
        try:
            parsed = parser_for(self.source.kind)(response.url, response.body)
        except ParseError as exc:
            yield FetchResult(self.source.id, "failed", response.url, http_status=response.status,
                              error=str(exc))
            return
        yield FetchResult(self.source.id, "ok", response.url, http_status=response.status, parsed=parsed,
                          etag=etag, last_modified=last_modified, warnings=list(parsed.warnings))

    def on_error(self, failure):
        request = failure.request
        status = None
        if failure.check(HttpError):
            status = failure.value.response.status
            message = f"http: {request.url} answered {status}"
        elif failure.check(DNSLookupError):
            message = f"http: cannot resolve host of {request.url}"
        elif failure.check(TimeoutError, TCPTimedOutError):
            message = f"http: {request.url} did not answer in time"
        elif failure.check(IgnoreRequest):
            message = f"crawler: {request.url} not fetched: {failure.getErrorMessage()}"
        else:
            message = f"http: {request.url}: {failure.getErrorMessage() or failure.type.__name__}"
        yield FetchResult(self.source.id, "failed", request.url, http_status=status, error=message)


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
