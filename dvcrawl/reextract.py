"""Rebuild stored articles from their WARC records with the current parsers: ``dvcrawl reextract``.

Every stored article that names its WARC record (``articles.warc_file`` and
``warc_offset``) is read back from the archive, decoded as the crawl decoded it, and run
through today's parser, normalisation and validation. Where the result differs, the
repository keeps the old state as a version and overwrites the row (reason
``reextracted``). Nothing goes online.

The row keeps what identifies the capture: URL, site, fetch time and WARC link. A
failure (missing WARC file, unreadable record, parser error, an article that no longer
validates, or a new state that would repeat another stored article) is counted by
reason and leaves the row as it was.

Parsing runs in a pool of processes, one per CPU by default, fed with chunks of rows;
the main process writes, one transaction per chunk, each article whole or not at all.
"""

from __future__ import annotations

import concurrent.futures
import functools
import importlib
import json
import os
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker
from w3lib.url import canonicalize_url

from dvcrawl.items import Article
from dvcrawl.parsing.extracted import extract_article
from dvcrawl.parsing.page import Page
from dvcrawl.pipelines.validate import InvalidArticle, validate_article
from dvcrawl.replay import (
    HttpRecord,
    ReplayError,
    WarcEntry,
    index_warcs,
    read_entry,
    read_http_record,
    warc_files,
)
from dvcrawl.sites import UnknownFamily, UnknownSite, adhoc_profile, get_site
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.db import get_engine, prepare, session_factory
from dvcrawl.storage.models import ArticleRecord, ArticleVersionRecord
from dvcrawl.storage.repository import (
    CHILD_SNAPSHOTS,
    REEXTRACTED,
    SNAPSHOT_FIELDS,
    ArchiveRepository,
    RevisionConflict,
    article_row,
    child_rows,
)
from dvcrawl.text import VIETNAM_TZ
from dvcrawl.warc.writer import payload_digest

MISSING_WARC = "missing WARC file"
UNREADABLE = "record unreadable"
PARSE_FAILURE = "parse failure"
VALIDATION_FAILURE = "validation failure"
CONFLICT = "conflicts with another article"
FAILURE_REASONS = (MISSING_WARC, UNREADABLE, PARSE_FAILURE, VALIDATION_FAILURE, CONFLICT)

SelectT = TypeVar("SelectT", bound="Select[*tuple[Any, ...]]")

CHUNK_SIZE = 64
PAGE_SIZE = 2000
# Below this many linked articles a process pool costs more than it saves.
POOL_THRESHOLD = 200


@dataclass(frozen=True, slots=True)
class LinkedRow:
    """What re-extracting one stored article needs from its row."""

    article_id: int
    url: str
    site_key: str
    family: str
    fetched_at: datetime
    warc_file: str
    warc_offset: int
    warc_digest: str | None


@dataclass(frozen=True, slots=True)
class Extracted:
    """The article rebuilt from one row's record, or why it could not be."""

    row: LinkedRow
    article: Article | None = None
    failure: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What re-extraction did to one article: changed fields with old and new values,
    unchanged (no fields), or a failure."""

    article_id: int
    url: str
    site_key: str
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    failure: str | None = None
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.article_id, "url": self.url, "site": self.site_key}
        if self.failure is not None:
            return {**data, "failure": self.failure, "detail": self.detail}
        changes = {
            name: {"old": _json(old), "new": _json(new)}
            for name, (old, new) in self.changes.items()
        }
        return {**data, "changed": changes}


@dataclass
class Summary:
    read: int = 0
    changed: int = 0
    unchanged: int = 0
    unlinked: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "failed": dict(self.failed),
            "without_warc_link": self.unlinked,
            "dry_run": self.dry_run,
        }

    def line(self) -> str:
        failed = sum(self.failed.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed.items()))
        return (
            f"{self.read} articles read: {self.changed} changed, {self.unchanged} unchanged, "
            f"{failed} failed{f' ({reasons})' if reasons else ''}; "
            f"{self.unlinked} without a WARC link skipped"
            f"{'; dry run, nothing written' if self.dry_run else ''}"
        )


# --- the worker side: a record in, an article out --------------------------------------------


def extract_rows(warc_dir: str, rows: Sequence[LinkedRow]) -> list[Extracted]:
    """Rebuild the articles of ``rows`` from their records (runs in the worker processes)."""
    folder = Path(warc_dir)
    return [extract_row(folder, row) for row in rows]


def extract_row(warc_dir: Path, row: LinkedRow) -> Extracted:
    path = warc_dir / row.warc_file
    if not path.is_file():
        return Extracted(row, failure=MISSING_WARC, detail=str(path))
    try:
        record = read_linked_record(warc_dir, row)
        body = decoded_body(record)
    except ReplayError as exc:
        return Extracted(row, failure=UNREADABLE, detail=str(exc))
    try:
        page = Page.from_bytes(
            row.url,
            body,
            headers=record.text_headers(),
            status=record.status,
            fetched_at=row.fetched_at,
        )
        article = extract_article(page, profile_for(row))
    except Exception as exc:  # a parser bug must not stop the other articles
        return Extracted(row, failure=PARSE_FAILURE, detail=f"{type(exc).__name__}: {exc}")
    article = replace(
        article,
        url=row.url,
        site_key=row.site_key,
        fetched_at=row.fetched_at,
        warc_file=row.warc_file,
        warc_offset=row.warc_offset,
        warc_digest=row.warc_digest,
    )
    try:
        validate_article(article)
    except InvalidArticle as exc:
        return Extracted(row, failure=VALIDATION_FAILURE, detail=f"{type(exc).__name__}: {exc}")
    return Extracted(row, article=article)


def read_linked_record(warc_dir: Path, row: LinkedRow) -> HttpRecord:
    """The response a row links to, checked against the row's URL and payload digest.

    A row may cite a revisit record (when the capture did not know the original); its
    body is then read from the response it repeats, found in the same folder.
    """
    record = read_http_record(warc_dir / row.warc_file, row.warc_offset)
    if record.rec_type == "revisit":
        record = _revisited(warc_dir, row)
    if record.url != row.url and _url_key(record.url) != _url_key(row.url):
        raise ReplayError(
            f"{row.warc_file} at offset {row.warc_offset} holds {record.url}, not {row.url}"
        )
    if row.warc_digest and row.warc_digest.lower().startswith("sha1:"):
        digest = payload_digest(record.body)
        if digest.upper() != row.warc_digest.upper():
            raise ReplayError(
                f"{row.warc_file} at offset {row.warc_offset}: payload digest {digest} "
                f"differs from the row's {row.warc_digest}"
            )
    return record


def _revisited(warc_dir: Path, row: LinkedRow) -> HttpRecord:
    for entries in _folder_index(warc_dir).values():
        for entry in entries:
            if entry.record.name == row.warc_file and entry.record.offset == row.warc_offset:
                return read_entry(entry)
    raise ReplayError(f"the revisit at {row.warc_file}:{row.warc_offset} has no original")


@functools.cache
def _folder_index(warc_dir: Path) -> dict[str, list[WarcEntry]]:
    """Every record of the folder's WARC files; built only for a row citing a revisit."""
    return index_warcs(warc_files(warc_dir))


def _url_key(url: str) -> str:
    return canonicalize_url(url)


def decoded_body(record: HttpRecord) -> bytes:
    """The body with its content encodings undone, as Scrapy's HttpCompressionMiddleware
    does before the spider sees it."""
    body = record.body
    encodings = [
        part.strip().lower()
        for key, value in record.headers
        if key.lower() == b"content-encoding"
        for part in value.split(b",")
        if part.strip() and part.strip().lower() != b"identity"
    ]
    for encoding in reversed(encodings):
        try:
            body = _decode(body, encoding)
        except (OSError, EOFError, zlib.error, ValueError) as exc:
            raise ReplayError(f"cannot undo content encoding {encoding.decode()}: {exc}") from exc
    return body


def _decode(body: bytes, encoding: bytes) -> bytes:
    if encoding in (b"gzip", b"x-gzip"):
        from scrapy.utils.gz import gunzip

        return gunzip(body)
    if encoding == b"deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:  # servers often send raw deflate without the zlib header
            return zlib.decompress(body, -zlib.MAX_WBITS)
    if encoding == b"br":
        brotli = importlib.import_module("brotli")  # installed with Scrapy; ships no types
        result: bytes = brotli.decompress(body)
        return result
    raise ValueError("not supported")


def profile_for(row: LinkedRow) -> SiteProfile:
    """The registered profile of the row's site, else an ad-hoc one of its family."""
    try:
        return get_site(row.site_key)
    except UnknownSite:
        pass
    parts = urlsplit(row.url)
    try:
        return adhoc_profile(row.family, [f"{parts.scheme}://{parts.netloc}/"], key=row.site_key)
    except (UnknownFamily, ValueError) as exc:
        raise ValueError(f"no profile for site {row.site_key!r}: {exc}") from exc


# --- the main process: select rows, farm out parsing, write revisions --------------------------


def start_of_day(day: date) -> datetime:
    """Midnight in Vietnam: the day a Vietnamese archivist means."""
    return datetime.combine(day, time(), tzinfo=VIETNAM_TZ)


def _filtered(query: SelectT, site: str | None, since: date | None) -> SelectT:
    if site:
        query = query.where(ArticleRecord.site_key == site)
    if since:
        query = query.where(ArticleRecord.fetched_at >= start_of_day(since))
    return query


def linked_rows(
    sessions: sessionmaker[Session], site: str | None, since: date | None
) -> Iterator[LinkedRow]:
    """Rows with a WARC link, by id, read a page at a time (the corpus may be large)."""
    columns = (
        ArticleRecord.id,
        ArticleRecord.url,
        ArticleRecord.site_key,
        ArticleRecord.family,
        ArticleRecord.fetched_at,
        ArticleRecord.warc_file,
        ArticleRecord.warc_offset,
        ArticleRecord.warc_digest,
    )
    last_id = 0
    while True:
        query = _filtered(select(*columns), site, since).where(
            ArticleRecord.id > last_id,
            ArticleRecord.warc_file.is_not(None),
            ArticleRecord.warc_offset.is_not(None),
        )
        with sessions() as session:
            page = session.execute(query.order_by(ArticleRecord.id).limit(PAGE_SIZE)).all()
        if not page:
            return
        for article_id, url, site_key, family, fetched_at, name, offset, digest in page:
            assert name is not None  # the query keeps only linked rows
            assert offset is not None
            yield LinkedRow(article_id, url, site_key, family, fetched_at, name, offset, digest)
        last_id = page[-1][0]


def count_unlinked(sessions: sessionmaker[Session], site: str | None, since: date | None) -> int:
    query = _filtered(select(func.count(ArticleRecord.id)), site, since).where(
        (ArticleRecord.warc_file.is_(None)) | (ArticleRecord.warc_offset.is_(None))
    )
    with sessions() as session:
        return session.scalar(query) or 0


def _chunks(rows: Iterator[LinkedRow], size: int) -> Iterator[list[LinkedRow]]:
    chunk: list[LinkedRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extracted_chunks(
    warc_dir: Path, chunks: Iterator[list[LinkedRow]], jobs: int, database_url: str
) -> Iterator[list[Extracted]]:
    """Extracted chunks in row order; with ``jobs > 1`` a few chunks ahead in a process pool."""
    if jobs <= 1:
        for chunk in chunks:
            yield extract_rows(str(warc_dir), chunk)
        return
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, initializer=_leave_connections_to_parent, initargs=(database_url,)
    ) as pool:
        pending: deque[concurrent.futures.Future[list[Extracted]]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(extract_rows, str(warc_dir), chunk))
            if len(pending) >= jobs * 3:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _leave_connections_to_parent(database_url: str) -> None:
    """A forked parser process must never use or close the database connections it
    inherited (SQLAlchemy's advice for engines across ``fork``)."""
    get_engine(database_url).dispose(close=False)


def reextract(
    database_url: str,
    *,
    warc_dir: Path,
    site: str | None = None,
    since: date | None = None,
    dry_run: bool = False,
    jobs: int | None = None,
    report: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Re-extract the linked articles, revise those that changed, and count what happened.

    ``report`` is called once per changed or failed article, in id order. With
    ``dry_run`` every revision is made and rolled back, so the report is exactly what a
    real run would write.
    """
    sessions = session_factory(prepare(database_url))
    summary = Summary(dry_run=dry_run, unlinked=count_unlinked(sessions, site, since))
    rows = linked_rows(sessions, site, since)
    first = list(_take(rows, POOL_THRESHOLD))
    workers = jobs or os.cpu_count() or 1
    if len(first) < POOL_THRESHOLD:
        workers = 1
    chunks = _chunks(_chain(first, rows), CHUNK_SIZE)
    for extracted in _extracted_chunks(warc_dir, chunks, workers, database_url):
        for outcome in _write_chunk(sessions, extracted, dry_run):
            _count(summary, outcome)
            if report is not None and (outcome.changes or outcome.failure):
                report(outcome)
    return summary


def _take(rows: Iterator[LinkedRow], n: int) -> Iterator[LinkedRow]:
    for _, row in zip(range(n), rows, strict=False):
        yield row


def _chain(first: list[LinkedRow], rest: Iterator[LinkedRow]) -> Iterator[LinkedRow]:
    yield from first
    yield from rest


def _count(summary: Summary, outcome: Outcome) -> None:
    summary.read += 1
    if outcome.failure is not None:
        summary.failed[outcome.failure] += 1
    elif outcome.changes:
        summary.changed += 1
    else:
        summary.unchanged += 1


def _write_chunk(
    sessions: sessionmaker[Session], extracted: list[Extracted], dry_run: bool
) -> list[Outcome]:
    """Revise the chunk's articles in one transaction; rolled back on a dry run.

    ``revise_article`` refuses a conflict before it writes anything, so a refused
    article leaves the transaction clean for the others.
    """
    outcomes: list[Outcome] = []
    with sessions() as session:
        transaction = session.begin()
        repository = ArchiveRepository(session)
        for item in extracted:
            outcomes.append(_revise(session, repository, item))
        if dry_run:
            transaction.rollback()
        else:
            transaction.commit()
    return outcomes


def _revise(session: Session, repository: ArchiveRepository, item: Extracted) -> Outcome:
    row = item.row
    outcome = Outcome(row.article_id, row.url, row.site_key)
    if item.article is None:
        return replace(outcome, failure=item.failure, detail=item.detail)
    try:
        changed = repository.revise_article(row.article_id, item.article, reason=REEXTRACTED)
    except RevisionConflict as exc:
        return replace(outcome, failure=CONFLICT, detail=str(exc))
    if not changed:
        return outcome
    return replace(outcome, changes=_old_and_new(session, row.article_id, item.article, changed))


def _old_and_new(
    session: Session, article_id: int, article: Article, changed: list[str]
) -> dict[str, tuple[Any, Any]]:
    """Each changed field's value before (the version just kept) and after."""
    version = session.scalars(
        select(ArticleVersionRecord)
        .where(ArticleVersionRecord.article_id == article_id)
        .order_by(ArticleVersionRecord.version.desc())
        .limit(1)
    ).one()
    new = article_row(article, None)
    children = child_rows(article, article_id)
    for name, model in CHILD_SNAPSHOTS.items():
        new[name] = [{key: row[key] for key in SNAPSHOT_FIELDS[name]} for row in children[model]]
    return {name: (getattr(version, name), new[name]) for name in changed}


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


# --- showing a change ---------------------------------------------------------------------


def shorten_change(old: Any, new: Any, width: int = 70) -> tuple[str, str]:
    """Old and new values as short text, both cut around where they first differ."""
    old_text, new_text = _as_text(old), _as_text(new)
    common = 0
    for a, b in zip(old_text, new_text, strict=False):
        if a != b:
            break
        common += 1
    start = max(0, common - width // 3)
    return _window(old_text, start, width), _window(new_text, start, width)


def _as_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(_json(value), ensure_ascii=False, default=str)


def _window(text: str, start: int, width: int) -> str:
    cut = text[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(text) else "")
