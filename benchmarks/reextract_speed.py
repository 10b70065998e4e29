"""Re-extraction speed: articles per second of ``dvcrawl reextract`` over a linked corpus.

The corpus is synthesised from the article records of the fixture WARCs
(``tests/fixtures/warc``, dvcrawl's own captures of the synthetic sites): each copy of an
article gets a URL with a new site article id and a numbered title, written into the bytes
of the page, so every copy is a distinct article that parses as the original does. The
copies are written as response records into one WARC file in a temporary folder, parsed
once by the current parsers (in a process pool) and stored in a fresh database through
``ArchiveRepository.add_articles`` with their WARC links, as a crawl would store them.
Building the corpus is not timed.

Then ``dvcrawl.reextract.reextract`` runs over the whole corpus, timed end to end (rows
read, records read, pages parsed, revisions written, one transaction per chunk):

1. ``--dry-run``: every article parsed and compared, every transaction rolled back;
2. a real run, nothing changed (the corpus was stored by the same parsers);
3. a real run after a deliberate parser change (the family rules lose their lead selector),
   so every article with a lead is revised: version kept, row and children rewritten, event
   recorded. It runs on a copy of the corpus database made before run 1.

Usage: python benchmarks/reextract_speed.py [--articles 5000] [--jobs N] [--db-dir DIR]
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import dataclasses
import hashlib
import io
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dvcrawl import reextract as reextract_module
from dvcrawl.items import Article
from dvcrawl.parsing.extracted import extract_article
from dvcrawl.parsing.page import Page
from dvcrawl.pipelines.validate import InvalidArticle, validate_article
from dvcrawl.replay import WarcEntry, load_recordings, read_entry
from dvcrawl.sites import SITES, get_site
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_WARCS = ROOT / "tests" / "fixtures" / "warc"
FETCHED_AT = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
BENCH_WARC = "bench.warc.gz"


@dataclasses.dataclass(frozen=True)
class Template:
    """A fixture article: its record and what varies per copy."""

    site_key: str
    url: str
    article_id: str
    title: bytes
    headers: list[tuple[str, str]]
    body: bytes


def templates() -> list[Template]:
    """Every fixture article that parses, validates and prints its title as UTF-8 bytes,
    once: the fixtures' duplicates (same article id or content at another URL) are left out."""
    found = []
    seen: set[tuple[str, str | None]] = set()
    for warc in sorted(FIXTURE_WARCS.glob("*.warc.gz")):
        profile = get_site(warc.name.removesuffix(".warc.gz"))
        for entries in load_recordings([warc]).values():
            entry = entries[0]
            if not isinstance(entry, WarcEntry):
                continue
            record = read_entry(entry)
            article_id = profile.article_id(record.url)
            if record.status != 200 or not article_id:
                continue
            article = _parse(profile.key, record.url, record.text_headers(), record.body)
            title = (article.title or "").encode() if article else b""
            if article is None or not title or title not in record.body:
                continue
            keys = {(profile.key, article_id), (profile.key, article.content_hash)}
            if keys & seen:
                continue
            seen |= keys
            headers = list(record.text_headers().items())
            found.append(Template(profile.key, record.url, article_id, title, headers, record.body))
    return found


def _parse(site: str, url: str, headers: dict[str, str], body: bytes) -> Article | None:
    page = Page.from_bytes(url, body, headers=headers, fetched_at=FETCHED_AT)
    try:
        return validate_article(extract_article(page, get_site(site)))
    except InvalidArticle:
        return None


def copy_of(template: Template, number: int) -> tuple[str, bytes]:
    """URL and body of copy ``number``: a new article id, a numbered title."""
    article_id = template.article_id
    if article_id.isdigit():
        new_id = str(int(article_id) + 1_000_000 * number)
    else:
        new_id = f"{int(article_id, 16) + number:0{len(article_id)}x}"
    head, _, tail = template.url.rpartition(article_id)
    url = head + new_id + tail
    body = template.body.replace(template.title, template.title + f" (bản {number})".encode())
    return url, body


def write_corpus_warc(folder: Path, items: list[tuple[Template, str, bytes]]) -> list[int]:
    offsets = []
    with (folder / BENCH_WARC).open("wb") as stream:
        writer = WARCWriter(stream, gzip=True, warc_version="1.1")
        for template, url, body in items:
            http = StatusAndHeaders("200 OK", template.headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http
            )
            offsets.append(stream.tell())
            writer.write_record(record)
    return offsets


def _stored_article(job: tuple[str, str, list[tuple[str, str]], bytes, int, str]) -> Article:
    site, url, headers, body, offset, digest = job
    article = _parse(site, url, dict(headers), body)
    assert article is not None, url
    article.fetched_at = FETCHED_AT
    article.warc_file, article.warc_offset, article.warc_digest = BENCH_WARC, offset, digest
    return article


def build_corpus(folder: Path, size: int, jobs: int) -> str:
    """A database of ``size`` linked articles and their WARC file in ``folder``."""
    found = templates()
    items = []
    for number in range(size):
        template = found[number % len(found)]
        url, body = copy_of(template, number // len(found) + 1)
        items.append((template, url, body))
    offsets = write_corpus_warc(folder, items)
    digests = [_digest(body) for _, _, body in items]
    work = [
        (t.site_key, url, t.headers, body, offset, digest)
        for (t, url, body), offset, digest in zip(items, offsets, digests, strict=True)
    ]
    database_url = f"sqlite:///{folder / 'corpus.sqlite3'}"
    sessions = session_factory(prepare(database_url))
    with sessions.begin() as session:
        for profile in SITES.values():
            ArchiveRepository(session).save_site(profile)
    with concurrent.futures.ProcessPoolExecutor(jobs) as pool:
        articles = list(pool.map(_stored_article, work, chunksize=64))
    for start in range(0, len(articles), 500):
        with sessions.begin() as session:
            ids = ArchiveRepository(session).add_articles(articles[start : start + 500], None)
            if None in ids:
                raise SystemExit("a synthesised article repeated another: the copies must differ")
    print(f"corpus: {size} articles from {len(found)} fixture articles, {database_url}")
    return database_url


def _digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def timed(label: str, run: Callable[[], reextract_module.Summary]) -> float:
    """Run one re-extraction; print wall-clock and CPU rates; return articles/s (wall clock).

    CPU time is this process's and its parser processes' (collected when the pool shuts
    down): on a machine shared with other work it tells what the run itself cost.
    """
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    summary = run()
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    rate = summary.read / seconds
    print(
        f"{label}: {summary.read} articles in {seconds:.2f} s = {rate:.0f} articles/s; "
        f"CPU {cpu:.2f} s = {cpu / summary.read * 1e3:.2f} ms/article"
    )
    print(f"    {summary.line()}")
    return rate


def _cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def drop_lead_selectors() -> None:
    """The deliberate parser change of run 3 (inherited by the forked parser processes)."""
    for key, profile in list(SITES.items()):
        family = profile.family
        article = dataclasses.replace(family.article, lead=())
        changed = dataclasses.replace(family, article=article, revision=family.revision + 1)
        SITES[key] = dataclasses.replace(profile, family=changed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000, help="size of the corpus")
    parser.add_argument("--jobs", type=int, default=None, help="parser processes (default: CPUs)")
    parser.add_argument("--db-dir", type=Path, default=None, help="where to build (default: tmp)")
    args = parser.parse_args()
    jobs = args.jobs or os.cpu_count() or 1
    print(f"{os.cpu_count()} CPUs, {jobs} parser processes, Python {sys.version.split()[0]}")
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    with tempfile.TemporaryDirectory(dir=args.db_dir) as tmp:
        folder = Path(tmp)
        database_url = build_corpus(folder, args.articles, jobs)
        # Through SQLite's backup API: the last transactions may still be in the WAL file.
        with (
            contextlib.closing(sqlite3.connect(folder / "corpus.sqlite3")) as source,
            contextlib.closing(sqlite3.connect(folder / "changed.sqlite3")) as copy,
        ):
            source.backup(copy)

        def run(url: str, dry_run: bool) -> reextract_module.Summary:
            return reextract_module.reextract(url, warc_dir=folder, dry_run=dry_run, jobs=jobs)

        rates = [
            timed("1. dry run", lambda: run(database_url, True)),
            timed("2. real run, nothing changed", lambda: run(database_url, False)),
        ]
        drop_lead_selectors()
        changed_url = f"sqlite:///{folder / 'changed.sqlite3'}"
        rates.append(timed("3. real run, every lead dropped", lambda: run(changed_url, False)))
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    goal = "met" if min(rates) >= 500 else "NOT met"
    print(f"goal >= 500 articles/s: {goal} (slowest run {min(rates):.0f} articles/s)")


if __name__ == "__main__":
    main()
