"""Pages as the crawl reads them: an article page's article, a listing page's listing,
and the links either holds.

``extract_article`` is the one extraction chain for an article page: parse, then normalise
(validation is the crawl's pipeline, re-extraction's and the tests' own step). The
``extract_*_page`` functions take what a response carries (picklable: they run in a worker
process, see ``dvcrawl.workers``) and give back what the spider needs of the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvcrawl.discovery.links import PageLinks, page_links
from dvcrawl.parsing.article import parse_article
from dvcrawl.parsing.listing import parse_listing
from dvcrawl.parsing.normalize import changed_fields, normalize_article
from dvcrawl.parsing.not_article import page_drop
from dvcrawl.parsing.page import Page

if TYPE_CHECKING:
    from dvcrawl.discovery.soft404 import NotFoundPage
    from dvcrawl.items import Article, ListingPage
    from dvcrawl.sites.profile import SiteProfile


def extract_article(page: Page, profile: SiteProfile) -> Article:
    """The article on ``page``, its text as stored (see ``dvcrawl.parsing.normalize``)."""
    return _parsed_and_stored(page, profile)[1]


def _parsed_and_stored(page: Page, profile: SiteProfile) -> tuple[Article, Article]:
    """The article as parsed, and as normalised for storing."""
    parsed = parse_article(page, profile)
    return parsed, normalize_article(parsed)


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    article: Article
    links: PageLinks
    decoded_by: str
    """How the bytes became text (see ``Page.decoded_by``)."""
    normalized: tuple[str, ...]
    """The text fields normalising changed."""


def extract_article_page(
    profile: SiteProfile,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    status: int,
    not_found: NotFoundPage | None = None,
) -> ExtractedPage:
    """The page's article, marked ``dropped`` if the page holds none (``not_found``: the
    site's answer to the crawl's soft-404 probe, see ``dvcrawl.parsing.not_article``)."""
    page = Page.from_bytes(url, body, headers=headers, status=status)
    parsed, article = _parsed_and_stored(page, profile)
    article.dropped = page_drop(page, parsed, profile.article_rules, not_found)
    changed = changed_fields(parsed, article)
    return ExtractedPage(article, page_links(page), page.decoded_by, changed)


@dataclass(frozen=True, slots=True)
class ExtractedListing:
    listing: ListingPage
    links: PageLinks


def extract_listing_page(
    profile: SiteProfile, url: str, body: bytes, headers: Mapping[str, str], status: int
) -> ExtractedListing:
    page = Page.from_bytes(url, body, headers=headers, status=status)
    return ExtractedListing(parse_listing(page, profile), page_links(page))
