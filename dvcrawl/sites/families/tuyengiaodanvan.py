"""tuyengiaodanvan.vn: Next.js (app router) site of the merged central Ban Tuyên giáo và Dân vận.

The pages need JavaScript to render, but the raw HTML carries the data (sites.md §2.2): the
React Server Components payload is streamed in ``self.__next_f.push([1, "<JS string>"])``
scripts, and inside it every article is a ``"blog":{…}`` object (MongoDB ObjectId ``id``,
``title``, ``description``, HTML ``content``, ``publishDate`` in UTC, ``slug``, ``status``,
``type``…). Listings and articles are read from those objects; the rendered markup is only
a fallback. Class names of the rendered markup are not evidenced (CSS-module names in the
style of the evidenced ``link_link``), so the fallbacks match on fragments of them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

from parsel import Selector

from dvcrawl.discovery.detect import Marker, Markers
from dvcrawl.discovery.grammar import PatternGrammar
from dvcrawl.items import ListingPage
from dvcrawl.parsing.article import fill_from_body, set_date
from dvcrawl.parsing.dom import whole_html_selector
from dvcrawl.parsing.listing import absolute_url, article_links, with_query
from dvcrawl.sites.profile import ArticleRules, Family, ListingRules
from dvcrawl.text import VIETNAM_TZ, Byline, clean_text, split_byline

if TYPE_CHECKING:
    from dvcrawl.loaders import ArticleLoader
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites.profile import SiteProfile

# /blogs/<slug>-<24-hex ObjectId>; the category listings live under /blogs/category/.
ARTICLE_URL = re.compile(
    r"/blogs/(?!category/)(?:[^/?#]*-)?(?P<id>[0-9a-f]{24})/?(?:[?#]|$)", re.IGNORECASE
)
# /blogs/category/type/<type>?&categoryId=<ObjectId>, paged with &page=N&size=10.
LISTING_PATH = re.compile(r"^/blogs/category/type/[^/?#]+/?$", re.IGNORECASE)
PAGE_SIZE = "10"
DATE_KEYS = ("publishDate", "createdAt")

# One streamed chunk of the payload: a JS string literal as written by JSON.stringify.
PUSH_CHUNK = re.compile(r'self\.__next_f\.push\(\[\s*1\s*,\s*("[^"\\]*(?:\\.[^"\\]*)*")\s*\]\)')
NEXT_DATA = re.compile(r'<script[^>]*id="__NEXT_DATA__"[^>]*>(.*?)</script>', re.DOTALL)
# A text row of the RSC stream: "<id>:T<byte length in hex>,<text>" with no newline after.
TEXT_ROW = re.compile(r"([0-9a-f]+):T([0-9a-f]+),")
ROW_REFERENCE = re.compile(r"\$([0-9a-f]+)")
BLOG_KEY = re.compile(r'"blog"\s*:\s*(?=\{)')
_JSON = json.JSONDecoder()


# --- the embedded payload ------------------------------------------------------------------


def flight_stream(html: str) -> str:
    """The RSC payload of a page: every ``push([1, "…"])`` chunk decoded, in page order.

    Chunks are cut at arbitrary points of the stream, so they are joined before any row is
    read; a chunk that is no valid string literal is skipped.
    """
    parts: list[str] = []
    for match in PUSH_CHUNK.finditer(html):
        try:
            chunk = json.loads(match.group(1))
        except ValueError:
            continue
        if isinstance(chunk, str):
            parts.append(chunk)
    return "".join(parts)


def text_rows(stream: str) -> dict[str, str]:
    """The ``T`` rows of an RSC stream: React moves long strings (≥ 1 KiB) out of the props."""
    rows: dict[str, str] = {}
    pos = 0
    while pos < len(stream):
        head = TEXT_ROW.match(stream, pos)
        if head is None:
            newline = stream.find("\n", pos)
            if newline < 0:
                break
            pos = newline + 1
            continue
        size = int(head.group(2), 16)
        # The length counts UTF-8 bytes, and each character is at least one byte.
        text = stream[head.end() : head.end() + size].encode("utf-8")[:size]
        rows[head.group(1)] = text.decode("utf-8", errors="ignore")
        pos = head.end() + len(rows[head.group(1)])
    return rows


def blog_objects(html: str) -> list[dict[str, Any]]:
    """Every approved news ``blog`` object of a page, first occurrence of each id, in order."""
    stream = flight_stream(html)
    rows = text_rows(stream)
    sources = [stream, *(m.group(1) for m in NEXT_DATA.finditer(html))]
    blogs: dict[str, dict[str, Any]] = {}
    for text in sources:
        for match in BLOG_KEY.finditer(text):
            try:
                value, _ = _JSON.raw_decode(text, match.end())
            except ValueError:
                continue
            blog = _resolve(value, rows)
            if isinstance(blog, dict) and is_published_news(blog) and blog_id(blog):
                blogs.setdefault(blog_id(blog), blog)
    return list(blogs.values())


def is_published_news(blog: dict[str, Any]) -> bool:
    return blog.get("status") == "approved" and blog.get("type") == "news"


def blog_id(blog: dict[str, Any]) -> str:
    value = blog.get("id") or blog.get("_id")
    return value.lower() if isinstance(value, str) else ""


def blog_path(blog: dict[str, Any]) -> str | None:
    """``/blogs/<slug>-<id>``; the slug may already end in the id."""
    slug, ident = blog.get("slug"), blog_id(blog)
    if not isinstance(slug, str) or not slug.strip() or not ident:
        return None
    slug = quote(slug.strip().strip("/"), safe="-_.~%")
    if not slug.lower().endswith(ident):
        slug = f"{slug}-{ident}"
    return f"/blogs/{slug}"


def main_blog(blogs: list[dict[str, Any]], article_id: str | None) -> dict[str, Any] | None:
    """The article of a detail page: the blog with the URL's id, else the one with content.

    Related-article cards are ``blog`` objects too, without content.
    """
    if article_id:
        for blog in blogs:
            if blog_id(blog) == article_id.lower():
                return blog
    return next((blog for blog in blogs if _string(blog.get("content"))), None)


def _resolve(value: Any, rows: dict[str, str]) -> Any:
    """Undo React's string encoding: ``$$`` escapes, ``$D`` dates, ``$<id>`` text rows."""
    if isinstance(value, dict):
        return {key: _resolve(item, rows) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolve(item, rows) for item in value]
    if not isinstance(value, str) or not value.startswith("$"):
        return value
    if value.startswith("$$"):
        return value[1:]
    if value.startswith("$D"):
        return value[2:]
    reference = ROW_REFERENCE.fullmatch(value)
    return rows.get(reference.group(1)) if reference else None


# --- listings ------------------------------------------------------------------------------


def page_url(first_page: str, number: int) -> str:
    """Page N of a listing: ``page=N&size=10`` (the site pages by query, with no pager links)."""
    size = dict(parse_qsl(urlsplit(first_page).query)).get("size", PAGE_SIZE)
    return with_query(first_page, page=str(number), size=size)


def extract_listing(page: Page, profile: SiteProfile) -> ListingPage:
    paths = [path for path in map(blog_path, blog_objects(page.text)) if path]
    if not paths:  # rendered links, for pages whose payload could not be read
        hrefs = page.selector.css("a[href*='/blogs/']::attr(href)").getall()
        paths = [href for href in hrefs if "/category/" not in href]
    return ListingPage(article_links([absolute_url(page.url, p) for p in paths], profile))


# --- articles ------------------------------------------------------------------------------


def extract_article(loader: ArticleLoader, page: Page, profile: SiteProfile) -> None:
    blog = main_blog(blog_objects(page.text), profile.article_id(page.url))
    if blog is None:
        return
    loader.add_value("title", _string(blog.get("title")))
    loader.add_value("lead", _plain(_string(blog.get("description"))))
    loader.add_value("category", _name(blog.get("category")))
    tags = blog.get("tags")
    if isinstance(tags, list):
        loader.add_value("tags", list(dict.fromkeys(filter(None, map(_name, tags)))))
    _set_published(loader, blog)
    content = _string(blog.get("content"))
    body = whole_html_selector(content).xpath("//body") if content else None
    if body:  # the content HTML, parsed like a page, read as the body container
        fill_from_body(loader, body[0].root, page, profile.article_rules)
    # The CMS's author field, kept apart from the body's byline; split where it reads as a
    # byline (an editor account name such as "admin" keeps only its raw text).
    author = _string(blog.get("author"))
    if author:
        loader.add_value("cms_author", split_byline(author) or Byline(raw=author))


def _set_published(loader: ArticleLoader, blog: dict[str, Any]) -> None:
    for key in DATE_KEYS:
        raw = _string(blog.get(key))
        if not raw:
            continue
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            continue
        if parsed.tzinfo is None:  # the API speaks UTC ("…T02:15:00.000Z")
            parsed = parsed.replace(tzinfo=UTC)
        set_date(loader, raw, f"json:{key}", parsed.astimezone(VIETNAM_TZ))
        return


def _string(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _name(value: Any) -> str | None:
    """A category or tag: a plain string, or a populated ``{"name": …}`` document."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    return _string(value)


def _plain(value: str | None) -> str | None:
    if value is None or "<" not in value:
        return value
    return clean_text(" ".join(Selector(text=value).xpath("//body//text()").getall()))


FAMILY = Family(
    name="tuyengiaodanvan",
    description="tuyengiaodanvan.vn: Next.js site, articles read from the embedded RSC payload",
    # 2: captions found by structure, text read as a reader sees it
    revision=2,
    grammar=PatternGrammar(
        article=ARTICLE_URL,
        listing=LISTING_PATH,
        page=page_url,
        listing_params=("categoryId",),
        paging_params=("size",),
    ),
    markers=Markers(
        markup=(
            Marker("a Next.js page payload (self.__next_f)", re.compile(r"self\.__next_f\b"), 0.3),
            Marker("Next.js assets under /_next/static/", re.compile(r"/_next/static/"), 0.2),
            Marker('"blog" objects in the page data', re.compile(r'\\?"blog\\?"\s*:\s*\{'), 0.4),
        ),
        urls=0.6,
    ),
    listing=ListingRules(
        article_links=("a[href*='/blogs/']::attr(href)",),
        page_url=page_url,
        extract=extract_listing,
    ),
    article=ArticleRules(
        title=("h1",),
        lead=("[class*='blog-detail_description']",),
        # The visible "Thứ Hai, 19/01/2026" line, scoped to the article: no time of day.
        published=(
            "meta[property='article:published_time']::attr(content)",
            "[class*='blog-detail'] [class*='date']",
        ),
        body=("[class*='blog-detail_content']",),
        category=("[class*='breadcrumb'] li:last-child a::text",),
        chrome=(
            "6C Hoàng Diệu, Ba Đình, Hà Nội",
            "Xem toàn văn Kế hoạch",
            "Xem nội dung Hướng dẫn",
            "Chia sẻ:",
            "Tin liên quan",
            "Mới nhất",
            "Dữ liệu đang được cập nhật",
            "In bài viết",
        ),
        chrome_contains=(
            "Bản quyền thuộc về Ban Tuyên giáo",
            "Ghi rõ nguồn",
            "phát hành lại thông tin từ trang web này",
        ),
        extract=extract_article,
    ),
)
