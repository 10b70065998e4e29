"""Where a search's time goes, phase by phase: the benchmark's query shapes run on a database
that ``benchmarks/storage_speed.py --keep-databases`` loaded, with a timer around each phase
of ``dvcrawl.search.engine``.

Phases (medians over the queries of a shape, in ms; a phase a shape does not use shows 0):

- ``counts``: how many articles hold each word (SQLite's probe of the newest matches, or
  Postgres' lexeme statistics);
- ``rows``: SQLite's reads of the rows a window is checked or scored on (``_read_rows``);
- ``score``: SQLite's BM25 over those rows, in Python;
- ``index``: the rest of finding and ranking the window: FTS5's or GIN's match lists, and on
  Postgres the walk and slices with their row reads;
- ``hits``: reading the best articles, their snippets and authors.

With ``--drop-caches`` the operating system's page cache is dropped before each query
(needs root), so every figure is of a search that reads from disk what it needs.

Usage: python benchmarks/search_phases.py URL --size 1000000 --corpus-cache DIR
       [--shapes "common + author,rare + since 2015"] [--queries 8] [--drop-caches]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import storage_speed
from window_reads import drop_page_cache

from dvcrawl.search import engine

PHASES = ("counts", "rows", "score", "index", "hits")
# Seconds before a query is cancelled (see storage_speed.searching).
QUERY_TIMEOUT_S = 60
# The engine's functions timed, and the phase each belongs to; ``window`` (the whole of
# finding and ranking the window) is split into the others afterwards.
TIMED = {
    "_sqlite_holding": "counts",
    "_postgres_share": "counts",
    "_read_rows": "rows",
    "_sqlite_window": "window",
    "_postgres_window": "window",
}


class Timers:
    """Seconds spent in each timed function since the last ``reset``; a call nested in
    another timed call of the same name (none today) would be counted twice."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def reset(self) -> None:
        self.seconds.clear()

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - started

        return timed


@contextmanager
def timed_engine(timers: Timers) -> Iterator[None]:
    """The engine's phases wrapped with ``timers`` while inside."""
    originals = {name: getattr(engine, name) for name in TIMED}
    score = engine._Scoring.score
    try:
        for name, function in originals.items():
            setattr(engine, name, timers.wrap(TIMED[name], function))
        engine._Scoring.score = timers.wrap("score", score)  # type: ignore[method-assign]
        yield
    finally:
        for name, function in originals.items():
            setattr(engine, name, function)
        engine._Scoring.score = score  # type: ignore[method-assign]


def phases_of(total: float, seconds: dict[str, float]) -> dict[str, float]:
    """One search's phases in ms, from its total and the timers' seconds."""
    window = seconds.get("window", 0.0)
    parts = {phase: seconds.get(phase, 0.0) for phase in ("counts", "rows", "score")}
    parts["index"] = max(window - sum(parts.values()), 0.0)
    parts["hits"] = max(total - window, 0.0)
    return {phase: value * 1000 for phase, value in parts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="a database storage_speed.py kept (--keep-databases)")
    parser.add_argument("--size", type=int, required=True, help="articles it was loaded with")
    parser.add_argument("--corpus-cache", required=True, help="storage_speed's --corpus-cache")
    parser.add_argument("--shapes", default="", help="comma-separated shape names; all if empty")
    parser.add_argument("--queries", type=int, default=8, help="timed queries per shape")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500, help="storage_speed's --batch")
    parser.add_argument("--normalize", action="store_true", help="storage_speed's --normalize")
    parser.add_argument("--drop-caches", action="store_true", help="before each query")
    args = parser.parse_args()
    wanted = {name.strip() for name in args.shapes.split(",") if name.strip()}
    # storage_speed, run as a script, pickled its word counts as __main__.Frequencies.
    sys.modules["__main__"].Frequencies = storage_speed.Frequencies  # type: ignore[attr-defined]
    timers = Timers()
    dropped = True
    with (
        storage_speed.generated(args.size, args) as corpus_file,
        storage_speed.searching(args.url, QUERY_TIMEOUT_S) as corpus,
        timed_engine(timers),
        storage_speed.benchmark_data_frozen() as pauses,
    ):
        shapes = storage_speed.shapes(
            storage_speed.build_model(args.seed), corpus_file.frequencies, args.queries, args.seed
        )
        unknown = wanted - {shape.name for shape in shapes}
        if unknown:
            parser.error(f"no such shapes: {', '.join(sorted(unknown))}")
        print(f"{args.url}: medians of {args.queries} queries per shape, ms")
        print(f"  {'shape':<26} {'total':>7} {'max':>7} " + " ".join(f"{p:>7}" for p in PHASES))
        for shape in shapes:
            if wanted and shape.name not in wanted:
                continue
            totals: list[float] = []
            parts: list[dict[str, float]] = []
            for search in shape.searches[1:]:
                if args.drop_caches:
                    dropped = drop_page_cache() and dropped
                timers.reset()
                started = time.perf_counter()
                search.run(corpus, QUERY_TIMEOUT_S)
                total = time.perf_counter() - started
                totals.append(total * 1000)
                parts.append(phases_of(total, timers.seconds))
            medians = [statistics.median(part[phase] for part in parts) for phase in PHASES]
            print(
                f"  {shape.name:<26} {statistics.median(totals):7.1f} {max(totals):7.1f} "
                + " ".join(f"{value:7.1f}" for value in medians)
            )
            sys.stdout.flush()
        print(f"full garbage collections while timing: {pauses.count}")
    if args.drop_caches:
        print("page cache dropped before each query" if dropped else "page cache NOT dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
