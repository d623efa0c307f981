"""Backups of the catalog, and restoring one into the live catalog.

The catalog is the one thing worth backing up: the search index is derived from it and rebuilt by
``sharehub reindex``. A backup is taken while the web app and a crawl keep writing:

- SQLite: the online backup API copies the database in one step, a snapshot read under one read
  transaction; in WAL mode writers carry on meanwhile. The copy is one self-contained file (journal
  mode DELETE, no -wal beside it).
- PostgreSQL: ``pg_dump --format=custom --no-owner``, itself one snapshot.

A backup is written beside PATH and renamed onto it when complete, so that a failed backup never
leaves half a file at PATH nor replaces the last good one. A restore first checks that PATH is a
catalog backup this release can read, and changes nothing when it is not; it then replaces the live
catalog's content and brings the schema to the newest migration.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import URL, make_url

from indexer.catalog.db import MIGRATIONS, Catalog
from indexer.writelock import WriteLock

# Debian's and Ubuntu's postgresql packages put one folder per major version here.
POSTGRES_BIN_DIRS = "/usr/lib/postgresql/*/bin"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_PGDUMP_MAGIC = b"PGDMP"
# A line of `pg_restore --list`: "215; 0 16390 TABLE DATA public alembic_version postgres".
_TOC_TABLE_DATA = re.compile(r"^\d+;\s+\d+\s+\d+\s+TABLE DATA (\S+) alembic_version\b", re.MULTILINE)
_STDERR_LINES = 20


class BackupError(Exception):
    """A backup or restore could not be made; the message says why (prefixed "backup: ")."""


@dataclass(frozen=True)
class BackupInfo:
    """A catalog backup file: its database kind, size and the schema revision it holds."""

    path: Path
    dialect: str          # "sqlite" or "postgresql"
    size_bytes: int
    revision: str


@dataclass(frozen=True)
class RestoreInfo:
    path: Path
    backup_revision: str  # the schema revision of the backup
    revision: str         # the live catalog's revision after the upgrade


def backup(catalog_url: str, path: str | os.PathLike) -> BackupInfo:
    """Copy the catalog at `catalog_url` to `path` (replaced if it exists) without stopping writers."""
    path = Path(path).expanduser().resolve()
    dialect = catalog_dialect(catalog_url)
    if path.is_dir():
        raise BackupError(f"backup: {path} is a folder; give the backup file's path")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"backup: unable to create the folder {path.parent}: {exc.strerror}") from None
    if dialect == "sqlite":
        revision = _backup_sqlite(_sqlite_file(catalog_url), path)
    else:
        revision = _backup_postgres(catalog_url, path)
    return BackupInfo(path, dialect, path.stat().st_size, revision)


def read_backup(catalog_url: str, path: str | os.PathLike) -> BackupInfo:
    """Check that `path` is a backup of a catalog that can be restored into `catalog_url`.

    Raises BackupError ("… is not a Sharing Hub catalog backup") when it is not; reads only.
    """
    path = Path(path).expanduser().resolve()
    dialect = catalog_dialect(catalog_url)
    if not path.is_file():
        raise BackupError(f"backup: {path} is not a Sharing Hub catalog backup (no such file)")
    if dialect == "sqlite":
        if path == _sqlite_file(catalog_url):
            raise BackupError(f"backup: {path} is the live catalog itself, not a backup of it")
        revision = _sqlite_backup_revision(path)
    else:
        revision = _postgres_backup_revision(path)
    if revision not in _known_revisions():
        raise BackupError(f"backup: {path} holds a catalog at schema revision {revision!r}, which this"
                          " release of Sharing Hub does not know (it was made by a newer one); restore it"
                          " with that release")
    return BackupInfo(path, dialect, path.stat().st_size, revision)


def restore(catalog_url: str, path: str | os.PathLike) -> RestoreInfo:
    """Replace the live catalog's content with the backup at `path`, then upgrade its schema.

    Nothing is changed when `path` is not a catalog backup. The web app and the worker should be
    stopped first: they would otherwise keep writing into the catalog being replaced.
    """
    info = read_backup(catalog_url, path)
    if info.dialect == "sqlite":
        _restore_sqlite(info.path, _sqlite_file(catalog_url))
    else:
        _restore_postgres(catalog_url, info)
    catalog = Catalog(catalog_url)
    try:
        catalog.upgrade()
        revision = catalog.current_revision()
    except Exception as exc:
        raise BackupError(f"backup: restored {info.path}, but unable to upgrade its schema: {exc}") from exc
    finally:
        catalog.dispose()
    return RestoreInfo(info.path, info.revision, revision)


def catalog_dialect(catalog_url: str) -> str:
    try:
        backend = make_url(catalog_url).get_backend_name()
    except Exception:
        raise BackupError("backup: the catalog URL cannot be read (SHAREHUB_DATABASE_URL)") from None
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backup: catalogs on {backend} cannot be backed up (SQLite or PostgreSQL only)")
    return backend


def describe(catalog_url: str) -> str:
    """The catalog's URL as it may be shown: the password hidden."""
    return make_url(catalog_url).render_as_string(hide_password=True)


# -- SQLite ---------------------------------------------------------------------------------
def _sqlite_file(catalog_url: str) -> Path:
    database = make_url(catalog_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"backup: the catalog {catalog_url!r} is not an SQLite file")
    return Path(database).expanduser().resolve()


def _backup_sqlite(live: Path, path: Path) -> str:
    if path == live or path.name in (f"{live.name}-wal", f"{live.name}-shm"):
        raise BackupError(f"backup: {path} is the live catalog itself; choose another path for the backup")
    if not live.is_file():
        raise BackupError(f"backup: there is no catalog at {live}")
    source = _open_sqlite(live, read_only=True, what="the catalog")
    try:
        revision = _revision_of(source)
        if revision is None:
            raise BackupError(f"backup: {live} holds no Sharing Hub catalog (no alembic_version)")
        with _partial_file(path) as partial:
            copy = sqlite3.connect(partial)
            try:
                # pages=-1: the whole database in one step, under one read transaction, so the copy
                # is one snapshot; stepwise copying would restart whenever a crawl commits.
                source.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.Error as exc:
                raise BackupError(f"backup: unable to copy {live} to {path}: {exc}") from None
            finally:
                copy.close()
    finally:
        source.close()
    return revision


def _sqlite_backup_revision(path: Path) -> str:
    not_a_backup = f"backup: {path} is not a Sharing Hub catalog backup"
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head.startswith(_PGDUMP_MAGIC):
        raise BackupError(f"{not_a_backup} (it is a PostgreSQL dump; this catalog is an SQLite file)")
    if head != _SQLITE_MAGIC:
        raise BackupError(f"{not_a_backup} (not an SQLite database)")
    missing = _sqlite_bytes_missing(path)
    if missing:
        raise BackupError(f"{not_a_backup} (cut short: {missing} bytes missing at its end)")
    connection = _open_sqlite(path, read_only=True, what=str(path))
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if problems != ["ok"]:
            raise BackupError(f"{not_a_backup} (damaged: {'; '.join(problems[:3])})")
        revision = _revision_of(connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{not_a_backup} ({exc})") from None
    finally:
        connection.close()
    if revision is None:
        raise BackupError(f"{not_a_backup} (it has no alembic_version table)")
    return revision


def _sqlite_bytes_missing(path: Path) -> int:
    """How many bytes short of its own header's size the file is (0 when whole).

    SQLite reads a page cut short as if the rest were zeros, so quick_check may pass a file that
    lost its end; the header says how large the database was.
    """
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100:
        return 100 - len(header)
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter, pages, valid_for = (int.from_bytes(header[at:at + 4], "big") for at in (24, 28, 92))
    size = path.stat().st_size
    # The header's page count is only kept by SQLite 3.7.0 and later (valid_for says so); the
    # file may be larger than it (pages not yet given back), never smaller.
    expected = pages * page_size if pages and valid_for == change_counter else -(-size // page_size) * page_size
    return max(0, expected - size)


def _restore_sqlite(backup_path: Path, live: Path) -> None:
    live.parent.mkdir(parents=True, exist_ok=True)
    source = _open_sqlite(backup_path, read_only=True, what=str(backup_path))
    # The catalog's own write lock: a crawl or the web app of this host waits its turn rather than
    # failing on "database is locked" while the copy holds SQLite's.
    lock = WriteLock(live)
    try:
        with lock.held():
            target = sqlite3.connect(live, timeout=30)
            try:
                # One transaction on the live file: an error midway leaves it as it was.
                source.backup(target, pages=-1)
            except sqlite3.Error as exc:
                raise BackupError(f"backup: unable to copy {backup_path} into the catalog {live}: {exc}") from None
            finally:
                target.close()
    finally:
        lock.close()
        source.close()


def _open_sqlite(path: Path, *, read_only: bool, what: str) -> sqlite3.Connection:
    try:
        uri = path.as_uri() + ("?mode=ro" if read_only else "")
        return sqlite3.connect(uri, uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupError(f"backup: unable to open {what}: {exc}") from None


def _revision_of(connection: sqlite3.Connection) -> str | None:
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone()
    if not has_table:
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


# -- PostgreSQL -----------------------------------------------------------------------------
def libpq_url(catalog_url: str) -> tuple[str, str | None]:
    """The catalog's SQLAlchemy URL (postgresql+psycopg://…) as a libpq URL without its password,
    and the password, which the tools get through PGPASSWORD: a command line is visible to every
    user of the host."""
    url = make_url(catalog_url)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                       database=url.database, query=url.query)
    return plain.render_as_string(hide_password=False), url.password


def pg_tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest under POSTGRES_BIN_DIRS."""
    found = shutil.which(name)
    if found:
        return found

    def version(folder: str) -> tuple[int, ...]:
        number = Path(folder).parent.name
        return tuple(int(part) for part in number.split(".")) if re.fullmatch(r"\d+(\.\d+)*", number) else ()

    for folder in sorted(glob.glob(POSTGRES_BIN_DIRS), key=version, reverse=True):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(f"backup: {name} not found on PATH nor in {POSTGRES_BIN_DIRS}; install the PostgreSQL"
                      " client tools (Debian: apt-get install postgresql-client), of the server's major"
                      " version or newer")


def _run_pg_tool(name: str, args: list[str], password: str | None, doing: str) -> str:
    tool = pg_tool(name)
    env = dict(os.environ)  # the child needs PATH, locale and any PG* the operator set
    if password is not None:
        env["PGPASSWORD"] = password
    try:
        proc = subprocess.run([tool, *args], env=env, capture_output=True, text=True, errors="replace")
    except OSError as exc:
        raise BackupError(f"backup: unable to run {tool}: {exc.strerror}") from None
    if proc.returncode != 0:
        stderr = "\n".join(proc.stderr.strip().splitlines()[-_STDERR_LINES:]) or "(no message)"
        raise BackupError(f"backup: {name} failed to {doing} (exit {proc.returncode}):\n{stderr}")
    return proc.stdout


def _backup_postgres(catalog_url: str, path: Path) -> str:
    revision = _live_revision(catalog_url)
    if revision is None:
        raise BackupError(f"backup: {describe(catalog_url)} holds no Sharing Hub catalog (no alembic_version)")
    url, password = libpq_url(catalog_url)
    with _partial_file(path) as partial:
        _run_pg_tool("pg_dump", ["--format=custom", "--no-owner", f"--file={partial}", f"--dbname={url}"],
                     password, f"dump the catalog to {path}")
    return revision


def _postgres_backup_revision(path: Path) -> str:
    not_a_backup = f"backup: {path} is not a Sharing Hub catalog backup"
    with open(path, "rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head == _SQLITE_MAGIC:
        raise BackupError(f"{not_a_backup} (it is an SQLite database; this catalog is on PostgreSQL)")
    if not head.startswith(_PGDUMP_MAGIC):
        raise BackupError(f"{not_a_backup} (not a pg_dump archive in the custom format)")
    pg_tool("pg_restore")  # a missing tool is said as such, not as a file that cannot be read
    try:
        toc = _run_pg_tool("pg_restore", ["--list", str(path)], None, f"read {path}")
        found = _TOC_TABLE_DATA.search(toc)
        if not found:
            raise BackupError(f"{not_a_backup} (it has no alembic_version table)")
        # The table of contents reads even when the data after it is cut short or damaged: read
        # every block now, before anything (a downgrade, pg_restore --clean) touches the catalog.
        _run_pg_tool("pg_restore", [f"--file={os.devnull}", str(path)], None, f"read {path}")
        data = _run_pg_tool("pg_restore", ["--data-only", f"--schema={found.group(1)}",
                                           "--table=alembic_version", "--file=-", str(path)],
                            None, f"read {path}")
    except BackupError as exc:
        if str(exc).startswith(not_a_backup):
            raise
        raise BackupError(f"{not_a_backup} ({str(exc).removeprefix('backup: ')})") from None
    rows = _copy_rows(data)
    if len(rows) != 1:
        raise BackupError(f"{not_a_backup} (its alembic_version holds {len(rows)} rows)")
    return rows[0]


def _copy_rows(sql: str) -> list[str]:
    """The rows of the one COPY … FROM stdin block in a pg_restore SQL script."""
    rows, inside = [], False
    for line in sql.splitlines():
        if inside:
            if line == "\\.":
                break
            rows.append(line)
        elif line.startswith("COPY ") and line.endswith("FROM stdin;"):
            inside = True
    return rows


def _restore_postgres(catalog_url: str, info: BackupInfo) -> None:
    _downgrade_to(catalog_url, info.revision)
    url, password = libpq_url(catalog_url)
    # --single-transaction: a damaged archive or a failing statement leaves the catalog as it was.
    _run_pg_tool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                f"--dbname={url}", str(info.path)],
                 password, f"restore {info.path} into {describe(catalog_url)}")


def _downgrade_to(catalog_url: str, revision: str) -> None:
    """Take a live catalog that is newer than the backup back to the backup's revision.

    pg_restore --clean drops and recreates only what the backup holds; tables a later migration
    added would stay, and their foreign keys would stop it dropping the older tables (and the next
    upgrade would find them already there). The migrations' own downgrades remove them.
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    live = _live_revision(catalog_url)
    if live is None or live == revision:
        return
    script = ScriptDirectory.from_config(_alembic_config())
    try:
        older = {r.revision for r in script.iterate_revisions(live, "base")}
    except Exception:
        return  # a live revision this release does not know: pg_restore says what it cannot do
    if revision not in older:
        return  # the live catalog is older than the backup: the backup's tables replace all of its own
    catalog = Catalog(catalog_url)
    try:
        command.downgrade(catalog.alembic_config(), revision)
    except Exception as exc:
        raise BackupError(f"backup: unable to take the catalog from revision {live} back to the backup's"
                          f" {revision} before restoring: {exc}") from exc
    finally:
        catalog.dispose()


def _live_revision(catalog_url: str) -> str | None:
    catalog = Catalog(catalog_url)
    try:
        return catalog.current_revision()
    except Exception as exc:
        raise BackupError(f"backup: unable to read the catalog at {describe(catalog_url)}: {exc}") from None
    finally:
        catalog.dispose()


# -- shared ---------------------------------------------------------------------------------
def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


@contextmanager
def _partial_file(path: Path) -> Iterator[str]:
    """A temporary file beside `path`, renamed onto it when the block succeeds, removed otherwise."""
    # mkstemp makes it readable by its owner only, as the catalog itself should be.
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    try:
        yield partial
    except BaseException:
        for leftover in (partial, f"{partial}-journal", f"{partial}-wal", f"{partial}-shm"):
            try:
                os.unlink(leftover)
            except FileNotFoundError:
                pass
        raise
    os.replace(partial, path)
