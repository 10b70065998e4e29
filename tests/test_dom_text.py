"""Text as a reader sees it, read without recursion, whatever the nesting depth."""

from __future__ import annotations

import sys

import pytest
from lxml import etree
from parsel import Selector

from dvcrawl.loaders import ArticleLoader
from dvcrawl.parsing.article import fill_from_body
from dvcrawl.parsing.dom import (
    PARSER_DEPTH_LIMIT,
    DocumentTooDeep,
    element_text,
    flatten_nesting,
    paragraphs,
    text_lines,
)
from dvcrawl.parsing.extracted import extract_article_page
from dvcrawl.parsing.page import Page
from dvcrawl.sites import get_site

ARTICLE_URL = (
    "https://tinhuybinhphuoc.vn/news/Dua-nghi-quyet-vao-cuoc-song/Hoi-nghi-so-ket-1049.html"
)
HEADERS = {"Content-Type": "text/html; charset=utf-8"}
OPENING = "Sáng 14/4, Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết công tác dân vận quý I."
CLOSING = "Hội nghị đã thống nhất các nhiệm vụ trọng tâm của quý II."


def element(html: str) -> etree._Element:
    root = Selector(text=f"<html><body><div id='x'>{html}</div></body></html>").css("#x")[0].root
    assert isinstance(root, etree._Element)
    return root


def nukeviet_page(body_html: str, title: str = "Hội nghị sơ kết") -> bytes:
    return (
        "<html><head><meta charset='utf-8'><title>Hội nghị</title></head><body>"
        "<div class='news_column panel' itemtype='http://schema.org/NewsArticle'>"
        f"<div class='panel-body'><h1 class='title' itemprop='headline'>{title}</h1>"
        f"<div id='news-bodyhtml' class='bodytext'>{body_html}</div></div></div>"
        "<footer><p>Ban Dân vận Tỉnh ủy</p></footer></body></html>"
    ).encode()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Word-pasted HTML hard-wraps every paragraph: one paragraph all the same.
        ("<p>Nội dung\n bài viết\r\n\tđược gõ lại.</p>", ["Nội dung bài viết được gõ lại."]),
        ("<h1>Hội nghị\n tổng kết</h1>", ["Hội nghị tổng kết"]),
        # Headings, list items and quotations are paragraphs of their own.
        (
            "<h3>Kết quả</h3><ul><li>Một</li>\n<li>Hai</li></ul><blockquote><p>Trích</p>"
            "</blockquote>Cuối",
            ["Kết quả", "Một", "Hai", "Trích", "Cuối"],
        ),
        # A div body whose paragraphs are parted by a blank line of <br>s.
        (
            "<div>Đoạn một.<br />\n<br />\nĐoạn hai.<br/>Dòng ba.</div>",
            ["Đoạn một.", "Đoạn hai.", "Dòng ba."],
        ),
        # Inline markup joins words as printed: no space where the source has none.
        ("<p><strong>Dân</strong>vận <em>khéo</em>\n<span>2024</span></p>", ["Dânvận khéo 2024"]),
        # A script's text is never shown; what follows it is.
        ("<p>Trước<script>var x = 1;</script> sau<!-- ghi chú --> nữa</p>", ["Trước sau nữa"]),
        # Preformatted text keeps its own line breaks.
        ("<pre>Dòng 1\nDòng 2</pre>", ["Dòng 1", "Dòng 2"]),
        # Empty editor paragraphs are no paragraphs.
        ("<p>&nbsp;</p><p> \n </p><p>Chữ</p>", ["Chữ"]),
    ],
)
def test_paragraphs_as_a_reader_sees_them(html: str, expected: list[str]) -> None:
    assert paragraphs(element(html)) == expected


def test_element_text_joins_lines_by_newline_or_space() -> None:
    root = element("<p>Hội nghị\n tổng kết</p><p>năm 2024<br>tỉnh Bình Phước</p>")
    assert element_text(root) == "Hội nghị tổng kết\nnăm 2024\ntỉnh Bình Phước"
    assert element_text(root, line_breaks=False) == "Hội nghị tổng kết năm 2024 tỉnh Bình Phước"


def test_lines_carry_what_tells_a_caption() -> None:
    root = element(
        "<p style='text-align: center;'><img src='a.jpg'><br><em>Quang cảnh</em></p>"
        "<p style='text-align:right'><span style='font-size:12px'>Nhỏ</span></p>"
    )
    image_line, caption, small = text_lines(root)
    assert image_line.images
    assert (image_line.text, image_line.align) == ("", "center")
    assert (caption.text, caption.breaks_before, caption.after_block) == ("Quang cảnh", 1, False)
    assert caption.emphasised == caption.chars == len("Quangcảnh")
    assert (small.align, small.small, small.after_block) == ("right", small.chars, True)


def test_title_with_a_hard_wrapped_line_is_one_line() -> None:
    extracted = extract_article_page(
        get_site("binh-phuoc"),
        ARTICLE_URL,
        nukeviet_page(f"<p>{OPENING}</p>", title="Hội nghị\n   sơ kết"),
        HEADERS,
        200,
    )
    assert extracted.article.title == "Hội nghị sơ kết"


def nested(depth: int) -> str:
    return "<div>" * depth + "Nội dung ở tầng sâu nhất." + "</div>" * depth


def test_nesting_deeper_than_the_python_stack_extracts_whole() -> None:
    depth = PARSER_DEPTH_LIMIT - 50
    assert depth > sys.getrecursionlimit(), "the test must nest deeper than recursion could go"
    html = nukeviet_page(f"<p>{OPENING}</p>{nested(depth)}<p>{CLOSING}</p>")
    article = extract_article_page(get_site("binh-phuoc"), ARTICLE_URL, html, HEADERS, 200).article
    assert article.body == [OPENING, "Nội dung ở tầng sâu nhất.", CLOSING]


def test_a_100000_deep_page_extracts_whole() -> None:
    # libxml2 stops reading at its nesting limit even with huge_tree; the page is read
    # again with the nesting past FLATTENED_DEPTH unwrapped, its text kept in place.
    html = nukeviet_page(f"<p>{OPENING}</p>{nested(100_000)}<p>{CLOSING}</p>")
    article = extract_article_page(get_site("binh-phuoc"), ARTICLE_URL, html, HEADERS, 200).article
    assert article.body == [OPENING, "Nội dung ở tầng sâu nhất.", CLOSING]


def test_flattening_keeps_text_entities_and_void_elements_in_place() -> None:
    html = "<p>a</p>" + "<div><span>" * 3 + "x &amp; y<br>z<img src='i.jpg'>" + "</span></div>" * 3
    flat = flatten_nesting(html, depth=2)
    assert flat == "<p>a</p><div><span>x &amp; y<br>z<img src='i.jpg'></span></div>"
    assert flatten_nesting(html, depth=100) == html


def test_a_body_parsed_from_embedded_data_is_checked_too() -> None:
    # tuyengiaodanvan.vn's article HTML comes in the page's data and is parsed on its own.
    content = f"<p>{OPENING}</p>{nested(100_000)}<p>{CLOSING}</p>"
    container = Selector(text=content).xpath("//body")[0].root
    page = Page.from_bytes(ARTICLE_URL, nukeviet_page(""), headers=HEADERS)
    loader = ArticleLoader()
    with pytest.raises(DocumentTooDeep):
        fill_from_body(loader, container, page, get_site("tuyengiaodanvan").article_rules)
