"""Selector helpers: ordered fallbacks, and the text of elements as paragraphs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lxml import etree
from parsel import Selector, SelectorList

if TYPE_CHECKING:
    from dvcrawl.sites.profile import Selectors


BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg"})


def select(sel: Selector, selector: str) -> SelectorList[Selector]:
    """``sel.xpath`` for strings that look like XPath, ``sel.css`` otherwise."""
    if selector.startswith(("/", "./", "(")):
        return sel.xpath(selector)
    return sel.css(selector)


def first_match(sel: Selector, selectors: Selectors) -> SelectorList[Selector]:
    """The nodes of the first selector that matches anything."""
    for selector in selectors:
        found = select(sel, selector)
        if found:
            return found
    return SelectorList([])


def node_text(node: Selector) -> str:
    """A string result as is; an element's text with newlines between blocks."""
    root = node.root
    if isinstance(root, str):
        return root
    if isinstance(root, etree._Element):
        return element_text(root)
    return str(root)


def values(sel: Selector, selectors: Selectors) -> list[str]:
    """All non-blank values of the first selector that yields any."""
    for selector in selectors:
        found = [text.strip() for text in map(node_text, select(sel, selector))]
        found = [text for text in found if text]
        if found:
            return found
    return []


def first_value(sel: Selector, selectors: Selectors) -> str | None:
    found = values(sel, selectors)
    return found[0] if found else None


def element_text(element: etree._Element, *, line_breaks: bool = True) -> str:
    """Text of an element, with a newline at every block boundary and ``<br>``.

    With ``line_breaks=False`` the same places get a space (for captions).
    """
    separator = "\n" if line_breaks else " "
    return "".join(_text_parts(element, separator))


def _text_parts(element: etree._Element, separator: str) -> Iterator[str]:
    if element.text and not _skipped(element):
        yield element.text
    for child in element:
        if not isinstance(child.tag, str):  # comments and processing instructions
            if child.tail:
                yield child.tail
            continue
        tag = child.tag.lower()
        if tag in SKIP_TAGS:
            pass
        elif tag == "br":
            yield separator
        elif tag in BLOCK_TAGS:
            yield separator
            yield from _text_parts(child, separator)
            yield separator
        else:
            yield from _text_parts(child, separator)
        if child.tail:
            yield child.tail


def _skipped(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and element.tag.lower() in SKIP_TAGS


def paragraphs(element: etree._Element) -> list[str]:
    """Non-blank lines of an element's text: its paragraphs, in order."""
    return [line.strip() for line in element_text(element).split("\n") if line.strip()]


def remove(element: etree._Element) -> None:
    """Remove an element from its tree but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
