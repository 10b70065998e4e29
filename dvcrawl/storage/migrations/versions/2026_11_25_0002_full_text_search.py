"""Full-text search: an accent-folded text column, FTS5 on SQLite, GIN indexes on Postgres.

SQLite: an external-content FTS5 table over ``articles`` (title, lead and body as published,
and ``search_folded``, the same text without diacritics and with đ as d, which FTS5's own
folding cannot do), kept current by triggers. Postgres: ``unaccent`` wrapped in an IMMUTABLE
function, and stored generated ``tsvector`` columns (accent-free and exact) with GIN indexes.
Existing rows are folded and indexed here, so an older corpus is searchable after
``dvcrawl db upgrade``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("search_folded", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_articles_category_key"), ["category_key"])
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_authors_name_key"), ["name_key"])
    connection = op.get_bind()
    search_ddl.fill_folded_text(connection)
    for statement in search_ddl.create_statements(connection.dialect.name, revision):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_ddl.drop_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
    with op.batch_alter_table("authors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_authors_name_key"))
        batch_op.drop_column("name_key")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_category_key"))
        batch_op.drop_column("search_folded")
        batch_op.drop_column("category_key")
