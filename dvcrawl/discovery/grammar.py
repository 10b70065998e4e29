"""URL grammars: what a link on a site is, and why a link is not followed.

A platform family supplies a grammar: which URLs are articles (and which article, since
one article answers under several URLs), which are listings (and which page of which
listing), how page N of a listing is written, and which URLs are never worth a request
(print views, search, logins, other languages). Discovery asks nothing else of a family,
so a grammar learned from a site's own links (a site of an unknown CMS) plugs in here too.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# An article id no site has reached: NukeViet and most CMSes keep ids in 32-bit columns.
MADE_UP_ID = "4294967290"


class RouteKind(StrEnum):
    ARTICLE = "article"
    LISTING = "listing"
    HUB = "hub"
    """A page worth reading for its links only: a home page without pagination."""
    FEED = "feed"
    SITEMAP = "sitemap"
    OTHER = "other"


class Skip(StrEnum):
    """Why a URL that was discovered is not fetched; the skip report and the crawl record
    count them under these names."""

    OFFSITE = "offsite"
    ROBOTS = "robots"
    OTHER_LANGUAGE = "other_language"
    NOT_ARTICLE_OR_LISTING = "not_article_or_listing"
    TRAP = "trap"
    ALREADY_KNOWN = "already_known"
    COVERED = "covered"
    """A listing or feed another source stands in for (a sitemap that lists every article)."""
    SECONDARY_LISTING = "secondary_listing"


@dataclass(frozen=True, slots=True)
class Route:
    """What one URL is on its site.

    ``key`` identifies the article or the listing across the URLs it answers under (an
    article listed in two categories, page 3 of a category); ``section`` groups URLs that
    one part of the site serves (a NukeViet module), so a section that turns out to serve no
    articles can be left alone. A route with ``skip`` set is not to be fetched, ``detail``
    saying why in words.
    """

    kind: RouteKind
    key: str = ""
    page: int = 1
    first_page: str = ""
    """Listings: the URL of the listing's first page."""
    section: str = ""
    secondary: bool = False
    """A listing that only repeats articles the primary listings reach (tags, authors)."""
    skip: Skip | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        # A crawl keeps a route for every URL it meets: the few section names are shared,
        # not one string per URL.
        object.__setattr__(self, "section", sys.intern(self.section))

    @classmethod
    def skipped(cls, reason: Skip, detail: str) -> Route:
        return _skipped_route(reason, detail)

    @classmethod
    def other(cls, detail: str) -> Route:
        return cls.skipped(Skip.NOT_ARTICLE_OR_LISTING, detail)


@lru_cache(maxsize=4096)
def _skipped_route(reason: Skip, detail: str) -> Route:
    """One shared route per reason and detail: every print view of every article is alike."""
    return Route(RouteKind.OTHER, skip=reason, detail=detail)


class UrlGrammar(Protocol):
    """The URL scheme of one platform family, as discovery uses it."""

    @property
    def blind_paging(self) -> bool:
        """Pages are numbered by ``page_url`` alone, because listings print no pager links."""
        ...

    @property
    def sitemap_cap(self) -> int | None:
        """Entries at which the CMS cuts a sitemap; a sitemap shorter than that lists every
        article of its part of the site. ``None``: no sitemap is known to be whole."""
        ...

    @property
    def sitemap_paths(self) -> tuple[str, ...]:
        """Where sitemaps live when robots.txt names none (paths from the site root)."""
        ...

    def route(self, url: str) -> Route:
        """What ``url`` is; its host has been checked already."""
        ...

    def page_url(self, listing_url: str, page: int) -> str | None:
        """Page ``page`` (from 1) of the listing whose first page is ``listing_url``."""
        ...

    def probe_url(self, article_url: str) -> str | None:
        """A URL of the article shape that names no article: how the site answers for a
        missing article (a 404, or a "not found" page served with 200)."""
        ...


def path_segments(url: str) -> list[str]:
    """The non-empty segments of the path of ``url``."""
    return [segment for segment in urlsplit(url).path.split("/") if segment]


@dataclass(frozen=True, kw_only=True)
class PatternGrammar:
    """A grammar written as patterns, for sites whose URLs say plainly what they are.

    ``article`` matches article URLs (path and query), its group ``id`` being the article's
    id; ``listing`` matches the path of listing pages; the query parameters in
    ``listing_params`` tell one listing from another, ``page_param`` numbers its pages and
    ``paging_params`` go with it (a page size); ``page`` writes page N (N > 1) of a listing
    from its first page.
    """

    article: re.Pattern[str]
    listing: re.Pattern[str]
    page: Callable[[str, int], str]
    listing_params: tuple[str, ...] = ()
    page_param: str = "page"
    paging_params: tuple[str, ...] = ()
    blind_paging: bool = True
    sitemap_cap: int | None = None
    sitemap_paths: tuple[str, ...] = ("/sitemap.xml",)

    def route(self, url: str) -> Route:
        match = self.article.search(url)
        segments = path_segments(url)
        section = segments[0].lower() if segments else ""
        if match is not None:
            return Route(RouteKind.ARTICLE, key=match.group("id"), section=section)
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if not segments:
            return Route(RouteKind.HUB) if not query else Route.other("query on the home page")
        if not self.listing.search(parts.path):
            return Route.other("neither an article nor a listing")
        values = dict(query)
        known = {self.page_param, *self.listing_params, *self.paging_params}
        if any(name not in known for name, _ in query):
            return Route.other("query variant of a listing")
        number = values.get(self.page_param, "1")
        page = int(number) if number.isdigit() and int(number) > 0 else 1
        paged = any(name in (self.page_param, *self.paging_params) for name, _ in query)
        first = parts._replace(fragment="").geturl()
        if paged:
            kept = [(k, v) for k, v in query if k in self.listing_params]
            first = urlunsplit(parts._replace(query=urlencode(kept, safe="/"), fragment=""))
        key = parts.path.rstrip("/").lower() + "".join(
            f"&{name}={values.get(name, '')}" for name in self.listing_params
        )
        return Route(RouteKind.LISTING, key=key, page=page, first_page=first, section=section)

    def page_url(self, listing_url: str, page: int) -> str | None:
        return listing_url if page <= 1 else self.page(listing_url, page)

    def probe_url(self, article_url: str) -> str | None:
        """The article URL with its id swapped for one that names nothing."""
        match = self.article.search(article_url)
        if match is None:
            return None
        found = match.group("id")
        made_up = MADE_UP_ID if found.isdigit() else "0" * len(found)
        return article_url[: match.start("id")] + made_up + article_url[match.end("id") :]
