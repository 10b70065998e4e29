"""A progress line on stderr every few seconds, for archivists watching a long crawl."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from dvcrawl.outcomes import outcome_counts

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def progress_line(site: str, stats: dict[str, Any]) -> str:
    counts = outcome_counts(stats)
    dropped = sum(counts["dropped"].values()) - counts["duplicates"]
    found = stats.get("dvcrawl/discovered/articles", 0)
    return (
        f"[{site}] {counts['listing_pages']} listing pages, {found} articles found, "
        f"{counts['article_pages']} fetched: {counts['stored']} stored, "
        f"{counts['duplicates']} duplicate, {dropped} dropped, {counts['errors']} errors"
    )


class ProgressReporter:
    """Prints ``progress_line`` every ``DVCRAWL_PROGRESS_INTERVAL`` seconds and at the end."""

    def __init__(self, crawler: Crawler, interval: float, stream: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.loop: task.LoopingCall | None = None
        self.site = "?"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        interval = crawler.settings.getfloat("DVCRAWL_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured  # switched off on purpose: nothing to warn about
        reporter = cls(crawler, interval)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: Spider) -> None:
        self.site = spider.profile.key  # type: ignore[attr-defined]
        self.loop = task.LoopingCall(self.report)
        self.loop.start(self.interval, now=False)

    def report(self) -> None:
        assert self.crawler.stats is not None
        print(progress_line(self.site, self.crawler.stats.get_stats()), file=self.stream)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.report()
