"""Store each article in one transaction: the article with all its parts, or nothing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from dvcrawl.items import Article
from dvcrawl.pipelines.dedupe import DuplicateArticle
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import STORED, ArchiveRepository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)


class StoreConflict(DuplicateArticle):
    """Another writer stored the same article between the dedupe check and the insert."""


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
        with self.sessions.begin() as session:
            repository = ArchiveRepository(session)
            article_id = repository.add_article(item, run_id)
            if article_id is None:
                found = repository.find_duplicate(item)
                stored = f"#{found[1]}" if found else "an article"
                raise StoreConflict(f"{item.url} was stored meanwhile as {stored}")
            repository.record_visit(
                site_key=item.site_key,
                url=item.url,
                site_article_id=item.site_article_id,
                outcome=STORED,
                article_id=article_id,
                crawl_run_id=run_id,
            )
        self.stats.inc_value("dvcrawl/stored")
        logger.debug("stored %s as article #%d", item.url, article_id)
        return item
