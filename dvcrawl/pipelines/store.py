"""The archive's one writer: every row a crawl writes goes through here.

The writer opens the database when the crawl opens: it records the site and opens the
crawl record, reads what the archive holds of the site (``ArchiveIndex``) and hands the
spider an ``ArchiveView`` of it (the ``archive_opened`` signal); the spider never opens
the database. Items arrive here last in the pipeline:

* an ``Article`` is stored in one transaction, whole or not at all. One that repeats a
  stored article by URL is a revisit, compared with what is stored: an edit keeps the
  earlier state as a version (``revise_article``), an unchanged page only updates its
  visit; either way an article that was gone is recorded as restored. One that repeats
  another stored article by site id or content is dropped as a duplicate;
* an ``ArticleGone`` records a takedown or a redirect away of an archived article.

Articles dropped earlier in the pipeline (duplicates, pages that could not be read) leave
a visit, so an incremental crawl does not fetch them again; a page that held no article
(a soft 404, a block or a bot check) leaves none, and the article stays to be fetched.
When the crawl closes, its record is completed with its counts and alarms.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import Spider, signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from dvcrawl import signals as dvcrawl_signals
from dvcrawl.items import Article, ArticleFailure, ArticleGone, FrontierUpdate
from dvcrawl.outcomes import crawl_alarms, jsonable, outcome_counts
from dvcrawl.pipelines.dedupe import REASONS, DuplicateArticle
from dvcrawl.pipelines.validate import NotAnArticle
from dvcrawl.storage.db import prepare, session_factory, writer_engine
from dvcrawl.storage.repository import (
    EDITED,
    FAILED,
    HOST,
    RESTORED,
    STORED,
    ArchiveIndex,
    ArchiveRepository,
    FrontierState,
    RevisionConflict,
    process_alive,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session, sessionmaker

    from dvcrawl.sites.profile import SiteProfile

logger = logging.getLogger(__name__)
T = TypeVar("T")


DATABASE_UNAVAILABLE = "database_unavailable"
# Closing the crawl record waits at least this long for the database to come back.
CLOSE_WAIT = 60.0


class DatabaseUnavailable(DropItem):
    """Not written: the database stayed away past ``DVCRAWL_DATABASE_WAIT``. What it was
    about stays pending in the frontier, for the next crawl."""


def _unreachable(exc: DBAPIError) -> bool:
    """Whether a database error says the database cannot be reached or is held by another
    writer (rather than that a statement is wrong)."""
    text = str(exc.orig).lower()
    return any(
        sign in text
        for sign in (
            "database is locked",
            "connection",
            "server closed",
            "terminating",
            "shutting down",
            "starting up",
            "could not connect",
            "timeout",
        )
    )


def _first_line(exc: Exception) -> str:
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]


class StoreConflict(DuplicateArticle):
    """Another writer stored the same article between the duplicate check and the insert."""


class DuplicateAfterEdit(DuplicateArticle):
    """A stored article, fetched again, now has another stored article's site id or content."""


@dataclass
class ArchiveView:
    """What the spider may read of the archive, handed over when the crawl opens."""

    site_key: str
    run_id: int
    index: ArchiveIndex
    archived_urls: Callable[[datetime | None], Iterator[str]]
    """The site's archived article URLs in id order, streamed from the database (only those
    not fetched or visited since the time given): what a recheck crawl requests."""
    frontier: FrontierState | None = None
    """What earlier crawls left to do (None for a recheck, which walks nothing)."""


class StorePipeline:
    """Writes the crawl through the repository; a database error is raised, never swallowed."""

    def __init__(self, crawler: Crawler, database_url: str) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.max_attempts = crawler.settings.getint("DVCRAWL_ARTICLE_MAX_ATTEMPTS")
        self.database_wait = crawler.settings.getfloat("DVCRAWL_DATABASE_WAIT")
        self.sqlite_cache_mib = crawler.settings.getint("DVCRAWL_SQLITE_CACHE_MIB")
        self.unavailable = False
        self.sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None
        self.index = ArchiveIndex()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler, crawler.settings["DVCRAWL_DATABASE_URL"])
        connect = crawler.signals.connect
        connect(pipeline.item_dropped, signal=signals.item_dropped)
        connect(pipeline.item_error, signal=signals.item_error)
        connect(pipeline.spider_closed, signal=signals.spider_closed)
        connect(pipeline.site_identified, signal=dvcrawl_signals.site_identified)
        return pipeline

    @property
    def stats(self) -> StatsCollector:
        assert self.crawler.stats is not None
        return self.crawler.stats

    # --- opening and closing the crawl record --------------------------------------------

    def open_spider(self) -> None:
        spider = self.crawler.spider
        profile: SiteProfile = spider.profile  # type: ignore[union-attr]
        # Another process holding a SQLite file is waited out in ``_write``, pause by pause.
        engine = writer_engine(self.database_url, self.sqlite_cache_mib)
        self.sessions = session_factory(prepare(self.database_url, engine))
        settings = self.crawler.settings
        mode = crawl_mode(settings.getbool("DVCRAWL_FULL"), settings.getbool("DVCRAWL_RECHECK"))

        def start(repository: ArchiveRepository) -> tuple[int, ArchiveIndex, FrontierState | None]:
            repository.save_site(profile)
            for run_id in repository.close_interrupted_runs(HOST, process_alive, profile.key):
                logger.warning("%s: crawl run #%d was interrupted", profile.key, run_id)
            run_id = repository.start_run(profile.key, mode, host=HOST, pid=os.getpid())
            index = repository.archive_index(profile.key)
            frontier = repository.frontier_state(profile.key) if mode != "recheck" else None
            return run_id, index, frontier

        self.run_id, self.index, frontier = self._write(start)
        self.stats.set_value("dvcrawl/crawl_run_id", self.run_id)
        view = ArchiveView(
            profile.key, self.run_id, self.index, self._archived_urls(profile.key), frontier
        )
        self.crawler.signals.send_catch_log(dvcrawl_signals.archive_opened, archive=view)

    def _archived_urls(self, site_key: str) -> Callable[[datetime | None], Iterator[str]]:
        def stream(before: datetime | None) -> Iterator[str]:
            assert self.sessions is not None
            with self.sessions() as session:
                for _, url in ArchiveRepository(session).archived_urls(site_key, before):
                    yield url

        return stream

    def site_identified(self, profile: SiteProfile) -> None:
        """A site given by URL alone now has its family: the site row says so."""
        self._write(lambda repository: repository.save_site(profile))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.sessions is None or self.run_id is None:
            return
        self.unavailable = False  # one more wait, a longer one, to close the crawl record
        self.database_wait = max(self.database_wait, CLOSE_WAIT)
        try:
            self._close_record(spider, reason)
        except DatabaseUnavailable:
            logger.error(
                "crawl run #%d could not be closed: the next crawl or `dvcrawl stats` closes it",
                self.run_id,
            )

    def _close_record(self, spider: Spider, reason: str) -> None:
        assert self.run_id is not None
        final = getattr(spider, "final_update", None)
        update = final() if callable(final) else None
        if isinstance(update, FrontierUpdate):
            self._write(lambda repository: self._keep(repository, update))
        site_key = spider.profile.key  # type: ignore[attr-defined]
        pending = self._write(lambda repository: repository.pending_articles(site_key))
        if pending:
            self.stats.set_value("dvcrawl/frontier/pending", pending)
        for alarm in crawl_alarms(self.stats.get_stats()):
            logger.error("%s: %s", spider.profile.key, alarm)  # type: ignore[attr-defined]
            self.stats.inc_value("dvcrawl/alarms")
        stats = self.stats.get_stats()
        run_id = self.run_id
        self._write(
            lambda repository: repository.finish_run(
                run_id,
                finish_reason=reason,
                stats={key: jsonable(value) for key, value in sorted(stats.items())},
                **outcome_counts(stats),
            )
        )

    def _write(self, work: Callable[[ArchiveRepository], T]) -> T:
        """Run ``work`` in one transaction of its own, waiting out a database that went away.

        A database that cannot be reached (a Postgres restart, a SQLite file another process
        holds) is tried again, with growing pauses, for ``DVCRAWL_DATABASE_WAIT`` seconds;
        past that the crawl is closed as ``database_unavailable`` and whatever it could not
        write is left to the next crawl (the frontier still lists it as pending).
        """
        assert self.sessions is not None
        if self.unavailable:
            raise DatabaseUnavailable("the database is unavailable: not written")
        deadline = time.monotonic() + self.database_wait
        pause = 0.25
        while True:
            try:
                with self.sessions.begin() as session:
                    return work(ArchiveRepository(session))
            except (OperationalError, InterfaceError) as exc:
                if exc.connection_invalidated is False and not _unreachable(exc):
                    raise
                left = deadline - time.monotonic()
                if left <= 0:
                    self._give_up(exc)
                    raise DatabaseUnavailable(f"the database is unavailable: {exc.orig}") from exc
                self.stats.inc_value("dvcrawl/database/retries")
                logger.warning("database unavailable (%s); trying again", _first_line(exc))
                time.sleep(min(pause, left))
                pause = min(pause * 2, 5.0)

    def _give_up(self, exc: Exception) -> None:
        """The database stayed away past the wait: close the crawl, which the next resumes."""
        self.unavailable = True
        logger.error(
            "the database stayed unavailable for %.0f s (%s): closing the crawl",
            self.database_wait,
            _first_line(exc),
        )
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=DATABASE_UNAVAILABLE))

    # --- items -------------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Article):
            return self._store(item)
        if isinstance(item, ArticleGone):
            self._write(lambda repository: self._gone(repository, item))
        elif isinstance(item, FrontierUpdate):
            self._write(lambda repository: self._keep(repository, item))
        elif isinstance(item, ArticleFailure):
            self._write(lambda repository: self._failed(repository, item))
        return item

    @staticmethod
    def _keep(repository: ArchiveRepository, update: FrontierUpdate) -> None:
        """Articles found and walks moved, in one transaction."""
        repository.save_discovered(update.site_key, update.articles)
        for listing in update.listings:
            repository.save_listing(update.site_key, listing)

    def _failed(self, repository: ArchiveRepository, failure: ArticleFailure) -> None:
        state, attempts = repository.article_failed(
            failure.site_key,
            failure.key,
            failure.url,
            failure.error,
            permanent=failure.permanent,
            max_attempts=self.max_attempts,
        )
        if state == FAILED:
            self.stats.inc_value("dvcrawl/frontier/given_up")
            logger.warning(
                "%s: given up after %d attempts (%s)", failure.url, attempts, failure.error
            )

    def _store(self, item: Article) -> Article:
        assert item.site_key
        assert item.url
        outcome, article_id = self._write(lambda repository: self._store_in(repository, item))
        self.index.add_article(article_id, item.url, item.canonical_url, item.site_article_id)
        self.stats.inc_value(
            "dvcrawl/stored" if outcome == "stored" else f"dvcrawl/revisit/{outcome}"
        )
        logger.debug("%s %s as article #%d", outcome, item.url, article_id)
        return item

    def _store_in(self, repository: ArchiveRepository, item: Article) -> tuple[str, int]:
        assert item.site_key
        assert item.url
        found = repository.store_article(item, self.run_id)
        if found.kind == "duplicate" and found.reason == "conflict":
            raise StoreConflict(f"{item.url} was stored meanwhile")
        if found.kind == "duplicate":
            raise REASONS[found.reason](
                f"{item.url} repeats stored article #{found.article_id} ({found.reason})"
            )
        outcome = "stored"
        if found.kind == "revisit":
            outcome = self._revisit(repository, found.article_id, item)
        repository.record_visit(
            site_key=item.site_key,
            url=item.url,
            site_article_id=item.site_article_id,
            outcome=STORED,
            article_id=found.article_id,
            crawl_run_id=self.run_id,
        )
        self._settle(repository, item)
        return outcome, found.article_id

    @staticmethod
    def _settle(repository: ArchiveRepository, item: Article) -> None:
        """The article found is dealt with for good: the frontier's pending list drops it."""
        assert item.site_key
        assert item.url
        repository.settle_article(item.site_key, item.site_article_id, item.url)

    def _revisit(self, repository: ArchiveRepository, article_id: int, item: Article) -> str:
        """Compare a stored article fetched again; "edited" or "unchanged"."""
        try:
            changed = repository.revise_article(
                article_id, item, reason=EDITED, crawl_run_id=self.run_id
            )
        except RevisionConflict as exc:
            raise DuplicateAfterEdit(f"{item.url}: {exc}") from exc
        restored = repository.record_event(
            article_id,
            RESTORED,
            http_status=200,
            crawl_run_id=self.run_id,
            observed_at=item.fetched_at,
            warc_file=item.warc_file,
            warc_offset=item.warc_offset,
        )
        if restored is not None:
            self.stats.inc_value("dvcrawl/revisit/restored")
            logger.info("%s is back online (article #%d)", item.url, article_id)
        if changed:
            logger.info("%s was edited: %s", item.url, ", ".join(changed))
            return "edited"
        return "unchanged"

    def _gone(self, repository: ArchiveRepository, item: ArticleGone) -> None:
        """Record that an archived article is gone. The same takedown as the one last
        recorded is counted as ``still_gone``, not recorded again; the page visit is
        updated either way, so a recheck with a cutoff knows the article was checked."""
        article_id = repository.archived_article_id(item.site_key, item.url)
        if article_id is None:
            return
        event_id = repository.record_event(
            article_id,
            item.kind,
            http_status=item.http_status,
            location=item.location,
            crawl_run_id=self.run_id,
            warc_file=item.warc_file,
            warc_offset=item.warc_offset,
        )
        site_article_id = self.crawler.spider.profile.article_id(item.url)  # type: ignore[union-attr]
        repository.settle_article(item.site_key, site_article_id, item.url)
        repository.record_visit(
            site_key=item.site_key,
            url=item.url,
            site_article_id=site_article_id,
            outcome=item.kind,
            detail=f"HTTP {item.http_status}" + (f" to {item.location}" if item.location else ""),
            article_id=article_id,
            crawl_run_id=self.run_id,
        )
        self.stats.inc_value(
            f"dvcrawl/revisit/{item.kind if event_id is not None else 'still_gone'}"
        )
        logger.info(
            "archived article #%d %s: %s (HTTP %s%s)",
            article_id,
            item.kind.replace("_", " "),
            item.url,
            item.http_status,
            f", to {item.location}" if item.location else "",
        )

    def item_error(self, item: Any, response: Any, failure: Any) -> None:
        self.stats.inc_value("dvcrawl/item_errors")

    def item_dropped(self, item: Any, response: Any, exception: BaseException) -> None:
        """An article page dropped (a duplicate, no article) is visited for good: the next
        incremental crawl does not fetch it again."""
        if not isinstance(item, Article) or not item.url or not item.site_key:
            return
        if not isinstance(exception, DropItem) or isinstance(exception, DatabaseUnavailable):
            return
        if self.sessions is None or self.unavailable:
            return
        if isinstance(exception, NotAnArticle):
            # Not a visit: the article stays to be fetched again (see NotAnArticle).
            failure = ArticleFailure(
                site_key=item.site_key,
                key=item.site_article_id or item.url,
                url=item.url,
                error=f"{type(exception).__name__}: {exception}",
                permanent=not exception.transient,
            )
            self._write(lambda repository: self._failed(repository, failure))
            return
        kind = "duplicate" if isinstance(exception, DuplicateArticle) else "dropped"
        site_key, url = item.site_key, item.url

        def visited(repository: ArchiveRepository) -> None:
            repository.record_visit(
                site_key=site_key,
                url=url,
                site_article_id=item.site_article_id,
                outcome=f"{kind}:{type(exception).__name__}",
                detail=str(exception),
                crawl_run_id=self.run_id,
            )
            self._settle(repository, item)

        self._write(visited)
        self.index.add_visit(url, item.site_article_id)


def crawl_mode(full: bool, recheck: bool) -> str:
    """The crawl run's mode: "recheck", "full" or "incremental"."""
    return "recheck" if recheck else "full" if full else "incremental"
