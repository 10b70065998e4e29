"""Search speed: index the accent-free text only; exact matches are checked on candidates.

Revision 0002 indexed every article twice, as published (for ``--exact``) and folded. The
exact index doubled the cost of each insert, and exact search can be answered by the folded
index followed by a check of the exact words on the matching articles. SQLite: the FTS5
table is rebuilt over ``search_folded`` alone, with triggers that re-index only when the
folded text changes. Postgres: the exact ``tsvector`` column and its GIN index are dropped.
Both: an index on ``published_at``, from which date filters take their article ids.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_ddl.create_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
    op.create_index(op.f("ix_articles_published_at"), "articles", ["published_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_published_at"), table_name="articles")
    for statement in search_ddl.drop_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
