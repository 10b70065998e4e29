"""How long SQLite takes to read a ranking window's rows from disk: on one connection, and
as a search reads them (``dvcrawl.search.engine._read_rows``: a first batch, then the rest
side by side on reader connections when the batch was slow).

A window is the text a search scores: the accent-free text and FTS5's length record of
``--window`` articles scattered over the corpus, as the newest matches of a word held by
one article in a few hundred are. Each round draws a new window and reads it both ways,
in alternating order, each read after the operating system's page cache is dropped
(``/proc/sys/vm/drop_caches``, which needs root; without it the figures are for whatever
the cache holds, and say so). Prints the median and p95 per way and their ratio.

Usage: python benchmarks/window_reads.py DATABASE [--rounds 15] [--window 1000] [--seed 1]
(a database that ``benchmarks/storage_speed.py --keep-databases`` loaded, say).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import column, func, select, table

from dvcrawl.search import engine
from dvcrawl.storage.db import get_engine, normalize_url, session_factory
from dvcrawl.storage.models import ArticleRecord
from dvcrawl.storage.search_ddl import FTS_DOCSIZE_TABLE

DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def drop_page_cache() -> bool:
    """Whether the page cache could be dropped."""
    if os.geteuid() != 0 or not DROP_CACHES.exists():
        return False
    subprocess.run(["sync"], check=True)
    DROP_CACHES.write_text("3\n")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="a SQLite file or sqlite:/// URL")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--window", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = normalize_url(args.database)
    if not url.startswith("sqlite"):
        parser.error("window reads side by side are SQLite's; give a SQLite database")
    sessions = session_factory(get_engine(url))
    sizes = table(FTS_DOCSIZE_TABLE, column("id"), column("sz"))
    texts = select(ArticleRecord.id, ArticleRecord.search_folded, sizes.c.sz).outerjoin(
        sizes, sizes.c.id == ArticleRecord.id
    )
    with sessions() as session:
        highest = session.scalar(select(func.max(ArticleRecord.id))) or 0
    if highest < args.window:
        parser.error(f"the database holds {highest:,} articles, fewer than --window")
    rng = random.Random(args.seed)
    ways = {"one connection": 10**9, "as a search reads": engine.IDS_PER_READER}
    times: dict[str, list[float]] = {way: [] for way in ways}
    dropped = True
    for number in range(args.rounds):
        order = list(ways) if number % 2 == 0 else list(reversed(ways))
        window = sorted(rng.sample(range(1, highest + 1), args.window), reverse=True)
        for way in order:
            # A window read just before is in the page cache; each read starts from disk.
            dropped = drop_page_cache() and dropped
            engine.IDS_PER_READER = ways[way]
            with sessions() as session:
                started = time.perf_counter()
                rows = engine._read_rows(session, texts, window)
                times[way].append((time.perf_counter() - started) * 1000)
            assert len(rows) == len(window), "every article of the window has a row"
    print(f"{highest:,} articles; {args.rounds} windows of {args.window:,} scattered rows")
    print("page cache dropped before each read" if dropped else "page cache NOT dropped")
    for way, measured in times.items():
        p95 = statistics.quantiles(measured, n=20)[-1] if len(measured) > 1 else measured[0]
        print(f"  {way:<18} median {statistics.median(measured):7.1f} ms   p95 {p95:7.1f} ms")
    one, searched = (statistics.median(times[way]) for way in ways)
    print(f"  ratio (one connection / as a search reads): {one / searched:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
