"""The stored corpus for researchers: search it, stream its articles, export them.

>>> from dvcrawl.corpus import Corpus
>>> with Corpus("sqlite:///dvcrawl.sqlite3") as corpus:
...     hits = corpus.search("dan van kheo", since=date(2024, 1, 1))
...     frame = corpus.to_dataframe(sites=["binh-phuoc"])
"""

from __future__ import annotations

import operator
import os
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, SupportsIndex

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dvcrawl.search.engine import RANK_WINDOW, Filters, Hit, apply_filters, search_hits
from dvcrawl.search.query import parse_query
from dvcrawl.storage.db import (
    DEFAULT_DATABASE_URL,
    DatabaseURLError,
    close_readers,
    database_errors,
    prepare,
    session_factory,
)
from dvcrawl.storage.models import ArticleRecord
from dvcrawl.text import VIETNAM_TZ

if TYPE_CHECKING:
    import pandas


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """One stored article as researchers read it."""

    id: int
    site: str
    url: str
    canonical_url: str
    site_article_id: str | None
    title: str
    lead: str | None
    body: str
    published_at: datetime | None
    published_raw: str | None
    authors: tuple[str, ...]
    """Everyone named as an author, by the body's byline or the CMS's author field."""
    organisation: str | None
    source: str | None
    byline: str | None
    """The body's byline as printed; ``organisation`` and ``source`` are its parts."""
    cms_author: str | None
    """The CMS's author field ("Tác giả:"), without its label."""
    cms_source: str | None
    """The CMS's source field ("Nguồn tin:"), without its label."""
    category: str | None
    tags: tuple[str, ...]
    captions: tuple[str, ...]
    image_urls: tuple[str, ...]
    attachments: tuple[str, ...]
    fetched_at: datetime

    @classmethod
    def from_record(cls, record: ArticleRecord) -> ArticleRow:
        return cls(
            id=record.id,
            site=record.site_key,
            url=record.url,
            canonical_url=record.canonical_url,
            site_article_id=record.site_article_id,
            title=record.title,
            lead=record.lead,
            body=record.body,
            published_at=record.published_at,
            published_raw=record.published_raw,
            authors=tuple(author.name for author in record.authors),
            organisation=record.organisation,
            source=record.source,
            byline=record.byline_raw,
            cms_author=record.cms_author,
            cms_source=record.cms_source,
            category=record.category,
            tags=tuple(record.tags),
            captions=tuple(caption.text for caption in record.captions),
            image_urls=tuple(record.image_urls),
            attachments=tuple(attachment.url for attachment in record.attachments),
            fetched_at=record.fetched_at,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: datetimes as ISO strings, tuples as lists."""
        row = asdict(self)
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = value.isoformat()
            elif isinstance(value, tuple):
                row[key] = list(value)
        return row


FIELDS: tuple[str, ...] = tuple(ArticleRow.__dataclass_fields__)
# Hits one search returns, at most (the command line's --limit has the same bound).
MAX_SEARCH_LIMIT = 10_000
# Site keys or provinces one filter may name: SQLite binds at most 32,766 values a statement.
MAX_FILTER_VALUES = 1_000
# Counts the databases take as a LIMIT (a signed 32-bit integer, comfortably).
MAX_COUNT = 2**31 - 1


class CorpusArgumentError(ValueError):
    """An argument a ``Corpus`` method cannot use; the message names it and says why."""


def filters_of(
    sites: Iterable[str] = (),
    provinces: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    author: str | None = None,
    category: str | None = None,
) -> Filters:
    """The filters as every engine applies them, or ``CorpusArgumentError`` for a value
    that can only be a mistake.

    A name with a control character (NUL included) or an unpaired surrogate is refused on
    both engines, rather than searched for: no stored name holds one (stored text is
    cleaned of them), Postgres cannot take a NUL at all, and a filter that quietly
    matched nothing would hide the caller's bug. A datetime counts by its day in Vietnam.
    """
    first, last = _day("since", since), _day("until", until)
    if first is not None and last is not None and first > last:
        raise CorpusArgumentError(f"since ({first}) is after until ({last}): nothing is between")
    return Filters(
        sites=_names("sites", sites),
        provinces=_names("provinces", provinces),
        since=first,
        until=last,
        author=None if author is None else _name("author", author),
        category=None if category is None else _name("category", category),
    )


def _name(field: str, value: object) -> str:
    if not isinstance(value, str):
        raise CorpusArgumentError(f"{field} is text (str), not {type(value).__name__}")
    for position, character in enumerate(value, 1):
        kind = unicodedata.category(character)
        if kind == "Cc" and not character.isspace():
            raise CorpusArgumentError(
                f"{field} holds the control character U+{ord(character):04X} at character "
                f"{position}; no stored name or key holds one"
            )
        if kind == "Cs":
            raise CorpusArgumentError(
                f"{field} holds an unpaired surrogate (U+{ord(character):04X}) at character "
                f"{position}, which is not text: bytes that were not UTF-8?"
            )
    if not value.split():
        raise CorpusArgumentError(f"{field} is blank: give a name, or leave it out")
    return value


def _names(field: str, values: object) -> tuple[str, ...]:
    if isinstance(values, str | bytes):
        raise CorpusArgumentError(f"{field} is a list of names, not one string: [{values!r}]")
    if not isinstance(values, Iterable):
        raise CorpusArgumentError(f"{field} is a list of names, not {type(values).__name__}")
    names = tuple(values)
    if len(names) > MAX_FILTER_VALUES:
        raise CorpusArgumentError(
            f"{field} names {len(names):,} values; at most {MAX_FILTER_VALUES:,} at a time"
        )
    return tuple(_name(f"{field}[{index}]", name) for index, name in enumerate(names))


def _day(field: str, value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        try:
            return value.astimezone(VIETNAM_TZ).date() if value.tzinfo else value.date()
        except OverflowError:  # hours from the calendar's ends, which bound nothing anyway
            return value.date()
    if isinstance(value, date):
        return value
    raise CorpusArgumentError(
        f"{field} is a date, such as date(2024, 1, 1), not {type(value).__name__} {value!r}"
    )


def _count(field: str, value: object, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, SupportsIndex):
        raise CorpusArgumentError(
            f"{field} is a whole number, not {type(value).__name__} {value!r}"
        )
    number = operator.index(value)
    if not lowest <= number <= highest:
        raise CorpusArgumentError(f"{field} must be from {lowest} to {highest:,}, not {number}")
    return number


class Corpus:
    """A dvcrawl database opened for reading (SQLite path or URL, or Postgres URL).

    Bad arguments raise ``CorpusArgumentError`` (or ``QuerySyntaxError`` for the query), the
    same on every engine; a database that fails raises ``DatabaseError``. Neither message
    holds the URL's password.
    """

    def __init__(self, url: str | os.PathLike[str] = DEFAULT_DATABASE_URL) -> None:
        if isinstance(url, os.PathLike):
            url = os.fspath(url)
        if not isinstance(url, str):
            raise DatabaseURLError(
                f"the database is a URL or a SQLite file's path, not {type(url).__name__}"
            )
        self.engine = prepare(url)
        self.sessions = session_factory(self.engine)
        self._url = url

    def __enter__(self) -> Corpus:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release connections; the engine stays usable by others on the same URL."""
        self.engine.pool.dispose()
        close_readers(self.engine)

    def search(
        self,
        query: str,
        *,
        exact: bool = False,
        limit: int = 20,
        sites: Sequence[str] = (),
        provinces: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
        author: str | None = None,
        category: str | None = None,
        rank_window: int = RANK_WINDOW,
    ) -> list[Hit]:
        """Ranked hits with snippets; raises ``QuerySyntaxError`` on a malformed query.

        When more than ``rank_window`` articles match, the best are chosen among the
        ``rank_window`` matches stored last; 0 ranks every match (slow for common words).
        """
        limit = _count("limit", limit, 1, MAX_SEARCH_LIMIT)
        window = _count("rank_window", rank_window, 0, MAX_COUNT)
        filters = filters_of(sites, provinces, since, until, author, category)
        parsed = parse_query(query, exact=exact)
        with database_errors(self._url, "search"), self.sessions() as session:
            return search_hits(session, parsed, filters, limit=limit, window=window)

    def articles(
        self,
        *,
        sites: Sequence[str] = (),
        provinces: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
        author: str | None = None,
        category: str | None = None,
        batch_size: int = 500,
    ) -> Iterator[ArticleRow]:
        """Every matching article, oldest id first, read in batches (constant memory).

        The arguments are checked at the call, before the first article is asked for.
        """
        filters = filters_of(sites, provinces, since, until, author, category)
        return self._articles(filters, _count("batch_size", batch_size, 1, MAX_COUNT))

    def _articles(self, filters: Filters, batch_size: int) -> Iterator[ArticleRow]:
        last_id = 0
        while True:
            with database_errors(self._url, "read"), self.sessions() as session:
                statement = (
                    select(ArticleRecord)
                    .where(ArticleRecord.id > last_id)
                    .order_by(ArticleRecord.id)
                    .limit(batch_size)
                    .options(
                        selectinload(ArticleRecord.authors),
                        selectinload(ArticleRecord.captions),
                        selectinload(ArticleRecord.attachments),
                    )
                )
                records = session.scalars(apply_filters(statement, filters)).all()
                rows = [ArticleRow.from_record(record) for record in records]
            if not rows:
                return
            yield from rows
            last_id = rows[-1].id

    def to_dataframe(
        self,
        *,
        sites: Sequence[str] = (),
        provinces: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
        author: str | None = None,
        category: str | None = None,
    ) -> pandas.DataFrame:
        """The matching articles as a pandas DataFrame (pandas must be installed)."""
        rows = self.articles(
            sites=sites,
            provinces=provinces,
            since=since,
            until=until,
            author=author,
            category=category,
        )
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        return pandas.DataFrame([row.to_dict() for row in rows], columns=FIELDS)
