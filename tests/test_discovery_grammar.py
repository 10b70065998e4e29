"""URL grammars: what each URL of a NukeViet, danvan.vn or tuyengiaodanvan.vn site is."""

from __future__ import annotations

import pytest

from dvcrawl.discovery.grammar import Route, RouteKind, Skip
from dvcrawl.sites import get_family
from dvcrawl.sites.families.nukeviet import NukeVietGrammar

NV = NukeVietGrammar()
BASE = "https://tinhuy.example.vn"


def route(url: str) -> Route:
    return NV.route(url if "://" in url else BASE + url)


# One article, as each NukeViet routing prints it (notes on the rewrite settings in the
# family module): the key names the module and the module's own id.
@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/news/hoat-dong/hoi-nghi-so-ket-31.html", "news:31"),  # rewrite_optional
        ("/vi/news/hoat-dong/hoi-nghi-so-ket-31.html", "news:31"),  # language in the path
        ("/index.php/news/hoat-dong/hoi-nghi-so-ket-31.html", "news:31"),  # no rewrite file
        ("/index.php?language=vi&nv=news&op=hoat-dong/hoi-nghi-so-ket-31.html", "news:31"),
        ("/index.php?language=vi&nv=news&op=hoat-dong/hoi-nghi-so-ket-31", "news:31"),
        ("/hoat-dong/hoi-nghi-so-ket-31.html", ":31"),  # the root module (rewrite_op_mod)
        ("/hoat-dong-cac-dang-bo/huyen-uy/hoi-nghi-31.html", "hoat-dong-cac-dang-bo:31"),
        # A second category's address of the same article (it answers 301).
        ("/news/dan-van-chinh-quyen/hoi-nghi-so-ket-31.html", "news:31"),
        # Aliases made from decomposed titles keep their stray letters.
        ("/news/hoat-dong/ho-n-150-can-bo-da-n-va-n-23.html", "news:23"),
    ],
)
def test_articles_in_every_routing(url: str, key: str) -> None:
    found = route(url)
    assert (found.kind, found.key, found.skip) == (RouteKind.ARTICLE, key, None)


@pytest.mark.parametrize(
    ("url", "key", "page", "first"),
    [
        ("/news/", "news", 1, "/news/"),
        ("/news/page-3/", "news", 3, "/news/"),
        ("/news/hoat-dong/", "news/hoat-dong", 1, "/news/hoat-dong/"),
        ("/news/hoat-dong/page-2/", "news/hoat-dong", 2, "/news/hoat-dong/"),
        ("/vi/news/hoat-dong/page-2/", "news/hoat-dong", 2, "/vi/news/hoat-dong/"),
        ("/index.php/news/hoat-dong/", "news/hoat-dong", 1, "/index.php/news/hoat-dong/"),
        ("/hoat-dong/page-4/", "hoat-dong", 4, "/hoat-dong/"),
        (
            "/index.php?language=vi&nv=news&op=hoat-dong/page-2",
            "news/hoat-dong",
            2,
            "/index.php?language=vi&nv=news&op=hoat-dong",
        ),
        ("/index.php?language=vi&nv=news/page-2", "news", 2, "/index.php?language=vi&nv=news"),
        # rewrite_endurl set to ".html": page N is not article N.
        ("/news/hoat-dong/page-2.html", "news/hoat-dong", 2, "/news/hoat-dong.html"),
    ],
)
def test_listings_and_their_pages(url: str, key: str, page: int, first: str) -> None:
    found = route(url)
    assert (found.kind, found.key, found.page) == (RouteKind.LISTING, key, page)
    assert found.first_page == BASE + first
    assert not found.secondary


@pytest.mark.parametrize(
    "url",
    ["/news/tag/dân-vận-khéo", "/news/tag/d%C3%A2n-v%E1%BA%ADn/page-2", "/news/author/Minh-Khue/",
     "/news/topic/dai-hoi-dang/", "/tag/zalo"],
)  # fmt: skip
def test_tags_authors_and_topics_are_secondary_listings(url: str) -> None:
    found = route(url)
    assert found.kind is RouteKind.LISTING
    assert found.secondary


@pytest.mark.parametrize(
    ("url", "reason", "detail"),
    [
        ("/en/news/activities/meeting-12.html", Skip.OTHER_LANGUAGE, "language 'en'"),
        ("/index.php?language=en&nv=news", Skip.OTHER_LANGUAGE, "language 'en'"),
        ("/news/print/hoat-dong/hoi-nghi-31.html", Skip.NOT_ARTICLE_OR_LISTING, "print view"),
        ("/news/savefile/hoat-dong/hoi-nghi-31.html", Skip.NOT_ARTICLE_OR_LISTING, "save"),
        ("/news/sendmail/hoat-dong/hoi-nghi-31.html", Skip.NOT_ARTICLE_OR_LISTING, "mail"),
        ("/print/hoat-dong/hoi-nghi-31.html", Skip.NOT_ARTICLE_OR_LISTING, "print view"),
        ("/news/search/?q=dan+van", Skip.NOT_ARTICLE_OR_LISTING, "search"),
        ("/news/content/", Skip.NOT_ARTICLE_OR_LISTING, "posting form"),
        ("/users/login/", Skip.NOT_ARTICLE_OR_LISTING, "module 'users'"),
        ("/contact/", Skip.NOT_ARTICLE_OR_LISTING, "module 'contact'"),
        ("/voting/", Skip.NOT_ARTICLE_OR_LISTING, "module 'voting'"),
        ("/comment/post/", Skip.NOT_ARTICLE_OR_LISTING, "module 'comment'"),
        ("/about/nhung-tinh-nang-cua-nukeviet-cms-4-0.html", Skip.NOT_ARTICLE_OR_LISTING, "about"),
        ("/news/?nvvithemever=r&nv_redirect=abc", Skip.NOT_ARTICLE_OR_LISTING, "theme switch"),
        ("/news/hoat-dong/hoi-nghi-31.html?download=1&id=0", Skip.NOT_ARTICLE_OR_LISTING, "view"),
        ("/uploads/news/2024_05/bao-cao-1049.pdf", Skip.NOT_ARTICLE_OR_LISTING, "unknown page"),
        ("/gioi-thieu/lich-su.html", Skip.NOT_ARTICLE_OR_LISTING, "another module"),
    ],
)
def test_pages_never_worth_a_request(url: str, reason: Skip, detail: str) -> None:
    found = route(url)
    assert found.skip is reason
    assert detail in found.detail


def test_home_pages_feeds_and_sitemaps() -> None:
    for home in ("/", "/vi/", "/index.php", "/index.php?language=vi"):
        assert route(home).kind is RouteKind.HUB, home
    assert route("/news/rss/").kind is RouteKind.FEED
    assert route("/news/rss/hoat-dong/").kind is RouteKind.FEED
    assert route("/sitemap.xml") == Route(RouteKind.SITEMAP)
    assert route("/sitemap-vi.news.xml") == Route(RouteKind.SITEMAP)
    assert route("/sitemap-en.news.xml").skip is Skip.OTHER_LANGUAGE
    about = route("/sitemap-vi.about.xml")
    assert (about.kind, about.skip) == (RouteKind.SITEMAP, Skip.NOT_ARTICLE_OR_LISTING)


@pytest.mark.parametrize(
    ("first", "page", "expected"),
    [
        ("/news/hoat-dong/", 3, "/news/hoat-dong/page-3/"),
        ("/news/hoat-dong/page-2/", 1, "/news/hoat-dong/"),
        ("/news/tag/zalo", 2, "/news/tag/zalo/page-2"),
        ("/index.php?language=vi&nv=news&op=hoat-dong", 2,
         "/index.php?language=vi&nv=news&op=hoat-dong/page-2"),
        ("/index.php?language=vi&nv=news", 4, "/index.php?language=vi&nv=news/page-4"),
    ],
)  # fmt: skip
def test_page_n_is_written_as_the_pager_writes_it(first: str, page: int, expected: str) -> None:
    assert NV.page_url(BASE + first, page) == BASE + expected
    if page > 1:  # and reads back as that page of that listing
        back = route(expected)
        assert (back.key, back.page) == (route(first).key, page)


def test_the_soft_404_probe_is_an_article_address_that_names_no_article() -> None:
    for article in (
        "/news/hoat-dong/hoi-nghi-so-ket-31.html",
        "/index.php?language=vi&nv=news&op=hoat-dong/hoi-nghi-so-ket-31.html",
    ):
        probe = NV.probe_url(BASE + article)
        assert probe is not None
        found = route(probe)
        assert found.kind is RouteKind.ARTICLE
        assert found.key == "news:4294967290"
    assert NV.probe_url(BASE + "/news/hoat-dong/") is None


def test_danvan_grammar_reads_its_ids_and_pages_by_query() -> None:
    grammar = get_family("danvan").grammar
    article = grammar.route("http://www.danvan.vn/Home/Tin-hoat-dong/Dia-phuong/20001/Binh-Phuoc")
    assert (article.kind, article.key) == (RouteKind.ARTICLE, "20001")
    listing = grammar.route("http://www.danvan.vn/Home/Dan-van-kheo?page=3")
    assert (listing.kind, listing.key, listing.page) == (
        RouteKind.LISTING,
        "/home/dan-van-kheo",
        3,
    )
    assert listing.first_page == "http://www.danvan.vn/Home/Dan-van-kheo"
    assert (
        grammar.page_url(listing.first_page, 2) == "http://www.danvan.vn/Home/Dan-van-kheo?page=2"
    )
    assert grammar.blind_paging
    assert grammar.route("http://www.danvan.vn/").kind is RouteKind.HUB
    assert grammar.route("http://www.danvan.vn/Home/Dan-van-kheo?sort=new").skip is not None
    probe = grammar.probe_url("http://www.danvan.vn/Home/Dan-van-kheo/20011/Lai-Chau")
    assert probe == "http://www.danvan.vn/Home/Dan-van-kheo/4294967290/Lai-Chau"


def test_tuyengiaodanvan_listings_are_told_apart_by_category_id() -> None:
    grammar = get_family("tuyengiaodanvan").grammar
    base = "https://tuyengiaodanvan.vn/blogs/category/type/tin-tuc-su-kien?&categoryId="
    one = grammar.route(base + "67f4cbf848ad87279a8a7695&page=2&size=10")
    other = grammar.route(base + "67f4cc0348ad87279a8a7696")
    assert one.kind is other.kind is RouteKind.LISTING
    assert one.key != other.key
    assert one.page == 2
    assert grammar.route(one.first_page).key == one.key
    article = grammar.route("https://tuyengiaodanvan.vn/blogs/ten-bai-695f7210c1e5a7b2d42b0000")
    assert (article.kind, article.key) == (RouteKind.ARTICLE, "695f7210c1e5a7b2d42b0000")
