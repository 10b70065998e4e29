"""The crawl's frontier: every URL discovered, what it is, and what gets fetched when.

One frontier serves one site in one crawl. It is fed the links of every document the
crawl reads (seed pages, sitemaps, feeds, listing pages, article pages), asks the family's
grammar what each link is, and hands out what to fetch next:

1. **Discovery**: the seeds (the home page and a profile's start URLs), the sitemaps and a
   soft-404 probe. Articles found meanwhile wait, so that the address a sitemap gives
   (the article's canonical one) is preferred to another category's address for it.
2. **Coverage**: when every sitemap read is shorter than the CMS cuts them (so it lists
   every article) and every article linked from the pages read is in it, the listings are
   not walked: they would only repeat the sitemap. Otherwise, and always in ``--full``
   crawls, every listing is walked to its end. Should a page read later link an article
   the sitemaps lack, coverage is lost and the listings are walked after all.
3. **Articles** are fetched once each, whatever the number of URLs they answer under.

Every URL discovered and not fetched is counted by reason (``Skip``) and, with a report
open, written to it once.
"""

from __future__ import annotations

import json
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO
from urllib.parse import parse_qsl, urlsplit

from dvcrawl.discovery.grammar import Route, RouteKind, Skip, UrlGrammar
from dvcrawl.discovery.walk import TRAP_ENDS, ListingWalk, WalkEnd
from dvcrawl.items import FrontierUpdate, ListingProgress

# Scrapy's URLLENGTH_LIMIT: a longer URL is a generated trap, not an address an editor made.
MAX_URL_LENGTH = 2083
# Listings of one shape (digits and query values aside): a calendar or a faceted search
# builds thousands of them; a category tree has a few dozen of each.
LISTINGS_PER_SHAPE = 60
MAX_FEEDS = 40
MAX_SITEMAPS = 500
# Article pages of one section that turned out not to be articles, with none that was,
# while other sections gave articles: the section serves something else (a documents or a
# photo module) and its other links are not fetched.
DEAD_SECTION_FAILURES = 2
DEFAULT_PORTS = {"http": 80, "https": 443}


class Origin(StrEnum):
    """Where a link was found: it ranks the URLs of one article, and decides coverage."""

    SITEMAP = "sitemap"
    SEED = "seed"
    FEED = "feed"
    LISTING = "listing"
    ARTICLE = "article"


# Sitemaps and feeds give an article's own address; pages may give another category's.
URL_PREFERENCE = {
    Origin.SITEMAP: 0,
    Origin.FEED: 0,
    Origin.SEED: 1,
    Origin.LISTING: 1,
    Origin.ARTICLE: 1,
}


class FetchKind(StrEnum):
    SEED = "seed"
    SITEMAP = "sitemap"
    PROBE = "probe"
    FEED = "feed"
    LISTING = "listing"
    ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class Fetch:
    """One request the crawl should make."""

    kind: FetchKind
    url: str
    walk: ListingWalk | None = None
    key: str = ""


@dataclass(slots=True)
class _Candidate:
    """An article found and not fetched yet, with every address it was found under: for
    each, the best place it was found (``URL_PREFERENCE``) and how many pages link it."""

    found_on: str
    addresses: dict[str, list[int]] = field(default_factory=dict)

    def add(self, url: str, origin: Origin) -> None:
        entry = self.addresses.setdefault(url, [URL_PREFERENCE[origin], 0])
        entry[0] = min(entry[0], URL_PREFERENCE[origin])
        entry[1] += 1

    def best(self) -> str:
        """The address to fetch: a sitemap's, else the one most pages link to (another
        category's address of an article answers with a redirect), else the first found."""
        return min(
            self.addresses, key=lambda url: (self.addresses[url][0], -self.addresses[url][1])
        )


@dataclass(frozen=True, slots=True)
class SiteAddress:
    """Which URLs are on the site: its hosts (and subdomains), at the seed's port."""

    domains: tuple[str, ...]
    port: int | None = None
    """An explicit port of the seeds (a site on 127.0.0.1:8095 is not the one on :80)."""

    @classmethod
    def of(cls, domains: Iterable[str], seeds: Iterable[str]) -> SiteAddress:
        ports = {_port(url) for url in seeds}
        explicit = {p for p in ports if p not in DEFAULT_PORTS.values()}
        return cls(
            tuple(d.lower() for d in domains), explicit.pop() if len(explicit) == 1 else None
        )

    def holds(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return False
        port = _port(url)
        if self.port is None:
            return port in DEFAULT_PORTS.values()
        return port == self.port


def _port(url: str) -> int | None:
    parts = urlsplit(url)
    try:
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None


class SkipReport:
    """The skip report: one JSON line per URL discovered and not fetched."""

    def __init__(self, stream: IO[str], site: str) -> None:
        self.stream = stream
        self.site = site

    def write(self, url: str, reason: Skip, detail: str, found_on: str) -> None:
        line = {
            "site": self.site,
            "url": url,
            "reason": str(reason),
            "detail": detail,
            "found_on": found_on,
        }
        self.stream.write(json.dumps(line, ensure_ascii=False) + "\n")


@dataclass
class FrontierSettings:
    full: bool = False
    stop_after: int = 0
    max_pages: int = 0
    use_sitemaps: bool = True
    use_feeds: bool = True


@dataclass
class Frontier:
    """See the module docstring."""

    grammar: UrlGrammar
    site: SiteAddress
    settings: FrontierSettings = field(default_factory=FrontierSettings)
    is_known: Callable[[str, str], bool] = lambda url, key: False
    """Whether an article (URL, key) is archived already (incremental crawls)."""
    allowed: Callable[[str], bool] = lambda url: True
    """Whether robots.txt lets the crawl fetch a URL."""
    count: Callable[[str, int], None] = lambda key, n: None
    """Where the frontier's counts go (the crawl's stats)."""
    report: SkipReport | None = None

    def __post_init__(self) -> None:
        # the route of every URL the crawl may fetch; of URLs never to be fetched, only
        # whether each was met already (its string hash: a print view of every article and
        # the like would otherwise keep their URLs for the whole crawl; two URLs of one hash
        # cost at most one line in the skip counts)
        self.routes: dict[str, Route] = {}
        self.skipped_urls: set[int] = set()
        self.skips: Counter[str] = Counter()
        self.queue: deque[Fetch] = deque()
        # articles released and not yet handed out: ``take`` hands them out a few at a time
        self.due_articles: deque[Fetch] = deque()
        self.discovering = True
        # articles
        self.candidates: dict[str, _Candidate] = {}
        self.released: set[str] = set()  # keys of the articles handed out
        self.known: dict[str, bool] = {}
        self.sections: dict[str, list[int]] = {}
        self.dead_sections: set[str] = set()
        # listings and feeds
        self.walks: dict[str, ListingWalk] = {}
        self.parked: list[ListingWalk] = []
        self.shapes: Counter[str] = Counter()
        self.primary_listings = 0
        # Articles every listing page read links to (a side block): no listing's items.
        self.chrome: frozenset[str] | None = None
        self.feeds: dict[str, str] = {}
        self.feeds_released = False
        # sitemaps and coverage
        self.sitemaps: set[str] = set()
        self.guessed_sitemaps: set[str] = set()
        self.sitemap_articles: set[str] = set()
        self.sitemap_sections: set[str] = set()
        self.sitemap_whole = True
        self.linked_elsewhere: dict[str, str] = {}
        self.coverage_lost: str | None = None
        # the soft-404 probe
        self.probe: str | None = None
        self.probe_pending = False
        # what the next FrontierUpdate carries
        self.unsaved_articles: dict[str, str] = {}
        self.unsaved_listings: dict[str, ListingProgress] = {}

    # --- what is on the site --------------------------------------------------------

    def route(self, url: str) -> Route:
        """What ``url`` is on this site, before any bookkeeping (cached)."""
        cached = self.routes.get(url)
        if cached is not None:
            return cached
        route = self._classify(url)
        if not _never_fetched(route):
            self.routes[url] = route
        return route

    def _classify(self, url: str) -> Route:
        if not self.site.holds(url):
            return Route.skipped(Skip.OFFSITE, urlsplit(url).netloc)
        if len(url) > MAX_URL_LENGTH:
            return Route.skipped(Skip.TRAP, f"URL longer than {MAX_URL_LENGTH} characters")
        return self.grammar.route(url)

    # --- what earlier crawls left ---------------------------------------------------------

    def resume(
        self, listings: Iterable[ListingProgress], pending: Iterable[tuple[str, str]]
    ) -> None:
        """Pick up where earlier crawls left: a walk cut off goes on from the page it was to
        read next, past the articles archived; a listing walked to its end is known (an
        incremental crawl stops paging it at the first page with nothing new, once this
        crawl finds it again); articles found and not stored are fetched."""
        for saved in listings:
            walk = ListingWalk(
                key=saved.key,
                first_url=saved.first_url,
                secondary=saved.secondary,
                section=saved.section,
                backfill_complete=saved.backfill_complete,
            )
            self.walks[saved.key] = walk
            cut_off = saved.resume_url and not saved.backfill_complete
            if cut_off and not self.settings.full:
                walk.page = saved.pages_read
                walk.next_url = saved.resume_url
                self.count("dvcrawl/frontier/walks_resumed", 1)
                if not walk.secondary:
                    self.primary_listings += 1
                self._let_walk(walk)
            else:
                walk.dormant = True
        for key, url in pending:
            route = self.route(url)
            if key in self.candidates or route.section in self.dead_sections:
                continue
            self._add_candidate(key, url, Origin.LISTING, "an earlier crawl")
            self.count("dvcrawl/frontier/articles_resumed", 1)

    def drain(self, site_key: str) -> FrontierUpdate | None:
        """What was found and walked since the last call, for the archive to keep."""
        if not self.unsaved_articles and not self.unsaved_listings:
            return None
        update = FrontierUpdate(
            site_key=site_key,
            articles=list(self.unsaved_articles.items()),
            listings=list(self.unsaved_listings.values()),
        )
        self.unsaved_articles = {}
        self.unsaved_listings = {}
        return update

    def _note_walk(self, walk: ListingWalk, resume_url: str | None = None) -> None:
        if walk.hub or walk.key.startswith("seed:"):
            return
        self.unsaved_listings[walk.key] = ListingProgress(
            key=walk.key,
            first_url=walk.first_url,
            section=walk.section,
            secondary=walk.secondary,
            pages_read=walk.page,
            resume_url=resume_url or walk.next_url,
            backfill_complete=walk.backfill_complete,
            end=str(walk.end) if walk.end else None,
        )

    # --- seeds, sitemaps, feeds ---------------------------------------------------------

    def add_seed(self, url: str) -> None:
        route = self.route(url)
        if route.skip is not None and route.skip is not Skip.NOT_ARTICLE_OR_LISTING:
            self._skip(url, route.skip, route.detail, "seed")
            return
        if route.kind is RouteKind.ARTICLE:
            self.discover(url, Origin.SEED, "seed")
            return
        if route.kind in (RouteKind.LISTING, RouteKind.HUB):
            walk = self._walk_for(url, route)
        else:  # a page the grammar cannot place: read once for its links
            walk = ListingWalk(key=f"seed:{url}", first_url=url, hub=True)
            self.walks[walk.key] = walk
        if walk.seed or walk.started:
            return
        walk.seed = True
        walk.first_url = url
        walk.next_url = url
        self.queue.append(Fetch(FetchKind.SEED, url, walk))

    def claim(self, url: str) -> ListingWalk | None:
        """Take back the queued seed fetch of ``url``, already fetched: its walk."""
        for fetch in self.queue:
            if fetch.kind is FetchKind.SEED and fetch.url == url:
                self.queue.remove(fetch)
                return fetch.walk
        return None

    def add_sitemap(self, url: str, found_on: str = "robots.txt", *, guessed: bool = False) -> None:
        """Read a sitemap; ``guessed`` is one at the usual place, which a site may lack."""
        if not self.settings.use_sitemaps or url in self.sitemaps:
            return
        if guessed:
            self.guessed_sitemaps.add(url)
        if not self.site.holds(url):
            self._skip(url, Skip.OFFSITE, "sitemap on another host", found_on)
            return
        route = self.route(url)
        if route.kind is RouteKind.SITEMAP and route.skip is not None:
            self._skip(url, route.skip, route.detail, found_on)
            return
        if len(self.sitemaps) >= MAX_SITEMAPS:
            self.sitemap_whole = False
            self._skip(url, Skip.TRAP, f"more than {MAX_SITEMAPS} sitemaps", found_on)
            return
        self.sitemaps.add(url)
        self.routes.setdefault(url, Route(RouteKind.SITEMAP))
        self.queue.append(Fetch(FetchKind.SITEMAP, url))

    def sitemap_read(self, url: str, is_index: bool, urls: Iterable[str], entries: int) -> None:
        """A sitemap was read: follow an index, take the articles of a list of URLs."""
        if is_index:
            for child in urls:
                self.add_sitemap(child, found_on=url)
            return
        cap = self.grammar.sitemap_cap
        if cap is None or entries >= cap:
            self.sitemap_whole = False
        for link in urls:
            self.discover(link, Origin.SITEMAP, url)

    def sitemap_failed(self, url: str, *, missing: bool = False) -> None:
        """A sitemap could not be read: the sitemaps cannot be taken as whole (unless it was
        only guessed at, and is ``missing``)."""
        if not (missing and url in self.guessed_sitemaps):
            self.sitemap_whole = False

    def add_feed(self, url: str, found_on: str) -> None:
        route = self.route(url)
        if route.skip is not None and route.kind is not RouteKind.FEED:
            self._skip(url, route.skip, route.detail, found_on)
            return
        if not self.settings.use_feeds or url in self.feeds:
            return
        if len(self.feeds) >= MAX_FEEDS:
            self._skip(url, Skip.TRAP, f"more than {MAX_FEEDS} feeds", found_on)
            return
        self.feeds[url] = found_on
        self.routes[url] = Route(RouteKind.FEED)
        if self.feeds_released:
            self.queue.append(Fetch(FetchKind.FEED, url))

    # --- links ----------------------------------------------------------------------------

    def discover(self, url: str, origin: Origin, found_on: str) -> Route:
        """Take in one link; returns what it is."""
        seen = url in self.routes
        route = self.route(url)
        if route.kind is RouteKind.ARTICLE and route.skip is None:
            self._article(url, route, origin, found_on, seen)
        elif seen:
            pass
        elif _never_fetched(route):
            if self._first_sight(url):
                self._skip(url, route.skip or Skip.NOT_ARTICLE_OR_LISTING, route.detail, found_on)
        elif route.kind in (RouteKind.LISTING, RouteKind.HUB):
            self._listing(url, route, found_on)
        elif route.kind is RouteKind.FEED:
            self.add_feed(url, found_on)
        elif route.kind is RouteKind.SITEMAP:
            self.add_sitemap(url, found_on)
        return route

    def _first_sight(self, url: str) -> bool:
        """Whether a URL never to be fetched is met for the first time."""
        key = hash(url)
        if key in self.skipped_urls:
            return False
        self.skipped_urls.add(key)
        return True

    def adopt(self, walk: ListingWalk, url: str) -> None:
        """The walk's page answered at ``url`` (after a redirect): the walk is that listing's,
        unless another walk of it has read a page already, which then goes on alone."""
        route = self.route(url)
        if route.kind not in (RouteKind.LISTING, RouteKind.HUB) or route.key == walk.key:
            return
        other = self.walks.get(route.key)
        if other is walk:
            return
        if other is not None and other.started:
            walk.stop(WalkEnd.LAST_PAGE)
            return
        if other is not None:
            other.stop(WalkEnd.LAST_PAGE)
        self.walks[route.key] = walk
        walk.key = route.key
        walk.first_url = route.first_page or url
        walk.section = route.section

    def alias(self, page_url: str, alias_url: str) -> None:
        """``alias_url`` names the page fetched at ``page_url`` (canonical, og:url): it is
        the same page, never to be fetched on its own."""
        if alias_url in self.routes or not self.site.holds(alias_url):
            return
        page, alias = self.route(page_url), self.route(alias_url)
        if (
            page.kind in (RouteKind.LISTING, RouteKind.HUB)
            and alias.kind is RouteKind.LISTING
            and alias.key not in self.walks
        ):
            walk = self.walks.get(page.key) or next(
                (w for w in self.walks.values() if page_url in w.visited), None
            )
            if walk is not None:
                self.walks[alias.key] = walk

    def _article(self, url: str, route: Route, origin: Origin, found_on: str, seen: bool) -> None:
        key = route.key
        if origin is Origin.SITEMAP:
            self.sitemap_articles.add(key)
            self.sitemap_sections.add(route.section)
        else:
            self.linked_elsewhere.setdefault(key, url)
            if not self.discovering and self._sitemap_lacks(key):
                self._lose_coverage(f"{url} (linked from {found_on}) is in no sitemap")
        waiting = self.candidates.get(key)
        if waiting is not None:
            waiting.add(url, origin)
            return
        if seen:
            return
        if key in self.released:
            self._skip(url, Skip.ALREADY_KNOWN, "another address of an article", found_on)
        elif route.section in self.dead_sections:
            self._skip(
                url,
                Skip.NOT_ARTICLE_OR_LISTING,
                f"section {route.section!r} served no article",
                found_on,
            )
        elif self._is_archived(url, key):
            self._skip(url, Skip.ALREADY_KNOWN, "archived", found_on)
        elif not self.allowed(url):
            self._skip(url, Skip.ROBOTS, "article", found_on)
        else:
            self._add_candidate(key, url, origin, found_on)
            self.unsaved_articles[key] = url
            self.count("dvcrawl/discovered/articles", 1)

    def _add_candidate(self, key: str, url: str, origin: Origin, found_on: str) -> None:
        """An article to fetch once discovery is over; the first one starts the probe."""
        candidate = _Candidate(found_on)
        candidate.add(url, origin)
        self.candidates[key] = candidate
        if self.probe is None:
            self._start_probe(url)

    def _is_archived(self, url: str, key: str) -> bool:
        if self.settings.full:
            return False
        if key not in self.known:
            self.known[key] = self.is_known(url, key)
        return self.known[key]

    def _listing(self, url: str, route: Route, found_on: str) -> None:
        known = self.walks.get(route.key)
        if known is not None and not known.dormant:
            known.page_links.setdefault(route.page, url)
            return
        shape = _shape(route.first_page or url)
        self.shapes[shape] += 1
        if self.shapes[shape] > LISTINGS_PER_SHAPE:
            self._skip(
                url, Skip.TRAP, f"more than {LISTINGS_PER_SHAPE} listings like {shape}", found_on
            )
            return
        if not self.allowed(route.first_page or url):
            self._skip(url, Skip.ROBOTS, "listing", found_on)
            return
        walk = self._walk_for(url, route)
        walk.dormant = False
        self.count("dvcrawl/discovered/listings", 1)
        if not walk.secondary:
            self.primary_listings += 1
        if route.page > 1:
            walk.page_links.setdefault(route.page, url)
        self._let_walk(walk)

    def _walk_for(self, url: str, route: Route) -> ListingWalk:
        walk = self.walks.get(route.key)
        if walk is None:
            walk = ListingWalk(
                key=route.key,
                first_url=route.first_page or url,
                secondary=route.secondary,
                hub=route.kind is RouteKind.HUB,
                section=route.section,
            )
            self.walks[route.key] = walk
        return walk

    # --- listing walks ----------------------------------------------------------------

    def walk_page(
        self,
        walk: ListingWalk,
        url: str,
        article_keys: list[str],
        next_url: str | None,
        *,
        loops_back: bool = False,
    ) -> None:
        """Take in one page of a walk and queue the next one, or end the walk."""
        # The incremental stop applies once a walk has read the listing to its end.
        incremental = not self.settings.full and walk.backfill_complete
        linked = frozenset(article_keys)
        self.chrome = linked if self.chrome is None else self.chrome & linked
        following = walk.read_page(
            url,
            article_keys,
            next_url,
            loops_back=loops_back,
            chrome=self.chrome,
            is_known=(lambda key: self.known.get(key, False)) if incremental else None,
            stop_after=self.settings.stop_after,
            max_pages=self.settings.max_pages,
        )
        self._note_walk(walk)
        if following is None:
            self._walk_ended(walk)
            return
        self._let_walk(walk)

    def walk_failed(self, walk: ListingWalk) -> None:
        """A page of the walk could not be fetched: the next crawl reads it again."""
        resume_url = walk.next_url
        walk.stop(WalkEnd.FAILED)
        self._note_walk(walk, resume_url)
        self._walk_ended(walk)

    def _let_walk(self, walk: ListingWalk) -> None:
        """Queue the walk's next page now, or park the walk until coverage is decided."""
        if walk.end is not None or walk.next_url is None:
            return
        if self.discovering or walk.secondary or self._covers(walk):
            self.parked.append(walk)
            return
        kind = FetchKind.SEED if walk.seed and not walk.started else FetchKind.LISTING
        self.queue.append(Fetch(kind, walk.next_url, walk))

    def _walk_ended(self, walk: ListingWalk) -> None:
        end = walk.end
        self.count(f"dvcrawl/listing/end/{end}", 1)
        reason = (
            Skip.TRAP
            if end in TRAP_ENDS
            else Skip.ALREADY_KNOWN
            if end is WalkEnd.KNOWN
            else Skip.COVERED
            if end is WalkEnd.COVERED
            else Skip.NOT_ARTICLE_OR_LISTING
        )
        for url in walk.unread_pages():
            self._skip(url, reason, f"listing walk ended: {end}", walk.first_url)

    # --- phases -------------------------------------------------------------------------

    def take(self, articles: int | None = None) -> list[Fetch]:
        """What to request now, in the order found: every listing, sitemap and feed, and of
        the articles released, ``articles`` at most (all by default). The others wait for
        a later call: a site's articles are not all requests in memory at once."""
        fetches: list[Fetch] = []
        for fetch in self.queue:
            (self.due_articles if fetch.kind is FetchKind.ARTICLE else fetches).append(fetch)
        self.queue.clear()
        due = self.due_articles
        for _ in range(len(due) if articles is None else min(max(articles, 0), len(due))):
            fetches.append(due.popleft())
        return fetches

    def idle(self, articles: int | None = None) -> list[Fetch]:
        """The crawl has nothing left in flight: end discovery, or let parked walks go, or
        hand out more articles (``articles`` at most, see ``take``).

        An empty answer means the crawl is done.
        """
        if self.probe_pending:  # its request was lost (refused, filtered): go on without it
            self.probe_pending = False
        if self.discovering:
            self.discovering = False
            if self._sitemaps_cover() is False:
                self._lose_coverage(self._uncovered_reason())
            if not self._covered() and self.primary_listings == 0:
                self._release_feeds()
        self._release_parked()
        if not self.queue and self.parked and not self._covered() and self.primary_listings == 0:
            self._release_parked(secondary=True)
        self._release_articles()
        if self.queue or self.due_articles:
            return self.take(articles)
        self._finish()
        return []

    def _release_parked(self, *, secondary: bool = False) -> None:
        """Let go every parked walk the sitemaps do not stand in for (tags, authors and
        topics only with ``secondary``)."""
        keep: list[ListingWalk] = []
        for walk in self.parked:
            if walk.end is not None:
                continue
            if (walk.secondary and not secondary) or self._covers(walk):
                keep.append(walk)
                continue
            kind = FetchKind.SEED if walk.seed and not walk.started else FetchKind.LISTING
            self.queue.append(Fetch(kind, walk.next_url or walk.first_url, walk))
        self.parked = keep

    def _release_feeds(self) -> None:
        if self.feeds_released:
            return
        self.feeds_released = True
        for url in self.feeds:
            self.queue.append(Fetch(FetchKind.FEED, url))

    def _release_articles(self) -> None:
        """Articles go out once the listings in sight are walked, each at its best address
        (the others are counted as not fetched)."""
        if self.discovering or self.probe_pending:
            return
        for key, candidate in self.candidates.items():
            url = candidate.best()
            self.released.add(key)
            self.queue.append(Fetch(FetchKind.ARTICLE, url, key=key))
            for other in candidate.addresses:
                if other != url:
                    self._skip(other, Skip.ALREADY_KNOWN, "another address of an article", url)
        self.candidates.clear()

    def _finish(self) -> None:
        """Count what the crawl leaves unfetched: walks parked under coverage, feeds, tags."""
        for walk in self.parked:
            if walk.end is None:
                walk.stop(WalkEnd.COVERED if self._covers(walk) else WalkEnd.LAST_PAGE)
                reason = Skip.SECONDARY_LISTING if walk.secondary else Skip.COVERED
                self._skip(
                    walk.first_url,
                    reason,
                    "tag, author or topic listing"
                    if walk.secondary
                    else "listing: the sitemaps list every article",
                    "",
                )
                for url in walk.unread_pages()[1:]:
                    self._skip(url, reason, "listing page", walk.first_url)
        self.parked = []
        if not self.feeds_released:
            detail = (
                "feed: the sitemaps list more"
                if self._covered()
                else "feed: the listings list more"
            )
            for url, found_on in self.feeds.items():
                self._skip(url, Skip.COVERED, detail, found_on)
            self.feeds_released = True

    # --- coverage -----------------------------------------------------------------------

    def _sitemaps_cover(self) -> bool | None:
        """Whether the sitemaps list every article; None when there were none to read."""
        if not self.sitemaps or not self.sitemap_articles:
            return None
        return self.sitemap_whole and not any(self._sitemap_lacks(k) for k in self.linked_elsewhere)

    def _sitemap_lacks(self, key: str) -> bool:
        return bool(self.sitemap_articles) and key not in self.sitemap_articles

    def _uncovered_reason(self) -> str:
        if not self.sitemap_whole:
            return "a sitemap is cut at the CMS's limit, or could not be read"
        missing = next(k for k in self.linked_elsewhere if self._sitemap_lacks(k))
        return f"{self.linked_elsewhere[missing]} is in no sitemap"

    def _covered(self) -> bool:
        return (
            not self.settings.full
            and self.coverage_lost is None
            and not self.discovering
            and self._sitemaps_cover() is True
        )

    def _covers(self, walk: ListingWalk) -> bool:
        """Whether the sitemaps stand in for this listing: they list every article, and
        some of its part of the site (a module the sitemap index may leave out is walked)."""
        return self._covered() and walk.section in self.sitemap_sections

    def _lose_coverage(self, reason: str) -> None:
        if self.coverage_lost is None:
            self.coverage_lost = reason
            if not self.discovering:
                self._release_parked()

    @property
    def covered(self) -> bool:
        """Whether the sitemaps stand in for the listings (after discovery)."""
        return self._covered()

    # --- the soft-404 probe ------------------------------------------------------------

    def _start_probe(self, article_url: str) -> None:
        probe = self.grammar.probe_url(article_url)
        self.probe = probe or ""
        if probe and self.allowed(probe):
            self.probe_pending = True
            self.routes[probe] = Route(RouteKind.OTHER, detail="soft-404 probe")
            self.queue.append(Fetch(FetchKind.PROBE, probe))

    def probe_done(self) -> None:
        self.probe_pending = False

    # --- outcomes of article pages ------------------------------------------------------

    def article_outcome(self, url: str, is_article: bool) -> None:
        """An article page turned out an article or not: a section that serves none is left
        alone once others have served some."""
        route = self.routes.get(url) or self.route(url)
        if route.kind is not RouteKind.ARTICLE:
            return
        counts = self.sections.setdefault(route.section, [0, 0])
        counts[0 if is_article else 1] += 1
        if is_article:
            return
        others_served = any(ok for name, (ok, _) in self.sections.items() if name != route.section)
        if counts[0] == 0 and counts[1] >= DEAD_SECTION_FAILURES and others_served:
            self.dead_sections.add(route.section)

    # --- skips --------------------------------------------------------------------------

    def _skip(self, url: str, reason: Skip, detail: str, found_on: str) -> None:
        self.skips[reason] += 1
        self.count(f"dvcrawl/skipped/{reason}", 1)
        if self.report is not None:
            self.report.write(url, reason, detail, found_on)

    def robots_refused(self, url: str) -> None:
        """Robots.txt refused a request the frontier had handed out."""
        self._skip(url, Skip.ROBOTS, "refused by robots.txt when requested", "")


def _never_fetched(route: Route) -> bool:
    return route.skip is not None or route.kind is RouteKind.OTHER


def _shape(url: str) -> str:
    """A listing URL with its digits and query values blanked: one shape per kind of page."""
    parts = urlsplit(url)
    names = ",".join(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return re.sub(r"\d+", "N", parts.path) + (f"?{names}" if names else "")
