"""danvan.vn, the former portal of the central Ban Dân vận (ASP.NET MVC, ``/Home/...`` routes).

Only the text of its pages survives in public copies (sites.md §2.1), so the class names
below are a reconstruction; the URL scheme, pagination and text layout are evidenced.
"""

from __future__ import annotations

import re

from dvcrawl.discovery.detect import Marker, Markers
from dvcrawl.discovery.grammar import PatternGrammar
from dvcrawl.parsing.listing import with_query
from dvcrawl.sites.profile import ArticleRules, Family, ListingRules

# /Home/<Category>[/<Sub>]/<numeric id>/<Slug>; the case of category slugs varies
# ("Tin-hoat-dong" beside "cong-tac-dan-van"), so only the id identifies an article.
ARTICLE_URL = re.compile(r"/Home/(?:[^/?#]+/){1,2}(?P<id>\d+)/[^/?#]+/?(?:[?#]|$)", re.IGNORECASE)
# /Home/<Category>[/<Sub>]: a category listing, paged with ?page=N.
LISTING_PATH = re.compile(r"^/Home/[^/?#]+(?:/[^/?#]+)?/?$", re.IGNORECASE)


def page_url(first_page: str, number: int) -> str:
    """Listings page with ``?page=N``; there is no evidenced pager markup to follow."""
    return with_query(first_page, page=str(number))


FAMILY = Family(
    name="danvan",
    description="danvan.vn: ASP.NET portal of the former central Ban Dân vận",
    # 2: captions found by structure, text read as a reader sees it
    revision=2,
    grammar=PatternGrammar(article=ARTICLE_URL, listing=LISTING_PATH, page=page_url),
    # /Home/<Category>/<id>/<Slug> is its own; the block names are a reconstruction.
    markers=Markers(
        markup=(
            Marker(
                "danvan.vn's news-detail and news-list blocks",
                re.compile(r'class="news-(?:detail|list)\b'),
                0.3,
            ),
        ),
        urls=0.7,
    ),
    listing=ListingRules(
        article_links=(".news-list a::attr(href)", "a::attr(href)"),
        page_url=page_url,
    ),
    article=ArticleRules(
        title=(".news-detail h1", "h1"),
        lead=(".news-detail .news-sapo",),
        # The "Chủ Nhật, 14/4/2024" line at the top of every page is the site's
        # "today" widget, not a publication date: only metadata is trusted here.
        published=(
            "meta[property='article:published_time']::attr(content)",
            "[itemprop=datePublished]::attr(content)",
        ),
        body=(".news-detail .news-content",),
        # Pictures sit in their own paragraph, the caption in italics after the image, or,
        # in older articles, in a two-row table: both are found by structure.
        category=(".breadcrumb a:last-child::text",),
        chrome=("Gửi cho bạn bè", "Các tin khác", "Xem nhiều nhất", "In bài viết"),
    ),
)
