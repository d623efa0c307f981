"""Running crawls: Scrapy settings from ours, one spider per source, results read from the catalog.

`crawl_here` runs Scrapy in this process (its reactor runs once per process: the CLI's way);
`crawl_in_subprocess` runs it in a fresh child process, for callers that crawl more than once
(tests, the demo, the worker), and enforces the per-crawl time limit from outside.
"""

from __future__ import annotations

import logging
import multiprocessing
from dataclasses import dataclass

from config import Settings
from crawler.spiders.source import DocumentState, SourceSpec, SourceSpider
from indexer.catalog import Catalog, store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CrawlSummary:
    source_id: int
    url: str
    outcome: str          # ok, not_modified, failed
    counts: dict
    error: str | None
    http_status: int | None

    @property
    def fetched(self) -> bool:
        return self.outcome in ("ok", "not_modified")


def scrapy_settings(settings: Settings) -> dict:
    return {
        "SHAREHUB_SETTINGS": dict(settings),
        "SHAREHUB_ALLOW_PRIVATE_NETWORKS": list(settings.allow_private_networks),
        "USER_AGENT": settings.effective_user_agent,
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": settings.effective_user_agent,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_response_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "CLOSESPIDER_TIMEOUT": settings.crawl_timeout,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.per_host_concurrency,
        "DOWNLOAD_DELAY": settings.per_host_delay,
        "RANDOMIZE_DOWNLOAD_DELAY": True,
        "RETRY_TIMES": 2,
        # 429 and 503 wait for their Retry-After (RetryAfterMiddleware); these retry with backoff.
        "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
        "SHAREHUB_RETRY_AFTER_MAX": settings.retry_after_max,
        "DNS_RESOLVER": "crawler.resolver.PublicOnlyResolver",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": settings.log_level,
        "ITEM_PIPELINES": {"crawler.pipelines.CatalogPipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.PublicAddressMiddleware": 50,
                                   "crawler.middlewares.RetryAfterMiddleware": 560},
    }


def source_specs(catalog: Catalog, source_ids: list[int] | None, settings: Settings) -> list[SourceSpec]:
    with catalog.session() as session:
        sources = store.list_sources(session) if source_ids is None else \
            [store.get_source(session, i) for i in source_ids]
        return [source_spec(session, s, settings) for s in sources if source_ids is not None or not s.paused]


def source_spec(session, source, settings: Settings) -> SourceSpec:
    kind = source.resolved_kind or source.kind
    documents = {url: DocumentState(d.etag, d.last_modified, d.lastmod)
                 for url, d in store.document_states(session, source.id).items()}
    item_urls = tuple(store.active_listing_urls(session, source.id)) if kind in ("feed", "auto") else ()
    return SourceSpec(source.id, source.resolved_url or source.url, kind, source.platform.name, source.etag,
                      source.last_modified, config=source.config, documents=documents, item_urls=item_urls,
                      max_pages=settings.max_pages_per_crawl, dead_link_sample=settings.dead_link_sample)


def summaries(catalog: Catalog, specs: list[SourceSpec], after_run_ids: dict[int, int]) -> list[CrawlSummary]:
    out = []
    with catalog.session() as session:
        for spec in specs:
            run = store.last_run(session, spec.id)
            if run is None or run.id <= after_run_ids.get(spec.id, 0):
                out.append(CrawlSummary(spec.id, spec.url, "failed", {}, "crawler: the crawl did not finish", None))
            else:
                out.append(CrawlSummary(spec.id, spec.url, run.outcome, run.counts(), run.error, run.http_status))
    return out


def _last_run_ids(catalog: Catalog, specs: list[SourceSpec]) -> dict[int, int]:
    with catalog.session() as session:
        return {s.id: (getattr(store.last_run(session, s.id), "id", 0) or 0) for s in specs}


def crawl_here(settings: Settings, source_ids: list[int] | None = None) -> list[CrawlSummary]:
    """Crawl now, in this process; None = every source that is not paused."""
    from scrapy.crawler import CrawlerProcess

    catalog = Catalog.from_settings(settings)
    try:
        specs = source_specs(catalog, source_ids, settings)
        before = _last_run_ids(catalog, specs)
        if specs:
            process = CrawlerProcess({**scrapy_settings(settings), "LOG_INSTALL_ROOT_HANDLER": False})
            # Our handlers log; Scrapy's own loggers would otherwise pass every scraped item at DEBUG.
            logging.getLogger("scrapy").setLevel(settings.log_level.upper())
            for spec in specs:
                process.crawl(SourceSpider, source=spec)
            process.start()
        return summaries(catalog, specs, before)
    finally:
        catalog.dispose()


def _child(values: dict, source_ids, queue) -> None:
    logging.basicConfig(level=values.get("log_level", "INFO"))
    try:
        queue.put(("ok", crawl_here(Settings(values), source_ids)))
    except BaseException as exc:  # reported to the parent, which decides
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def crawl_in_subprocess(settings: Settings, source_ids: list[int] | None = None,
                        timeout: float | None = None) -> list[CrawlSummary]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(dict(settings), source_ids, queue), daemon=True)
    process.start()
    limit = timeout if timeout is not None else settings.crawl_timeout + 60
    try:
        status, payload = queue.get(timeout=limit)
    except Exception:
        process.kill()
        process.join()
        raise RuntimeError(f"crawler: the crawl did not finish within {limit:.0f} s and was stopped") from None
    process.join(30)
    if status != "ok":
        raise RuntimeError(f"crawler: the crawl process failed: {payload}")
    return payload
