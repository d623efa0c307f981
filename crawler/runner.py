"""Running crawls: Scrapy settings from ours, one spider per source, results read from the catalog.

`crawl_here` runs Scrapy in this process (its reactor runs once per process), at most
`concurrent_crawls` sources at a time. `crawl_in_subprocess` runs it in fresh child processes —
`crawl_processes` of them, each given whole hosts so that per-host politeness holds — for every
caller (the CLI, tests, the demo, the worker): a crawl is CPU-bound (parse, normalize, store, index)
and one process uses one core. It enforces the time limit from outside.
"""

from __future__ import annotations

import gc
import logging
import math
import multiprocessing
import queue as queue_module
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from config import Settings
from crawler.spiders.source import DocumentState, SourceSpec, SourceSpider
from indexer.catalog import Catalog, store
from indexer.catalog.models import utcnow
from indexer.search import SearchError

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
        "DOWNLOAD_DELAY_JITTER": 0.5,
        "RETRY_TIMES": 2,
        # 429 and 503 wait for their Retry-After (RetryAfterMiddleware); these retry with backoff.
        "RETRY_HTTP_CODES": [500, 502, 504, 522, 524, 408],
        "SHAREHUB_RETRY_AFTER_MAX": settings.retry_after_max,
        "TWISTED_DNS_RESOLVER": "crawler.resolver.PublicOnlyResolver",
        "COOKIES_ENABLED": False,
        # Scrapy reads the spider's source per crawler to warn about generators that return a
        # value; ours are known not to, and a crawl process starts hundreds of crawlers.
        "WARN_ON_GENERATOR_RETURN_VALUE": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": settings.log_level,
        "ITEM_PIPELINES": {"crawler.pipelines.CatalogPipeline": 300},
        # Every crawler of a process writes through one catalog engine and one search backend.
        "SHAREHUB_OUTPUT": None,
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
            if run is None or run.id <= after_run_ids.get(spec.id, 0) or run.outcome == "running":
                out.append(CrawlSummary(spec.id, spec.url, "failed", {}, "crawler: the crawl did not finish", None))
            else:
                out.append(CrawlSummary(spec.id, spec.url, run.outcome, run.counts(), run.error, run.http_status))
    return out


def _last_run_ids(catalog: Catalog, specs: list[SourceSpec]) -> dict[int, int]:
    with catalog.session() as session:
        return {s.id: (getattr(store.last_run(session, s.id), "id", 0) or 0) for s in specs}


def regroup_after(settings: Settings, results: list[CrawlSummary]) -> None:
    """After crawls that changed listings, regroup the same things listed on several platforms:
    once per batch of crawls, not per source, as it reads every active listing's title and place."""
    if not any(r.counts.get(k) for r in results for k in ("new", "updated", "gone")):
        return
    from indexer.indexing import refresh_clusters

    catalog = Catalog.from_settings(settings, upgrade=False)
    try:
        refresh_clusters(catalog, settings)
    except SearchError as exc:
        log.error("%s; the catalog has the clusters, run `sharehub reindex`", exc)
    finally:
        catalog.dispose()


def catch_up_before(catalog: Catalog, settings: Settings) -> None:
    """Before a batch of crawls, apply the index updates a down search engine missed, so that an
    engine that came back is caught up by the next crawl. Best effort: the crawl goes on regardless."""
    from indexer.indexing import catch_up

    try:
        catch_up(catalog, settings)  # a SearchError is logged there and leaves the rows pending
    except Exception:
        log.exception("search: the index catch-up failed; the crawl goes on and the updates stay pending")


def crawl_here(settings: Settings, source_ids: list[int] | None = None, *,
               regroup: bool = True) -> list[CrawlSummary]:
    """Crawl now, in this process; None = every source that is not paused."""
    from scrapy.crawler import CrawlerProcess

    from crawler.pipelines import CatalogOutput

    catalog = Catalog.from_settings(settings)
    output = None
    try:
        if regroup:  # a batch of its own; a crawl process of crawl_in_subprocess leaves it to the parent
            catch_up_before(catalog, settings)
        specs = source_specs(catalog, source_ids, settings)
        before = _last_run_ids(catalog, specs)
        if specs:
            output = CatalogOutput(settings, catalog)
            process = CrawlerProcess({**scrapy_settings(settings), "SHAREHUB_OUTPUT": output,
                                      "LOG_INSTALL_ROOT_HANDLER": False})
            # Our handlers log; Scrapy's own loggers (set to DEBUG by the line above) would
            # otherwise pass every scraped item.
            logging.getLogger("scrapy").setLevel(settings.log_level.upper())
            pending = list(reversed(specs))

            def start_next(_result=None):
                # Chained on each crawl's end; CrawlerProcess.start() returns once none is left.
                if pending:
                    process.crawl(SourceSpider, source=pending.pop()).addBoth(start_next)
                return _result

            for _ in range(min(len(specs), max(1, settings.concurrent_crawls))):
                start_next()
            process.start()
        results = summaries(catalog, specs, before)
        if regroup:
            regroup_after(settings, results)
        return results
    finally:
        if output is not None:
            output.close()
        catalog.dispose()


# What a crawl process imports, loaded once by the fork server rather than by every crawl process.
_PRELOAD = ("scrapy.crawler", "crawler.runner", "crawler.pipelines", "crawler.preview", "crawler.spiders.source",
            "crawler.middlewares", "crawler.resolver", "crawler.normalize.listing", "crawler.parsers.feed",
            "crawler.parsers.rss", "crawler.parsers.fastfeed", "crawler.parsers.jsonfeed", "crawler.parsers.sitemap",
            "crawler.parsers.structured", "crawler.parsers.html_list", "crawler.parsers.json_api",
            "indexer.catalog", "indexer.search.sqlite_fts", "indexer.search.elasticsearch")


def crawl_process_context():
    """Where crawl processes come from: a fork server that imported the crawler once.

    A fresh interpreter per crawl process (spawn) spends a second or two of CPU importing Scrapy,
    lxml, SQLAlchemy and the parsers before it fetches anything; children of the fork server start
    with them loaded. The server is a clean single-threaded process (no reactor, no connections),
    started on first use; `start_crawl_processes()` starts it ahead of the first crawl.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_PRELOAD))
    return context


def start_crawl_processes() -> None:
    """Start the fork server now (a worker does so when it starts) rather than in the first crawl."""
    from multiprocessing import forkserver

    crawl_process_context()
    forkserver.ensure_running()


def host_groups(catalog: Catalog, source_ids: list[int] | None, processes: int) -> list[list[tuple[int, str]]]:
    """(id, url) of the sources in at most `processes` groups of whole hosts, balanced by number."""
    with catalog.session() as session:
        sources = store.list_sources(session) if source_ids is None else \
            [store.get_source(session, i) for i in source_ids]
        by_host: dict[str, list[tuple[int, str]]] = {}
        for s in sources:
            if source_ids is None and s.paused:
                continue
            by_host.setdefault((urlsplit(s.resolved_url or s.url).hostname or "").lower(), []).append((s.id, s.url))
    groups: list[list[tuple[int, str]]] = [[] for _ in range(max(1, min(processes, len(by_host))))]
    for ids in sorted(by_host.values(), key=len, reverse=True):
        min(groups, key=len).extend(ids)
    return [g for g in groups if g]


def crawl_in_subprocess(settings: Settings, source_ids: list[int] | None = None,
                        timeout: float | None = None) -> list[CrawlSummary]:
    """Crawl in child processes (see the module's doc); summaries in the order of the sources."""
    catalog = Catalog.from_settings(settings)
    try:
        catch_up_before(catalog, settings)
        groups = host_groups(catalog, source_ids, settings.effective_crawl_processes)
    finally:
        catalog.dispose()
    if not groups:
        return []
    started = utcnow()
    context = crawl_process_context()
    queue = context.Queue()
    children = {}
    for number, group in enumerate(groups):
        ids = [source_id for source_id, _ in group]
        process = context.Process(target=_child_of_group, args=(dict(settings), number, ids, queue), daemon=True)
        process.start()
        children[number] = process
    rounds = math.ceil(max(len(g) for g in groups) / max(1, settings.concurrent_crawls))
    limit = timeout if timeout is not None else settings.crawl_timeout * rounds + 60
    results: dict[int, CrawlSummary] = {}
    # A group whose process failed or overran says so for each of its sources; the others'
    # results stand.
    errors = {number: f"crawler: the crawl did not finish within {limit:.0f} s and was stopped"
              for number in children}
    deadline = time.monotonic() + limit
    try:
        for _ in groups:
            number, status, payload = queue.get(timeout=max(0.0, deadline - time.monotonic()))
            if status == "ok":
                results.update((r.source_id, r) for r in payload)
                errors.pop(number)
            else:
                errors[number] = f"crawler: the crawl process failed: {payload}"
    except queue_module.Empty:
        pass
    finally:
        for number, process in children.items():
            if number in errors:
                process.kill()
            process.join(30)
    unfinished = {}
    for number, message in errors.items():
        for source_id, url in groups[number]:
            results.setdefault(source_id, CrawlSummary(source_id, url, "failed", {}, message, None))
            unfinished[source_id] = message
    if unfinished:
        _fail_unfinished_runs(settings, unfinished, started)
    order = source_ids if source_ids is not None else sorted(results)
    ordered = [results[i] for i in order if i in results]
    regroup_after(settings, ordered)
    return ordered


def _fail_unfinished_runs(settings: Settings, messages: dict[int, str], since) -> None:
    """The runs a stopped or failed crawl process left "running" are failed runs, with the reason."""
    catalog = Catalog.from_settings(settings, upgrade=False)
    try:
        with catalog.session(write=True) as session:
            for run in store.unfinished_runs(session, list(messages), since):
                store.finish_run(session, run, "failed", error=messages[run.source_id])
    finally:
        catalog.dispose()


def _child_of_group(values: dict, number: int, source_ids: list[int], queue) -> None:
    # A crawl allocates millions of short-lived objects (items, listings, rows) and few cycles:
    # the modules loaded so far are frozen out of collection, and collection runs less often.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    # The level on the handler too: Scrapy sets its own loggers' levels when it starts.
    handler = logging.StreamHandler()
    handler.setLevel(str(values.get("log_level", "INFO")).upper())
    logging.basicConfig(level=handler.level, handlers=[handler])
    try:
        queue.put((number, "ok", crawl_here(Settings(values), source_ids, regroup=False)))
    except BaseException as exc:  # reported to the parent, which decides
        log.exception("crawler: the crawl process failed")
        queue.put((number, "error", f"{type(exc).__name__}: {exc}"))
