"""Pictures in an article body: which text is a caption, and whose, told by the markup.

Editors caption a picture in a handful of ways, CKEditor and NukeViet's own editor alike:

- a ``figure`` with its ``figcaption``;
- a table with the image in one row and the caption in the next;
- an image paragraph, then the caption as a short paragraph of its own, set apart from the
  text (italic, a small font, centred, a caption class);
- the image and its caption in one paragraph, after a ``<br>`` (italic or plain) or right
  after the image in italics.

So a caption is decided by structure, never by its words: an image, then short text set
apart. A long paragraph after an image is text, a right-aligned line is a byline's place,
and an image may have no caption at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from lxml import etree
from parsel import Selector

from dvcrawl.items import Caption
from dvcrawl.parsing.dom import Line, select, text_lines
from dvcrawl.parsing.listing import absolute_url
from dvcrawl.text import clean_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from dvcrawl.sites.profile import ArticleRules

IMAGE_ATTRIBUTES: Final = ("src", "data-src", "data-original")
# Captions run to a sentence or two; a body paragraph is longer. The longest caption in the
# NukeViet capture has 110 characters, the longest on danvan.vn about 140.
MAX_CAPTION_CHARS: Final = 300
# A line is in a style when most of its letters are.
MOSTLY: Final = 0.75
# A style that most of the body's text has sets nothing apart (an article all in italics).
DISTINCTIVE_SHARE: Final = 0.5
# An image this small or smaller is an icon, not a picture to caption.
MAX_ICON_PIXELS: Final = 48
ICON_SIZE = re.compile(r"\s*(\d+)\s*(?:px)?\s*$")
CSS_SIZE = re.compile(r"(?:^|[;\s])(?:width|height)\s*:\s*(\d+)\s*px", re.IGNORECASE)
# ``figcaption`` elements are known to the text walk by their tag: no selector needed.
DEFAULT_CAPTION: Final = ("figcaption",)
NOT_CAPTION_BLOCKS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "li", "dt"})


@dataclass(slots=True)
class BodyText:
    """A body read for the article: its paragraphs, its pictures' captions, its images."""

    paragraphs: list[str] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Picture:
    """A picture container that holds a picture: its images and the captions it prints."""

    images: list[etree._Element]
    captions: list[tuple[str, etree._Element | None]]


@dataclass(frozen=True, slots=True)
class _BodyStyle:
    """Which styles set a line apart in this body (those that most of its text lacks)."""

    centred: bool
    emphasised: bool
    small: bool

    @classmethod
    def of(cls, lines: Sequence[Line]) -> _BodyStyle:
        total = sum(line.chars for line in lines) or 1
        centred = sum(line.chars for line in lines if line.align == "center")
        return cls(
            centred=centred / total < DISTINCTIVE_SHARE,
            emphasised=sum(line.emphasised for line in lines) / total < DISTINCTIVE_SHARE,
            small=sum(line.small for line in lines) / total < DISTINCTIVE_SHARE,
        )

    def marks(self, line: Line) -> bool:
        """Whether the line's own letters are set apart: italic, small, a caption class."""
        if not line.chars:
            return False
        return (
            line.marked >= MOSTLY * line.chars
            or (self.emphasised and line.emphasised >= MOSTLY * line.chars)
            or (self.small and line.small >= MOSTLY * line.chars)
        )

    def sets_apart(self, line: Line) -> bool:
        return self.marks(line) or (self.centred and line.align == "center")


def read_body(container: etree._Element, base_url: str, rules: ArticleRules) -> BodyText:
    """The paragraphs, captions and images of a body element, in page order."""
    pictures, captions = _named_elements(container, rules)
    lines = text_lines(container, pictures=pictures, captions=captions)
    return _BodyReader(lines, base_url, pictures).read()


def read_page_figures(figures: Iterable[Selector], base_url: str, rules: ArticleRules) -> BodyText:
    """The captions and images of pictures printed outside the body (the lead image).

    A caption printed twice (a theme's hidden zoom copy of the lead image) counts once.
    """
    found = BodyText()
    for figure in figures:
        element = figure.root
        if not isinstance(element, etree._Element):
            continue
        captions = (
            {node.root for s in rules.figure_caption for node in select(figure, s)}
            if rules.figure_caption != DEFAULT_CAPTION
            else set()
        )
        lines = text_lines(element, captions=captions)
        images = [image for line in lines for image in line.images]
        found.image_urls.extend(url for image in images if (url := image_url(image, base_url)))
        text = clean_text(_figure_caption(lines) or "")
        if text and all(caption.text != text for caption in found.captions):
            url = image_url(images[0], base_url) if images else None
            found.captions.append(Caption(text=text, image_url=url))
    return found


def _named_elements(
    container: etree._Element, rules: ArticleRules
) -> tuple[set[etree._Element], set[etree._Element]]:
    """Picture containers and caption elements that a site names beyond the usual tags."""
    if not rules.figures and rules.figure_caption == DEFAULT_CAPTION:
        return set(), set()
    body = Selector(root=container)
    pictures = {node.root for s in rules.figures for node in select(body, s)}
    captions = {node.root for s in rules.figure_caption for node in select(body, s)}
    return pictures, captions


class _BodyReader:
    def __init__(self, lines: list[Line], base_url: str, named: set[etree._Element]) -> None:
        self.lines = lines
        self.base_url = base_url
        self.style = _BodyStyle.of(lines)
        self.pictures = _pictures(lines, named)
        self.used = [False] * len(lines)
        self.last_text = max((i for i, line in enumerate(lines) if line.text), default=-1)
        self.found = BodyText()

    def read(self) -> BodyText:
        lines, found = self.lines, self.found
        urls = (image_url(image, self.base_url) for line in lines for image in line.images)
        found.image_urls = list(dict.fromkeys(url for url in urls if url))
        for index, line in enumerate(lines):
            if self.used[index]:
                continue
            container = line.picture
            picture = self.pictures.get(container) if container is not None else None
            if container is not None and picture is not None:
                self._read_picture(index, container, picture)
            elif _photos(line) and not line.text_before_image:
                self._read_image_line(index)
            elif line.text:
                found.paragraphs.append(line.text)
            self.used[index] = True
        return found

    def _read_picture(self, index: int, container: etree._Element, picture: _Picture) -> None:
        last = index
        for position in range(index, len(self.lines)):
            if self.lines[position].picture is container:
                self.used[position] = True
                last = position
        for text, image in picture.captions:
            self._add_caption([text], image)
        if not picture.captions and picture.images:
            self._caption_below(last + 1, picture.images[0])

    def _read_image_line(self, index: int) -> None:
        line = self.lines[index]
        self.used[index] = True
        if line.text:
            # The caption right after the image, in the image's paragraph (danvan.vn's style).
            if self._fits(line) and line.align != "right" and self.style.sets_apart(line):
                self._add_caption([line.text, *self._continued(index)], _photos(line)[0])
            else:
                self.found.paragraphs.append(line.text)
            return
        self._caption_below(index + 1, _photos(line)[0])

    def _caption_below(self, index: int, image: etree._Element) -> None:
        """The caption of a picture with none of its own: the line below, if it is one."""
        following = self._next_unused(index)
        if following is None:
            return
        line = self.lines[following]
        if _photos(line) or not line.text or line.align == "right" or not self._fits(line):
            return
        if line.block.tag in NOT_CAPTION_BLOCKS or line.picture in self.pictures:
            return
        after_break = not line.after_block and line.breaks_before == 1
        if not after_break:
            if not self.style.sets_apart(line):
                return
            # The last line of a text that is not centred is where a byline stands.
            if following == self.last_text and line.align != "center":
                return
        self.used[following] = True
        self._add_caption([line.text, *self._continued(following)], image)

    def _continued(self, index: int) -> list[str]:
        """Lines that go on a marked caption after a ``<br>`` inside the same paragraph."""
        first = self.lines[index]
        if not self.style.marks(first):
            return []
        texts: list[str] = []
        total = len(first.text)
        position = index + 1
        while position < len(self.lines):
            line = self.lines[position]
            if (
                self.used[position]
                or line.block is not first.block
                or line.after_block
                or line.breaks_before != 1
                or _photos(line)
                or not self.style.marks(line)
                or total + len(line.text) > MAX_CAPTION_CHARS
            ):
                break
            texts.append(line.text)
            total += len(line.text)
            self.used[position] = True
            position += 1
        return texts

    def _next_unused(self, index: int) -> int | None:
        for position in range(index, len(self.lines)):
            if not self.used[position]:
                return position
        return None

    def _add_caption(self, texts: list[str], image: etree._Element | None) -> None:
        text = clean_text(" ".join(texts))
        if text:
            url = image_url(image, self.base_url) if image is not None else None
            self.found.captions.append(Caption(text=text, image_url=url))

    @staticmethod
    def _fits(line: Line) -> bool:
        return len(line.text) <= MAX_CAPTION_CHARS


def _pictures(lines: Sequence[Line], named: set[etree._Element]) -> dict[etree._Element, _Picture]:
    """The picture containers that hold a picture, each with its images and captions.

    A ``figure`` (or a container the site names) with an image is a picture; its caption is
    its caption element, else its short text. A table with an image is a picture when all
    its text is caption-short, and its text lines are the captions of its images, in order
    when there are as many as images, else one caption of the first image. A table or
    figure with more text is part of the article (a layout table), read line by line.
    """
    grouped: dict[etree._Element, list[Line]] = {}
    for line in lines:
        if line.picture is not None:
            grouped.setdefault(line.picture, []).append(line)
    pictures: dict[etree._Element, _Picture] = {}
    for container, members in grouped.items():
        images = [image for line in members for image in _photos(line)]
        if not images:
            continue
        if container.tag == "table" and container not in named:
            texts = [line.text for line in members if line.text]
            if any(len(text) > MAX_CAPTION_CHARS for text in texts):
                continue
            if sum(map(len, texts)) > MAX_CAPTION_CHARS * len(images):
                continue
            if len(texts) == len(images) > 1:
                pictures[container] = _Picture(images, list(zip(texts, images, strict=True)))
            elif texts:
                pictures[container] = _Picture(images, [(" ".join(texts), images[0])])
            else:
                pictures[container] = _Picture(images, [])
            continue
        text = _figure_caption(members)
        if text is None:
            continue
        pictures[container] = _Picture(images, [(text, images[0])] if text else [])
    return pictures


def _figure_caption(lines: Sequence[Line]) -> str | None:
    """A figure's caption: its caption element's text, else its own short text.

    ``None`` when the figure holds more text than a caption (not a picture, then).
    """
    caption = [line.text for line in lines if line.in_caption and line.text]
    if caption:
        return " ".join(caption)
    texts = [line.text for line in lines if line.text]
    text = " ".join(texts)
    return text if len(text) <= MAX_CAPTION_CHARS else None


def _photos(line: Line) -> list[etree._Element]:
    """The line's images less icons (a file-type or bullet image beside a link)."""
    return [image for image in line.images if not _is_icon(image)]


def _is_icon(image: etree._Element) -> bool:
    for attribute in ("width", "height"):
        size = ICON_SIZE.match(image.get(attribute) or "")
        if size and int(size.group(1)) <= MAX_ICON_PIXELS:
            return True
    css = image.get("style")
    if css:
        return any(int(size) <= MAX_ICON_PIXELS for size in CSS_SIZE.findall(css))
    return False


def image_url(image: etree._Element, base_url: str) -> str | None:
    """An image's address: its ``src``, or the lazy loader's attribute when ``src`` is a
    placeholder (a ``data:`` URI)."""
    for attribute in IMAGE_ATTRIBUTES:
        src = (image.get(attribute) or "").strip()
        if src and not src.startswith("data:"):
            return absolute_url(base_url, src)
    return None
