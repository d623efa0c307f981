"""Scrapy item pipeline: a fetched source becomes listings in the catalog, then in the index.

The catalog is written in one transaction per crawl, so a crawl that fails half-way loses nothing
that an earlier crawl stored; the index is updated after the catalog commits (it is derived, and
`sharehub reindex` rebuilds it from the catalog).
"""

from __future__ import annotations

import logging

from config import Settings
from crawler.normalize.listing import normalize_item
from crawler.spiders.source import FetchResult
from indexer.catalog import Catalog, store
from indexer.catalog.models import utcnow
from indexer.listing import search_document
from indexer.search import SearchError, open_search

log = logging.getLogger(__name__)


class CatalogPipeline:
    def __init__(self, settings: Settings, crawler=None):
        self.settings = settings
        self.crawler = crawler
        self.catalog = Catalog.from_settings(settings, upgrade=False)
        self.search = None
        self.started_at = None
        self.results: dict[str, FetchResult] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(Settings(crawler.settings.getdict("SHAREHUB_SETTINGS")), crawler)

    def open_spider(self):
        self.started_at = utcnow()
        self.search = open_search(self.settings)

    def process_item(self, item):
        if isinstance(item, FetchResult):
            self.results[item.url] = item
            self.record(item)
        return item

    def close_spider(self):
        spider = self.crawler.spider if self.crawler else None
        if spider is not None and not self.results:
            # The spider's errback records every failed request; this is a crawl cut short before
            # any response or error arrived (the crawl time limit, a shutdown).
            reason = self.crawler.stats.get_value("finish_reason")
            self.record(FetchResult(spider.source.id, "failed", spider.source.url,
                                    error=f"crawler: the crawl ended without a response ({reason or 'unknown'})"))
        if self.search is not None:
            self.search.close()
        self.catalog.dispose()

    def record(self, result: FetchResult) -> None:
        with self.catalog.session() as session:
            source = session.get(store.Source, result.source_id)
            if source is None:
                log.warning("crawler: source %s was deleted during its crawl", result.source_id)
                return
            run = store.start_run(session, result.source_id, started_at=self.started_at)
            changed = []
            if result.outcome == "ok":
                reports = []
                for raw in result.parsed.items:
                    listing, problems = normalize_item(raw, source_id=source.id, platform=source.platform.name,
                                                       base_url=result.url)
                    reports.append(store.ItemReport(raw.key or raw.link, raw.title, listing, problems))
                changed = store.apply_items(session, run, reports).changed
            store.finish_run(session, run, result.outcome, http_status=result.http_status,
                             error=result.error or ("; ".join(result.warnings) or None),
                             format=result.parsed.format if result.parsed else None,
                             etag=result.etag, last_modified=result.last_modified)
        if changed:
            try:
                self.search.index(search_document(listing) for listing in changed)
            except SearchError as exc:
                log.error("%s; the catalog has the listings, run `sharehub reindex`", exc)
