"""SQLite: the full-text index merges its segments sixteen at a time, not four.

Every batch of inserted articles adds a segment to the FTS5 index, and FTS5 merges segments
into larger ones as they accumulate. With its default (``automerge`` 4) the postings of a
large corpus are rewritten many times over; at 16 they are rewritten about half as often,
which makes bulk inserts into a million-article corpus faster, for a few more segments read
per searched word. The setting is kept in the index's own config table and applies from the
next insert on; stored segments are left as they are.

Postgres: nothing changes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

from dvcrawl.storage import search_ddl

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_ddl.create_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_ddl.drop_statements(op.get_bind().dialect.name, revision):
        op.execute(statement)
