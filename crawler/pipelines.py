"""Scrapy item pipeline: a source's fetched documents become one crawl run, listings and index updates.

The spider yields one DocumentResult per document; at the end of the crawl they are judged
together (failed / partial / not_modified / ok) and written in one catalog transaction, so a crawl
that fails half-way loses nothing an earlier crawl stored and marks nothing gone. The index is
updated after the catalog commits (it is derived; `sharehub reindex` rebuilds it); when the engine
fails, the listings are marked pending in the catalog and the index catches up later.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from config import Settings
from crawler.normalize.diagnostics import diagnostic
from crawler.normalize.listing import normalize_item
from crawler.spiders.source import GONE_STATUSES, DocumentResult
from indexer.catalog import Catalog, store
from indexer.catalog.models import utcnow
from indexer.indexing import keep_pending
from indexer.search import SearchError, open_search

log = logging.getLogger(__name__)

MAX_ERROR_TEXT = 4000


@dataclass
class CrawlVerdict:
    """What the documents of one crawl add up to."""
    outcome: str                                   # ok, partial, not_modified, failed
    error: str | None = None
    http_status: int | None = None
    format: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    resolved_kind: str | None = None
    resolved_url: str | None = None
    retry_after: float | None = None
    fresh_for: float | None = None     # seconds: the feed's ttl or the entry's Cache-Control/Expires
    error_url: str | None = None       # the document the error is about
    resolved_config: dict | None = None
    reports: list[store.ItemReport] = field(default_factory=list)
    present_urls: set[str] = field(default_factory=set)
    dead_urls: set[str] = field(default_factory=set)
    documents: list[DocumentResult] = field(default_factory=list)
    pages: int = 0


def judge(results: list[DocumentResult], source, *, truncated: bool = False) -> CrawlVerdict:
    """The crawl's outcome from its documents (pure; the tests read it directly)."""
    entries = [r for r in results if r.role == "entry"]
    verdict = CrawlVerdict(outcome="failed")
    for r in results:
        if r.resolved_url or (r.kind and r.kind != source.kind and source.kind == "auto"):
            verdict.resolved_kind = r.kind or verdict.resolved_kind
            verdict.resolved_url = r.resolved_url or verdict.resolved_url
    entry = next((r for r in reversed(entries) if r.outcome != "skipped"), entries[-1] if entries else None)
    if entry is None:
        verdict.error = "crawler: the crawl ended before its first document was read"
        return verdict
    verdict.http_status, verdict.retry_after = entry.http_status, entry.retry_after
    if entry.outcome == "failed":
        verdict.error, verdict.error_url = entry.error, entry.url
        return verdict
    ttl = entry.parsed.ttl_minutes * 60.0 if entry.parsed and entry.parsed.ttl_minutes else None
    hints = [h for h in (entry.fresh_for, ttl) if h]
    verdict.fresh_for = max(hints) if hints else None
    if entry.outcome == "skipped" and not any(r.parsed for r in results):
        # The entry led elsewhere (a feed link, robots.txt) and nothing came of it.
        verdict.error = "crawler: the crawl ended before the source's documents were read"
        return verdict
    verdict.etag, verdict.last_modified = entry.etag, entry.last_modified
    verdict.format = entry.parsed.format if entry.parsed else None
    problems: list[str] = []
    for r in results:
        verdict.pages += r.outcome in ("ok", "not_modified", "failed") and r.http_status is not None
        if r.role in ("page", "check") and r.http_status in GONE_STATUSES:
            verdict.dead_urls.add(r.url)
            continue
        if r.role == "check":
            continue
        if r.outcome in ("skipped", "not_modified") and r.role == "page":
            verdict.present_urls.add(r.url)
        if r.outcome in ("failed", "refused") and r is not entry:
            problems.append(r.error or f"crawler: {r.url} failed")
            verdict.error_url = verdict.error_url or r.url
        if r.parsed:
            problems.extend(r.parsed.warnings)
            if r.role == "page" and not r.parsed.items:
                verdict.reports.append(store.ItemReport(r.url, None, None, [diagnostic("no_structured_data", r.url)]))
                if r.parsed.incomplete:  # data there but unreadable: the listing is not gone
                    verdict.present_urls.add(r.url)
        if r.role in ("page", "sitemap", "next") and r.outcome != "skipped":
            verdict.documents.append(r)
    failed_parts = [r for r in results if r.outcome == "failed" and r is not entry
                    and r.role not in ("check",) and r.http_status not in GONE_STATUSES]
    # A document read only in part hides what it did not give; an item page that was unreadable
    # is one listing kept as it was (present_urls), not a gap in the whole crawl.
    read_in_part = [r for r in results if r.parsed and r.parsed.incomplete and r.role != "page"]
    if truncated:
        problems.append(f"crawler: stopped after {source.max_pages} documents (max_pages_per_crawl); "
                        "listings beyond are kept as they were")
    if entry.outcome == "not_modified" and not any(r.parsed for r in results):
        verdict.outcome = "not_modified"
    else:
        verdict.outcome = "partial" if failed_parts or truncated or read_in_part else "ok"
        if entry.parsed and entry.parsed.incomplete and not any(r.parsed.items for r in results if r.parsed):
            verdict.outcome = "failed"  # e.g. a maintenance page where the listing page should be
            verdict.error_url = verdict.error_url or entry.url
    verdict.error = "; ".join(dict.fromkeys(problems))[:MAX_ERROR_TEXT] or None
    return verdict


class CatalogOutput:
    """The catalog and search backend a crawl process writes to, shared by all its crawlers.

    One engine per process keeps its statement cache and connections warm across sources; Scrapy
    deep-copies its settings for every crawler, so this object hands out itself when copied.
    """

    def __init__(self, settings: Settings, catalog: Catalog | None = None):
        self.settings = settings
        self.owns_catalog = catalog is None
        self.catalog = catalog or Catalog.from_settings(settings, upgrade=False)
        self.search = open_search(settings)

    def __deepcopy__(self, memo):
        return self

    def close(self) -> None:
        self.search.close()
        if self.owns_catalog:
            self.catalog.dispose()


class CatalogPipeline:
    def __init__(self, settings: Settings, crawler=None, output: CatalogOutput | None = None):
        self.settings = settings
        self.crawler = crawler
        self.owns_output = output is None
        self.output = output
        self.catalog = self.search = None
        self.started_at = None
        self.run_id: int | None = None
        self.results: list[DocumentResult] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Settings(crawler.settings.getdict("SHAREHUB_SETTINGS")), crawler,
                   crawler.settings.get("SHAREHUB_OUTPUT"))

    def open_spider(self):
        self.started_at = utcnow()
        if self.output is None:
            self.output = CatalogOutput(self.settings)
        self.catalog, self.search = self.output.catalog, self.output.search
        # The run's row from the start: its id goes on every log line of the crawl, and a crawl
        # whose process dies leaves a "running" row the worker can later call failed.
        spider = self.crawler.spider
        with self.catalog.session(write=True) as session:
            if session.get(store.Source, spider.source.id) is not None:
                self.run_id = store.start_run(session, spider.source.id, started_at=self.started_at).id
        spider.run_id = self.run_id

    def process_item(self, item):
        if isinstance(item, DocumentResult):
            self.results.append(item)
        return item

    def close_spider(self):
        spider = self.crawler.spider
        try:
            verdict = judge(self.results, spider.source, truncated=spider.truncated)
            verdict.resolved_config = spider.resolved_config
            if verdict.outcome == "failed" and not self.results:
                reason = self.crawler.stats.get_value("finish_reason")
                verdict.error = f"crawler: the crawl ended without a response ({reason or 'unknown'})"
            self.record(spider.source, verdict)
        finally:
            self.results = []
            if self.owns_output and self.output is not None:
                self.output.close()

    def item_reports(self, spec, verdict: CrawlVerdict) -> list[store.ItemReport]:
        """Every item of the crawl normalized and hashed: the CPU work, done before the catalog's
        write lock is taken, so that crawl processes do not wait on each other's normalization."""
        reports = list(verdict.reports)
        overrides = (spec.config or {}).get("category_overrides")
        for result in self.results:
            if not result.parsed:
                continue
            last = len(result.parsed.items) - 1
            for number, raw in enumerate(result.parsed.items):
                listing, problems = normalize_item(raw, source_id=spec.id, platform=spec.platform,
                                                   base_url=result.url, category_overrides=overrides)
                # The last item of a document read in part may be cut short: it may add a
                # listing, but not overwrite one a complete read gave.
                tentative = result.parsed.incomplete and number == last
                if tentative and listing:
                    problems.append(diagnostic("item_maybe_cut"))
                reports.append(store.ItemReport(raw.key or raw.link, raw.title, listing, problems,
                                                listing.content_hash() if listing else None, tentative))
        return reports

    def record(self, spec, verdict: CrawlVerdict) -> None:
        applied = None
        reports = self.item_reports(spec, verdict) if verdict.outcome in ("ok", "partial") else []
        with self.catalog.session(write=True) as session:
            source = session.get(store.Source, spec.id)
            if source is None:
                log.warning("crawler: source %s was deleted during its crawl", spec.id)
                return
            run = session.get(store.CrawlRun, self.run_id) if self.run_id else None
            if run is None:
                run = store.start_run(session, spec.id, started_at=self.started_at)
            if verdict.outcome in ("ok", "partial"):
                applied = store.apply_items(session, run, reports, complete=verdict.outcome == "ok",
                                            gone_after=self.settings.gone_after_missed_crawls,
                                            present_urls=verdict.present_urls, dead_urls=verdict.dead_urls)
                store.record_documents(session, source.id, verdict.documents)
            elif verdict.outcome == "not_modified":
                applied = store.repeat_misses(session, run, gone_after=self.settings.gone_after_missed_crawls)
                if verdict.dead_urls:
                    dead = store.apply_items(session, run, [], complete=False, dead_urls=verdict.dead_urls)
                    applied.gone.extend(dead.gone)
                    run.gone = len(applied.gone)
            run.pages = verdict.pages
            store.finish_run(session, run, verdict.outcome, http_status=verdict.http_status, error=verdict.error,
                             format=verdict.format, etag=verdict.etag, last_modified=verdict.last_modified,
                             resolved_kind=verdict.resolved_kind, resolved_url=verdict.resolved_url,
                             error_url=verdict.error_url, retry_after=verdict.retry_after,
                             fresh_for=verdict.fresh_for)
            if verdict.resolved_config and not source.config:
                source.config = verdict.resolved_config
            documents = store.changed_documents(session, applied) if applied and applied.changed else []
        if applied is None:
            return
        try:
            if documents:
                self.search.index(documents)
            if applied.gone:
                self.search.delete(applied.gone)
        except SearchError as exc:
            # The catalog has the listings: their ids wait in it for the index's catch-up.
            keep_pending(self.catalog, [d["id"] for d in documents] + list(applied.gone), exc)
