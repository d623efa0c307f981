"""Search on Elasticsearch 9: the same terms as every backend, one versioned index behind an alias.

The text analysis happens in Python (indexer.search.analysis), so that both engines see the same
terms: Elasticsearch only splits `title_terms` and `body_terms` on the spaces we put there, with the
core `whitespace` analyzer (no analysis plugin is needed; Elastic's integ-test build has none). User
text never reaches a query parser: each query group becomes a `term` query (one term) or a
`match_phrase` over the group's bigrams, and nothing else.

Documents live in a concrete index `{alias}-v{INDEX_VERSION}` reached through the alias. When the
mappings change, INDEX_VERSION goes up: the first use creates the new index, moves the alias to it
and deletes the old one, which leaves the search empty until a full reindex.

The API document (the `search_document` shape) is kept, not indexed, under `doc`, and is what a
hit returns; the filter and sort fields beside it are derived from it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers
from elasticsearch.helpers import BulkIndexError

from indexer.search import analysis
from indexer.search.backend import SearchError
from indexer.search.query import SearchQuery, SearchResult, available_until, effective_price, price_band

log = logging.getLogger(__name__)

INDEX_VERSION = 5
TITLE_BOOST = 3.0
BODY_BOOST = 1.0
# Facet buckets: large enough to hold every value (Seoul has 25 districts).
FACET_SIZES = {"category": 100, "district": 50, "platform": 100, "price_band": 10}
# Deepest page served (from + size); deeper pages answer with the total and facets but no hits.
MAX_RESULT_WINDOW = 100_000
BULK_CHUNK = 500
# Counts of clusters are exact below this many (Elasticsearch's highest), approximate above.
CLUSTER_PRECISION = 40_000
# Index names: lowercase, no spaces or \ / * ? " < > | , # :, not starting with - _ +.
_ALIAS = re.compile(r"[a-z0-9][a-z0-9._-]{0,200}")

_DATE = {"type": "date", "ignore_malformed": True}
# Facet fields: their global ordinals are built at refresh, not by the first search after it.
_FACET = {"type": "keyword", "eager_global_ordinals": True}
# `until` and `starts` are always set, so that "not ended" and "started by" are one range each:
# no end = the end of time, no start = its beginning.
NO_END = "9999-12-31T23:59:59Z"
NO_START = "0001-01-01T00:00:00Z"

MAPPINGS: dict[str, Any] = {
    "dynamic": False,
    "_meta": {"sharehub_index_version": INDEX_VERSION},
    "properties": {
        "id": {"type": "keyword"},
        "source_id": {"type": "keyword"},
        "category": _FACET,
        "district": _FACET,
        "dong": {"type": "keyword"},
        "platform": _FACET,
        # The listing's own id, or its cluster's (the same thing on several platforms): one hit each.
        "cluster": {"type": "keyword"},
        "is_free": {"type": "boolean"},
        "price_amount": {"type": "long", "ignore_malformed": True},
        # What it costs for filters, bands and sorting: 0 when free (indexer.search.query.effective_price).
        "price": {"type": "long", "ignore_malformed": True},
        "price_band": _FACET,
        # "yes" on members of a cluster with company on other platforms, absent on the rest: the facets
        # count those per cluster, under a terms aggregation that never visits the others.
        "clustered": {"type": "keyword"},
        "until": _DATE,
        "starts": _DATE,
        "published_at": _DATE,
        "updated_at": _DATE,
        "starts_at": _DATE,
        "ends_at": _DATE,
        "location": {"type": "geo_point", "ignore_malformed": True},
        "title_terms": {"type": "text", "analyzer": "whitespace"},
        "body_terms": {"type": "text", "analyzer": "whitespace"},
        # The API document, returned as is by a hit; stored in _source, never indexed.
        "doc": {"type": "object", "enabled": False},
    },
}

SETTINGS: dict[str, Any] = {
    "index": {
        "number_of_shards": 1,
        # Green on a single node, one replica as soon as there is a second one.
        "auto_expand_replicas": "0-1",
        "max_result_window": MAX_RESULT_WINDOW,
    },
}


class ElasticsearchBackend:
    name = "elasticsearch"

    def __init__(self, url: str, alias: str = "sharehub", *, request_timeout: float = 30.0,
                 cluster_precision: int = CLUSTER_PRECISION):
        if not _ALIAS.fullmatch(alias or ""):
            raise SearchError(f"elasticsearch: invalid index alias {alias!r} (SHAREHUB_SEARCH_INDEX:"
                              " lowercase letters, digits, '.', '_' and '-', not starting with '.', '_' or '-')")
        self.url = url
        self.alias = alias
        self.index_name = f"{alias}-v{INDEX_VERSION}"
        self.cluster_precision = cluster_precision
        self._client = Elasticsearch(url, request_timeout=request_timeout, max_retries=1,
                                     retry_on_timeout=False)
        self._ready = False
        self._lock = threading.Lock()

    # -- errors -----------------------------------------------------------------------------
    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SearchError:
            raise
        except BulkIndexError as exc:
            first = exc.errors[0] if exc.errors else {}
            item = next(iter(first.values()), {}) if first else {}
            reason = (item.get("error") or {}) if isinstance(item, dict) else {}
            raise SearchError(f"elasticsearch: {action}: {len(exc.errors)} document(s) failed"
                              f" (first: {item.get('_id')}: {_reason(reason)})") from exc
        except ApiError as exc:
            if exc.meta.status == 404 and _error_type(exc.body) == "index_not_found_exception":
                self._ready = False  # deleted behind our back: the next call creates it again
            raise SearchError(f"elasticsearch: {action} failed at {self.url}: "
                              f"HTTP {exc.meta.status} {_reason(exc.body)}") from exc
        except TransportError as exc:
            # Connection refused, timeouts, TLS: the node is not there or not answering.
            raise SearchError(f"elasticsearch: cannot reach {self.url} ({action}): "
                              f"{exc.message if hasattr(exc, 'message') else exc}") from exc

    # -- index management -------------------------------------------------------------------
    def _ensure(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            with self._errors("connect"):
                self._client.cluster.health(wait_for_status="yellow", timeout="30s")
            with self._errors("create index"):
                self._ensure_index()
            self._ready = True

    def _ensure_index(self) -> None:
        client = self._client
        behind = self._indices_behind_alias()
        if behind == [self.index_name]:
            return
        if len(behind) == 1 and _index_version(self.alias, behind[0]) == INDEX_VERSION:
            self.index_name = behind[0]  # a rebuild's index, `{alias}-v{N}-{time}`
            return
        if not client.indices.exists(index=self.index_name):
            if client.indices.exists(index=self.alias) and not behind:
                raise SearchError(f"elasticsearch: {self.alias!r} is a concrete index, not an alias;"
                                  f" delete it (or choose another SHAREHUB_SEARCH_INDEX)")
            try:
                client.indices.create(index=self.index_name, settings=SETTINGS, mappings=MAPPINGS,
                                      wait_for_active_shards="1")
            except ApiError as exc:
                # Another process created it first: fine.
                if _error_type(exc.body) != "resource_already_exists_exception":
                    raise
        if not behind:
            client.indices.update_aliases(actions=[
                {"add": {"index": self.index_name, "alias": self.alias, "is_write_index": True}}])
            return
        # The alias points at another version. Only an older one of ours is replaced: a newer one
        # belongs to newer code, and an index we did not name is someone else's.
        versions = {name: _index_version(self.alias, name) for name in behind}
        foreign = [name for name, v in versions.items() if v is None]
        if foreign:
            raise SearchError(f"elasticsearch: alias {self.alias!r} points at {', '.join(foreign)},"
                              " which Sharing Hub did not create; choose another SHAREHUB_SEARCH_INDEX")
        newer = [name for name, v in versions.items() if v is not None and v > INDEX_VERSION]
        if newer:
            raise SearchError(f"elasticsearch: alias {self.alias!r} points at {', '.join(newer)}, made"
                              f" by a newer Sharing Hub (this one writes v{INDEX_VERSION}); upgrade it")
        # An older version: move the alias in one step, then drop what it left.
        log.warning("elasticsearch: moving alias %s from %s to %s (a full reindex is needed)",
                    self.alias, ", ".join(behind), self.index_name)
        actions: list[dict[str, Any]] = [{"remove": {"index": name, "alias": self.alias}} for name in behind]
        actions.append({"add": {"index": self.index_name, "alias": self.alias, "is_write_index": True}})
        client.indices.update_aliases(actions=actions)
        client.options(ignore_status=404).indices.delete(index=",".join(behind))

    def rebuild(self, batches: Iterable[list[dict[str, Any]]]) -> int:
        """Build a new index beside the live one, then move the alias to it in one step: searches
        answer from the old index until the swap, and never see a half-built one."""
        self._ensure()
        client = self._client
        name = f"{self.alias}-v{INDEX_VERSION}-{time.strftime('%Y%m%d%H%M%S')}{int(time.time() * 1000) % 1000:03d}"
        with self._errors("rebuild: create index"):
            # No refreshes while loading: one at the end.
            client.indices.create(index=name, settings={"index": {**SETTINGS["index"], "refresh_interval": "-1"}},
                                  mappings=MAPPINGS, wait_for_active_shards="1")
        total = 0
        try:
            with self._errors("rebuild: index"):
                for batch in batches:
                    actions = [{"_op_type": "index", "_index": name, "_id": doc["id"], "_source": self._source(doc)}
                               for doc in batch]
                    if actions:
                        helpers.bulk(client, actions, chunk_size=BULK_CHUNK, max_retries=2)
                        total += len(actions)
                client.indices.put_settings(index=name, settings={"index": {"refresh_interval": None}})
                client.indices.refresh(index=name)
            with self._errors("rebuild: swap alias"):
                behind = self._indices_behind_alias()
                actions = [{"remove": {"index": old, "alias": self.alias}} for old in behind]
                actions.append({"add": {"index": name, "alias": self.alias, "is_write_index": True}})
                client.indices.update_aliases(actions=actions)
        except BaseException:
            client.options(ignore_status=404).indices.delete(index=name)
            raise
        with self._errors("rebuild: delete the old index"):
            old = [n for n in behind if n != name]
            if old:
                client.options(ignore_status=404).indices.delete(index=",".join(old))
        self.index_name = name
        return total

    def _indices_behind_alias(self) -> list[str]:
        resp = self._client.options(ignore_status=404).indices.get_alias(name=self.alias)
        if resp.meta.status == 404:
            return []
        return sorted(name for name in resp.body if isinstance(resp.body.get(name), dict)
                      and self.alias in (resp.body[name].get("aliases") or {}))

    def drop(self) -> None:
        """Delete our index behind the alias, and the alias with it (tests; not in the protocol)."""
        with self._errors("drop index"):
            names = {name for name in self._indices_behind_alias()
                     if _index_version(self.alias, name) is not None}
            names.add(self.index_name)
            self._client.options(ignore_status=404).indices.delete(
                index=",".join(sorted(names)), ignore_unavailable=True)
        self._ready = False

    def _refresh(self) -> None:
        self._client.indices.refresh(index=self.alias)

    # -- writing ----------------------------------------------------------------------------
    def index(self, documents: Iterable[dict[str, Any]]) -> int:
        actions = [{"_op_type": "index", "_index": self.alias, "_id": doc["id"],
                    "_source": self._source(doc)} for doc in documents]
        if not actions:
            return 0
        self._ensure()
        with self._errors("index"):
            helpers.bulk(self._client, actions, chunk_size=BULK_CHUNK, max_retries=2)
            self._refresh()
        return len(actions)

    @staticmethod
    def _source(doc: dict[str, Any]) -> dict[str, Any]:
        price = doc.get("price") or {}
        is_free = price.get("is_free")
        title_terms, body_terms = analysis.document_terms(doc)
        lat, lon = doc.get("lat"), doc.get("lon")
        source = {
            "id": doc["id"],
            "source_id": None if doc.get("source_id") is None else str(doc["source_id"]),
            "category": doc.get("category"),
            "district": doc.get("district"),
            "dong": doc.get("dong"),
            "platform": doc.get("platform"),
            "cluster": doc.get("cluster") or doc["id"],
            "clustered": "yes" if doc.get("also_on") else None,
            "price": effective_price(price),
            "price_band": price_band(price),
            "until": available_until(doc) or NO_END,
            "starts": doc.get("starts_at") or NO_START,
            "is_free": None if is_free is None else bool(is_free),
            "price_amount": price.get("amount"),
            "published_at": doc.get("published_at"),
            "updated_at": doc.get("updated_at"),
            "starts_at": doc.get("starts_at"),
            "ends_at": doc.get("ends_at"),
            "location": {"lat": lat, "lon": lon} if lat is not None and lon is not None else None,
            "title_terms": title_terms,
            "body_terms": body_terms,
            "doc": doc,
        }
        return source

    def delete(self, ids: Iterable[str]) -> None:
        actions = [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids]
        if not actions:
            return
        self._ensure()
        with self._errors("delete"):
            self._bulk_delete(actions)

    def _bulk_delete(self, actions: Iterable[dict[str, Any]]) -> None:
        # 404: already gone, which is what was asked.
        helpers.bulk(self._client, actions, chunk_size=BULK_CHUNK, ignore_status=(404,), max_retries=2)
        self._refresh()

    def delete_source(self, source_id: int) -> None:
        # This build has no _delete_by_query: find the ids, then delete them in bulk.
        self._ensure()
        with self._errors("delete source"):
            self._delete_matching({"term": {"source_id": str(source_id)}})

    def clear(self) -> None:
        self._ensure()
        with self._errors("clear"):
            self._delete_matching({"match_all": {}})

    def _delete_matching(self, query: dict[str, Any]) -> None:
        ids = list(self._ids_matching(query))
        if ids:
            self._bulk_delete({"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids)

    def _ids_matching(self, query: dict[str, Any]) -> Iterator[str]:
        """Every id matching a query: a point in time walked with search_after."""
        client = self._client
        pit = client.open_point_in_time(index=self.alias, keep_alive="1m")["id"]
        try:
            after = None
            while True:
                extra = {"search_after": after} if after is not None else {}
                resp = client.search(pit={"id": pit, "keep_alive": "1m"}, query=query, size=1000,
                                     sort=[{"_shard_doc": "asc"}], source=False,
                                     track_total_hits=False, **extra)
                pit = resp.get("pit_id", pit)
                hits = resp["hits"]["hits"]
                if not hits:
                    return
                for hit in hits:
                    yield hit["_id"]
                after = hits[-1]["sort"]
        finally:
            client.options(ignore_status=404).close_point_in_time(id=pit)

    def count(self) -> int:
        self._ensure()
        with self._errors("count"):
            return int(self._client.count(index=self.alias)["count"])

    def optimize(self) -> None:
        """Merge away deleted documents' space (housekeeping; searches go on meanwhile)."""
        self._ensure()
        with self._errors("optimize"):
            self._client.indices.forcemerge(index=self.alias, only_expunge_deletes=True)

    def close(self) -> None:
        self._client.close()

    # -- reading ----------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        self._ensure()
        body = self.search_body(query, self.cluster_precision)
        with self._errors("search"):
            resp = self._client.search(index=self.alias, **body)
        hits = [hit["_source"]["doc"] for hit in resp["hits"]["hits"]]
        aggs = resp.get("aggregations") or {}
        clustered_docs = sum(int(b["doc_count"]) for b in (aggs.get("clustered") or {}).get("buckets") or [])
        clustered: dict[str, Any] = {}
        if clustered_docs:
            # Some matches have company on other platforms: a second request counts their clusters
            # and collapses the page to one hit per cluster. Most searches match none, and both
            # cost every search work per match.
            again = self.search_body(query, self.cluster_precision, collapse=True, facets=False, clusters=True)
            with self._errors("search"):
                second = self._client.search(index=self.alias, **again)
            if again["size"]:
                hits = [hit["_source"]["doc"] for hit in second["hits"]["hits"]]
            clustered = next(iter(((second.get("aggregations") or {}).get("clustered") or {}).get("buckets") or []),
                             {})
        documents = int(resp["hits"]["total"]["value"])
        total = _count(documents, clustered)
        facets: dict[str, dict[str, int]] = {}
        for name in FACET_SIZES:
            members = {str(b["key"]): b for b in (clustered.get(name) or {}).get("buckets") or []}
            buckets = (aggs.get(name) or {}).get("buckets") or []
            counts = {str(b["key"]): _count(b["doc_count"], members.get(str(b["key"])) or {}) for b in buckets}
            facets[name] = dict(sorted(((k, n) for k, n in counts.items() if n), key=lambda kv: (-kv[1], kv[0])))
        # A listing whose price does not say whether it is free counts as not free.
        free_docs = sum(int(b["doc_count"]) for b in (aggs.get("free") or {}).get("buckets") or []
                        if b.get("key_as_string") == "true" or b.get("key") is True)
        facets["free"] = {k: n for k, docs in (("true", free_docs), ("false", documents - free_docs))
                          if (n := _count(docs, clustered.get(k) or {}))}
        return SearchResult(total=total, hits=hits, facets=facets,
                            facets_approximate=clustered_docs > self.cluster_precision)

    @staticmethod
    def search_body(query: SearchQuery, cluster_precision: int = CLUSTER_PRECISION, *, collapse: bool = False,
                    facets: bool = True, clusters: bool = False) -> dict[str, Any]:
        """The search request for a query: term and phrase queries over analysed terms only; with
        `collapse`, one hit per cluster; with `facets`, the total, the facet counts and how many
        matches belong to a cluster; with `clusters`, the facet counts of those in clusters."""
        groups = [_group_query(group) for group in analysis.query_groups(query.text)]
        filters: list[dict[str, Any]] = []
        must_not: list[dict[str, Any]] = []
        for field, values in (("category", query.categories), ("district", query.districts),
                              ("dong", query.dongs), ("platform", query.platforms)):
            if values:
                filters.append({"terms": {field: list(values)}})
        if query.free is True:
            filters.append({"term": {"is_free": True}})
        elif query.free is False:
            must_not.append({"term": {"is_free": True}})
        if query.price_min is not None or query.price_max is not None:
            bounds = {k: v for k, v in (("gte", query.price_min), ("lte", query.price_max)) if v is not None}
            filters.append({"range": {"price": bounds}})
        if query.available_from is not None:
            filters.append({"range": {"until": {"gte": query.available_from.isoformat()}}})
        if query.available_to is not None:
            filters.append({"range": {"starts": {"lte": query.available_to.isoformat()}}})
        if query.ended_before is not None:
            filters.append({"range": {"until": {"gte": query.ended_before.isoformat()}}})
        if query.exclude_sources:
            must_not.append({"terms": {"source_id": [str(s) for s in query.exclude_sources]}})
        if query.near is not None:
            lat, lon = query.near
            if query.radius_km is not None:
                filters.append({"geo_distance": {"distance": f"{query.radius_km}km",
                                                 "location": {"lat": lat, "lon": lon}}})
            else:
                filters.append({"exists": {"field": "location"}})
        newest = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": {"order": "asc"}}]
        sort_name = query.effective_sort
        if sort_name == "relevance":
            sort = [{"_score": {"order": "desc"}}] + newest
        elif sort_name == "price":
            sort = [{"price": {"order": "asc", "missing": "_last"}}] + newest
        elif sort_name == "distance":
            lat, lon = query.near
            sort = [{"_geo_distance": {"location": {"lat": lat, "lon": lon}, "order": "asc", "unit": "km",
                                       "distance_type": "arc"}}, {"id": {"order": "asc"}}]
        else:
            sort = newest
        if not groups:
            text_query: dict[str, Any] = {"match_all": {}}
        elif query.match_any:
            text_query = {"bool": {"should": groups, "minimum_should_match": 1}}
        else:
            text_query = {"bool": {"must": groups}}
        offset, size = query.offset, query.per_page
        if offset + size > MAX_RESULT_WINDOW:
            offset, size = 0, 0
        # Facets count documents; a cluster's members (the same thing on several platforms, few) are
        # counted again as clusters under the terms aggregation of their marker, and the difference
        # corrected (see _count), in a second request made only when some match is in a cluster.
        # Terms aggregations throughout: a filter aggregation costs a query per match.
        cardinality = {"clusters": {"cardinality": {"field": "cluster", "precision_threshold": cluster_precision}}}
        # Free or not: "false" is the total less "true", but cluster members need their own count.
        free_filters = {"true": {"filter": {"term": {"is_free": True}}},
                        "false": {"filter": {"bool": {"must_not": [{"term": {"is_free": True}}]}}}}
        terms = {name: {"terms": {"field": name, "size": n}} for name, n in FACET_SIZES.items()}
        body: dict[str, Any] = {
            "query": {"bool": {"must": [text_query], "filter": filters, "must_not": must_not}},
            "sort": sort,
            "from_": offset,
            "size": size,
            "track_total_hits": facets,
            "source_includes": ["doc"],
        }
        if collapse:
            body["collapse"] = {"field": "cluster"}
        aggregations: dict[str, Any] = {}
        if facets:
            aggregations.update(terms)
            aggregations["free"] = {"terms": {"field": "is_free", "size": 2}}
            aggregations["clustered"] = {"terms": {"field": "clustered", "size": 1}}
        if clusters:
            aggregations["clustered"] = {"terms": {"field": "clustered", "size": 1}, "aggregations": {
                **cardinality,
                **{name: {**agg, "aggregations": cardinality} for name, agg in terms.items()},
                **{name: {**agg, "aggregations": cardinality} for name, agg in free_filters.items()},
            }}
        if aggregations:
            body["aggregations"] = aggregations
        return body


def _count(documents: int, members: dict[str, Any]) -> int:
    """Documents, with the members of each cluster counted once (`members`: the clustered
    documents' part of the same bucket, with their doc_count and their count of clusters)."""
    count = int(members.get("doc_count") or 0)
    if not count:
        return documents
    return documents - count + int((members.get("clusters") or {}).get("value", 0))


def _group_query(group: list[str]) -> dict[str, Any]:
    """One query word: its term (or the phrase of its bigrams) in the title or the body."""
    if len(group) == 1:
        def clause(field: str, boost: float) -> dict[str, Any]:
            return {"term": {field: {"value": group[0], "boost": boost}}}
    else:
        phrase = " ".join(group)

        def clause(field: str, boost: float) -> dict[str, Any]:
            return {"match_phrase": {field: {"query": phrase, "analyzer": "whitespace", "boost": boost}}}
    return {"bool": {"should": [clause("title_terms", TITLE_BOOST), clause("body_terms", BODY_BOOST)],
                     "minimum_should_match": 1}}


def _index_version(alias: str, name: str) -> int | None:
    """The version in a concrete index name `{alias}-v{N}`, None for any other name."""
    match = re.fullmatch(re.escape(alias) + r"-v(\d+)(?:-\d+)?", name)
    return int(match.group(1)) if match else None


def _error_type(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("type")
    return None


def _reason(body: Any) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            cause = (err.get("root_cause") or [err])[0]
            if isinstance(cause, dict):
                return f"{cause.get('type', '')}: {cause.get('reason', '')}".strip(": ")
        return str(err)
    return str(body)
