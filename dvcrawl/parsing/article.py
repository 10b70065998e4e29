"""Article pages: one pure function from a ``Page`` and a profile to an ``Article``."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from lxml import etree
from parsel import Selector

from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.loaders import ArticleLoader
from dvcrawl.parsing.bylines import cms_author, cms_source, split_body_bylines
from dvcrawl.parsing.dom import (
    check_depth,
    element_text,
    first_match,
    first_match_within,
    first_value,
    first_value_within,
    remove,
    scopes,
    values_within,
)
from dvcrawl.parsing.dom import select as select_nodes
from dvcrawl.parsing.figures import read_body, read_page_figures
from dvcrawl.parsing.listing import absolute_url
from dvcrawl.parsing.page import Page
from dvcrawl.text import clean_text, parse_datetime

if TYPE_CHECKING:
    from dvcrawl.sites.profile import ArticleRules, SiteProfile

# Clocks differ and sites post-date by minutes; a publication time further ahead is a misread.
FUTURE_TOLERANCE = timedelta(hours=1)


def parse_article(page: Page, profile: SiteProfile) -> Article:
    """The article on a page.

    Raises ``DocumentTooDeep`` when the page's tree was cut short at the HTML parser's
    nesting limit (``Page`` reads such pages whole; this guards trees built otherwise).
    """
    if isinstance(page.selector.root, etree._Element):
        check_depth(page.selector.root)
    rules = profile.article_rules
    loader = ArticleLoader()
    loader.add_value("url", page.url)
    loader.add_value("site_key", profile.key)
    loader.add_value("site_article_id", profile.article_id(page.url))
    loader.add_value("fetched_at", page.fetched_at)
    loader.add_value("family", profile.family.name)
    loader.add_value("parser_revision", profile.parser_revision)
    if rules.extract is not None:
        rules.extract(loader, page, profile)
    within = scopes(page.selector, rules.scope)
    _fill_scalars(loader, page, rules, within)
    _fill_date(loader, page, rules, within)
    if not loader.has("body"):
        _fill_body(loader, page, rules, within)
    if not loader.has("canonical_url"):
        loader.add_value("canonical_url", page.url)
    article: Article = loader.load_item()
    return article


def _fill_scalars(
    loader: ArticleLoader, page: Page, rules: ArticleRules, within: tuple[Selector, ...]
) -> None:
    for name, selectors in (("title", rules.title), ("lead", rules.lead)):
        if not loader.has(name):
            loader.add_value(name, first_value_within(within, selectors))
    # The head's links and metadata, and the breadcrumbs, stand outside any article scope.
    if not loader.has("category"):
        loader.add_value("category", first_value(page.selector, rules.category))
    if not loader.has("canonical_url"):
        canonical = first_value(page.selector, rules.canonical)
        if canonical:
            loader.add_value("canonical_url", absolute_url(page.url, canonical))
    if not loader.has("tags"):
        loader.add_value("tags", _unique(values_within(within, rules.tags)))


def _fill_date(
    loader: ArticleLoader, page: Page, rules: ArticleRules, within: tuple[Selector, ...]
) -> None:
    """The first candidate that parses to a plausible time wins, the page's scope read
    before the whole page.

    A candidate that does not parse, or parses to a time after the page was fetched (a
    misread, or a widget counting down to an event), is kept as raw text only.
    """
    if loader.has("published_at"):
        return
    first_raw: tuple[str, str] | None = None
    for context in within:
        for selector in rules.published:
            for node in select_nodes(context, selector):
                raw = clean_text(_text_of(node))
                if not raw:
                    continue
                parsed = parse_datetime(raw, now=page.fetched_at)
                if parsed is not None and parsed <= page.fetched_at + FUTURE_TOLERANCE:
                    set_date(loader, raw, selector, parsed)
                    return
                first_raw = first_raw or (raw, selector)
    if first_raw and not loader.has("published_raw"):
        loader.add_value("published_raw", first_raw[0])
        loader.add_value("published_source", first_raw[1])


def set_date(loader: ArticleLoader, raw: str, source: str, parsed: object) -> None:
    loader.add_value("published_at", parsed)
    loader.add_value("published_raw", raw)
    loader.add_value("published_source", source)


def _fill_body(
    loader: ArticleLoader, page: Page, rules: ArticleRules, within: tuple[Selector, ...]
) -> None:
    containers = first_match(page.selector, rules.body)
    if not containers:
        return
    original = containers[0].root
    if not isinstance(original, etree._Element):
        return
    container = copy.deepcopy(original)
    fill_from_body(loader, container, page, rules, within)


def fill_from_body(
    loader: ArticleLoader,
    container: etree._Element,
    page: Page,
    rules: ArticleRules,
    within: tuple[Selector, ...] | None = None,
) -> None:
    """Read captions, images, attachments, byline and paragraphs from a body element.

    The element is modified: dropped nodes are removed from it first, so that nothing in
    them (a related-news box with thumbnails) is read as a picture. Raises
    ``DocumentTooDeep`` when the parser cut the element's document short (a body parsed
    from a page's embedded data). ``within``: the page's scope, then the page
    (``dom.scopes``), found again when not given.
    """
    check_depth(container.getroottree().getroot())
    within = within or scopes(page.selector, rules.scope)
    body_sel = Selector(root=container, base_url=page.url)
    loader.add_value("attachments", _attachments(body_sel, page, rules, within))
    for selector in rules.drop:
        for node in select_nodes(body_sel, selector):
            if isinstance(node.root, etree._Element) and node.root is not container:
                remove(node.root)
    lead = read_page_figures(first_match_within(within, rules.page_figures), page.url, rules)
    body = read_body(container, page.url, rules)
    loader.add_value("image_urls", _unique([*lead.image_urls, *body.image_urls]))
    loader.add_value("captions", [*_lead_captions(lead.captions, body.captions), *body.captions])
    chrome = {clean_text(text) for text in rules.chrome}
    texts = [clean_text(text) for text in body.paragraphs]
    texts = [text for text in texts if text and not _is_chrome(text, chrome, rules)]
    texts, byline = split_body_bylines(texts)
    loader.add_value("byline", byline)
    loader.add_value("cms_author", cms_author(page, rules, within))
    loader.add_value("cms_source", cms_source(page, rules, within))
    loader.add_value("body", texts)


def _is_chrome(text: str, chrome: set[str], rules: ArticleRules) -> bool:
    return text in chrome or any(part in text for part in rules.chrome_contains)


def _lead_captions(lead: list[Caption], body: list[Caption]) -> list[Caption]:
    """The lead image's captions less those the body prints too.

    NukeViet makes the first body image the lead image when the editor gives none: the
    picture shows twice, and its caption counts once, where the body prints it.
    """
    printed = {caption.text for caption in body}
    return [caption for caption in lead if caption.text not in printed]


def _attachments(
    body: Selector, page: Page, rules: ArticleRules, within: tuple[Selector, ...]
) -> list[Attachment]:
    """Document links in the body by their extension, then the page's attachment panels."""
    pattern = re.compile(
        r"\.(?:" + "|".join(map(re.escape, rules.attachment_extensions)) + r")(?:[?#]|$)",
        re.IGNORECASE,
    )
    links = [link for link in body.css("a[href]") if pattern.search(link.attrib["href"])]
    for selector in rules.attachment_links:
        panel_links = first_match_within(within, (selector,))
        links.extend(link for link in panel_links if "href" in link.attrib)
    found: dict[str, Attachment] = {}
    for link in links:
        url = absolute_url(page.url, link.attrib["href"])
        if url not in found and url != page.url:
            title = clean_text(" ".join(link.css("::text").getall())) or None
            found[url] = Attachment(url=url, title=title)
    return list(found.values())


def _text_of(node: Selector) -> str:
    root = node.root
    if isinstance(root, etree._Element):
        return element_text(root, line_breaks=False)
    return str(root)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
