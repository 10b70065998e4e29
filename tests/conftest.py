"""Shared test helpers: fixture loading and the offline crawl runner."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PAGE_FIXTURES = FIXTURES / "pages"
SITE_FIXTURES = FIXTURES / "sites"


@dataclass(frozen=True)
class PageFixture:
    name: str
    path: Path
    meta: dict[str, Any]
    expected: dict[str, Any]

    @property
    def body(self) -> bytes:
        return (self.path / "page.html").read_bytes()


def page_fixtures() -> list[PageFixture]:
    fixtures = []
    for meta_path in sorted(PAGE_FIXTURES.glob("*/*/meta.json")):
        folder = meta_path.parent
        fixtures.append(
            PageFixture(
                name=f"{folder.parent.name}/{folder.name}",
                path=folder,
                meta=json.loads(meta_path.read_text(encoding="utf-8")),
                expected=json.loads((folder / "expected.json").read_text(encoding="utf-8")),
            )
        )
    return fixtures


def extract(fixture: PageFixture) -> dict[str, Any]:
    """Run the real parsers (and, for articles, the normalise step) on a page fixture."""
    from dvcrawl.parsing import parse_listing
    from dvcrawl.parsing.extracted import extract_article
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites import get_site

    meta = fixture.meta
    page = Page.from_bytes(
        meta["url"],
        fixture.body,
        headers=meta.get("headers", {}),
        status=meta.get("status", 200),
        fetched_at=datetime.fromisoformat(meta["fetched_at"]),
    )
    profile = get_site(meta["site"])
    if meta["kind"] == "listing":
        return parse_listing(page, profile).to_dict()
    return extract_article(page, profile).to_dict()


def fetched_uris(warc_dir: Path) -> list[str]:
    """The URLs of the responses archived in ``warc_dir``, in the order they were written."""
    from warcio.archiveiterator import ArchiveIterator

    uris = []
    for path in sorted(warc_dir.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type in ("response", "revisit"):
                    uris.append(record.rec_headers.get_header("WARC-Target-URI"))
    return uris


def site_fixtures() -> list[Path]:
    return sorted(p.parent for p in SITE_FIXTURES.glob("*/manifest.json"))


def run_dvcrawl(*args: str, cwd: Path | None = None, timeout: float = 300) -> Any:
    """Run the real ``dvcrawl`` command in a subprocess (a Scrapy reactor runs once per process)."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "dvcrawl", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        check=False,
    )


class ManifestServer:
    """Serves a recorded site over real HTTP on 127.0.0.1, matching requests by path and query."""

    def __init__(self, manifest_dir: Path) -> None:
        from urllib.parse import urlsplit

        from local_server import QuietHandler, local_server
        from w3lib.url import canonicalize_url

        data = json.loads((manifest_dir / "manifest.json").read_text(encoding="utf-8"))
        routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        for entry in data["responses"]:
            parts = urlsplit(entry["url"])
            key = canonicalize_url(
                "http://local" + parts.path + ("?" + parts.query if parts.query else "")
            )
            body = (manifest_dir / entry["file"]).read_bytes() if entry.get("file") else b""
            routes[key] = (entry.get("status", 200), entry.get("headers", {}), body)
        not_found = data.get("not_found")
        missing: tuple[int, dict[str, str], bytes] = (404, {}, b"not recorded")
        if not_found:
            body = (manifest_dir / not_found["file"]).read_bytes()
            missing = (not_found.get("status", 200), not_found.get("headers", {}), body)
        self.requests: list[str] = []
        server_requests = self.requests

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                server_requests.append(self.path)
                status, headers, body = routes.get(
                    canonicalize_url("http://local" + self.path), missing
                )
                self.send_page(status, headers, body)

        self.server, self.port, self.thread = local_server(Handler)

    def __enter__(self) -> ManifestServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True, scope="session")
def _warcs_outside_the_working_tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Crawls that tests start archive into a temporary folder, never into ./warcs."""
    previous = os.environ.get("DVCRAWL_WARC_DIR")
    os.environ["DVCRAWL_WARC_DIR"] = str(tmp_path_factory.mktemp("warcs"))
    yield
    if previous is None:
        del os.environ["DVCRAWL_WARC_DIR"]
    else:
        os.environ["DVCRAWL_WARC_DIR"] = previous


# --- databases: SQLite always, Postgres where DVCRAWL_TEST_POSTGRES_URL names a server ----------

POSTGRES_URL = os.environ.get("DVCRAWL_TEST_POSTGRES_URL")
ENGINES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not POSTGRES_URL, reason="DVCRAWL_TEST_POSTGRES_URL is not set"),
    ),
]


def _fresh_postgres_database() -> tuple[str, Any]:
    """A new, empty database on the test server, and a callable that drops it."""
    import psycopg
    from sqlalchemy.engine import make_url

    assert POSTGRES_URL is not None
    admin_url = make_url(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"dvcrawl_test_{uuid.uuid4().hex[:12]}"
    conninfo = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )

    def drop() -> None:
        from dvcrawl.storage.db import get_engine

        get_engine(url).dispose()
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = admin_url.set(database=name).render_as_string(hide_password=False)
    return url, drop


@pytest.fixture(params=ENGINES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine the machine offers."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
        return
    url, drop = _fresh_postgres_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture(params=ENGINES[1:])
def postgres_url() -> Iterator[str]:
    """A fresh, empty database on the Postgres test server, for what only Postgres has."""
    url, drop = _fresh_postgres_database()
    try:
        yield url
    finally:
        drop()
