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


class NaiveDatetime(InvalidArticle):
    """A publication time without a timezone: a parser bug, never stored."""


class NotAnArticle(InvalidArticle):
    """A page standing where an article should, holding none. It is not a visit: the
    article stays to be fetched again, by the next crawl when ``transient`` (the site may
    let the crawler in, or be back, by then), else by a crawl that finds its link again
    (as after a 404)."""

    transient = False


class SoftNotFound(NotAnArticle):
    """The site's "not found" page, served with HTTP 200 (a soft 404)."""


class EmptyArticle(NotAnArticle):
    """The article template printed with nothing in it: no title, no text."""


class BlockedPage(NotAnArticle):
    """A refusal served with HTTP 200: "Access denied", a firewall's or a rate limit's page."""

    transient = True


class ChallengePage(NotAnArticle):
    """A bot check: a captcha, or a browser challenge ("Just a moment...")."""

    transient = True


class UnavailablePage(NotAnArticle):
    """The site's "down for maintenance" page, served with HTTP 200."""

    transient = True


class Unreadable(InvalidArticle):
    """A page that could not be read whole. Recorded as visited, so that no later crawl
    fetches (or inflates, or parses) it again; ``--full`` does."""


class PageTooLarge(Unreadable):
    """Over ``DOWNLOAD_MAXSIZE``, as sent or once inflated (a gzip bomb)."""


class ExtractionFailed(Unreadable):
    """Extracting the page raised (the error names why)."""


class UrlTooLong(Unreadable):
    """The article redirected to an address over ``URLLENGTH_LIMIT``: a generated trap,
    never fetched."""


PAGE_DROPS: dict[str, type[InvalidArticle]] = {
    drop.__name__: drop
    for drop in (
        SoftNotFound,
        EmptyArticle,
        BlockedPage,
        ChallengePage,
        UnavailablePage,
        PageTooLarge,
        ExtractionFailed,
        UrlTooLong,
    )
}
# What the crawl's alarm counts as pages that were no article (see dvcrawl.outcomes).
NOT_ARTICLE_DROPS = tuple(
    name for name, drop in PAGE_DROPS.items() if issubclass(drop, NotAnArticle)
)
# Of those, the site's own word that no article stands at the address (not a block, not
# a bot check, which say nothing of what the site holds).
NO_ARTICLE_HERE_DROPS = tuple(
    name
    for name, drop in PAGE_DROPS.items()
    if issubclass(drop, NotAnArticle) and not drop.transient
)


def validate_article(article: Article) -> Article:
    if not article.url:
        raise MissingUrl("article without a URL")
    if article.dropped is not None:
        drop = PAGE_DROPS.get(article.dropped.reason)
        if drop is None:
            raise ValueError(f"no such page drop: {article.dropped.reason!r}")
        raise drop(f"{article.url}: {article.dropped.detail}")
    if not article.title:
        raise MissingTitle(f"no title found on {article.url}")
    if not article.body:
        raise MissingBody(f"no body text found on {article.url}")
    if article.published_at is not None and article.published_at.utcoffset() is None:
        raise NaiveDatetime(f"naive published_at {article.published_at} on {article.url}")
    return article


class ValidatePipeline:
    """Drops articles without URL, title or body, and pages that hold no article or could
    not be read; counts missing optional fields per site."""

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
