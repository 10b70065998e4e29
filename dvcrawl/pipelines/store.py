"""Store each article in one transaction: the article with all its parts, or nothing.

A stored article fetched again (a ``--full`` crawl) is compared with what is stored: an
edit keeps the earlier state as a version (``revise_article``), an unchanged page only
updates its visit. Either way an article that was gone is recorded as restored.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from dvcrawl.items import Article
from dvcrawl.pipelines.dedupe import DuplicateArticle
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import (
    EDITED,
    RESTORED,
    STORED,
    ArchiveRepository,
    RevisionConflict,
)

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)


class StoreConflict(DuplicateArticle):
    """Another writer stored the same article between the dedupe check and the insert."""


class DuplicateAfterEdit(DuplicateArticle):
    """A stored article, fetched again, now has another stored article's site id or content."""


class StorePipeline:
    """Writes articles through the repository; a database error is raised, never swallowed."""

    def __init__(self, database_url: str, stats: StatsCollector) -> None:
        self.database_url = database_url
        self.stats = stats
        self.sessions: sessionmaker[Session] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler.settings["DVCRAWL_DATABASE_URL"], crawler.stats)

    def open_spider(self) -> None:
        self.sessions = session_factory(prepare(self.database_url))

    def process_item(self, item: Article) -> Article:
        assert self.sessions is not None
        assert item.site_key
        assert item.url
        run_id = self.stats.get_value("dvcrawl/crawl_run_id")
        outcome = "stored"
        with self.sessions.begin() as session:
            repository = ArchiveRepository(session)
            article_id = repository.add_article(item, run_id)
            if article_id is None:
                found = repository.find_duplicate(item)
                if found is None or found[0] != "url":
                    stored = f"#{found[1]}" if found else "an article"
                    raise StoreConflict(f"{item.url} was stored meanwhile as {stored}")
                article_id = found[1]
                outcome = self._revisit(repository, article_id, item, run_id)
            repository.record_visit(
                site_key=item.site_key,
                url=item.url,
                site_article_id=item.site_article_id,
                outcome=STORED,
                article_id=article_id,
                crawl_run_id=run_id,
            )
        self.stats.inc_value(
            "dvcrawl/stored" if outcome == "stored" else f"dvcrawl/revisit/{outcome}"
        )
        logger.debug("%s %s as article #%d", outcome, item.url, article_id)
        return item

    def _revisit(
        self, repository: ArchiveRepository, article_id: int, item: Article, run_id: int | None
    ) -> str:
        """Compare a stored article fetched again; "edited" or "unchanged"."""
        try:
            changed = repository.revise_article(
                article_id, item, reason=EDITED, crawl_run_id=run_id
            )
        except RevisionConflict as exc:
            raise DuplicateAfterEdit(f"{item.url}: {exc}") from exc
        restored = repository.record_event(
            article_id,
            RESTORED,
            http_status=200,
            crawl_run_id=run_id,
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
