"""Run crawls of several sites in one process and report how each ended."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import AsyncCrawlerProcess, Crawler
from scrapy.settings import Settings

from dvcrawl.discovery.detect import Detection
from dvcrawl.outcomes import (
    REVISIT_OUTCOMES,
    crawl_alarms,
    outcome_counts,
    revisit_counts,
)
from dvcrawl.sites import UNDETECTED, get_site
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.spiders.articles import NO_FAMILY, ArticlesSpider
from dvcrawl.spiders.detect import DetectSpider


@dataclass(frozen=True, kw_only=True)
class CrawlOptions:
    database_url: str
    full: bool = False
    # Fetch the archived articles again instead of walking listings (see ArticlesSpider).
    recheck: bool = False
    recheck_before: str = ""
    stop_after: int = 10
    max_pages: int = 0
    replay_paths: tuple[str, ...] = ()
    # None: DVCRAWL_WARC_DIR, except that a replay archives nothing; "": no WARC capture.
    warc_dir: str | None = None
    user_agent: str | None = None
    delay: float | None = None
    progress: float = 0.0
    # Every URL found and not fetched, as JSON lines ("": none).
    skip_report: str = ""
    log_level: str = "WARNING"
    tracebacks: bool = False
    overrides: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CrawlResult:
    site_key: str
    run_id: int | None
    finish_reason: str | None
    counts: dict[str, Any]
    failure: str | None = None
    alarms: tuple[str, ...] = ()
    revisits: dict[str, int] = field(default_factory=dict)
    # Archived articles a recheck crawl asked for; None for a crawl that walked listings.
    rechecked: int | None = None
    # What the front door of a site given by URL alone was recognised as, if it was read.
    verdict: str | None = None

    @property
    def healthy(self) -> bool:
        """Finished, without failure or alarm, nothing left pending: what a scheduled crawl's
        exit code reports."""
        return (
            self.failure is None
            and self.finish_reason == "finished"
            and not self.alarms
            and not self.counts.get("pending")
        )

    def summary(self) -> str:
        if self.failure is not None:
            return f"{self.site_key}: crawl failed: {self.failure}"
        if self.finish_reason == NO_FAMILY:
            return f"{self.site_key}: {self.verdict}; crawl run #{self.run_id}, {NO_FAMILY}"
        c = self.counts
        dropped = sum(c["dropped"].values()) - c["duplicates"]
        reasons = ", ".join(
            f"{name} {n}" for name, n in sorted(c["dropped"].items()) if not name.startswith("Dup")
        )
        failed = ", ".join(f"{kind} {n}" for kind, n in c["error_kinds"].items() if "/" in kind)
        alarms = "".join(f"; ALARM: {alarm}" for alarm in self.alarms)
        revisited = "".join(
            f", {self.revisits[outcome]} {words}"
            for outcome, words in REVISIT_OUTCOMES.items()
            if outcome in self.revisits
        )
        rechecked = "" if self.rechecked is None else f"{self.rechecked} rechecked: "
        count = c["skipped"]
        skipped = f", {count} link{'s' if count != 1 else ''} not followed" if count else ""
        pending = c.get("pending", 0)
        left = f", {pending} article{'s' if pending != 1 else ''} pending" if pending else ""
        return (
            f"{self.site_key}: {rechecked}{c['stored']} stored{revisited}, "
            f"{c['duplicates']} duplicate, "
            f"{dropped} dropped{f' ({reasons})' if reasons else ''}, "
            f"{c['errors']} errors{f' ({failed})' if failed else ''}{left}; "
            f"{c['requests']} requests ({c['listing_pages']} listing pages, "
            f"{c['article_pages']} article pages){skipped}; crawl run #{self.run_id}, "
            f"{self.finish_reason or 'not started'}{alarms}"
        )


def crawl_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule("dvcrawl.settings", priority="project")
    values: dict[str, Any] = {
        "DVCRAWL_DATABASE_URL": options.database_url,
        "DVCRAWL_FULL": options.full,
        "DVCRAWL_RECHECK": options.recheck,
        "DVCRAWL_RECHECK_BEFORE": options.recheck_before,
        "DVCRAWL_INCREMENTAL_STOP_AFTER": options.stop_after,
        "DVCRAWL_MAX_LISTING_PAGES": options.max_pages,
        "DVCRAWL_PROGRESS_INTERVAL": options.progress,
        "DVCRAWL_SKIP_REPORT": options.skip_report,
        "LOG_LEVEL": options.log_level,
    }
    if options.replay_paths:
        values["DVCRAWL_REPLAY_PATHS"] = list(options.replay_paths)
    if options.warc_dir is not None:
        values["DVCRAWL_WARC_DIR"] = options.warc_dir
    elif options.replay_paths:
        values["DVCRAWL_WARC_DIR"] = ""
    if options.user_agent:
        values["USER_AGENT"] = options.user_agent
    if options.delay is not None:
        values["DOWNLOAD_DELAY"] = options.delay
        values["AUTOTHROTTLE_START_DELAY"] = options.delay
    settings.setdict(values, priority="cmdline")
    settings.setdict(options.overrides, priority="cmdline")
    return settings


def spider_arguments(profile: SiteProfile) -> dict[str, str]:
    if profile.family is UNDETECTED:
        return {"start_url": ",".join(profile.start_urls), "site_key": profile.key}
    if profile.adhoc:
        return {
            "family": profile.family.name,
            "start_url": ",".join(profile.start_urls),
            "site_key": profile.key,
        }
    extra = [url for url in profile.start_urls if url not in get_site(profile.key).start_urls]
    return {"site": profile.key, **({"start_url": ",".join(extra)} if extra else {})}


def run_crawls(profiles: Sequence[SiteProfile], options: CrawlOptions) -> list[CrawlResult]:
    """Crawl the sites side by side (each host stays at one connection) and wait for all."""
    if not options.tracebacks:
        _drop_tracebacks()
    process = AsyncCrawlerProcess(crawl_settings(options))
    crawls: list[tuple[SiteProfile, Crawler, asyncio.Task[None]]] = []
    level = process.settings["LOG_LEVEL"]

    def quiet() -> None:
        _make_no_records_below(level)

    for profile in profiles:
        crawler = process.create_crawler(ArticlesSpider)
        crawler.signals.connect(quiet, signal=signals.engine_started)
        task = process.crawl(crawler, **spider_arguments(profile))
        crawls.append((profile, crawler, task))
    levels = {name: logging.getLogger(name).level for name in QUIETED_LOGGERS}
    try:
        process.start()
    finally:  # the caller's logging as it was (tests run crawls in their own process)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    return [_result(profile, crawler, task) for profile, crawler, task in crawls]


QUIETED_LOGGERS = ("", "scrapy")  # "": the root logger


def _make_no_records_below(level: str) -> None:
    """Scrapy's handler drops the records below LOG_LEVEL only once they are made: debug
    lines for every request, item and stored article, 6 % of the crawl's process. The
    loggers' levels keep them from being made. (Scrapy resets the root logger's level as
    each crawler starts, and sets its own logger's: this runs once the engine has started.)"""
    for name in QUIETED_LOGGERS:
        logging.getLogger(name).setLevel(level)


def detect_site(
    url: str, replay_paths: tuple[str, ...], user_agent: str
) -> tuple[Detection | None, str | None]:
    """Fetch ``url`` as a crawl would (robots.txt, User-Agent, replay) and detect its family;
    ``(None, why)`` when it could not be fetched."""
    settings = crawl_settings(
        CrawlOptions(
            database_url="",
            replay_paths=replay_paths,
            warc_dir="",
            user_agent=user_agent,
            delay=0.0,
            log_level="ERROR",
        )
    )
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("EXTENSIONS", {}, priority="cmdline")
    _drop_tracebacks()
    process = AsyncCrawlerProcess(settings)
    crawler = process.create_crawler(DetectSpider)
    process.crawl(crawler, url=url)
    process.start()
    spider = crawler.spider
    if not isinstance(spider, DetectSpider):
        return None, "the crawl did not start"
    if spider.detection is None:
        return None, spider.error or "no answer (forbidden by robots.txt, or an error status)"
    return spider.detection, None


def _drop_tracebacks() -> None:
    """Errors keep their one-line message; their tracebacks are for ``-v``.

    Scrapy installs its log handler anew for every crawler, so a handler filter would not
    last: the records are stripped where they are made instead.
    """
    make_record = logging.getLogRecordFactory()

    def one_line_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        record.exc_info = None
        return record

    logging.setLogRecordFactory(one_line_record)


def _result(profile: SiteProfile, crawler: Crawler, task: asyncio.Task[None]) -> CrawlResult:
    failure = None
    if task.done() and not task.cancelled() and task.exception() is not None:
        error = task.exception()
        failure = f"{type(error).__name__}: {error}"
    try:
        stats = crawler.stats.get_stats() if crawler.stats else {}
    except RuntimeError:  # the crawl failed before its stats existed
        stats = {}
    return CrawlResult(
        site_key=profile.key,
        run_id=stats.get("dvcrawl/crawl_run_id"),
        finish_reason=stats.get("finish_reason"),
        counts=outcome_counts(stats),
        revisits=revisit_counts(stats),
        failure=failure,
        alarms=tuple(crawl_alarms(stats)),
        rechecked=(
            stats.get("dvcrawl/recheck/requested", 0)
            if stats.get("dvcrawl/mode") == "recheck"
            else None
        ),
        verdict=stats.get("dvcrawl/detect/verdict"),
    )
