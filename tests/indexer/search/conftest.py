"""The search backends under test: the same conformance suite runs on each.

Elasticsearch is a real node (``make es-up``; SHAREHUB_TEST_ES_URL overrides the address). When it
cannot be reached the Elasticsearch tests fail, they are not skipped: a green run must mean both
engines were exercised. SHAREHUB_TEST_SKIP_ES=1 opts out explicitly, for a quick local run.
"""

from __future__ import annotations

import os
import uuid

import pytest

from indexer.search.sqlite_fts import SqliteFtsBackend

ES_URL = os.environ.get("SHAREHUB_TEST_ES_URL", "http://127.0.0.1:9200")
SKIP_ES = os.environ.get("SHAREHUB_TEST_SKIP_ES") == "1"


def _elasticsearch_backend():
    from indexer.search.elasticsearch import ElasticsearchBackend

    alias = f"sharehub-test-{uuid.uuid4().hex[:10]}"
    backend = ElasticsearchBackend(ES_URL, alias)
    return backend, alias


@pytest.fixture(params=["sqlite", "elasticsearch"])
def backend(request, tmp_path):
    if request.param == "sqlite":
        engine = SqliteFtsBackend(tmp_path / "search.sqlite3")
        yield engine
        engine.close()
        return
    if SKIP_ES:
        pytest.skip("SHAREHUB_TEST_SKIP_ES=1")
    engine, alias = _elasticsearch_backend()
    yield engine
    engine.drop()
    engine.close()
