"""A source previewed before it is saved: fetched now, its kind resolved, its first items normalized.

`preview_source` is what `sharehub sources add` checks a URL with and what an operator's
registration form shows: which kind the URL turned out to be (a feed, a page that links one, a
site whose robots.txt names sitemaps, a sitemap, Seoul's open API, a listing page), the document
actually read, the first items as the portal would show them with every diagnostic per item, and,
when nothing usable is there, a message that says why.

It fetches exactly as a crawl does: the same spider (`SourceSpider`) and Scrapy settings
(`crawler.runner.scrapy_settings`: public addresses only, robots.txt, size caps, time limits), in
a spawned child process (Scrapy's reactor runs once per process). Only the item pipeline differs:
`PreviewPipeline` collects the documents instead of writing them, so a preview touches neither the
catalog nor the search index. It reads a few documents, not the whole source: the spider stops
following sitemaps, item pages and next pages once `max_items` items are read or on their way
(`SourceSpec.max_items`).
"""

from __future__ import annotations

import logging
import queue as queues
from dataclasses import dataclass, field
from typing import Any, Mapping

from scrapy import signals

from config import Settings
from crawler.normalize.diagnostics import diagnostic
from crawler.normalize.listing import normalize_item
from crawler.parsers import registry
from crawler.spiders.source import DocumentResult, SourceSpec, SourceSpider
from indexer.listing import Diagnostic, Listing, search_document

log = logging.getLogger(__name__)

PREVIEW_ITEMS = 20
PREVIEW_TIMEOUT = 120      # seconds a preview may take in all, unless crawl_timeout is shorter
EXTRA_DOCUMENTS = 8        # beyond one per item: the entry, a feed it links, robots.txt, sitemaps
KINDS = ("auto", *registry.KINDS)
_NOTHING_USABLE = "auto: nothing usable found: "


@dataclass
class PreviewItem:
    """One item as the hub reads it: its listing (None when it cannot be one) and its diagnostics.

    It unpacks as the pair `normalize_item` returns: ``listing, diagnostics = item``.
    """
    listing: Listing | None
    diagnostics: list[Diagnostic]
    key: str | None = None        # the item's own id (guid, @id, link), or the page it came from
    title: str | None = None      # as the partner wrote it (also when there is no listing)

    def __iter__(self):
        return iter((self.listing, self.diagnostics))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title,
                "listing": search_document(self.listing) if self.listing is not None else None,
                "diagnostics": [{"severity": d.severity, "field": d.field, "code": d.code,
                                 "message_en": d.message_en, "message_ko": d.message_ko}
                                for d in self.diagnostics]}


@dataclass
class Preview:
    url: str                                  # as given
    kind: str                                 # as asked: auto, feed, sitemap, html, json_api
    outcome: str                              # ok, partial (some documents failed), failed
    resolved_kind: str | None = None          # what the URL is (for an explicit kind: that kind)
    resolved_url: str | None = None           # the document read: e.g. the feed a homepage links
    resolved_config: dict | None = None       # a json_api preset the answer's own shape names
    format: str | None = None                 # rss20, atom10, jsonfeed11, sitemapindex, seoul_reservation, ...
    http_status: int | None = None
    error: str | None = None                  # set exactly when nothing usable was found
    problems: list[str] = field(default_factory=list)  # document-level warnings of a usable source
    items: list[PreviewItem] = field(default_factory=list)  # the first max_items
    total_items: int = 0                      # items in the documents read (pages without data count)
    invalid: int = 0                          # of those, how many give no listing
    with_problems: int = 0                    # of those, how many have any diagnostic
    documents: int = 0                        # documents fetched
    complete: bool = True                     # False: the preview stopped before the source's end

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        """One line: what was found, where, how many items, how many with problems."""
        if not self.ok:
            return self.error
        what = self.resolved_kind or self.kind
        if self.format and self.format != what:
            what += f" ({self.format})"
        items = f"{self.total_items}{'+' if not self.complete else ''} item{'s' if self.total_items != 1 else ''}"
        line = f"{what} at {self.resolved_url or self.url}, {items}, {self.with_problems} with problems"
        if self.invalid:
            line += f" ({self.invalid} cannot be listed)"
        if not self.complete:
            plural = "s" if self.documents != 1 else ""
            line += f"; previewed {self.documents} document{plural}, the crawl reads the rest"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "url": self.url, "kind": self.kind, "outcome": self.outcome,
                "resolved_kind": self.resolved_kind, "resolved_url": self.resolved_url,
                "resolved_config": self.resolved_config, "format": self.format, "http_status": self.http_status,
                "error": self.error, "problems": list(self.problems), "summary": self.summary(),
                "total_items": self.total_items, "invalid": self.invalid, "with_problems": self.with_problems,
                "documents": self.documents, "complete": self.complete,
                "items": [item.to_dict() for item in self.items]}


# -- what the documents add up to (pure) --------------------------------------------------------
def build_preview(results: list[DocumentResult], spec: SourceSpec, *, max_items: int = PREVIEW_ITEMS,
                  truncated: bool = False, enough: bool = False, resolved_config: Mapping | None = None,
                  finish_reason: str | None = None) -> Preview:
    """The preview of `spec` from the documents its spider read."""
    from crawler.pipelines import judge

    verdict = judge(results, spec)
    preview = Preview(url=spec.url, kind=spec.kind, outcome=verdict.outcome, http_status=verdict.http_status,
                      resolved_config=dict(resolved_config) if resolved_config else None,
                      complete=not (truncated or enough), documents=verdict.pages)
    preview.resolved_kind = verdict.resolved_kind or (spec.kind if spec.kind != "auto" else None)
    entry = next((r for r in reversed(results) if r.role == "entry" and r.outcome != "skipped"), None)
    preview.resolved_url = verdict.resolved_url or (entry.url if entry and entry.outcome != "failed" else None)
    parsed = [r for r in results if r.parsed is not None]
    preview.format = verdict.format or next((r.parsed.format for r in parsed if r.role != "page"), None)

    for listing, problems, key, title in _entries(parsed, spec):
        preview.total_items += 1
        preview.invalid += listing is None
        preview.with_problems += bool(problems)
        if len(preview.items) < max_items:
            preview.items.append(PreviewItem(listing, problems, key, title))

    reason = None
    if verdict.outcome == "failed":
        reason = verdict.error or "the source could not be read"
        if not results:
            reason = ("no answer within the preview's time limit" if finish_reason == "closespider_timeout"
                      else f"the preview ended without a response ({finish_reason or 'unknown'})")
    elif preview.resolved_kind != "feed" and preview.total_items == preview.invalid:
        # A feed may be empty for now; a sitemap, listing page or API that gives no listing is a
        # wrong URL, or wrong selectors or mapping.
        reason = "; ".join([_no_listing(preview), *filter(None, (verdict.error or "").split("; "))])
    if reason is not None:
        preview.error = f"crawler: nothing usable found at {spec.url}: {_reason(reason)}"
    elif verdict.error:
        preview.problems = verdict.error.split("; ")
    return preview


def _entries(parsed: list[DocumentResult], spec: SourceSpec):
    """(listing, diagnostics, key, title) of every item read, item pages in the order listed."""
    order: dict[str, int] = {}
    for r in parsed:
        for link in r.parsed.links:
            order.setdefault(link.url, len(order))
    documents = [r for r in parsed if r.role != "page"]
    pages = sorted((r for r in parsed if r.role == "page"), key=lambda r: order.get(r.url, len(order)))
    for r in documents + pages:
        if r.role == "page" and not r.parsed.items:
            yield None, [diagnostic("no_structured_data", r.url)], r.url, None
        for raw in r.parsed.items:
            listing, problems = normalize_item(raw, source_id=spec.id, platform=spec.platform, base_url=r.url,
                                               category_overrides=(spec.config or {}).get("category_overrides"))
            yield listing, problems, raw.key or raw.link, raw.title


def _no_listing(preview: Preview) -> str:
    if not preview.total_items:
        what = {"sitemap": "sitemap", "html": "listing page", "json_api": "API"}.get(preview.resolved_kind, "source")
        return f"the {what} gives no items"
    codes = list(dict.fromkeys(d.code for item in preview.items for d in item.diagnostics
                               if item.listing is None))
    if codes == ["no_structured_data"]:
        return "its pages have no schema.org listing data (JSON-LD, microdata or RDFa)"
    return f"none of its {preview.total_items} items can be listed ({', '.join(codes)})"


def _reason(error: str) -> str:
    for prefix in (_NOTHING_USABLE, "crawler: "):
        if error.startswith(prefix):
            return error[len(prefix):]
    return error


def failed_preview(url: str, kind: str, error: str) -> Preview:
    return Preview(url=url, kind=kind, outcome="failed", error=error)


# -- Scrapy: the collecting pipeline and the child process ------------------------------------
class PreviewPipeline:
    """Collects a preview's documents; when the spider has closed, leaves the Preview on the crawler."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.results: list[DocumentResult] = []

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # spider_closed (unlike close_spider) knows why the spider closed, e.g. its time limit.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item):
        if isinstance(item, DocumentResult):
            self.results.append(item)
        return item

    def spider_closed(self, spider, reason):
        self.crawler.sharehub_preview = build_preview(
            self.results, spider.source, max_items=self.crawler.settings.getint("SHAREHUB_PREVIEW_ITEMS"),
            truncated=spider.truncated, enough=spider.enough, resolved_config=spider.resolved_config,
            finish_reason=reason)


def preview_spec(settings: Settings, url: str, kind: str = "auto", config: Mapping | None = None,
                 platform: str = "preview", max_items: int = PREVIEW_ITEMS) -> SourceSpec:
    """A source that is not in the catalog: id 0, no validators, no known documents or listings."""
    if kind not in KINDS:
        raise ValueError(f"crawler: unknown source kind {kind!r} (one of {', '.join(KINDS)})")
    return SourceSpec(0, url, kind, platform, config=dict(config) if config is not None else None,
                      max_pages=min(settings.max_pages_per_crawl, max_items + EXTRA_DOCUMENTS),
                      dead_link_sample=0, max_items=max_items)


def preview_here(settings: Settings, url: str, kind: str = "auto", config: Mapping | None = None,
                 platform: str = "preview", max_items: int = PREVIEW_ITEMS, timeout: float | None = None) -> Preview:
    """The preview, with Scrapy in this process (once per process: its reactor does not restart)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.runner import scrapy_settings

    spec = preview_spec(settings, url, kind, config, platform, max_items)
    # A preview answers a person: Scrapy's own INFO lines (versions, settings, stats) are noise there.
    level = logging.getLevelName(settings.log_level.upper())
    quiet = max(level if isinstance(level, int) else logging.INFO, logging.WARNING)
    logging.getLogger("scrapy").setLevel(quiet)
    limit = _limit(settings, timeout)
    # Scrapy lets the requests in flight finish when the time is up: each may take the limit at most.
    process = CrawlerProcess({**scrapy_settings(settings), "LOG_INSTALL_ROOT_HANDLER": False,
                              "ITEM_PIPELINES": {"crawler.preview.PreviewPipeline": 300},
                              "CLOSESPIDER_TIMEOUT": limit,
                              "DOWNLOAD_TIMEOUT": min(settings.download_timeout, limit),
                              "SHAREHUB_PREVIEW_ITEMS": max_items})
    logging.getLogger("scrapy").setLevel(quiet)
    crawler = process.create_crawler(SourceSpider)
    process.crawl(crawler, source=spec)
    process.start()
    found = getattr(crawler, "sharehub_preview", None)
    return found if found is not None else failed_preview(
        url, kind, f"crawler: nothing usable found at {url}: the preview ended before any document was read")


def _limit(settings: Settings, timeout: float | None) -> float:
    return timeout if timeout is not None else min(settings.crawl_timeout, PREVIEW_TIMEOUT)


def _child(values: dict, args: dict, queue) -> None:
    level = values.get("log_level", "INFO").upper()
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":
        # Scrapy logs its versions and settings at start, before its loggers can be quietened.
        for handler in logging.root.handlers:
            handler.addFilter(lambda record: record.levelno >= logging.WARNING or not record.name.startswith("scrapy"))
    try:
        queue.put(("ok", preview_here(Settings(values), **args)))
    except BaseException as exc:  # reported to the parent, which decides
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def preview_source(settings: Settings, url: str, kind: str = "auto", config: Mapping | None = None,
                   platform: str = "preview", max_items: int = PREVIEW_ITEMS, timeout: float | None = None) -> Preview:
    """Fetch `url` now as a source of `kind` would be crawled, in a child process; store nothing.

    `timeout` (seconds) bounds the fetching (default: crawl_timeout, at most PREVIEW_TIMEOUT).
    A source that cannot be read, or gives nothing usable, is a Preview whose `error` says why;
    RuntimeError only when the preview process itself fails.
    """
    preview_spec(settings, url, kind, config, platform, max_items)  # refuses an unknown kind here
    limit = _limit(settings, timeout)
    from crawler.runner import crawl_process_context

    context = crawl_process_context()
    queue = context.Queue()
    args = {"url": url, "kind": kind, "config": dict(config) if config is not None else None,
            "platform": platform, "max_items": max_items, "timeout": limit}
    process = context.Process(target=_child, args=(dict(settings), args, queue), daemon=True)
    process.start()
    # Room for the child to start (imports) and for Scrapy to close after its own time limit,
    # when the requests in flight end (each within the limit).
    wait = 2 * limit + 30
    try:
        status, payload = queue.get(timeout=wait)
    except queues.Empty:
        process.kill()
        process.join()
        return failed_preview(url, kind, f"crawler: the preview of {url} did not finish within "
                                         f"{wait:.0f} s and was stopped")
    process.join(30)
    if status != "ok":
        raise RuntimeError(f"crawler: the preview process failed: {payload}")
    return payload
