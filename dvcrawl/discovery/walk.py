"""One listing walked page by page, and the rules that end the walk.

A walk ends at the last page (no link to the next one), or earlier for a reason it names:
in an incremental crawl, a page that offered nothing new to the archive; a page that
repeats one already seen, pages that keep offering "next" with no article not already on
an earlier page, or a "next" link that leads back to a page already walked (traps); the
page limit; or a complete sitemap that already lists every article (coverage).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class WalkEnd(StrEnum):
    LAST_PAGE = "last_page"
    KNOWN = "known"
    MAX_PAGES = "max_pages"
    REPEATED_PAGE = "repeated_page"
    EMPTY_PAGES = "empty_pages"
    PAGINATION_LOOP = "pagination_loop"
    COVERED = "covered"
    FAILED = "failed"


TRAP_ENDS = frozenset({WalkEnd.REPEATED_PAGE, WalkEnd.EMPTY_PAGES, WalkEnd.PAGINATION_LOOP})
# Ends after which every page of the listing has been read: its backfill is complete.
TO_THE_END = frozenset({WalkEnd.LAST_PAGE, *TRAP_ENDS})
# Pages in a row that offer no article an earlier page of the walk did not: the second one
# ends the walk. A real listing never does this; a site that clamps a page number past the
# end to the last page, or prints "next" under an empty list, does it forever.
BARREN_LIMIT = 2
# A page is compared with this many pages before it: a site that repeats a page (clamps a
# page number past the end) repeats the last real one.
RECENT_PAGES = 5


@dataclass(eq=False)
class ListingWalk:
    """The state of one listing: where it starts, how far it went, why it ended."""

    key: str
    first_url: str
    secondary: bool = False
    seed: bool = False
    hub: bool = False
    """A page read for its links alone (a home page): never paged."""
    section: str = ""
    """The part of the site it lists (a NukeViet module): see ``Route.section``."""
    backfill_complete: bool = False
    """Whether a walk (this one or an earlier crawl's) has read the listing to its end."""
    dormant: bool = False
    """Known from an earlier crawl, not found by this one (yet): not walked."""
    page: int = 0
    """The last page read (0: none yet)."""
    next_url: str | None = None
    """The page to read next, once the walk is let go on."""
    end: WalkEnd | None = None
    visited: set[str] = field(default_factory=set)
    page_links: dict[int, str] = field(default_factory=dict)
    """Links to pages of this listing seen anywhere, by page number."""
    articles: set[str] = field(default_factory=set)
    recent: list[frozenset[str]] = field(default_factory=list)
    barren: int = 0

    def __post_init__(self) -> None:
        self.next_url = self.first_url

    @property
    def started(self) -> bool:
        return self.page > 0

    def read_page(
        self,
        url: str,
        article_keys: Sequence[str],
        next_url: str | None,
        *,
        loops_back: bool = False,
        chrome: frozenset[str] = frozenset(),
        is_known: Callable[[str], bool] | None = None,
        stop_after: int = 0,
        max_pages: int = 0,
    ) -> str | None:
        """Take in one page of the walk; the next page's URL, or ``None`` with ``end`` set.

        ``article_keys`` are the articles the page links to, in page order; ``next_url``
        the next page it links to (or that the grammar builds); ``loops_back`` that its
        "next" link points to a page of this walk already read; ``chrome`` the articles
        every page of the site links to (side blocks), which are no listing's items.
        ``is_known`` (incremental
        crawls only) says whether an article is archived already: a page whose new
        articles are all archived, or ``stop_after`` of them in a row, ends the walk.
        """
        self.page += 1
        self.visited.add(url)
        self.next_url = None
        keys = list(dict.fromkeys(article_keys))
        new = [key for key in keys if key not in self.articles]
        self.articles.update(keys)
        items = frozenset(keys) - chrome
        repeated = bool(items) and any(items == page - chrome for page in self.recent)
        self.recent = [*self.recent[-(RECENT_PAGES - 1) :], items]
        self.barren = 0 if new else self.barren + 1
        if not new and repeated:
            self.end = WalkEnd.REPEATED_PAGE
        elif self.barren >= BARREN_LIMIT:
            self.end = WalkEnd.EMPTY_PAGES
        elif is_known is not None and new and _known_run(new, is_known, stop_after):
            self.end = WalkEnd.KNOWN
        elif next_url is None or next_url in self.visited:
            self.end = WalkEnd.PAGINATION_LOOP if loops_back or next_url else WalkEnd.LAST_PAGE
        elif max_pages and self.page >= max_pages:
            self.end = WalkEnd.MAX_PAGES
        else:
            self.next_url = next_url
        if self.end in TO_THE_END:
            self.backfill_complete = True
        return self.next_url

    def stop(self, reason: WalkEnd) -> None:
        """End the walk from outside (coverage, a failed page)."""
        self.next_url = None
        self.end = reason

    def unread_pages(self) -> list[str]:
        """Pages of this listing that were linked to but not read, in page order."""
        pending = [self.next_url] if self.next_url else []
        return pending + [
            url
            for number, url in sorted(self.page_links.items())
            if number > self.page and url not in self.visited and url not in pending
        ]


def _known_run(new: Sequence[str], is_known: Callable[[str], bool], stop_after: int) -> bool:
    """Whether every new article is archived, or ``stop_after`` of them in a row are."""
    run = 0
    for key in new:
        if is_known(key):
            run += 1
            if stop_after and run >= stop_after:
                return True
        else:
            return False
    return True
