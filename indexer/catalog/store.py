"""Catalog operations: platforms and sources, applying a crawl's listings, reading listings back.

Functions take a Session and leave committing to the caller's unit of work (Catalog.session()).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Iterator

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from indexer.catalog.models import (CrawlRun, ItemDiagnostic, ListingRow, Platform, SearchPending, Source,
                                    SourceDocument, utcnow)
from indexer import duplicates
from indexer.listing import Diagnostic, Listing, Price, search_document

SOURCE_KINDS = ("auto", "feed", "sitemap", "html", "json_api")


class NotFound(LookupError):
    pass


def get_or_create_platform(session: Session, name: str, *, name_ko: str | None = None,
                           homepage: str | None = None) -> Platform:
    platform = session.scalar(select(Platform).where(Platform.name == name))
    if platform is None:
        platform = Platform(name=name, name_ko=name_ko, homepage=homepage)
        session.add(platform)
        session.flush()
    return platform


def add_source(session: Session, platform: Platform, url: str, kind: str, interval_minutes: int) -> Source:
    if kind not in SOURCE_KINDS:
        raise ValueError(f"catalog: unknown source kind {kind!r} (one of {', '.join(SOURCE_KINDS)})")
    source = Source(platform=platform, url=url, kind=kind, interval_minutes=interval_minutes)
    session.add(source)
    session.flush()
    return source


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"catalog: no source with id {source_id}")
    return source


def list_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.id)))


def last_run(session: Session, source_id: int, outcomes: Iterable[str] | None = None) -> CrawlRun | None:
    """The source's newest crawl run, or its newest with one of `outcomes`."""
    query = select(CrawlRun).where(CrawlRun.source_id == source_id)
    if outcomes is not None:
        query = query.where(CrawlRun.outcome.in_(tuple(outcomes)))
    return session.scalar(query.order_by(CrawlRun.id.desc()).limit(1))


def run_diagnostics(session: Session, run_id: int) -> list[ItemDiagnostic]:
    return list(session.scalars(select(ItemDiagnostic).where(ItemDiagnostic.run_id == run_id)
                                .order_by(ItemDiagnostic.id)))


def active_listing_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(ListingRow.source_id, func.count()).where(ListingRow.status == "active")
                           .group_by(ListingRow.source_id))
    return {source_id: n for source_id, n in rows}


def delete_source(session: Session, source_id: int) -> list[str]:
    """Delete a source with its runs, diagnostics and listings; returns the removed listing ids."""
    source = get_source(session, source_id)
    ids = list(session.scalars(select(ListingRow.id).where(ListingRow.source_id == source_id)))
    session.execute(delete(ItemDiagnostic).where(ItemDiagnostic.source_id == source_id))
    session.execute(delete(ListingRow).where(ListingRow.source_id == source_id))
    session.execute(delete(CrawlRun).where(CrawlRun.source_id == source_id))
    session.execute(delete(SourceDocument).where(SourceDocument.source_id == source_id))
    session.delete(source)
    return ids


def unfinished_runs(session: Session, source_ids: list[int], since: datetime) -> list[CrawlRun]:
    """Runs of these sources started since then and still "running"."""
    return list(session.scalars(select(CrawlRun).where(CrawlRun.source_id.in_(source_ids),
                                                       CrawlRun.outcome == "running",
                                                       CrawlRun.started_at >= since)))


def start_run(session: Session, source_id: int, started_at: datetime | None = None) -> CrawlRun:
    run = CrawlRun(source_id=source_id, started_at=started_at or utcnow(), outcome="running")
    session.add(run)
    session.flush()
    return run


@dataclass
class ItemReport:
    """What one crawl found about one item: its listing if it made one, and its diagnostics."""
    item_key: str | None
    title: str | None
    listing: Listing | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    content_hash: str | None = None  # the listing's, when the caller computed it already
    tentative: bool = False  # may be cut short: adds a listing, never overwrites one


@dataclass
class AppliedCrawl:
    counts: dict[str, int]
    changed: list[Listing]   # new or updated: to (re)index
    gone: list[str] = field(default_factory=list)  # listing ids that left: to remove from the index
    clusters: dict[str, str] = field(default_factory=dict)  # changed listing id -> its cluster, if any


def apply_items(session: Session, run: CrawlRun, reports: Iterable[ItemReport], *,
                complete: bool = True, gone_after: int = 3, present_urls: Iterable[str] = (),
                dead_urls: Iterable[str] = (), now: datetime | None = None) -> AppliedCrawl:
    """Write one crawl's items: new and changed listings, unchanged ones untouched.

    Only a complete crawl (every document of the source read) counts a missing listing as missed;
    at `gone_after` misses in a row it is gone. `present_urls` are pages the crawl did not need to
    fetch (unchanged per sitemap lastmod): their listings count as seen. `dead_urls` answered 404
    or 410: their listings are gone at once.

    Rows are written with bulk statements, not ORM objects: this is the crawl's hot path, and a
    first crawl of a big source inserts thousands of rows at once.
    """
    now = now or utcnow()
    reports = list(reports)
    listings = {r.listing.id: r.listing for r in reports if r.listing is not None}
    digests = {r.listing.id: r.content_hash for r in reports if r.listing is not None and r.content_hash}
    tentative = {r.listing.id for r in reports if r.listing is not None and r.tentative}
    existing = {row.id: row for row in session.execute(
        select(ListingRow.id, ListingRow.url, ListingRow.status, ListingRow.missed_crawls,
               ListingRow.content_hash, ListingRow.cluster_id).where(ListingRow.source_id == run.source_id))}
    counts = {"seen": len(reports), "new": 0, "updated": 0, "unchanged": 0,
              "invalid": sum(1 for r in reports if r.listing is None), "gone": 0}
    inserts: list[dict] = []
    updates: dict[str, dict] = {}  # listing id -> the columns to set
    changed: list[Listing] = []
    for listing_id, listing in listings.items():
        digest = digests.get(listing_id) or listing.content_hash()
        row = existing.get(listing_id)
        if row is None:
            inserts.append({**_row_values(listing, digest, now), "id": listing_id, "first_seen_at": now})
            counts["new"] += 1
            changed.append(listing)
        elif listing_id in tentative:
            counts["unchanged"] += 1  # seen, but kept as the last complete read gave it
        elif row.content_hash != digest or row.status != "active":
            updates[listing_id] = _row_values(listing, digest, now)
            counts["updated"] += 1
            changed.append(listing)
        else:
            # Unchanged rows are not written at all: an active listing of a source was seen at
            # that source's last successful crawl, so last_seen_at only moves when content does.
            counts["unchanged"] += 1
            if row.missed_crawls:
                updates[listing_id] = {"missed_crawls": 0}
    dead = set(dead_urls)
    present = set(present_urls)
    gone: list[str] = []
    for listing_id, row in existing.items():
        if row.status != "active" or listing_id in listings:
            continue
        if row.url in dead:
            reason = "dead_link"
        elif row.url in present or not complete:
            continue
        else:
            missed = (row.missed_crawls or 0) + 1
            if missed < gone_after:
                updates[listing_id] = {"missed_crawls": missed}
                continue
            reason = "missing"
        updates[listing_id] = {"status": "gone", "gone_reason": reason,
                               "missed_crawls": (row.missed_crawls or 0) + (reason == "missing")}
        gone.append(listing_id)
    for listing_id in listings:
        row = existing.get(listing_id)
        if row is not None and row.url in dead and listing_id not in gone:
            updates.setdefault(listing_id, {}).update(status="gone", gone_reason="dead_link")
            gone.append(listing_id)
    counts["gone"] = len(gone)
    # Core inserts on the tables: ORM bulk inserts leave out None values and so split the rows
    # into a statement per pattern of missing fields.
    if inserts:
        session.execute(insert(ListingRow.__table__), inserts)
    # One executemany per distinct set of columns: the bulk UPDATE needs the same keys per row.
    by_columns: dict[tuple, list[dict]] = {}
    for listing_id, values in updates.items():
        by_columns.setdefault(tuple(values), []).append({**values, "id": listing_id})
    for batch in by_columns.values():
        session.execute(update(ListingRow), batch)
    diagnostics = [
        {"source_id": run.source_id, "run_id": run.id, "listing_id": report.listing.id if report.listing else None,
         "item_key": report.item_key, "item_title": report.title, "severity": d.severity, "field": d.field,
         "code": d.code, "message_en": d.message_en, "message_ko": d.message_ko, "created_at": now}
        for report in reports for d in report.diagnostics]
    if diagnostics:
        session.execute(insert(ItemDiagnostic.__table__), diagnostics)
    for key, value in counts.items():
        setattr(run, key, value)
    changed = [l for l in changed if l.id not in gone]
    clusters = {l.id: existing[l.id].cluster_id for l in changed
                if l.id in existing and existing[l.id].cluster_id}
    return AppliedCrawl(counts=counts, changed=changed, gone=gone, clusters=clusters)


def repeat_misses(session: Session, run: CrawlRun, *, gone_after: int = 3) -> AppliedCrawl:
    """A 304: the source says exactly what it said last time, so what it lacked then it lacks
    again; each such listing is missed once more."""
    gone: list[str] = []
    rows = session.scalars(select(ListingRow).where(ListingRow.source_id == run.source_id,
                                                     ListingRow.status == "active", ListingRow.missed_crawls > 0))
    for row in rows:
        row.missed_crawls += 1
        if row.missed_crawls >= gone_after:
            row.status, row.gone_reason = "gone", "missing"
            gone.append(row.id)
    run.gone = len(gone)
    return AppliedCrawl(counts={"gone": len(gone)}, changed=[], gone=gone)


def finish_run(session: Session, run: CrawlRun, outcome: str, *, http_status: int | None = None,
               error: str | None = None, format: str | None = None, etag: str | None = None,
               last_modified: str | None = None, resolved_kind: str | None = None,
               resolved_url: str | None = None, error_url: str | None = None,
               retry_after: float | None = None, fresh_for: float | None = None,
               now: datetime | None = None) -> None:
    now = now or utcnow()
    run.outcome = outcome
    run.finished_at = now
    run.http_status = http_status
    run.error = error
    run.format = format
    run.error_url = error_url if error else None
    run.retry_after, run.fresh_for = retry_after, fresh_for
    source = session.get(Source, run.source_id)
    if source is None:  # deleted while it was being crawled
        return
    source.last_crawled_at = now
    if outcome in ("ok", "partial", "not_modified"):
        source.last_success_at = now
        if outcome in ("ok", "partial"):
            source.etag = etag
            source.last_modified = last_modified
        if resolved_kind and source.kind == "auto":
            source.resolved_kind = resolved_kind
            source.resolved_url = resolved_url if resolved_url and resolved_url != source.url else None


def document_states(session: Session, source_id: int) -> dict[str, SourceDocument]:
    return {d.url: d for d in session.scalars(select(SourceDocument).where(SourceDocument.source_id == source_id))}


def record_documents(session: Session, source_id: int, documents: Iterable, now: datetime | None = None) -> None:
    """Remember each fetched document's validators and lastmod for the next crawl."""
    now = now or utcnow()
    known = document_states(session, source_id)
    for doc in documents:
        row = known.get(doc.url)
        if row is None:
            row = known[doc.url] = SourceDocument(source_id=source_id, url=doc.url)
            session.add(row)
        if doc.outcome == "ok":
            row.etag, row.last_modified = doc.etag, doc.last_modified
        row.lastmod = doc.lastmod if doc.outcome in ("ok", "not_modified") else row.lastmod
        row.http_status = doc.http_status
        row.fetched_at = now


def active_listing_urls(session: Session, source_id: int, limit: int = 1000) -> list[str]:
    return list(session.scalars(select(ListingRow.url).where(ListingRow.source_id == source_id,
                                                              ListingRow.status == "active").limit(limit)))


def _row_values(listing: Listing, digest: str, now: datetime) -> dict:
    price = listing.price
    return {
        "source_id": listing.source_id, "item_key": listing.item_key, "url": listing.url,
        "title": listing.title, "summary": listing.summary, "description_html": listing.description_html,
        "category": listing.category, "price_amount": price.amount, "price_currency": price.currency,
        "price_unit": price.unit, "price_unit_count": price.unit_count, "price_is_free": price.is_free,
        "price_deposit": price.deposit, "price_conditions": price.conditions, "address": listing.address,
        "district": listing.district, "dong": listing.dong, "lat": listing.lat, "lon": listing.lon,
        "starts_at": listing.starts_at, "ends_at": listing.ends_at, "published_at": listing.published_at,
        "updated_at": listing.updated_at, "images": list(listing.images), "tags": list(listing.tags),
        "language": listing.language, "contact": listing.contact, "opening_hours": listing.opening_hours,
        "last_seen_at": now, "status": "active", "missed_crawls": 0,
        "gone_reason": None, "content_hash": digest,
    }


def listing_from_row(row: ListingRow, platform: str) -> Listing:
    return Listing(
        source_id=row.source_id, item_key=row.item_key, url=row.url, title=row.title, platform=platform,
        summary=row.summary, description_html=row.description_html, category=row.category,
        price=Price(amount=row.price_amount, currency=row.price_currency or "KRW", unit=row.price_unit,
                    unit_count=row.price_unit_count, is_free=row.price_is_free, deposit=row.price_deposit,
                    conditions=row.price_conditions),
        address=row.address, district=row.district, dong=row.dong, lat=row.lat, lon=row.lon,
        starts_at=row.starts_at, ends_at=row.ends_at, published_at=row.published_at,
        updated_at=row.updated_at, images=list(row.images or []), tags=list(row.tags or []),
        language=row.language, contact=row.contact, opening_hours=row.opening_hours)


def active_documents(session: Session, batch: int = 1000) -> Iterator[dict]:
    """Search documents of every active listing, for a full reindex."""
    members = cluster_members(session)
    query = (select(ListingRow, Platform.name).join(Source, Source.id == ListingRow.source_id)
             .join(Platform, Platform.id == Source.platform_id)
             .where(ListingRow.status == "active").order_by(ListingRow.id)
             .execution_options(yield_per=batch))
    for row, platform in session.execute(query):
        yield _document(listing_from_row(row, platform), row.cluster_id, members)


def _document(listing: Listing, cluster_id: str | None, members: dict[str, list[dict]]) -> dict:
    others = [m for m in members.get(cluster_id, ()) if m["id"] != listing.id] if cluster_id else []
    return search_document(listing, cluster_id if others else None, others)


def cluster_members(session: Session, cluster_ids: Iterable[str] | None = None) -> dict[str, list[dict]]:
    """Cluster id -> its active members ({id, platform, url, title}, by platform name); every cluster
    when `cluster_ids` is None."""
    query = (select(ListingRow.cluster_id, ListingRow.id, Platform.name, ListingRow.url, ListingRow.title)
             .join(Source, Source.id == ListingRow.source_id).join(Platform, Platform.id == Source.platform_id)
             .where(ListingRow.status == "active", ListingRow.cluster_id.is_not(None)))
    out: dict[str, list[dict]] = {}
    chunks = [None] if cluster_ids is None else _chunks(sorted(set(cluster_ids)))
    for chunk in chunks:
        q = query if chunk is None else query.where(ListingRow.cluster_id.in_(chunk))
        for cluster_id, listing_id, platform, url, title in session.execute(q):
            out.setdefault(cluster_id, []).append({"id": listing_id, "platform": platform, "url": url,
                                                   "title": title})
    for found in out.values():
        found.sort(key=lambda m: (m["platform"], m["id"]))
    return out


def _chunks(values: list, size: int = 500) -> list[list]:
    return [values[start:start + size] for start in range(0, len(values), size)]


def changed_documents(session: Session, applied: AppliedCrawl) -> list[dict]:
    """Search documents of a crawl's new and updated listings, with their clusters."""
    members = cluster_members(session, set(applied.clusters.values())) if applied.clusters else {}
    return [_document(listing, applied.clusters.get(listing.id), members) for listing in applied.changed]


def documents(session: Session, listing_ids: Iterable[str]) -> list[dict]:
    """Search documents of the given listings that are active (unknown or inactive ids are left out)."""
    rows = []
    for chunk in _chunks(sorted(set(listing_ids))):
        rows.extend(session.execute(
            select(ListingRow, Platform.name).join(Source, Source.id == ListingRow.source_id)
            .join(Platform, Platform.id == Source.platform_id)
            .where(ListingRow.id.in_(chunk), ListingRow.status == "active")))
    members = cluster_members(session, {row.cluster_id for row, _ in rows if row.cluster_id})
    return [_document(listing_from_row(row, platform), row.cluster_id, members) for row, platform in rows]


def recluster(session: Session) -> set[str]:
    """Group every active listing with the same thing on other platforms (indexer.duplicates).

    Writes each listing's cluster_id and returns the ids of active listings whose search document
    changed: members of every cluster that gained, lost or changed a member.
    """
    rows = list(session.execute(
        select(ListingRow.id, ListingRow.status, ListingRow.cluster_id, ListingRow.url, ListingRow.title,
               ListingRow.category, ListingRow.district, ListingRow.dong, ListingRow.lat, ListingRow.lon,
               ListingRow.starts_at, Platform.name)
        .join(Source, Source.id == ListingRow.source_id).join(Platform, Platform.id == Source.platform_id)
        .where(or_(ListingRow.status == "active", ListingRow.cluster_id.is_not(None)))))
    active = [r for r in rows if r.status == "active"]
    found = duplicates.find_clusters(
        duplicates.Candidate(id=r.id, platform=r.name, title=r.title, url=r.url, category=r.category,
                             district=r.district, dong=r.dong, lat=r.lat, lon=r.lon, starts_at=r.starts_at)
        for r in active)
    before: dict[str, set[str]] = {}
    after: dict[str, set[str]] = {}
    for r in rows:
        if r.cluster_id:
            before.setdefault(r.cluster_id, set()).add(r.id)
    for listing_id, cluster_id in found.items():
        after.setdefault(cluster_id, set()).add(listing_id)
    affected: set[str] = set()
    for cluster_id in before.keys() | after.keys():
        old, new = before.get(cluster_id, set()), after.get(cluster_id, set())
        if old != new:
            affected |= old | new
    changes = [{"id": r.id, "cluster_id": found.get(r.id)} for r in rows if found.get(r.id) != r.cluster_id]
    if changes:
        session.execute(update(ListingRow), changes)
    active_ids = {r.id for r in active}
    return affected & active_ids


# -- index updates the search engine has not taken yet ------------------------------------------
# A listing id is pending when its catalog change committed but the index update failed; the
# catch-up (indexer.indexing.catch_up) applies it later. Markers are upserts: marking an id that
# is pending already moves its queued_at, which tells a catch-up running at that moment that the
# id changed again after it read it.

def mark_pending(session: Session, ids: Iterable[str], now: datetime | None = None) -> int:
    """Mark listings pending for the search index (again); returns how many ids were given."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    now = now or utcnow()
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        # One statement per chunk, safe against another writer marking the same id at once
        # (PostgreSQL does not serialize writers as SQLite's write lock does).
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as upsert
        else:
            from sqlalchemy.dialects.postgresql import insert as upsert
        for chunk in _chunks(ids, 250):  # 2 parameters a row, under old SQLite's 999
            statement = upsert(SearchPending).values([{"listing_id": i, "queued_at": now} for i in chunk])
            session.execute(statement.on_conflict_do_update(
                index_elements=[SearchPending.listing_id], set_={"queued_at": statement.excluded.queued_at}))
        return len(ids)
    # Any other database: the ids pending already are moved, the rest inserted.
    for chunk in _chunks(ids):
        known = set(session.scalars(select(SearchPending.listing_id).where(SearchPending.listing_id.in_(chunk))))
        if known:
            session.execute(update(SearchPending).where(SearchPending.listing_id.in_(sorted(known)))
                            .values(queued_at=now))
        fresh = [{"listing_id": i, "queued_at": now} for i in chunk if i not in known]
        if fresh:
            session.execute(insert(SearchPending.__table__), fresh)
    return len(ids)


def pending_ids(session: Session, limit: int = 500, *, after: str | None = None) -> list[str]:
    """Up to `limit` pending listing ids in id order, those after `after` when given (to page)."""
    query = select(SearchPending.listing_id).order_by(SearchPending.listing_id).limit(limit)
    if after is not None:
        query = query.where(SearchPending.listing_id > after)
    return list(session.scalars(query))


def clear_pending(session: Session, ids: Iterable[str] | None, *,
                  queued_before: datetime | None = None) -> int:
    """Clear the given pending ids (None: every pending id); returns how many rows went.

    With `queued_before`, rows marked later stay: they changed again after the caller read the
    listings it applied (the times come from the clocks of the processes that share the catalog,
    which are taken to agree).
    """
    condition = [] if queued_before is None else [SearchPending.queued_at <= queued_before]
    if ids is None:
        return session.execute(delete(SearchPending).where(*condition)).rowcount or 0
    removed = 0
    for chunk in _chunks(sorted(set(ids))):
        removed += session.execute(delete(SearchPending).where(SearchPending.listing_id.in_(chunk),
                                                               *condition)).rowcount or 0
    return removed


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SearchPending)) or 0


# -- what the portal's listing and platform pages show ---------------------------------------------
@dataclass
class ListingDetail:
    document: dict               # the search document (search_document's shape), also_on included
    status: str                  # active, gone, removed
    first_seen_at: datetime
    last_seen_at: datetime
    source_checked_at: datetime | None   # the source's last successful crawl
    platform_homepage: str | None


def listing_detail(session: Session, listing_id: str) -> ListingDetail | None:
    """One listing as its page shows it, whatever its status (a gone listing's page says so)."""
    found = session.execute(
        select(ListingRow, Platform.name, Platform.homepage, Source.last_success_at)
        .join(Source, Source.id == ListingRow.source_id).join(Platform, Platform.id == Source.platform_id)
        .where(ListingRow.id == listing_id)).first()
    if found is None:
        return None
    row, platform, homepage, checked = found
    members = cluster_members(session, [row.cluster_id]) if row.cluster_id else {}
    document = _document(listing_from_row(row, platform), row.cluster_id, members)
    if row.status != "active":
        # A phone number or e-mail the platform no longer publishes is not the hub's to keep showing.
        document["contact"] = None
    return ListingDetail(document, row.status, row.first_seen_at, row.last_seen_at, checked, homepage)


@dataclass
class PlatformSummary:
    id: int
    name: str
    name_ko: str | None
    homepage: str | None
    active_listings: int
    categories: dict[str, int]   # category key (or "" when unknown) -> active listings, most first
    last_success_at: datetime | None
    sources: int


def platform_summaries(session: Session) -> list[PlatformSummary]:
    """Every platform: what it shares, how many active listings, its last successful crawl."""
    platforms = {p.id: p for p in session.scalars(select(Platform))}
    sources = session.execute(select(Source.platform_id, func.count(), func.max(Source.last_success_at))
                              .group_by(Source.platform_id))
    by_platform = {pid: (n, last) for pid, n, last in sources}
    categories: dict[int, dict[str, int]] = {}
    for pid, category, n in session.execute(
            select(Source.platform_id, ListingRow.category, func.count())
            .join(Source, Source.id == ListingRow.source_id).where(ListingRow.status == "active")
            .group_by(Source.platform_id, ListingRow.category)):
        categories.setdefault(pid, {})[category or ""] = n
    out = []
    for pid, platform in platforms.items():
        counts = dict(sorted(categories.get(pid, {}).items(), key=lambda kv: (-kv[1], kv[0])))
        n_sources, last = by_platform.get(pid, (0, None))
        out.append(PlatformSummary(pid, platform.name, platform.name_ko, platform.homepage,
                                   sum(counts.values()), counts, last, n_sources))
    out.sort(key=lambda p: (-p.active_listings, p.name.casefold()))
    return out
