"""Catalog connections and schema upgrades.

SQLite (the default) runs in WAL mode with foreign keys on, so the web app reads while a crawl
writes; PostgreSQL works by URL with the same code. The schema is always brought to the newest
Alembic revision: ``sharehub db upgrade`` does it, and so does every start.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from indexer.writelock import WriteLock

MIGRATIONS = Path(__file__).with_name("migrations")
_UPGRADING = threading.Lock()


class Catalog:
    """One catalog database: an engine, a session factory and its schema upgrade."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        database = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self.write_lock = WriteLock(database) if database and database != ":memory:" else None

    @classmethod
    def from_settings(cls, settings, upgrade: bool = True) -> "Catalog":
        if not settings.database_url:
            settings.data_path.mkdir(parents=True, exist_ok=True)
        catalog = cls(settings.effective_database_url)
        if upgrade:
            catalog.upgrade()
        return catalog

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """A unit of work: commits on success, rolls back on error.

        `write=True` takes SQLite's write lock at the start (BEGIN IMMEDIATE): a transaction that
        reads first and writes later would otherwise fail at once with "database is locked" when
        another process wrote in between, instead of waiting its turn.
        """
        with self._writing(write), self.sessions() as session:
            try:
                if write and self.engine.dialect.name == "sqlite":
                    session.connection(execution_options={"sqlite_begin": "BEGIN IMMEDIATE"})
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def _writing(self, write: bool):
        return self.write_lock.held() if write and self.write_lock else nullcontext()

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command

        with _UPGRADING:  # Alembic's environment is a module global: one upgrade at a time per process
            command.upgrade(self.alembic_config(), revision)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def alembic_config(self):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["engine"] = self.engine
        return config

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_lock:
            self.write_lock.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_on_connect(dbapi_conn, _record) -> None:
    # The driver's own BEGIN cannot be IMMEDIATE; SQLAlchemy emits ours (_sqlite_on_begin).
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))
