"""Record every crawl in the database: site, start, end, finish reason, counts by outcome."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import DropItem, NotConfigured

from dvcrawl.items import Article
from dvcrawl.pipelines.dedupe import DuplicateArticle
from dvcrawl.spiders.articles import crawl_mode, site_identified
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session, sessionmaker

    from dvcrawl.sites.profile import SiteProfile

logger = logging.getLogger(__name__)

DROP_PREFIX = "item_dropped_reasons_count/"
# URLs discovered and not fetched, by reason (dvcrawl.discovery.grammar.Skip).
SKIPPED_PREFIX = "dvcrawl/skipped/"
LAYOUT_DROPS = ("MissingTitle", "MissingBody")
LAYOUT_ALARM_SHARE = 0.5
LAYOUT_ALARM_MIN_PAGES = 4


def crawl_alarms(stats: dict[str, Any]) -> list[str]:
    """Signs that a site moved, went offline or changed its layout: said loudly, never hidden
    behind a crawl that merely stored less and less."""
    counts = outcome_counts(stats)
    alarms = []
    if stats.get("dvcrawl/mode") == "recheck":
        # A recheck fetches no listing; what it must reach is the archived articles.
        reached = counts["article_pages"] + sum(revisit_counts(stats).values())
        if counts["errors"] and not reached:
            alarms.append(f"no archived article could be fetched ({counts['errors']} errors)")
    elif counts["errors"] and not counts["listing_pages"]:
        alarms.append(f"no listing page could be fetched ({counts['errors']} errors)")
    if stats.get("dvcrawl/listing/empty_first_page"):
        alarms.append("a listing's first page offered no article link")
    invalid = sum(counts["dropped"].get(reason, 0) for reason in LAYOUT_DROPS)
    pages = counts["article_pages"]
    if pages >= LAYOUT_ALARM_MIN_PAGES and invalid / pages >= LAYOUT_ALARM_SHARE:
        alarms.append(f"{invalid} of {pages} article pages had no title or no body")
    return alarms


def outcome_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl record's counts, from the crawl's stats."""
    dropped = {
        key.removeprefix(DROP_PREFIX): value
        for key, value in stats.items()
        if key.startswith(DROP_PREFIX)
    }
    duplicates = sum(n for reason, n in dropped.items() if reason.startswith("Duplicate"))
    duplicates += dropped.get("StoreConflict", 0)
    error_kinds = {
        "http": stats.get("httperror/response_ignored_count", 0),
        "download": stats.get("retry/max_reached", 0),
        "spider": sum(v for k, v in stats.items() if k.startswith("spider_exceptions/")),
        "pipeline": stats.get("dvcrawl/item_errors", 0),
    }
    skipped = sum(v for k, v in stats.items() if k.startswith(SKIPPED_PREFIX))
    return {
        "requests": stats.get("downloader/request_count", 0),
        "skipped": skipped,
        "listing_pages": stats.get("dvcrawl/pages/listing", 0),
        "article_pages": stats.get("dvcrawl/pages/article", 0),
        "stored": stats.get("dvcrawl/stored", 0),
        "duplicates": duplicates,
        "dropped": dropped,
        "errors": sum(error_kinds.values()),
        "error_kinds": error_kinds,
    }


REVISIT_PREFIX = "dvcrawl/revisit/"
# What fetching an archived article again found, in the order a summary names them.
REVISIT_OUTCOMES = {
    "edited": "edited",
    "unchanged": "unchanged",
    "restored": "restored",
    "taken_down": "taken down",
    "redirected_away": "redirected away",
    "still_gone": "still gone",
}


def revisit_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Archived articles fetched again (``--full``), by what was found; kept in the crawl
    record's ``stats`` as ``dvcrawl/revisit/<outcome>``."""
    return {
        outcome: stats[REVISIT_PREFIX + outcome]
        for outcome in REVISIT_OUTCOMES
        if stats.get(REVISIT_PREFIX + outcome)
    }


class CrawlRecorder:
    """Opens a crawl-run row when the spider opens and completes it when it closes.

    It also records the outcome of every dropped article page, so an incremental crawl
    does not fetch a known duplicate or non-article page again.
    """

    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        url = crawler.settings.get("DVCRAWL_DATABASE_URL")
        if not url:
            raise NotConfigured("DVCRAWL_DATABASE_URL is not set: crawls are not recorded")
        recorder = cls(crawler, url)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(recorder.item_error, signal=signals.item_error)
        crawler.signals.connect(recorder.site_identified, signal=site_identified)
        return recorder

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def spider_opened(self, spider: Spider) -> None:
        profile = spider.profile  # type: ignore[attr-defined]
        self.sessions = session_factory(prepare(self.database_url))
        with self.sessions.begin() as session:
            repository = ArchiveRepository(session)
            repository.save_site(profile)
            settings = self.crawler.settings
            mode = crawl_mode(settings.getbool("DVCRAWL_FULL"), settings.getbool("DVCRAWL_RECHECK"))
            self.run_id = repository.start_run(profile.key, mode)
        self.stats.set_value("dvcrawl/crawl_run_id", self.run_id)

    def site_identified(self, profile: SiteProfile) -> None:
        """A site given by URL alone now has its family: the site row says so."""
        if self.sessions is None:
            return
        with self.sessions.begin() as session:
            ArchiveRepository(session).save_site(profile)

    def item_dropped(self, item: Any, response: Any, exception: BaseException) -> None:
        if not isinstance(item, Article) or not item.url or not item.site_key:
            return
        if not isinstance(exception, DropItem) or self.sessions is None:
            return
        kind = "duplicate" if isinstance(exception, DuplicateArticle) else "dropped"
        with self.sessions.begin() as session:
            ArchiveRepository(session).record_visit(
                site_key=item.site_key,
                url=item.url,
                site_article_id=item.site_article_id,
                outcome=f"{kind}:{type(exception).__name__}",
                detail=str(exception),
                crawl_run_id=self.run_id,
            )

    def item_error(self, item: Any, response: Any, failure: Any) -> None:
        self.stats.inc_value("dvcrawl/item_errors")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.sessions is None or self.run_id is None:
            return
        for alarm in crawl_alarms(self.stats.get_stats()):
            logger.error("%s: %s", spider.profile.key, alarm)  # type: ignore[attr-defined]
            self.stats.inc_value("dvcrawl/alarms")
        stats = self.stats.get_stats()
        with self.sessions.begin() as session:
            ArchiveRepository(session).finish_run(
                self.run_id,
                finish_reason=reason,
                stats={key: _jsonable(value) for key, value in sorted(stats.items())},
                **outcome_counts(stats),
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
