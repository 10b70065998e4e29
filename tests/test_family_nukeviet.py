"""The NukeViet family: URL scheme, listing pagination and the article fields it scopes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dvcrawl.discovery.grammar import RouteKind
from dvcrawl.parsing import parse_article, parse_listing
from dvcrawl.parsing.page import Page
from dvcrawl.sites import get_site
from dvcrawl.sites.families.nukeviet import NukeVietGrammar

GRAMMAR = NukeVietGrammar()

SITE = "https://tinhuybinhphuoc.vn"
CAT = f"{SITE}/news/Dua-nghi-quyet-vao-cuoc-song/"
EVIDENCED = (
    f"{CAT}Nhung-chuyen-bien-trong-nam-dau-thuc-hien-Nghi-quyet-Dang-bo-tinh-lan-thu-X-ve-cong-tac-dan-van"
    "-1049.html"
)


def page(url: str, body: str) -> Page:
    html = f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    fetched_at = datetime(2025, 3, 10, 2, 15, tzinfo=UTC)
    return Page.from_bytes(url, html.encode("utf-8"), fetched_at=fetched_at)


@pytest.mark.parametrize(
    ("url", "article_id"),
    [
        (EVIDENCED, "news:1049"),
        ("https://x.vn/news/Dan-van-kheo/Ke-hoach-so-25-nam-2024-1062.html", "news:1062"),
        # Ids are counted per module: a virtual module's article 77 is not news' 77.
        (
            "https://x.vn/hoat-dong-cua-cac-dang-bo/tin-tuc/Hoi-nghi-so-ket-77.html",
            "hoat-dong-cua-cac-dang-bo:77",
        ),
        ("https://example.dcs.vn/vi/news/Tin-tuc/Hoi-nghi-12.html", "news:12"),
        ("https://example.dcs.vn/index.php/news/Tin-tuc/Hoi-nghi-12.html", "news:12"),
        ("https://x.vn/index.php?language=vi&nv=news&op=Tin-tuc/Hoi-nghi-12.html", "news:12"),
        # The news module as the site's root module (rewrite_op_mod).
        ("https://x.vn/Tin-tuc/Hoi-nghi-12.html", ":12"),
    ],
)
def test_article_urls_and_ids(url: str, article_id: str) -> None:
    route = GRAMMAR.route(url)
    assert route.kind is RouteKind.ARTICLE
    assert route.key == article_id


@pytest.mark.parametrize(
    "url",
    [
        CAT,
        f"{CAT}page-2/",
        f"{SITE}/news/savefile/Dua-nghi-quyet-vao-cuoc-song/Hoi-nghi-1049.html",
        f"{SITE}/news/print/Dua-nghi-quyet-vao-cuoc-song/Hoi-nghi-1049.html",
        f"{SITE}/news/tag/dan-van-kheo",
        f"{SITE}/news/rss/Dua-nghi-quyet-vao-cuoc-song/",
        f"{SITE}/about/Ke-hoach-2024.html",
        f"{SITE}/uploads/news/2024_05/bao-cao-1049.pdf",
        f"{CAT}Hoi-nghi-12.html?download=1&id=0",
        f"{SITE}/en/news/Tin-tuc/Hoi-nghi-12.html",
    ],
)
def test_other_nukeviet_urls_are_not_articles(url: str) -> None:
    assert GRAMMAR.route(url).kind is not RouteKind.ARTICLE


ITEMS = """
<div class="news_column"><div class="panel-body featured">
  <h2><a href="/news/Dua-nghi-quyet-vao-cuoc-song/Mot-1058.html">Một</a></h2></div></div>
<div class="news_column"><div class="panel-body">
  <h3><a href="https://baobinhphuoc.com.vn/news/4/16287/bai-1057.html">Ngoài</a></h3></div></div>
<div class="news_column"><div class="panel-body">
  <h3><a href="/news/Dua-nghi-quyet-vao-cuoc-song/Hai-1056.html">Hai</a></h3></div></div>
<h4>Các tin khác</h4>
<ul class="related"><li><a href="/news/Dua-nghi-quyet-vao-cuoc-song/Ba-1055.html">Ba</a></li></ul>
<div class="panel panel-primary"><ul class="list-none list-items">
  <li><a href="/news/Cong-tac-dan-van/Xem-nhieu-1101.html">Tin xem nhiều</a></li></ul></div>
"""


def test_listing_reads_the_items_only() -> None:
    listing = parse_listing(page(CAT, ITEMS), get_site("binh-phuoc"))
    assert listing.article_urls == (
        f"{CAT}Mot-1058.html",
        f"{CAT}Hai-1056.html",
    )


def pager(*items: str) -> str:
    return '<div class="text-center"><ul class="pagination">' + "".join(items) + "</ul></div>"


def link(number: int, rel: str, text: str = "") -> str:
    href = CAT if number == 1 else f"/news/Dua-nghi-quyet-vao-cuoc-song/page-{number}/"
    return f'<li><a rel="{rel}" title="Trang {number}" href="{href}">{text or number}</a></li>'


def test_next_page_through_the_unclosed_current_li() -> None:
    # nv_alias_page, page 2 of 3: '<li class="active"><a href="#">2</a><li>' is left open.
    html = pager(
        link(1, "prev", "&laquo;"),
        link(1, "prev"),
        '<li class="active"><a href="#">2</a><li>',
        link(3, "next"),
        link(3, "next", "&raquo;"),
    )
    listing = parse_listing(page(f"{CAT}page-2/", html), get_site("binh-phuoc"))
    assert listing.next_page == f"{CAT}page-3/"


def test_no_next_page_on_the_last_page() -> None:
    html = pager(
        link(2, "prev", "&laquo;"),
        link(1, "prev"),
        link(2, "prev"),
        '<li class="active"><a href="#">3</a><li>',
        '<li class="disabled"><a href="#">&raquo;</a></li>',
    )
    listing = parse_listing(page(f"{CAT}page-3/", html), get_site("binh-phuoc"))
    assert listing.next_page is None


def test_next_page_without_rel_attributes() -> None:
    # A restyled provincial pager: no rel, the current page marked only by class.
    html = pager(
        '<li class="active"><a href="#">1</a></li>',
        '<li><a href="/news/Dua-nghi-quyet-vao-cuoc-song/page-2/">2</a></li>',
        '<li><a href="/news/Dua-nghi-quyet-vao-cuoc-song/page-3/">3</a></li>',
    )
    listing = parse_listing(page(CAT, html), get_site("binh-phuoc"))
    assert listing.next_page == f"{CAT}page-2/"


ARTICLE = """
<header><div class="logo"><h1>Tỉnh ủy Bình Phước</h1></div></header>
<ul class="nav navbar-nav navbar-right">
  <li><a href="#" id="digclock">09:15 +07 Thứ hai, 10/03/2025</a></li></ul>
<div class="news_column panel panel-default" itemtype="http://schema.org/NewsArticle" itemscope>
  <div class="panel-body">
    <h1 class="title margin-bottom-lg" itemprop="headline">Hội nghị sơ kết</h1>
    <div id="news-bodyhtml" class="bodytext margin-bottom-lg"><p>Nội dung bài viết.</p></div>
    <div class="margin-bottom-lg">
      <p class="h5 text-right"><strong>Nguồn tin: </strong>Báo Bình Phước</p>
    </div>
  </div>
</div>
"""


def test_article_scoping_title_clock_and_source_label() -> None:
    article = parse_article(page(EVIDENCED, ARTICLE), get_site("binh-phuoc"))
    assert article.title == "Hội nghị sơ kết"
    assert article.published_at is None, "the menu clock is today's date, not the article's"
    assert article.cms_source == "Báo Bình Phước", "the CMS's source field, without its label"
    assert article.byline is None, "the body prints no byline"
    assert article.site_article_id == "news:1049"
