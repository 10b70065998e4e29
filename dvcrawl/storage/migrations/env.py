"""Alembic environment: runs on the engine dvcrawl hands over, in batch mode on SQLite."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from dvcrawl.storage.db import get_engine
from dvcrawl.storage.models import Base
from dvcrawl.storage.search_ddl import is_model_object


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if engine is None:
        url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///dvcrawl.sqlite3"
        engine = get_engine(url)
    return engine


def run_migrations() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=engine.dialect.name == "sqlite",
            compare_type=True,
            include_name=is_model_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
