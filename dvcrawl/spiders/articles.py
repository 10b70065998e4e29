"""Walk a site's listings and extract every article: ``scrapy crawl articles -a site=KEY``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider
from scrapy.http import Response

from dvcrawl.items import Article
from dvcrawl.parsing import parse_article, parse_listing
from dvcrawl.parsing.page import page_from_response
from dvcrawl.sites import adhoc_profile, get_site
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class ListingWalk:
    """The state of one listing chain: its first page, where we are, and the stop rule."""

    first_url: str
    page: int = 1
    consecutive_known: int = 0
    stopped: bool = False


class ArticlesSpider(Spider):
    """Follows listing pagination and article links of one site, politely and incrementally.

    Arguments: ``site=KEY`` for a registered site, or ``family=NAME`` with
    ``start_url=URL[,URL...]`` for a site of a known family that has no profile yet.
    Incremental by default: a listing is not paged further once
    ``DVCRAWL_INCREMENTAL_STOP_AFTER`` consecutive links are already archived, and
    archived articles are not fetched again. ``DVCRAWL_FULL`` walks everything.
    """

    name = "articles"

    def __init__(
        self,
        site: str | None = None,
        family: str | None = None,
        start_url: str | None = None,
        site_key: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.profile = self._profile(site, family, start_url, site_key)
        self.allowed_domains = list(self.profile.all_domains)
        self.full = False
        self.stop_after = 10
        self.max_pages = 0
        self.sessions: sessionmaker[Session] | None = None

    @staticmethod
    def _profile(
        site: str | None, family: str | None, start_url: str | None, site_key: str | None
    ) -> SiteProfile:
        if site and not family:
            return get_site(site)
        if family and start_url:
            return adhoc_profile(family, [u for u in start_url.split(",") if u], key=site_key)
        raise ValueError("give -a site=KEY, or -a family=NAME -a start_url=URL")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticlesSpider:
        spider: ArticlesSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("DVCRAWL_FULL")
        spider.stop_after = settings.getint("DVCRAWL_INCREMENTAL_STOP_AFTER")
        spider.max_pages = settings.getint("DVCRAWL_MAX_LISTING_PAGES")
        spider.sessions = session_factory(prepare(settings["DVCRAWL_DATABASE_URL"]))
        return spider

    async def start(self) -> AsyncIterator[Request]:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("dvcrawl/site", self.profile.key)
        stats.set_value("dvcrawl/mode", "full" if self.full else "incremental")
        for url in self.profile.start_urls:
            yield self._listing_request(url, ListingWalk(first_url=url))

    def _listing_request(self, url: str, walk: ListingWalk) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            cb_kwargs={"walk": walk},
            meta={"dvcrawl_kind": "listing"},
            priority=-walk.page,
        )

    def parse_listing(self, response: Response, walk: ListingWalk) -> Iterator[Request]:
        self._inc("dvcrawl/pages/listing")
        listing = parse_listing(page_from_response(response), self.profile)
        if not listing.article_urls:
            self._inc("dvcrawl/listing/empty")
            if walk.page == 1:
                # A first page without a single article link is how a layout change shows.
                self.logger.error(
                    "no article links on %s: has the layout of %s changed?",
                    response.url,
                    self.profile.key,
                )
                self._inc("dvcrawl/listing/empty_first_page")
        for url in listing.article_urls:
            if self.full or not self._is_known(url):
                walk.consecutive_known = 0
                yield Request(url, callback=self.parse_article, meta={"dvcrawl_kind": "article"})
                continue
            self._inc("dvcrawl/listing/known_skipped")
            walk.consecutive_known += 1
            if walk.consecutive_known >= self.stop_after:
                walk.stopped = True
        if walk.stopped:
            self._inc("dvcrawl/listing/stopped_incremental")
            self.logger.info(
                "%s: stop paging after %d known articles", walk.first_url, self.stop_after
            )
            return
        next_url = self._next_page(listing.next_page, bool(listing.article_urls), walk)
        if next_url is not None:
            walk.page += 1
            yield self._listing_request(next_url, walk)

    def _next_page(self, next_link: str | None, had_links: bool, walk: ListingWalk) -> str | None:
        if self.max_pages and walk.page >= self.max_pages:
            self._inc("dvcrawl/listing/max_pages_reached")
            return None
        if next_link:
            return next_link
        page_url = self.profile.listing_rules.page_url
        if page_url is not None and had_links:
            return page_url(walk.first_url, walk.page + 1)
        return None

    def parse_article(self, response: Response) -> Iterator[Article]:
        self._inc("dvcrawl/pages/article")
        page = page_from_response(response)
        self._inc(f"dvcrawl/decoded/{page.decoded_by}")
        yield parse_article(page, self.profile)

    def _is_known(self, url: str) -> bool:
        assert self.sessions is not None
        with self.sessions() as session:
            return ArchiveRepository(session).is_known(
                self.profile.key, url, self.profile.article_id(url)
            )

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)
