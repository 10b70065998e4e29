"""Bulk insert and full-text search speed of the corpus store, SQLite and Postgres.

For each engine and size, into a fresh database (SQLite: a file in a temporary folder;
Postgres: a new database ``dvcrawl_bench_<size>``, dropped afterwards), whose schema comes from
the Alembic migrations (``dvcrawl.storage.db.prepare``), FTS5 triggers and GIN indexes included:

1. Insert. The corpus of each size (``benchmarks/corpus_generator.py``, seeded) is generated
   once, before any engine, counting word document frequencies as it goes, and pickled batch
   by batch (``--batch`` articles) to a temporary file. For each engine the sites are saved
   (``ArchiveRepository.save_site``), then the batches are read back and each goes in through
   ``ArchiveRepository.add_articles`` in its own transaction, so the search indexes are kept
   current as in a crawl. Only ``add_articles`` and its commit are timed: articles/s = stored
   articles / that time. Generation (dedupe keys included: a cheap approximation by default,
   see the generator; ``--normalize`` runs ``normalize_article``) and reading back are
   reported apart. Inserting stops after ``--insert-limit`` minutes; the run then reports the
   projected time and searches what was stored. On Postgres, ``VACUUM (ANALYZE)`` follows
   the load (autovacuum would soon do the same: statistics, and the visibility map that
   index-only scans need); SQLite is left as dvcrawl leaves it.
2. Search. ``Corpus(url).search`` end to end (query parsing, SQL, authors, snippets) for 21
   query shapes; each shape gets one untimed warm-up query, then ``--queries-per-shape`` timed
   queries with different terms, drawn by frequency band from the words actually generated
   (common: the 40 words in most articles; mid: in 0.5–5% of articles; rare: the 80 words in
   fewest articles, at least one). A query is cancelled after ``--query-timeout`` seconds
   (Postgres ``statement_timeout``; SQLite progress handler) and counted as that long; a shape
   stops early when its timed queries pass ``--shape-budget`` seconds. Latency p50/p95/max in
   ms per shape, and over all timed queries. Each timed query then runs once more, timed
   apart ("again"): its pages are then in memory, while the first run reads whatever the
   page cache has let go from disk, which on a machine short of cache is most of a
   million-article corpus. The goal is judged on the first runs.

A table per engine and size, then a summary with the goals: insert ≥ 2,000 articles/s on
SQLite, search p95 ≤ 50 ms at 1,000,000 articles on both engines.

Usage: python benchmarks/storage_speed.py [--engines sqlite,postgres] [--sizes 100000,1000000]
       [--batch 500] [--queries-per-shape 25] [--seed 1] [--normalize] [--query-timeout 30]
       [--shape-budget 60] [--insert-limit 45] [--keep-databases] [--corpus-cache DIR]
       [--results FILE.jsonl] [--postgres-url postgresql://postgres@127.0.0.1:5432/test]
       [--search-existing URL]   (search a kept database again, e.g. after a search change)
       python benchmarks/storage_speed.py --summarize FILE.jsonl   (the summary of past runs)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import gc
import itertools
import json
import math
import os
import pickle
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

from corpus_generator import FIRST_YEAR, LAST_DAY, CorpusModel, build_model, generate, site_profiles
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from dvcrawl.corpus import Corpus
from dvcrawl.items import Article
from dvcrawl.storage.db import get_engine, normalize_url, prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.text import fold_diacritics

INSERT_GOAL: Final = 2000.0
"""Articles per second, SQLite."""
SEARCH_GOAL_MS: Final = 50.0
"""p95 over all shapes, at GOAL_SIZE articles, both engines."""
GOAL_SIZE: Final = 1_000_000
DEADLINE: list[float] = [math.inf]
"""When the running SQLite query is interrupted (time.monotonic())."""
WORD_RE: Final = re.compile(r"[^\W\d_]+")
CODE_RE: Final = re.compile(r"\b\d+-[A-ZĐ]+/[A-ZĐ]+")


# --- what was generated --------------------------------------------------------------------


@dataclass
class Frequencies:
    """Document frequencies in the generated corpus, as accent-free search sees words."""

    articles: int = 0
    words: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    authors: Counter[str] = field(default_factory=Counter)
    folded: dict[str, str] = field(default_factory=dict)

    def add(self, article: Article) -> None:
        text_ = " ".join((article.title or "", article.lead or "", *article.body))
        folded = self.folded
        words = set()
        for word in set(WORD_RE.findall(text_.lower())):
            fold = folded.get(word)
            if fold is None:
                fold = folded[word] = fold_diacritics(word)
            words.add(fold)
        self.words.update(words)
        self.codes.update(set(CODE_RE.findall(text_)))
        if article.byline:
            self.authors.update({a.name for a in article.byline.authors if not a.anonymous})
        self.articles += 1


# --- query shapes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Search:
    """One ``Corpus.search`` call."""

    query: str
    exact: bool = False
    limit: int = 20
    sites: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    author: str | None = None
    category: str | None = None

    def run(self, corpus: Corpus, timeout_s: float) -> int | None:
        """Hits found, or None when the query ran out of time."""
        DEADLINE[0] = time.monotonic() + timeout_s
        try:
            hits = corpus.search(
                self.query,
                exact=self.exact,
                limit=self.limit,
                sites=self.sites,
                provinces=self.provinces,
                since=self.since,
                until=self.until,
                author=self.author,
                category=self.category,
            )
        except DBAPIError as error:  # Postgres statement_timeout, SQLite interrupt
            if "cancel" in str(error) or "interrupt" in str(error):
                return None
            raise
        finally:
            DEADLINE[0] = math.inf
        return len(hits)

    def describe(self) -> str:
        parts = [self.query]
        if self.exact:
            parts.append("exact")
        if self.limit != 20:
            parts.append(f"limit={self.limit}")
        for name in ("sites", "provinces"):
            if value := getattr(self, name):
                parts.append(f"{name}={','.join(value)}")
        if self.since or self.until:
            parts.append(f"{self.since}..{self.until}")
        if self.author:
            parts.append(f"author={self.author}")
        if self.category:
            parts.append(f"category={self.category}")
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class Shape:
    name: str
    searches: tuple[Search, ...]
    """The first is the warm-up."""


class Terms:
    """Query terms by frequency band, drawn without repeats while a band lasts."""

    def __init__(
        self, model: CorpusModel, frequencies: Frequencies, rng: random.Random, count: int
    ) -> None:
        self.rng = rng
        self.count = count
        n = frequencies.articles
        ranked = [(word, df) for word, df in frequencies.words.most_common() if word.isalpha()]
        self.common = [word for word, _ in ranked[:40]]
        self.mid = [word for word, df in ranked if 0.005 * n <= df <= 0.05 * n]
        rare = [(word, df) for word, df in reversed(ranked) if len(word) > 1][:80]
        self.rare = [word for word, _ in rare]
        self.rare_range = (rare[0][1], rare[-1][1]) if rare else (0, 0)
        present = set(frequencies.words)
        absent = [w for w in model.tail.items if fold_diacritics(w) not in present]
        while len(absent) < count + 1:
            candidate = "".join(rng.choice("bcdghklmnqrstvx") + rng.choice("aeiouy") for _ in "xxx")
            if candidate not in present:
                absent.append(candidate)
        self.absent = absent
        bigrams = [b for b in model.bigrams[:300] if not any(c.isdigit() for c in b)]
        self.bigrams = bigrams[:150]
        self.d_bigrams = [b for b in bigrams if "đ" in b] or bigrams
        self.old_style = [
            " ".join(model.old_style.get(w, w) for w in b.split())
            for b in bigrams
            if any(w in model.old_style for w in b.split())
        ] or bigrams
        self.phrases = self._phrases(model) or bigrams
        self.codes = [code for code, _ in frequencies.codes.most_common(40)] or ["43-NQ/TW"]
        self.authors = [name for name, _ in frequencies.authors.most_common(150)]
        self.sites = [site.key for site in model.sites.items]
        self.provinces = list(
            dict.fromkeys(site.province for site in model.sites.items if site.province)
        )
        self.categories = list(model.categories.items)

    @staticmethod
    def _phrases(model: CorpusModel) -> list[str]:
        """Frequent runs of three syllables in the fixture sentences."""
        counts: Counter[str] = Counter()
        for sentence in model.sentences:
            words = [w.lower() for w in sentence]
            for window in zip(words, words[1:], words[2:], strict=False):
                if all(w.isalpha() for w in window):
                    counts[" ".join(window)] += 1
        return [phrase for phrase, _ in counts.most_common(150)]

    def draw(self, band: Sequence[str]) -> Iterator[str]:
        """``count + 1`` picks from ``band``: distinct while it lasts, then again."""
        picks: list[str] = []
        while len(picks) < self.count + 1:
            picks += self.rng.sample(list(band), min(len(band), self.count + 1 - len(picks)))
        return iter(picks)

    def dates(self) -> Iterator[tuple[date, date]]:
        span = (LAST_DAY - date(FIRST_YEAR, 1, 1)).days
        for _ in range(self.count + 1):
            start = date(FIRST_YEAR, 1, 1) + timedelta(days=self.rng.randrange(span - 400))
            yield start, start + timedelta(days=self.rng.randint(30, 365))


def mixed_case(text_: str, rng: random.Random) -> str:
    return " ".join(rng.choice((str.upper, str.title, str.lower))(w) for w in text_.split())


def shapes(model: CorpusModel, frequencies: Frequencies, count: int, seed: int) -> list[Shape]:
    """The query shapes, each with ``count + 1`` searches (the first is the warm-up)."""
    rng = random.Random(f"queries-{seed}")
    t = Terms(model, frequencies, rng, count)
    n = count + 1

    def shape(name: str, make: Callable[[], Search]) -> Shape:
        return Shape(name, tuple(make() for _ in range(n)))

    common, mid, rare = t.draw(t.common), t.draw(t.mid), t.draw(t.rare)
    pools = {name: t.draw(t.common) for name in ("site", "prov", "date", "auth", "cat", "lim")}
    bigram, exact, phrase = t.draw(t.bigrams), t.draw(t.bigrams), t.draw(t.phrases)
    excluded_phrase, excluded_word = t.draw(t.bigrams), t.draw(t.mid)
    three = [t.draw(t.common), t.draw(t.common), t.draw(t.mid)]
    six = [t.draw(t.common) for _ in range(6)]
    sites, provinces = itertools.cycle(t.sites), itertools.cycle(t.provinces)
    authors, categories = t.draw(t.authors), itertools.cycle(t.categories)
    rare_filtered, absent, absent_with = t.draw(t.rare), t.draw(t.absent), t.draw(t.common)
    d_bigrams, old_style, cased = t.draw(t.d_bigrams), t.draw(t.old_style), t.draw(t.bigrams)
    codes, dates = t.draw(t.codes), t.dates()

    def dated() -> Search:
        since, until = next(dates)
        return Search(next(pools["date"]), since=since, until=until)

    return [
        shape("common word", lambda: Search(next(common))),
        shape("mid-frequency word", lambda: Search(next(mid))),
        shape(f"rare word (df {t.rare_range[0]}-{t.rare_range[1]})", lambda: Search(next(rare))),
        shape("two words, no accents", lambda: Search(fold_diacritics(next(bigram)))),
        shape("accented, exact", lambda: Search(next(exact), exact=True)),
        shape("phrase", lambda: Search(f'"{next(phrase)}"')),
        shape(
            "phrase -exclusion",
            lambda: Search(f'"{next(excluded_phrase)}" -{next(excluded_word)}'),
        ),
        shape("three words", lambda: Search(" ".join(next(w) for w in three))),
        shape("common + site", lambda: Search(next(pools["site"]), sites=(next(sites),))),
        shape(
            "common + province",
            lambda: Search(next(pools["prov"]), provinces=(next(provinces),)),
        ),
        shape("common + date range", dated),
        shape("common + author", lambda: Search(next(pools["auth"]), author=next(authors))),
        shape("common + category", lambda: Search(next(pools["cat"]), category=next(categories))),
        shape(
            "rare + since 2015",
            lambda: Search(next(rare_filtered), since=date(2015, 1, 1)),
        ),
        shape("matches nothing", lambda: Search(f"{next(absent_with)} {next(absent)}")),
        shape("six common words", lambda: Search(" ".join(next(w) for w in six))),
        shape("đ/d folding", lambda: Search(fold_diacritics(next(d_bigrams)))),
        shape("hoà/thuỷ tone style", lambda: Search(next(old_style))),
        shape("mixed case", lambda: Search(mixed_case(next(cased), rng))),
        shape("document code", lambda: Search(next(codes))),
        shape("common, limit=100", lambda: Search(next(pools["lim"]), limit=100)),
    ]


# --- measuring -------------------------------------------------------------------------------


@dataclass
class ShapeResult:
    name: str
    example: str
    times_ms: list[float]
    hits: list[int]
    timeouts: int
    cut_short: bool
    again_ms: list[float] = field(default_factory=list)
    """The same queries, each run again right after its timed run."""

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def p95_again(self) -> float:
        return percentile(self.again_ms, 95)


@dataclass
class Load:
    stored: int = 0
    skipped: int = 0
    insert_s: float = 0.0
    read_s: float = 0.0
    """Reading the pickled batches back, between the timed inserts."""

    @property
    def rate(self) -> float:
        return self.stored / self.insert_s if self.insert_s else 0.0


@dataclass
class RunResult:
    engine: str
    size: int
    generate_s: float
    load: Load
    database_bytes: int
    shapes: list[ShapeResult]
    collections: CollectorPauses

    @property
    def complete(self) -> bool:
        return self.load.stored + self.load.skipped >= self.size

    @property
    def all_times(self) -> list[float]:
        return [t for shape in self.shapes for t in shape.times_ms]

    @property
    def all_times_again(self) -> list[float]:
        return [t for shape in self.shapes for t in shape.again_ms]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def fresh_database(engine_name: str, size: int, args: argparse.Namespace) -> Iterator[str]:
    """The URL of a new, empty database, removed afterwards unless ``--keep-databases``."""
    if engine_name == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="dvcrawl_bench_"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        try:
            yield url
        finally:
            get_engine(url).dispose()
            if args.keep_databases:
                log(f"  kept {url}")
            else:
                shutil.rmtree(folder)
        return
    name = f"dvcrawl_bench_{size}"
    admin = create_engine(normalize_url(args.postgres_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    url = args.postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        for engine in (get_engine(url), get_engine(search_url(url, args.query_timeout))):
            engine.dispose()
        if args.keep_databases:
            log(f"  kept {url}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def search_url(url: str, timeout_s: float) -> str:
    """The URL the searches use: on Postgres, with a statement timeout."""
    if not url.startswith("postgres"):
        return url
    return f"{url}?options=-c%20statement_timeout%3D{int(timeout_s * 1000)}"


def searching(url: str, timeout_s: float) -> Corpus:
    """The corpus at ``url`` for timed searches, each cancelled after ``timeout_s``: by
    Postgres' statement timeout, or on SQLite by ``interrupt_late_queries``."""
    if get_engine(url).dialect.name == "sqlite":
        interrupt_late_queries(get_engine(url))
    return Corpus(search_url(url, timeout_s))


def interrupt_late_queries(engine: Engine) -> None:
    """SQLite has no statement timeout: a progress handler interrupts after DEADLINE."""

    def install(connection: Any, _record: Any) -> None:
        connection.set_progress_handler(lambda: time.monotonic() > DEADLINE[0], 100_000)

    engine.dispose()
    event.listen(engine, "connect", install)


def database_bytes(url: str) -> int:
    engine = get_engine(url)
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with engine.connect() as connection:
        return int(connection.scalar(text("SELECT pg_database_size(current_database())")) or 0)


@dataclass(frozen=True, slots=True)
class CorpusFile:
    """The generated corpus of one size, pickled batch by batch, read back for each engine."""

    path: Path
    articles: int
    frequencies: Frequencies
    generate_s: float

    def batches(self) -> Iterator[list[Article]]:
        with self.path.open("rb") as stream:
            while True:
                try:
                    yield pickle.load(stream)
                except EOFError:
                    return


@contextmanager
def generated(size: int, args: argparse.Namespace) -> Iterator[CorpusFile]:
    """Generate the corpus once (counting word frequencies), for every engine to insert.

    With ``--corpus-cache DIR`` the pickled corpus and its word counts stay there, and later
    runs with the same size, seed, batch and keys read them instead of generating again.
    """
    if args.corpus_cache:
        folder = Path(args.corpus_cache)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"corpus-{size}-seed{args.seed}-batch{args.batch}-{'nk' if args.normalize else 'fk'}"
        yield from _generated(size, folder / f"{stem}.pickle", folder / f"{stem}.counts", args)
        return
    with tempfile.TemporaryDirectory(prefix="dvcrawl_bench_corpus_") as temporary:
        folder = Path(temporary)
        yield from _generated(size, folder / "corpus.pickle", folder / "counts.pickle", args)


def _generated(
    size: int, path: Path, counts: Path, args: argparse.Namespace
) -> Iterator[CorpusFile]:
    if counts.exists():
        log(f"reading {size:,} generated articles from {path}")
        frequencies, elapsed = pickle.loads(counts.read_bytes())
        yield CorpusFile(path, size, frequencies, elapsed)
        return
    log(f"generating {size:,} articles")
    frequencies = Frequencies()
    started = time.perf_counter()
    articles = generate(size, args.seed, normalize=args.normalize)
    with path.open("wb") as stream:
        while batch := list(itertools.islice(articles, args.batch)):
            for article in batch:
                frequencies.add(article)
            pickle.dump(batch, stream, protocol=pickle.HIGHEST_PROTOCOL)
    elapsed = time.perf_counter() - started
    counts.write_bytes(pickle.dumps((frequencies, elapsed)))  # written last: marks it complete
    log(f"  {elapsed:,.0f} s, {path.stat().st_size / 2**20:,.0f} MiB")
    yield CorpusFile(path, size, frequencies, elapsed)


def load(url: str, corpus: CorpusFile, args: argparse.Namespace) -> Load:
    """Insert the corpus (until ``--insert-limit`` minutes of inserting have passed)."""
    engine = prepare(url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        for profile in site_profiles(args.seed):
            repository.save_site(profile)
        run_id = repository.start_run("danvan", "benchmark")
    result = Load()
    step = max(corpus.articles // 10, 1)
    next_report = step
    # The rate of each step alone: the cumulative rate hides how far it falls as the
    # corpus grows (the indexes' pages and FTS5's merges spread over a larger file).
    reported = Load()
    started = time.perf_counter()
    for batch in corpus.batches():
        before = time.perf_counter()
        with sessions.begin() as session:
            ids = ArchiveRepository(session).add_articles(batch, run_id)
        result.insert_s += time.perf_counter() - before
        added = sum(1 for i in ids if i is not None)
        result.stored += added
        result.skipped += len(ids) - added
        if result.stored + result.skipped >= next_report:
            next_report += step
            step_rate = Load(
                stored=result.stored - reported.stored, insert_s=result.insert_s - reported.insert_s
            ).rate
            log(
                f"  {result.stored + result.skipped:>9,} articles: {result.rate:,.0f}/s insert "
                f"({step_rate:,.0f}/s for the last step), "
                f"{time.perf_counter() - started:,.0f} s"
            )
            reported = Load(stored=result.stored, insert_s=result.insert_s)
        if result.insert_s > args.insert_limit * 60:
            break
    result.read_s = time.perf_counter() - started - result.insert_s
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM (ANALYZE)")
            )
    return result


class CollectorPauses:
    """Python's full collections (generation 2) while searches were timed: how many, and
    the longest in ms. A gc.callbacks hook."""

    def __init__(self) -> None:
        self.count = 0
        self.longest_ms = 0.0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)


@contextmanager
def benchmark_data_frozen() -> Iterator[CollectorPauses]:
    """While inside, what the benchmark itself holds (above all the corpus's word counts,
    dicts of millions of entries) is out of the garbage collector's reach (gc.freeze), and
    the full collections that still run are counted.

    Left in reach, each full collection walked those dicts: about 80 ms at a million
    articles, added to whichever search was running, though a program that searches does
    not hold them. The searches' own objects are collected as before.
    """
    gc.collect()
    gc.freeze()
    pauses = CollectorPauses()
    gc.callbacks.append(pauses)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(pauses)
        gc.unfreeze()


def existing_load(url: str) -> Load:
    """What a database loaded by an earlier run holds; its insert was not timed."""
    with get_engine(url).connect() as connection:
        stored = int(connection.scalar(text("SELECT count(*) FROM articles")) or 0)
    return Load(stored=stored)


def measure(corpus: Corpus, shape: Shape, args: argparse.Namespace) -> ShapeResult:
    shape.searches[0].run(corpus, args.query_timeout)  # warm-up
    times: list[float] = []
    again: list[float] = []
    hits: list[int] = []
    timeouts = 0
    for search in shape.searches[1:]:
        for measured in (times, again):
            before = time.perf_counter()
            found = search.run(corpus, args.query_timeout)
            measured.append((time.perf_counter() - before) * 1000)
        if found is None:
            timeouts += 1
        else:
            hits.append(found)
        if sum(times) > args.shape_budget * 1000:
            break
    cut_short = len(times) < len(shape.searches) - 1
    example = shape.searches[1].describe()
    return ShapeResult(shape.name, example, times, hits, timeouts, cut_short, again)


def run(engine_name: str, corpus: CorpusFile, args: argparse.Namespace) -> RunResult:
    size = corpus.articles
    if args.search_existing:
        log(f"{engine_name}: searching {args.search_existing}, loaded earlier; no insert")
        database: contextlib.AbstractContextManager[str] = contextlib.nullcontext(
            args.search_existing
        )
    else:
        log(f"{engine_name}, {size:,} articles: inserting")
        database = fresh_database(engine_name, size, args)
    with database as url:
        loaded = existing_load(url) if args.search_existing else load(url, corpus, args)
        size_bytes = database_bytes(url)
        log(f"{engine_name}, {loaded.stored:,} articles: searching")
        model = build_model(args.seed)
        planned = shapes(model, corpus.frequencies, args.queries, args.seed)
        results: list[ShapeResult] = []
        with searching(url, args.query_timeout) as searcher, benchmark_data_frozen() as pauses:
            for shape in planned:
                results.append(measure(searcher, shape, args))
                log(f"  {shape.name}: p95 {results[-1].p95:,.1f} ms")
    result = RunResult(engine_name, size, corpus.generate_s, loaded, size_bytes, results, pauses)
    print_run(result, args)
    return result


# --- printing --------------------------------------------------------------------------------


def print_run(result: RunResult, args: argparse.Namespace) -> None:
    loaded = result.load
    print(f"\n== {result.engine}, {result.size:,} articles ==")
    if not result.complete:
        done = loaded.stored + loaded.skipped
        print(
            f"STOPPED after {args.insert_limit:.0f} min of inserting: {done:,} of "
            f"{result.size:,} articles; at this rate all would take "
            f"{result.size / loaded.rate / 60:,.0f} min. Searches below run on {done:,}."
        )
    if args.search_existing:
        print(f"insert: not timed; searching {loaded.stored:,} articles loaded by an earlier run")
    else:
        print(
            f"insert: {loaded.stored:,} stored, {loaded.skipped} skipped as repeats, "
            f"{loaded.insert_s:,.1f} s in add_articles + commit (batches of {args.batch}): "
            f"{loaded.rate:,.0f} articles/s"
        )
        print(
            f"not in the insert rate: generation {result.generate_s:,.1f} s once for all engines "
            f"({result.size / result.generate_s:,.0f} articles/s"
            f"{', with normalize_article' if args.normalize else ''}, word counts included), "
            f"reading batches back {loaded.read_s:,.1f} s; "
            f"database {result.database_bytes / 2**20:,.0f} MiB"
        )
    print(
        f"search: {args.queries} queries per shape after 1 warm-up; *: cut short after "
        f"{args.shape_budget:.0f} s; t/o: timed out at {args.query_timeout:.0f} s (counted as "
        "that long, so percentiles are lower bounds); again: each query run once more; "
        f"full garbage collections while timing: {result.collections.count}"
        + (f", longest {result.collections.longest_ms:,.1f} ms" if result.collections.count else "")
    )
    print(
        f"  {'shape':<26} {'example':<44} {'n':>3}  {'t/o':>3} {'hits':>4} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'again p95':>9}"
    )
    for shape in result.shapes:
        example = shape.example if len(shape.example) <= 44 else shape.example[:43] + "…"
        hits = f"{statistics.median(shape.hits):>4.0f}" if shape.hits else "   -"
        print(
            f"  {shape.name:<26} {example:<44} {len(shape.times_ms):>3}"
            f"{'*' if shape.cut_short else ' '} {shape.timeouts or '':>3} {hits} "
            f"{shape.p50:>8.1f} {shape.p95:>8.1f} {max(shape.times_ms):>8.1f} "
            f"{shape.p95_again:>9.1f}"
        )
    times = result.all_times
    print(
        f"  {'all shapes':<26} {'':<44} {len(times):>3}  {'':>3}      "
        f"{percentile(times, 50):>8.1f} {percentile(times, 95):>8.1f} {max(times):>8.1f} "
        f"{percentile(result.all_times_again, 95):>9.1f}"
    )
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


@dataclass(frozen=True, slots=True)
class Summary:
    """One line of the summary table; also what ``--results`` keeps, one JSON line a run."""

    engine: str
    size: int
    stored: int
    insert_rate: float
    p50: float
    p95: float
    worst_shape: str
    worst_p95: float
    revision: str
    p95_again: float | None = None
    """Of each query run again (absent from results files written before it was measured)."""

    @classmethod
    def of(cls, r: RunResult) -> Summary:
        worst = max(r.shapes, key=lambda s: s.p95)
        times = r.all_times
        return cls(
            r.engine,
            r.size,
            r.load.stored,
            r.load.rate,
            percentile(times, 50),
            percentile(times, 95),
            worst.name,
            worst.p95,
            revision(),
            percentile(r.all_times_again, 95),
        )


def print_summary(rows: Sequence[Summary]) -> None:
    print("\n== summary ==")
    print(
        f"goals: insert ≥ {INSERT_GOAL:,.0f} articles/s on SQLite; "
        f"search p95 ≤ {SEARCH_GOAL_MS:.0f} ms at {GOAL_SIZE:,} articles on both engines; "
        "(…): fewer articles than the goal's size, shown for the trend; again: each query "
        "run once more, its pages in memory"
    )
    print(
        f"{'engine':<9} {'size':>9} {'stored':>9} {'insert/s':>9} {'goal':>5} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'goal':>6} {'again p95':>9}  worst shape p95"
    )
    for row in rows:
        insert_goal = "-"
        if row.engine == "sqlite" and row.insert_rate:
            insert_goal = verdict(row.insert_rate >= INSERT_GOAL)
        search_goal = verdict(row.p95 <= SEARCH_GOAL_MS)
        if row.stored < GOAL_SIZE:
            search_goal = f"({search_goal})"
        print(
            f"{row.engine:<9} {row.size:>9,} {row.stored:>9,} {row.insert_rate:>9,.0f} "
            f"{insert_goal:>5} {row.p50:>8.1f} {row.p95:>8.1f} {search_goal:>6} "
            f"{'-' if row.p95_again is None else f'{row.p95_again:.1f}':>9}  "
            f"{row.worst_p95:,.1f} ms ({row.worst_shape})"
        )
    if len({row.revision for row in rows}) > 1:
        print("revisions: " + ", ".join(f"{r.engine} {r.size:,}: {r.revision}" for r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--queries-per-shape", dest="queries", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--normalize", action="store_true", help="keys by normalize_article")
    parser.add_argument(
        "--shape-budget", type=float, default=60.0, help="seconds of timed queries per shape"
    )
    parser.add_argument(
        "--query-timeout", type=float, default=30.0, help="seconds before a query is cancelled"
    )
    parser.add_argument(
        "--insert-limit", type=float, default=45.0, help="minutes of inserting per engine and size"
    )
    parser.add_argument("--postgres-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument(
        "--keep-databases", action="store_true", help="leave them for EXPLAIN; drop them yourself"
    )
    parser.add_argument("--corpus-cache", help="folder keeping the generated corpus for reuse")
    parser.add_argument(
        "--search-existing",
        metavar="URL",
        help="search a database an earlier run kept (--keep-databases) instead of inserting; "
        "give one engine and the size it was loaded with",
    )
    parser.add_argument("--results", help="append each run's summary line to this JSON lines file")
    parser.add_argument(
        "--summarize", metavar="FILE", help="print the summary of a --results file and exit"
    )
    args = parser.parse_args()
    if args.summarize:
        lines = Path(args.summarize).read_text(encoding="utf-8").splitlines()
        print_summary([Summary(**json.loads(line)) for line in lines if line.strip()])
        return
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := set(engines) - {"sqlite", "postgres"}:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    if args.search_existing and (len(engines) != 1 or len(sizes) != 1):
        parser.error("--search-existing takes one engine and one size")
    print(f"dvcrawl {revision()}; {platform.python_version()}; {os.cpu_count()} cores")
    rows: list[Summary] = []
    for size in sizes:
        with generated(size, args) as corpus:
            for engine in engines:
                rows.append(Summary.of(run(engine, corpus, args)))
                if args.results:
                    with Path(args.results).open("a", encoding="utf-8") as out:
                        out.write(json.dumps(dataclasses.asdict(rows[-1])) + "\n")
    print_summary(rows)


def revision() -> str:
    """The commit measured, and whether the working tree differs from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(revision unknown)"
    return f"at {commit}"


if __name__ == "__main__":
    main()
