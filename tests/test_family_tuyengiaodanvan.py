"""The tuyengiaodanvan.vn family: decoding the Next.js RSC payload, URLs and fallbacks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from dvcrawl.parsing import parse_article, parse_listing
from dvcrawl.parsing.page import Page
from dvcrawl.sites import get_site
from dvcrawl.sites.families.tuyengiaodanvan import (
    ARTICLE_URL,
    blog_objects,
    blog_path,
    flight_stream,
    main_blog,
    page_url,
    text_rows,
)

SITE = "https://tuyengiaodanvan.vn"
LISTING = f"{SITE}/blogs/category/type/tin-tuc-su-kien?&categoryId=67f4cbf848ad87279a8a7695"
ID_A = "696d9278c1e5a7b2d41f3a2c"
ID_B = "696ae870c1e5a7b2d41f3001"
FETCHED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def push(text: str) -> str:
    """One payload chunk as Next.js writes it: JSON.stringify, then <, > and & escaped."""
    literal = json.dumps(text, ensure_ascii=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        literal = literal.replace(char, escape)
    return f"<script>self.__next_f.push([1,{literal}])</script>"


def blog(ident: str = ID_A, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": ident,
        "title": "Hội nghị công tác dân vận",
        "description": "Sáng 19/1, tại Hà Nội.",
        "publishDate": "2026-01-19T02:15:00.000Z",
        "slug": "hoi-nghi-cong-tac-dan-van",
        "status": "approved",
        "type": "news",
        "rootOrgId": "67f0a1c248ad87279a8a7601",
    }
    data.update(fields)
    return data


def row(row_id: str, *blogs: dict[str, Any]) -> str:
    cards = [["$", "$L7", b["id"], {"blog": b}] for b in blogs]
    return f"{row_id}:" + json.dumps(["$", "div", None, {"children": cards}], ensure_ascii=False)


def html(*scripts: str, body: str = "") -> str:
    return f"<html><body>{body}{''.join(scripts)}</body></html>"


def page(url: str, text: str) -> Page:
    return Page.from_bytes(url, text.encode("utf-8"), fetched_at=FETCHED)


# --- payload decoding ----------------------------------------------------------------------


def test_chunks_are_decoded_and_joined_across_a_cut_inside_a_string() -> None:
    stream = row("5", blog(content="<p>Dân vận khéo &amp; hiệu quả</p>")) + "\n"
    cut = stream.index("Dân vận") + 3
    text = html(push(stream[:cut]), push(stream[cut:]))
    assert "\\u003c" in text  # the page carries the escaped form
    assert flight_stream(text) == stream
    [found] = blog_objects(text)
    assert found["content"] == "<p>Dân vận khéo &amp; hiệu quả</p>"


def test_only_approved_news_is_kept() -> None:
    text = html(
        push(
            row(
                "5",
                blog(ID_A, status="pending"),
                blog(ID_B, type="video"),
                blog("6966f9ccc1e5a7b2d41f3004"),
            )
            + "\n"
        )
    )
    assert [b["id"] for b in blog_objects(text)] == ["6966f9ccc1e5a7b2d41f3004"]


def test_malformed_chunks_and_truncated_objects_are_skipped_without_raising() -> None:
    good = row("5", blog(ID_B)) + "\n"
    truncated = row("6", blog(ID_A))[:-40]  # the stream ends inside the object
    text = html(
        '<script>self.__next_f.push([1,"\\x3cbroken"])</script>',  # not a JSON string literal
        push(good),
        push(truncated),
    )
    assert [b["id"] for b in blog_objects(text)] == [ID_B]
    assert blog_objects(html("<script>self.__next_f.push([1,12])</script>")) == []


def test_a_blog_seen_twice_is_listed_once() -> None:
    text = html(push(row("5", blog(ID_A), blog(ID_B), blog(ID_A)) + "\n"))
    assert [b["id"] for b in blog_objects(text)] == [ID_A, ID_B]


def test_long_content_in_a_text_row_is_resolved_by_its_byte_length() -> None:
    content = "<p>Mặt trận Tổ quốc giám sát, phản biện xã hội.</p>"
    size = len(content.encode("utf-8"))
    stream = f"9:T{size:x},{content}" + row("5", blog(content="$9", author="$undefined")) + "\n"
    assert text_rows(stream) == {"9": content}
    [found] = blog_objects(html(push(stream)))
    assert found["content"] == content
    assert found["author"] is None


def test_react_dollar_escapes_are_undone() -> None:
    stream = row("5", blog(title="$$100 mô hình", publishDate="$D2026-01-19T02:15:00.000Z")) + "\n"
    [found] = blog_objects(html(push(stream)))
    assert found["title"] == "$100 mô hình"
    assert found["publishDate"] == "2026-01-19T02:15:00.000Z"


def test_the_detail_blog_is_the_one_with_the_url_id_not_a_related_card() -> None:
    related, detail = blog(ID_B), blog(ID_A, content="<p>Nội dung</p>")
    assert main_blog([related, detail], ID_A) is detail
    assert main_blog([related, detail], "0" * 24) is detail  # unknown id: the one with content
    assert main_blog([related], "0" * 24) is None


# --- URLs ----------------------------------------------------------------------------------


def test_article_url_takes_the_trailing_object_id() -> None:
    match = ARTICLE_URL.search(f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}")
    assert match is not None
    assert match.group("id") == ID_A


@pytest.mark.parametrize(
    "url",
    [
        LISTING,
        f"{SITE}/api/v1/upload/documents/2026/01/ke-hoach-{ID_A}.pdf",
        f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van",
        f"{SITE}/blogs/hoi-nghi-{ID_A}/binh-luan",
    ],
)
def test_non_articles_do_not_match(url: str) -> None:
    assert ARTICLE_URL.search(url) is None


def test_blog_path_appends_the_id_once() -> None:
    assert blog_path(blog()) == f"/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}"
    assert blog_path(blog(slug=f"hoi-nghi-{ID_A}")) == f"/blogs/hoi-nghi-{ID_A}"
    assert blog_path(blog(slug="")) is None


def test_page_url_sets_page_and_size_once() -> None:
    second = page_url(LISTING, 2)
    assert second.endswith("?categoryId=67f4cbf848ad87279a8a7695&page=2&size=10")
    assert page_url(second, 3).endswith("categoryId=67f4cbf848ad87279a8a7695&page=3&size=10")


# --- listings and articles through the real parsers ----------------------------------------


def test_listing_reads_the_payload_and_skips_rendered_category_links() -> None:
    nav = '<a href="/blogs/category/type/tin-tuc-su-kien?&amp;categoryId=1">Tin tức</a>'
    text = html(push(row("5", blog(ID_A), blog(ID_B, slug="tin-khac")) + "\n"), body=nav)
    result = parse_listing(page(LISTING, text), get_site("tuyengiaodanvan"))
    assert result.article_urls == (
        f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}",
        f"{SITE}/blogs/tin-khac-{ID_B}",
    )
    assert result.next_page is None


def test_listing_falls_back_to_rendered_links_without_payload() -> None:
    body = (
        '<a href="/blogs/category/type/tin-tuc-su-kien?&amp;categoryId=1">Tin tức</a>'
        f'<a class="link_link__Xc3Pz" href="/blogs/tin-moi-{ID_B}">Tin mới</a>'
    )
    result = parse_listing(page(LISTING, html(body=body)), get_site("tuyengiaodanvan"))
    assert result.article_urls == (f"{SITE}/blogs/tin-moi-{ID_B}",)


def test_article_date_falls_back_to_created_at_and_is_shown_in_vietnam_time() -> None:
    url = f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}"
    data = blog(content="<p>Đoạn một.</p>", createdAt="2026-01-18T18:40:00.000Z")
    del data["publishDate"]
    article = parse_article(
        page(url, html(push(row("5", data) + "\n"))), get_site("tuyengiaodanvan")
    )
    assert article.published_at is not None
    assert article.published_at.isoformat() == "2026-01-19T01:40:00+07:00"
    assert article.published_source == "json:createdAt"
    assert article.body == ["Đoạn một."]


def test_article_without_payload_is_read_from_the_rendered_markup() -> None:
    url = f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}"
    body = (
        '<div class="blog-detail_page__Gm4Xo"><h1>Hội nghị công tác dân vận</h1>'
        '<div class="blog-detail_meta__Xy"><span class="blog-detail_date__Qw">Thứ Hai, 19/01/2026'
        '</span></div><div class="blog-detail_content__Vq"><p>Đoạn một.</p>'
        "<p>In bài viết</p></div></div>"
    )
    article = parse_article(page(url, html(body=body)), get_site("tuyengiaodanvan"))
    assert article.title == "Hội nghị công tác dân vận"
    assert article.published_at is not None
    assert article.published_at.date().isoformat() == "2026-01-19"
    assert article.body == ["Đoạn một."]


def test_error_shell_yields_no_title() -> None:
    url = f"{SITE}/blogs/hoi-nghi-cong-tac-dan-van-{ID_A}"
    text = html(
        push('5:["$","$L7",null,{"blog":null,"error":"Dữ liệu đang được cập nhật"}]\n'),
        body="<p>Dữ liệu đang được cập nhật</p>",
    )
    article = parse_article(page(url, text), get_site("tuyengiaodanvan"))
    assert article.title is None
    assert article.body == []
