"""Drop articles already seen in this crawl, or repeating another stored article.

A stored article fetched again under its own URL is no duplicate but a revisit: it goes
on to the store pipeline, which compares it with what is stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import DropItem

from dvcrawl.items import Article
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker


class DuplicateArticle(DropItem):
    """Base of the duplicate drops; logged at DEBUG, they are routine on re-crawls."""

    def __init__(self, message: str) -> None:
        super().__init__(message, log_level="DEBUG")


class DuplicateUrl(DuplicateArticle):
    """The same URL (or canonical URL) again."""


class DuplicateArticleId(DuplicateArticle):
    """The site's own article id again, under another URL (another category path, say)."""


class DuplicateContent(DuplicateArticle):
    """Another URL and id, but the same title and body once keyed (a re-post)."""


REASONS: dict[str, type[DuplicateArticle]] = {
    "url": DuplicateUrl,
    "article_id": DuplicateArticleId,
    "content": DuplicateContent,
}


class DedupePipeline:
    """Within a crawl by in-memory keys, across crawls by asking the repository.

    Across crawls only another article's site id or content is a duplicate; the same URL
    again is a revisit, let through. Content is compared within one site: the same wire
    story on two provincial sites is two archived pages, not a duplicate.
    """

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.seen: dict[tuple[str, str], str] = {}
        self.sessions: sessionmaker[Session] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler.settings["DVCRAWL_DATABASE_URL"])

    def open_spider(self) -> None:
        self.sessions = session_factory(prepare(self.database_url))

    def process_item(self, item: Article) -> Article:
        keys = self._keys(item)
        for reason, key in keys:
            if (reason, key) in self.seen:
                raise REASONS[reason](f"{item.url} repeats {self.seen[reason, key]} ({reason})")
        assert self.sessions is not None
        with self.sessions() as session:
            found = ArchiveRepository(session).find_duplicate(item)
        if found is not None and found[0] != "url":
            reason, article_id = found
            raise REASONS[reason](f"{item.url} repeats stored article #{article_id} ({reason})")
        for reason, key in keys:
            self.seen[reason, key] = item.url or ""
        return item

    @staticmethod
    def _keys(item: Article) -> list[tuple[str, str]]:
        keys = [("url", url) for url in {item.url, item.canonical_url} if url]
        if item.site_article_id:
            keys.append(("article_id", item.site_article_id))
        if item.content_hash:
            keys.append(("content", item.content_hash))
        return keys
