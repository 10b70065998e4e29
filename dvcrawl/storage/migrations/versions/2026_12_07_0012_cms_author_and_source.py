"""The CMS's author and source fields get their own columns, apart from the body's byline.

Until now ``byline_raw`` merged two things: the CMS's author or source field (first) and
the byline paragraph of the body. ``articles`` and ``article_versions`` gain
``cms_author``, ``cms_organisation`` and ``cms_source``; ``authors`` gains ``origin``
(``byline``, ``cms`` or ``both``: who names the author), ``byline`` for every row stored
before, and each earlier version's authors say the same.

Stored rows are split where the merged value tells its parts apart for certain:

- a line labelled "Tác giả bài viết:" came from the CMS (the old extraction removed the
  other labels, and read nothing from this one): it moves to ``cms_author``;
- a line equal to the row's ``source`` came from the CMS's source field (the body prints a
  source as "Theo …", "Nguồn: …" or "(…)"): it moves to ``cms_source``, and ``source``
  keeps the source of the body's own "Theo …" / "Nguồn: …" line, if any.

An author field printed as "Tác giả:" lost its label and reads like the body's byline;
such rows keep it in ``byline_raw`` until ``dvcrawl reextract`` reads their WARC record
again (it also splits ``cms_author`` into authors and organisation). A downgrade writes
the CMS values back into ``byline_raw`` as lines and the source into ``source``.

Both engines: new columns (added in place: on SQLite the full-text triggers stay), and an
update of the rows that carry a CMS line.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("articles", "article_versions")
NEW_COLUMNS = ("cms_author", "cms_organisation", "cms_source")
BYLINE_COLUMNS = ("byline_raw", "source", "cms_author", "cms_source")
BATCH = 1000
CMS_AUTHOR_LABEL = re.compile(r"^\s*tác\s+giả\s+bài\s+viết\s*:\s*(?P<value>.+)$", re.IGNORECASE)
BODY_SOURCE = re.compile(
    r"^\(?\s*(?:theo|nguồn)\s*:?\s+(?P<value>[^()]+?)\s*\)?[.;]?$", re.IGNORECASE
)


def upgrade() -> None:
    for table_name in TABLES:
        for name in NEW_COLUMNS:
            op.add_column(table_name, sa.Column(name, sa.Text(), nullable=True))
    op.add_column(
        "authors",
        sa.Column("origin", sa.String(length=10), server_default="byline", nullable=False),
    )
    connection = op.get_bind()
    for name in TABLES:
        table = _bylines(name)
        _rewrite(connection, table, table.c.byline_raw.is_not(None), _split_cms_lines)
    _rewrite_version_authors(connection, lambda author: {**author, "origin": "byline"})


def downgrade() -> None:
    connection = op.get_bind()
    for name in TABLES:
        table = _bylines(name)
        with_cms = table.c.cms_author.is_not(None) | table.c.cms_source.is_not(None)
        _rewrite(connection, table, with_cms, _merge_cms_lines)
    _rewrite_version_authors(
        connection, lambda author: {key: value for key, value in author.items() if key != "origin"}
    )
    # Dropped in place (SQLite 3.35+): a batch rebuild of articles would drop the
    # full-text triggers.
    op.drop_column("authors", "origin")
    for table_name in TABLES:
        for name in reversed(NEW_COLUMNS):
            op.drop_column(table_name, name)


def _bylines(name: str) -> sa.TableClause:
    return sa.table(
        name, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in BYLINE_COLUMNS)
    )


def _split_cms_lines(row: Any) -> dict[str, Any] | None:
    if row.byline_raw is None:
        return None
    lines = row.byline_raw.split("\n")
    cms_author = cms_source = None
    body_lines = []
    for line in lines:
        label = CMS_AUTHOR_LABEL.match(line)
        if label and cms_author is None:
            cms_author = label["value"].strip()
        elif row.source is not None and line.strip() == row.source and cms_source is None:
            cms_source = row.source
        else:
            body_lines.append(line)
    if cms_author is None and cms_source is None:
        return None
    source = row.source
    if cms_source is not None:
        cited = (BODY_SOURCE.match(line.strip()) for line in body_lines)
        source = next((match["value"] for match in cited if match), None)
    return {
        "byline_raw": "\n".join(body_lines) or None,
        "source": source,
        "cms_author": cms_author,
        "cms_source": cms_source,
    }


def _merge_cms_lines(row: Any) -> dict[str, Any] | None:
    if row.cms_author is None and row.cms_source is None:
        return None
    lines = [row.cms_author, row.cms_source, *(row.byline_raw or "").split("\n")]
    merged = "\n".join(dict.fromkeys(line for line in lines if line))
    return {
        "byline_raw": merged or None,
        "source": row.source or row.cms_source,
        "cms_author": row.cms_author,
        "cms_source": row.cms_source,
    }


def _rewrite(
    connection: sa.Connection,
    table: sa.TableClause,
    where: sa.ColumnElement[bool],
    change: Callable[[Any], dict[str, Any] | None],
) -> None:
    """Apply ``change`` to the rows ``where`` selects, a batch of ids at a time."""
    update = (
        table.update()
        .where(table.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(name) for name in BYLINE_COLUMNS})
    )
    after = 0
    while rows := connection.execute(
        sa.select(table).where(table.c.id > after, where).order_by(table.c.id).limit(BATCH)
    ).all():
        changes = [
            {"row_id": row.id, **changed} for row in rows if (changed := change(row)) is not None
        ]
        if changes:
            connection.execute(update, changes)
        after = rows[-1].id


def _rewrite_version_authors(
    connection: sa.Connection, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> None:
    versions = sa.table(
        "article_versions", sa.column("id", sa.Integer), sa.column("authors", sa.JSON)
    )
    update = (
        versions.update()
        .where(versions.c.id == sa.bindparam("row_id"))
        .values(authors=sa.bindparam("new_authors", type_=sa.JSON))
    )
    after = 0
    while rows := connection.execute(
        sa.select(versions).where(versions.c.id > after).order_by(versions.c.id).limit(BATCH)
    ).all():
        changes = [
            {"row_id": row.id, "new_authors": [change(author) for author in _authors(row)]}
            for row in rows
        ]
        connection.execute(update, changes)
        after = rows[-1].id


def _authors(row: Any) -> list[dict[str, Any]]:
    value = row.authors
    return list(json.loads(value) if isinstance(value, str) else value or [])
