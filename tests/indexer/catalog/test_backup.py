"""Backups of the catalog and restoring them: real SQLite files, a real PostgreSQL, pg_dump and
pg_restore, and the `sharehub` command as a process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from indexer.catalog import Catalog, store
from indexer.catalog.backup import BackupError, backup, libpq_url, pg_tool, read_backup, restore
from indexer.catalog.db import MIGRATIONS
from indexer.listing import Listing, Price
from tests.postgres import postgres_database

REPO = Path(__file__).resolve().parents[3]
NOT_A_BACKUP = "is not a Sharing Hub catalog backup"
SOURCES_PER_COMMIT = 5


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


HEAD = _head()


def _fill(catalog: Catalog, platform_name: str, listings: int = 3) -> int:
    """A platform with one source whose crawl listed `listings` items; returns the source id."""
    with catalog.session(write=True) as session:
        platform = store.get_or_create_platform(session, platform_name, name_ko=f"{platform_name} 한국어")
        source = store.add_source(session, platform, f"https://{platform_name}.example/feed", "feed", 60)
        run = store.start_run(session, source.id)
        items = [Listing(source.id, f"item-{n}", f"https://{platform_name}.example/items/{n}", f"전동드릴 {n}",
                         summary="충전식, 1일 3,000원", category="tools", district="11440",
                         price=Price(3000, "KRW", "day", 1, False)) for n in range(listings)]
        store.apply_items(session, run, [store.ItemReport(i.item_key, i.title, i) for i in items])
        store.finish_run(session, run, "ok")
        return source.id


def _rows(url: str) -> dict[str, list[tuple]]:
    """Every row of the tables a restore must give back, read through a connection of its own."""
    catalog = Catalog(url)
    try:
        with catalog.engine.connect() as conn:
            return {table: [tuple(row) for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))]
                    for table, key in (("platforms", "id"), ("sources", "id"), ("listings", "id"),
                                       ("crawl_runs", "id"))}
    finally:
        catalog.dispose()


def _revision(url: str) -> str | None:
    catalog = Catalog(url)
    try:
        return catalog.current_revision()
    finally:
        catalog.dispose()


def _change(catalog: Catalog, source_id: int) -> None:
    """Rows added, changed and deleted after the backup."""
    _fill(catalog, "later", listings=2)
    with catalog.session(write=True) as session:
        run = store.start_run(session, source_id)
        changed = Listing(source_id, "item-0", "https://first.example/items/0", "전동드릴 (가격 인하)",
                          price=Price(1000, "KRW", "day", 1, False))
        store.apply_items(session, run, [store.ItemReport("item-0", changed.title, changed)])
        store.finish_run(session, run, "ok")
        store.delete_source(session, _fill_source(session, "doomed"))


def _fill_source(session, name: str) -> int:
    platform = store.get_or_create_platform(session, name)
    return store.add_source(session, platform, f"https://{name}.example/feed", "feed", 60).id


# -- backup, change, restore: the rows come back --------------------------------------------
def test_restore_gives_back_exactly_the_backed_up_rows(catalog, tmp_path):
    source_id = _fill(catalog, "first")
    _fill(catalog, "second", listings=5)
    before = _rows(catalog.url)

    info = backup(catalog.url, tmp_path / "backups" / "catalog.backup")
    assert info.path.is_file() and info.size_bytes == info.path.stat().st_size > 0
    assert info.revision == HEAD and info.dialect == catalog.engine.dialect.name
    assert oct(info.path.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in info.path.parent.iterdir() if p != info.path]  # no partial file left

    _change(catalog, source_id)
    changed = _rows(catalog.url)
    assert changed != before and len(changed["platforms"]) == len(before["platforms"]) + 2

    restored = restore(catalog.url, info.path)
    assert (restored.backup_revision, restored.revision) == (HEAD, HEAD)
    assert _rows(catalog.url) == before
    # The restored catalog is a working one: new rows get fresh ids (sequences came back too).
    _fill(catalog, "after-restore")
    assert len(_rows(catalog.url)["platforms"]) == len(before["platforms"]) + 1


def test_a_second_backup_replaces_the_first(catalog, tmp_path):
    path = tmp_path / "catalog.backup"
    _fill(catalog, "first")
    backup(catalog.url, path)
    _fill(catalog, "second")
    expected = _rows(catalog.url)
    backup(catalog.url, path)
    _fill(catalog, "third")
    restore(catalog.url, path)
    assert _rows(catalog.url) == expected


def test_an_older_backup_restores_onto_a_newer_catalog_and_is_upgraded(catalog, tmp_path):
    # A release upgraded the catalog and went wrong: last night's backup, of the older schema, goes back.
    command.downgrade(catalog.alembic_config(), "0005")
    with catalog.engine.begin() as conn:
        conn.execute(text("INSERT INTO platforms (name, created_at) VALUES ('old', CURRENT_TIMESTAMP)"))
    info = backup(catalog.url, tmp_path / "old.backup")
    assert info.revision == "0005"
    catalog.upgrade()
    _fill(catalog, "new")
    with catalog.session(write=True) as session:
        session.execute(text("INSERT INTO alerts (rule, source_id, opened_at, message, silenced)"
                             " SELECT 'failing', id, CURRENT_TIMESTAMP, 'down', false FROM sources"))

    restored = restore(catalog.url, info.path)
    assert (restored.backup_revision, restored.revision) == ("0005", HEAD)
    assert _revision(catalog.url) == HEAD
    rows = _rows(catalog.url)
    assert [row[1] for row in rows["platforms"]] == ["old"] and rows["sources"] == rows["listings"] == []
    with catalog.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alerts")).scalar() == 0


# -- what is not a catalog backup is refused, and nothing changes ----------------------------
def _text_file(tmp_path, url) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("not a backup\n")
    return path


def _other_sqlite_database(tmp_path, url) -> Path:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE platforms (id INTEGER PRIMARY KEY, name TEXT)")
    return path


def _cut_short(tmp_path, url) -> Path:
    good = backup(url, tmp_path / "good.backup").path
    data = good.read_bytes()
    path = tmp_path / "cut.backup"
    path.write_bytes(data[:len(data) * 9 // 10])
    return path


def _last_bytes_cut(tmp_path, url) -> Path:
    # A pg_dump archive so cut still has its table of contents and its first tables' data (the
    # schema revision among them): only reading every block finds the damage.
    good = backup(url, tmp_path / "good.backup").path
    path = tmp_path / "cut.backup"
    path.write_bytes(good.read_bytes()[:-64])
    return path


def _overwritten_middle(tmp_path, url) -> Path:
    good = backup(url, tmp_path / "good.backup").path
    data = bytearray(good.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\xa5" * 4096
    path = tmp_path / "damaged.backup"
    path.write_bytes(bytes(data))
    return path


@contextmanager
def _another_catalog(dialect: str, tmp_path: Path) -> Iterator[str]:
    """A second catalog, at the newest revision, of the given kind."""
    with nullcontext(f"sqlite:///{tmp_path / 'other-catalog.sqlite3'}") if dialect == "sqlite" \
            else postgres_database() as url:
        c = Catalog(url)
        c.upgrade()
        c.dispose()
        yield url


def _the_other_kind(tmp_path, url) -> Path:
    """A real backup, of the other kind of catalog."""
    with _another_catalog("postgresql" if url.startswith("sqlite") else "sqlite", tmp_path) as other:
        return backup(other, tmp_path / "other-kind.backup").path


def _missing(tmp_path, url) -> Path:
    return tmp_path / "no-such.backup"


@pytest.mark.parametrize("make_bad_file", [_text_file, _other_sqlite_database, _cut_short, _last_bytes_cut,
                                           _overwritten_middle,
                                           _the_other_kind, _missing])
def test_restoring_what_is_not_a_catalog_backup_is_refused_and_changes_nothing(catalog, tmp_path, make_bad_file):
    _fill(catalog, "first")
    bad = make_bad_file(tmp_path, catalog.url)
    before = _rows(catalog.url)

    with pytest.raises(BackupError) as refused:
        restore(catalog.url, bad)
    assert str(refused.value).startswith(f"backup: {bad.resolve()} {NOT_A_BACKUP}")
    assert _rows(catalog.url) == before and _revision(catalog.url) == HEAD


def test_restoring_a_backup_made_by_a_newer_release_is_refused(catalog, tmp_path):
    with _another_catalog(catalog.engine.dialect.name, tmp_path) as newer:
        c = Catalog(newer)
        with c.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        c.dispose()
        info = backup(newer, tmp_path / "newer.backup")
    assert info.revision == "9999"
    _fill(catalog, "first")
    before = _rows(catalog.url)
    with pytest.raises(BackupError, match=r"revision '9999'.*newer one"):
        restore(catalog.url, info.path)
    assert _rows(catalog.url) == before and _revision(catalog.url) == HEAD


def test_the_live_catalog_file_is_neither_a_backup_target_nor_a_source(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.sqlite3'}"
    c = Catalog(url)
    c.upgrade()
    c.dispose()
    with pytest.raises(BackupError, match="live catalog itself"):
        backup(url, tmp_path / "catalog.sqlite3")
    with pytest.raises(BackupError, match="live catalog itself"):
        restore(url, tmp_path / "catalog.sqlite3")
    assert _revision(url) == HEAD


def test_a_catalog_that_does_not_exist_is_not_backed_up(tmp_path):
    with pytest.raises(BackupError, match="no catalog at"):
        backup(f"sqlite:///{tmp_path / 'catalog.sqlite3'}", tmp_path / "catalog.backup")
    assert not (tmp_path / "catalog.backup").exists() and not (tmp_path / "catalog.sqlite3").exists()


# -- SQLite: online, while another process writes --------------------------------------------
WRITER = f"""
import sys
from pathlib import Path
from indexer.catalog import Catalog, store

catalog, stop = Catalog(sys.argv[1]), Path(sys.argv[2])
n = 0
while not stop.exists():
    with catalog.session(write=True) as session:
        platform = store.get_or_create_platform(session, f"writer-{{n}}")
        for k in range({SOURCES_PER_COMMIT}):
            store.add_source(session, platform, f"https://writer.example/{{n}}/{{k}}", "feed", 60)
    n += 1
catalog.dispose()
"""


def _writer_commits(path: Path) -> int:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT count(*) FROM platforms WHERE name LIKE 'writer-%'").fetchone()[0]
    finally:
        conn.close()


def test_sqlite_backup_while_another_process_writes_is_a_consistent_snapshot(tmp_path):
    live = tmp_path / "catalog.sqlite3"
    url = f"sqlite:///{live}"
    catalog = Catalog(url)
    catalog.upgrade()
    _fill(catalog, "bulk", listings=2000)  # enough pages that a copy takes a while
    catalog.dispose()

    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(stop)], cwd=REPO)
    copies = []
    try:
        deadline = time.monotonic() + 60
        while _writer_commits(live) < 20:
            assert writer.poll() is None, "the writer stopped"
            assert time.monotonic() < deadline, "the writer did not get going"
            time.sleep(0.05)
        for n in range(5):
            copies.append(backup(url, tmp_path / f"copy-{n}.sqlite3").path)
        assert writer.poll() is None, "the writer stopped while the backups ran"
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0

    seen = []
    for copy in copies:
        assert list(copy.parent.glob(f"{copy.name}-*")) == []  # one self-contained file, no -wal
        conn = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            assert conn.execute("SELECT count(*) FROM listings").fetchone() == (2000,)
            per_platform = conn.execute(
                "SELECT p.name, count(s.id) FROM platforms p LEFT JOIN sources s ON s.platform_id = p.id"
                " WHERE p.name LIKE 'writer-%' GROUP BY p.id").fetchall()
        finally:
            conn.close()
        # Every writer transaction is in the copy whole or not at all.
        assert per_platform and all(count == SOURCES_PER_COMMIT for _name, count in per_platform)
        numbers = sorted(int(name.removeprefix("writer-")) for name, _count in per_platform)
        assert numbers == list(range(len(numbers)))  # and no later one without the earlier ones
        seen.append(len(numbers))
    # The writer was not held up: it kept committing while the copies were made.
    assert seen == sorted(seen) and seen[-1] > seen[0]
    assert _writer_commits(live) > seen[-1]


# -- PostgreSQL: the URL the tools get, and the tools themselves ------------------------------
def test_the_password_reaches_the_tools_through_the_environment_not_the_command_line():
    url, password = libpq_url("postgresql+psycopg://hub%40seoul:s3cr%3At%40@db.internal:5433/sharehub"
                              "?sslmode=verify-full")
    assert url == "postgresql://hub%40seoul@db.internal:5433/sharehub?sslmode=verify-full"
    assert password == "s3cr:t@"
    assert libpq_url("postgresql+psycopg://postgres@127.0.0.1/hub") == ("postgresql://postgres@127.0.0.1/hub", None)


def test_a_missing_tool_is_named():
    assert Path(pg_tool("pg_dump")).name == "pg_dump"
    with pytest.raises(BackupError, match=r"^backup: pg_no_such_tool not found on PATH nor in /usr/lib/postgresql"):
        pg_tool("pg_no_such_tool")


def test_a_failing_pg_dump_is_reported_with_its_stderr(tmp_path):
    with postgres_database() as url:
        catalog = Catalog(url)
        catalog.upgrade()
        catalog.dispose()
        # A table the catalog's user may not read makes pg_dump fail after the catalog was found.
        role = f"hub_{os.getpid()}"
        admin = Catalog(url)
        with admin.engine.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
            conn.execute(text(f"GRANT SELECT ON alembic_version TO {role}"))
        admin.dispose()
        limited = url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://{role}:pw@")
        try:
            with pytest.raises(BackupError) as failed:
                backup(limited, tmp_path / "catalog.backup")
            message = str(failed.value)
            assert message.startswith("backup: pg_dump failed to dump the catalog")
            assert "permission denied" in message and ":pw@" not in message
            assert list(tmp_path.iterdir()) == []
        finally:
            admin = Catalog(url)
            with admin.engine.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
                conn.execute(text(f"DROP ROLE {role}"))
            admin.dispose()


def test_read_backup_reads_without_changing_anything(catalog, tmp_path):
    _fill(catalog, "first")
    info = backup(catalog.url, tmp_path / "catalog.backup")
    data = info.path.read_bytes()
    _fill(catalog, "second")
    before = _rows(catalog.url)
    assert read_backup(catalog.url, info.path).revision == HEAD
    assert info.path.read_bytes() == data and _rows(catalog.url) == before


# -- the command ---------------------------------------------------------------------------
@pytest.fixture(params=["sqlite", "postgresql"])
def sharehub(request, tmp_path):
    """`sharehub` as a process, on a catalog of each kind, in a fresh data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAREHUB_")}
    env.update(SHAREHUB_DATA_DIR=str(tmp_path / "var"), SHAREHUB_ALLOW_PRIVATE_NETWORKS="127.0.0.0/8",
               SHAREHUB_LOG_LEVEL="WARNING")

    def run(*args, input=None):
        return subprocess.run([sys.executable, "-m", "search_ui.cli", *args], env=env, cwd=tmp_path,
                              input=input, capture_output=True, text=True, timeout=120)

    if request.param == "sqlite":
        yield run
        return
    with postgres_database() as url:
        env["SHAREHUB_DATABASE_URL"] = url
        yield run


def _source_urls(run) -> list[str]:
    import json

    proc = run("sources", "list", "--json")
    assert proc.returncode == 0, proc.stderr
    return [source["url"] for source in json.loads(proc.stdout)]


def test_backup_and_restore_commands(sharehub, tmp_path):
    kept, later = "http://127.0.0.1:9/kept.xml", "http://127.0.0.1:9/later.xml"
    assert sharehub("sources", "add", kept, "--no-check").returncode == 0
    backup_path = tmp_path / "nightly" / "catalog.backup"
    made = sharehub("backup", str(backup_path))
    assert made.returncode == 0, made.stderr
    assert f"to {backup_path}" in made.stdout and f"revision {HEAD}" in made.stdout and backup_path.is_file()

    assert sharehub("sources", "add", later, "--no-check").returncode == 0
    declined = sharehub("restore", str(backup_path), input="n\n")
    assert declined.returncode == 1 and "Stop the web app and the worker first" in declined.stdout
    assert _source_urls(sharehub) == [kept, later]

    confirmed = sharehub("restore", str(backup_path), input="y\n")
    assert confirmed.returncode == 0, confirmed.stderr
    assert "`sharehub reindex`" in confirmed.stdout
    assert _source_urls(sharehub) == [kept]

    assert sharehub("sources", "add", later, "--no-check").returncode == 0
    reindexed = sharehub("restore", str(backup_path), "--yes", "--reindex")
    assert reindexed.returncode == 0, reindexed.stderr
    assert "indexed 0 listings" in reindexed.stdout and "Replace" not in reindexed.stdout
    assert _source_urls(sharehub) == [kept]

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"\x00" * 5000)
    refused = sharehub("restore", str(junk), "--yes")
    assert refused.returncode == 1
    assert f"Error: backup: {junk} {NOT_A_BACKUP}" in refused.stderr
    assert _source_urls(sharehub) == [kept]
