"""The query language researchers type, parsed once and compiled for each engine.

``dân vận "dân vận khéo" -"tin vắn" -covid``: words and "exact phrases" must all occur;
a leading ``-`` excludes a word or phrase. Matching ignores case and, unless exact matching
is asked for, diacritics too (``dan van kheo`` finds *Dân vận khéo*, ``Dang`` finds *Đảng*).
Everything the user types reaches the database as bound parameters or as quoted FTS5
phrases, never as SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from dvcrawl.text import clean_text, fold_diacritics

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
# A term is a run of anything but spaces and quotes; a phrase is anything between quotes.
TOKEN = re.compile(r'\s*(?:(?P<minus>-)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))|(?P<quote>"))')
WORD_CHARACTER = re.compile(r"[^\W_]")
NON_WORD = re.compile(r"[\W_]+")


class QuerySyntaxError(ValueError):
    """A query that cannot be read; the message says what is wrong and where."""


@dataclass(frozen=True, slots=True)
class Term:
    """A word or phrase, as typed (NFC, cleaned), and whether it is excluded."""

    text: str
    excluded: bool = False
    phrase: bool = False

    def words(self, exact: bool) -> str:
        """The term as the indexes hold it: lower case, punctuation as spaces, and without
        diacritics (đ as d) unless exact."""
        text = self.text.casefold()
        text = unicodedata.normalize("NFC", text) if exact else fold_diacritics(text)
        return " ".join(NON_WORD.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]
    exact: bool = False

    @property
    def required(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.excluded)

    @property
    def excluded(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if term.excluded)

    def fts5(self) -> str:
        """The SQLite FTS5 MATCH expression: quoted phrases joined by AND and NOT.

        Inside FTS5 quotes only ``"`` is special (doubled here), so no user text can change
        the expression's structure; the expression itself is passed as a bound parameter.
        """
        required = " AND ".join(_fts5_phrase(term.words(self.exact)) for term in self.required)
        excluded = "".join(f" NOT {_fts5_phrase(term.words(self.exact))}" for term in self.excluded)
        return required + excluded


def _fts5_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def parse_query(text: str, *, exact: bool = False) -> Query:
    """Parse a query, or raise ``QuerySyntaxError`` saying what is wrong.

    The query is cleaned as stored text is (``clean_text``): the control characters and
    invisible ones that no indexed article holds are dropped before it is read.
    """
    if not isinstance(text, str):
        raise QuerySyntaxError(f"the query is text (str), not {type(text).__name__}")
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    text = clean_text(text)
    terms: list[Term] = []
    position = 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if match is None or match.end() == position:
            break  # only trailing spaces are left
        position = match.end()
        if match["quote"] is not None:
            raise QuerySyntaxError(f"unclosed quote at character {match.start('quote') + 1}")
        if match["phrase"] is not None:
            term_text, phrase = " ".join(match["phrase"].split()), True
        else:
            term_text, phrase = match["word"], False
        if not WORD_CHARACTER.search(term_text):
            if match["phrase"] is not None or match["minus"]:
                raise QuerySyntaxError(
                    f"{match.group().strip()!r} has no letter or digit to search for"
                )
            continue  # stray punctuation between words
        terms.append(Term(term_text, excluded=bool(match["minus"]), phrase=phrase))
    if len(terms) > MAX_TERMS:
        raise QuerySyntaxError(f"a query may have at most {MAX_TERMS} words and phrases")
    if not any(not term.excluded for term in terms):
        raise QuerySyntaxError("the query needs at least one word or phrase that is not excluded")
    return Query(tuple(terms), exact=exact)
