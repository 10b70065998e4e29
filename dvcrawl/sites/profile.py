"""The declarative shapes of a site: platform families, listing and article rules, profiles.

A *family* holds the URL scheme and markup rules shared by every site on one CMS; a
*profile* names one site and overrides only what differs. Selectors are tuples of
ordered fallbacks: CSS, or XPath when the string starts with ``/``, ``./``, ``(`` or ``id(``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dvcrawl.discovery.detect import Markers
from dvcrawl.discovery.grammar import RouteKind, UrlGrammar

if TYPE_CHECKING:
    from dvcrawl.items import ListingPage
    from dvcrawl.loaders import ArticleLoader
    from dvcrawl.parsing.page import Page

Selectors = tuple[str, ...]

# The head's metadata, read from the head's children before the whole page is searched
# (a theme that prints a meta tag in the body still has it found, by the fallback).
HEAD_CANONICAL = "/html/head/link[@rel='canonical']/@href"
HEAD_SECTION = "/html/head/meta[@property='article:section']/@content"
HEAD_TAGS = (
    "/html/head/meta[@property='article:tag']/@content",
    "meta[property='article:tag']::attr(content)",
)

ATTACHMENT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "zip", "rar")


@dataclass(frozen=True, kw_only=True, slots=True)
class ListingRules:
    """How to read a listing page: which links are articles, and where the next page is.

    ``article_links`` yields candidate hrefs; only those matching the family's
    ``article_url`` pattern are kept, in page order. Pagination follows ``next_page``
    when it matches, else builds page N with ``page_url(first_page_url, n)`` for as long
    as pages keep offering article links. ``extract`` replaces the selectors for sites
    whose listing is not in the DOM.
    """

    article_links: Selectors = ("a::attr(href)",)
    next_page: Selectors = ()
    page_url: Callable[[str, int], str] | None = None
    extract: Callable[[Page, SiteProfile], ListingPage] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ArticleRules:
    """How to read an article page.

    The body is read from the first ``body`` container after removing ``drop`` nodes. Its
    pictures and their captions are found by structure (``dvcrawl.parsing.figures``) and
    never enter the body; ``page_figures`` are pictures printed outside it, read first.
    Bylines leave the body (``dvcrawl.parsing.bylines``). ``chrome`` lists paragraph texts
    that are page furniture wherever they appear. ``extract`` runs first and may fill
    any field from data the DOM does not show (embedded JSON); selectors then fill only
    the fields it left empty. ``chrome_contains`` drops any paragraph containing one of
    its strings (copyright and "republish with credit" notices).
    """

    title: Selectors
    scope: Selectors = ()
    """The element that holds the article and its panels (tags, author and source lines,
    attachments), found first: the selectors of ``title``, ``lead``, ``published``,
    ``page_figures``, ``tags``, ``byline``, ``source`` and ``attachment_links`` are
    evaluated within it, and over the whole page only when none of a field's selectors
    matches there (or no scope is found). Where the template prints an id, a scope found
    through it spares every field a scan of the whole page."""
    lead: Selectors = ()
    published: Selectors = (
        "meta[property='article:published_time']::attr(content)",
        "[itemprop=datePublished]::attr(content)",
        "[itemprop=datePublished]::attr(datetime)",
        "time[datetime]::attr(datetime)",
    )
    body: Selectors = ()
    drop: Selectors = ("script", "style", "noscript", "iframe", "form", "button")
    figures: Selectors = ()
    """Picture containers in the body that structure alone does not give away (a theme's
    ``div.image-box``); ``figure`` elements and picture tables need no rule."""
    figure_caption: Selectors = ("figcaption",)
    """The caption element inside a picture container; without one, a picture's short text
    is its caption."""
    page_figures: Selectors = ()
    """Pictures printed outside the body (a lead image), read before the body's pictures:
    every picture the first selector that matches finds."""
    byline: Selectors = ()
    source: Selectors = ()
    category: Selectors = ()
    tags: Selectors = HEAD_TAGS
    canonical: Selectors = (
        HEAD_CANONICAL,
        "link[rel=canonical]::attr(href)",
        "meta[property='og:url']::attr(content)",
    )
    chrome: tuple[str, ...] = ()
    chrome_contains: tuple[str, ...] = ()
    attachment_extensions: tuple[str, ...] = ATTACHMENT_EXTENSIONS
    attachment_links: Selectors = ()
    """``<a>`` elements anywhere on the page that are attachments whatever their URL."""
    extract: Callable[[ArticleLoader, Page, SiteProfile], None] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class Family:
    """A platform family: the URL scheme and markup shared by every site on one CMS."""

    name: str
    description: str
    grammar: UrlGrammar
    """What the family's URLs are: articles (and which), listings and their pages."""
    listing: ListingRules
    article: ArticleRules
    markers: Markers = field(default_factory=Markers)
    """What gives the family away on a page (``dvcrawl detect``)."""
    revision: int = 1
    """Bump when the rules change what they extract, so rows can be traced to rules."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SiteProfile:
    """One site: who it is, where it lives, where its listings start, and its family."""

    key: str
    name: str
    province: str | None
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    family: Family
    former_domains: tuple[str, ...] = ()
    listing: ListingRules | None = None
    article: ArticleRules | None = None
    revision: int = 1
    download_delay: float | None = None
    adhoc: bool = False
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def listing_rules(self) -> ListingRules:
        return self.listing or self.family.listing

    @property
    def article_rules(self) -> ArticleRules:
        return self.article or self.family.article

    @property
    def all_domains(self) -> tuple[str, ...]:
        return self.domains + self.former_domains

    @property
    def parser_revision(self) -> str:
        return f"{self.family.name}@{self.family.revision}/{self.key}@{self.revision}"

    @property
    def home_url(self) -> str:
        """The site's front door: the root of its first start URL."""
        parts = urlsplit(self.start_urls[0])
        return f"{parts.scheme}://{parts.netloc}/"

    @property
    def seeds(self) -> tuple[str, ...]:
        """Where discovery starts: the front door, then the profile's start URLs."""
        return tuple(dict.fromkeys((self.home_url, *self.start_urls)))

    def article_id(self, url: str) -> str | None:
        """The site's own id of the article at ``url``, or ``None`` if the URL is no article.

        It names the article whatever URL it answers under (another category's, say).
        """
        route = self.family.grammar.route(url)
        return route.key if route.kind is RouteKind.ARTICLE and route.skip is None else None

    def is_article_url(self, url: str) -> bool:
        return self.article_id(url) is not None
