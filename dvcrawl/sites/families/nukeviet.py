"""NukeViet 4, news module, default theme: the CMS of many provincial Party portals.

Routing and markup follow NukeViet's public code (``modules/news``, ``nv_alias_page``)
and the default theme's templates (sites.md §4.1); provincial themes restyle pages but
keep these hooks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from dvcrawl.discovery.detect import Marker, Markers
from dvcrawl.discovery.grammar import Route, RouteKind, Skip
from dvcrawl.sites.profile import HEAD_SECTION, HEAD_TAGS, ArticleRules, Family, ListingRules

# --- URL grammar ----------------------------------------------------------------------
#
# NukeViet builds every internal link as index.php?language=<ll>&nv=<module>&op=<op> and,
# with rewriting on, prints it as /[<ll>/][<module>/]<op>/ (the language is left out on
# single-language sites with rewrite_optional, the module when it is rewrite_op_mod, the
# site's root module), with /index.php/ in front when the server has no rewrite rules.
# The news module's op is "<cat>/<alias>-<id>.html" for an article, "<cat>[/page-N]" for a
# category, "page-N" for the module home, or one of its functions ("tag/<x>", "rss/<cat>",
# "print/<cat>/<alias>-<id>.html" …). Category aliases are flat (a child category is
# /<module>/<child>/, not under its parent), and an alias equal to a function is the
# function. Article ids are counted per module, so an article is (module, id).

NEWS_FUNCTIONS_SECONDARY = {"tag": "tag", "author": "author", "topic": "topic", "groups": "group"}
NEWS_FUNCTIONS_OTHER = {
    "print": "print view",
    "savefile": "save-as-file view",
    "sendmail": "send-by-mail form",
    "search": "search",
    "content": "posting form",
    "rating": "rating",
    "sitemap": "sitemap of a module",
    "instant-rss": "instant-article feed",
    "main": "module home under its function name",
    "viewcat": "internal function",
    "detail": "internal function",
}
# Modules of a stock NukeViet that never print news; none of them is worth a request.
NON_NEWS_MODULES = {
    "users": "accounts and login",
    "contact": "contact form",
    "statistics": "statistics",
    "voting": "voting",
    "banners": "banners",
    "seek": "site search",
    "feeds": "feed list",
    "menu": "menu",
    "comment": "comments",
    "siteterms": "terms of use",
    "about": "about pages",
    "page": "static pages",
    "two-step-verification": "login",
    "myapi": "API",
    "freecontent": "free content blocks",
    "laws": "legal documents",
    "faq": "questions and answers",
    "download": "downloads",
    "weblinks": "web links",
    "shops": "shop",
    "photos": "photo albums",
    "videos": "videos",
}
# The language codes NukeViet sites put first in a path (/en/news/…); a module or
# category alias never has two letters only.
# fmt: off
LANGUAGE_CODES = frozenset((
    "vi", "en", "fr", "zh", "ko", "ja", "ru", "de", "es", "it", "pt", "lo", "km", "th",
    "id", "ms", "nl", "pl", "cs", "uk", "ar", "hi", "tr", "sv", "da", "fi", "no",
))
# fmt: on
SITE_LANGUAGE = "vi"
ARTICLE_SLUG = re.compile(r"^(?P<alias>.+)-(?P<id>\d+)$")
PAGE_SEGMENT = re.compile(r"^page-(?P<n>\d+)$")
# sitemap.xml (the index), sitemap-<ll>.xml, sitemap-<ll>.<module>[.<part>].xml
SITEMAP_FILE = re.compile(
    r"^sitemap(?:-(?P<language>[a-z]{2})(?:\.(?P<module>[a-z0-9_-]+)(?:\.[a-z0-9_-]+)?)?)?\.xml$",
    re.IGNORECASE,
)
# Module names and category aliases: NukeViet refuses any other character in them.
ALIAS = re.compile(r"^[A-Za-z0-9_-]+$")
THEME_SWITCH = re.compile(r"^nv[a-z]{2}themever$|^nv_redirect$", re.IGNORECASE)
# A made-up article id: NukeViet keeps ids in an unsigned int column, so this one names no
# article on any site that has not written four billion of them.
PROBE_ID = "4294967290"
PROBE_ALIAS = "dvcrawl-khong-co-bai-nay"
PAGE_TAIL = re.compile(r"/page-\d+/?$")
SLUG_TAIL = re.compile(r"[^/]*-\d+\.html$")


@dataclass(frozen=True, slots=True)
class _Address:
    """A NukeViet URL taken apart: language, module and function segments, its form."""

    language: str | None
    segments: tuple[str, ...]
    query_form: bool
    extra_query: tuple[tuple[str, str], ...]


def _has_class(name: str) -> str:
    """An XPath test for a class token, the cheap substring test first."""
    return (
        f"contains(@class, '{name}')"
        f" and contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"
    )


def _cms_field(label: str) -> str:
    """The line where the news template prints a field of the article's form: a short line
    outside the body whose first bold child opens with the label. Found from the bold
    labels up, which are few, rather than by testing every block of the page."""
    return (
        "(.//strong[not(preceding-sibling::strong)] | .//b[not(preceding-sibling::b)])"
        f"[starts-with(normalize-space(), '{label}')]"
        "/parent::*[self::p or self::div or self::span or self::li]"
        "[not(ancestor::*[@id='news-bodyhtml' or contains(@class, 'bodytext')])]"
        "[string-length(normalize-space()) < 300]"
    )


def _parse(url: str) -> _Address:
    parts = urlsplit(url)
    path = unquote(parts.path)
    segments = [s for s in path.split("/") if s]
    query = parse_qsl(parts.query, keep_blank_values=True)
    if segments and segments[0].lower() == "index.php":
        segments = segments[1:]
    names = {name for name, _ in query}
    if not segments and names & {"nv", "language", "op"}:
        values = dict(query)
        module = values.get("nv", "")
        op = values.get("op", "")
        joined = "/".join(p for p in (module, op) if p)
        if values.get("alias") and op == "tag":
            joined += "/" + values["alias"]
        extra = tuple((k, v) for k, v in query if k not in ("nv", "language", "op", "alias"))
        return _Address(
            values.get("language") or None,
            tuple(s for s in joined.split("/") if s),
            True,
            extra,
        )
    language = None
    if segments and segments[0].lower() in LANGUAGE_CODES:
        language = segments[0].lower()
        segments = segments[1:]
    return _Address(language, tuple(segments), False, tuple(query))


class NukeVietGrammar:
    """Routes NukeViet URLs in every rewrite configuration (see the comment above)."""

    blind_paging: bool = False
    sitemap_cap: int | None = 1000  # funcs/sitemap.php: the newest 1,000 articles a module
    sitemap_paths: tuple[str, ...] = ("/sitemap.xml",)

    def route(self, url: str) -> Route:
        address = _parse(url)
        if address.language and address.language != SITE_LANGUAGE:
            return Route.skipped(Skip.OTHER_LANGUAGE, f"language {address.language!r}")
        if any(THEME_SWITCH.match(name) for name, _ in address.extra_query):
            return Route.other("theme switch")
        segments = list(address.segments)
        if not segments:
            if address.extra_query:
                return Route.other("query on the home page")
            return Route(RouteKind.HUB, key="", section="")
        sitemap = SITEMAP_FILE.match(segments[0]) if len(segments) == 1 else None
        if sitemap is not None:
            return self._sitemap(sitemap)
        module = segments[0].lower()
        if module in NON_NEWS_MODULES:
            return Route.other(f"module {module!r} ({NON_NEWS_MODULES[module]})")
        last = segments[-1]
        if last.lower().endswith(".html"):
            return self._detail(url, address, segments)
        # The query form may drop the extension: op=<cat>/<alias>-<id>.
        if (
            address.query_form
            and len(segments) == 3
            and not PAGE_SEGMENT.match(last.lower())
            and ARTICLE_SLUG.match(last)
        ):
            return self._detail(url, address, [*segments[:-1], last + ".html"])
        return self._listing(url, address, segments)

    @staticmethod
    def _sitemap(name: re.Match[str]) -> Route:
        language, module = (name.group("language") or "").lower(), (name.group("module") or "")
        if language and language != SITE_LANGUAGE:
            return Route(RouteKind.SITEMAP, skip=Skip.OTHER_LANGUAGE, detail=f"{language} sitemap")
        if module.lower() in NON_NEWS_MODULES:
            return Route(
                RouteKind.SITEMAP,
                skip=Skip.NOT_ARTICLE_OR_LISTING,
                detail=f"sitemap of module {module!r} ({NON_NEWS_MODULES[module.lower()]})",
            )
        return Route(RouteKind.SITEMAP)

    def _detail(self, url: str, address: _Address, segments: list[str]) -> Route:
        slug = segments[-1][: -len(".html")]
        if PAGE_SEGMENT.match(slug.lower()):  # a site whose rewrite_endurl is ".html"
            return self._listing(url, address, [*segments[:-1], slug])
        match = ARTICLE_SLUG.match(slug)
        functions = [s.lower() for s in segments[:-1]]
        for name in functions[:2]:
            if name in NEWS_FUNCTIONS_OTHER:
                return Route.other(NEWS_FUNCTIONS_OTHER[name])
            if name in NEWS_FUNCTIONS_SECONDARY or name == "rss":
                return Route.other(f"{name} page")
        if match is None or int(match.group("id")) == 0 or len(segments) not in (2, 3):
            return Route.other("page of another module")
        if address.extra_query:
            return Route.other("attachment or view of an article")
        # /<module>/<cat>/<alias>-<id>.html, or /<cat>/<alias>-<id>.html when the news
        # module is the site's root module (rewrite_op_mod).
        module = segments[0].lower() if len(segments) == 3 else ""
        return Route(RouteKind.ARTICLE, key=f"{module}:{match.group('id')}", section=module or "/")

    def _listing(self, url: str, address: _Address, segments: list[str]) -> Route:
        page = 1
        match = PAGE_SEGMENT.match(segments[-1].lower())
        if match:
            page = int(match.group("n"))
            segments = segments[:-1]
        if not segments:  # /page-N/: the root module's home
            return self._listing_route(url, address, [], page)
        lowered = [s.lower() for s in segments]
        # The function is the first segment (root module) or the second (named module).
        for position in (0, 1):
            if len(lowered) <= position:
                break
            name = lowered[position]
            if name == "rss":
                return Route(RouteKind.FEED)
            if name in NEWS_FUNCTIONS_OTHER:
                return Route.other(NEWS_FUNCTIONS_OTHER[name])
            if name in NEWS_FUNCTIONS_SECONDARY:
                return self._listing_route(
                    url, address, segments, page, secondary=NEWS_FUNCTIONS_SECONDARY[name]
                )
        if len(segments) > 2 or not all(ALIAS.match(s) for s in segments):
            return Route.other("unknown page of a module")
        if address.extra_query:
            return Route.other("query variant of a listing")
        return self._listing_route(url, address, segments, page)

    def _listing_route(
        self,
        url: str,
        address: _Address,
        segments: list[str],
        page: int,
        secondary: str = "",
    ) -> Route:
        key = "/".join(s.lower() for s in segments)
        return Route(
            RouteKind.LISTING,
            key=key,
            page=page,
            first_page=self.page_url(url, 1) or url,
            section=segments[0].lower() if segments else "",
            secondary=bool(secondary),
            detail=f"{secondary} page" if secondary else "",
        )

    def page_url(self, listing_url: str, page: int) -> str | None:
        """Page N as NukeViet's pager writes it: ``…/page-N/`` (``…/page-N`` for tags)."""
        parts = urlsplit(listing_url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        names = {name for name, _ in query}
        if names & {"nv", "op"}:
            field = "op" if "op" in names else "nv"
            tail = f"/page-{page}" if page > 1 else ""
            query = [(k, PAGE_TAIL.sub("", v) + tail if k == field else v) for k, v in query]
            return urlunsplit(parts._replace(query=urlencode(query, safe="/"), fragment=""))
        # The end of the path is rewrite_endurl: "/" by default, ".html" on some sites.
        end = "/" if parts.path.endswith("/") else ".html" if parts.path.endswith(".html") else ""
        base = PAGE_TAIL.sub("", parts.path.rstrip("/").removesuffix(".html"))
        path = f"{base}/page-{page}{end}" if page > 1 else f"{base}{end}"
        return urlunsplit(parts._replace(path=path or "/", fragment=""))

    def probe_url(self, article_url: str) -> str | None:
        parts = urlsplit(article_url)
        replacement = f"{PROBE_ALIAS}-{PROBE_ID}.html"
        if parts.query and "op=" in parts.query:
            query = [
                (name, SLUG_TAIL.sub(replacement, value) if name == "op" else value)
                for name, value in parse_qsl(parts.query, keep_blank_values=True)
            ]
            return urlunsplit(parts._replace(query=urlencode(query, safe="/")))
        path = SLUG_TAIL.sub(replacement, parts.path)
        if path == parts.path:
            return None
        return urlunsplit(parts._replace(path=path, query="", fragment=""))


# Headings of related-news lists that editors paste into the body with the list.
RELATED_HEADINGS = ("Tin liên quan", "Tin liên quan:", "Các tin khác", "Các tin khác:")
_HEADING = " or ".join(f"normalize-space()='{heading}'" for heading in RELATED_HEADINGS)
RELATED_LIST = f".//ul[preceding-sibling::*[1][{_HEADING}]]"
BASE_DROP = ("script", "style", "noscript", "iframe", "form", "button")

FAMILY = Family(
    name="nukeviet",
    description="NukeViet 4 news module (default theme and its provincial derivatives)",
    # 2: captions found by structure, text read as a reader sees it
    revision=2,
    grammar=NukeVietGrammar(),
    # Every NukeViet page prints its generator and the script variables of its core
    # (nv_base_siteurl … nv_module_name, nv_func_name), whatever the theme.
    markers=Markers(
        generator=re.compile(r"nukeviet", re.IGNORECASE),
        markup=(
            Marker(
                "NukeViet's script variables (nv_base_siteurl … nv_module_name)",
                re.compile(r"nv_base_siteurl\s*=.{0,600}?nv_module_name\s*=", re.DOTALL),
                0.8,
            ),
            Marker(
                "NukeViet's core script /assets/js/global.js",
                re.compile(r"/assets/js/global\.js"),
                0.2,
            ),
            Marker(
                "theme-switch links (nv<language>themever=)",
                re.compile(r"[?&](?:amp;)?nv[a-z]{2}themever="),
                0.3,
            ),
            Marker(
                "the news module's body, div#news-bodyhtml", re.compile(r'id="news-bodyhtml"'), 0.3
            ),
        ),
    ),
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
        # The news template prints the article and its panels (tags, author and source
        # lines, attachments) as sibling .news_column blocks; their parent holds them all,
        # found through the body's id.
        scope=(
            "id('news-bodyhtml')"
            "/ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' news_column ')][1]"
            "/parent::*",
        ),
        title=("h1[itemprop=headline]", ".news_column h1"),
        # Written as XPath from the lead up: one pass over the scope, where the CSS
        # ".news_column .hometext" makes two (the columns, then each one's descendants).
        lead=(f".//*[{_has_class('hometext')}][ancestor::*[{_has_class('news_column')}]]",),
        # The visible publication time first, then the hidden schema.org span. Not
        # article:published_time: it is written with PHP date('Y-m-dTH:i:s'), T being
        # the zone name ("2024-05-19+0708:53:00"). The menu clock (#digclock) is today.
        # (From the span up, as the lead: one pass over the scope.)
        published=(
            f".//span[{_has_class('h5')}][ancestor::*[{_has_class('news_column')}]]",
            "[itemprop=datePublished]",
        ),
        body=("id('news-bodyhtml')", ".news_column .bodytext"),
        drop=(*BASE_DROP, "ul.detail-related", RELATED_LIST),
        # The article's own image: NukeViet 4 prints it as figure.article beside the lead
        # (its hidden twin #imgpreview holds the same picture for the zoom dialog);
        # NukeViet 3 as div#imghome inside the lead, or as the div after it when it spans
        # the column. Body pictures, in CKEditor figures, caption tables or caption
        # paragraphs, are found by structure.
        page_figures=(
            "figure.article",
            "id('imghome')[self::div] | id('hometext')[self::div]"
            "/following-sibling::div[1][img][not(contains(@class, 'bodytext'))]",
        ),
        # The "File đính kèm" panel: download links by id, with no file extension.
        # From the links up: most articles have no panel, and the page is then searched
        # whole, where a test of every element's class costs three times as much.
        attachment_links=(
            f".//a[contains(@href, 'download=')][ancestor::*[{_has_class('news-download-file')}]]",
        ),
        # The template's author and source lines ("<p class="h5 text-right"><strong>Tác giả:
        # </strong>…" in the default theme; other themes change the element and its class,
        # and older versions print "Tác giả bài viết:"): a short line outside the body
        # that opens with the bold label. The label is stripped.
        byline=(_cms_field("Tác giả"),),
        source=(_cms_field("Nguồn"),),
        # article:section names the category; the breadcrumbs end with it too.
        category=(
            HEAD_SECTION,
            "meta[property='article:section']::attr(content)",
            "(//*[contains(@class, 'breadcrumb')]//*[@itemprop='name' or @itemprop='title'])"
            "[last()]",
        ),
        tags=(
            f".//a[contains(@href, '/tag/')][ancestor::*[{_has_class('news_column')}]]//em/text()",
            *HEAD_TAGS,
        ),
        chrome=RELATED_HEADINGS,
    ),
)
