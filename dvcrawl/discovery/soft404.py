"""Soft 404s: a site that answers a missing article with its "not found" page and HTTP 200.

Each crawl asks the site once for an article that cannot exist (the grammar makes up its
URL); what the site answers, read by the family's own article parser, is compared with
every article page fetched after. The comparison is of the extracted title and text, not
of whole pages, so the menus and footers every page shares do not make articles look
alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dvcrawl.items import Article

# A page is the "not found" page when it holds nearly all of that page's word triples and
# not many more: the page may repeat the address asked for, or a search box's words.
SAME_PAGE = 0.9
SLACK = 20
WORD = re.compile(r"\w+")


def _shingles(article: Article) -> frozenset[str]:
    words = WORD.findall(" ".join([article.title or "", *article.body]).lower())
    if len(words) < 3:
        return frozenset(words)
    return frozenset(" ".join(words[i : i + 3]) for i in range(len(words) - 2))


@dataclass(frozen=True, slots=True)
class NotFoundPage:
    """What the site's "not found" page extracts to."""

    shingles: frozenset[str]

    @classmethod
    def of(cls, probe: Article) -> NotFoundPage | None:
        """The probe's answer as a signature; ``None`` if nothing could be extracted from it
        (such pages are dropped as lacking a title or body anyway)."""
        shingles = _shingles(probe)
        return cls(shingles) if shingles else None

    def matches(self, article: Article) -> bool:
        shingles = _shingles(article)
        if not shingles or len(shingles) > 2 * len(self.shingles) + SLACK:
            return False
        return len(shingles & self.shingles) / len(self.shingles) >= SAME_PAGE
