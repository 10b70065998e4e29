"""SQLite: the filter columns of every article, in an index keyed by id.

When a search's words are rare, SQLite checks its filters (site, province, dates,
category) on the rows of the words' matches. Those columns lie after the body in the row,
which overflows its first page, so each check followed the row's overflow chain: about
three random reads per match when the rows are not in memory, most of the time of a search
such as a rare word since 2015 at a million articles. The index on (``id``,
``published_at``, ``site_key``, ``category_key``) answers the same check from one small
index (see ``search_ddl.SQLITE_ROW_FILTERS_INDEX``).

Postgres: nothing changes; its filters have their own indexes (revision 0005).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_ddl.create_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_ddl.drop_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
