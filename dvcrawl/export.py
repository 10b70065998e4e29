"""Stream articles to CSV, JSON Lines or Parquet, a batch at a time (constant memory)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from dvcrawl.corpus import FIELDS, ArticleRow

FORMATS = ("csv", "jsonl", "parquet")
BATCH = 500
LIST_SEPARATOR = " | "


def export(rows: Iterable[ArticleRow], path: Path, format: str) -> int:
    """Write ``rows`` to ``path`` in ``format``; returns how many were written."""
    if format == "parquet":
        return _parquet(rows, path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        return _csv(rows, stream) if format == "csv" else _jsonl(rows, stream)


def _csv(rows: Iterable[ArticleRow], stream: TextIO) -> int:
    """One row per article; lists joined with " | ", times in ISO 8601."""
    writer = csv.DictWriter(stream, fieldnames=FIELDS)
    writer.writeheader()
    count = 0
    for row in rows:
        flat = {
            key: LIST_SEPARATOR.join(value) if isinstance(value, list) else value
            for key, value in row.to_dict().items()
        }
        writer.writerow(flat)
        count += 1
    return count


def _jsonl(rows: Iterable[ArticleRow], stream: TextIO) -> int:
    count = 0
    for row in rows:
        stream.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def _parquet(rows: Iterable[ArticleRow], path: Path) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise RuntimeError("Parquet export needs pyarrow: pip install 'dvcrawl[parquet]'") from exc
    text, stamp, texts = pa.string(), pa.timestamp("us", tz="UTC"), pa.list_(pa.string())
    types: dict[str, Any] = dict.fromkeys(FIELDS, text)
    types.update(id=pa.int64(), published_at=stamp, fetched_at=stamp)
    for name in ("authors", "tags", "captions", "image_urls", "attachments"):
        types[name] = texts
    schema = pa.schema([(name, types[name]) for name in FIELDS])
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        for batch in _batches(rows, BATCH):
            columns = {name: [getattr(row, name) for row in batch] for name in FIELDS}
            writer.write_table(pa.table(columns, schema=schema))
            count += len(batch)
    return count


def _batches(rows: Iterable[ArticleRow], size: int) -> Iterator[list[ArticleRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch
