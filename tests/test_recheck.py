"""``dvcrawl crawl --recheck``: archived articles fetched again straight from the database,
so takedowns are found after the listings stop linking to them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import fetched_uris, run_dvcrawl
from sqlalchemy import update
from test_history import (
    EDITED_URL,
    HOME,
    HOME_REDIRECT_URLS,
    NOT_FOUND_URL,
    QUIET,
    make_article,
    site_state,
)

from dvcrawl.outcomes import crawl_alarms
from dvcrawl.sites import get_site
from dvcrawl.spiders.articles import recheck_cutoff
from dvcrawl.storage.db import get_engine, prepare, session_factory
from dvcrawl.storage.models import ArticleRecord, CrawlRunRecord, PageVisitRecord
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.text import VIETNAM_TZ

pytestmark = pytest.mark.slow

REDIRECT_URL = HOME_REDIRECT_URLS[0]
LISTING_WITH_REMOVED_LINK = "listing-dia-phuong-1.html"
REMOVED_LINK = '<a href="/Home/Tin-hoat-dong/Dia-phuong-don-vi/20002/'


def changed_site(folder: Path) -> Path:
    """The danvan site a week later: one article edited, one gone (404) and unlinked from
    its listing, one redirecting to the home page."""
    state = site_state(
        folder,
        {
            NOT_FOUND_URL: {"status": 404},
            REDIRECT_URL: {"status": 301, "headers": {"Location": HOME}},
        },
        edit=True,
    )
    listing = state / "pages" / LISTING_WITH_REMOVED_LINK
    html = listing.read_text(encoding="utf-8")
    assert REMOVED_LINK in html
    kept = [line for line in html.splitlines() if REMOVED_LINK not in line]
    listing.write_text("\n".join(kept), encoding="utf-8")
    return state


def crawl(state: Path, database_url: str, warc_dir: Path, *flags: str) -> Any:
    result = run_dvcrawl(
        "crawl", "danvan", "--replay", str(state), "--db", database_url,
        "--warc-dir", str(warc_dir), *QUIET, *flags,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def archived_urls(database_url: str) -> list[str]:
    with session_factory(get_engine(database_url))() as session:
        return [article.url for article in ArchiveRepository(session).articles("danvan")]


def latest_run(database_url: str) -> CrawlRunRecord:
    with session_factory(get_engine(database_url))() as session:
        return ArchiveRepository(session).runs("danvan", limit=1)[0]


def events_of(database_url: str, url: str) -> list[tuple[str, int | None, str | None]]:
    result = run_dvcrawl("history", url, "--db", database_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    return [(e["kind"], e["http_status"], e["location"]) for e in events]


def test_a_recheck_finds_takedowns_no_listing_links_to(database_url: str, tmp_path: Path) -> None:
    first = site_state(tmp_path / "first", {}, edit=False)
    changed = changed_site(tmp_path / "changed")
    crawl(first, database_url, tmp_path / "warcs-first")
    archived = archived_urls(database_url)
    assert {NOT_FOUND_URL, REDIRECT_URL, EDITED_URL} <= set(archived)

    # An ordinary crawl of the changed site never asks for the unlinked article.
    crawl(changed, database_url, tmp_path / "warcs-incremental")
    assert events_of(database_url, NOT_FOUND_URL) == []

    result = crawl(changed, database_url, tmp_path / "warcs-recheck", "--recheck")
    run = latest_run(database_url)
    assert run.mode == "recheck"
    assert run.stats["dvcrawl/recheck/requested"] == len(archived)
    assert run.listing_pages == 0
    assert run.stats.get("dvcrawl/alarms") is None
    unchanged = len(archived) - 3
    assert (
        f"danvan: {len(archived)} rechecked: 0 stored, 1 edited, {unchanged} unchanged, "
        "1 taken down, 1 redirected away, 0 duplicate" in result.stdout
    )
    fetched = fetched_uris(tmp_path / "warcs-recheck")
    profile = get_site("danvan")
    assert [uri for uri in fetched if not profile.is_article_url(uri)] == [
        "http://www.danvan.vn/robots.txt"
    ]
    assert sorted(uri for uri in fetched if profile.is_article_url(uri)) == sorted(archived)

    assert events_of(database_url, NOT_FOUND_URL) == [("taken_down", 404, None)]
    assert events_of(database_url, REDIRECT_URL) == [("redirected_away", 301, HOME)]
    assert events_of(database_url, EDITED_URL) == [("edited", None, None)]
    table = run_dvcrawl("history", NOT_FOUND_URL, "--db", database_url)
    assert any(line.split()[2:4] == ["taken_down", "404"] for line in table.stdout.splitlines())

    again = crawl(changed, database_url, tmp_path / "warcs-again", "--recheck")
    assert f"{len(archived) - 2} unchanged, 2 still gone" in again.stdout
    assert events_of(database_url, NOT_FOUND_URL) == [("taken_down", 404, None)]

    back = crawl(first, database_url, tmp_path / "warcs-back", "--recheck")
    # the two back online are also unchanged: as they were before they went
    assert f"1 edited, {len(archived) - 1} unchanged, 2 restored, 0 duplicate" in back.stdout
    assert events_of(database_url, NOT_FOUND_URL) == [
        ("taken_down", 404, None),
        ("restored", 200, None),
    ]


def test_recheck_before_skips_articles_checked_since(database_url: str, tmp_path: Path) -> None:
    first = site_state(tmp_path / "first", {}, edit=False)
    changed = changed_site(tmp_path / "changed")
    crawl(first, database_url, tmp_path / "warcs-first")
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    stale = (EDITED_URL, NOT_FOUND_URL)
    with session_factory(get_engine(database_url)).begin() as session:
        session.execute(
            update(ArticleRecord).where(ArticleRecord.url.in_(stale)).values(fetched_at=long_ago)
        )
        session.execute(
            update(PageVisitRecord)
            .where(PageVisitRecord.url.in_(stale))
            .values(last_seen_at=long_ago)
        )

    flags = ("--recheck", "--recheck-before", "2021-01-01")
    result = crawl(changed, database_url, tmp_path / "warcs-recheck", *flags)
    assert "danvan: 2 rechecked: 0 stored, 1 edited, 1 taken down, 0 duplicate" in result.stdout
    assert sorted(fetched_uris(tmp_path / "warcs-recheck")) == sorted(
        ["http://www.danvan.vn/robots.txt", *stale]
    )
    assert events_of(database_url, REDIRECT_URL) == []

    # Both were checked just now, the one still gone included.
    again = crawl(changed, database_url, tmp_path / "warcs-again", *flags)
    assert "danvan: 0 rechecked: 0 stored, 0 duplicate" in again.stdout
    assert latest_run(database_url).requests == 0


def test_archived_urls_stream_in_id_order_and_honour_the_cutoff(database_url: str) -> None:
    sessions = session_factory(prepare(database_url))
    urls = [f"https://tinhuybinhphuoc.vn/news/dan-van/bai-{n}.html" for n in range(5)]
    fetched = [datetime(2025, 1, day, tzinfo=UTC) for day in (1, 9, 2, 8, 3)]
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        repository.save_site(get_site("binh-phuoc"))
        for n, (url, when) in enumerate(zip(urls, fetched, strict=True)):
            article = make_article(
                url=url, canonical_url=url, site_article_id=str(n), content_hash=f"{n}" * 64,
                fetched_at=when,
            )  # fmt: skip
            assert repository.add_article(article, None) is not None
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        # article 2, fetched long ago, was checked (found gone) on 10 January
        gone_id = repository.archived_article_id("binh-phuoc", urls[2])
        repository.record_visit(
            site_key="binh-phuoc", url=urls[2], site_article_id="2", outcome="taken_down",
            article_id=gone_id,
        )  # fmt: skip
        session.execute(
            update(PageVisitRecord)
            .where(PageVisitRecord.url == urls[2])
            .values(last_seen_at=datetime(2025, 1, 10, tzinfo=UTC))
        )
    with sessions() as session:
        repository = ArchiveRepository(session)
        every = list(repository.archived_urls("binh-phuoc", batch_size=2))
        assert [url for _, url in every] == urls
        assert [article_id for article_id, _ in every] == sorted(i for i, _ in every)
        cutoff = datetime(2025, 1, 5, tzinfo=UTC)
        stale = [url for _, url in repository.archived_urls("binh-phuoc", cutoff, batch_size=1)]
        assert stale == [urls[0], urls[4]]
        assert list(repository.archived_urls("danvan")) == []


def test_recheck_cutoff_reads_dates_as_vietnam_time() -> None:
    assert recheck_cutoff("") is None
    assert recheck_cutoff("2026-01-01") == datetime(2026, 1, 1, tzinfo=VIETNAM_TZ)
    assert recheck_cutoff("2026-01-01T00:00:00+00:00") == datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="DVCRAWL_RECHECK_BEFORE: not an ISO date"):
        recheck_cutoff("last week")


def test_a_recheck_alarms_when_no_archived_article_answers() -> None:
    failing = {"dvcrawl/mode": "recheck", "dvcrawl/download_failed/DownloadTimeoutError": 3}
    assert crawl_alarms(failing) == ["no archived article could be fetched (3 errors)"]
    reached = {**failing, "dvcrawl/pages/article": 5}
    assert crawl_alarms(reached) == []
    all_gone = {**failing, "dvcrawl/revisit/taken_down": 2}
    assert crawl_alarms(all_gone) == []
    walked = {"dvcrawl/mode": "incremental", "dvcrawl/download_failed/DownloadTimeoutError": 3}
    assert crawl_alarms(walked) == ["no listing page could be fetched (3 errors)"]


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--recheck", "--full"), "dvcrawl: give --recheck or --full, not both"),
        (("--recheck-before", "2026-01-01"), "dvcrawl: --recheck-before needs --recheck"),
    ],
    ids=["with full", "cutoff alone"],
)
def test_recheck_usage_errors(flags: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = run_dvcrawl("crawl", "danvan", "--db", str(tmp_path / "db.sqlite3"), *flags)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert not (tmp_path / "db.sqlite3").exists()


def test_crawl_help_explains_recheck() -> None:
    result = run_dvcrawl("crawl", "--help")
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    assert "--recheck Walk no listing: fetch every archived article" in text
    assert "--recheck-before DATE With --recheck: only articles not fetched since DATE" in text
