"""Postgres: the search vector is stored in the article's row, not in TOAST.

Every article a search tests, newest first, or ranks with ``ts_rank`` has its ``tsvector``
read. Out of line, as Postgres keeps any value of a few kilobytes by default, each read is a
TOAST index lookup and two chunk fetches, about 28 microseconds; in the row it is about 5.
The column's storage becomes MAIN, and ``CLUSTER`` rewrites the stored articles so that the
rule holds for them too (the setting alone only applies to rows written afterwards). The
rewrite copies rows without recomputing their vectors, lays them out in id order (the order
searches walk them in) and rebuilds the table's indexes; ``VACUUM (ANALYZE)`` then marks the
pages visible again. The rewrite holds an exclusive lock on ``articles`` (about 5 minutes
for a million articles on a 2-core machine), so run it between crawls. Vectors too large for a
row (more than about 8 kB) still go out of line.

SQLite: nothing changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in search_ddl.create_statements(dialect, revision):
        op.execute(statement)
    if dialect == "postgresql":
        # The rewritten table has no visibility map, so the filter indexes of 0005 could
        # not answer from the index alone until autovacuum came by. VACUUM cannot run in a
        # transaction: what came before it is committed first (running 0006 again redoes it).
        with op.get_context().autocommit_block():
            op.execute(search_ddl.PG_AFTER_REWRITE)


def downgrade() -> None:
    # Rows stay where they are; articles written from now on keep their vectors out of line.
    for statement in search_ddl.drop_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
