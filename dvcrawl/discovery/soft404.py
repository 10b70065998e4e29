"""Soft 404s: a site that answers a missing article with its "not found" page and HTTP 200.

Each crawl asks the site once for an article that cannot exist (the grammar makes up its
URL); what the site answers, read by the family's own article parser, is compared with
every article page fetched after. The comparison is of the extracted title and text, not
of whole pages, so the menus and footers every page shares do not make articles look
alike. A "not found" page the parser reads nothing from (no article template at all) is
known by its ``<title>`` instead, on pages that hold no article either
(``dvcrawl.parsing.not_article``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvcrawl.text import fold_diacritics

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
    """What the site's "not found" page extracts to, and its ``<title>``."""

    shingles: frozenset[str]
    title: str = ""
    """The page's ``<title>``, without diacritics, in lower case, spaces collapsed."""

    @classmethod
    def of(cls, probe: Article, page_title: str = "") -> NotFoundPage | None:
        """The probe's answer as a signature; ``None`` if it has neither text nor title."""
        shingles = _shingles(probe)
        title = folded_title(page_title)
        return cls(shingles, title) if shingles or title else None

    def matches(self, article: Article) -> bool:
        if not self.shingles:
            return False
        shingles = _shingles(article)
        if not shingles or len(shingles) > 2 * len(self.shingles) + SLACK:
            return False
        return len(shingles & self.shingles) / len(self.shingles) >= SAME_PAGE

    def titles(self, page_title: str) -> bool:
        """Whether a page's ``<title>`` is this page's (for a page that holds no article)."""
        return bool(self.title) and folded_title(page_title) == self.title


def folded_title(title: str) -> str:
    return " ".join(fold_diacritics(title).lower().split())
