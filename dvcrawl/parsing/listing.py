"""Listing pages: the article links they offer, in page order, and the next page."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from dvcrawl.items import ListingPage
from dvcrawl.parsing.dom import first_value, values
from dvcrawl.parsing.page import Page

if TYPE_CHECKING:
    from dvcrawl.sites.profile import SiteProfile


def parse_listing(page: Page, profile: SiteProfile) -> ListingPage:
    rules = profile.listing_rules
    if rules.extract is not None:
        return rules.extract(page, profile)
    links = [absolute_url(page.url, href) for href in values(page.selector, rules.article_links)]
    next_href = first_value(page.selector, rules.next_page) if rules.next_page else None
    next_page = absolute_url(page.url, next_href) if next_href else None
    if next_page is not None and same_page(next_page, page.url):
        next_page = None
    return ListingPage(article_links(links, profile), next_page)


def article_links(urls: list[str], profile: SiteProfile) -> tuple[str, ...]:
    """Article URLs on the site's domains, first occurrence kept, order kept."""
    seen: set[str] = set()
    kept: list[str] = []
    for url in urls:
        if not (on_site(url, profile) and profile.is_article_url(url)):
            continue
        key = canonicalize_url(url)
        if key not in seen:
            seen.add(key)
            kept.append(url)
    return tuple(kept)


def absolute_url(base: str, href: str) -> str:
    """Resolve ``href`` against ``base`` and drop the fragment; nothing else is touched."""
    return urljoin(base, href.strip()).split("#", 1)[0]


def on_site(url: str, profile: SiteProfile) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    host = (parts.hostname or "").lower()
    return any(host == domain or host.endswith("." + domain) for domain in profile.all_domains)


def same_page(a: str, b: str) -> bool:
    return canonicalize_url(a) == canonicalize_url(b)


def with_query(url: str, **params: str) -> str:
    """``url`` with these query parameters set: replaced where present, else added at the end."""
    parts = urlsplit(url)
    names = {name.lower() for name in params}
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in names]
    query += list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))
