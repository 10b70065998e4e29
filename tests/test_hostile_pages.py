"""Pages that are not articles, and pages no limit may lose.

A hostile web answers an article's address with its "not found" page, a block, a bot
check or an empty template, all with HTTP 200: each is a named, counted drop, never
stored and never a visit that stops a later fetch. A page over the size limit (a gzip
bomb), a corrupt gzip body, an address too long to be an article's, an extraction that
raises: each is counted by reason in the crawl record, and the unreadable ones are
visited, so no later crawl fetches them again. A 30 MB article is stored whole on every
engine (the search index reads its beginning).

The unit tests read the hostile pages through the real extraction chain; the crawls
(marked slow) run the real ``dvcrawl`` against ``hostile_site.HostileSite``.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hostile_site import (
    ACCESS_DENIED,
    CLOUDFLARE,
    DROPPED_AS,
    HUGE_TITLE,
    LARGE_SIZE,
    SITE,
    HostileSite,
    edit_article,
    hostile_page,
    huge_paragraphs,
)
from nukeviet_sites import build_site
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text
from warcio.archiveiterator import ArchiveIterator

from dvcrawl.corpus import Corpus
from dvcrawl.discovery.soft404 import NotFoundPage
from dvcrawl.discovery.walk import ListingWalk, WalkEnd
from dvcrawl.items import Article
from dvcrawl.parsing import parse_article
from dvcrawl.parsing.extracted import extract_article_page
from dvcrawl.parsing.page import Page
from dvcrawl.sites import adhoc_profile
from dvcrawl.spiders.articles import ArticlesSpider
from dvcrawl.storage.db import get_engine, session_factory, upgrade
from dvcrawl.storage.models import ArticleRecord, CrawlRunRecord
from dvcrawl.storage.search_ddl import SEARCH_TEXT_LIMIT
from dvcrawl.text import fold_diacritics

PROFILE = adhoc_profile("nukeviet", ["http://nukeviet.test/"], key="nukeviet.test")
CAPTURE = Path(__file__).parent / "fixtures" / "captures" / "nukeviet-dev"
QUIET = ("--delay", "0", "--progress", "0", "--no-warc")


@pytest.fixture(scope="module")
def article_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes]:
    """A synthetic NukeViet article page: its URL and bytes."""
    folder = tmp_path_factory.mktemp("portal")
    truth = build_site(SITE, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    url = truth.articles[0]
    (entry,) = [e for e in manifest["responses"] if e["url"] == url]
    return url, (folder / entry["file"]).read_bytes()


def extracted(url: str, body: bytes, **kwargs: Any) -> Article:
    headers = kwargs.pop("headers", {"Content-Type": "text/html; charset=utf-8"})
    return extract_article_page(PROFILE, url, body, headers, 200, **kwargs).article


# --- telling pages that hold no article from articles -------------------------------------


NOT_ARTICLES = (
    "soft_404",
    "nukeviet_404",
    "captcha",
    "cloudflare",
    "access_denied",
    "empty_template",
)


@pytest.mark.parametrize("kind", NOT_ARTICLES)
def test_a_page_that_holds_no_article_is_named(kind: str, article_page: tuple[str, bytes]) -> None:
    url, body = article_page
    status, headers, hostile = hostile_page(kind, body, url)
    assert status == 200
    dropped = extracted(url, hostile, headers=headers).dropped
    assert dropped is not None
    assert dropped.reason == DROPPED_AS[kind]


def test_a_real_article_is_no_drop(article_page: tuple[str, bytes]) -> None:
    url, body = article_page
    article = extracted(url, body)
    assert article.title
    assert article.dropped is None


def test_no_article_of_the_real_capture_is_taken_for_a_page_that_holds_none() -> None:
    truth = [json.loads(line) for line in (CAPTURE / "truth.jsonl").read_text().splitlines()]
    wanted = {article["url"] for article in truth}
    profile = adhoc_profile("nukeviet", ["http://127.0.0.1:8095/"])
    seen = set()
    with (CAPTURE / "site.warc.gz").open("rb") as stream:
        for record in ArchiveIterator(stream):
            url = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type != "response" or url not in wanted or url in seen:
                continue
            seen.add(url)
            body = record.content_stream().read()
            headers = dict(record.http_headers.headers)
            page = extract_article_page(profile, url, body, headers, 200)
            assert page.article.dropped is None, (url, page.article.dropped)
    assert seen == wanted


def test_a_short_article_may_speak_of_blocks_maintenance_and_captchas(
    article_page: tuple[str, bytes],
) -> None:
    """Inside the article template only the site's "not found" wording counts, and a bot
    check's form is a comment form's."""
    url, body = article_page
    short = edit_article(
        body,
        "Cầu Nà Pản tạm ngưng hoạt động để bảo trì",
        "",
        "<p>Từ ngày 5/6, cầu tạm ngưng hoạt động; truy cập bị từ chối với xe tải.</p>"
        '<form><div class="g-recaptcha" data-sitekey="x"></div></form>',
    )
    article = extracted(url, short)
    assert article.title == "Cầu Nà Pản tạm ngưng hoạt động để bảo trì"
    assert article.dropped is None
    decision = edit_article(
        body, "Quyết định 404/QĐ-UBND về công tác dân vận", "", "<p>Xem tệp.</p>"
    )
    assert extracted(url, decision).dropped is None


def test_a_cloudflare_challenge_is_known_by_its_header(article_page: tuple[str, bytes]) -> None:
    url, _ = article_page
    page = b"<html><head><title>nukeviet.test</title></head><body></body></html>"
    headers = {"Content-Type": "text/html", "cf-mitigated": "challenge"}
    dropped = extracted(url, page, headers=headers).dropped
    assert dropped is not None
    assert dropped.reason == "ChallengePage"


@pytest.mark.parametrize(
    ("page", "reason"),
    [(CLOUDFLARE, "ChallengePage"), (ACCESS_DENIED, "BlockedPage")],
    ids=["browser check", "access denied"],
)
def test_block_pages_are_known_on_any_site(page: str, reason: str) -> None:
    """Not by NukeViet's markup: the danvan.vn family reads them the same way."""
    from dvcrawl.sites import get_site

    profile = get_site("danvan")
    url = "http://www.danvan.vn/Home/Dan-van-kheo/1/A"
    dropped = extract_article_page(profile, url, page.encode(), {}, 200).article.dropped
    assert dropped is not None
    assert dropped.reason == reason


def test_what_the_soft_404_probe_learned_marks_the_same_page_later(
    tmp_path: Path,
) -> None:
    """The site answers a made-up article with its own notice, in wording no rule knows."""
    truth = build_site(SITE, tmp_path)
    url = truth.articles[0]
    notice = (
        "<html><body><div class='news_column'><h1 itemprop='headline'>Thông báo</h1>"
        "<div id='news-bodyhtml'><p>Rất tiếc, chúng tôi chưa có nội dung tại địa chỉ {}."
        " Nội dung có thể đã được chuyển sang chuyên mục khác, hoặc đang được biên tập lại"
        " để phục vụ bạn đọc tốt hơn. Mời bạn đọc quay lại trang chủ của Ban Dân vận để"
        " theo dõi những tin bài mới nhất.</p></div></div></body></html>"
    )
    probe = parse_article(Page.from_bytes(url, notice.format("/x-1.html").encode()), PROFILE)
    learned = NotFoundPage.of(probe)
    assert learned is not None
    later = notice.format("/y-2.html").encode()
    assert extracted(url, later).dropped is None  # without the probe: a short article
    dropped = extracted(url, later, not_found=learned).dropped
    assert dropped is not None
    assert dropped.reason == "SoftNotFound"


THEMELESS_NOT_FOUND = (
    "<html><head><title>Trang chủ | Ban Dân vận</title></head><body><div class='box'>"
    "<p>Liên kết bạn theo dõi đã cũ.</p><a href='/'>Trang chủ</a></div></body></html>"
)


def test_a_not_found_page_without_the_template_is_known_by_the_title_the_probe_saw(
    article_page: tuple[str, bytes],
) -> None:
    url, body = article_page
    probe = extracted(url, THEMELESS_NOT_FOUND.encode())
    assert probe.dropped is None  # no rule knows its wording
    learned = NotFoundPage.of(probe, "Trang chủ | Ban Dân vận")
    assert learned is not None
    later = THEMELESS_NOT_FOUND.replace("đã cũ", "không còn").encode()
    dropped = extracted(url, later, not_found=learned).dropped
    assert dropped is not None
    assert dropped.reason == "SoftNotFound"
    # A short article of a site that titles every page alike is no such page.
    short = edit_article(body, "Tin ngắn", "", "<p>Hội nghị diễn ra sáng nay.</p>")
    short = short.replace(b"<title>", "<title>Trang chủ | Ban Dân vận".encode(), 1)
    assert extracted(url, short, not_found=learned).dropped is None


def probe_spider(answer: str) -> ArticlesSpider:
    """A spider of a NukeViet site that asked for a missing article and got ``answer``."""
    crawler = get_crawler(ArticlesSpider, {"DVCRAWL_WORKERS": 0})
    spider = ArticlesSpider.from_crawler(crawler, family="nukeviet", start_url=PROFILE.home_url)
    crawler.stats.open_spider()
    url = "http://nukeviet.test/news/tin-hoat-dong/dvcrawl-khong-co-bai-nay-4294967290.html"
    response = HtmlResponse(url, body=answer.encode(), request=Request(url))
    list(spider.parse_probe(response))
    return spider


def test_the_probe_learns_the_site_s_not_found_page_but_not_a_block() -> None:
    learned = probe_spider(THEMELESS_NOT_FOUND).not_found_page
    assert learned is not None
    assert learned.title == "trang chu | ban dan van"
    blocked = probe_spider(ACCESS_DENIED)
    assert blocked.not_found_page is None
    assert blocked.crawler.stats.get_value("dvcrawl/soft404_probe/honest") == 1


# --- an extraction that raises ------------------------------------------------------------


class FailingWorkers:
    async def run(self, *args: Any) -> Any:
        raise RecursionError("maximum recursion depth exceeded")


def test_an_extraction_that_raises_is_a_counted_drop_and_a_visit() -> None:
    """The crawl goes on; the page is dropped as ExtractionFailed, which the store records
    as a visit (see the crawl below), so no later crawl parses it again."""
    crawler = get_crawler(ArticlesSpider, {"DVCRAWL_WORKERS": 0})
    spider = ArticlesSpider.from_crawler(crawler, start_url="http://nukeviet.test/")
    spider.profile = PROFILE
    spider.workers = FailingWorkers()  # type: ignore[assignment]
    url = "http://nukeviet.test/news/tin-hoat-dong/hoi-nghi-5.html"
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url))

    async def outputs() -> list[Any]:
        return [output async for output in spider.parse_article(response)]

    crawler.stats.open_spider()
    (dropped,) = asyncio.run(outputs())
    assert isinstance(dropped, Article)
    assert dropped.url == url
    assert dropped.site_article_id == PROFILE.article_id(url)
    assert dropped.dropped is not None
    assert dropped.dropped.reason == "ExtractionFailed"
    assert dropped.dropped.detail == "RecursionError: maximum recursion depth exceeded"


def test_a_listing_whose_extraction_raises_ends_its_walk_counted() -> None:
    """The walk is picked up by the next crawl from that page, as after a failed fetch."""
    crawler = get_crawler(ArticlesSpider, {"DVCRAWL_WORKERS": 0})
    spider = ArticlesSpider.from_crawler(crawler, family="nukeviet", start_url=PROFILE.home_url)
    spider.workers = FailingWorkers()  # type: ignore[assignment]
    url = "http://nukeviet.test/news/tin-hoat-dong/"
    walk = ListingWalk(key="news/tin-hoat-dong", first_url=url)
    response = HtmlResponse(url, body=b"<html></html>", request=Request(url))

    async def outputs() -> list[Any]:
        return [output async for output in spider.parse_listing(response, walk)]

    crawler.stats.open_spider()
    asyncio.run(outputs())
    assert walk.end is WalkEnd.FAILED
    assert crawler.stats.get_value("dvcrawl/listing_failed/RecursionError") == 1


# --- crawls of the hostile site -----------------------------------------------------------


def crawl(site: HostileSite, database_url: str, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dvcrawl", "crawl", site.home, "--db", database_url,
         *QUIET, *flags],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip


def runs(database_url: str) -> list[CrawlRunRecord]:
    with session_factory(get_engine(database_url))() as session:
        return list(session.scalars(select(CrawlRunRecord).order_by(CrawlRunRecord.id)))


def table(database: Path, query: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(query).fetchall()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HostileSite, Path]]:
    """The hostile site, crawled twice into one SQLite database."""
    folder = tmp_path_factory.mktemp("hostile")
    database = folder / "crawl.sqlite3"
    with HostileSite(folder / "site") as site:
        for _ in range(2):
            crawl(site, f"sqlite:///{database}", "--skip-report", str(folder / "skips.jsonl"))
        yield site, database


@pytest.mark.slow
def test_every_hostile_page_is_counted_by_reason_in_the_crawl_record(
    hostile: tuple[HostileSite, Path],
) -> None:
    site, database = hostile
    first, _ = runs(f"sqlite:///{database}")
    expected: dict[str, int] = {}
    for kind in site.hostile.values():
        if kind in DROPPED_AS:
            expected[DROPPED_AS[kind]] = expected.get(DROPPED_AS[kind], 0) + 1
    dropped = {reason: n for reason, n in first.dropped.items() if reason in expected}
    assert dropped == expected
    assert first.error_kinds["download/CorruptBody"] == 1
    # The deep page is stored, or dropped by name: never lost uncounted.
    deep = site.served(next(u for u, k in site.hostile.items() if k == "deep_nesting"))
    stored = {url for (url,) in table(database, "SELECT url FROM articles")}
    deep_visits = table(database, f"SELECT outcome FROM page_visits WHERE url = '{deep}'")
    assert deep in stored or deep_visits[0][0].startswith("dropped:")
    # Every other article is stored, each once, and no hostile page is.
    plain = {site.served(u) for u in site.truth.articles if u not in site.hostile}
    assert plain <= stored
    assert not stored & {site.served(u) for u, k in site.hostile.items() if k != "deep_nesting"}
    assert first.finish_reason == "finished"


@pytest.mark.slow
def test_pages_that_hold_no_article_are_fetched_again_and_unreadable_ones_are_not(
    hostile: tuple[HostileSite, Path],
) -> None:
    site, database = hostile
    for url, kind in site.hostile.items():
        refetched = kind not in ("gzip_bomb", "redirect_too_long", "deep_nesting")
        assert site.requested(url) == (2 if refetched else 1), kind
    visits = dict(table(database, "SELECT url, outcome FROM page_visits"))
    for url, kind in site.hostile.items():
        if kind in ("gzip_bomb", "redirect_too_long"):
            assert visits[site.served(url)] == f"dropped:{DROPPED_AS[kind]}"
        elif kind != "deep_nesting":
            assert site.served(url) not in visits, kind
    # Blocks and bot checks wait for the next crawl; a "not found" page is given up on
    # until a crawl finds its link again (as after a 404).
    states = dict(table(database, "SELECT url, state FROM frontier_articles"))
    for url, kind in site.hostile.items():
        reason = DROPPED_AS.get(kind)
        if reason in ("ChallengePage", "BlockedPage"):
            assert states[site.served(url)] == "pending", kind
        elif reason in ("SoftNotFound", "EmptyArticle"):
            assert states[site.served(url)] == "failed", kind


@pytest.mark.slow
def test_an_address_of_3000_characters_is_never_fetched_and_is_counted(
    hostile: tuple[HostileSite, Path],
) -> None:
    site, database = hostile
    assert site.requested(site.long_url) == 0
    first, second = runs(f"sqlite:///{database}")
    assert first.dropped["UrlTooLong"] == 1  # the article that redirects there
    assert first.stats["dvcrawl/skipped/trap"] >= 1  # the home page's link to it
    skips = [
        json.loads(line)
        for line in (database.parent / "skips.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    (long_skip,) = {(s["reason"], s["detail"]) for s in skips if len(s["url"]) > 2083}
    assert long_skip == ("trap", "URL longer than 2083 characters")
    assert "UrlTooLong" not in second.dropped


@pytest.mark.slow
def test_a_crawl_most_of_whose_pages_hold_no_article_alarms_and_loses_nothing(
    tmp_path: Path,
) -> None:
    database_url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    with HostileSite(tmp_path / "site", kinds=()) as site:
        site.challenge_everything = True
        blocked = crawl(site, database_url)
        assert blocked.returncode == 1, blocked.stderr[-3000:]
        articles = len(site.truth.articles)
        assert (
            f"ALARM: {articles} of {articles} article pages held no article "
            f"(ChallengePage {articles})" in blocked.stdout
        )
        site.challenge_everything = False
        again = crawl(site, database_url)
        assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    first, second = runs(database_url)
    assert first.stored == 0
    assert first.dropped == {"ChallengePage": articles}
    assert second.stored == articles


@pytest.mark.slow
def test_a_page_sent_over_the_size_limit_is_dropped_and_not_fetched_again(
    tmp_path: Path,
) -> None:
    """Scrapy cuts the download off at DOWNLOAD_MAXSIZE (announced by Content-Length)."""
    database_url = f"sqlite:///{tmp_path / 'crawl.sqlite3'}"
    limit = ("-s", f"DOWNLOAD_MAXSIZE={LARGE_SIZE // 2}")
    with HostileSite(tmp_path / "site", kinds=("large",)) as site:
        (url,) = site.hostile
        for _ in range(2):
            result = crawl(site, database_url, *limit)
            assert result.returncode == 0, result.stdout + result.stderr[-3000:]
        assert site.requested(url) == 1
    first, second = runs(database_url)
    assert first.dropped == {"PageTooLarge": 1}
    assert first.stored == len(site.truth.articles) - 1
    assert first.errors == 0
    assert "PageTooLarge" not in second.dropped


@pytest.mark.slow
def test_a_30_mb_article_is_stored_whole_and_searchable(tmp_path: Path, database_url: str) -> None:
    with HostileSite(tmp_path / "site", kinds=("huge",)) as site:
        (url,) = site.hostile
        result = crawl(site, database_url)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    (run,) = runs(database_url)
    assert run.stored == len(site.truth.articles)
    assert run.stats["dvcrawl/pages/over_warnsize"] == 1
    with session_factory(get_engine(database_url))() as session:
        body = session.scalars(
            select(ArticleRecord.body).where(ArticleRecord.url == site.served(url))
        ).one()
    paragraphs = huge_paragraphs()
    assert body.split("\n\n") == paragraphs
    assert len(body) > 100 * SEARCH_TEXT_LIMIT
    last_code = paragraphs[-1].rsplit(" ", 1)[1].rstrip(".")
    with Corpus(database_url) as corpus:
        (hit,) = corpus.search('"hộ gia đình thứ 1 ở thôn 1"')
        assert hit.title == HUGE_TITLE
        assert corpus.search(last_code) == []  # past what search reads


def test_revision_0013_cuts_what_search_reads_of_rows_stored_before(database_url: str) -> None:
    """An article stored whole before the cap: its text stays whole, and search reads its
    beginning on both engines, as it does for articles stored after."""
    engine = get_engine(database_url)
    upgrade(engine, "0012")
    body = "\n\n".join(huge_paragraphs(3 * SEARCH_TEXT_LIMIT))
    now = datetime(2026, 12, 8, tzinfo=UTC)
    whole_fold = fold_diacritics(f"{HUGE_TITLE}\n{body}").lower()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sites (key, name, family, domains, former_domains, adhoc, "
                "first_seen_at, updated_at) VALUES ('nukeviet.test', 'Ban Dân vận', 'nukeviet', "
                "'[]', '[]', false, :now, :now)"
            ),
            {"now": now},
        )
        connection.execute(
            text(
                "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, "
                "image_urls, family, parser_revision, fetched_at, stored_at, search_folded) "
                "VALUES ('nukeviet.test', 'http://nukeviet.test/a-1.html', "
                "'http://nukeviet.test/a-1.html', :title, :body, '[]', '[]', 'nukeviet', "
                "'nukeviet@1', :now, :now, :folded)"
            ),
            # What dvcrawl folded before the cap: the whole text.
            {"title": HUGE_TITLE, "body": body, "now": now, "folded": whole_fold},
        )
    upgrade(engine)
    with engine.connect() as connection:
        stored, folded = connection.execute(
            text("SELECT length(body), length(search_folded) FROM articles")
        ).one()
    assert (stored, folded) == (len(body), SEARCH_TEXT_LIMIT)
    last_code = body.rsplit(" ", 1)[1].rstrip(".")
    with Corpus(database_url) as corpus:
        (hit,) = corpus.search('"hộ gia đình thứ 1 ở thôn 1"')
        assert hit.title == HUGE_TITLE
        assert corpus.search(last_code) == []
