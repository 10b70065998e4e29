"""Whole sites from their front door, offline: the real NukeViet capture and synthetic portals
in every routing and listing template, each crawled twice through the real ``dvcrawl``."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import fetched_uris, run_dvcrawl
from nukeviet_sites import PRESETS, SiteTruth, build_site

from dvcrawl.discovery.grammar import RouteKind
from dvcrawl.sites.families.nukeviet import PROBE_ID, NukeVietGrammar

pytestmark = pytest.mark.slow

CAPTURE = Path(__file__).parent / "fixtures" / "captures" / "nukeviet-dev"
# The goal: a complete first crawl makes at most 1.3 requests per article it stores.
REQUESTS_PER_ARTICLE = 1.3
GRAMMAR = NukeVietGrammar()


@dataclass
class Crawl:
    output: Any
    run: dict[str, Any]
    fetched: list[str]
    skips: list[dict[str, str]]


@dataclass
class TwoCrawls:
    stored: set[str]
    first: Crawl
    second: Crawl


def crawl_twice(home: str, replay: Path, folder: Path, *flags: str) -> TwoCrawls:
    """Crawl ``home`` twice into one database: URLs fetched are read from each crawl's WARC."""
    database = folder / "corpus.sqlite3"
    crawls = []
    for number in (1, 2):
        warcs, report = folder / f"warcs-{number}", folder / f"skips-{number}.jsonl"
        output = run_dvcrawl(
            "crawl", home, "--replay", str(replay), "--db", f"sqlite:///{database}",
            "--warc-dir", str(warcs), "--skip-report", str(report), "--progress", "0", *flags,
        )  # fmt: skip
        with sqlite3.connect(database) as connection:
            connection.row_factory = sqlite3.Row
            row = connection.execute("SELECT * FROM crawl_runs ORDER BY id DESC").fetchone()
        run = dict(row) if row else {}
        run["stats"] = json.loads(run.get("stats") or "{}")
        crawls.append(Crawl(output, run, fetched_uris(warcs), read_report(report)))
    with sqlite3.connect(database) as connection:
        stored = {url for (url,) in connection.execute("SELECT url FROM articles")}
    return TwoCrawls(stored, *crawls)


def read_report(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def listing_pages(crawl: Crawl, first_page: str) -> list[str]:
    """The pages of one listing a crawl fetched."""
    key = GRAMMAR.route(first_page).key
    return [
        url
        for url in crawl.fetched
        if GRAMMAR.route(url).kind is RouteKind.LISTING and GRAMMAR.route(url).key == key
    ]


def assert_frugal_and_incremental(
    crawls: TwoCrawls, articles: int, *, frugal: bool = True, gone: tuple[str, ...] = ()
) -> None:
    first, second = crawls.first, crawls.second
    assert first.output.returncode == 0, first.output.stderr[-3000:]
    assert second.output.returncode == 0, second.output.stderr[-3000:]
    requests = first.run["requests"]
    assert requests == len(first.fetched)
    if frugal:
        assert requests <= REQUESTS_PER_ARTICLE * articles, f"{requests} requests for {articles}"
    # A second crawl of the unchanged site fetches no article page, and no listing page
    # past the first (sitemaps, feeds and robots.txt aside). Deleted articles that answer
    # the site's "not found" page are the exception: that page is no visit, so the links
    # the first listing pages still show to them are followed again (after the soft-404
    # probe, made again for them), and the page that linked them offered something new,
    # so its listing is read one page further.
    assert second.run["article_pages"] == len(gone)
    assert second.run["stored"] == 0
    for url in second.fetched:
        route = GRAMMAR.route(url)
        probe = gone and route.key.endswith(f":{PROBE_ID}")
        assert route.kind is not RouteKind.ARTICLE or url in gone or probe, url
        assert route.page <= (2 if gone else 1), url


def test_the_real_capture_from_its_home_page(tmp_path: Path) -> None:
    truth = [json.loads(line) for line in (CAPTURE / "truth.jsonl").read_text().splitlines()]
    canonical = {article["url"] for article in truth}
    crawls = crawl_twice("http://127.0.0.1:8095/", CAPTURE / "site.warc.gz", tmp_path)
    assert crawls.stored == canonical, "every article, each once at its own address, nothing else"
    assert_frugal_and_incremental(crawls, len(canonical))
    first = crawls.first
    assert "127.0.0.1: 37 stored" in first.output.stdout
    assert first.run["stats"]["dvcrawl/detect/verdict"].startswith("nukeviet")
    # The sitemaps list every article: no listing had to be walked, and the report says so.
    reasons = {(line["reason"], line["detail"]) for line in first.skips}
    assert ("covered", "listing: the sitemaps list every article") in reasons
    assert any(line["reason"] == "offsite" for line in first.skips)
    assert first.run["stats"]["dvcrawl/skipped/covered"] >= 7


def test_the_real_capture_by_its_listings_alone(tmp_path: Path) -> None:
    """With sitemaps off, the category walk alone finds every article (37 articles under
    eight listings and a soft-404 probe take 49 requests: benchmarks/discovery_requests.py
    prints the figure; the goal is judged on the default crawl above)."""
    truth = [json.loads(line) for line in (CAPTURE / "truth.jsonl").read_text().splitlines()]
    crawls = crawl_twice(
        "http://127.0.0.1:8095/",
        CAPTURE / "site.warc.gz",
        tmp_path,
        "-s",
        "DVCRAWL_DISCOVERY_SITEMAPS=0",
    )
    assert crawls.stored == {article["url"] for article in truth}
    assert_frugal_and_incremental(crawls, len(truth), frugal=False)
    assert "http://127.0.0.1:8095/news/hoat-dong-dan-van/page-2/" in crawls.first.fetched


@pytest.fixture(scope="module", params=sorted(PRESETS), ids=str)
def synthetic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SiteTruth, TwoCrawls]:
    folder = tmp_path_factory.mktemp(request.param)
    truth = build_site(PRESETS[request.param], folder / "site")
    return truth, crawl_twice(truth.home, folder / "site", folder)


def test_every_article_of_a_synthetic_portal_once_and_nothing_else(
    synthetic: tuple[SiteTruth, TwoCrawls],
) -> None:
    truth, crawls = synthetic
    assert crawls.stored == set(truth.articles)
    assert not crawls.stored & set(truth.english)
    assert not [url for url in crawls.first.fetched if url in truth.english]


def test_a_synthetic_portal_is_crawled_frugally_then_incrementally(
    synthetic: tuple[SiteTruth, TwoCrawls],
) -> None:
    truth, crawls = synthetic
    assert_frugal_and_incremental(crawls, len(truth.articles), gone=truth.gone)


def test_traps_end_within_a_few_pages_counted(synthetic: tuple[SiteTruth, TwoCrawls]) -> None:
    truth, crawls = synthetic
    if not truth.trap_listings:
        assert "dvcrawl/skipped/trap" not in crawls.first.run["stats"]
        return
    stats = crawls.first.run["stats"]
    for reason in ("repeated_page", "empty_pages", "pagination_loop"):
        assert stats[f"dvcrawl/listing/end/{reason}"] == 1, reason
    for listing in truth.trap_listings:
        assert len(listing_pages(crawls.first, listing)) <= 4
    trap_lines = [line for line in crawls.first.skips if line["reason"] == "trap"]
    assert trap_lines
    assert stats["dvcrawl/skipped/trap"] == len(trap_lines)
    # The deleted articles answer the site's "not found" page with 200: dropped, counted.
    assert stats["item_dropped_reasons_count/SoftNotFound"] == len(truth.gone) > 0
    assert stats["dvcrawl/soft404_probe/soft"] == 1


def test_traps_end_in_full_crawls_too(tmp_path: Path) -> None:
    truth = build_site(PRESETS["traps"], tmp_path / "site")
    crawls = crawl_twice(truth.home, tmp_path / "site", tmp_path, "--full")
    assert crawls.stored == set(truth.articles)
    for crawl in (crawls.first, crawls.second):
        assert crawl.output.returncode == 0, crawl.output.stderr[-3000:]
        stats = crawl.run["stats"]
        assert crawl.run["mode"] == "full"
        for reason in ("repeated_page", "empty_pages", "pagination_loop"):
            assert stats[f"dvcrawl/listing/end/{reason}"] == 1, reason
        for listing in truth.trap_listings:
            assert len(listing_pages(crawl, listing)) <= 4


def test_a_site_no_family_recognises_is_one_clear_line(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pages").mkdir(parents=True)
    (site / "pages" / "home.html").write_text(
        '<html><head><meta name="generator" content="WordPress 6.5"></head><body>'
        '<a href="/2024/05/bai-viet/">Bài viết</a></body></html>',
        encoding="utf-8",
    )
    manifest = {
        "site": "blog",
        "responses": [
            {
                "url": "https://blog.example.vn/",
                "headers": {"Content-Type": "text/html; charset=utf-8"},
                "file": "pages/home.html",
            }
        ],
    }
    (site / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_dvcrawl(
        "crawl", "https://blog.example.vn/", "--replay", str(site),
        "--db", f"sqlite:///{tmp_path / 'c.sqlite3'}", "--progress", "0",
    )  # fmt: skip
    assert result.returncode == 1
    (line,) = result.stdout.strip().splitlines()
    assert line.startswith(
        "blog.example.vn: no platform family recognised at https://blog.example.vn/"
    )
    assert line.endswith("no_family_detected")


def test_a_url_of_a_registered_site_crawls_that_site_from_there_and_its_front_door(
    tmp_path: Path,
) -> None:
    site = Path(__file__).parent / "fixtures" / "sites" / "binh-phuoc"
    expected = json.loads((site / "expected.json").read_text(encoding="utf-8"))
    database = tmp_path / "c.sqlite3"
    result = run_dvcrawl(
        "crawl", "https://tinhuybinhphuoc.vn/news/Xay-dung-Dang/", "--replay", str(site),
        "--db", f"sqlite:///{database}", "--progress", "0",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        sites = {key for (key,) in connection.execute("SELECT DISTINCT site_key FROM articles")}
        stored = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert sites == {"binh-phuoc"}
    assert stored == len(expected["stored"]) + len(expected["one_of"])
