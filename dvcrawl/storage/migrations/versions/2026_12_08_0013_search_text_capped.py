"""Search reads an article's first 150,000 characters; the stored text is never cut.

Postgres refuses a ``tsvector`` over 1 MiB ("string is too long for tsvector"), and the
article's row with it: a very long article (30 MB of text) could not be stored at all.
The search vector, a generated column, is now built from the first 150,000 characters of
title, lead and body, which keeps it under the limit whatever the text. The column is
dropped and added again with the new expression, which rewrites ``articles`` (in place,
in id order) and rebuilds its indexes: it holds an exclusive lock on the table for a few
minutes at a million articles, so run it between crawls. The column keeps its storage in
the row and its statistics target (revision 0006); ``VACUUM (ANALYZE)`` follows.

SQLite: FTS5 has no such limit, but searches match the same text on both engines: the
accent-free text it indexes (``search_folded``) is cut at the same length, for rows stored
before too (the full-text triggers re-index them).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIMIT = 150_000
DOCUMENT = "coalesce(title, '') || ' ' || coalesce(lead, '') || ' ' || coalesce(body, '')"
CAPPED_VECTOR = (
    "to_tsvector('simple'::regconfig, dvcrawl_unaccent("
    f"regexp_replace(left({DOCUMENT}, {LIMIT}), '[^[:alnum:]]+', ' ', 'g')))"
)
WHOLE_VECTOR = (
    "to_tsvector('simple'::regconfig, dvcrawl_unaccent("
    f"regexp_replace({DOCUMENT}, '[^[:alnum:]]+', ' ', 'g')))"
)


def _vector_statements(expression: str) -> tuple[str, ...]:
    return (
        "DROP INDEX IF EXISTS ix_articles_search_folded",
        "ALTER TABLE articles DROP COLUMN search_vector",
        # One statement: the storage is set before the rewrite computes the vectors.
        "ALTER TABLE articles "
        f"ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({expression}) STORED, "
        "ALTER COLUMN search_vector SET STORAGE MAIN, "
        "ALTER COLUMN search_vector SET STATISTICS 1000",
        "CREATE INDEX ix_articles_search_folded ON articles USING gin (search_vector)",
    )


def _set_vector(expression: str) -> None:
    for statement in _vector_statements(expression):
        op.execute(statement)
    # VACUUM cannot run in a transaction: what came before it is committed first.
    with op.get_context().autocommit_block():
        op.execute("VACUUM (ANALYZE) articles")


def upgrade() -> None:
    op.execute(
        f"UPDATE articles SET search_folded = substr(search_folded, 1, {LIMIT}) "
        f"WHERE length(search_folded) > {LIMIT}"
    )
    if op.get_bind().dialect.name == "postgresql":
        _set_vector(CAPPED_VECTOR)


def downgrade() -> None:
    # The folded text cut stays cut: it is rebuilt from the stored text by reextract.
    if op.get_bind().dialect.name == "postgresql":
        _set_vector(WHOLE_VECTOR)
