"""WARC capture: every HTTP response of a crawl, kept as received, in WARC 1.1 files."""

from dvcrawl.warc.writer import (
    HttpExchange,
    RecoveredFile,
    StoredRecord,
    WarcError,
    WarcLocation,
    WarcWriter,
    WrittenExchange,
    iter_records,
    prepare_directory,
    read_record,
    recover_open_files,
)

__all__ = [
    "HttpExchange",
    "RecoveredFile",
    "StoredRecord",
    "WarcError",
    "WarcLocation",
    "WarcWriter",
    "WrittenExchange",
    "iter_records",
    "prepare_directory",
    "read_record",
    "recover_open_files",
]
