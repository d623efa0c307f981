"""Keeping the search index derived from the catalog."""

from __future__ import annotations

from itertools import islice

from indexer.catalog import Catalog, store
from indexer.search import open_search

BATCH = 500


def reindex_all(catalog: Catalog, settings) -> int:
    """Replace the index's content with every active listing of the catalog; returns the count."""
    with catalog.session(write=True) as session:
        store.recluster(session)
    search = open_search(settings)
    total = 0
    try:
        search.clear()
        with catalog.session() as session:
            documents = store.active_documents(session, batch=BATCH)
            while batch := list(islice(documents, BATCH)):
                total += search.index(batch)
    finally:
        search.close()
    return total


def refresh_clusters(catalog: Catalog, settings) -> int:
    """Regroup the same things listed on several platforms after crawls changed listings, and
    reindex the listings whose cluster changed; returns how many were reindexed."""
    with catalog.session(write=True) as session:
        affected = store.recluster(session)
        documents = store.documents(session, affected) if affected else []
    if not documents:
        return 0
    search = open_search(settings)
    try:
        for start in range(0, len(documents), BATCH):
            search.index(documents[start:start + BATCH])
    finally:
        search.close()
    return len(documents)


def delete_source(catalog: Catalog, settings, source_id: int) -> int:
    """Delete a source from the catalog and its listings from the index at once; returns how many."""
    with catalog.session() as session:
        removed = store.delete_source(session, source_id)
    search = open_search(settings)
    try:
        search.delete_source(source_id)
    finally:
        search.close()
    refresh_clusters(catalog, settings)  # what was also on the deleted source is alone again
    return len(removed)
