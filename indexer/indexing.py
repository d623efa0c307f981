"""Keeping the search index derived from the catalog.

The catalog commits first and the index follows. When the engine is down or refuses an update,
the ids of the listings concerned are marked pending in the catalog (`search_pending`) instead of
the update being lost; `catch_up` applies them once the engine answers again (at the start of
every crawl batch, and on `sharehub reindex --pending`), and a full `reindex_all` supersedes them.
"""

from __future__ import annotations

import logging
from itertools import islice
from typing import Iterable

from sqlalchemy.exc import SQLAlchemyError

from indexer.catalog import Catalog, store
from indexer.catalog.models import utcnow
from indexer.search import SearchError, open_search

log = logging.getLogger(__name__)

BATCH = 500


def reindex_all(catalog: Catalog, settings) -> int:
    """Replace the index's content with every active listing of the catalog; returns the count."""
    # What was pending when the rebuild started, it covers; what is marked later it may not.
    started = utcnow()
    with catalog.session(write=True) as session:
        store.recluster(session)
    search = open_search(settings)
    try:
        with catalog.session() as session:
            documents = store.active_documents(session, batch=BATCH)
            # Built beside the live index and swapped in at the end: searches never see it half-built.
            total = search.rebuild(iter(lambda: list(islice(documents, BATCH)), []))
    finally:
        search.close()
    with catalog.session(write=True) as session:
        store.clear_pending(session, None, queued_before=started)
    return total


def keep_pending(catalog: Catalog, ids: Iterable[str], error: Exception) -> None:
    """After a failed index update: mark the listings pending and say so in one error line.

    Never raises: it runs where a crawl must go on. If even the catalog cannot take the marker,
    only a full reindex mends the index, and the line says that instead.
    """
    ids = set(ids)
    if not ids:
        log.warning("%s; no listing was concerned, nothing is pending", error)
        return
    try:
        with catalog.session(write=True) as session:
            store.mark_pending(session, ids)
    except SQLAlchemyError as exc:
        log.error("%s; catalog: %d listing(s) could not be marked pending either (%s), run `sharehub reindex`",
                  error, len(ids), exc)
        return
    log.error("%s; %d listing(s) are pending in the catalog and the index catches up when the engine "
              "answers again (at the next crawl, or `sharehub reindex --pending`)", error, len(ids))


def catch_up(catalog: Catalog, settings, *, batch: int = BATCH) -> int:
    """Apply the pending index updates: index the pending listings that are active, delete the
    others (gone, removed, deleted) from the index; returns how many ids were applied.

    A batch's rows are cleared only after the engine took it. On a SearchError it stops and
    leaves the rest pending (logged, not raised: crawls call this).
    """
    applied = 0
    after = None
    search = None
    try:
        while True:
            read_at = utcnow()
            with catalog.session() as session:
                ids = store.pending_ids(session, batch, after=after)
                # Only active listings have documents; every other id leaves the index.
                documents = store.documents(session, ids) if ids else []
            if not ids:
                break
            after = ids[-1]  # one pass over the ids: what is marked again meanwhile waits its turn
            if search is None:
                search = open_search(settings)
            indexed = {d["id"] for d in documents}
            if documents:
                search.index(documents)
            if gone := [i for i in ids if i not in indexed]:
                search.delete(gone)
            with catalog.session(write=True) as session:
                # A row marked again after read_at changed after this batch was read: it stays.
                store.clear_pending(session, ids, queued_before=read_at)
            applied += len(ids)
    except SearchError as exc:
        with catalog.session() as session:
            left = store.pending_count(session)
        log.error("%s; %d listing(s) stay pending in the catalog and the index catches up at the next "
                  "crawl (or `sharehub reindex --pending`)", exc, left)
    finally:
        if search is not None:
            search.close()
    if applied:
        log.info("search: caught up %d pending listing(s)", applied)
    return applied


def refresh_clusters(catalog: Catalog, settings) -> int:
    """Regroup the same things listed on several platforms after crawls changed listings, and
    reindex the listings whose cluster changed; returns how many were reindexed (the rest are
    pending when the engine failed)."""
    with catalog.session(write=True) as session:
        affected = store.recluster(session)
        documents = store.documents(session, affected) if affected else []
    if not documents:
        return 0
    done = 0
    search = None
    try:
        search = open_search(settings)
        for start in range(0, len(documents), BATCH):
            search.index(documents[start:start + BATCH])
            done = min(start + BATCH, len(documents))
    except SearchError as exc:
        # The catalog has the new clusters already: a later regroup finds nothing changed.
        keep_pending(catalog, (d["id"] for d in documents[done:]), exc)
    finally:
        if search is not None:
            search.close()
    return done


def delete_source(catalog: Catalog, settings, source_id: int) -> int:
    """Delete a source from the catalog and its listings from the index at once (when the engine
    fails, they are pending and leave it at the catch-up); returns how many."""
    with catalog.session() as session:
        removed = store.delete_source(session, source_id)
    search = None
    try:
        search = open_search(settings)
        search.delete_source(source_id)
    except SearchError as exc:
        keep_pending(catalog, removed, exc)
    finally:
        if search is not None:
            search.close()
    refresh_clusters(catalog, settings)  # what was also on the deleted source is alone again
    return len(removed)
