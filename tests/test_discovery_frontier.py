"""The frontier: what a crawl fetches, in which order, and what it leaves with a reason."""

from __future__ import annotations

import io
import json

from dvcrawl.discovery.frontier import (
    LISTINGS_PER_SHAPE,
    Fetch,
    FetchKind,
    Frontier,
    FrontierSettings,
    Origin,
    SiteAddress,
    SkipReport,
)
from dvcrawl.discovery.grammar import Skip
from dvcrawl.sites.families.nukeviet import NukeVietGrammar

HOME = "http://127.0.0.1:8095/"
CAT = HOME + "news/hoat-dong/"
OTHER_CAT = HOME + "news/dan-toc/"
SITEMAP = HOME + "sitemap.xml"
NEWS_SITEMAP = HOME + "sitemap-vi.news.xml"


def art(n: int, cat: str = CAT) -> str:
    return f"{cat}bai-viet-so-{n}-{n}.html"


def frontier(**settings: object) -> Frontier:
    return Frontier(
        grammar=NukeVietGrammar(),
        site=SiteAddress.of(["127.0.0.1"], [HOME]),
        settings=FrontierSettings(**settings),  # type: ignore[arg-type]
    )


def kinds(fetches: list[Fetch]) -> list[tuple[FetchKind, str]]:
    return [(f.kind, f.url) for f in fetches]


def read_home(front: Frontier, links: list[str]) -> None:
    """The home page was fetched: its links are taken in."""
    (seed,) = front.take()
    assert (seed.kind, seed.url) == (FetchKind.SEED, HOME)
    assert seed.walk is not None
    keys = [front.discover(url, Origin.SEED, HOME).key for url in links]
    front.walk_page(seed.walk, HOME, keys, None)


def read_sitemaps(front: Frontier, articles: list[str], entries: int | None = None) -> None:
    """The index robots.txt names, then the news module's sitemap, are read."""
    front.add_sitemap(SITEMAP)
    assert (FetchKind.SITEMAP, SITEMAP) in kinds(front.queue)  # type: ignore[arg-type]
    front.sitemap_read(SITEMAP, True, [NEWS_SITEMAP], 1)
    assert (FetchKind.SITEMAP, NEWS_SITEMAP) in kinds(front.queue)  # type: ignore[arg-type]
    front.sitemap_read(NEWS_SITEMAP, False, articles, entries or len(articles))


def answer_probe(front: Frontier) -> list[Fetch]:
    """The soft-404 probe goes out during discovery, and articles wait for the end of it."""
    fetches = front.take()
    assert [f.kind for f in fetches if f.kind is not FetchKind.SITEMAP] == [FetchKind.PROBE]
    front.probe_done()
    assert front.take() == []
    return front.idle()


def test_a_whole_sitemap_stands_in_for_the_listings() -> None:
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [CAT, OTHER_CAT, art(1)])
    read_sitemaps(front, [art(1), art(2), art(3, OTHER_CAT)])
    fetched = answer_probe(front)
    assert sorted(kinds(fetched)) == sorted(
        [
            (FetchKind.ARTICLE, art(1)),
            (FetchKind.ARTICLE, art(2)),
            (FetchKind.ARTICLE, art(3, OTHER_CAT)),
        ]
    )
    assert front.covered
    assert front.idle() == []
    assert front.skips[Skip.COVERED] == 2, "both categories are left, counted"


def test_a_module_the_sitemaps_say_nothing_of_is_walked() -> None:
    # The sitemap index leaves a news module out (its sitemap switched off): its listings
    # are walked even though the sitemaps stand in for the other module's.
    front = frontier()
    front.add_seed(HOME)
    branches = HOME + "hoat-dong-cac-dang-bo/"
    read_home(front, [CAT, branches, art(1)])
    read_sitemaps(front, [art(1), art(2)])
    fetched = answer_probe(front)
    assert (FetchKind.LISTING, branches) in kinds(fetched)
    assert (FetchKind.LISTING, CAT) not in kinds(fetched)
    assert front.covered


def test_a_sitemap_cut_at_the_cms_limit_leaves_the_listings_to_be_walked() -> None:
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [CAT, art(1)])
    read_sitemaps(front, [art(1), art(2)], entries=1000)
    fetched = answer_probe(front)
    assert (FetchKind.LISTING, CAT) in kinds(fetched)
    assert not front.covered


def test_an_article_the_sitemap_lacks_sends_the_crawl_to_the_listings() -> None:
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [CAT, art(1)])
    read_sitemaps(front, [art(1), art(2)])
    answer_probe(front)
    assert front.covered
    # An article page read later links a newer article no sitemap lists (a cached sitemap).
    front.discover(art(9), Origin.ARTICLE, art(1))
    assert not front.covered
    assert kinds(front.take()) == [(FetchKind.LISTING, CAT)]
    assert kinds(front.idle()) == [(FetchKind.ARTICLE, art(9))]
    assert front.coverage_lost is not None
    assert art(9) in front.coverage_lost


def test_full_crawls_walk_the_listings_whatever_the_sitemaps_say() -> None:
    front = frontier(full=True)
    front.add_seed(HOME)
    read_home(front, [CAT, art(1)])
    read_sitemaps(front, [art(1)])
    assert (FetchKind.LISTING, CAT) in kinds(answer_probe(front))


def test_an_article_is_fetched_once_at_the_address_its_sitemap_gives() -> None:
    front = frontier()
    front.add_seed(HOME)
    # The home page links article 31 under a second category (that address answers 301).
    read_home(front, [art(31, OTHER_CAT)])
    read_sitemaps(front, [art(31)])
    fetched = answer_probe(front)
    assert kinds(fetched) == [(FetchKind.ARTICLE, art(31))]
    front.discover(art(31, OTHER_CAT), Origin.ARTICLE, art(5))
    assert front.take() == []
    assert front.skips[Skip.ALREADY_KNOWN] == 1


def test_of_two_addresses_the_one_more_pages_link_is_fetched() -> None:
    # A module's archive links articles under their main category; a second category's
    # listing links them under its own alias, which answers 301.
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [art(31, OTHER_CAT)])
    front.probe_done()
    front.discover(art(31), Origin.LISTING, HOME + "news/page-2/")
    front.discover(art(31), Origin.LISTING, CAT)
    fetched = [f for f in front.idle() if f.kind is FetchKind.ARTICLE]
    assert kinds(fetched) == [(FetchKind.ARTICLE, art(31))]
    assert front.skips[Skip.ALREADY_KNOWN] == 1


def test_archived_articles_are_not_fetched_again() -> None:
    front = frontier()
    front.is_known = lambda url, key: key == "news:1"
    front.add_seed(HOME)
    read_home(front, [art(1), art(2)])
    fetched = answer_probe(front)
    assert kinds(fetched) == [(FetchKind.ARTICLE, art(2))]
    assert front.skips[Skip.ALREADY_KNOWN] == 1


def test_what_is_left_is_counted_and_reported_by_reason() -> None:
    stream = io.StringIO()
    front = frontier()
    front.report = SkipReport(stream, "site")
    front.allowed = lambda url: "/news/cam/" not in url
    front.add_seed(HOME)
    links = [
        "https://facebook.com/page",
        CAT,
        "http://127.0.0.1/news/",  # the host without the site's port
        HOME + "en/news/",
        HOME + "news/print/hoat-dong/bai-1.html",
        HOME + "news/tag/dan-van",
        HOME + "news/cam/bai-viet-5.html",
        CAT + "x" * 2100 + "-7.html",
    ]
    read_home(front, links)
    front.idle()
    front.idle()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    reasons = {line["url"]: line["reason"] for line in lines}
    assert reasons == {
        links[0]: "offsite",
        links[2]: "offsite",
        links[3]: "other_language",
        links[4]: "not_article_or_listing",
        links[5]: "secondary_listing",
        links[6]: "robots",
        links[7]: "trap",
    }
    assert all(line["site"] == "site" for line in lines)
    assert sum(front.skips.values()) == len(lines)


def test_secondary_listings_are_walked_only_when_no_category_is_found() -> None:
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [HOME + "news/tag/dan-van"])
    fetched = front.idle()
    assert kinds(fetched) == [(FetchKind.LISTING, HOME + "news/tag/dan-van")]


def test_listings_of_one_shape_are_bounded() -> None:
    # A calendar: one listing a day, each linking the next.
    front = frontier()
    front.add_seed(HOME)
    days = [f"{HOME}news/lich-{day}/" for day in range(LISTINGS_PER_SHAPE + 25)]
    read_home(front, days)
    fetched = front.idle()
    assert len([f for f in fetched if f.kind is FetchKind.LISTING]) == LISTINGS_PER_SHAPE
    assert front.skips[Skip.TRAP] == 25


def test_a_section_that_serves_no_article_is_left_alone() -> None:
    front = frontier()
    front.add_seed(HOME)
    docs = [f"{HOME}van-ban/chi-thi/chi-thi-so-{n}-{n}.html" for n in range(1, 6)]
    read_home(front, [art(1), *docs[:2]])
    answer_probe(front)
    front.article_outcome(art(1), is_article=True)
    for url in docs[:2]:
        front.article_outcome(url, is_article=False)
    for url in docs[2:]:
        front.discover(url, Origin.LISTING, CAT)
    assert front.take() == []
    assert front.skips[Skip.NOT_ARTICLE_OR_LISTING] == 3


def test_a_site_whose_every_article_fails_is_not_silenced() -> None:
    # A changed layout fails every article: the crawl must go on and raise its alarm.
    front = frontier()
    front.add_seed(HOME)
    read_home(front, [art(1), art(2)])
    answer_probe(front)
    for url in (art(1), art(2)):
        front.article_outcome(url, is_article=False)
    front.discover(art(3), Origin.LISTING, CAT)
    assert kinds(front.idle()) == [(FetchKind.ARTICLE, art(3))]


def test_a_page_is_one_listing_whatever_address_named_it() -> None:
    # The home page of a NukeViet site is its news module's main page (og:url /news/).
    front = frontier()
    front.add_seed(HOME)
    (seed,) = front.take()
    assert seed.walk is not None
    front.alias(HOME, HOME + "news/")
    front.discover(HOME + "news/", Origin.SEED, HOME)
    front.walk_page(seed.walk, HOME, [], None)
    assert [f for f in front.idle() if f.kind is FetchKind.LISTING] == []


def test_a_site_address_includes_its_port_and_subdomains() -> None:
    site = SiteAddress.of(["tinhuy.vn"], ["https://tinhuy.vn/"])
    assert site.holds("https://www.tinhuy.vn/news/")
    assert site.holds("http://tinhuy.vn/news/")
    assert not site.holds("https://tinhuy.vn:8443/news/")
    assert not site.holds("https://nottinhuy.vn/")
    local = SiteAddress.of(["127.0.0.1"], [HOME])
    assert local.holds(HOME + "news/")
    assert not local.holds("http://127.0.0.1/")
