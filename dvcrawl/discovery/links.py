"""Links out of fetched documents: HTML pages, sitemaps, RSS and Atom feeds, robots.txt.

Every function here is pure: bytes or a parsed page in, absolute URLs out, in document
order, each once. Which of them are worth a request is the grammar's and the frontier's
business.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parsel import Selector
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from dvcrawl.parsing.listing import absolute_url

if TYPE_CHECKING:
    from dvcrawl.parsing.page import Page

WEB_SCHEMES = ("http", "https")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
# A sitemap is read whole: a gzip that inflates past this is cut there (a decompression bomb).
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PageLinks:
    """What an HTML page points to.

    ``anchors`` are the targets of ``<a href>``; ``next_pages`` those marked as the next
    page (``rel="next"``, in the head or on a link); ``feeds`` the RSS and Atom feeds the
    page announces; ``aliases`` the other addresses the page names for itself (canonical,
    ``og:url``), which need no request of their own.
    """

    anchors: tuple[str, ...]
    next_pages: tuple[str, ...]
    feeds: tuple[str, ...]
    aliases: tuple[str, ...]


def page_links(page: Page) -> PageLinks:
    sel = page.selector
    base = _base_url(page)
    return PageLinks(
        anchors=_web_urls(base, sel.xpath("//a/@href").getall()),
        next_pages=_web_urls(
            base,
            sel.xpath(
                "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
                " | //link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
            ).getall(),
        ),
        feeds=_web_urls(
            base,
            [
                link.attrib.get("href", "")
                for link in sel.xpath("//link[@href]")
                if "alternate" in link.attrib.get("rel", "").lower().split()
                and link.attrib.get("type", "").strip().lower() in FEED_TYPES
            ],
        ),
        aliases=_web_urls(
            base,
            sel.xpath(
                "//link[translate(@rel, 'CANONIL', 'canonil')='canonical']/@href"
                " | //meta[@property='og:url']/@content"
            ).getall(),
        ),
    )


def _base_url(page: Page) -> str:
    """Links resolve against ``<base href>`` when a page has one (NukeViet themes print it)."""
    base = page.selector.xpath("//base/@href").get()
    return absolute_url(page.url, base) if base and base.strip() else page.url


def _web_urls(base: str, hrefs: Iterable[str]) -> tuple[str, ...]:
    urls: dict[str, None] = {}
    for href in hrefs:
        href = href.strip()
        if not href or href.startswith("#"):
            continue
        url = absolute_url(base, href)
        if url.split(":", 1)[0].lower() in WEB_SCHEMES:
            urls.setdefault(url, None)
    return tuple(urls)


@dataclass(frozen=True, slots=True)
class SitemapDocument:
    """A sitemap file: either an index of other sitemaps or a list of page URLs."""

    is_index: bool
    urls: tuple[str, ...]
    entries: int
    """How many ``<url>`` or ``<sitemap>`` entries the file holds (before any filtering)."""


def read_sitemap(url: str, body: bytes) -> SitemapDocument | None:
    """A sitemap or sitemap index, gzipped or not; ``None`` when the body is neither."""
    body = _gunzipped(body)
    if b"<" not in body[:1024]:
        return None
    try:
        sitemap = Sitemap(body)
    except Exception:  # lxml raises several types on bytes that are not XML at all
        return None
    if sitemap.type not in ("urlset", "sitemapindex"):
        return None
    locations = [entry["loc"] for entry in sitemap if entry.get("loc")]
    return SitemapDocument(
        is_index=sitemap.type == "sitemapindex",
        urls=_web_urls(url, locations),
        entries=len(locations),
    )


def _gunzipped(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        return inflater.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error:
        return b""


def read_feed(url: str, body: bytes) -> tuple[str, ...] | None:
    """The item links of an RSS or Atom feed, in feed order; ``None`` when it is no feed."""
    try:
        sel = Selector(body=body, type="xml")
    except Exception:  # parsel refuses bodies lxml cannot start on
        return None
    sel.remove_namespaces()
    root = sel.xpath("name(/*)").get() or ""
    if root.lower() not in ("rss", "feed", "rdf"):
        return None
    links = sel.xpath("//item/link/text() | //item/guid[@isPermaLink='true']/text()").getall()
    links += sel.xpath(
        "//entry/link[not(@rel) or @rel='alternate']/@href | //entry/link/text()"
    ).getall()
    return _web_urls(url, links)


def robots_sitemaps(robots_url: str, body: bytes) -> tuple[str, ...]:
    """The ``Sitemap:`` lines of a robots.txt, as absolute URLs."""
    return _web_urls(robots_url, sitemap_urls_from_robots(body, base_url=robots_url))
