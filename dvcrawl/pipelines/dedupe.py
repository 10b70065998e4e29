"""Drop articles already seen in this crawl, by URL, site id or content.

Repeats of articles stored by earlier crawls are told by the store pipeline, in the same
transaction as the insert; a stored article fetched again under its own URL is no
duplicate but a revisit, which the store pipeline compares with what is stored.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from dvcrawl.items import Article


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
    """Within a crawl, by in-memory keys: the same URL, site id or content again."""

    def __init__(self) -> None:
        # reason -> key -> the URL of the article first seen with it (one dict per reason:
        # a tuple per key would cost more than the key itself)
        self.seen: dict[str, dict[str | bytes, str]] = {reason: {} for reason in REASONS}

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Article):
            return item
        keys = self._keys(item)
        for reason, key in keys:
            first = self.seen[reason].get(key)
            if first is not None:
                raise REASONS[reason](f"{item.url} repeats {first} ({reason})")
        for reason, key in keys:
            self.seen[reason][key] = item.url or ""
        return item

    @staticmethod
    def _keys(item: Article) -> list[tuple[str, str | bytes]]:
        keys: list[tuple[str, str | bytes]] = [("url", item.url)] if item.url else []
        if item.canonical_url and item.canonical_url != item.url:
            keys.append(("url", item.canonical_url))
        if item.site_article_id:
            keys.append(("article_id", item.site_article_id))
        if item.content_hash:
            # the digest's bytes, not its hex: half the memory, for every article of a crawl
            keys.append(("content", bytes.fromhex(item.content_hash)))
        return keys
