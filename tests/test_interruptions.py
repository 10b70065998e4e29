"""Nothing lost, whatever cuts a crawl off: a signal, the database gone, the site down.

Each test crawls a 300-article portal served over HTTP on 127.0.0.1, cuts the crawl off at
about 40 %, then runs the same command again: every article must be stored, each once.
The first run must exit non-zero and leave its crawl record closed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from unreliable_site import PostgresProxy, UnreliableSite

from dvcrawl.storage.db import get_engine, session_factory
from dvcrawl.storage.models import ArticleRecord, CrawlRunRecord

pytestmark = pytest.mark.slow

QUIET = ("--delay", "0", "--progress", "0", "--no-warc")
CUT_AT = 120  # article pages requested: 40 % of the site


def crawl_command(site: UnreliableSite, database_url: str, *flags: str) -> list[str]:
    return [sys.executable, "-m", "dvcrawl", "crawl", site.home, "--db", database_url,
            *QUIET, *flags]  # fmt: skip


def start(site: UnreliableSite, database_url: str, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        crawl_command(site, database_url, *flags),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the crawl never got that far"
        time.sleep(0.01)


def finish(process: subprocess.Popen[str], timeout: float = 180) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr


def crawl_again(site: UnreliableSite, database_url: str, *flags: str) -> Any:
    return subprocess.run(
        crawl_command(site, database_url, *flags),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def stored_paths(database_url: str) -> list[str]:
    with session_factory(get_engine(database_url))() as session:
        urls = session.scalars(select(ArticleRecord.url)).all()
    return [urlsplit(url).path for url in urls]


def runs(database_url: str) -> list[CrawlRunRecord]:
    with session_factory(get_engine(database_url))() as session:
        return list(session.scalars(select(CrawlRunRecord).order_by(CrawlRunRecord.id)).all())


def assert_nothing_lost(site: UnreliableSite, database_url: str) -> None:
    paths = stored_paths(database_url)
    assert len(paths) == len(set(paths)), "an article was stored twice"
    expected = {urlsplit(url).path for url in site.truth.articles}
    missing = expected - set(paths)
    assert not missing, f"{len(missing)} articles lost"
    assert set(paths) == expected


@pytest.fixture
def served(tmp_path: Path) -> Iterator[UnreliableSite]:
    with UnreliableSite(tmp_path / "site") as site:
        yield site


@pytest.mark.parametrize(
    ("cut", "reason"),
    [
        (signal.SIGKILL, "interrupted"),
        (signal.SIGINT, "shutdown"),
        (signal.SIGTERM, "shutdown"),
    ],
    ids=["kill -9", "SIGINT", "SIGTERM"],
)
def test_a_crawl_cut_off_by_a_signal_loses_nothing(
    served: UnreliableSite, database_url: str, cut: signal.Signals, reason: str
) -> None:
    process = start(served, database_url)
    wait_for(lambda: served.articles_requested >= CUT_AT)
    process.send_signal(cut)
    code, _, stderr = finish(process)
    assert code != 0, stderr[-2000:]
    again = crawl_again(served, database_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_nothing_lost(served, database_url)
    first, second = runs(database_url)
    assert first.finish_reason == reason
    assert first.finished_at is not None
    assert 0 < first.stored < len(served.truth.articles)
    assert second.finish_reason == "finished"
    assert second.stored == len(served.truth.articles) - first.stored


def test_a_database_gone_past_the_wait_closes_the_crawl_and_the_next_resumes(
    served: UnreliableSite, database_url: str, tmp_path: Path
) -> None:
    """The database goes away for 10 s; the crawl waits 3 s, then closes as
    database_unavailable (its record is closed once the database is back)."""
    if database_url.startswith("sqlite"):
        crawl_url = database_url
        outage = lock_sqlite(database_url, tmp_path)
    else:
        proxy = PostgresProxy(_host_port(database_url))
        crawl_url = _through(database_url, proxy.port)

        def outage() -> None:
            proxy.outage(10)

    process = start(served, crawl_url, "-s", "DVCRAWL_DATABASE_WAIT=3")
    wait_for(lambda: served.articles_requested >= CUT_AT)
    outage()
    code, stdout, stderr = finish(process)
    assert code == 1, stderr[-3000:]
    assert "database_unavailable" in stdout
    time.sleep(max(0.0, 10.5 - 3))  # the outage is over
    again = crawl_again(served, crawl_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_nothing_lost(served, database_url)
    first, second = runs(database_url)
    assert first.finish_reason == "database_unavailable"
    assert first.finished_at is not None
    assert second.finish_reason == "finished"


def test_a_database_gone_for_less_than_the_wait_is_waited_out(
    served: UnreliableSite, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    outage = lock_sqlite(database_url, tmp_path, seconds=4)
    process = start(served, database_url)
    wait_for(lambda: served.articles_requested >= CUT_AT)
    outage()
    code, _stdout, stderr = finish(process)
    assert code == 0, stderr[-3000:]
    assert_nothing_lost(served, database_url)
    (run,) = runs(database_url)
    assert run.finish_reason == "finished"
    assert run.stats["dvcrawl/database/retries"] > 0


def test_a_site_down_for_six_seconds_loses_nothing(served: UnreliableSite, tmp_path: Path) -> None:
    """Scrapy retries each page a few times; how many of the pages in flight run out of
    retries before the site is back depends on the crawl's speed. Those that do stay
    pending: the run says so and exits 1, and the same command again fetches them."""
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    process = start(served, database_url)
    wait_for(lambda: served.articles_requested >= CUT_AT)
    served.down_for(6)
    code, stdout, stderr = finish(process)
    (first,) = runs(database_url)
    assert first.finish_reason == "finished"
    assert first.stats["retry/count"] > 0
    pending = first.stats.get("dvcrawl/frontier/pending", 0)
    assert code == (1 if pending else 0), stderr[-3000:]
    if pending:
        assert f"{pending} articles pending" in stdout or pending == 1
    again = crawl_again(served, database_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_nothing_lost(served, database_url)


def test_a_site_down_to_the_end_of_a_crawl_leaves_its_articles_pending_for_the_next(
    served: UnreliableSite, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    process = start(served, database_url)
    wait_for(lambda: served.articles_requested >= CUT_AT)
    served.down_for(3600)
    code, stdout, stderr = finish(process)
    served.down_for(0)
    assert code == 1, stderr[-3000:]
    assert "articles pending" in stdout
    again = crawl_again(served, database_url)
    assert again.returncode == 0, again.stderr[-3000:]
    assert_nothing_lost(served, database_url)
    first, second = runs(database_url)
    assert first.finish_reason == "finished"
    assert first.stats["dvcrawl/frontier/pending"] > 0
    assert second.stats.get("dvcrawl/frontier/pending") is None


def lock_sqlite(database_url: str, folder: Path, seconds: float = 10) -> Callable[[], None]:
    """A callable that has another process hold the SQLite file's write lock for a while
    (the process is waited for when the test ends)."""
    path = database_url.removeprefix("sqlite:///")
    script = (
        "import sqlite3, sys, time\n"
        "c = sqlite3.connect(sys.argv[1], timeout=60, isolation_level=None)\n"
        "c.execute('BEGIN EXCLUSIVE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "c.execute('ROLLBACK')\n"
    )

    def outage() -> None:
        locker = subprocess.Popen(
            [sys.executable, "-c", script, path, str(seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        LOCKERS.append(locker)
        assert locker.stdout is not None
        assert locker.stdout.readline().strip() == "locked"

    return outage


LOCKERS: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _lockers_end() -> Iterator[None]:
    yield
    while LOCKERS:
        locker = LOCKERS.pop()
        locker.communicate(timeout=60)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    return parts.hostname or "127.0.0.1", parts.port or 5432


def _through(url: str, port: int) -> str:
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    netloc = f"{parts.username}@127.0.0.1:{port}" if parts.username else f"127.0.0.1:{port}"
    return parts._replace(netloc=netloc).geturl()
