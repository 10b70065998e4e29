"""Walk a site's listings and extract every article: ``scrapy crawl articles -a site=KEY``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from dvcrawl.items import Article
from dvcrawl.parsing import parse_article, parse_listing
from dvcrawl.parsing.page import page_from_response
from dvcrawl.sites import adhoc_profile, get_site
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import REDIRECTED_AWAY, TAKEN_DOWN, ArchiveRepository
from dvcrawl.text import VIETNAM_TZ

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker


# An archived article answering one of these is gone from the site (a takedown).
GONE_STATUSES = (404, 410)
WARC_META_KEY = "dvcrawl_warc"


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
    ``DVCRAWL_RECHECK`` walks no listing: it fetches every archived article of the site
    again, straight from the database (only those not fetched since
    ``DVCRAWL_RECHECK_BEFORE`` when that is set), which finds the takedowns a listing
    no longer shows.

    An archived article fetched again that now answers 404 or 410, or redirects to a page
    that is not that article on the site, is recorded as an event of the article (taken
    down, redirected away); nothing is deleted.
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
        self.recheck = False
        self.recheck_before: datetime | None = None
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
        spider.recheck = settings.getbool("DVCRAWL_RECHECK")
        if spider.recheck and spider.full:
            raise ValueError("DVCRAWL_RECHECK and DVCRAWL_FULL exclude each other")
        spider.recheck_before = recheck_cutoff(settings.get("DVCRAWL_RECHECK_BEFORE") or "")
        spider.stop_after = settings.getint("DVCRAWL_INCREMENTAL_STOP_AFTER")
        spider.max_pages = settings.getint("DVCRAWL_MAX_LISTING_PAGES")
        spider.sessions = session_factory(prepare(settings["DVCRAWL_DATABASE_URL"]))
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("dvcrawl/site", self.profile.key)
        stats.set_value("dvcrawl/mode", crawl_mode(self.full, self.recheck))
        if self.recheck:
            for url in self._archived_urls():
                yield self._article_request(url)
            return
        for url in self.profile.start_urls:
            yield self._listing_request(url, ListingWalk(first_url=url))

    def _archived_urls(self) -> Iterator[str]:
        """The site's archived article URLs, streamed from the database in id order."""
        assert self.sessions is not None
        with self.sessions() as session:
            repository = ArchiveRepository(session)
            for _, url in repository.archived_urls(self.profile.key, self.recheck_before):
                self._inc("dvcrawl/recheck/requested")
                yield url

    def _article_request(self, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_article,
            meta={"dvcrawl_kind": "article", "handle_httpstatus_list": GONE_STATUSES},
        )

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
                yield self._article_request(url)
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
        redirects = response.meta.get("redirect_urls") or []
        first_url = redirects[0] if redirects else response.url
        warc = response.meta.get(WARC_META_KEY)
        if response.status in GONE_STATUSES:
            location = response.url if redirects else None
            if not self._record_gone(first_url, TAKEN_DOWN, response.status, location, warc):
                self._http_error(response)
            return
        self._inc("dvcrawl/pages/article")
        page = page_from_response(response)
        self._inc(f"dvcrawl/decoded/{page.decoded_by}")
        article = parse_article(page, self.profile)
        if warc:
            article.warc_file = warc["file"]
            article.warc_offset = warc["offset"]
            article.warc_digest = warc["digest"]
        yield article

    def request_scheduled(self, request: Request) -> None:
        """Where an archived article redirects away, record it and do not follow.

        Redirects are scheduled as new requests, so they are seen here whatever comes of
        them next (another domain's is filtered as offsite, a page fetched already is a
        duplicate); a page that is not the article is not worth fetching.
        """
        redirects = request.meta.get("redirect_urls")
        if request.meta.get("dvcrawl_kind") != "article" or not redirects:
            return
        if not self._leads_away(redirects[0], request.url):
            return
        status = _redirect_status(request.meta)
        warc = request.meta.get(WARC_META_KEY)
        if self._record_gone(redirects[0], REDIRECTED_AWAY, status, request.url, warc):
            raise IgnoreRequest(f"archived article {redirects[0]} redirects away")

    def _leads_away(self, article_url: str, target: str) -> bool:
        """Whether ``target`` is not that article on this site: another domain, a page that
        is no article (the home page, a listing), or another article."""
        host = urlsplit(target).hostname or ""
        if not any(host == d or host.endswith(f".{d}") for d in self.profile.all_domains):
            return True
        if not self.profile.is_article_url(target):
            return True
        old_id, new_id = self.profile.article_id(article_url), self.profile.article_id(target)
        return old_id is not None and new_id is not None and old_id != new_id

    def _record_gone(
        self,
        url: str,
        kind: str,
        status: int | None,
        location: str | None,
        warc: dict[str, Any] | None,
    ) -> bool:
        """Record that an archived article is gone; False if ``url`` was never archived.

        The same takedown as the one last recorded is counted as ``still_gone``, not
        recorded again; the page visit is updated either way, so a recheck with a cutoff
        knows the article was checked.
        """
        assert self.sessions is not None
        run_id = self.crawler.stats.get_value("dvcrawl/crawl_run_id")
        with self.sessions.begin() as session:
            repository = ArchiveRepository(session)
            article_id = repository.archived_article_id(self.profile.key, url)
            if article_id is None:
                return False
            event_id = repository.record_event(
                article_id,
                kind,
                http_status=status,
                location=location,
                crawl_run_id=run_id,
                warc_file=warc["file"] if warc else None,
                warc_offset=warc["offset"] if warc else None,
            )
            repository.record_visit(
                site_key=self.profile.key,
                url=url,
                site_article_id=self.profile.article_id(url),
                outcome=kind,
                detail=f"HTTP {status}" + (f" to {location}" if location else ""),
                article_id=article_id,
                crawl_run_id=run_id,
            )
        self._inc(f"dvcrawl/revisit/{kind if event_id is not None else 'still_gone'}")
        self.logger.info(
            "archived article #%d %s: %s (HTTP %s%s)",
            article_id,
            kind.replace("_", " "),
            url,
            status,
            f", to {location}" if location else "",
        )
        return True

    def _http_error(self, response: Response) -> None:
        """A 404 of an article never archived: counted and logged as Scrapy's HttpError
        middleware does for any status the spider does not handle."""
        self._inc("httperror/response_ignored_count")
        self._inc(f"httperror/response_ignored_status_count/{response.status}")
        self.logger.info(
            "Ignoring response %r: HTTP status code is not handled or not allowed", response
        )

    def _is_known(self, url: str) -> bool:
        assert self.sessions is not None
        with self.sessions() as session:
            return ArchiveRepository(session).is_known(
                self.profile.key, url, self.profile.article_id(url)
            )

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)


def crawl_mode(full: bool, recheck: bool) -> str:
    """The crawl run's mode: "recheck", "full" or "incremental"."""
    return "recheck" if recheck else "full" if full else "incremental"


def recheck_cutoff(value: str) -> datetime | None:
    """``DVCRAWL_RECHECK_BEFORE`` as a time; a date or a time without zone is Vietnam time."""
    if not value.strip():
        return None
    try:
        cutoff = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"DVCRAWL_RECHECK_BEFORE: not an ISO date or time: {value!r}") from None
    return cutoff if cutoff.tzinfo is not None else cutoff.replace(tzinfo=VIETNAM_TZ)


def _redirect_status(meta: dict[str, Any]) -> int | None:
    """The status the article URL answered with (301, 302 …); None for a ``<meta>`` refresh."""
    reason = (meta.get("redirect_reasons") or [None])[0]
    return reason if isinstance(reason, int) else None
