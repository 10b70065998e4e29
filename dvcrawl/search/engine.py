"""Run a parsed query on either engine: the same matches, ranked, with highlighted snippets."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from time import perf_counter
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
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
from dvcrawl.storage.db import SQLITE_READERS, reader_engine
from dvcrawl.storage.models import ArticleRecord, AuthorRecord, SiteRecord
from dvcrawl.storage.search_ddl import (
    AUTHOR,
    CATEGORY,
    FTS_DATA_TABLE,
    FTS_DOCSIZE_TABLE,
    FTS_TABLE,
    PG_FOLDED_COLUMN,
    SEARCH_FACETS_COLUMN,
    SEARCH_TEXT_COLUMN,
    SITE,
    SQLITE_ROW_FILTERS_INDEX,
    date_tokens,
    day_of,
    facet_token,
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
# SQLite: newest matches read to estimate how many articles hold a term; single words held
# by at most NATIVE_RANK_LIMIT articles are ranked by FTS5's bm25().
DF_PROBE = 200
NATIVE_RANK_LIMIT = 50_000
# SQLite: when a query's rarest term is held by at most this many articles, filters are
# checked on its matches' filter columns (their index by id, see ``_passing_newest``) rather
# than asked of the facet tokens.
JOIN_LIMIT = 20_000
# SQLite: a window's rows are read this many at a time, and, when the first of them took
# longer than this each (they were on disk), by several connections at once (see
# ``_read_rows``). From memory a row takes about 15 us, from disk 125 us.
IDS_PER_READER = 64
COLD_ROW_SECONDS = 50e-6
# Postgres: articles tested one by one, newest first, before choosing how to find the rest
# of the window when ANALYZE has not yet counted the words.
WALK_PROBE = 1000
# Postgres: what the two ways to the newest matches cost, in microseconds, measured at a
# million articles (see ``_postgres_window``): testing one article's search vector in the
# walk, and each entry of the rarest word that a GIN slice reads.
WALK_ROW_COST = 4.0
GIN_ENTRY_COST = 0.45
# Postgres, within the GIN slices: each id of a slice's range (from the BRIN index on
# ids), and each candidate's row read from the table.
RANGE_ID_COST = 0.02
MATCH_ROW_COST = 8.0
# Postgres: pages a bitmap heap scan asks the kernel for ahead of reading them.
PG_READ_AHEAD = 64
# Postgres: filters that at most this share of articles pass are applied by their own index.
NARROW_FILTER = 0.05


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
            scored = sorted(_postgres_window(session, query, filters, window), key=_best_first)
        else:
            scored = _sqlite_window(session, query, filters, window)
        return scored[:keep]
    # Every match ranked by the engine itself.
    if postgres:
        inner = _postgres(query, filters)
    else:
        match = _sqlite_match(session, query, filters)
        if match is None:
            return []
        inner = _sqlite_matches(match).add_columns(_SQLITE_RANK)
    ranked = inner.subquery()
    statement = select(ranked.c.id, ranked.c.rank).order_by(ranked.c.rank.desc(), ranked.c.id)
    return [(row.id, row.rank) for row in session.execute(statement.limit(keep))]


def _best_first(scored: tuple[int, float]) -> tuple[float, int]:
    return -scored[1], scored[0]


def _sqlite_window(
    session: Session, query: Query, filters: Filters, window: int
) -> list[tuple[int, float]]:
    """The newest ``window`` matches, scored by BM25 as FTS5 scores them, best first.

    Filters are terms of the MATCH expression on the facet column (see ``_sqlite_match``),
    so FTS5 hands out the newest matches that pass them without reading any row; for a
    rare term, its few matches' filter columns are checked instead (``JOIN_LIMIT``). Single
    words that few articles hold are ranked by FTS5's own bm25(), whose count of their
    matches is then cheap and which reads only the index. Otherwise the window is scored
    here from its accent-free text (see ``ranking``): bm25() would count every match of a
    common word, or compare word positions in every article holding a phrase's words.
    """
    phrases = [term.words(False) for term in query.required]
    articles, total_tokens = _fts5_totals(session)
    highest = session.scalar(select(func.max(ArticleRecord.id))) or 0
    holding = [_sqlite_holding(session, phrase, articles, highest) for phrase in phrases]
    native = max(holding) <= NATIVE_RANK_LIMIT and not any(" " in phrase for phrase in phrases)
    if filters != Filters() and min(holding) <= JOIN_LIMIT:
        # The words are rare: checking their few matches' rows costs less than making FTS5
        # advance through every facet token of, say, "since 2015" at each match.
        window_ids = _passing_newest(session, _text_match(query), filters, window)
        if window_ids and native:
            # bm25() of every match from the window's oldest on, from the index alone.
            in_window = set(window_ids)
            oldest = window_ids[-1]
            ranked = _sqlite_matches(_text_match(query)).where(oldest <= _FTS_ROWID)
            return sorted(
                (
                    (row.id, row.rank)
                    for row in session.execute(ranked.add_columns(_SQLITE_RANK))
                    if row.id in in_window
                ),
                key=_best_first,
            )
    else:
        match = _sqlite_match(session, query, filters)
        if match is None:
            return []
        newest = _sqlite_matches(match).order_by(_FTS_ROWID.desc()).limit(window)
        if native:
            ranked = newest.add_columns(_SQLITE_RANK)
            return sorted(((row.id, row.rank) for row in session.execute(ranked)), key=_best_first)
        window_ids = list(session.scalars(newest))
    if not window_ids:
        return []
    scoring = _Scoring(
        [ranking.phrase_pattern(phrase) for phrase in phrases],
        [ranking.inverse_document_frequency(articles, count) for count in holding],
        total_tokens / articles if articles else 0.0,
    )
    sizes = table(FTS_DOCSIZE_TABLE, column("id"), column("sz"))
    texts = select(ArticleRecord.id, ArticleRecord.search_folded, sizes.c.sz).outerjoin(
        sizes, sizes.c.id == ArticleRecord.id
    )
    rows = _read_rows(session, texts, window_ids)
    return sorted((scoring.score(*row) for row in rows), key=_best_first)


def _passing_newest(session: Session, match: str, filters: Filters, window: int) -> list[int]:
    """The ids of the newest ``window`` articles matching the FTS5 expression ``match`` that
    pass ``filters``, newest first: matches are taken from the index a batch at a time,
    their filter columns checked (``_read_rows``), until the window is full."""
    passing: list[int] = []
    upper: int | None = None
    batch = window
    checked = 0
    # From the index of filter columns by id: in the row they lie past the body's overflow.
    ids = select(ArticleRecord.id).with_hint(
        ArticleRecord.__table__, f"INDEXED BY {SQLITE_ROW_FILTERS_INDEX}", "sqlite"
    )
    while len(passing) < window:
        newest = _sqlite_matches(match).order_by(_FTS_ROWID.desc()).limit(batch)
        if upper is not None:
            newest = newest.where(upper > _FTS_ROWID)
        candidates = list(session.scalars(newest))
        if not candidates:
            break
        checked += len(candidates)
        rows = _read_rows(session, ids, candidates, filters)
        passed = {row.id for row in rows}
        passing += [article_id for article_id in candidates if article_id in passed]
        if len(candidates) < batch:
            break
        upper = candidates[-1]
        missing = window - len(passing)
        # The next batch is sized by the share passing so far, to fill the window at once.
        share = len(passing) / checked
        batch = min(8 * window, math.ceil(1.25 * missing / share)) if share else 8 * window
    return passing[:window]


_READERS: ThreadPoolExecutor | None = None


def _read_rows(
    session: Session, statement: Select[Any], ids: list[int], filters: Filters = Filters()
) -> list[Any]:
    """The rows ``statement`` (over ``articles``) gives for the articles ``ids`` that pass
    ``filters``.

    The first ``IDS_PER_READER`` are read on the session's connection. On a SQLite file,
    when they took longer than ``COLD_ROW_SECONDS`` each, they came from disk, not memory,
    and the rest are read by several reader connections side by side (see
    ``reader_engine``): a row on disk costs a few page reads one after the other, and the
    disk serves several at once. Rows in memory are read faster on one connection, since
    two cores are no faster at decoding them than one. Never while the session holds
    uncommitted changes, which only its own connection sees.
    """

    def for_ids(part: list[int]) -> Select[Any]:
        return apply_filters(statement.where(ArticleRecord.id.in_(part)), filters)

    started = perf_counter()
    rows = list(session.execute(for_ids(ids[:IDS_PER_READER])))
    seconds = perf_counter() - started
    rest = ids[IDS_PER_READER:]
    parts = min(SQLITE_READERS, len(rest) // IDS_PER_READER)
    readers = reader_engine(session.get_bind().engine) if parts > 1 else None
    if (
        readers is None
        or seconds <= COLD_ROW_SECONDS * min(len(ids), IDS_PER_READER)
        or _has_uncommitted_changes(session)
    ):
        return rows + list(session.execute(for_ids(rest))) if rest else rows
    global _READERS
    if _READERS is None:
        _READERS = ThreadPoolExecutor(SQLITE_READERS, thread_name_prefix="dvcrawl-reader")
    size = math.ceil(len(rest) / parts)

    def read(part: list[int]) -> list[Any]:
        with readers.connect() as connection:
            return list(connection.execute(for_ids(part)))

    chunks = [rest[start : start + size] for start in range(0, len(rest), size)]
    return rows + [row for part in _READERS.map(read, chunks) for row in part]


def _has_uncommitted_changes(session: Session) -> bool:
    """Whether SQLite has a write transaction open on the session's connection (Python's
    sqlite3 opens one at the first change)."""
    dbapi_connection = session.connection().connection.dbapi_connection
    return bool(getattr(dbapi_connection, "in_transaction", True))


@dataclass(frozen=True, slots=True)
class _Scoring:
    """What BM25 needs besides the article: the phrases, their weights, the mean length."""

    patterns: list[re.Pattern[str]]
    weights: list[float]
    average_length: float

    def score(self, article_id: int, folded: str | None, size: bytes | None) -> tuple[int, float]:
        frequencies = [ranking.count_phrase(pattern, folded or "") for pattern in self.patterns]
        # FTS5 measures an article over all its columns, facets included.
        length = sum(ranking.sqlite_varints(size)) if size else 0
        return article_id, ranking.bm25(frequencies, self.weights, length, self.average_length)


def _fts5_totals(session: Session) -> tuple[int, int]:
    """Articles indexed and tokens in them (all columns, as bm25() counts them), from the
    record FTS5 keeps for bm25()."""
    record = session.scalar(
        select(literal_column("block"))
        .select_from(table(FTS_DATA_TABLE))
        .where(literal_column("id") == 1)
    )
    values = ranking.sqlite_varints(record or b"")
    return (values[0], sum(values[1:])) if len(values) >= 2 else (0, 0)


def _sqlite_holding(session: Session, phrase: str, articles: int, highest: int) -> int:
    """About how many of the ``articles`` (ids up to ``highest``) hold ``phrase``: from its
    newest DF_PROBE matches."""
    newest = (
        _sqlite_matches(_text_match(Query((Term(phrase),))))
        .order_by(_FTS_ROWID.desc())
        .limit(DF_PROBE)
        .subquery()
    )
    found, oldest = session.execute(select(func.count(), func.min(newest.c.id))).one()
    return ranking.estimated_document_count(articles, highest, DF_PROBE, oldest, found)


def _folded(query: Query) -> Query:
    """What the accent-free index is asked: for an exact query, its required words folded
    (exclusions are checked on the exact text, since folding would widen them)."""
    if not query.exact:
        return query
    return Query(query.required, exact=False)


_FTS_ROWID: ColumnElement[Any] = literal_column(f"{FTS_TABLE}.rowid")
# bm25() is lower for better matches; facet tokens weigh nothing.
_SQLITE_RANK: ColumnElement[Any] = (-literal_column(f"bm25({FTS_TABLE}, 1.0, 0.0)")).label("rank")


def _sqlite_matches(match: str) -> Select[Any]:
    """The ids of the articles whose index entry matches ``match``. FTS5 hands them out in
    rowid order, so ordered newest first with a LIMIT its scan ends early."""
    return cast("Select[Any]", select(_FTS_ROWID.label("id")).select_from(table(FTS_TABLE))).where(
        literal_column(FTS_TABLE).op("MATCH")(match)
    )


def _text_match(query: Query) -> str:
    """``query`` as an FTS5 expression on the accent-free text alone."""
    return f"{{{SEARCH_TEXT_COLUMN}}}: ({_folded(query).fts5()})"


def _sqlite_match(session: Session, query: Query, filters: Filters) -> str | None:
    """The FTS5 expression: the query on the accent-free text and, for each filter, its
    facet tokens (any of them) on the facet column. None when a filter can match nothing."""
    parts = [_text_match(query)]
    for tokens in _facet_alternatives(session, filters):
        if not tokens:
            return None
        parts.append(f"{{{SEARCH_FACETS_COLUMN}}}: ({' OR '.join(tokens)})")
    return " AND ".join(parts)


def _facet_alternatives(session: Session, filters: Filters) -> list[list[str]]:
    """Per filter, the facet tokens an article must hold one of to pass it, as
    ``apply_filters`` decides: provinces as their sites, date ranges as the days, months
    and years (in Vietnam) that cover them."""
    alternatives: list[list[str]] = []
    if filters.sites:
        alternatives.append([facet_token(SITE, key) for key in filters.sites])
    if filters.provinces:
        in_province = select(SiteRecord.key).where(SiteRecord.province.in_(filters.provinces))
        alternatives.append([facet_token(SITE, key) for key in session.scalars(in_province)])
    if filters.since or filters.until:
        # Only the days the corpus holds: a range reaching back to year 1 would be
        # thousands of tokens, one for each year before the first article.
        published = ArticleRecord.published_at
        bounds = session.execute(select(func.min(published), func.max(published))).one()
        oldest, newest = day_of(bounds[0]), day_of(bounds[1])
        if oldest is None or newest is None:
            alternatives.append([])  # no article has a date: none passes
        else:
            first = max(filters.since or oldest, oldest)
            last = min(filters.until or newest, newest)
            alternatives.append(date_tokens(first, last) if first <= last else [])
    for kind, value in ((CATEGORY, filters.category), (AUTHOR, filters.author)):
        if value is not None:
            key = filter_key(value)
            alternatives.append([facet_token(kind, key)] if key else [])
    return alternatives


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


def _postgres_window(
    session: Session, query: Query, filters: Filters, window: int
) -> list[tuple[int, float]]:
    """The newest ``window`` matches with their ``ts_rank``, newest first.

    Two ways to find them, chosen by what each would cost. Testing article by article,
    newest first, costs a read of each article's search vector (``WALK_ROW_COST``, with the
    vector in the row since revision 0006): cheap when many articles match, far too slow
    when one in a hundred does. The GIN index finds sparse matches cheaply, but each
    lookup reads every entry of the query's rarest word, whatever ids it is restricted to
    (``GIN_ENTRY_COST`` each): a million for a common word, and a phrase of common words
    is checked on every article holding all of them. How many articles hold the rarest
    word comes from ANALYZE's most common lexemes; what share of articles match comes from
    the walk itself. Articles are tested one by one while that costs less than reading
    the rest of the window from GIN slices (see ``_postgres_sliced``). Each match is
    ranked as it is found, so no article is read twice.
    """
    highest: int | None = session.scalar(select(func.max(ArticleRecord.id)))
    if highest is None:
        return []
    # Compiling these short queries to machine code costs more than running them.
    session.execute(text("SET LOCAL jit = off"))
    # Scattered matches' rows are read by bitmap heap scans, which ask the kernel for the
    # next pages ahead of time as far as this allows (Postgres' default is 1): articles not
    # in memory were read 2.5 times as fast at 64. A higher server setting is kept.
    session.execute(
        text(
            "SELECT set_config('effective_io_concurrency', greatest(:depth, "
            "current_setting('effective_io_concurrency')::int)::text, true)"
        ),
        {"depth": PG_READ_AHEAD},
    )
    tsquery = _tsquery(query)
    match = _PG_VECTOR.op("@@")(tsquery)
    rank = func.ts_rank(_PG_VECTOR, tsquery)
    frequency = _postgres_share(session, query)

    def slice_cost(share: float) -> float:
        # Without ANALYZE's counts, the share of articles matching stands in for the rarest
        # word's: a lower bound.
        return GIN_ENTRY_COST * (highest + 1) * (frequency if frequency is not None else share)

    if frequency is not None and (
        frequency <= 0 or WALK_ROW_COST * window / frequency > slice_cost(frequency)
    ):
        # Even if every article holding the rarest word matched, walking would cost more.
        return _postgres_sliced(
            session, match, rank, filters, window, highest + 1, frequency, frequency
        )
    found: list[tuple[int, float]] = []
    upper = highest + 1
    tested = 0
    probe = WALK_PROBE if frequency is None else math.ceil(1.25 * window / frequency)
    if len(_folded(query).terms) > 1 or " " in query.terms[0].words(False):
        # Several words, a phrase or an exclusion match fewer articles than the rarest word
        # does, often far fewer ("45-NQ/TW"): a short first walk measures how many.
        probe = min(probe, WALK_PROBE)
    passing = by_author = None
    if filters != Filters() and _postgres_rows(session, filters) < NARROW_FILTER * highest:
        if filters.author and filters == Filters(author=filters.author):
            by_author = authors_articles(filters.author).distinct()
        else:
            # Few articles pass (a short date range): the planner would walk the primary
            # key backwards and test the filter on every article it passes. Behind OFFSET 0
            # the filter's own index finds them, and they are sorted by id.
            passing = apply_filters(select(ArticleRecord.id), filters).offset(0).subquery()
    while True:
        if by_author is not None:
            candidates = by_author.where(AuthorRecord.article_id < upper)
        elif passing is None:
            candidates = apply_filters(
                select(ArticleRecord.id).where(ArticleRecord.id < upper), filters
            )
        else:
            candidates = select(passing.c.id).where(passing.c.id < upper)
        # The vector is tested after the LIMIT: only the articles walked are read.
        newest = candidates.order_by(candidates.selected_columns[0].desc()).limit(probe).subquery()
        walked = session.execute(
            select(newest.c.id, case((match, rank)).label("rank"))
            .join(ArticleRecord.__table__, ArticleRecord.id == newest.c.id)
            .order_by(newest.c.id.desc())
        ).all()
        # A match has a rank; an article that does not match has none.
        found += [(row.id, float(row.rank)) for row in walked if row.rank is not None][
            : window - len(found)
        ]
        if len(found) == window or len(walked) < probe:
            return found  # full, or every article passing the filters has been tested
        upper = walked[-1].id
        tested += len(walked)
        share = len(found) / tested
        missing = window - len(found)
        if not found or WALK_ROW_COST * missing / share > slice_cost(share):
            break
        probe = math.ceil(1.25 * missing / share)
    # Matches per id so far, which sizes the first slice.
    density = len(found) / (highest + 1 - upper)
    return found + _postgres_sliced(
        session, match, rank, filters, window - len(found), upper, density, frequency
    )


def authors_articles(author: str) -> Select[Any]:
    """The ids (as ``id``) of the articles ``author`` signed, once per byline. Walked newest
    first, they come off the authors' index on (name, article) without a read of either
    table: every byline's article exists. Joined to the articles, a prolific author's 9,600
    bylines in a million cost 43,000 page reads, most of such a search's time."""
    return select(AuthorRecord.article_id.label("id")).where(
        AuthorRecord.name_key == filter_key(author)
    )


def _postgres_rows(session: Session, filters: Filters) -> float:
    """The planner's estimate of how many articles pass ``filters``."""
    statement = apply_filters(select(ArticleRecord.id), filters).compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    plan: Any = (
        session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", statement.params)
        .scalar()
    )
    return float(plan[0]["Plan"]["Plan Rows"])


def _postgres_share(session: Session, query: Query) -> float | None:
    """About what share of articles match ``query``: that of its rarest word, from the
    lexeme frequencies ANALYZE keeps; a word missing from them is rarer than all of them.
    None before the first ANALYZE."""
    stats = session.execute(
        text(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = 'articles' "
            "AND attname = :column"
        ),
        {"column": PG_FOLDED_COLUMN},
    ).first()
    if stats is None or not stats[0] or not stats[1]:
        return None
    lexemes, frequencies = stats
    # The frequencies are followed by their minimum and maximum.
    known = dict(zip(lexemes, frequencies, strict=False))
    # A word missing from the list is taken to be half as frequent as the rarest in it, as
    # the planner takes it (tsquery selectivity).
    unlisted = min(frequencies[: len(lexemes)]) / 2
    words = [word for term in _folded(query).required for word in term.words(False).split()]
    return min((float(known.get(word, unlisted)) for word in words), default=None)


def _postgres_sliced(
    session: Session,
    match: ColumnElement[Any],
    rank: ColumnElement[Any],
    filters: Filters,
    wanted: int,
    upper: int,
    share: float,
    holding: float | None,
) -> list[tuple[int, float]]:
    """The newest ``wanted`` matches below id ``upper`` with their ``rank``, newest first,
    read slice by slice from the GIN index ANDed with a range of ids (a bitmap AND with the
    BRIN index on ids, which the table's id order makes exact to a few pages), so that only
    a slice's matches are read. Each slice is sized by the share of ids matching: ``share``
    at first, then the share found so far.

    The range costs in proportion to the slice's ids (``RANGE_ID_COST`` each), the rows in
    proportion to the candidates, of which there are at most ``holding`` (the share of
    articles holding the rarest word) per id: when reading every candidate below ``upper``
    costs less than the range (a rare word), the slice has no lower bound."""
    found: list[tuple[int, float]] = []
    matched = covered = 0
    # Every slice reads the query's GIN entries again, whatever its size, while the rows of
    # surplus matches cost little: slices are sized for twice the matches still wanted.
    span = math.ceil(2 * wanted / share) if share > 0 else 16 * WALK_PROBE
    # Bitmaps only: the row-by-row walk is ruled out.
    session.execute(text("SET LOCAL enable_indexscan = off"))
    try:
        while len(found) < wanted and upper > 0:
            lower = max(upper - span, 0)
            if 0 < max(share, holding or 0) * upper * MATCH_ROW_COST <= span * RANGE_ID_COST:
                lower = 0
            ranked = select(ArticleRecord.id, rank).where(match)
            if lower > 0:
                in_slice = ranked.where(ArticleRecord.id >= lower, ArticleRecord.id < upper)
            else:
                # The rest of the table: "id + 0" keeps the planner from ANDing the GIN
                # matches with a bitmap of nearly every article.
                in_slice = ranked.where(ArticleRecord.id + 0 < upper)
            before = len(found)
            found += [
                (article_id, float(score))
                for article_id, score in session.execute(
                    apply_filters(in_slice, filters)
                    .order_by(ArticleRecord.id.desc())
                    .limit(wanted - len(found))
                )
            ]
            matched += len(found) - before
            covered += upper - lower
            share = matched / covered if matched else share / 16
            span = math.ceil(2 * (wanted - len(found)) / share) if share > 0 else span * 16
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
    if filters.since and filters.since > date.min:
        statement = statement.where(a.published_at >= _start_of(filters.since))
    if filters.until and filters.until < date.max:
        statement = statement.where(a.published_at < _start_of(filters.until + timedelta(days=1)))
    if filters.category:
        statement = statement.where(a.category_key == filter_key(filters.category))
    if filters.author:
        # The author's articles from the name index, rather than a test of every article.
        statement = statement.where(a.id.in_(authors_articles(filters.author)))
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
    otherwise cost milliseconds per hit. Within them a growing prefix is folded until the
    first match lies well inside it, since most articles match early.
    """
    text_ = " ".join(((lead or "") + " " + body[:SNIPPET_SCAN_CHARS]).split())
    more = len(body) > SNIPPET_SCAN_CHARS
    patterns = [
        ranking.phrase_pattern(words)
        for term in query.required
        if (words := term.words(query.exact))
    ]
    # Past the window's end, so that a word cut at the end of the prefix is never taken for
    # a match inside the window.
    margin = SNIPPET_CHARS + 64
    scanned = min(len(text_), 4 * SNIPPET_CHARS)
    while True:
        folded = _fold_same_length(text_[:scanned], query.exact)
        starts = [m.start() for pattern in patterns if (m := pattern.search(folded))]
        if scanned == len(text_) or (starts and min(starts) + margin <= scanned):
            break
        scanned = min(len(text_), 4 * scanned)
    if not starts:
        return text_[:SNIPPET_CHARS] + ("…" if more or len(text_) > SNIPPET_CHARS else "")
    first = min(starts)
    start = max(0, first - SNIPPET_CHARS // 3)
    start = text_.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text_), start + SNIPPET_CHARS)
    spans = sorted(m.span() for pattern in patterns for m in pattern.finditer(folded, start))
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
