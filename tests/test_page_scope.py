"""Article rules read within the page scope a family names, and over the page as a fallback."""

from __future__ import annotations

from datetime import UTC, datetime

from parsel import Selector

from dvcrawl.parsing import parse_article
from dvcrawl.parsing.dom import scopes, select
from dvcrawl.parsing.page import Page
from dvcrawl.sites import get_site

URL = "https://tinhuybinhphuoc.vn/news/tin-tuc/hoi-nghi-so-ket-1049.html"
FETCHED_AT = datetime(2025, 3, 10, 2, 15, tzinfo=UTC)


def page(body: str, head: str = "") -> Page:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"
    return Page.from_bytes(URL, html.encode("utf-8"), fetched_at=FETCHED_AT)


def columns(article: str = "", after_article: str = "") -> str:
    """The default theme's article: its own column, then the panels' columns, in one row."""
    return f"""
<div class="row"><div class="col-md-13">
  <div class="news_column panel panel-default"><div class="panel-body">
    <h1 itemprop="headline">Hội nghị sơ kết</h1>
    <span class="h5">10/03/2025 08:00</span>
    <div class="hometext">Sáng nay, Ban Dân vận Tỉnh ủy tổ chức hội nghị.</div>
    <div id="news-bodyhtml" class="bodytext"><p>Nội dung bài viết.</p></div>
    {article}
  </div></div>
  {after_article}
</div></div>
"""


AUTHOR_PANEL = """
<div class="news_column panel panel-default"><div class="panel-body">
  <p class="h5 text-right"><strong>Tác giả: </strong>Hồng Thắm</p>
  <p class="h5 text-right"><strong>Nguồn tin: </strong>Báo Bình Phước</p>
</div></div>
<div class="news_column panel panel-default"><div class="panel-body">
  <em class="fa fa-tags"></em><a href="/news/tag/dan-van"><em>dân vận</em></a>
</div></div>
"""


def test_scopes_are_the_scope_then_the_page() -> None:
    with_scope = page(columns())
    rules = get_site("binh-phuoc").article_rules
    scope, whole = scopes(with_scope.selector, rules.scope)
    assert whole is with_scope.selector
    assert "col-md-13" in (scope.attrib.get("class") or "")
    without = page("<div class='bodytext'><p>Nội dung.</p></div>")
    assert scopes(without.selector, rules.scope) == (without.selector,)
    assert scopes(with_scope.selector, ()) == (with_scope.selector,)


def test_id_lookups_are_xpath() -> None:
    sel = Selector(text="<div><p id='a'>x</p><p id='b'>y</p></div>")
    assert select(sel, "id('b')/text()").getall() == ["y"]


def test_fields_in_the_panels_beside_the_article_column() -> None:
    article = parse_article(page(columns(after_article=AUTHOR_PANEL)), get_site("binh-phuoc"))
    assert article.title == "Hội nghị sơ kết"
    assert article.lead == "Sáng nay, Ban Dân vận Tỉnh ủy tổ chức hội nghị."
    assert article.published_raw == "10/03/2025 08:00"
    assert article.tags == ["dân vận"]
    assert article.cms_author is not None
    assert article.cms_author.raw == "Hồng Thắm"
    assert article.cms_source == "Báo Bình Phước"


def test_the_scope_wins_over_the_rest_of_the_page() -> None:
    sidebar = (
        "<div class='sidebar'><p><strong>Tác giả: </strong>Ban biên tập cổng thông tin</p></div>"
    )
    article = parse_article(
        page(sidebar + columns(after_article=AUTHOR_PANEL)), get_site("binh-phuoc")
    )
    assert article.cms_author is not None
    assert article.cms_author.raw == "Hồng Thắm"


def test_fields_outside_the_scope_are_read_from_the_page() -> None:
    # A theme that prints the author's line and the tags in a row of their own, and the
    # tags only in the head's metadata.
    below = "<div class='row'><div><p><b>Nguồn tin:</b> danvan.vn</p></div></div>"
    head = "<meta property='article:tag' content='công tác dân vận'>"
    article = parse_article(page(columns() + below, head), get_site("binh-phuoc"))
    assert article.cms_source == "danvan.vn"
    assert article.tags == ["công tác dân vận"]


def test_a_theme_without_the_body_id_reads_the_whole_page() -> None:
    body = columns().replace(' id="news-bodyhtml"', "")
    article = parse_article(page(body + AUTHOR_PANEL), get_site("binh-phuoc"))
    assert article.title == "Hội nghị sơ kết"
    assert article.body == ["Nội dung bài viết."]
    assert article.cms_source == "Báo Bình Phước"
    assert article.tags == ["dân vận"]


def test_a_line_whose_first_bold_is_not_the_label_is_no_cms_field() -> None:
    # Only a line that opens with the bold label is the template's field line.
    panel = "<div><p><strong>Ảnh:</strong> Minh họa. <strong>Tác giả:</strong> Ai đó</p></div>"
    article = parse_article(page(columns(after_article=panel)), get_site("binh-phuoc"))
    assert article.cms_author is None
