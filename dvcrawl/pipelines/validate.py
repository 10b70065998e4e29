"""Refuse articles that cannot be stored honestly; each reason is its own ``DropItem``.

Scrapy counts drops by exception class (``item_dropped_reasons_count/MissingTitle``),
so every reason below shows up by name in the crawl's stats and its crawl record.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from dvcrawl.items import Article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

OPTIONAL_FIELDS = ("lead", "published_at", "byline", "category")


class InvalidArticle(DropItem):
    """Base of the validation drops."""


class MissingUrl(InvalidArticle):
    pass


class MissingTitle(InvalidArticle):
    """No title: usually an error page served with HTTP 200, or a changed layout."""


class MissingBody(InvalidArticle):
    """A title but no body text: a changed layout, or a page that is not an article."""


class SoftNotFound(InvalidArticle):
    """A page that answered 200 but is the site's "not found" page (a soft 404)."""


class NaiveDatetime(InvalidArticle):
    """A publication time without a timezone: a parser bug, never stored."""


def validate_article(article: Article) -> Article:
    if not article.url:
        raise MissingUrl("article without a URL")
    if article.not_found:
        raise SoftNotFound(f"{article.url}: {article.not_found}")
    if not article.title:
        raise MissingTitle(f"no title found on {article.url}")
    if not article.body:
        raise MissingBody(f"no body text found on {article.url}")
    if article.published_at is not None and article.published_at.utcoffset() is None:
        raise NaiveDatetime(f"naive published_at {article.published_at} on {article.url}")
    return article


class ValidatePipeline:
    """Drops articles without URL, title or body; counts missing optional fields per site."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        validate_article(item)
        for name in OPTIONAL_FIELDS:
            if not getattr(item, name):
                self.stats.inc_value(f"dvcrawl/{item.site_key}/article/missing/{name}")
        return item
