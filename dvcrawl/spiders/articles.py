"""Find every article of a site from its front door and extract it:
``scrapy crawl articles -a site=KEY``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, Spider, signals
from scrapy.exceptions import CloseSpider, DontCloseSpider, DropItem, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from dvcrawl import signals as dvcrawl_signals
from dvcrawl.discovery.detect import detect
from dvcrawl.discovery.frontier import (
    MAX_URL_LENGTH,
    Fetch,
    FetchKind,
    Frontier,
    FrontierSettings,
    Origin,
    SiteAddress,
    SkipReport,
)
from dvcrawl.discovery.grammar import RouteKind
from dvcrawl.discovery.links import (
    PageLinks,
    read_feed,
    read_sitemap,
    robots_sitemaps,
)
from dvcrawl.discovery.soft404 import NotFoundPage
from dvcrawl.discovery.walk import ListingWalk, WalkEnd
from dvcrawl.items import Article, ArticleFailure, ArticleGone, FrontierUpdate, PageDrop
from dvcrawl.middlewares import OverSizeLimit
from dvcrawl.outcomes import DOWNLOAD_FAILED, LISTING_FAILED
from dvcrawl.parsing import parse_article
from dvcrawl.parsing.extracted import extract_article_page, extract_listing_page
from dvcrawl.parsing.listing import absolute_url
from dvcrawl.parsing.not_article import page_drop
from dvcrawl.parsing.page import page_from_response, response_headers
from dvcrawl.pipelines.store import ArchiveView, crawl_mode
from dvcrawl.pipelines.validate import NO_ARTICLE_HERE_DROPS
from dvcrawl.sites import FAMILIES, UNDETECTED, adhoc_profile, get_site, with_seeds
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.repository import REDIRECTED_AWAY, TAKEN_DOWN, ArchiveIndex
from dvcrawl.text import VIETNAM_TZ
from dvcrawl.workers import Workers

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


# An archived article answering one of these is gone from the site (a takedown).
GONE_STATUSES = (404, 410)
# Article redirects are followed by the spider, which tells a redirect to another address
# of the article from one away from it (a takedown), whether the target was fetched already
# or lies on another site.
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 10
# The addresses an article request went through, and the statuses that sent it on (the
# spider's own keys: Scrapy's redirect middleware keeps its own, not to be copied).
REDIRECTS_KEY = "dvcrawl_redirects"
REDIRECT_STATUSES_KEY = "dvcrawl_redirect_statuses"
WARC_META_KEY = "dvcrawl_warc"
KIND_META_KEY = "dvcrawl_kind"
# Seeds and sitemaps first (they find the most per request), then listings, then articles.
PRIORITIES = {
    FetchKind.SEED: 50,
    FetchKind.SITEMAP: 40,
    FetchKind.PROBE: 40,
    FetchKind.FEED: 30,
    FetchKind.LISTING: 20,
    FetchKind.ARTICLE: 0,
}

T = TypeVar("T")
# What callbacks hand on: items for the archive's writer, and requests.
SpiderOutput = Article | ArticleGone | ArticleFailure | FrontierUpdate | Request
# Article requests waiting in the scheduler or in flight, at most: the frontier hands out
# more as they are answered.
ARTICLE_BACKLOG = 64
# Drops that say the page was no article (its section may serve none at all); a block or
# a bot check says nothing of the section.
SECTION_NOT_ARTICLE_DROPS = ("MissingTitle", "MissingBody", *NO_ARTICLE_HERE_DROPS)
# The finish reason of a crawl whose front door matched no platform family.
NO_FAMILY = "no_family_detected"


class ArticlesSpider(Spider):
    """Finds and fetches every article of one site, politely and incrementally.

    Arguments: ``site=KEY`` for a registered site, ``family=NAME`` with
    ``start_url=URL[,URL...]`` for a site of a known family that has no profile yet, or
    ``start_url=URL`` alone: the family is then recognised from the page at URL
    (``dvcrawl.discovery.detect``), and a site none is recognised on ends the crawl with
    the finish reason ``no_family_detected``.

    Discovery starts at the site's front door (and a profile's start URLs): it reads the
    sitemaps robots.txt names (or ``/sitemap.xml``), the links of every page it fetches,
    and walks each listing through its pages, as ``dvcrawl.discovery.frontier`` decides.
    Incremental by default: archived articles are not fetched again, and a listing is
    not paged past a page that offered nothing new (``DVCRAWL_INCREMENTAL_STOP_AFTER``
    archived articles in a row end it too). ``DVCRAWL_FULL`` walks every listing to its
    end and fetches every article again. ``DVCRAWL_RECHECK`` walks no listing: it fetches
    every archived article of the site again, straight from the database (only those not
    fetched since ``DVCRAWL_RECHECK_BEFORE`` when that is set), which finds the takedowns
    a listing no longer shows.

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
        self.archive: ArchiveView | None = None
        self.frontier: Frontier | None = None
        self.robots: Protego | None = None
        self.robots_read = False
        self.not_found_page: NotFoundPage | None = None
        self.skip_report: IO[str] | None = None
        self.robot_sitemaps: tuple[str, ...] | None = None
        self.workers = Workers()  # extraction in this process, unless from_crawler says
        self.article_backlog = ARTICLE_BACKLOG
        self.articles_out = 0  # article requests made and not yet answered
        self.max_url_length = MAX_URL_LENGTH

    @staticmethod
    def _profile(
        site: str | None, family: str | None, start_url: str | None, site_key: str | None
    ) -> SiteProfile:
        if site and not family:
            profile = get_site(site)
            if start_url:  # a URL of the registered site given as where to start
                extra = tuple(u for u in start_url.split(",") if u)
                profile = with_seeds(profile, extra)
            return profile
        if start_url:
            urls = [u for u in start_url.split(",") if u]
            return adhoc_profile(family or UNDETECTED, urls, key=site_key)
        raise ValueError("give -a site=KEY, -a family=NAME -a start_url=URL, or -a start_url=URL")

    @property
    def detecting(self) -> bool:
        return self.profile.family is UNDETECTED

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ArticlesSpider:
        spider: ArticlesSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.full = settings.getbool("DVCRAWL_FULL")
        spider.recheck = settings.getbool("DVCRAWL_RECHECK")
        if spider.recheck and spider.full:
            raise ValueError("DVCRAWL_RECHECK and DVCRAWL_FULL exclude each other")
        spider.recheck_before = recheck_cutoff(settings.get("DVCRAWL_RECHECK_BEFORE") or "")
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT") or MAX_URL_LENGTH
        report_path = settings.get("DVCRAWL_SKIP_REPORT") or ""
        if report_path:
            spider.skip_report = Path(report_path).open("a", encoding="utf-8")  # noqa: SIM115
        spider.frontier = spider._new_frontier()
        spider.workers = Workers.from_crawler(crawler)
        connect = crawler.signals.connect
        connect(spider.archive_opened, signal=dvcrawl_signals.archive_opened)
        connect(spider.request_dropped, signal=signals.request_dropped)
        connect(spider.response_received, signal=signals.response_received)
        connect(spider.spider_idle, signal=signals.spider_idle)
        connect(spider.item_scraped, signal=signals.item_scraped)
        connect(spider.item_dropped, signal=signals.item_dropped)
        connect(spider.spider_closed, signal=signals.spider_closed)
        return spider

    def archive_opened(self, archive: ArchiveView) -> None:
        """What the archive holds of the site, from its writer (the spider reads it only)."""
        self.archive = archive

    @property
    def _index(self) -> ArchiveIndex:
        return self.archive.index if self.archive is not None else ArchiveIndex()

    def _new_frontier(self) -> Frontier:
        settings = self.crawler.settings
        return Frontier(
            grammar=self.profile.family.grammar,
            site=SiteAddress.of(self.profile.all_domains, self.profile.seeds),
            settings=FrontierSettings(
                full=self.full,
                stop_after=settings.getint("DVCRAWL_INCREMENTAL_STOP_AFTER"),
                max_pages=settings.getint("DVCRAWL_MAX_LISTING_PAGES"),
                use_sitemaps=settings.getbool("DVCRAWL_DISCOVERY_SITEMAPS"),
                use_feeds=settings.getbool("DVCRAWL_DISCOVERY_FEEDS"),
            ),
            is_known=self._is_known,
            allowed=self._robots_allow,
            count=self._count,
            report=SkipReport(self.skip_report, self.profile.key) if self.skip_report else None,
        )

    # --- starting -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("dvcrawl/site", self.profile.key)
        stats.set_value("dvcrawl/mode", crawl_mode(self.full, self.recheck))
        if self.recheck:
            for url in self._archived_urls():
                yield self._article_request(url, "")
            return
        if not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            self.robot_sitemaps = ()
        if self.detecting:
            yield Request(
                self.profile.seeds[0],
                callback=self.parse_front,
                errback=self.source_failed,
                meta={KIND_META_KEY: FetchKind.SEED.value},
                priority=PRIORITIES[FetchKind.SEED],
            )
            return
        frontier = self._frontier
        self._resume()
        for seed in self.profile.seeds:
            frontier.add_seed(seed)
        self._use_robots()
        for request in self._requests(frontier.take(self._article_room)):
            yield request

    @property
    def _frontier(self) -> Frontier:
        assert self.frontier is not None
        return self.frontier

    async def parse_front(self, response: Response) -> AsyncIterator[SpiderOutput]:
        """The front door of a site given by URL alone: which family built it, then on."""
        page = page_from_response(response)
        detection = detect(page, FAMILIES.values())
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("dvcrawl/detect/verdict", detection.describe())
        if detection.family is None:
            self.logger.error("%s: %s", self.profile.key, detection.describe())
            raise CloseSpider(NO_FAMILY)
        family = FAMILIES[detection.family]
        self.logger.info("%s: %s", self.profile.key, detection.describe())
        self.profile = replace(
            self.profile,
            family=family,
            name=self.profile.name.replace(UNDETECTED.name, family.name),
        )
        self.frontier = self._new_frontier()
        self.crawler.signals.send_catch_log(dvcrawl_signals.site_identified, profile=self.profile)
        frontier = self._frontier
        self._resume()
        for seed in (response.url, *self.profile.seeds):
            frontier.add_seed(seed)
        self._use_robots()
        walk = frontier.claim(response.url)
        for earlier in response.meta.get("redirect_urls") or ():  # the same page, fetched
            other = frontier.claim(earlier)
            if other is not None and other is not walk:
                other.stop(WalkEnd.LAST_PAGE)
        if walk is not None:
            async for output in self.parse_listing(response, walk):
                yield output
        for output in self._follow_up():
            yield output

    def _resume(self) -> None:
        """Hand the frontier what earlier crawls of the site left to do."""
        if self.archive is None or self.archive.frontier is None:
            return
        state = self.archive.frontier
        self._frontier.resume(state.listings, ((a.key, a.url) for a in state.pending))
        if state.waiting:
            self.crawler.stats.set_value("dvcrawl/frontier/waiting", state.waiting)

    def _use_robots(self) -> None:
        """Hand the sitemaps robots.txt named (or the family's usual ones) to the frontier,
        once robots.txt has been read and the family is known."""
        if self.robot_sitemaps is None or self.robots_read or self.detecting or self.recheck:
            return
        self.robots_read = True
        sitemaps = self.robot_sitemaps or tuple(
            _on_home(self.profile.home_url, path)
            for path in self.profile.family.grammar.sitemap_paths
        )
        for url in sitemaps:
            self._frontier.add_sitemap(url, found_on="robots.txt", guessed=not self.robot_sitemaps)

    def _archived_urls(self) -> Iterator[str]:
        """The site's archived article URLs, streamed by the writer in id order."""
        if self.archive is None:
            return
        for url in self.archive.archived_urls(self.recheck_before):
            self._inc("dvcrawl/recheck/requested")
            yield url

    # --- requests -------------------------------------------------------------------------

    def _follow_up(self) -> Iterator[SpiderOutput]:
        """What a callback hands on: what the frontier found (for the archive to keep),
        then the requests it wants made."""
        update = self._frontier.drain(self.profile.key)
        if update is not None:
            yield update
        yield from self._requests(self._frontier.take(self._article_room))

    @property
    def _article_room(self) -> int:
        """How many more article requests the scheduler may hold: enough to keep every
        connection busy, few enough that a site of any size costs the same memory."""
        return self.article_backlog - self.articles_out

    def final_update(self) -> FrontierUpdate | None:
        """What the frontier found since the last callback: the writer keeps it at close."""
        return self.frontier.drain(self.profile.key) if self.frontier is not None else None

    def _requests(self, fetches: Iterable[Fetch]) -> Iterator[Request]:
        for fetch in fetches:
            yield self._request(fetch)

    def _request(self, fetch: Fetch) -> Request:
        if fetch.kind is FetchKind.ARTICLE:
            return self._article_request(fetch.url, fetch.key)
        meta: dict[str, Any] = {KIND_META_KEY: fetch.kind.value}
        if fetch.kind in (FetchKind.SITEMAP, FetchKind.FEED, FetchKind.PROBE):
            # Their failures are answers: no sitemap, no feed, the site's "not found".
            meta["handle_httpstatus_all"] = True
        callbacks = {
            FetchKind.SITEMAP: self.parse_sitemap,
            FetchKind.FEED: self.parse_feed,
            FetchKind.PROBE: self.parse_probe,
        }
        if fetch.walk is not None:
            return Request(
                fetch.url,
                callback=self.parse_listing,
                errback=self.listing_failed,
                cb_kwargs={"walk": fetch.walk},
                meta={**meta, "dvcrawl_walk": fetch.walk},
                priority=PRIORITIES[fetch.kind] - fetch.walk.page,
            )
        return Request(
            fetch.url,
            callback=callbacks[fetch.kind],
            errback=self.source_failed,
            meta=meta,
            priority=PRIORITIES[fetch.kind],
        )

    def _article_request(self, url: str, key: str, **meta: Any) -> Request:
        self.articles_out += 1
        return Request(
            url,
            callback=self.parse_article,
            errback=self.article_failed,
            meta={
                KIND_META_KEY: "article",
                "handle_httpstatus_list": (*GONE_STATUSES, *REDIRECT_STATUSES),
                "dvcrawl_key": key,
                **meta,
            },
            priority=PRIORITIES[FetchKind.ARTICLE],
        )

    def _schedule(self, fetches: Iterable[Fetch]) -> None:
        """Hand requests to the engine from outside a callback (signals)."""
        engine = self.crawler.engine
        assert engine is not None
        for request in self._requests(fetches):
            engine.crawl(request)

    # --- discovery ----------------------------------------------------------------------

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        """robots.txt, fetched by Scrapy's middleware: its rules and ``Sitemap:`` lines."""
        if self.robot_sitemaps is not None or not request.meta.get("dont_obey_robotstxt"):
            return
        asked = [*(request.meta.get("redirect_urls") or ()), request.url][0]
        if urlsplit(asked).path != "/robots.txt" or self.frontier is None:
            return
        if not self._frontier.site.holds(asked) or 300 <= response.status < 400:
            return  # a redirect: its target answers next
        self.robot_sitemaps = ()
        if response.status == 200:
            self.robots = Protego.parse(response.body.decode("utf-8", "replace"))
            self.robot_sitemaps = robots_sitemaps(response.url, response.body)
        self._use_robots()
        if not self.detecting and not self.recheck:
            self._schedule(self._frontier.take(self._article_room))

    def _robots_allow(self, url: str) -> bool:
        if self.robots is None:
            return True
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get(
            "USER_AGENT", ""
        )
        return bool(self.robots.can_fetch(url, agent))

    async def parse_listing(
        self, response: Response, walk: ListingWalk
    ) -> AsyncIterator[SpiderOutput]:
        self._inc("dvcrawl/pages/listing")
        frontier = self._frontier
        try:
            extracted = await self._extract(extract_listing_page, response)
        except Exception as exc:  # one unreadable page must not stop the crawl
            self._inc(LISTING_FAILED + type(exc).__name__)
            self.logger.error("%s: the listing could not be read: %s", response.url, _why(exc))
            frontier.walk_failed(walk)
            for output in self._follow_up():
                yield output
            return
        links, listing = extracted.links, extracted.listing
        seed_page = walk.seed and walk.page == 0
        origin = Origin.SEED if seed_page else Origin.LISTING
        frontier.adopt(walk, response.url)
        for alias in links.aliases:
            if alias != response.url:
                frontier.alias(response.url, alias)
        anchors = [*listing.article_urls, *links.anchors]
        article_keys = []
        for url in anchors:
            route = frontier.discover(url, origin, response.url)
            if route.kind is RouteKind.ARTICLE and route.skip is None:
                article_keys.append(route.key)
        if seed_page:
            for url in links.feeds:
                frontier.add_feed(url, response.url)
        number = walk.page + 1  # the page just read
        next_url, loops_back = None, False
        if not walk.hub:
            next_url, loops_back = self._next_page(
                walk, number, listing.next_page, links.next_pages, anchors
            )
        if next_url is None and not walk.hub and frontier.grammar.blind_paging and article_keys:
            next_url = frontier.grammar.page_url(walk.first_url, number + 1)
        if walk.end is None:
            frontier.walk_page(walk, response.url, article_keys, next_url, loops_back=loops_back)
        if seed_page and not article_keys and not frontier.covered:
            # A front door or start URL without a single article link is how a layout
            # change (or a site gone) shows.
            self.logger.error(
                "no article links on %s: has the layout of %s changed?",
                response.url,
                self.profile.key,
            )
            self._inc("dvcrawl/listing/empty_first_page")
        for output in self._follow_up():
            yield output

    async def _extract(self, extract: Callable[..., T], response: Response, *more: Any) -> T:
        """``extract`` (an ``extract_*_page`` function) of the response, in a worker."""
        return await self.workers.run(
            extract,
            self.profile,
            response.url,
            response.body,
            response_headers(response),
            response.status,
            *more,
        )

    def _next_page(
        self,
        walk: ListingWalk,
        number: int,
        rule_next: str | None,
        marked_next: Iterable[str],
        anchors: Iterable[str],
    ) -> tuple[str | None, bool]:
        """The link to the walk's next page, and whether a "next" link leads back instead.

        The grammar says which links are pages of this listing, so any pager works: a
        ``rel="next"`` link, numbered links, or the family's own rule.
        """
        frontier = self._frontier
        marked = [url for url in (rule_next, *marked_next) if url]
        loops_back = False
        for url in (*marked, *anchors):
            route = frontier.route(url)
            if route.kind is not RouteKind.LISTING or frontier.walks.get(route.key) is not walk:
                continue
            if route.page == number + 1:
                return url, False
            if url in marked and (route.page <= number or url in walk.visited):
                loops_back = True
        return None, loops_back

    def listing_failed(self, failure: Any) -> Iterator[SpiderOutput]:
        request = failure.request
        walk = request.cb_kwargs.get("walk") if request is not None else None
        if isinstance(walk, ListingWalk):
            self._frontier.walk_failed(walk)
        self._log_failure(failure)
        yield from self._follow_up()

    def article_failed(self, failure: Any) -> Iterator[ArticleFailure | Article]:
        """An article page that could not be fetched, Scrapy's retries spent (5xx, a timeout,
        a refused connection): it stays pending, for the next crawl to try again. One over
        the size limit is dropped as ``PageTooLarge``, and not fetched again."""
        self.articles_out -= 1
        request = failure.request
        if failure.check(OverSizeLimit):  # Scrapy has logged it: the drop counts it
            first = (_redirects(request.meta) or [request.url])[0]
            yield self._dropped(first, "PageTooLarge", str(failure.value))
            return
        # HttpError is a subclass of IgnoreRequest: a 5xx answer is a failed fetch, not a refusal
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            self._log_failure(failure)
            if not self.recheck:
                yield ArticleFailure(
                    site_key=self.profile.key,
                    key=request.meta.get("dvcrawl_key") or request.url,
                    url=request.url,
                    error=str(failure.value),
                    permanent=True,
                )
            return
        response = getattr(failure.value, "response", None)
        error = (
            f"HTTP {response.status}"
            if isinstance(response, Response)
            else f"{type(failure.value).__name__}: {failure.value}"
        )
        self._inc("dvcrawl/article/failed")
        self._count_failure(failure)
        self.logger.error("%s: %s", request.url, error)
        if self.recheck:
            return
        first = (_redirects(request.meta) or [request.url])[0]
        yield ArticleFailure(
            site_key=self.profile.key,
            key=request.meta.get("dvcrawl_key") or self.profile.article_id(first) or first,
            url=first,
            error=error,
        )

    def parse_sitemap(self, response: Response) -> Iterator[SpiderOutput]:
        frontier = self._frontier
        document = read_sitemap(response.url, response.body) if response.status == 200 else None
        if document is None:
            self._inc("dvcrawl/sitemaps/unreadable")
            frontier.sitemap_failed(response.url, missing=response.status in GONE_STATUSES)
        else:
            self._inc("dvcrawl/sitemaps/read")
            frontier.sitemap_read(response.url, document.is_index, document.urls, document.entries)
        yield from self._follow_up()

    def parse_feed(self, response: Response) -> Iterator[SpiderOutput]:
        links = read_feed(response.url, response.body) if response.status == 200 else None
        if links is None:
            self._inc("dvcrawl/feeds/unreadable")
        else:
            self._inc("dvcrawl/feeds/read")
            for url in links:
                self._frontier.discover(url, Origin.FEED, response.url)
        yield from self._follow_up()

    def parse_probe(self, response: Response) -> Iterator[SpiderOutput]:
        """How the site answers for an article that does not exist."""
        redirected = bool(response.meta.get("redirect_urls"))
        if response.status == 200 and not redirected:
            page = page_from_response(response)
            try:
                probe = parse_article(page, self.profile)
            except Exception as exc:  # the site's own page for nothing: its title then
                self.logger.error(
                    "%s: the probe's answer could not be read: %s", response.url, _why(exc)
                )
                probe = Article()
            title = page.selector.xpath("string(//title)").get("")
            refused = page_drop(page, probe, self.profile.article_rules)
            if refused is None or refused.reason in NO_ARTICLE_HERE_DROPS:
                self.not_found_page = NotFoundPage.of(probe, title)
            else:  # a block or a bot check answered: it says nothing of missing articles
                self.logger.warning(
                    "%s: the soft-404 probe met a %s (%s)",
                    response.url,
                    refused.reason,
                    refused.detail,
                )
            if self.not_found_page is not None:
                self.logger.info(
                    "%s answers a missing article with %r and HTTP 200: such pages are dropped",
                    self.profile.key,
                    probe.title or title,
                )
        self._inc(f"dvcrawl/soft404_probe/{'soft' if self.not_found_page else 'honest'}")
        self._frontier.probe_done()
        yield from self._follow_up()

    def source_failed(self, failure: Any) -> None:
        request = failure.request
        if request is not None and request.meta.get(KIND_META_KEY) == FetchKind.SITEMAP:
            self._frontier.sitemap_failed(request.url)
        if request is not None and request.meta.get(KIND_META_KEY) == FetchKind.PROBE:
            self._frontier.probe_done()
        self._log_failure(failure)

    def _log_failure(self, failure: Any) -> None:
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self._frontier.robots_refused(failure.request.url)
            return
        self._count_failure(failure)
        self.logger.error("%s: %s", failure.request.url if failure.request else "?", failure.value)

    def _count_failure(self, failure: Any) -> None:
        """A fetch that failed for good, counted by what failed (an HTTP error status is
        counted by Scrapy's httperror middleware)."""
        if not failure.check(HttpError):
            self._inc(DOWNLOAD_FAILED + type(failure.value).__name__)

    def request_dropped(self, request: Request, spider: Spider) -> None:
        """A request the scheduler refused (its URL was fetched already): its walk ends."""
        if request.meta.get(KIND_META_KEY) == FetchKind.ARTICLE:
            self.articles_out -= 1
        walk = request.meta.get("dvcrawl_walk")
        if isinstance(walk, ListingWalk) and walk.end is None:
            self._frontier.walk_failed(walk)

    def spider_idle(self, spider: Spider) -> None:
        if self.recheck or self.frontier is None or self.detecting:
            return
        if not self.robots_read:  # robots.txt could not be fetched at all
            self.robot_sitemaps = self.robot_sitemaps or ()
            self._use_robots()
        self.articles_out = 0  # idle: no request is in flight or waiting
        room = self._article_room
        fetches = self.frontier.take(room) or self.frontier.idle(room)
        if fetches:
            self._schedule(fetches)
            raise DontCloseSpider

    # --- articles -----------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[SpiderOutput]:
        self.articles_out -= 1
        redirects = _redirects(response.meta)
        first_url = redirects[0] if redirects else response.url
        warc = response.meta.get(WARC_META_KEY)
        if response.status in REDIRECT_STATUSES:
            for output in self._article_redirect(response, first_url):
                yield output
            return
        if response.status in GONE_STATUSES:
            for output in self._article_gone(response, first_url, bool(redirects), warc):
                yield output
            return
        self._inc("dvcrawl/pages/article")
        try:
            extracted = await self._extract(extract_article_page, response, self.not_found_page)
        except Exception as exc:  # one unreadable page must not stop the crawl
            self.logger.error("%s: the article could not be extracted: %s", response.url, _why(exc))
            yield self._dropped(first_url, "ExtractionFailed", _why(exc))
            return
        self._inc(f"dvcrawl/decoded/{extracted.decoded_by}")
        for name in extracted.normalized:
            self._inc(f"dvcrawl/normalize/changed/{name}")
        article = extracted.article
        if warc:
            article.warc_file = warc["file"]
            article.warc_offset = warc["offset"]
            article.warc_digest = warc["digest"]
        if redirects and article.dropped is None and not self.profile.is_article_url(response.url):
            detail = f"redirected to {response.url}, which is no article"
            article.dropped = PageDrop("SoftNotFound", detail)
        yield article
        if not self.recheck:
            for output in self._article_links(extracted.links, response):
                yield output

    def _article_gone(
        self, response: Response, first_url: str, redirected: bool, warc: dict[str, Any] | None
    ) -> Iterator[SpiderOutput]:
        """A 404 or 410: an archived article taken down, or a link to nothing."""
        location = response.url if redirected else None
        gone = self._gone(first_url, TAKEN_DOWN, response.status, location, warc)
        if gone is not None:
            yield gone
            return
        self._http_error(response)
        if not self.recheck:
            yield ArticleFailure(
                site_key=self.profile.key,
                key=response.meta.get("dvcrawl_key") or first_url,
                url=first_url,
                error=f"HTTP {response.status}",
                permanent=True,
            )

    def _article_redirect(self, response: Response, first_url: str) -> Iterator[SpiderOutput]:
        """Follow an article's redirect, unless it leads an archived article away."""
        location = response.headers.get(b"Location")
        if not location:
            self._http_error(response)
            return
        target = absolute_url(response.url, location.decode("latin-1"))
        chain = [*_redirects(response.meta), response.url]
        reasons = [*(response.meta.get(REDIRECT_STATUSES_KEY) or []), response.status]
        if self._leads_away(first_url, target):
            warc = response.meta.get(WARC_META_KEY)
            gone = self._gone(first_url, REDIRECTED_AWAY, reasons[0], target, warc)
            if gone is not None:
                yield gone
                return
        if len(target) > self.max_url_length:
            detail = f"redirected to an address of {len(target)} characters"
            yield self._dropped(first_url, "UrlTooLong", detail)
            return
        if len(chain) > MAX_REDIRECTS:
            self._inc(DOWNLOAD_FAILED + "RedirectLoop")
            error = f"more than {MAX_REDIRECTS} redirects"
            self.logger.error("%s: %s", first_url, error)
            if not self.recheck:
                yield ArticleFailure(
                    site_key=self.profile.key,
                    key=response.meta.get("dvcrawl_key")
                    or self.profile.article_id(first_url)
                    or first_url,
                    url=first_url,
                    error=error,
                )
            return
        yield self._article_request(
            target,
            response.meta.get("dvcrawl_key", ""),
            **{REDIRECTS_KEY: chain, REDIRECT_STATUSES_KEY: reasons},
        )

    def _dropped(self, url: str, reason: str, detail: str) -> Article:
        """An article page that is dropped unread (the pipeline counts it as ``reason``) and
        recorded as visited, so that no later crawl fetches it again."""
        return Article(
            url=url,
            canonical_url=url,
            site_key=self.profile.key,
            site_article_id=self.profile.article_id(url),
            family=self.profile.family.name,
            dropped=PageDrop(reason, detail),
        )

    def _article_links(self, links: PageLinks, response: Response) -> Iterator[SpiderOutput]:
        """An article page links its categories (breadcrumbs, menus) and related articles."""
        frontier = self._frontier
        for alias in links.aliases:
            frontier.alias(response.url, alias)
        for url in links.anchors:
            frontier.discover(url, Origin.ARTICLE, response.url)
        yield from self._follow_up()

    def item_scraped(self, item: Any, response: Any, spider: Spider) -> None:
        if isinstance(item, Article) and item.url and self.frontier is not None:
            self.frontier.article_outcome(item.url, is_article=True)

    def item_dropped(
        self, item: Any, response: Any, exception: BaseException, spider: Spider
    ) -> None:
        if not isinstance(item, Article) or not item.url or self.frontier is None:
            return
        if isinstance(exception, DropItem):
            is_article = type(exception).__name__ not in SECTION_NOT_ARTICLE_DROPS
            self.frontier.article_outcome(item.url, is_article=is_article)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.skip_report is not None:
            self.skip_report.close()

    # --- archived articles gone -----------------------------------------------------------

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

    def _gone(
        self,
        url: str,
        kind: str,
        status: int | None,
        location: str | None,
        warc: dict[str, Any] | None,
    ) -> ArticleGone | None:
        """The takedown or redirect away of an archived article; None if ``url`` was never
        archived."""
        if self._index.archived_id(url) is None:
            return None
        return ArticleGone(
            site_key=self.profile.key,
            url=url,
            kind=kind,
            http_status=status,
            location=location,
            warc_file=warc["file"] if warc else None,
            warc_offset=warc["offset"] if warc else None,
        )

    def _http_error(self, response: Response) -> None:
        """A 404 of an article never archived: counted and logged as Scrapy's HttpError
        middleware does for any status the spider does not handle."""
        self._inc("httperror/response_ignored_count")
        self._inc(f"httperror/response_ignored_status_count/{response.status}")
        self.logger.info(
            "Ignoring response %r: HTTP status code is not handled or not allowed", response
        )

    def _is_known(self, url: str, site_article_id: str) -> bool:
        return self._index.is_known(url, site_article_id)

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(key)

    def _count(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(key, count)


def _why(exc: BaseException) -> str:
    """An exception in one line: its type, and its message's first line (a RecursionError's
    message is short; a parser's may run on)."""
    message = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _on_home(home_url: str, path: str) -> str:
    parts = urlsplit(home_url)
    return f"{parts.scheme}://{parts.netloc}{path}"


def _redirects(meta: dict[str, Any]) -> list[str]:
    """The URLs a response's request went through before it (the spider's article redirects,
    or Scrapy's, such as a ``<meta>`` refresh)."""
    return list(meta.get(REDIRECTS_KEY) or meta.get("redirect_urls") or ())


def recheck_cutoff(value: str) -> datetime | None:
    """``DVCRAWL_RECHECK_BEFORE`` as a time; a date or a time without zone is Vietnam time."""
    if not value.strip():
        return None
    try:
        cutoff = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"DVCRAWL_RECHECK_BEFORE: not an ISO date or time: {value!r}") from None
    return cutoff if cutoff.tzinfo is not None else cutoff.replace(tzinfo=VIETNAM_TZ)
