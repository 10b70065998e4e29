"""Search filters from the full-text index: each article's facets as index tokens.

On SQLite a filter (site, province, dates, category, author) was applied by reading the
rows or the ids of the articles that pass it, which took up to a tenth of a second at a
million articles. ``articles.search_facets`` now holds the article's site, publication
day, month and year (in Vietnam), category and authors as tokens, and the FTS5 table is
rebuilt over two columns, ``search_folded`` and ``search_facets``: a filter becomes one more
term of the MATCH expression, and FTS5 intersects the match lists. Existing rows get their
facets before the rebuild.

Postgres filters on the columns themselves, so the column is only added there; filling it
would rewrite every row and recompute its search vector for nothing.

Both: ``articles.body_key`` is dropped. It held the whole body again as a dedupe key, but
nothing ever read it (``content_hash`` is what dedupe compares, and the key is a function of
the body), and it made every article a third larger to write. A downgrade brings the
column back empty.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("search_facets", sa.Text(), nullable=True))
    # Native on both engines (SQLite since 3.35): no copy of the table under its children.
    op.execute("ALTER TABLE articles DROP COLUMN body_key")
    if dialect == "sqlite":
        for statement in search_ddl.SQLITE_DROP:
            op.execute(statement)
        search_ddl.fill_facets(op.get_bind())
    for statement in search_ddl.create_statements(dialect, revision):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in search_ddl.SQLITE_DROP if dialect == "sqlite" else ():
        op.execute(statement)
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("search_facets")
        batch.add_column(sa.Column("body_key", sa.Text(), nullable=True))
    for statement in search_ddl.drop_statements(dialect, revision):
        op.execute(statement)
