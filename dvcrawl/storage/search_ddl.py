"""The search structures that SQLAlchemy models cannot express, per engine.

They live here rather than inline in a migration so that the migration, the test that
models and migrations agree (which must ignore them), and the search code name the same
objects.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from dvcrawl.text import fold_diacritics

FTS_TABLE = "articles_fts"
# FTS5's own tables: bm25()'s totals (row 1 of _data) and each article's length in tokens.
FTS_DATA_TABLE = f"{FTS_TABLE}_data"
FTS_DOCSIZE_TABLE = f"{FTS_TABLE}_docsize"
# Objects created outside the models; autogenerate comparisons leave them alone.
NON_MODEL_TABLES = frozenset(
    {
        FTS_TABLE,
        *(f"{FTS_TABLE}_{part}" for part in ("data", "idx", "docsize", "config", "content")),
    }
)
NON_MODEL_INDEXES = frozenset({"ix_articles_search_folded", "ix_articles_search_exact"})
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
SQLITE_CREATE = {
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
POSTGRES_CREATE = {"0002": _PG_FOLDED + _PG_EXACT, "0004": _PG_DROP_EXACT}
POSTGRES_DROP = {
    "0002": (
        *_PG_DROP_EXACT,
        "DROP INDEX IF EXISTS ix_articles_search_folded",
        f"ALTER TABLE articles DROP COLUMN IF EXISTS {PG_FOLDED_COLUMN}",
        "DROP FUNCTION IF EXISTS dvcrawl_unaccent(text)",
    ),
    "0004": _PG_EXACT,
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
    """What accent-free search matches: title, lead and body, lower case, without diacritics."""
    return fold_diacritics("\n".join(part for part in (title, lead, body) if part)).lower()


def filter_key(value: str | None) -> str | None:
    """A name or category as filters compare it, the same on every engine (SQLite's lower()
    knows ASCII only): case and diacritics folded, spaces collapsed."""
    if value is None:
        return None
    return " ".join(fold_diacritics(value).casefold().split()) or None


def create_statements(dialect: str, revision: str) -> tuple[str, ...]:
    """What migration ``revision`` runs on ``dialect`` to build its search structures."""
    if dialect == "sqlite":
        # FTS5 tables cannot be altered: a revision drops the old index and builds its own.
        return (SQLITE_DROP if revision != "0002" else ()) + SQLITE_CREATE[revision]
    if dialect == "postgresql":
        return POSTGRES_CREATE[revision]
    return ()


def drop_statements(dialect: str, revision: str) -> tuple[str, ...]:
    """What undoes ``create_statements(dialect, revision)``, back to the revision before."""
    if dialect == "sqlite":
        return SQLITE_DROP + (SQLITE_CREATE["0002"] if revision == "0004" else ())
    if dialect == "postgresql":
        return POSTGRES_DROP[revision]
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
