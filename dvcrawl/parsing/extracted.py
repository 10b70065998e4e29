"""Pages as the crawl reads them: an article page's article, a listing page's listing,
and the links either holds.

The functions here take what a response carries (picklable: they run in a worker process,
see ``dvcrawl.workers``) and give back what the spider needs of the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dvcrawl.discovery.links import PageLinks, page_links
from dvcrawl.parsing.article import parse_article
from dvcrawl.parsing.listing import parse_listing
from dvcrawl.parsing.page import Page

if TYPE_CHECKING:
    from dvcrawl.items import Article, ListingPage
    from dvcrawl.sites.profile import SiteProfile


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    article: Article
    links: PageLinks
    decoded_by: str
    """How the bytes became text (see ``Page.decoded_by``)."""


def extract_article_page(
    profile: SiteProfile, url: str, body: bytes, headers: Mapping[str, str], status: int
) -> ExtractedPage:
    page = Page.from_bytes(url, body, headers=headers, status=status)
    return ExtractedPage(parse_article(page, profile), page_links(page), page.decoded_by)


@dataclass(frozen=True, slots=True)
class ExtractedListing:
    listing: ListingPage
    links: PageLinks


def extract_listing_page(
    profile: SiteProfile, url: str, body: bytes, headers: Mapping[str, str], status: int
) -> ExtractedListing:
    page = Page.from_bytes(url, body, headers=headers, status=status)
    return ExtractedListing(parse_listing(page, profile), page_links(page))
