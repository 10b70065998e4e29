"""Crawl each synthetic site end to end through Scrapy's engine, offline, twice."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import ManifestServer, run_dvcrawl, site_fixtures

from dvcrawl.pipelines.validate import NOT_ARTICLE_DROPS
from dvcrawl.storage.db import get_engine, session_factory
from dvcrawl.storage.models import ArticleRecord, CrawlRunRecord
from dvcrawl.storage.repository import ArchiveRepository

pytestmark = pytest.mark.slow

QUIET = ("--delay", "0", "--progress", "0")
# Characters that TCVN3 text shows when it is read as cp1252 ("§¶ng", "LËp", "c«ng").
LEGACY_SURFACE = ("§", "¶", "Ë", "«", "©", "Ö")


@dataclass
class TwoCrawls:
    site: str
    expected: dict[str, Any]
    outputs: list[Any]
    articles: list[ArticleRecord]
    runs: list[CrawlRunRecord]


def read_corpus(database_url: str) -> tuple[list[ArticleRecord], list[CrawlRunRecord]]:
    with session_factory(get_engine(database_url))() as session:
        repository = ArchiveRepository(session)
        articles = list(repository.articles())
        runs = sorted(repository.runs(limit=100), key=lambda run: run.id)
        for article in articles:  # load relationships while the session is open
            _ = (article.captions, article.authors, article.attachments)
    return articles, runs


@pytest.fixture(scope="module", params=site_fixtures(), ids=lambda p: p.name)
def two_crawls(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> TwoCrawls:
    site_dir: Path = request.param
    database_url = f"sqlite:///{tmp_path_factory.mktemp(site_dir.name) / 'corpus.sqlite3'}"
    args = ("crawl", site_dir.name, "--replay", str(site_dir), "--db", database_url, *QUIET)
    outputs = [run_dvcrawl(*args), run_dvcrawl(*args)]
    for output in outputs:
        assert output.returncode == 0, output.stderr[-3000:]
    articles, runs = read_corpus(database_url)
    expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
    return TwoCrawls(site_dir.name, expected, outputs, articles, runs)


def assert_stored_as_expected(articles: list[ArticleRecord], expected: dict[str, Any]) -> None:
    """A first crawl of a synthetic site stored exactly the articles its expected.json lists."""
    stored = {article.url for article in articles}
    for pair in expected.get("one_of", []):
        kept = stored & set(pair)
        assert len(kept) == 1, f"exactly one of {pair} must be stored, got {kept}"
        stored -= kept
    assert sorted(stored) == expected["stored"]


def assert_drops_as_expected(run: CrawlRunRecord, expected: dict[str, Any]) -> None:
    """A first crawl's record names every drop and HTTP error its expected.json lists."""
    assert run.dropped == expected["dropped"]
    assert run.error_kinds["http"] == expected["http_errors"]
    assert run.finish_reason == "finished"


def test_first_crawl_stores_exactly_the_expected_articles(two_crawls: TwoCrawls) -> None:
    assert_stored_as_expected(two_crawls.articles, two_crawls.expected)


def test_legacy_and_decomposed_pages_are_stored_as_unicode_nfc(two_crawls: TwoCrawls) -> None:
    """TCVN3 pages and NFD pages come out as the same NFC text a Unicode page would give."""
    by_url = {article.url: article for article in two_crawls.articles}
    for url, title in two_crawls.expected.get("titles", {}).items():
        assert by_url[url].title == title
    for article in two_crawls.articles:
        for text in (article.title, article.lead or "", article.body):
            assert unicodedata.is_normalized("NFC", text), article.url
        assert not any(mark in article.body for mark in LEGACY_SURFACE), article.url


def test_first_crawl_names_every_drop(two_crawls: TwoCrawls) -> None:
    assert_drops_as_expected(two_crawls.runs[0], two_crawls.expected)


def test_second_crawl_fetches_no_article_and_stores_nothing(two_crawls: TwoCrawls) -> None:
    """Only the pages that held no article (a "not found" page served with 200, say) are
    asked for again: they are never recorded as visits."""
    first, second = two_crawls.runs
    assert first.article_pages > 0
    no_article = sum(two_crawls.expected["dropped"].get(name, 0) for name in NOT_ARTICLE_DROPS)
    assert second.article_pages == no_article
    assert second.stored == 0
    assert second.listing_pages >= 1
    assert second.requests < first.requests


def test_crawl_record_counts_match_the_corpus(two_crawls: TwoCrawls) -> None:
    first = two_crawls.runs[0]
    assert first.stored == len(two_crawls.articles)
    assert first.site_key == two_crawls.site
    assert first.mode == "incremental"
    assert first.finished_at is not None
    assert first.finished_at >= first.started_at
    assert all(article.crawl_run_id == first.id for article in two_crawls.articles)


def test_stored_articles_are_whole(two_crawls: TwoCrawls) -> None:
    for article in two_crawls.articles:
        assert article.title, article.url
        assert article.body, article.url
        assert article.content_hash
        assert len(article.content_hash) == 64
        assert article.parser_revision.startswith(article.family + "@")
        assert article.published_at is None or article.published_at.utcoffset() is not None


def test_summary_line_reports_the_outcome(two_crawls: TwoCrawls) -> None:
    first_summary = two_crawls.outputs[0].stdout
    stored = len(two_crawls.articles)
    assert f"{two_crawls.site}: {stored} stored" in first_summary
    assert f"{two_crawls.site}: 0 stored" in two_crawls.outputs[1].stdout


def test_full_crawl_walks_everything_and_stores_nothing_new(tmp_path: Path) -> None:
    """A --full crawl of an unchanged site fetches every article again: each is compared
    with what is stored and found unchanged; repeats of other articles are still dropped."""
    site_dir = site_fixtures()[0]
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    args = ("crawl", site_dir.name, "--replay", str(site_dir), "--db", database_url, *QUIET)
    assert run_dvcrawl(*args).returncode == 0
    full = run_dvcrawl(*args, "--full")
    assert full.returncode == 0, full.stderr[-2000:]
    articles, runs = read_corpus(database_url)
    first, second = runs
    assert second.mode == "full"
    assert second.stored == 0
    assert second.article_pages == first.article_pages
    assert second.stats["dvcrawl/revisit/unchanged"] == len(articles)
    assert second.duplicates == first.duplicates
    assert len(articles) == first.stored
    assert f"{site_dir.name}: 0 stored, {len(articles)} unchanged," in full.stdout


def test_adhoc_crawl_over_http_from_a_start_url(tmp_path: Path) -> None:
    """A site of a known family without a profile, served by a real HTTP server on 127.0.0.1."""
    site_dir = Path(__file__).parent / "fixtures" / "sites" / "binh-phuoc"
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
    from urllib.parse import urlsplit

    from dvcrawl.sites import get_site

    start = urlsplit(get_site("binh-phuoc").start_urls[0])
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    with ManifestServer(site_dir) as server:
        start_url = f"http://127.0.0.1:{server.port}{start.path}"
        args = ("crawl", "--family", "nukeviet", "--start-url", start_url, "--db", database_url)
        first = run_dvcrawl(*args, *QUIET)
        assert first.returncode == 0, first.stderr[-3000:]
        requests_after_first = len(server.requests)
        second = run_dvcrawl(*args, *QUIET)
        assert second.returncode == 0, second.stderr[-3000:]
    articles, runs = read_corpus(database_url)
    assert "/robots.txt" in server.requests
    assert len(articles) == len(expected["stored"]) + len(expected.get("one_of", []))
    assert {a.site_key for a in articles} == {"127.0.0.1"}
    assert all(urlsplit(a.url).port == server.port for a in articles)
    assert runs[1].article_pages == 0
    assert len(server.requests) - requests_after_first == runs[1].requests
    assert len(manifest["responses"]) > 0


def test_all_sites_side_by_side_in_one_process(tmp_path: Path) -> None:
    """``--all`` runs one crawler per site in the same process, each with its own record."""
    sites = site_fixtures()
    replays = [arg for site_dir in sites for arg in ("--replay", str(site_dir))]
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    result = run_dvcrawl("crawl", "--all", *replays, "--db", database_url, *QUIET)
    assert result.returncode == 0, result.stderr[-3000:]
    articles, runs = read_corpus(database_url)
    assert sorted(run.site_key for run in runs) == sorted(site_dir.name for site_dir in sites)
    for site_dir in sites:
        expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
        stored = [a for a in articles if a.site_key == site_dir.name]
        assert len(stored) == len(expected["stored"]) + len(expected.get("one_of", []))
        (run,) = [r for r in runs if r.site_key == site_dir.name]
        assert run.stored == len(stored)
        assert run.dropped == expected["dropped"]
