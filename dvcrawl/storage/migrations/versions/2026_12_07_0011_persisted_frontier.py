"""The crawl's frontier is kept: listings and how far they were walked, articles found and
not yet stored; and the machine and process of every crawl run.

``frontier_listings`` holds, per site, every listing a crawl walked: the pages its last
walk read, the page it reads next (until the walk ends) and whether a walk has ever read it
to its last page. ``frontier_articles`` holds every article a crawl found, ``pending``
until it is stored or visited for good, with the attempts and last error of one that
failed. A crawl interrupted (killed, the database or the site gone) is picked up by the
next from there. ``crawl_runs.host`` and ``pid`` tell a run still going from one whose
process is gone.

Both engines: two new tables and two new columns; nothing stored is rewritten.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import dvcrawl.storage.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "frontier_listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_key", sa.String(length=100), nullable=False),
        sa.Column("listing_key", sa.Text(), nullable=False),
        sa.Column("first_url", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("secondary", sa.Boolean(), nullable=False),
        sa.Column("pages_read", sa.Integer(), nullable=False),
        sa.Column("resume_url", sa.Text(), nullable=True),
        sa.Column("backfill_complete", sa.Boolean(), nullable=False),
        sa.Column("last_end", sa.String(length=40), nullable=True),
        sa.Column("walked_at", dvcrawl.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_key"], ["sites.key"], name=op.f("fk_frontier_listings_site_key_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frontier_listings")),
        sa.UniqueConstraint(
            "site_key", "listing_key", name=op.f("uq_frontier_listings_site_key_listing_key")
        ),
    )
    op.create_table(
        "frontier_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_key", sa.String(length=100), nullable=False),
        sa.Column("article_key", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column(
            "next_attempt_at", dvcrawl.storage.types.UtcDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "discovered_at", dvcrawl.storage.types.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("updated_at", dvcrawl.storage.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_key"], ["sites.key"], name=op.f("fk_frontier_articles_site_key_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frontier_articles")),
        sa.UniqueConstraint(
            "site_key", "article_key", name=op.f("uq_frontier_articles_site_key_article_key")
        ),
    )
    op.create_index(
        "ix_frontier_articles_site_key_state", "frontier_articles", ["site_key", "state"]
    )
    with op.batch_alter_table("crawl_runs") as batch_op:
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch_op:
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
    op.drop_index("ix_frontier_articles_site_key_state", table_name="frontier_articles")
    op.drop_table("frontier_articles")
    op.drop_table("frontier_listings")
