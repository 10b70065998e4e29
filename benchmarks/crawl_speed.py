"""Offline crawl speed and per-page extraction cost.

Prints two figures:

1. articles per second for end-to-end crawls (Scrapy engine, pipelines, SQLite) of every
   synthetic site under tests/fixtures/sites, replayed from their recordings; the crawls
   run one after another in one process, each into a fresh database, so every article is
   parsed, normalised, checked and stored;
2. the cost of extracting one page (parse + normalise) as a ratio to a bare
   ``lxml.html.fromstring`` of the same bytes, measured in this run over every page fixture.

Usage: python benchmarks/crawl_speed.py [--rounds N] [--repeat N]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
PAGES = ROOT / "tests" / "fixtures" / "pages"


def crawl_throughput(rounds: int) -> tuple[int, float]:
    """Stored articles and seconds spent crawling, over ``rounds`` passes of every site."""
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    from dvcrawl.crawling import CrawlOptions, crawl_settings
    from dvcrawl.sites import get_site
    from dvcrawl.spiders.articles import ArticlesSpider

    site_dirs = sorted(p.parent for p in SITES.glob("*/manifest.json"))
    totals = {"stored": 0, "seconds": 0.0}

    async def crawl_all(folder: Path) -> None:
        for round_number in range(rounds):
            for site_dir in site_dirs:
                options = CrawlOptions(
                    database_url=f"sqlite:///{folder / f'{site_dir.name}-{round_number}.sqlite3'}",
                    replay_paths=(str(site_dir),),
                    delay=0.0,
                    log_level="ERROR",
                    overrides={"AUTOTHROTTLE_ENABLED": False},
                )
                runner = AsyncCrawlerRunner(crawl_settings(options))
                crawler = runner.create_crawler(ArticlesSpider)
                started = time.perf_counter()
                await runner.crawl(crawler, site=get_site(site_dir.name).key)
                totals["seconds"] += time.perf_counter() - started
                assert crawler.stats is not None
                totals["stored"] += crawler.stats.get_value("dvcrawl/stored", 0)

    with tempfile.TemporaryDirectory() as folder:
        done = Deferred.fromFuture(asyncio.ensure_future(crawl_all(Path(folder))))
        failures: list[object] = []
        done.addErrback(failures.append)
        done.addBoth(lambda _: reactor.stop())  # type: ignore[attr-defined]
        reactor.run()  # type: ignore[attr-defined]
        if failures:
            print(failures[0], file=sys.stderr)
            raise SystemExit(1)
    return int(totals["stored"]), totals["seconds"]


def extraction_ratio(repeat: int) -> tuple[float, float, int]:
    """Median seconds per page for extraction and for a bare lxml parse, and pages timed."""
    import lxml.html

    extract_times: list[float] = []
    lxml_times: list[float] = []
    fixtures = sorted(p.parent for p in PAGES.glob("*/*/meta.json"))
    for folder in fixtures:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        body = (folder / "page.html").read_bytes()
        extract = functools.partial(_extract, meta, body)
        extract_times.append(_median_time(extract, repeat))
        lxml_times.append(_median_time(functools.partial(lxml.html.fromstring, body), repeat))
    return sum(extract_times), sum(lxml_times), len(fixtures)


def _extract(meta: dict[str, Any], body: bytes) -> object:
    """What the spider does with one page: decode, parse and, for articles, normalise."""
    from dvcrawl.parsing import parse_listing
    from dvcrawl.parsing.extracted import extract_article
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites import get_site

    profile = get_site(meta["site"])
    fetched_at = datetime.fromisoformat(meta["fetched_at"])
    page = Page.from_bytes(meta["url"], body, headers=meta["headers"], fetched_at=fetched_at)
    if meta["kind"] == "listing":
        return parse_listing(page, profile)
    return extract_article(page, profile)


def _median_time(function: object, repeat: int) -> float:
    assert callable(function)
    function()  # warm caches and imports
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over every synthetic site")
    parser.add_argument("--repeat", type=int, default=50, help="timings per page fixture")
    args = parser.parse_args()

    extract_seconds, lxml_seconds, pages = extraction_ratio(args.repeat)
    stored, seconds = crawl_throughput(args.rounds)
    print(
        f"end-to-end offline crawl: {stored} articles stored in {seconds:.2f} s "
        f"= {stored / seconds:.1f} articles/s ({args.rounds} rounds over the synthetic sites)"
    )
    print(
        f"extraction per page: {extract_seconds / pages * 1e3:.2f} ms; bare lxml.html parse: "
        f"{lxml_seconds / pages * 1e3:.2f} ms; ratio {extract_seconds / lxml_seconds:.1f}x "
        f"({pages} page fixtures, median of {args.repeat} runs each)"
    )


if __name__ == "__main__":
    main()
