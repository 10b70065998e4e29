"""Run a parsed query on either engine: the same matches, ranked, with highlighted snippets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, select, table
from sqlalchemy.orm import Session

from dvcrawl.search.query import Query
from dvcrawl.storage.models import ArticleRecord, AuthorRecord, SiteRecord
from dvcrawl.storage.search_ddl import FTS_TABLE, PG_EXACT_COLUMN, PG_FOLDED_COLUMN, filter_key
from dvcrawl.text import VIETNAM_TZ, fold_diacritics

SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 6000
MARK = ("[", "]")


@dataclass(frozen=True, kw_only=True, slots=True)
class Filters:
    """Restrictions every engine applies the same way; dates are Vietnamese calendar days."""

    sites: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    author: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    site_key: str
    url: str
    title: str
    published_at: datetime | None
    category: str | None
    authors: tuple[str, ...]
    rank: float
    """Relevance, higher is better (bm25 on SQLite, ts_rank on Postgres: not comparable)."""
    snippet: str
    terms: tuple[str, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "site": self.site_key,
            "url": self.url,
            "title": self.title,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "category": self.category,
            "authors": list(self.authors),
            "rank": self.rank,
            "snippet": self.snippet,
        }


def search_hits(
    session: Session, query: Query, filters: Filters = Filters(), *, limit: int = 20
) -> list[Hit]:
    """The best ``limit`` articles for ``query`` within ``filters``, best first."""
    dialect = session.get_bind().dialect.name
    statement = _postgres(query) if dialect == "postgresql" else _sqlite(query)
    statement = apply_filters(statement, filters).limit(limit)
    rows = session.execute(statement).all()
    authors = _authors(session, [row.id for row in rows])
    return [
        Hit(
            id=row.id,
            site_key=row.site_key,
            url=row.url,
            title=row.title,
            published_at=row.published_at,
            category=row.category,
            authors=authors.get(row.id, ()),
            rank=float(row.rank),
            snippet=highlight(row.lead, row.body, query),
        )
        for row in rows
    ]


def _columns() -> tuple[Any, ...]:
    a = ArticleRecord
    return (a.id, a.site_key, a.url, a.title, a.lead, a.body, a.published_at, a.category)


def _sqlite(query: Query) -> Select[Any]:
    columns = "{title lead body}" if query.exact else "{search_folded}"
    match = f"{columns} : ({query.fts5()})"
    # bm25() is lower for better matches; negated, rank means the same on both engines.
    rank: ColumnElement[Any] = literal_column(f"bm25({FTS_TABLE})")
    return (
        select(*_columns(), (-rank).label("rank"))
        .select_from(ArticleRecord)
        .join(table(FTS_TABLE), literal_column(f"{FTS_TABLE}.rowid") == ArticleRecord.id)
        .where(literal_column(FTS_TABLE).op("MATCH")(match))
        .order_by(rank, ArticleRecord.id)
    )


def _postgres(query: Query) -> Select[Any]:
    vector: ColumnElement[Any] = literal_column(
        PG_EXACT_COLUMN if query.exact else PG_FOLDED_COLUMN
    )
    tsquery: ColumnElement[Any] | None = None
    for term in query.terms:
        part = func.phraseto_tsquery(SIMPLE, term.words(query.exact))
        if term.excluded:
            part = func.tsquery_not(part)
        tsquery = part if tsquery is None else func.tsquery_and(tsquery, part)
    rank = func.ts_rank(vector, tsquery)
    return (
        select(*_columns(), rank.label("rank"))
        .where(vector.op("@@")(tsquery))
        .order_by(rank.desc(), ArticleRecord.id)
    )


def apply_filters(statement: Select[Any], filters: Filters) -> Select[Any]:
    """``statement`` (over ``articles``) restricted by ``filters``."""
    a = ArticleRecord
    if filters.sites:
        statement = statement.where(a.site_key.in_(filters.sites))
    if filters.provinces:
        in_province = select(SiteRecord.key).where(SiteRecord.province.in_(filters.provinces))
        statement = statement.where(a.site_key.in_(in_province))
    if filters.since:
        statement = statement.where(a.published_at >= _start_of(filters.since))
    if filters.until:
        statement = statement.where(a.published_at < _start_of(filters.until + timedelta(days=1)))
    if filters.category:
        statement = statement.where(a.category_key == filter_key(filters.category))
    if filters.author:
        statement = statement.where(
            exists().where(
                AuthorRecord.article_id == a.id,
                AuthorRecord.name_key == filter_key(filters.author),
            )
        )
    return statement


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=VIETNAM_TZ)


def _authors(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    rows = session.execute(
        select(AuthorRecord.article_id, AuthorRecord.name)
        .where(AuthorRecord.article_id.in_(ids))
        .order_by(AuthorRecord.article_id, AuthorRecord.position)
    ).all()
    found: dict[int, list[str]] = {}
    for article_id, name in rows:
        found.setdefault(article_id, []).append(name)
    return {key: tuple(names) for key, names in found.items()}


def highlight(lead: str | None, body: str, query: Query) -> str:
    """A window of the text around the first match, matches in ``[brackets]``.

    Matching is done on a folded copy of the same length, so accent-free queries mark the
    words as published ("dan van" marks "[Dân vận]"). Only the first ``SNIPPET_SCAN_CHARS``
    are scanned: a snippet shows where the article starts to match, and long articles would
    otherwise cost milliseconds per hit.
    """
    text_ = " ".join(((lead or "") + " " + body[:SNIPPET_SCAN_CHARS]).split())
    folded = _fold_same_length(text_, query.exact)
    spans: list[tuple[int, int]] = []
    for term in query.required:
        words = term.words(query.exact)
        if not words:
            continue
        pattern = r"(?<!\w)" + r"[\W_]+".join(map(re.escape, words.split())) + r"(?!\w)"
        spans.extend(m.span() for m in re.finditer(pattern, folded))
    more = len(body) > SNIPPET_SCAN_CHARS
    if not spans:
        return text_[:SNIPPET_CHARS] + ("…" if more or len(text_) > SNIPPET_CHARS else "")
    spans.sort()
    first = spans[0][0]
    start = max(0, first - SNIPPET_CHARS // 3)
    start = text_.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text_), start + SNIPPET_CHARS)
    pieces: list[str] = []
    cursor = start
    for span_start, span_end in spans:
        if span_start < cursor or span_end > end:
            continue
        pieces += [text_[cursor:span_start], MARK[0], text_[span_start:span_end], MARK[1]]
        cursor = span_end
    pieces.append(text_[cursor:end])
    return ("…" if start else "") + "".join(pieces) + ("…" if more or end < len(text_) else "")


def _fold_same_length(text_: str, exact: bool) -> str:
    """Lower case and, unless exact, without diacritics, with indices that line up with
    ``text_``: the whole text at once when that keeps its length (it does for NFC
    Vietnamese), else character by character."""
    lower = text_.lower()
    if len(lower) != len(text_):
        lower = "".join(c.lower() if len(c.lower()) == 1 else c for c in text_)
    if exact:
        return lower
    folded = fold_diacritics(lower)
    if len(folded) == len(lower):
        return folded
    return "".join(f if len(f := fold_diacritics(c)) == 1 else c for c in lower)
