"""Run a parsed query on either engine: the same matches, ranked, with highlighted snippets."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from dvcrawl.search import ranking
from dvcrawl.search.query import Query, Term
from dvcrawl.storage.models import ArticleRecord, AuthorRecord, SiteRecord
from dvcrawl.storage.search_ddl import (
    FTS_DATA_TABLE,
    FTS_DOCSIZE_TABLE,
    FTS_TABLE,
    PG_FOLDED_COLUMN,
    filter_key,
)
from dvcrawl.text import VIETNAM_TZ, fold_diacritics

SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")
_PG_VECTOR: ColumnElement[Any] = literal_column(PG_FOLDED_COLUMN)
SNIPPET_CHARS = 220
SNIPPET_SCAN_CHARS = 6000
MARK = ("[", "]")
# Matches ranked for a query: the newest this many. Ranking every match of a common word
# would take time in proportion to the corpus.
RANK_WINDOW = 1000
# SQLite: newest matches read to estimate how many articles hold a term; terms held by at
# most NATIVE_RANK_LIMIT articles are ranked by FTS5's bm25(); filters that at most
# SCAN_LIMIT articles pass are applied by reading those articles.
DF_PROBE = 200
NATIVE_RANK_LIMIT = 50_000
SCAN_LIMIT = 3_000


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
    session: Session,
    query: Query,
    filters: Filters = Filters(),
    *,
    limit: int = 20,
    window: int = RANK_WINDOW,
) -> list[Hit]:
    """The best ``limit`` articles for ``query`` within ``filters``, best first.

    Ranking is bounded: when more than ``window`` articles match, the best are chosen among
    the ``window`` matches stored last (``window=0`` ranks every match, which takes time in
    proportion to the number of matches). Exact queries are matched on the accent-free
    index, then each candidate's text is checked for the words with their diacritics.
    """
    candidates = _ranked_candidates(session, query, filters, window, limit)
    hits: list[Hit] = []
    chunk = max(limit, 50)
    for start in range(0, len(candidates), chunk):
        part = candidates[start : start + chunk]
        rows = {
            row.id: row
            for row in session.execute(
                select(*_columns()).where(ArticleRecord.id.in_([i for i, _ in part]))
            )
        }
        for article_id, rank in part:
            row = rows.get(article_id)
            if row is None or (query.exact and not matches_exactly(query, row)):
                continue
            hits.append(_hit(row, rank, query))
            if len(hits) == limit:
                break
        if len(hits) == limit or not query.exact:
            break
    authors = _authors(session, [hit.id for hit in hits])
    return [replace(hit, authors=authors.get(hit.id, ())) for hit in hits]


def _hit(row: Any, rank: float, query: Query) -> Hit:
    return Hit(
        id=row.id,
        site_key=row.site_key,
        url=row.url,
        title=row.title,
        published_at=row.published_at,
        category=row.category,
        authors=(),
        rank=float(rank),
        snippet=highlight(row.lead, row.body, query),
    )


def _columns() -> tuple[Any, ...]:
    a = ArticleRecord
    return (a.id, a.site_key, a.url, a.title, a.lead, a.body, a.published_at, a.category)


def _ranked_candidates(
    session: Session, query: Query, filters: Filters, window: int, limit: int
) -> list[tuple[int, float]]:
    """(id, rank) of the matches, best first: ``limit`` of them, or for exact queries every
    candidate of the window, since some will fail the exact check."""
    keep = None if query.exact else limit
    postgres = session.get_bind().dialect.name == "postgresql"
    if window:
        if postgres:
            newest_ids = _postgres_newest(session, query, filters, window)
            scored = _postgres_ts_rank(session, query, newest_ids)
        else:
            scored = _sqlite_window(session, query, filters, window)
        return scored[:keep]
    # Every match ranked by the engine itself.
    if postgres:
        inner = _postgres(query, filters)
    else:
        inner, _ = _sqlite(query, filters, "ids")
        # bm25() is lower for better matches.
        inner = inner.add_columns((-literal_column(f"bm25({FTS_TABLE})")).label("rank"))
    ranked = inner.subquery()
    statement = select(ranked.c.id, ranked.c.rank).order_by(ranked.c.rank.desc(), ranked.c.id)
    return [(row.id, row.rank) for row in session.execute(statement.limit(keep))]


def _postgres_ts_rank(session: Session, query: Query, ids: list[int]) -> list[tuple[int, float]]:
    """``ids`` ranked by ts_rank, best first."""
    rows = session.execute(
        select(ArticleRecord.id, func.ts_rank(_PG_VECTOR, _tsquery(query))).where(
            ArticleRecord.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
        )
    )
    return sorted(((article_id, float(rank)) for article_id, rank in rows), key=_best_first)


def _best_first(scored: tuple[int, float]) -> tuple[float, int]:
    return -scored[1], scored[0]


def _sqlite_window(
    session: Session, query: Query, filters: Filters, window: int
) -> list[tuple[int, float]]:
    """The newest ``window`` matches, scored by BM25 as FTS5 scores them, best first.

    Terms that few articles hold are ranked by FTS5's own bm25(), whose count of their
    matches is then cheap and which reads only the index. Otherwise the newest matches are
    scored here from their accent-free text (see ``ranking``). A filter that leaves few
    articles is applied first: their texts are read newest first and matched here, since
    FTS5 would walk the whole match list of a common word to find them.
    """
    phrases = [term.words(False) for term in query.required]
    articles, total_tokens = _fts5_totals(session)
    holding = [_sqlite_holding(session, phrase, articles) for phrase in phrases]
    scoring = _Scoring(
        [ranking.phrase_pattern(phrase) for phrase in phrases],
        [ranking.inverse_document_frequency(articles, count) for count in holding],
        total_tokens / articles if articles else 0.0,
    )
    strategy = _filter_strategy(session, filters, window)
    if strategy == "scan":
        return _scan_filtered(session, query, filters, window, scoring)
    matches, newest_first = _sqlite(query, filters, strategy)
    newest = matches.order_by(newest_first).limit(window)
    if max(holding) <= NATIVE_RANK_LIMIT:
        ranked = newest.add_columns((-literal_column(f"bm25({FTS_TABLE})")).label("rank"))
        return sorted(((row.id, row.rank) for row in session.execute(ranked)), key=_best_first)
    window_ids = newest.subquery()
    sizes = table(FTS_DOCSIZE_TABLE, column("id"), column("sz"))
    rows = session.execute(
        select(window_ids.c.id, ArticleRecord.search_folded, sizes.c.sz)
        .join(ArticleRecord.__table__, ArticleRecord.id == window_ids.c.id)
        .outerjoin(sizes, sizes.c.id == window_ids.c.id)
    )
    return sorted((scoring.score(*row) for row in rows), key=_best_first)


@dataclass(frozen=True, slots=True)
class _Scoring:
    """What BM25 needs besides the article: the phrases, their weights, the mean length."""

    patterns: list[re.Pattern[str]]
    weights: list[float]
    average_length: float

    def score(self, article_id: int, folded: str | None, size: bytes | None) -> tuple[int, float]:
        frequencies = [ranking.count_phrase(pattern, folded or "") for pattern in self.patterns]
        length = ranking.sqlite_varints(size)[0] if size else 0
        return article_id, ranking.bm25(frequencies, self.weights, length, self.average_length)


def _scan_filtered(
    session: Session, query: Query, filters: Filters, window: int, scoring: _Scoring
) -> list[tuple[int, float]]:
    """The newest ``window`` articles passing ``filters`` whose text matches ``query``,
    found by reading the texts of the passing articles, newest first."""
    folded = _folded(query)
    required = [ranking.phrase_pattern(term.words(False)) for term in folded.required]
    excluded = [ranking.phrase_pattern(term.words(False)) for term in folded.excluded]
    sizes = table(FTS_DOCSIZE_TABLE, column("id"), column("sz"))
    passing = apply_filters(
        select(ArticleRecord.id, ArticleRecord.search_folded, sizes.c.sz).outerjoin(
            sizes, sizes.c.id == ArticleRecord.id
        ),
        filters,
    ).order_by(ArticleRecord.id.desc())
    scored: list[tuple[int, float]] = []
    for article_id, text_, size in session.execute(passing):
        text_ = text_ or ""
        if all(p.search(text_) for p in required) and not any(p.search(text_) for p in excluded):
            scored.append(scoring.score(article_id, text_, size))
            if len(scored) == window:
                break
    return sorted(scored, key=_best_first)


def _fts5_totals(session: Session) -> tuple[int, int]:
    """Articles indexed and tokens in them, from the record FTS5 keeps for bm25()."""
    record = session.scalar(
        select(literal_column("block"))
        .select_from(table(FTS_DATA_TABLE))
        .where(literal_column("id") == 1)
    )
    values = ranking.sqlite_varints(record or b"")
    return (values[0], values[1]) if len(values) >= 2 else (0, 0)


def _sqlite_holding(session: Session, phrase: str, articles: int) -> int:
    """About how many articles hold ``phrase``: from its newest DF_PROBE matches."""
    fts_rowid: ColumnElement[Any] = literal_column(f"{FTS_TABLE}.rowid")
    newest = (
        select(fts_rowid.label("id"))
        .select_from(table(FTS_TABLE))
        .where(literal_column(FTS_TABLE).op("MATCH")(Query((Term(phrase),)).fts5()))
        .order_by(fts_rowid.desc())
        .limit(DF_PROBE)
        .subquery()
    )
    found, oldest = session.execute(select(func.count(), func.min(newest.c.id))).one()
    highest = session.scalar(select(func.max(ArticleRecord.id))) or 0
    return ranking.estimated_document_count(articles, highest, DF_PROBE, oldest, found)


def _folded(query: Query) -> Query:
    """What the accent-free index is asked: for an exact query, its required words folded
    (exclusions are checked on the exact text, since folding would widen them)."""
    if not query.exact:
        return query
    return Query(query.required, exact=False)


def _sqlite(
    query: Query, filters: Filters, strategy: str
) -> tuple[Select[Any], ColumnElement[Any]]:
    """Matches from the FTS5 table, and the order that puts the newest first, restricted by
    the filters as ``strategy`` (see ``_filter_strategy``) says."""
    fts_rowid: ColumnElement[Any] = literal_column(f"{FTS_TABLE}.rowid")
    match = literal_column(FTS_TABLE).op("MATCH")(_folded(query).fts5())
    candidates = cast(
        "Select[Any]", select(fts_rowid.label("id")).select_from(table(FTS_TABLE))
    ).where(match)
    if filters != Filters():
        if strategy == "join":
            candidates = apply_filters(
                candidates.join(ArticleRecord.__table__, fts_rowid == ArticleRecord.id), filters
            )
        else:
            # rowid + 0: handed to FTS5 as a rowid constraint, each id would be a lookup
            # that re-reads the whole match list.
            passing = apply_filters(select(ArticleRecord.id), filters)
            candidates = candidates.where((fts_rowid + 0).in_(passing))
    # FTS5 hands out its matches in rowid order, so the newest come first and the window
    # ends the scan early.
    return candidates, fts_rowid.desc()


def _filter_strategy(session: Session, filters: Filters, window: int) -> str:
    """How SQLite applies ``filters``, by how many articles pass them.

    ``scan``: few pass (an author, a rare category); their texts are read and matched.
    ``ids``: more pass (a category, a short date range); the set of their ids is read from
    the ordinary indexes and matches outside it are skipped without reading their rows.
    ``join``: most pass (a big site, "since 2015"); that set would be large, so matches are
    joined to their rows, and the window fills after a few rows. The boundary between the
    last two balances their costs: about sqrt(5 × window × corpus size) ids.
    """
    if filters == Filters():
        return "none"
    corpus_size = session.scalar(select(func.max(ArticleRecord.id))) or 0
    boundary = max(SCAN_LIMIT + 1, int(math.sqrt(5 * window * corpus_size)))
    passing = apply_filters(select(ArticleRecord.id), filters).limit(boundary)
    count = session.scalar(select(func.count()).select_from(passing.subquery())) or 0
    if count <= SCAN_LIMIT:
        return "scan"
    return "ids" if count < boundary else "join"


def _tsquery(query: Query) -> ColumnElement[Any]:
    tsquery: ColumnElement[Any] | None = None
    for term in _folded(query).terms:
        part = func.phraseto_tsquery(SIMPLE, term.words(False))
        if term.excluded:
            part = func.tsquery_not(part)
        tsquery = part if tsquery is None else func.tsquery_and(tsquery, part)
    assert tsquery is not None, "a parsed query has a required term"
    return tsquery


def _postgres(query: Query, filters: Filters) -> Select[Any]:
    """Every match with its rank."""
    tsquery = _tsquery(query)
    rank = func.ts_rank(_PG_VECTOR, tsquery)
    candidates = cast(
        "Select[Any]", select(ArticleRecord.id.label("id"), rank.label("rank"))
    ).where(_PG_VECTOR.op("@@")(tsquery))
    return apply_filters(candidates, filters)


def _postgres_newest(session: Session, query: Query, filters: Filters, window: int) -> list[int]:
    """The ids of the newest ``window`` matches, read in slices of ids, newest first.

    Asked for the newest matches at once, the planner walks the primary key backwards and
    tests each article's search vector, which must be read from TOAST storage: a few
    microseconds an article, and for a word in one article of fifty, 50,000 articles to
    fill the window. A slice is instead answered from the GIN index and the primary key
    together (a bitmap AND), reading only the matches. The first slice holds twice the
    window; each next one is sized by the density of matches found so far.
    """
    highest = session.scalar(select(func.max(ArticleRecord.id)))
    if highest is None:
        return []
    match = _PG_VECTOR.op("@@")(_tsquery(query))
    found: list[int] = []
    upper = highest + 1
    span = 2 * window
    # The primary key may still serve the bitmap; only the row-by-row walk is ruled out.
    session.execute(text("SET LOCAL enable_indexscan = off"))
    try:
        while len(found) < window and upper > 0:
            lower = max(upper - span, 0)
            in_slice = select(ArticleRecord.id).where(
                match, ArticleRecord.id >= lower, ArticleRecord.id < upper
            )
            found += session.scalars(
                apply_filters(in_slice, filters)
                .order_by(ArticleRecord.id.desc())
                .limit(window - len(found))
            )
            density = len(found) / (highest + 1 - lower)
            span = math.ceil(1.25 * (window - len(found)) / density) if found else span * 16
            upper = lower
    finally:
        session.execute(text("SET LOCAL enable_indexscan TO DEFAULT"))
    return found


def matches_exactly(query: Query, row: Any) -> bool:
    """Whether the article's title, lead or body holds every required term and no excluded
    one, diacritics and all (case ignored)."""
    text_ = unicodedata.normalize(
        "NFC", "\n".join(part for part in (row.title, row.lead, row.body) if part)
    ).casefold()
    return all(
        (ranking.phrase_pattern(term.words(True)).search(text_) is None) == term.excluded
        for term in query.terms
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
        # The author's articles from the name index, rather than a test of every article.
        by_author = select(AuthorRecord.article_id).where(
            AuthorRecord.name_key == filter_key(filters.author)
        )
        statement = statement.where(a.id.in_(by_author))
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
        spans.extend(m.span() for m in ranking.phrase_pattern(words).finditer(folded))
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
