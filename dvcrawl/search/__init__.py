"""Search the stored corpus: one query language, SQLite FTS5 and Postgres full-text search."""
