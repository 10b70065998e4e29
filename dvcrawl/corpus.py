"""The stored corpus for researchers: search it, stream its articles, export them.

>>> from dvcrawl.corpus import Corpus
>>> with Corpus("sqlite:///dvcrawl.sqlite3") as corpus:
...     hits = corpus.search("dan van kheo", since=date(2024, 1, 1))
...     frame = corpus.to_dataframe(sites=["binh-phuoc"])
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from dvcrawl.search.engine import RANK_WINDOW, Filters, Hit, apply_filters, search_hits
from dvcrawl.search.query import parse_query
from dvcrawl.storage.db import DEFAULT_DATABASE_URL, close_readers, prepare, session_factory
from dvcrawl.storage.models import ArticleRecord

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
    organisation: str | None
    source: str | None
    byline: str | None
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


def filters_of(
    sites: Iterable[str] = (),
    provinces: Iterable[str] = (),
    since: date | None = None,
    until: date | None = None,
    author: str | None = None,
    category: str | None = None,
) -> Filters:
    return Filters(
        sites=tuple(sites),
        provinces=tuple(provinces),
        since=since,
        until=until,
        author=author,
        category=category,
    )


class Corpus:
    """A dvcrawl database opened for reading (SQLite path or URL, or Postgres URL)."""

    def __init__(self, url: str = DEFAULT_DATABASE_URL) -> None:
        self.engine = prepare(url)
        self.sessions = session_factory(self.engine)

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
        if rank_window < 0:
            raise ValueError("rank_window is a number of articles, 0 or more")
        parsed = parse_query(query, exact=exact)
        with self.sessions() as session:
            filters = filters_of(sites, provinces, since, until, author, category)
            return search_hits(session, parsed, filters, limit=limit, window=rank_window)

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
        """Every matching article, oldest id first, read in batches (constant memory)."""
        filters = filters_of(sites, provinces, since, until, author, category)
        last_id = 0
        while True:
            with self.sessions() as session:
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

    def to_dataframe(self, **filters: Any) -> pandas.DataFrame:
        """The matching articles as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas
        except ImportError as exc:
            raise ImportError("to_dataframe needs pandas: pip install pandas") from exc
        return pandas.DataFrame([row.to_dict() for row in self.articles(**filters)], columns=FIELDS)
