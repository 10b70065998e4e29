"""Article pages: one pure function from a ``Page`` and a profile to an ``Article``."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from lxml import etree
from parsel import Selector

from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.loaders import ArticleLoader
from dvcrawl.parsing.dom import element_text, first_match, first_value, paragraphs, remove
from dvcrawl.parsing.dom import select as select_nodes
from dvcrawl.parsing.dom import values as selector_values
from dvcrawl.parsing.listing import absolute_url
from dvcrawl.parsing.page import Page
from dvcrawl.text import Author, Byline, clean_text, parse_datetime, split_byline

if TYPE_CHECKING:
    from dvcrawl.sites.profile import ArticleRules, SiteProfile

# Field labels that CMSes print before the value ("Tác giả: Lê Dũng Toàn").
FIELD_LABEL = re.compile(
    r"^\s*(?:tác giả|nguồn(?:\s+tin)?|người viết|người đăng)\s*:\s*", re.IGNORECASE
)
IMAGE_ATTRIBUTES = ("src", "data-src", "data-original")
MAX_TRAILING_BYLINES = 2
# Clocks differ and sites post-date by minutes; a publication time further ahead is a misread.
FUTURE_TOLERANCE = timedelta(hours=1)


def parse_article(page: Page, profile: SiteProfile) -> Article:
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
    _fill_scalars(loader, page, rules)
    _fill_date(loader, page, rules)
    if not loader.has("body"):
        _fill_body(loader, page, rules)
    if not loader.has("canonical_url"):
        loader.add_value("canonical_url", page.url)
    article: Article = loader.load_item()
    return article


def _fill_scalars(loader: ArticleLoader, page: Page, rules: ArticleRules) -> None:
    for name, selectors in (
        ("title", rules.title),
        ("lead", rules.lead),
        ("category", rules.category),
    ):
        if not loader.has(name):
            loader.add_value(name, first_value(page.selector, selectors))
    if not loader.has("canonical_url"):
        canonical = first_value(page.selector, rules.canonical)
        if canonical:
            loader.add_value("canonical_url", absolute_url(page.url, canonical))
    if not loader.has("tags"):
        loader.add_value("tags", _unique(selector_values(page.selector, rules.tags)))


def _fill_date(loader: ArticleLoader, page: Page, rules: ArticleRules) -> None:
    """The first candidate that parses to a plausible time wins.

    A candidate that does not parse, or parses to a time after the page was fetched (a
    misread, or a widget counting down to an event), is kept as raw text only.
    """
    if loader.has("published_at"):
        return
    first_raw: tuple[str, str] | None = None
    for selector in rules.published:
        for node in select_nodes(page.selector, selector):
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


def _fill_body(loader: ArticleLoader, page: Page, rules: ArticleRules) -> None:
    containers = first_match(page.selector, rules.body)
    if not containers:
        return
    original = containers[0].root
    if not isinstance(original, etree._Element):
        return
    container = copy.deepcopy(original)
    fill_from_body(loader, container, page, rules)


def fill_from_body(
    loader: ArticleLoader, container: etree._Element, page: Page, rules: ArticleRules
) -> None:
    """Read captions, images, attachments, byline and paragraphs from a body element.

    The element is modified: figures and dropped nodes are removed from it.
    """
    body_sel = Selector(root=container, base_url=page.url)
    lead_figures = [f for s in rules.page_figures for f in select_nodes(page.selector, s)]
    loader.add_value(
        "image_urls",
        _unique([*_images_of(lead_figures, page.url), *_images(body_sel, page.url)]),
    )
    loader.add_value("attachments", _attachments(body_sel, page, rules))
    loader.add_value(
        "captions",
        [
            *_captions(lead_figures, page.url, rules),
            *_captions(_figures(body_sel, rules), page.url, rules),
        ],
    )
    for selector in (*rules.figures, *rules.drop):
        for node in select_nodes(body_sel, selector):
            if isinstance(node.root, etree._Element) and node.root is not container:
                remove(node.root)
    chrome = {clean_text(text) for text in rules.chrome}
    texts = [clean_text(text) for text in paragraphs(container)]
    texts = [text for text in texts if text and not _is_chrome(text, chrome, rules)]
    texts, trailing = split_trailing_bylines(texts)
    bylines = [b for b in (field_byline(page, rules), trailing) if b is not None]
    loader.add_value("byline", merge_bylines(bylines) if bylines else None)
    loader.add_value("body", texts)


def _is_chrome(text: str, chrome: set[str], rules: ArticleRules) -> bool:
    return text in chrome or any(part in text for part in rules.chrome_contains)


def field_byline(page: Page, rules: ArticleRules) -> Byline | None:
    """The byline from the CMS's own author and source fields, where it prints them."""
    author = _label_free(first_value(page.selector, rules.byline)) if rules.byline else None
    source = _label_free(first_value(page.selector, rules.source)) if rules.source else None
    if not author and not source:
        return None
    byline = (split_byline(author) or Byline(raw=author)) if author else None
    if source:
        if byline is None:
            return Byline(raw=source, source=source)
        return replace(byline, source=source)
    return byline


def split_trailing_bylines(texts: list[str]) -> tuple[list[str], Byline | None]:
    """Take byline and source lines off the end of the body.

    Only the last paragraphs are looked at: a byline is printed after the text, and a
    name-like line in the middle of an article is not one.
    """
    found: list[tuple[str, Byline]] = []
    while texts and len(found) < MAX_TRAILING_BYLINES:
        byline = split_byline(texts[-1])
        if byline is None:
            break
        found.insert(0, (texts[-1], byline))
        texts = texts[:-1]
    if not found:
        return texts, None
    return texts, merge_bylines([byline for _, byline in found])


def merge_bylines(bylines: list[Byline]) -> Byline:
    """One byline from several lines: an author line and a source line, say.

    The first line wins where two say the same thing; an author named twice counts once.
    """
    if len(bylines) == 1:
        return bylines[0]
    authors: dict[str, Author] = {}
    for author in (a for b in bylines for a in b.authors):
        authors.setdefault(author.name, author)
    return Byline(
        raw="\n".join(dict.fromkeys(b.raw for b in bylines)),
        authors=tuple(authors.values()),
        organisation=_first(b.organisation for b in bylines),
        source=_first(b.source for b in bylines),
        role=_first(b.role for b in bylines),
        photo=_first(b.photo for b in bylines),
        qualifier=_first(b.qualifier for b in bylines),
    )


def _figures(body: Selector, rules: ArticleRules) -> list[Selector]:
    return [figure for selector in rules.figures for figure in select_nodes(body, selector)]


def _captions(figures: list[Selector], base_url: str, rules: ArticleRules) -> list[Caption]:
    """A caption per figure that has text: its caption element, else all its text."""
    captions: list[Caption] = []
    for figure in figures:
        element = figure.root
        if not isinstance(element, etree._Element):
            continue
        images = _images(figure, base_url)
        text = first_value(figure, rules.figure_caption) if rules.figure_caption else None
        if text is None:
            text = element_text(element, line_breaks=False)
        text = clean_text(text.replace("\n", " "))
        if text:
            captions.append(Caption(text=text, image_url=images[0] if images else None))
    return captions


def _images_of(figures: list[Selector], base_url: str) -> list[str]:
    return [url for figure in figures for url in _images(figure, base_url)]


def _images(sel: Selector, base_url: str) -> list[str]:
    urls: list[str] = []
    for image in sel.css("img"):
        for attribute in IMAGE_ATTRIBUTES:
            src = image.attrib.get(attribute, "").strip()
            if src and not src.startswith("data:"):
                urls.append(absolute_url(base_url, src))
                break
    return urls


def _attachments(body: Selector, page: Page, rules: ArticleRules) -> list[Attachment]:
    """Document links in the body by their extension, then the page's attachment panels."""
    pattern = re.compile(
        r"\.(?:" + "|".join(map(re.escape, rules.attachment_extensions)) + r")(?:[?#]|$)",
        re.IGNORECASE,
    )
    links = [link for link in body.css("a[href]") if pattern.search(link.attrib["href"])]
    for selector in rules.attachment_links:
        links.extend(
            link for link in select_nodes(page.selector, selector) if "href" in link.attrib
        )
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


def _label_free(value: str | None) -> str | None:
    if not value:
        return None
    return clean_text(FIELD_LABEL.sub("", clean_text(value))) or None


def _first(items: Iterable[str | None]) -> str | None:
    return next((item for item in items if item), None)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
