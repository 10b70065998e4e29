"""An article page's bylines: the one printed in the body, and the CMS's own fields.

Two things are kept apart because a researcher reads them apart:

- the **body byline**, the paragraph an editor typed into the text ("Bài, ảnh: Hồng Thắm",
  "Lê Dũng Toàn, Ban Dân vận Tỉnh ủy", "Theo danvan.vn"), taken out of the body and kept as
  printed. It closes the text (its last one or two paragraphs) or, less often, opens it;
- the **CMS fields** the template prints from the article's form: its author ("Tác giả:",
  "Tác giả bài viết:") and its source ("Nguồn tin:"), without their labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from dvcrawl.parsing.dom import first_value_within, scopes
from dvcrawl.text import Author, Byline, clean_text, split_byline

if TYPE_CHECKING:
    from parsel import Selector

    from dvcrawl.parsing.page import Page
    from dvcrawl.sites.profile import ArticleRules

# Labels the CMS prints before a field's value ("Tác giả: Lê Dũng Toàn").
FIELD_LABEL: Final = re.compile(
    r"^\s*(?:tác\s+giả(?:\s+bài\s+viết)?|nguồn(?:\s+tin)?|người\s+viết|người\s+đăng)\s*:\s*",
    re.IGNORECASE,
)
# A name and a "Theo …" line may close an article on two paragraphs (or one paragraph broken
# by <br>); a third short line up there is text.
MAX_TRAILING_BYLINES: Final = 2
# "./." closes many Vietnamese articles, sometimes as a paragraph of its own after the text
# or after the byline; it is kept in the body, and the byline may stand before it.
END_MARK: Final = "./."


def cms_author(
    page: Page, rules: ArticleRules, within: tuple[Selector, ...] | None = None
) -> Byline | None:
    """The CMS's author field, its label removed; split like a byline where it reads as one
    (an account name such as "admin" keeps only ``raw``). ``within``: where to look, in
    turn (``dom.scopes``); the page's scope, then the page, by default."""
    author = _field(within or scopes(page.selector, rules.scope), rules.byline)
    if author is None:
        return None
    return split_byline(author) or Byline(raw=author)


def cms_source(
    page: Page, rules: ArticleRules, within: tuple[Selector, ...] | None = None
) -> str | None:
    """The CMS's source field ("Nguồn tin: danvan.vn" gives "danvan.vn")."""
    return _field(within or scopes(page.selector, rules.scope), rules.source)


def split_body_bylines(texts: list[str]) -> tuple[list[str], Byline | None]:
    """The body without its byline paragraphs, and the byline they make.

    A byline stands at the end of the text (its last one or two paragraphs, before a
    closing "./." if any) or at its start. A paragraph in the middle is text, whatever
    names it holds. At the start only a byline that says what it is counts (a role such as
    "Bài, ảnh:", an organisation, an author's title, a source): a name alone there may be
    the subject of a profile. At least one paragraph of text stays.
    """
    texts, trailing = _trailing_bylines(texts)
    texts, leading = _leading_byline(texts)
    found = [byline for byline in (leading, trailing) if byline is not None]
    return texts, merge_bylines(found) if found else None


def merge_bylines(bylines: list[Byline]) -> Byline:
    """One byline from several lines: an author line and a source line, say.

    ``raw`` joins the lines as printed, in page order; the first line wins where two say
    the same thing; an author named twice counts once.
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


def _trailing_bylines(texts: list[str]) -> tuple[list[str], Byline | None]:
    end = len(texts)
    while end and texts[end - 1] == END_MARK:
        end -= 1
    found: list[Byline] = []
    start = end
    while start > 1 and len(found) < MAX_TRAILING_BYLINES:
        byline = split_byline(texts[start - 1])
        if byline is None:
            break
        found.insert(0, byline)
        start -= 1
    if not found:
        return texts, None
    return [*texts[:start], *texts[end:]], merge_bylines(found)


def _leading_byline(texts: list[str]) -> tuple[list[str], Byline | None]:
    if len(texts) < 2:
        return texts, None
    byline = split_byline(texts[0])
    if byline is None or not _says_it_is_a_byline(byline):
        return texts, None
    return texts[1:], byline


def _says_it_is_a_byline(byline: Byline) -> bool:
    titled = any(author.title for author in byline.authors)
    return bool(byline.role or byline.organisation or byline.source or titled)


def _field(within: tuple[Selector, ...], selectors: tuple[str, ...]) -> str | None:
    if not selectors:
        return None
    value = first_value_within(within, selectors)
    if not value:
        return None
    return clean_text(FIELD_LABEL.sub("", clean_text(value))) or None


def _first(items: Iterable[str | None]) -> str | None:
    return next((item for item in items if item), None)
