"""Engines and schema: SQLite by default, Postgres by URL; the schema comes from Alembic."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///dvcrawl.sqlite3"
# SQLite's page cache per connection, at most (the default is 2 MiB); memory is taken only as
# pages are read. A URL, a site id and a content hash land on random pages of their unique
# indexes: at a million articles those indexes hold about 500 MB, and with 64 MiB nearly
# every insert read them back from the operating system, or from disk once its cache had
# let them go. Searches in a long-lived process (the Python API, datasette) keep the index
# and rows they have read.
SQLITE_CACHE_KIB = 1024 * 1024
# A crawl's writer on SQLite: how long one statement waits for a lock another process holds
# (the writer waits out a longer one itself, and gives up after DVCRAWL_DATABASE_WAIT).
SQLITE_WRITER_BUSY_MS = 1000
# SQLite: connections that read rows for a search side by side (see ``reader_engine``).
SQLITE_READERS = 8


class DatabaseError(RuntimeError):
    """The database cannot be used: bad URL, unreachable server, or a schema to upgrade."""


def normalize_url(url: str) -> str:
    """Accept a bare file path for SQLite and ``postgresql://`` for psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@functools.cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process; SQLite gets WAL, foreign keys and a busy timeout."""
    return _engine(url, SQLITE_CACHE_KIB)


@functools.cache
def writer_engine(url: str, cache_mib: int) -> Engine:
    """The engine a crawl writes through. On SQLite, its connections keep a page cache of
    ``cache_mib`` (a crawl reads the few index pages a lookup or an insert touches, and
    the operating system's cache keeps the file) and give up on a lock held by another
    process after ``SQLITE_WRITER_BUSY_MS``, for the writer to wait it out pause by pause;
    on Postgres it is ``get_engine``'s."""
    engine = get_engine(url)
    if engine.dialect.name != "sqlite":
        return engine
    return _engine(url, cache_mib * 1024, busy_ms=SQLITE_WRITER_BUSY_MS)


def _engine(url: str, cache_kib: int, busy_ms: int | None = None) -> Engine:
    url = normalize_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseError(f"cannot open database {url}: folder {folder} does not exist")
        engine = _sqlite_engine(url)
        pragmas = functools.partial(_sqlite_pragmas, cache_kib=cache_kib, busy_ms=busy_ms)
        event.listen(engine, "connect", pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ImportError, ArgumentError) as exc:
        raise DatabaseError(f"cannot use database {url}: {exc}") from exc


def reader_engine(engine: Engine) -> Engine | None:
    """For a SQLite file, an engine of ``SQLITE_READERS`` read-only connections to it, so
    that a search can read scattered rows side by side: a row not in memory costs a few
    page reads, one after the other, and a disk serves several reads at once (2,000 random
    page reads took 172 ms one at a time and 47 ms eight at a time on the benchmark
    machine). None for Postgres and for in-memory databases, which other connections cannot
    see. Each keeps SQLite's default page cache: the operating system's holds the file.
    """
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    key = url.render_as_string(hide_password=False)
    if key not in _READER_ENGINES:
        readers = _sqlite_engine(key, pool_size=SQLITE_READERS, max_overflow=0)
        event.listen(readers, "connect", _read_only)
        _READER_ENGINES[key] = readers
    return _READER_ENGINES[key]


_READER_ENGINES: dict[str, Engine] = {}


class _IndexHintingCompiler(SQLiteCompiler):
    """SQLite's compiler, rendering a table's hint after the table's name, where SQLite
    takes ``INDEXED BY``: SQLAlchemy's own SQLite compiler leaves such hints out."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def _sqlite_engine(url: str, **options: Any) -> Engine:
    """An engine on a SQLite database that honours ``Select.with_hint(table,
    "INDEXED BY name", "sqlite")``; only dvcrawl's own engines compile this way."""
    engine = create_engine(url, connect_args={"timeout": 30}, **options)
    engine.dialect.statement_compiler = _IndexHintingCompiler
    return engine


def close_readers(engine: Engine) -> None:
    """Close the connections ``reader_engine`` opened on ``engine``'s database, if any."""
    readers = _READER_ENGINES.get(engine.url.render_as_string(hide_password=False))
    if readers is not None:
        readers.dispose()


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def _sqlite_pragmas(
    dbapi_connection: Any, _record: Any, *, cache_kib: int, busy_ms: int | None
) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{cache_kib}")
    if busy_ms is not None:
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    # Checkpoint after about 40 MiB of WAL, not the default 4 MiB: a batch of articles
    # writes several MiB, and each checkpoint copies pages back and syncs the file (5-7 %
    # faster bulk inserts); readers are unaffected.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    location = resources.files("dvcrawl.storage") / "migrations"
    config.set_main_option("script_location", str(location))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def prepare(url: str, engine: Engine | None = None) -> Engine:
    """An engine on a usable database (``engine``, or the URL's ``get_engine``): a new,
    empty one gets the schema created.

    A database written by an older dvcrawl is not changed behind the archivist's back:
    it raises, asking for ``dvcrawl db upgrade``.
    """
    engine = engine or get_engine(url)
    try:
        current = current_revision(engine)
        if current is None:
            if inspect(engine).get_table_names():
                raise DatabaseError(
                    f"{engine.url.render_as_string(hide_password=True)} holds tables but no "
                    "dvcrawl schema version; refusing to touch it"
                )
            upgrade(engine)
        elif current != head_revision(engine):
            raise DatabaseError(
                f"the database is at schema {current}, this dvcrawl needs "
                f"{head_revision(engine)}: back it up, then run `dvcrawl db upgrade`"
            )
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseError(
            f"cannot open database {engine.url.render_as_string(hide_password=True)}: {reason}"
        ) from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"database error: {exc}") from exc
    return engine
