"""Engines and schema: SQLite by default, Postgres by URL; the schema comes from Alembic."""

from __future__ import annotations

import contextlib
import functools
import re
import traceback
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
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
    """The database cannot be used: bad URL, unreachable server, or a schema to upgrade.

    Its message never holds a password: URLs are shown with their secrets masked, and a
    driver's own words are cleared of the URL's secrets before they are quoted.
    """


class DatabaseURLError(DatabaseError):
    """The database URL itself cannot be used (its form, port, scheme or driver): nothing
    was opened. The message says what is wrong without repeating the URL's secrets."""


# The backends dvcrawl's schema and search are written for.
BACKENDS = ("sqlite", "postgresql")
# Query parameters whose values are secrets: libpq's password and sslpassword, and the
# tokens, keys and passphrases of other drivers. Masked wherever a URL is shown, and handed
# to the driver apart from the engine's URL, so that the engine's URL holds none of them.
SECRET_PARAMETER = re.compile(r"pass|pwd|secret|token|credential|key", re.IGNORECASE)
# The start of a libpq keyword/value string ("host=db user=dvcrawl password=..."), which
# dvcrawl would otherwise take for the path of a SQLite file.
LIBPQ_KEYWORD = re.compile(
    r"\s*(host|hostaddr|port|dbname|user|password|passfile|service|sslmode)\s*=", re.IGNORECASE
)
# A scheme typed with one slash or none ("postgresql:/db"): not a path either. Two letters
# at least, so that Windows drive letters stay paths.
SCHEME_WITHOUT_SLASHES = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]+):(?!//)", re.IGNORECASE)
# Drivers whose import name is not the name pip installs them by.
PIP_PACKAGES = {"psycopg": "'psycopg[binary]'", "psycopg2": "psycopg2-binary"}
MASK = "***"


def normalize_url(url: str) -> str:
    """Accept a bare file path for SQLite and ``postgresql://`` for psycopg 3; raise
    ``DatabaseURLError`` for a libpq keyword string or a scheme missing its slashes."""
    if not url.strip():
        raise DatabaseURLError("the database URL is empty: give sqlite:///FILE or postgresql://...")
    if "://" not in url:
        if LIBPQ_KEYWORD.match(url):
            raise DatabaseURLError(
                "a libpq keyword string (host=... user=...) is not a database URL: write "
                "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
            )
        if scheme := SCHEME_WITHOUT_SLASHES.match(url):
            raise DatabaseURLError(
                f"not a database URL: {scheme['scheme']}: must be followed by // "
                f"({scheme['scheme']}://...)"
            )
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def parse_url(url: str) -> URL:
    """The URL ``url`` names the database by (see ``normalize_url``), or
    ``DatabaseURLError`` saying what is wrong with it, in words that never quote it."""
    normalized = normalize_url(url)
    try:
        parsed = make_url(normalized)
    except ArgumentError:
        raise DatabaseURLError(
            "not a database URL: expected sqlite:///FILE, postgresql://USER@HOST/DBNAME "
            "or a path to a SQLite file"
        ) from None
    except ValueError:
        # SQLAlchemy reads whatever follows the host's last ":" as the port; without an
        # "@" that may be the password itself, so it is not quoted.
        raise DatabaseURLError(
            "bad port in the database URL: the port after HOST: must be a number from 1 to 65535"
        ) from None
    if parsed.host is not None and "@" in parsed.host:
        # An "@" in the password cut it short, and the rest of it was taken for the host.
        raise DatabaseURLError(
            "the database URL has more than one @: write an @ in the user name or password as %40"
        )
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise DatabaseURLError(
            f"bad port {parsed.port} in the database URL: ports run from 1 to 65535"
        )
    return parsed


def check_url(url: str) -> URL:
    """``parse_url``, with the backend and its driver checked as well: dvcrawl's backends
    only, and a driver that is installed and not asyncio's. Opens nothing."""
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend not in BACKENDS:
        raise DatabaseURLError(
            f"database scheme {parsed.drivername!r} is not one dvcrawl stores in: use SQLite "
            "(sqlite:///FILE) or PostgreSQL (postgresql://USER@HOST/DBNAME)"
        )
    try:
        dialect = parsed.get_dialect()
    except NoSuchModuleError:
        driver = parsed.drivername.partition("+")[2]
        raise DatabaseURLError(
            f"unknown {backend} driver {driver!r} in {parsed.drivername!r}: write "
            f"{backend}:// for the default one"
        ) from None
    driver = dialect.driver
    if dialect.is_async:
        raise DatabaseURLError(
            f"{parsed.drivername!r} is an asyncio driver; dvcrawl needs a synchronous one: "
            f"write {backend}:// for the default one"
        )
    try:
        dialect.import_dbapi()
    except ImportError as exc:
        module = exc.name or driver
        raise DatabaseURLError(
            f"the {backend} driver {driver!r} is not installed: pip install "
            f"{PIP_PACKAGES.get(module, module)}"
            + (f", or write {backend}:// for the default one" if backend == "postgresql" else "")
        ) from None
    return parsed


def secrets_of(url: URL) -> list[str]:
    """The URL's password and secret query values, as typed and as percent-encoded."""
    values = [url.password or ""]
    for name, value in url.query.items():
        if SECRET_PARAMETER.search(name):
            values += [value] if isinstance(value, str) else list(value)
    found = {text for value in values if value for text in (value, quote(value, safe=""))}
    return sorted(found, key=len, reverse=True)


def display_url(url: URL) -> str:
    """``url`` as messages show it: the password and every secret query value masked.

    The rest is shown as typed: where the password is also the user's name, as "postgres"
    often is, the name still shows (and so does the scheme that begins with it)."""
    shown = url.set(query={}).render_as_string(hide_password=True)
    parameters = [
        f"{quote(name)}={MASK if SECRET_PARAMETER.search(name) else quote(value)}"
        for name, values in url.query.items()
        for value in ([values] if isinstance(values, str) else values)
    ]
    return shown + ("?" + "&".join(parameters) if parameters else "")


def redact(text: str, url: URL) -> str:
    """``text`` (a driver's message, say) with every secret of ``url`` masked."""
    for secret in secrets_of(url):
        text = text.replace(secret, MASK)
    return text


def _engine_url(url: URL) -> tuple[URL, dict[str, str]]:
    """``url`` without secret query values, and those values as connection arguments: a
    ``?password=`` becomes the URL's password, which SQLAlchemy hides wherever it shows an
    engine, and the other secrets go to the driver alone."""
    secret = {name: value for name, value in url.query.items() if SECRET_PARAMETER.search(name)}
    arguments: dict[str, str] = {}
    for name, value in secret.items():
        if not isinstance(value, str):
            raise DatabaseURLError(f"the database URL gives {name} more than once")
        arguments[name] = value
    url = url.difference_update_query(secret)
    password = arguments.pop("password", None)
    if password is not None:
        if url.password is not None:
            raise DatabaseURLError(
                "the database URL gives a password twice: before the host and as ?password="
            )
        url = url.set(password=password)
    return url, arguments


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
    parsed = check_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseError(
                    f"cannot open database {display_url(parsed)}: folder {folder} does not exist"
                )
        engine = _sqlite_engine(parsed)
        pragmas = functools.partial(_sqlite_pragmas, cache_kib=cache_kib, busy_ms=busy_ms)
        event.listen(engine, "connect", pragmas)
        return engine
    parsed, secret_arguments = _engine_url(parsed)
    try:
        return create_engine(parsed, pool_pre_ping=True, connect_args=secret_arguments)
    except ArgumentError as exc:
        message = redact(str(exc).splitlines()[0], parsed)
        raise DatabaseURLError(f"cannot use database {display_url(parsed)}: {message}") from None


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


def _sqlite_engine(url: str | URL, **options: Any) -> Engine:
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
    with database_errors(url, "open"):
        current = current_revision(engine)
        if current is None:
            if inspect(engine).get_table_names():
                raise DatabaseError(
                    f"{display_url(engine.url)} holds tables but no dvcrawl schema version; "
                    "refusing to touch it"
                )
            upgrade(engine)
        elif current != head_revision(engine):
            raise DatabaseError(
                f"the database is at schema {current}, this dvcrawl needs "
                f"{head_revision(engine)}: back it up, then run `dvcrawl db upgrade`"
            )
    return engine


def error_line(error: BaseException, url: str) -> str:
    """The first line of ``error``'s message, with every secret of ``url`` masked."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    try:
        return redact(lines[0], parse_url(url))
    except DatabaseURLError:
        return type(error).__name__


@contextlib.contextmanager
def database_errors(url: str, action: str = "use") -> Iterator[None]:
    """Turn the errors of the database at ``url`` into ``DatabaseError``: one line, saying
    what could not be done (``cannot {action} database ...``), with no secret of the URL.

    The driver's exception stays chained as the cause unless its traceback holds a secret.
    """
    try:
        yield
    except SQLAlchemyError as exc:
        parsed = parse_url(url)
        # A driver's own words, without SQLAlchemy's "(psycopg.OperationalError)" before them.
        reason = exc.orig if isinstance(exc, OperationalError) and exc.orig else exc
        message = f"cannot {action} database {display_url(parsed)}: {error_line(reason, url)}"
        printed = "".join(traceback.format_exception(exc))
        leaks = any(secret in printed for secret in secrets_of(parsed))
        raise DatabaseError(message) from (None if leaks else exc)
