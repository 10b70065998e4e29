"""NukeViet 4, news module, default theme: the CMS of many provincial Party portals.

Routing and markup follow NukeViet's public code (``modules/news``, ``nv_alias_page``)
and the default theme's templates (sites.md §4.1); provincial themes restyle pages but
keep these hooks.
"""

from __future__ import annotations

import re

from dvcrawl.sites.profile import ArticleRules, Family, ListingRules

# /<module>/<cat-alias>/<alias>-<id>.html, after an optional /<lang>/. The path is
# anchored, so the article's own print and savefile links
# (/<module>/savefile/<cat-alias>/<alias>-<id>.html) are not taken for articles.
ARTICLE_URL = re.compile(
    r"^(?:https?://[^/?#]+)?(?:/[a-z]{2})?/[^/?#]+/[^/?#]+/[^/?#]+-(?P<id>\d+)\.html(?:[?#]|$)"
)

# Headings of related-news lists that editors paste into the body with the list.
RELATED_HEADINGS = ("Tin liên quan", "Tin liên quan:", "Các tin khác", "Các tin khác:")
_HEADING = " or ".join(f"normalize-space()='{heading}'" for heading in RELATED_HEADINGS)
RELATED_LIST = f".//ul[preceding-sibling::*[1][{_HEADING}]]"
BASE_DROP = ("script", "style", "noscript", "iframe", "form", "button")

FAMILY = Family(
    name="nukeviet",
    description="NukeViet 4 news module (default theme and its provincial derivatives)",
    article_url=ARTICLE_URL,
    listing=ListingRules(
        # viewcat_page: the first item has an h2, the others h3; viewcat_grid puts the
        # rest in .thumbnail captions. The "Các tin khác" list below repeats the next page.
        article_links=(
            ".news_column h2 a::attr(href), .news_column h3 a::attr(href), "
            ".thumbnail .caption h4 a::attr(href)",
        ),
        # Page N+1 is the first rel="next" link. With at most seven pages the current
        # page's <li> is never closed ("</a><li>"), hence "~" rather than "+".
        next_page=(
            "ul.pagination a[rel=next]::attr(href)",
            "ul.pagination li.active ~ li > a::attr(href)",
        ),
    ),
    article=ArticleRules(
        # The default theme's header prints the site name in an <h1> as well.
        title=("h1[itemprop=headline]", ".news_column h1"),
        lead=(".news_column .hometext",),
        # The visible publication time first, then the hidden schema.org span. Not
        # article:published_time: it is written with PHP date('Y-m-dTH:i:s'), T being
        # the zone name ("2024-05-19+0708:53:00"). The menu clock (#digclock) is today.
        published=(".news_column span.h5", "[itemprop=datePublished]"),
        body=("#news-bodyhtml", ".news_column .bodytext"),
        drop=(*BASE_DROP, "ul.detail-related", RELATED_LIST),
        # CKEditor image2 figures, and pictures pasted as a two-row caption table.
        figures=("figure", "table:has(img)"),
        # The article's own image, printed above the lead (its hidden twin #imgpreview
        # holds the same picture for the zoom dialog).
        page_figures=(".news_column figure.article",),
        # The "File đính kèm" panel: download links by id, with no file extension.
        attachment_links=(".news-download-file a[href*='download=']",),
        byline=(
            "//p[contains(@class, 'text-right')][starts-with(normalize-space(strong), 'Tác giả')]",
        ),
        # Labelled "Nguồn tin:" in Vietnamese; the label is stripped like "Tác giả:".
        source=(
            "//p[contains(@class, 'text-right')][starts-with(normalize-space(strong), 'Nguồn')]",
        ),
        # article:section names the category; the breadcrumbs end with it too.
        category=(
            "meta[property='article:section']::attr(content)",
            "(//*[contains(@class, 'breadcrumb')]//*[@itemprop='name' or @itemprop='title'])"
            "[last()]",
        ),
        tags=(
            ".news_column a[href*='/tag/'] em::text",
            "meta[property='article:tag']::attr(content)",
        ),
        chrome=RELATED_HEADINGS,
    ),
)
