"""`sharehub demo`: sample partners on 127.0.0.1, registered, crawled, indexed, served; until Ctrl-C.

The demo keeps its own catalog in data_dir/demo and starts it afresh each time, because the sample
partners listen on new ports each run. Loopback is allowed for the crawler here only.
"""

from __future__ import annotations

import logging
import shutil

import click

from config import Settings

log = logging.getLogger(__name__)

RECRAWL_MINUTES = 5


def quiet_request_log() -> None:
    """Flask's own server logs every request with the client's address and the search words; the
    privacy page promises neither is kept, so only its warnings and errors are logged."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def demo_settings(settings: Settings) -> Settings:
    networks = tuple(dict.fromkeys((*settings.allow_private_networks, "127.0.0.0/8")))
    return settings.replace(data_dir=str(settings.data_path / "demo"), allow_private_networks=networks,
                            per_host_delay=0.0)


def run_demo(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    try:
        from tests.partners import PartnerSimulator
    except ImportError:
        raise click.ClickException("demo: the partner simulator (tests/partners) is not installed; "
                                   "run `make demo` from a checkout") from None
    from crawler.runner import crawl_in_subprocess, start_crawl_processes
    from crawler.worker import Worker, build_scheduler
    from indexer.catalog import Catalog, store
    from indexer.indexing import reindex_all
    from search_ui import create_app

    settings = demo_settings(settings)
    start_crawl_processes()  # before any thread of ours: crawl processes fork from a clean server
    shutil.rmtree(settings.data_path, ignore_errors=True)
    catalog = Catalog.from_settings(settings)
    simulator = PartnerSimulator().start()
    worker = scheduler = None
    try:
        with catalog.session() as session:
            for partner in simulator.partners:
                platform = store.get_or_create_platform(session, partner.name, name_ko=partner.name_ko,
                                                        homepage=partner.homepage_url)
                # Feeds and sitemaps are found by auto; an API's mapping and a page's selectors are
                # declared, as an operator would.
                kind = partner.kind if partner.config else "auto"
                source = store.add_source(session, platform, partner.feed_url, kind, RECRAWL_MINUTES)
                source.config = partner.config
        reindex_all(catalog, settings)  # an index left by an earlier demo must not show stale items
        click.echo("demo: crawling the sample partners …", err=True)
        summaries = []

        def crawl_and_report(settings, ids):
            summaries.extend(crawl_in_subprocess(settings, ids))
            return summaries

        # The worker crawls them all once now, then keeps them on their schedules, as in production.
        worker = Worker(settings, crawl=crawl_and_report)
        worker.crawl_now(None)
        for summary in summaries:
            click.echo(f"demo: source {summary.source_id} {summary.url}: {summary.outcome} {summary.counts}"
                       + (f" — {summary.error}" if summary.error else ""), err=True)
        worker.crawl = crawl_in_subprocess
        scheduler = build_scheduler(worker)
        scheduler.resume()
        app = create_app(settings=settings)
        host, port = host or settings.web_host, port or settings.web_port
        click.echo(f"demo: the portal is on http://{host}:{port}/ (Ctrl-C stops it)", err=True)
        quiet_request_log()
        app.run(host=host, port=port, debug=False, threaded=True, use_reloader=False)
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
        if worker is not None:
            worker.close()
        simulator.stop()
        catalog.dispose()
