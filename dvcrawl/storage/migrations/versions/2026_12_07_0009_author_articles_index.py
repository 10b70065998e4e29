"""An author's articles are found from one index: authors by name and article.

A search filtered by author walks the author's articles newest first. With the index on
``name_key`` alone, each of them cost a read of its row in ``authors`` (where bylines of
one author lie scattered over the whole table) and, on Postgres, a probe of the articles'
primary key: about 43,000 pages for an author of 9,600 articles in a million, most of the
time of such a search. The index on (``name_key``, ``article_id``) holds the ids in order,
so the newest of them are read from it alone; it serves every lookup by name the old one
served, which it replaces.

Both engines: the new index is built from the stored bylines in one pass, and the old one
is dropped.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_authors_name_key_article_id", "authors", ["name_key", "article_id"])
    op.drop_index("ix_authors_name_key", table_name="authors")


def downgrade() -> None:
    op.create_index("ix_authors_name_key", "authors", ["name_key"])
    op.drop_index("ix_authors_name_key_article_id", table_name="authors")
