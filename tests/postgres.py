"""A fresh database per test on the local PostgreSQL that `make test` starts (scripts/pg-node.sh).

SHAREHUB_TEST_POSTGRES_URL points elsewhere (a URL of a server where the user may CREATE DATABASE).
When the server cannot be reached the PostgreSQL tests fail rather than skip, unless
SHAREHUB_TEST_SKIP_POSTGRES=1 says so explicitly.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

SERVER_URL = os.environ.get("SHAREHUB_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/postgres")


@contextmanager
def postgres_database():
    if os.environ.get("SHAREHUB_TEST_SKIP_POSTGRES") == "1":
        pytest.skip("SHAREHUB_TEST_SKIP_POSTGRES=1")
    name = f"sharehub_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.fail(f"PostgreSQL at {SERVER_URL} is not reachable (`make test` starts one): {exc}")
    try:
        yield make_url(SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
