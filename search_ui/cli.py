"""The `sharehub` command. Its contract is stable: scripts and operators depend on it.

Settings are read here, once, and passed down. With --json a command writes exactly one JSON
document to stdout; logs go to stderr.
"""

from __future__ import annotations

import getpass
import json
import logging
import sys

import click

from config import SETTINGS, Settings, SettingsError, load_settings


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_file", type=click.Path(dir_okay=False), default=None,
              help="TOML settings file (default: $SHAREHUB_CONFIG, else ./sharehub.toml if present).")
@click.pass_context
def main(ctx: click.Context, config_file: str | None) -> None:
    """Sharing Hub: crawl Seoul's sharing platforms and search them in one place."""
    try:
        settings = load_settings(config_file=config_file)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from None
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ctx.obj = {"settings": settings}


def _catalog(ctx: click.Context):
    from indexer.catalog import Catalog

    if "catalog" not in ctx.obj:
        ctx.obj["catalog"] = Catalog.from_settings(_settings(ctx))
        ctx.call_on_close(ctx.obj["catalog"].dispose)
    return ctx.obj["catalog"]


def _emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# -- config -------------------------------------------------------------------------------
@main.command("config")
@click.option("--json", "as_json", is_flag=True, help="One JSON object of key: value.")
@click.option("--markdown", is_flag=True, help="The table of every setting, as in the README.")
@click.pass_context
def config_command(ctx: click.Context, as_json: bool, markdown: bool) -> None:
    """Print the effective settings and where each comes from."""
    settings = _settings(ctx)
    if markdown:
        from config.settings import settings_table_markdown

        click.echo(settings_table_markdown())
        return
    if as_json:
        _emit_json({k: (list(v) if isinstance(v, tuple) else v) for k, v in
                    ((key, settings.shown(key)) for key in settings)})
        return
    width = max(len(s.env) for s in SETTINGS)
    for s in SETTINGS:
        value = settings.shown(s.key)
        shown = ",".join(value) if isinstance(value, tuple) else value
        click.echo(f"{s.env:<{width}}  {shown!s:<40}  ({settings.origin(s.key)})")


# -- db -----------------------------------------------------------------------------------
@main.group()
def db() -> None:
    """The catalog database."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the catalog schema to the newest revision (also done on every start)."""
    catalog = _catalog(ctx)
    click.echo(f"catalog at revision {catalog.current_revision()}")


# -- sources ------------------------------------------------------------------------------
@main.group()
def sources() -> None:
    """Partner sources: feeds and sites the hub crawls."""


_KINDS = ["auto", "feed", "sitemap", "html", "json_api"]


@sources.command("add")
@click.argument("url")
@click.option("--platform", "platform_name", help="Platform name (default: the URL's host).")
@click.option("--kind", type=click.Choice(_KINDS), default="auto", show_default=True)
@click.option("--interval", type=click.IntRange(min=1), help="Minutes between crawls.")
@click.option("--config", "source_config", metavar="JSON|@FILE",
              help="The source's declaration: CSS selectors for html, a field mapping or preset for json_api; "
                   "any kind may add category_overrides, its categories mapped to ours.")
@click.option("--no-check", is_flag=True,
              help="Add without fetching the URL now; auto then resolves on the first crawl.")
@click.pass_context
def sources_add(ctx, url, platform_name, kind, interval, source_config, no_check) -> None:
    """Register a source; prints its id.

    The URL is fetched first, as a crawl would fetch it: auto stores the kind it found (a feed, a
    page's feed link, robots.txt sitemaps, a sitemap, Seoul's open API, a listing page with
    --config), and what was found goes to stderr. Where nothing usable is found the source is not
    added (exit 1), unless --no-check.
    """
    from urllib.parse import urlsplit

    from indexer.catalog import store

    settings = _settings(ctx)
    config = _checked_source(settings, url, kind, source_config)
    name = platform_name or urlsplit(url).hostname
    preview = None
    if not no_check:
        preview = _preview(settings, url, kind, config, name)
        if not preview.ok:
            _explain_failure(preview)
            ctx.exit(1)
        click.echo(f"found {preview.summary()}", err=True)
    with _catalog(ctx).session() as session:
        platform = store.get_or_create_platform(session, name)
        source = store.add_source(session, platform, url, kind, interval or settings.default_interval_minutes)
        source.config = config
        if preview is not None and kind == "auto":
            source.resolved_kind = preview.resolved_kind
            source.resolved_url = preview.resolved_url if preview.resolved_url != url else None
            if config is None and preview.resolved_config:
                source.config = preview.resolved_config
        source_id = source.id
    click.echo(source_id)


@sources.command("preview")
@click.argument("url")
@click.option("--kind", type=click.Choice(_KINDS), default="auto", show_default=True)
@click.option("--config", "source_config", metavar="JSON|@FILE",
              help="The source's declaration: CSS selectors for html, a field mapping or preset for json_api.")
@click.option("--platform", "platform_name", help="Platform name shown on the items (default: the URL's host).")
@click.option("--max-items", type=click.IntRange(1, 200), default=20, show_default=True,
              help="Items to show (and read at most about as many item pages).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources_preview(ctx, url, kind, source_config, platform_name, max_items, as_json) -> None:
    """Fetch a URL as a source and show what the hub would list, with each item's diagnostics.

    Nothing is stored. Exit 1 when nothing usable is found.
    """
    from urllib.parse import urlsplit

    settings = _settings(ctx)
    config = _checked_source(settings, url, kind, source_config)
    preview = _preview(settings, url, kind, config, platform_name or urlsplit(url).hostname, max_items)
    if as_json:
        _emit_json(preview.to_dict())
    else:
        _print_preview(preview)
    if not preview.ok:
        _explain_failure(preview)
        ctx.exit(1)


def _checked_source(settings: Settings, url: str, kind: str, source_config: str | None) -> dict | None:
    """The source's config, once the URL may be fetched at all and the kind has what it needs."""
    from crawler.normalize.urls import absolute_http_url
    from crawler.safety import UnsafeURLError, check_url, parse_networks

    if not absolute_http_url(url):
        raise click.UsageError(f"not an absolute http(s) URL: {url!r}")
    try:
        check_url(url, parse_networks(settings.allow_private_networks))
    except UnsafeURLError as exc:
        raise click.UsageError(str(exc)) from None
    config = _read_source_config(source_config)
    if kind in ("html", "json_api") and config is None:
        raise click.UsageError(f"a {kind} source needs --config (see README: source kinds)")
    return config


def _preview(settings: Settings, url: str, kind: str, config: dict | None, platform: str, max_items: int = 20):
    from crawler.preview import preview_source

    try:
        return preview_source(settings, url, kind, config, platform=platform, max_items=max_items)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None


def _explain_failure(preview) -> None:
    click.echo(preview.error, err=True)
    if preview.kind == "auto" and "links no feed" in (preview.error or ""):
        click.echo("hint: a listing page is added with --kind html and --config with its CSS selectors, "
                   "a JSON API with --kind json_api and --config with its field mapping (README: source kinds)",
                   err=True)


def _print_preview(preview) -> None:
    click.echo(preview.summary())
    if not preview.ok:
        return
    for key in ("resolved_kind", "resolved_url", "resolved_config", "format"):
        value = getattr(preview, key)
        if value and not (key == "resolved_url" and value == preview.url):
            click.echo(f"{key:<16} {json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value}")
    for problem in preview.problems:
        click.echo(f"problem          {problem}")
    shown = len(preview.items)
    more = "" if preview.complete else "+"
    click.echo(f"first {shown} of {preview.total_items}{more} items:" if shown else "no items")
    for number, item in enumerate(preview.items, 1):
        listing = item.listing
        if listing is None:
            click.echo(f"{number:>3}. (not listed) {item.title or item.key or '-'}")
        else:
            price = listing.price
            if price.is_free:
                price_text = "free"
            elif price.amount is not None:
                price_text = f"{price.amount:,} {price.currency}" + (f"/{price.unit}" if price.unit else "")
            else:
                price_text = "-"
            place = " ".join(filter(None, [listing.district, listing.dong])) or "-"
            facts = f"{listing.category or '-'}; {place}; {price_text}"
            click.echo(f"{number:>3}. {listing.title}  [{facts}]  {listing.url}")
        for d in item.diagnostics:
            click.echo(f"       {d.severity:<7} {d.code:<18} {d.message_en} / {d.message_ko}")


def _read_source_config(value: str | None) -> dict | None:
    if not value:
        return None
    text = value
    if value.startswith("@"):
        try:
            with open(value[1:], encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise click.UsageError(f"--config: cannot read {value[1:]}: {exc.strerror}") from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"--config: not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise click.UsageError("--config: must be a JSON object")
    overrides = config.get("category_overrides")
    if overrides is not None:
        from crawler.normalize.category import check_overrides

        problems = check_overrides(overrides) if isinstance(overrides, dict) else ["must be a JSON object"]
        if problems:
            raise click.UsageError(f"--config: category_overrides: {'; '.join(problems)}")
    return config


def _source_dict(source, counts: dict[int, int], run=None, diagnostics=None) -> dict:
    data = {
        "id": source.id, "url": source.url, "platform": source.platform.name, "kind": source.kind,
        "resolved_kind": source.resolved_kind, "resolved_url": source.resolved_url, "config": source.config,
        "interval_minutes": source.interval_minutes,
        "paused": source.paused, "active_listings": counts.get(source.id, 0),
        "last_crawled_at": source.last_crawled_at.isoformat() if source.last_crawled_at else None,
        "last_success_at": source.last_success_at.isoformat() if source.last_success_at else None,
        "state": source.state, "state_since": source.state_since.isoformat() if source.state_since else None,
        "failures": source.failures,
        "next_run_at": source.next_run_at.isoformat() if source.next_run_at else None,
        "current_interval_minutes": source.current_interval_minutes or source.interval_minutes,
        "schedule_reason": source.schedule_reason,
        "run_requested_at": source.run_requested_at.isoformat() if source.run_requested_at else None,
    }
    if run is not None:
        data["last_run"] = {"id": run.id, "outcome": run.outcome, "http_status": run.http_status,
                            "error": run.error, "format": run.format,
                            "started_at": run.started_at.isoformat(),
                            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                            **run.counts()}
    if diagnostics is not None:
        data["diagnostics"] = [{"item": d.item_key, "title": d.item_title, "listing_id": d.listing_id,
                                "severity": d.severity, "field": d.field, "code": d.code,
                                "message_en": d.message_en, "message_ko": d.message_ko} for d in diagnostics]
    return data


@sources.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources_list(ctx, as_json: bool) -> None:
    """Every source with its platform, state and active listings."""
    from indexer.catalog import store

    with _catalog(ctx).session() as session:
        counts = store.active_listing_counts(session)
        rows = [_source_dict(s, counts, store.last_run(session, s.id)) for s in store.list_sources(session)]
    if as_json:
        _emit_json(rows)
        return
    for row in rows:
        run = row.get("last_run") or {}
        click.echo(f"{row['id']:>4}  {row['platform'][:24]:<24}  {row['kind']:<8}  {row['state']:<9}  "
                   f"{row['active_listings']:>5} listings  last: {run.get('outcome', 'never')}  {row['url']}")


@sources.command("show")
@click.argument("source_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def sources_show(ctx, source_id: int, as_json: bool) -> None:
    """One source, its last run's counts and outcome, and the diagnostics of its items as the last
    crawl that read them (ok or partial; a 304 reads none) found them."""
    from indexer.catalog import store

    with _catalog(ctx).session() as session:
        try:
            source = store.get_source(session, source_id)
        except store.NotFound as exc:
            raise click.UsageError(str(exc)) from None
        run = store.last_run(session, source_id)
        read = store.last_run(session, source_id, outcomes=("ok", "partial"))
        data = _source_dict(source, store.active_listing_counts(session), run,
                            store.run_diagnostics(session, read.id) if read else [])
        data["diagnostics_run_id"] = read.id if read else None
    if as_json:
        _emit_json(data)
        return
    for key in ("id", "platform", "url", "kind", "resolved_kind", "resolved_url", "config", "interval_minutes",
                "paused", "state", "state_since", "failures", "current_interval_minutes", "schedule_reason",
                "next_run_at", "run_requested_at", "active_listings", "last_crawled_at", "last_success_at"):
        value = json.dumps(data[key], ensure_ascii=False) if isinstance(data[key], dict) else data[key]
        click.echo(f"{key:<24} {value}")
    run = data.get("last_run")
    if run:
        click.echo(f"last run                 #{run['id']} {run['outcome']} (HTTP {run['http_status']}) "
                   f"seen {run['seen']}, new {run['new']}, updated {run['updated']}, "
                   f"unchanged {run['unchanged']}, invalid {run['invalid']}, gone {run['gone']}")
        if run["error"]:
            click.echo(f"error                    {run['error']}")
    for d in data["diagnostics"]:
        click.echo(f"  {d['severity']:<7} {d['code']:<18} {d['item'] or '-'}: {d['message_en']} / {d['message_ko']}")


@sources.command("delete")
@click.argument("source_id", type=int)
@click.pass_context
def sources_delete(ctx, source_id: int) -> None:
    """Delete a source; its listings leave search at once."""
    from indexer.catalog import store
    from indexer.indexing import delete_source

    try:
        removed = delete_source(_catalog(ctx), _settings(ctx), source_id)
    except store.NotFound as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"deleted source {source_id} and {removed} listings")


def _source_action(ctx, action, source_id: int, *args, **kwargs):
    from indexer.catalog.actions import ActionError

    try:
        actor = f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in the environment or passwd (some containers)
        actor = "cli"
    try:
        with _catalog(ctx).session(write=True) as session:
            source = action(session, source_id, *args, actor=actor, **kwargs)
            return {"id": source.id, "paused": source.paused, "state": source.state,
                    "interval_minutes": source.interval_minutes, "next_run_at": source.next_run_at,
                    "run_requested_at": source.run_requested_at}
    except ActionError as exc:
        raise click.UsageError(str(exc)) from None


@sources.command("pause")
@click.argument("source_id", type=int)
@click.pass_context
def sources_pause(ctx, source_id: int) -> None:
    """Stop crawling a source (its listings stay searchable) until `sources resume`."""
    from indexer.catalog.actions import pause_source

    _source_action(ctx, pause_source, source_id)
    click.echo(f"source {source_id}: paused; workers skip it from their next tick")


@sources.command("resume")
@click.argument("source_id", type=int)
@click.pass_context
def sources_resume(ctx, source_id: int) -> None:
    """Put a paused source back on its schedule; it is due at once."""
    from indexer.catalog.actions import resume_source

    _source_action(ctx, resume_source, source_id)
    click.echo(f"source {source_id}: resumed; a worker crawls it at its next tick")


@sources.command("crawl-now")
@click.argument("source_id", type=int)
@click.pass_context
def sources_crawl_now(ctx, source_id: int) -> None:
    """Ask the workers to crawl a source at their next tick, whatever its schedule or backoff."""
    from indexer.catalog.actions import request_crawl

    _source_action(ctx, request_crawl, source_id)
    click.echo(f"source {source_id}: crawl requested; a worker crawls it at its next tick "
               f"(`sharehub crawl {source_id}` crawls it here and now)")


@sources.command("set")
@click.argument("source_id", type=int)
@click.option("--interval", type=int, required=True, help="Minutes between crawls (adaptation starts from it).")
@click.pass_context
def sources_set(ctx, source_id: int, interval: int) -> None:
    """Change a source's crawl interval; the next run moves to one new interval after the last crawl."""
    from indexer.catalog.actions import set_interval

    data = _source_action(ctx, set_interval, source_id, interval)
    when = data["next_run_at"].isoformat(timespec="minutes") if data["next_run_at"] else "at the next tick"
    click.echo(f"source {source_id}: every {interval} minutes; next run {when}")


# -- worker -------------------------------------------------------------------------------
@main.command()
@click.option("--once", is_flag=True, help="Crawl the sources due now, then exit (for cron or a check).")
@click.pass_context
def worker(ctx, once: bool) -> None:
    """Keep every source fresh: crawl each when it is due, until SIGTERM or Ctrl-C."""
    import signal
    import threading

    from crawler.worker import Worker, run_worker

    settings = _settings(ctx)
    if once:
        instance = Worker(settings)
        try:
            done = instance.run_due()
        finally:
            instance.close()
        for d in done:
            click.echo(f"source {d.source_id}: {d.outcome}" + (f"; next run {d.plan.next_run_at.isoformat(timespec='minutes')}"
                                                             f" ({d.plan.reason})" if d.plan else ""))
        return
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    run_worker(settings, stop)


# -- crawl, reindex -----------------------------------------------------------------------
@main.command()
@click.option("--all", "all_sources", is_flag=True, help="Every source that is not paused.")
@click.argument("source_ids", type=int, nargs=-1)
@click.pass_context
def crawl(ctx, all_sources: bool, source_ids: tuple[int, ...]) -> None:
    """Crawl now, in the foreground; a line per source.

    Exit 0 when every source was fetched and read (even if some items had errors), 1 if any source
    could not be fetched or read at all.
    """
    from crawler.runner import crawl_in_subprocess
    from crawler.worker import Worker

    if all_sources == bool(source_ids):
        raise click.UsageError("give --all or one or more source ids")
    results = []

    def crawl_and_keep(settings, ids):  # the worker's schedule and states follow this crawl too
        results.extend(crawl_in_subprocess(settings, ids))
        return results

    worker = Worker(_settings(ctx), crawl=crawl_and_keep)
    try:
        _, busy = worker.crawl_now(None if all_sources else list(source_ids))
    except LookupError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        worker.close()
    for source_id in busy:
        click.echo(f"source {source_id}: not crawled — a worker is crawling it now")
    for r in results:
        c = r.counts
        counts = (f"seen {c.get('seen', 0)} new {c.get('new', 0)} updated {c.get('updated', 0)} "
                  f"unchanged {c.get('unchanged', 0)} invalid {c.get('invalid', 0)}")
        line = f"source {r.source_id}: {r.outcome}" + (f" ({counts})" if r.outcome == "ok" else "")
        if r.error:
            line += f" — {r.error}"
        click.echo(line)
    if busy or any(not r.fetched for r in results):
        ctx.exit(1)


@main.command()
@click.option("--pending", "pending_only", is_flag=True,
              help="Only apply the index updates the search engine missed (pending in the catalog).")
@click.pass_context
def reindex(ctx, pending_only: bool) -> None:
    """Rebuild the search index from the catalog (or, with --pending, catch it up).

    With --pending, exit 1 when updates are still pending afterwards (the engine failed again).
    """
    from indexer.catalog import store
    from indexer.indexing import catch_up, reindex_all
    from indexer.search import SearchError

    catalog = _catalog(ctx)
    if pending_only:
        applied = catch_up(catalog, _settings(ctx))  # an engine failure is logged, the rows stay
    else:
        try:
            total = reindex_all(catalog, _settings(ctx))
        except SearchError as exc:
            raise click.ClickException(str(exc)) from None
    with catalog.session() as session:
        left = store.pending_count(session)
    if pending_only:
        click.echo(f"applied {applied} pending listings, {left} still pending")
        if left:
            ctx.exit(1)
    else:
        click.echo(f"indexed {total} listings" + (f", {left} still pending" if left else ""))


# -- search -------------------------------------------------------------------------------
@main.command()
@click.argument("query", required=False, default="")
@click.option("--category", multiple=True, help="Category key; repeat for any of several.")
@click.option("--district", multiple=True, help="5-digit gu code; repeat for any of several.")
@click.option("--dong", multiple=True, help="Administrative dong name (망원1동); repeat for any of several.")
@click.option("--platform", multiple=True, help="Platform name; repeat for any of several.")
@click.option("--free/--paid", default=None, help="Free listings only / paid listings only.")
@click.option("--price-min", type=click.IntRange(min=0), help="Lowest price in KRW (free = 0).")
@click.option("--price-max", type=click.IntRange(min=0), help="Highest price in KRW (free = 0).")
@click.option("--available-from", help="Available on or after: a date (2026-12-05) or an ISO date-time.")
@click.option("--available-to", help="Available on or before: a date or an ISO date-time.")
@click.option("--near", help="lat,lon: only listings within --radius-km of it.")
@click.option("--radius-km", type=float, help="Radius around --near (default: the default_radius_km setting).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "distance", "price"]), default=None,
              help="Default: relevance (newest without words; distance with --near and no words).")
@click.option("--no-places", is_flag=True, help="Do not read place words (마포, 홍대, Itaewon) as a district filter.")
@click.option("--include-ended", is_flag=True, help="Also events and booking windows that have ended.")
@click.option("--include-stale", is_flag=True, help="Also listings of sources not crawled successfully lately.")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx, query, category, district, dong, platform, free, price_min, price_max, available_from,
           available_to, near, radius_km, sort, no_places, include_ended, include_stale, limit, page,
           as_json) -> None:
    """Search the listings, as the portal does."""
    from werkzeug.datastructures import MultiDict

    from indexer.search import SearchError, open_search
    from indexer.search.service import run_search, stale_sources
    from search_ui.queryargs import BadQuery, search_request

    settings = _settings(ctx)
    catalog = _catalog(ctx)  # brings the schema up to date like every other command
    # The same reading of parameters as GET /api/v1/listings.
    args = MultiDict([("q", query), *(("category", c) for c in category), *(("district", d) for d in district),
                      *(("dong", d) for d in dong), *(("platform", p) for p in platform)])
    for name, value in (("free", None if free is None else str(free).lower()), ("price_min", price_min),
                        ("price_max", price_max), ("available_from", available_from),
                        ("available_to", available_to), ("near", near), ("radius_km", radius_km),
                        ("sort", sort), ("page", page), ("per_page", limit)):
        if value is not None:
            args.add(name, str(value))
    args.add("places", "false" if no_places else "true")
    args.add("include_ended", str(include_ended).lower())
    args.add("include_stale", str(include_stale).lower())
    try:
        search_query, options = search_request(args, page_size=limit, max_page_size=1000,
                                               default_radius_km=settings.default_radius_km)
    except BadQuery as exc:
        raise click.BadParameter(str(exc)) from None
    engine = open_search(settings)
    try:
        stale = () if include_stale else stale_sources(catalog, settings.stale_source_days)
        result = run_search(engine, search_query, options, stale_source_ids=stale)
    except SearchError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.close()
    if as_json:
        _emit_json({**result.as_api(), "page": search_query.page, "per_page": search_query.per_page})
        return
    for note in result.notes:
        click.echo(f"note: {note['message_en']}")
    click.echo(f"{result.total} listings")
    for hit in result.hits:
        price = hit["price"]
        price_text = "free" if price["is_free"] else (f"{price['amount']:,} {price['currency']}"
                                                     if price["amount"] is not None else "-")
        distance = f"; {hit['distance_km']:.1f} km" if "distance_km" in hit else ""
        click.echo(f"- {hit['title']}  [{hit['platform']}; {hit['category'] or '-'}; "
                   f"{hit['district'] or '-'}; {price_text}{distance}]  {hit['url']}")
        for other in hit.get("also_on") or ():
            click.echo(f"    also on {other['platform']}: {other['url']}")


# -- serve, demo --------------------------------------------------------------------------
@main.command()
@click.option("--host", default=None, help="Default: the web_host setting.")
@click.option("--port", type=int, default=None, help="Default: the web_port setting.")
@click.pass_context
@click.option("--workers", type=int, default=None, help="Default: the web_workers setting.")
@click.option("--dev", is_flag=True, help="Flask's development server (one process, reloads nothing).")
def serve(ctx, host, port, workers, dev) -> None:
    """Serve the web portal with gunicorn (the production server)."""
    from search_ui.server import serve_production

    settings = _settings(ctx)
    host, port = host or settings.web_host, port or settings.web_port
    if dev:
        from search_ui import create_app
        from search_ui.demo import quiet_request_log
        click.echo(f"serve: Flask's development server on http://{host}:{port}/", err=True)
        quiet_request_log()
        create_app(settings=settings).run(host=host, port=port, debug=False, threaded=True)
        return
    serve_production(settings, host, port, workers=workers)


@main.command()
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.pass_context
def demo(ctx, host, port) -> None:
    """Everything local: sample partners, crawl, index, the portal; until Ctrl-C."""
    from search_ui.demo import run_demo

    run_demo(_settings(ctx), host=host, port=port)


# -- backup, restore ----------------------------------------------------------------------
def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1_000_000:.1f} MB" if size_bytes >= 100_000 else f"{size_bytes / 1000:.1f} kB"


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_context
def backup_command(ctx, path: str) -> None:
    """Copy the catalog to PATH while the web app and the worker keep running.

    SQLite: one file (SQLite's online backup); PostgreSQL: a pg_dump archive in the custom format.
    The catalog is backed up as it is, not upgraded first. The search index need not be backed up:
    `sharehub reindex` rebuilds it from the catalog.
    """
    from indexer.catalog.backup import BackupError, backup

    try:
        info = backup(_settings(ctx).effective_database_url, path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up the catalog (schema revision {info.revision}) to {info.path} ({_size(info.size_bytes)})")


@main.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--reindex", "then_reindex", is_flag=True,
              help="Rebuild the search index from the restored catalog afterwards.")
@click.pass_context
def restore_command(ctx, path: str, yes: bool, then_reindex: bool) -> None:
    """Replace the catalog with the backup at PATH, then bring its schema up to date.

    Stop the web app and the worker first. PATH is checked first: what is not a catalog backup is
    refused and the catalog is left as it was. The search index is derived from the catalog:
    rebuild it afterwards (`sharehub reindex`, or --reindex).
    """
    from indexer.catalog.backup import BackupError, describe, read_backup, restore

    settings = _settings(ctx)
    url = settings.effective_database_url
    try:
        info = read_backup(url, path)
        if not yes:
            click.confirm(f"Replace every row of the catalog {describe(url)} with the backup {info.path}"
                          f" (schema revision {info.revision})? Stop the web app and the worker first.",
                          abort=True)
        restored = restore(url, info.path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored the catalog from {restored.path} (schema revision {restored.backup_revision},"
               f" now {restored.revision})")
    if not then_reindex:
        click.echo("the search index no longer matches the catalog: rebuild it with `sharehub reindex`")
        return
    from indexer.indexing import reindex_all
    from indexer.search import SearchError

    try:
        total = reindex_all(_catalog(ctx), settings)
    except SearchError as exc:
        raise click.ClickException(f"{exc} (the catalog is restored; run `sharehub reindex` again)") from None
    click.echo(f"indexed {total} listings")


if __name__ == "__main__":  # pragma: no cover
    main()
