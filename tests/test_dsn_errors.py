"""Database URLs as users type them: no password in any output, one line for a bad one."""

from __future__ import annotations

import socket
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_dvcrawl
from sqlalchemy.engine import make_url

from dvcrawl.cli import main
from dvcrawl.corpus import Corpus
from dvcrawl.storage.db import (
    DatabaseError,
    DatabaseURLError,
    display_url,
    get_engine,
    parse_url,
    redact,
)

SECRET = "S3cretPW"
SSL_SECRET = "Ssl-S3cretPW"
# Nothing listens on port 1 of the loopback address: connecting is refused at once.
NOBODY = "127.0.0.1:1"
SITE = Path(__file__).parent / "fixtures" / "sites" / "danvan"


@dataclass(frozen=True)
class BadURL:
    name: str
    url: str
    exit_code: int
    message: str


BAD_URLS = [
    BadURL("userinfo", f"postgresql://dvcrawl:{SECRET}@{NOBODY}/corpus", 1, "Connection refused"),
    BadURL(
        "percent-encoded",
        f"postgresql://dvcrawl:{SECRET}%21%40@{NOBODY}/corpus",
        1,
        "Connection refused",
    ),
    BadURL(
        "query password",
        f"postgresql://dvcrawl@{NOBODY}/corpus?password={SECRET}",
        1,
        "Connection refused",
    ),
    BadURL(
        "query sslpassword",
        f"postgresql://dvcrawl@{NOBODY}/corpus?sslmode=prefer&sslpassword={SSL_SECRET}",
        1,
        "Connection refused",
    ),
    BadURL(
        "psycopg2 not installed",
        f"postgresql+psycopg2://dvcrawl:{SECRET}@{NOBODY}/corpus",
        2,
        "pip install psycopg2-binary",
    ),
    BadURL(
        "unknown driver",
        f"postgresql+nosuchdriver://dvcrawl:{SECRET}@{NOBODY}/corpus",
        2,
        "unknown postgresql driver 'nosuchdriver'",
    ),
    BadURL(
        "asyncio driver",
        f"postgresql+asyncpg://dvcrawl:{SECRET}@{NOBODY}/corpus",
        2,
        "asyncio driver",
    ),
    BadURL(
        "unknown scheme",
        f"mysql://dvcrawl:{SECRET}@{NOBODY}/corpus",
        2,
        "database scheme 'mysql' is not one dvcrawl stores in",
    ),
    BadURL(
        "unregistered scheme",
        f"nosuchdb://dvcrawl:{SECRET}@{NOBODY}/corpus",
        2,
        "database scheme 'nosuchdb' is not one",
    ),
    BadURL(
        "malformed port",
        f"postgresql://dvcrawl:{SECRET}@127.0.0.1:port5432/corpus",
        2,
        "bad port",
    ),
    # Without an "@", SQLAlchemy reads the password as the port of a host "dvcrawl".
    BadURL("password read as a port", f"postgresql://dvcrawl:{SECRET}/corpus", 2, "bad port"),
    BadURL(
        "port out of range",
        f"postgresql://dvcrawl:{SECRET}@127.0.0.1:99999/corpus",
        2,
        "bad port 99999",
    ),
    # An unescaped "@" ends the password early: the rest would be taken for the host.
    BadURL(
        "unescaped @ in the password",
        f"postgresql://dvcrawl:tr@{SECRET}@{NOBODY}/corpus",
        2,
        "write an @ in the user name or password as %40",
    ),
    BadURL(
        "libpq keyword string",
        f"host=127.0.0.1 port=1 user=dvcrawl password={SECRET}",
        2,
        "libpq keyword string",
    ),
    BadURL("scheme without slashes", f"postgresql:dvcrawl:{SECRET}@db", 2, "must be followed by"),
    BadURL("not a URL", f"://dvcrawl:{SECRET}@db", 2, "not a database URL"),
    BadURL("blank", "  ", 2, "the database URL is empty"),
]


def secrets_in(text: str) -> list[str]:
    return [secret for secret in (SECRET, SSL_SECRET) if secret in text]


@pytest.fixture(autouse=True)
def _psycopg2_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """psycopg2 is absent whatever the machine has (None in sys.modules fails the import)."""
    monkeypatch.setitem(sys.modules, "psycopg2", None)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a URL get as far as a connection, the host it names is never looked up
    (psycopg resolves host names in Python): these tests stay off the network."""
    resolve = socket.getaddrinfo

    def loopback_only(host: object, *args: object, **kwargs: object) -> object:
        if host not in ("127.0.0.1", "localhost", b"127.0.0.1", b"localhost"):
            raise socket.gaierror(socket.EAI_NONAME, f"not looked up in a test: {host!r}")
        return resolve(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)


def commands(tmp_path: Path) -> list[list[str]]:
    """Every command that takes --db, with the arguments it needs to reach the database."""
    return [
        ["crawl", "danvan", "--replay", str(SITE), "--no-warc"],
        ["stats"],
        ["search", "dân vận"],
        ["export", "--format", "jsonl", "-o", str(tmp_path / "out.jsonl")],
        ["history", "https://danvan.vn/a.html"],
        ["reextract", "--warc-dir", str(tmp_path)],
        ["db", "upgrade"],
        ["db", "current"],
    ]


@pytest.mark.parametrize("bad", BAD_URLS, ids=lambda bad: bad.name)
def test_every_command_answers_a_bad_url_in_one_line_without_the_password(
    bad: BadURL, tmp_path: Path
) -> None:
    runner = CliRunner()
    for args in commands(tmp_path):
        for option, environment in (
            (["--db", bad.url], {}),
            ([], {"DVCRAWL_DATABASE_URL": bad.url}),
        ):
            result = runner.invoke(main, [*args, *option], env=environment)
            shown = f"{' '.join(args)} {option or environment}: {result.output}"
            assert secrets_in(result.output) == [], shown
            assert result.exit_code == bad.exit_code, shown
            lines = [line for line in result.output.splitlines() if line.strip()]
            assert len(lines) == 1, shown
            assert lines[0].startswith("dvcrawl: "), shown
            assert bad.message in lines[0], shown


def test_a_bad_url_given_to_a_crawl_as_a_setting_is_refused_the_same_way(tmp_path: Path) -> None:
    good = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    bad = f"postgresql://dvcrawl:{SECRET}@127.0.0.1:port5432/corpus"
    crawl = ["crawl", "danvan", "--replay", str(SITE), "--no-warc", "--db", good]
    result = CliRunner().invoke(main, [*crawl, "-s", f"DVCRAWL_DATABASE_URL={bad}"])
    assert result.exit_code == 2, result.output
    assert secrets_in(result.output) == []
    assert result.output.strip().startswith("dvcrawl: bad port")
    assert not (tmp_path / "corpus.sqlite3").exists()


@pytest.mark.parametrize("bad", BAD_URLS, ids=lambda bad: bad.name)
def test_the_python_api_raises_dvcrawls_error_and_no_traceback_holds_the_password(
    bad: BadURL,
) -> None:
    with pytest.raises(DatabaseError) as raised:
        Corpus(bad.url)
    assert bad.message in str(raised.value)
    assert isinstance(raised.value, DatabaseURLError) == (bad.exit_code == 2)
    printed = "".join(traceback.format_exception(raised.value))
    assert secrets_in(printed) == [], printed


def test_the_python_api_opens_a_path_and_refuses_what_is_neither_url_nor_path(
    tmp_path: Path,
) -> None:
    with Corpus(tmp_path / "corpus.sqlite3") as corpus:
        assert corpus.search("dân vận") == []
    with pytest.raises(DatabaseURLError, match="a URL or a SQLite file's path, not int"):
        Corpus(42)  # type: ignore[arg-type]


def test_urls_are_shown_with_every_secret_masked() -> None:
    url = make_url(
        f"postgresql+psycopg://dvcrawl:{SECRET}@db.example:5432/corpus"
        f"?sslmode=require&sslpassword={SSL_SECRET}&application_name=dvcrawl%20crawl"
    )
    assert display_url(url) == (
        "postgresql+psycopg://dvcrawl:***@db.example:5432/corpus"
        "?sslmode=require&sslpassword=***&application_name=dvcrawl%20crawl"
    )


def test_a_drivers_words_are_cleared_of_the_urls_secrets_as_typed_and_as_encoded() -> None:
    url = parse_url(f"postgresql://dvcrawl:{SECRET}!@db.example/corpus?sslpassword={SSL_SECRET}")
    message = f"rejected {SECRET}! (sent as {SECRET}%21) and {SSL_SECRET}"
    assert redact(message, url) == "rejected *** (sent as ***) and ***"


def test_the_engines_url_keeps_no_secret_of_the_query() -> None:
    """A ``?password=`` becomes the URL's password, which SQLAlchemy hides wherever it shows
    an engine; other secrets go to the driver alone."""
    engine = get_engine(
        f"postgresql://dvcrawl@{NOBODY}/corpus?password={SECRET}&sslpassword={SSL_SECRET}"
    )
    assert secrets_in(repr(engine)) == []
    assert secrets_in(str(engine.url)) == []
    assert engine.url.password == SECRET
    assert "sslpassword" not in engine.url.query


def test_a_password_given_twice_is_refused() -> None:
    with pytest.raises(DatabaseURLError, match="password twice") as raised:
        get_engine(f"postgresql://dvcrawl:{SECRET}@{NOBODY}/corpus?password=other")
    assert secrets_in(str(raised.value)) == []


@pytest.mark.slow
def test_a_verbose_crawl_on_postgres_prints_no_password(postgres_url: str) -> None:
    """The whole crawl's output at debug level, for the password in the URL's user part
    and as a query parameter (the test server may ignore it, as trust authentication does)."""
    url = make_url(postgres_url)
    password = url.password or SECRET
    forms = [
        url.set(password=password).render_as_string(hide_password=False),
        url.set(password=None).render_as_string(hide_password=False) + f"?password={password}",
    ]
    for database_url in forms:
        result = run_dvcrawl(
            "crawl", "danvan", "--replay", str(SITE), "--db", database_url, "--no-warc", "-vv"
        )
        assert result.returncode == 0, result.stderr[-3000:]
        output = result.stdout + result.stderr
        assert "stored" in result.stdout
        assert password not in output
