"""The search structures that SQLAlchemy models cannot express, per engine.

They live here rather than inline in a migration so that the migration, the test that
models and migrations agree (which must ignore them), and the search code name the same
objects.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Connection, Integer, Text, bindparam, column, select, table, text, update

from dvcrawl.storage.types import UtcDateTime
from dvcrawl.text import VIETNAM_TZ, fold_diacritics

FTS_TABLE = "articles_fts"
# Its columns since revision 0005: the accent-free text, and the filter facets.
SEARCH_TEXT_COLUMN = "search_folded"
SEARCH_FACETS_COLUMN = "search_facets"
# FTS5's own tables: bm25()'s totals (row 1 of _data) and each article's length in tokens.
FTS_DATA_TABLE = f"{FTS_TABLE}_data"
FTS_DOCSIZE_TABLE = f"{FTS_TABLE}_docsize"
# SQLite, revision 0010: the filter columns indexed by id (see ``SQLITE_CREATE["0010"]``).
SQLITE_ROW_FILTERS_INDEX = "ix_articles_id_filters"
# Objects created outside the models; autogenerate comparisons leave them alone.
NON_MODEL_TABLES = frozenset(
    {
        FTS_TABLE,
        *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content")),
    }
)
NON_MODEL_INDEXES = frozenset(
    {
        "ix_articles_search_folded",
        "ix_articles_search_exact",
        "ix_articles_filter_site",
        "ix_articles_filter_category",
        "ix_articles_filter_published",
        "ix_articles_id_range",
        SQLITE_ROW_FILTERS_INDEX,
    }
)
# Postgres only: the search vectors, stored so that ranking does not rebuild them per row.
PG_FOLDED_COLUMN = "search_vector"
PG_EXACT_COLUMN = "search_vector_exact"
NON_MODEL_COLUMNS = frozenset({PG_FOLDED_COLUMN, PG_EXACT_COLUMN})

# Postgres: the text an article is searched on, accent-free and as published.
# Punctuation becomes a space, so words split exactly where FTS5's unicode61 splits them
# ("43-NQ/TW" is 43, nq, tw on both engines; Postgres' own parser keeps "nq/tw" whole).
PG_DOCUMENT = (
    "regexp_replace(coalesce(title, '') || ' ' || coalesce(lead, '') || ' ' || "
    "coalesce(body, ''), '[^[:alnum:]]+', ' ', 'g')"
)
PG_FOLDED_VECTOR = f"to_tsvector('simple'::regconfig, dvcrawl_unaccent({PG_DOCUMENT}))"
PG_EXACT_VECTOR = f"to_tsvector('simple'::regconfig, {PG_DOCUMENT})"

# Search reads an article's first SEARCH_TEXT_LIMIT characters (title, lead, then body), on
# both engines; the stored text is never cut. Postgres refuses a tsvector whose words come
# to more than 1 MiB ("string is too long for tsvector"), and the article's row with it: an
# article of 30 MB was lost. The words of 150,000 characters come to at most 600 kB (four
# bytes a character), whatever the text; a long Party report runs to about 60,000
# characters. Revision 0013 caps the vector's input on Postgres, folded_document the
# indexed text on SQLite.
SEARCH_TEXT_LIMIT = 150_000

# Revision 0002 indexed the text twice: the columns as published (for exact search) and the
# folded copy. Revision 0004 indexes the folded copy only (on Postgres, the accent-free
# vector only) and checks exact matches on the candidates instead, which halves the cost
# of every insert. Each migration names the structures it made, so both stay here.
_SQLITE_TRIGGERS_0004 = (
    f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_folded) VALUES (new.id, new.search_folded);
    END""",
    f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded)
        VALUES ('delete', old.id, old.search_folded);
    END""",
    # Only a change of the folded text touches the index: history and WARC columns change
    # without re-indexing.
    f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF search_folded ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded)
        VALUES ('delete', old.id, old.search_folded);
        INSERT INTO {FTS_TABLE}(rowid, search_folded) VALUES (new.id, new.search_folded);
    END""",
)
SQLITE_CREATE: dict[str, tuple[str, ...]] = {
    "0002": (
        # Diacritics kept in the index (remove_diacritics 0) so that exact search could match
        # them; accent-free search went to search_folded, folded before indexing.
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
            title, lead, body, search_folded,
            content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0'
        )""",
        f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO {FTS_TABLE}(rowid, title, lead, body, search_folded)
            VALUES (new.id, new.title, new.lead, new.body, new.search_folded);
        END""",
        f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, lead, body, search_folded)
            VALUES ('delete', old.id, old.title, old.lead, old.body, old.search_folded);
        END""",
        f"""CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
            INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, lead, body, search_folded)
            VALUES ('delete', old.id, old.title, old.lead, old.body, old.search_folded);
            INSERT INTO {FTS_TABLE}(rowid, title, lead, body, search_folded)
            VALUES (new.id, new.title, new.lead, new.body, new.search_folded);
        END""",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ),
    "0004": (
        # search_folded is already lower case and without diacritics (đ as d, which the
        # tokenizer's own folding cannot do); remove_diacritics 2 also folds what a stray
        # combining mark or a foreign letter leaves.
        f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
            search_folded,
            content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        *_SQLITE_TRIGGERS_0004,
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ),
}
# Revision 0005: a second column, search_facets, holds each article's filter values as
# tokens (see ``facet_tokens``), so that a filter is one more term of the MATCH expression and
# FTS5 intersects match lists, skipping through them, instead of reading article rows.
_SQLITE_TRIGGERS_0005 = (
    f"""CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_folded, search_facets)
        VALUES (new.id, new.search_folded, new.search_facets);
    END""",
    f"""CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded, search_facets)
        VALUES ('delete', old.id, old.search_folded, old.search_facets);
    END""",
    # Only a change of what is indexed touches the index: revisions set every column, and
    # history and WARC columns change without re-indexing.
    f"""CREATE TRIGGER articles_fts_update AFTER UPDATE OF search_folded, search_facets
        ON articles
        WHEN old.search_folded IS NOT new.search_folded
            OR old.search_facets IS NOT new.search_facets
        BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_folded, search_facets)
        VALUES ('delete', old.id, old.search_folded, old.search_facets);
        INSERT INTO {FTS_TABLE}(rowid, search_folded, search_facets)
        VALUES (new.id, new.search_folded, new.search_facets);
    END""",
)
SQLITE_CREATE["0005"] = (
    f"""CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        search_folded, search_facets,
        content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    *_SQLITE_TRIGGERS_0005,
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
# Revision 0007: FTS5 merges its index segments less eagerly. Each insert adds a small
# segment; with the default (automerge 4) every level is merged as soon as it holds four, so
# the same postings are rewritten level after level as the corpus grows. At sixteen per level
# they are rewritten about half as often: a million articles went in at 2,093/s instead of
# 1,893/s (benchmarks/storage_speed.py); a query reads a few more segments per word.
SQLITE_FTS_AUTOMERGE = 16
SQLITE_FTS_DEFAULT_AUTOMERGE = 4


def _fts_setting(name: str, value: int) -> str:
    return f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('{name}', {value})"


SQLITE_CREATE["0007"] = (_fts_setting("automerge", SQLITE_FTS_AUTOMERGE),)
# Revision 0010: a search that checks filters on the rows of a rare word's matches reads
# the filter columns from this index, keyed by id, rather than from the rows. An article's
# row spans several pages (the body and folded text overflow the first), and the filter
# columns come after the body, so SQLite followed each row's overflow chain to reach them:
# about three random reads per match from disk, against about one here (the index is some
# 70 MB at a million articles, and ids only grow, so inserts append to it).
SQLITE_CREATE["0010"] = (
    f"CREATE INDEX {SQLITE_ROW_FILTERS_INDEX} "
    "ON articles (id, published_at, site_key, category_key)",
)
# SQLite revisions that leave the FTS5 table as it is: 0002 creates it, the others only
# change a setting or add an index beside it.
_SQLITE_FTS_KEPT = frozenset({"0002", "0007", "0010"})
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)

_PG_FOLDED = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); pinning the dictionary makes
    # the result depend on the argument alone, which an index expression requires.
    """CREATE OR REPLACE FUNCTION dvcrawl_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    f"ALTER TABLE articles ADD COLUMN {PG_FOLDED_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({PG_FOLDED_VECTOR}) STORED",
    f"CREATE INDEX ix_articles_search_folded ON articles USING gin ({PG_FOLDED_COLUMN})",
)
_PG_EXACT = (
    f"ALTER TABLE articles ADD COLUMN {PG_EXACT_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({PG_EXACT_VECTOR}) STORED",
    f"CREATE INDEX ix_articles_search_exact ON articles USING gin ({PG_EXACT_COLUMN})",
)
_PG_DROP_EXACT = (
    "DROP INDEX IF EXISTS ix_articles_search_exact",
    f"ALTER TABLE articles DROP COLUMN IF EXISTS {PG_EXACT_COLUMN}",
)
# Postgres, revision 0005: a filter that few articles pass is answered by reading their ids
# newest first from one of these, without touching the rows (index-only, once VACUUM has
# marked the pages visible); a site's newest ids come straight off the index.
_PG_FILTER_INDEXES = {
    "ix_articles_filter_site": "site_key, id",
    "ix_articles_filter_category": "category_key, id",
    "ix_articles_filter_published": "published_at, id",
}
_PG_CREATE_FILTER_INDEXES = tuple(
    f"CREATE INDEX {name} ON articles ({columns})" for name, columns in _PG_FILTER_INDEXES.items()
)
# Postgres, revision 0006: the search vector is kept in the article's row (storage MAIN),
# not in the TOAST table. A vector is a few kilobytes, so by default it went out of line,
# and every article a search tested or ranked cost a TOAST index lookup and chunk reads:
# about 28 microseconds, against 5 for a vector in the row. Postgres still moves a vector
# out of line when the row cannot hold it (over about 8 kB), after the body and the
# folded text, which stay out of line. CLUSTER rewrites the stored rows by the new rule
# (the setting alone applies to rows written from then on) and lays them out in id order,
# the order searches walk them in.
# Searches size their work by how many articles hold each word (ANALYZE's most common
# lexemes); with ten times the default statistics target the list reaches words that about
# one article in a thousand holds, where the default stops near one in a hundred, and a word
# missing from it is known to be rare. ANALYZE then samples 300,000 rows (24 s at a million).
PG_STATISTICS_TARGET = 1000
PG_VECTOR_IN_ROW = (
    f"ALTER TABLE articles ALTER COLUMN {PG_FOLDED_COLUMN} SET STORAGE MAIN",
    f"ALTER TABLE articles ALTER COLUMN {PG_FOLDED_COLUMN} SET STATISTICS {PG_STATISTICS_TARGET}",
    "CLUSTER articles USING pk_articles",
    # Articles lie in id order (CLUSTER, then appends), so a BRIN index turns a range of ids
    # into the pages holding it at about 0.02 µs per id: the GIN slices of a search are
    # ANDed with it, where a primary-key bitmap cost 0.14 µs per id. Where rows have moved
    # (revisions), it names more pages than needed, never fewer.
    "CREATE INDEX ix_articles_id_range ON articles USING brin (id) WITH (autosummarize = on)",
)
PG_AFTER_REWRITE = "VACUUM (ANALYZE) articles"
PG_VECTOR_OUT_OF_ROW = (
    "DROP INDEX IF EXISTS ix_articles_id_range",
    "ALTER TABLE articles SET WITHOUT CLUSTER",
    f"ALTER TABLE articles ALTER COLUMN {PG_FOLDED_COLUMN} SET STORAGE EXTENDED",
    f"ALTER TABLE articles ALTER COLUMN {PG_FOLDED_COLUMN} SET STATISTICS -1",
)
POSTGRES_CREATE = {
    "0002": _PG_FOLDED + _PG_EXACT,
    "0004": _PG_DROP_EXACT,
    "0005": _PG_CREATE_FILTER_INDEXES,
    "0006": PG_VECTOR_IN_ROW,
}
POSTGRES_DROP = {
    "0002": (
        *_PG_DROP_EXACT,
        "DROP INDEX IF EXISTS ix_articles_search_folded",
        f"ALTER TABLE articles DROP COLUMN IF EXISTS {PG_FOLDED_COLUMN}",
        "DROP FUNCTION IF EXISTS dvcrawl_unaccent(text)",
    ),
    "0004": _PG_EXACT,
    "0005": tuple(f"DROP INDEX IF EXISTS {name}" for name in _PG_FILTER_INDEXES),
    "0006": PG_VECTOR_OUT_OF_ROW,
}


def is_model_object(name: str | None, kind: str, _parents: object) -> bool:
    """For Alembic's ``include_name``: search tables and expression indexes are made by hand
    in migrations, so model comparison leaves them out."""
    if kind == "table":
        return name not in NON_MODEL_TABLES
    if kind == "index":
        return name not in NON_MODEL_INDEXES
    if kind == "column":
        return name not in NON_MODEL_COLUMNS
    return True


def folded_document(title: str | None, lead: str | None, body: str | None) -> str:
    """What accent-free search matches: title, lead and body (their first
    ``SEARCH_TEXT_LIMIT`` characters), lower case, without diacritics."""
    text = "\n".join(part for part in (title, lead, body) if part)
    return fold_diacritics(text[:SEARCH_TEXT_LIMIT]).lower()


# Names and categories repeat from article to article; each is folded once.
@lru_cache(maxsize=8192)
def filter_key(value: str | None) -> str | None:
    """A name or category as filters compare it, the same on every engine (SQLite's lower()
    knows ASCII only): case and diacritics folded, spaces collapsed."""
    if value is None:
        return None
    return " ".join(fold_diacritics(value).casefold().split()) or None


def create_statements(dialect: str, revision: str) -> tuple[str, ...]:
    """What migration ``revision`` runs on ``dialect`` to build its search structures."""
    if dialect == "sqlite" and revision in SQLITE_CREATE:
        # FTS5 tables cannot be altered: a revision that changes one drops the old index and
        # builds its own.
        rebuilds = revision not in _SQLITE_FTS_KEPT
        return (SQLITE_DROP if rebuilds else ()) + SQLITE_CREATE[revision]
    if dialect == "postgresql":
        return POSTGRES_CREATE.get(revision, ())
    return ()


def drop_statements(dialect: str, revision: str) -> tuple[str, ...]:
    """What undoes ``create_statements(dialect, revision)``, back to the revision before."""
    if dialect == "sqlite" and revision == "0007":
        return (_fts_setting("automerge", SQLITE_FTS_DEFAULT_AUTOMERGE),)
    if dialect == "sqlite" and revision == "0010":
        return (f"DROP INDEX IF EXISTS {SQLITE_ROW_FILTERS_INDEX}",)
    if dialect == "sqlite" and revision in SQLITE_CREATE:
        before = {"0004": "0002", "0005": "0004"}.get(revision)
        return SQLITE_DROP + (SQLITE_CREATE[before] if before else ())
    if dialect == "postgresql":
        return POSTGRES_DROP.get(revision, ())
    return ()


def fill_folded_text(connection: Connection, batch: int = 1000) -> None:
    """Fold the search text and filter keys of rows stored before search existed."""
    last = 0
    while rows := connection.execute(
        text(
            "SELECT id, title, lead, body, category FROM articles WHERE id > :last "
            "ORDER BY id LIMIT :batch"
        ),
        {"last": last, "batch": batch},
    ).all():
        connection.execute(
            text(
                "UPDATE articles SET search_folded = :folded, category_key = :category "
                "WHERE id = :id"
            ),
            [
                {
                    "id": row.id,
                    "folded": folded_document(row.title, row.lead, row.body),
                    "category": filter_key(row.category),
                }
                for row in rows
            ],
        )
        last = rows[-1].id
    names = connection.execute(text("SELECT id, name FROM authors")).all()
    if names:
        connection.execute(
            text("UPDATE authors SET name_key = :key WHERE id = :id"),
            [{"id": row.id, "key": filter_key(row.name)} for row in names],
        )


# --- filter facets ------------------------------------------------------------------------
# Tokens of the search_facets column. Each value is hex-encoded after a one-letter kind, so
# that any site key, category or name becomes one token of letters and digits, which
# FTS5's tokenizer keeps whole; user queries reach search_folded only (a column filter).
SITE, CATEGORY, AUTHOR = "s", "c", "a"


def facet_token(kind: str, value: str) -> str:
    return kind + value.encode("utf-8").hex()


def day_of(published_at: datetime | None) -> date | None:
    """The Vietnamese calendar day of a publication time, as date filters count days."""
    return published_at.astimezone(VIETNAM_TZ).date() if published_at else None


def facet_tokens(
    site_key: str,
    published_at: datetime | None,
    category_key: str | None,
    author_keys: Iterable[str | None],
) -> str:
    """An article's search_facets: its site, its day, month and year of publication (in
    Vietnam), its category and its authors, each as a token that filters can ask for."""
    tokens = [facet_token(SITE, site_key)]
    day = day_of(published_at)
    if day is not None:
        tokens += [f"y{day:%Y}", f"m{day:%Y%m}", f"d{day:%Y%m%d}"]
    if category_key:
        tokens.append(facet_token(CATEGORY, category_key))
    tokens += sorted({facet_token(AUTHOR, key) for key in author_keys if key})
    return " ".join(tokens)


def date_tokens(first: date, last: date) -> list[str]:
    """The fewest day, month and year tokens that together cover ``first``..``last``."""
    tokens: list[str] = []
    day = first
    while day <= last:
        month_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= last:
            tokens.append(f"y{day:%Y}")
            day = date(day.year + 1, 1, 1)
        elif day.day == 1 and month_end <= last:
            tokens.append(f"m{day:%Y%m}")
            day = month_end + timedelta(days=1)
        else:
            tokens.append(f"d{day:%Y%m%d}")
            day += timedelta(days=1)
    return tokens


def fill_facets(connection: Connection, batch: int = 1000) -> None:
    """Write search_facets for rows stored before the column existed."""
    articles = table(
        "articles",
        column("id", Integer),
        column("site_key", Text),
        column("published_at", UtcDateTime),
        column("category_key", Text),
        column("search_facets", Text),
    )
    authors = table("authors", column("article_id", Integer), column("name_key", Text))
    last = 0
    while rows := connection.execute(
        select(articles.c.id, articles.c.site_key, articles.c.published_at, articles.c.category_key)
        .where(articles.c.id > last)
        .order_by(articles.c.id)
        .limit(batch)
    ).all():
        names: dict[int, list[str | None]] = {}
        for article_id, name_key in connection.execute(
            select(authors.c.article_id, authors.c.name_key).where(
                authors.c.article_id.between(rows[0].id, rows[-1].id)
            )
        ):
            names.setdefault(article_id, []).append(name_key)
        connection.execute(
            update(articles).where(articles.c.id == bindparam("row_id")),
            [
                {
                    "row_id": row.id,
                    "search_facets": facet_tokens(
                        row.site_key, row.published_at, row.category_key, names.get(row.id, ())
                    ),
                }
                for row in rows
            ],
        )
        last = rows[-1].id
