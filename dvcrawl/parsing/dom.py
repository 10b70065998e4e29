"""Selector helpers: ordered fallbacks, and the text of elements as a reader sees it.

Text is read the way a browser lays it out: whitespace in the HTML source (line breaks
included) is one space, and only ``<br>`` and block elements break lines. The walk over
an element is lxml's ``iterwalk``, never recursion, so no nesting depth can exhaust the
Python stack. The HTML parser itself stops at ``PARSER_DEPTH_LIMIT``: a page nested deeper
is read again flattened (``whole_html_selector``), and ``check_depth`` refuses a tree that
was cut short all the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Final

from lxml import etree
from parsel import Selector, SelectorList

if TYPE_CHECKING:
    from collections.abc import Collection

    from dvcrawl.sites.profile import Selectors


BLOCK_TAGS: Final = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
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
        "summary",
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
SKIP_TAGS: Final = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"}
)
EMPHASIS_TAGS: Final = frozenset({"em", "i", "cite"})
STYLED_TAGS: Final = frozenset({*EMPHASIS_TAGS, "center", "small", "font", "pre", "figcaption"})
# Elements that hold a picture with its caption; whether one really is a picture is decided
# from what it holds (``dvcrawl.parsing.figures``).
PICTURE_TAGS: Final = frozenset({"figure", "table"})
# libxml2 (2.11 and later, as lxml ships it) stops reading a document at this many nested
# elements, even with ``huge_tree``: the rest of the page never reaches the tree.
PARSER_DEPTH_LIMIT: Final = 2048

# Runs of source whitespace other than one plain space (most text has only those).
SOURCE_WHITESPACE = re.compile(r"[\t\n\r\f][ \t\n\r\f]*| [ \t\n\r\f]+")
# What shows no ink: spaces of every width and the invisible format characters.
BLANK: Final = (
    " \t\n\r\f\v\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff\u00ad"
)
TEXT_ALIGN = re.compile(r"text-align\s*:\s*(-?[a-z-]+)", re.IGNORECASE)
ITALIC = re.compile(r"font-style\s*:\s*(?:italic|oblique)", re.IGNORECASE)
FONT_SIZE = re.compile(
    r"font-size\s*:\s*(?:(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>px|pt|em|rem|%)?|(?P<word>[a-z-]+))",
    re.IGNORECASE,
)
ALIGN_CLASS = re.compile(
    r"(?:^|[\s_-])(?:text-|align|ql-align-|has-text-align-)?(center|centre|right)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Editors' and themes' class names for a caption ("caption", "image-caption", "wp-caption-text",
# "chuthich", "chu-thich": Vietnamese for annotation).
CAPTION_CLASS = re.compile(r"caption|chu[-_]?thich", re.IGNORECASE)
# Sizes below the body text's usual 14-16 px that editors pick for captions.
SMALL_SIZES: Final = {"px": 13.5, "pt": 10.5, "em": 0.95, "rem": 0.95, "%": 95.0}
SMALL_WORDS: Final = frozenset({"xx-small", "x-small", "small", "smaller"})
SMALL_FONT_ATTRIBUTE: Final = frozenset({"1", "2", "-1", "-2", "-3"})


class DocumentTooDeep(ValueError):
    """A tree the HTML parser cut short at its nesting limit (one not built by
    ``whole_html_selector``): extracting it would store an article cut short."""


def select(sel: Selector, selector: str) -> SelectorList[Selector]:
    """``sel.xpath`` for strings that look like XPath, ``sel.css`` otherwise."""
    if selector.startswith(XPATH_OPENINGS):
        return sel.xpath(selector)
    return sel.css(selector)


# ``id(`` looks an element up in the parser's table of ids instead of scanning the page.
XPATH_OPENINGS: Final = ("/", "./", "(", "id(")


def scopes(sel: Selector, scope: Selectors) -> tuple[Selector, ...]:
    """Where a page's rules are looked for, in turn: the first element ``scope`` finds (the
    part of the page that holds the article), then the whole page."""
    found = first_match(sel, scope) if scope else None
    return (found[0], sel) if found else (sel,)


def first_match_within(
    contexts: tuple[Selector, ...], selectors: Selectors
) -> SelectorList[Selector]:
    """``first_match`` in the first of ``contexts`` where any of ``selectors`` matches."""
    for context in contexts:
        found = first_match(context, selectors)
        if found:
            return found
    return SelectorList([])


def values_within(contexts: tuple[Selector, ...], selectors: Selectors) -> list[str]:
    """``values`` in the first of ``contexts`` where any of ``selectors`` yields one."""
    for context in contexts:
        found = values(context, selectors)
        if found:
            return found
    return []


def first_value_within(contexts: tuple[Selector, ...], selectors: Selectors) -> str | None:
    found = values_within(contexts, selectors)
    return found[0] if found else None


def first_match(sel: Selector, selectors: Selectors) -> SelectorList[Selector]:
    """The nodes of the first selector that matches anything."""
    for selector in selectors:
        found = select(sel, selector)
        if found:
            return found
    return SelectorList([])


def node_text(node: Selector) -> str:
    """A string result as is; an element's text with newlines between its lines."""
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


# Void elements never hold others; a start tag of one opens nothing.
VOID_TAGS: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
     "source", "track", "wbr"}
)  # fmt: skip
# Nesting kept when a page is read again flattened: far deeper than any real layout.
FLATTENED_DEPTH: Final = 512


def whole_html_selector(text: str, base_url: str | None = None) -> Selector:
    """A selector over HTML text, the whole of it even when it nests past the HTML parser's
    limit: such a page is read again with the elements below ``FLATTENED_DEPTH`` unwrapped
    (their text kept in place, their tags left out)."""
    selector = Selector(text=text, base_url=base_url)
    if stopped_at_depth_limit(selector):
        selector = Selector(text=flatten_nesting(text, FLATTENED_DEPTH), base_url=base_url)
    return selector


def flatten_nesting(text: str, depth: int) -> str:
    """HTML text with every element nested deeper than ``depth`` unwrapped: its start and
    end tags dropped, its text and void elements (images, line breaks) kept in place."""
    flattener = _Flattener(depth)
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out)


class _Flattener(HTMLParser):
    """Re-prints the markup it reads, token by token (no tree, so no depth limit of its own),
    leaving out the tags of elements past the depth limit."""

    def __init__(self, depth: int) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = depth
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # each open element, and whether it is printed

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in VOID_TAGS:
            self.out.append(raw)
            return
        kept = len(self.open) < self.depth
        self.open.append((tag, kept))
        if kept:
            self.out.append(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS or len(self.open) < self.depth:
            self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                kept = self.open[index][1]
                del self.open[index:]
                if kept:
                    self.out.append(f"</{tag}>")
                return
        self.out.append(f"</{tag}>")  # a stray end tag: the HTML parser ignores it as before

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def stopped_at_depth_limit(selector: Selector) -> bool:
    """Whether the HTML parser stopped reading the page at its nesting limit."""
    root = selector.root
    return isinstance(root, etree._Element) and _nesting(root) >= PARSER_DEPTH_LIMIT


def _nesting(root: etree._Element) -> int:
    """How deep the tree's last chain of last children goes: where a parser that stopped at
    its limit left its open elements."""
    depth, element = 1, root
    while len(element):
        element = element[-1]
        depth += 1
    return depth


def check_depth(root: etree._Element) -> None:
    """Raise ``DocumentTooDeep`` if the parser stopped at its depth limit.

    The parser leaves the elements open at the point where it stopped as the last child of
    the last child …; a page it read to the end closes them, and its last chain is short.
    """
    depth = _nesting(root)
    if depth >= PARSER_DEPTH_LIMIT:
        raise DocumentTooDeep(
            f"elements nest {depth:,} deep, the HTML parser's limit: it stopped reading there, "
            "and the rest of the page is not in the tree"
        )


@dataclass(eq=False, slots=True)
class Line:
    """One line of an element's text as a reader sees it, with what a caption is told by.

    Character counts leave whitespace out; ``emphasised``, ``small`` and ``marked`` count the
    characters in italics, in a small font, and under a caption class name.
    """

    block: etree._Element
    """The innermost block element the line began in."""
    picture: etree._Element | None
    """The innermost ``figure`` or ``table`` (or other picture container asked for) holding it."""
    in_caption: bool
    """Whether it began inside a caption element (``figcaption`` or one asked for)."""
    after_block: bool
    """Whether a block boundary separates it from the line before (not only ``<br>``)."""
    breaks_before: int
    """``<br>`` elements between the line before and this one."""
    align: str | None
    parts: list[str] = field(default_factory=list)
    images: list[etree._Element] = field(default_factory=list)
    text_before_image: bool = False
    chars: int = 0
    emphasised: int = 0
    small: int = 0
    marked: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class _Style:
    """What an element passes down to the text inside it."""

    block: etree._Element
    picture: etree._Element | None = None
    in_caption: bool = False
    align: str | None = None
    emphasis: bool = False
    small: bool = False
    marked: bool = False
    pre: bool = False


class _LineBuilder:
    """Cuts a stream of text, images and breaks into ``Line`` objects."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.current: Line | None = None
        self.breaks = 0
        self.after_block = False

    def text(self, text: str, style: _Style) -> None:
        if style.pre and "\n" in text:
            first, *rest = text.split("\n")
            self._add_text(first, style)
            for part in rest:
                self.line_break()
                self._add_text(part, style)
        else:
            self._add_text(text, style)

    def _add_text(self, text: str, style: _Style) -> None:
        chars = _visible_length(text)
        line = self.current
        if line is None:
            if not chars:
                return
            line = self._open(style)
        line.parts.append(text)
        if chars:
            line.chars += chars
            if not line.images:
                line.text_before_image = True
            if style.emphasis:
                line.emphasised += chars
            if style.small:
                line.small += chars
            if style.marked:
                line.marked += chars

    def image(self, image: etree._Element, style: _Style) -> None:
        line = self.current or self._open(style)
        line.images.append(image)
        line.parts.append(" ")

    def line_break(self) -> None:
        self._close()
        self.breaks += 1

    def block_boundary(self) -> None:
        self._close()
        self.after_block = True

    def _open(self, style: _Style) -> Line:
        line = Line(
            block=style.block,
            picture=style.picture,
            in_caption=style.in_caption,
            after_block=self.after_block,
            breaks_before=self.breaks,
            align=style.align,
        )
        self.current = line
        self.breaks = 0
        self.after_block = False
        return line

    def _close(self) -> None:
        line = self.current
        if line is None:
            return
        line.text = _collapsed("".join(line.parts))
        self.lines.append(line)
        self.current = None

    def finish(self) -> list[Line]:
        self._close()
        return self.lines


def text_lines(
    element: etree._Element,
    *,
    pictures: Collection[etree._Element] = (),
    captions: Collection[etree._Element] = (),
) -> list[Line]:
    """The lines of an element's text, in order, each with its images and styles.

    ``pictures`` and ``captions`` name more picture containers and caption elements than
    ``figure``/``table`` and ``figcaption``.
    """
    builder = _LineBuilder()
    root_tag = element.tag.lower() if isinstance(element.tag, str) else ""
    styles = [_style_of(element, root_tag, _Style(block=element), pictures, captions)]
    walker = etree.iterwalk(element, events=("start", "end", "comment", "pi"))
    for event, node in walker:
        if event in ("comment", "pi"):
            if node.tail:
                builder.text(node.tail, styles[-1])
            continue
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if event == "start":
            if node is element:
                if node.text:
                    builder.text(node.text, styles[-1])
                continue
            if tag in SKIP_TAGS:
                walker.skip_subtree()
                styles.append(styles[-1])
                continue
            if tag == "br":
                builder.line_break()
            elif tag == "img":
                builder.image(node, styles[-1])
            elif tag in BLOCK_TAGS:
                builder.block_boundary()
            style = _style_of(node, tag, styles[-1], pictures, captions)
            styles.append(style)
            if node.text and tag not in SKIP_TAGS:
                builder.text(node.text, style)
            continue
        if node is element:
            break
        styles.pop()
        if tag in BLOCK_TAGS:
            builder.block_boundary()
        if node.tail:
            builder.text(node.tail, styles[-1])
    return builder.finish()


def _style_of(
    node: etree._Element,
    tag: str,
    parent: _Style,
    pictures: Collection[etree._Element],
    captions: Collection[etree._Element],
) -> _Style:
    css, align_attribute, classes = node.get("style"), node.get("align"), node.get("class")
    is_block = tag in BLOCK_TAGS
    named = bool(pictures or captions) and (node in pictures or node in captions)
    if not (css or align_attribute or classes or is_block or named or tag in STYLED_TAGS):
        return parent
    align, emphasis, small = parent.align, parent.emphasis or tag in EMPHASIS_TAGS, parent.small
    if tag == "center":
        align = "center"
    elif tag == "small":
        small = True
    elif tag == "font" and node.get("size"):
        small = (node.get("size") or "").strip() in SMALL_FONT_ATTRIBUTE
    align = _alignment(css, align_attribute, classes) or align
    if css:
        emphasis = emphasis or ITALIC.search(css) is not None
        small = _small_font(css, small)
    return _Style(
        block=node if is_block else parent.block,
        picture=node if tag in PICTURE_TAGS or (named and node in pictures) else parent.picture,
        in_caption=parent.in_caption or tag == "figcaption" or (named and node in captions),
        align=align,
        emphasis=emphasis,
        small=small,
        marked=parent.marked or (classes is not None and CAPTION_CLASS.search(classes) is not None),
        pre=parent.pre or tag == "pre",
    )


def _alignment(css: str | None, align: str | None, classes: str | None) -> str | None:
    if css:
        found = TEXT_ALIGN.search(css)
        if found:
            return _align_word(found.group(1))
    if align:
        return _align_word(align)
    if classes:
        found = ALIGN_CLASS.search(classes)
        if found:
            return _align_word(found.group(1))
    return None


def _align_word(word: str) -> str:
    word = word.strip().lower()
    return "center" if word in ("center", "centre", "-webkit-center", "middle") else word


def _small_font(css: str, inherited: bool) -> bool:
    found = FONT_SIZE.search(css)
    if found is None:
        return inherited
    if found.group("word"):
        return found.group("word").lower() in SMALL_WORDS
    unit = (found.group("unit") or "px").lower()
    return float(found.group("number")) <= SMALL_SIZES[unit]


def _collapsed(text: str) -> str:
    """Source whitespace as a browser shows it: each run one space, none at the ends."""
    if "\n" in text or "  " in text or "\t" in text or "\r" in text or "\f" in text:
        text = SOURCE_WHITESPACE.sub(" ", text)
    return text.strip()


def _visible_length(text: str) -> int:
    """About how many characters of ``text`` show (spaces and line breaks inside it aside)."""
    shown = text.strip(BLANK)
    return len(shown) - shown.count(" ") - shown.count("\n") if shown else 0


def element_text(element: etree._Element, *, line_breaks: bool = True) -> str:
    """Text of an element, its lines joined by newlines (by spaces without ``line_breaks``)."""
    separator = "\n" if line_breaks else " "
    return separator.join(line.text for line in text_lines(element) if line.text)


def paragraphs(element: etree._Element) -> list[str]:
    """Non-blank lines of an element's text: its paragraphs, in order."""
    return [line.text for line in text_lines(element) if line.text]


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
