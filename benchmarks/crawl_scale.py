"""Does a crawl stay as fast, and as small, as its site and archive grow?

Two synthetic NukeViet portals (tests/nukeviet_sites.py), of 1,000 and of 20,000 articles
(by default), are served over HTTP on 127.0.0.1 from this process, with no delay and
keep-alive. Each is crawled from its home page, into a fresh SQLite database with WARC
capture on, by ``dvcrawl crawl`` in a child process; then a bare Scrapy spider, in a child
process too, fetches the very pages dvcrawl fetched (read back from dvcrawl's WARC files),
with the same concurrency, and does nothing with them. Both run with the politeness delay
and AutoThrottle off, eight requests at a time, so that what is measured is the crawler's
own cost, not its waiting.

Printed, per site: wall time, CPU time and peak RSS of each child; articles stored per
second; dvcrawl's throughput as a ratio to the bare spider's (goal >= 0.35); dvcrawl's CPU
per article, over the whole crawl and over two stretches of it (the second tenth of the
articles stored and the ninth, CPU time read from /proc as it runs). Then,
the 20,000 against the 1,000: CPU per article (goal <= 1.1) and peak RSS (goal <= 1.2).

Usage: python benchmarks/crawl_scale.py [--sizes 1000 20000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import fetched_uris  # noqa: E402
from unreliable_site import SITE, UnreliableSite  # noqa: E402

CONCURRENCY = 8
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}")

BARE_SPIDER = f"""
import sys
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess


class Bare(Spider):
    name = "bare"

    async def start(self):
        for url in Path(sys.argv[1]).read_text().split():
            yield Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response):
        return None


process = CrawlerProcess({{
    "LOG_LEVEL": "ERROR",
    "ROBOTSTXT_OBEY": False,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": {CONCURRENCY},
    "CONCURRENT_REQUESTS_PER_DOMAIN": {CONCURRENCY},
    "REDIRECT_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
}})
process.crawl(Bare)
process.start()
"""


@dataclass
class Run:
    wall: float
    cpu: float
    """CPU seconds of the child and of the worker processes it started and waited for."""
    peak_rss_mib: float
    """The largest resident memory of the child and its worker processes together, as
    sampled; at least the largest of any one of them (``wait4``'s figure)."""
    # (articles stored so far, CPU seconds of the child and its workers so far), sampled
    samples: list[tuple[int, float]] = field(default_factory=list)

    def cpu_per_article_between(self, low: int, high: int) -> float:
        """CPU seconds per article over the stretch of the crawl that stored articles
        ``low`` to ``high``."""
        before = next((s for s in self.samples if s[0] >= low), None)
        after = next((s for s in self.samples if s[0] >= high), None)
        if before is None or after is None or after[0] == before[0]:
            return float("nan")  # the crawl was over before a sample fell in the stretch
        return (after[1] - before[1]) / (after[0] - before[0])


def measure(command: list[str], log: Path, progress: Callable[[], int] | None = None) -> Run:
    """Run ``command`` to its end: its wall time, its CPU time and peak RSS (with its worker
    processes'), and, given a count of its progress (articles stored), its CPU time
    against that count, read five times a second."""
    started = time.perf_counter()
    with log.open("wb") as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        samples: list[tuple[int, float]] = []
        peak_rss = 0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            tree = _process_tree(child.pid)
            peak_rss = max(peak_rss, sum(_rss_kib(process) for process in tree))
            ticks = sum(_cpu_ticks(process) for process in tree)
            if progress is not None:
                samples.append((progress(), ticks / CLOCK_TICKS))
            time.sleep(0.2)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.stderr.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(f"{' '.join(command[:4])} ... exited {code}")
    peak_rss = max(peak_rss, usage.ru_maxrss)
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_rss / 1024, samples)


def _process_tree(pid: int) -> list[int]:
    """``pid`` and every process under it."""
    tree = [pid]
    for process in tree:
        try:
            children = Path(f"/proc/{process}/task/{process}/children").read_text().split()
        except OSError:
            continue
        tree.extend(int(child) for child in children)
    return tree


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def _rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    line = next((line for line in status.splitlines() if line.startswith("VmRSS:")), "")
    return int(line.split()[1]) if line else 0


@dataclass
class SiteFigures:
    articles: int
    stored: int
    dvcrawl: Run
    bare: Run
    pages: int

    @property
    def throughput_ratio(self) -> float:
        return self.bare.wall / self.dvcrawl.wall

    @property
    def cpu_per_article(self) -> float:
        return self.dvcrawl.cpu / max(1, self.stored)


def crawl_site(articles: int, folder: Path) -> SiteFigures:
    module = replace(SITE.modules[0], articles=articles, per_page=20)
    config = replace(SITE, name=f"scale-{articles}", modules=(module,))
    shutil.rmtree(folder, ignore_errors=True)  # a fresh site, database and archive
    folder.mkdir(parents=True)
    print(f"building a site of {articles} articles ...", file=sys.stderr, flush=True)
    with UnreliableSite(folder / "site", delay=0, site=config) as site:
        database = folder / "corpus.sqlite3"
        warcs = folder / "warc"
        command = [
            sys.executable, "-m", "dvcrawl", "crawl", site.home, "--db", f"sqlite:///{database}",
            "--delay", "0", "--progress", "0", "--warc-dir", str(warcs), *FAST,
        ]  # fmt: skip
        print(f"crawling {articles} articles with dvcrawl ...", file=sys.stderr, flush=True)
        dvcrawl = measure(command, folder / "dvcrawl.log", StoredSoFar(database))
        stored = _stored(database)
        urls = fetched_uris(warcs)
        url_file = folder / "urls.txt"
        url_file.write_text("\n".join(urls))
        print(f"fetching {len(urls)} pages with a bare spider ...", file=sys.stderr, flush=True)
        bare = measure([sys.executable, "-c", BARE_SPIDER, str(url_file)], folder / "bare.log")
    return SiteFigures(articles, stored, dvcrawl, bare, len(urls))


class StoredSoFar:
    """The number of articles a crawl has stored so far (the largest id: one index read)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.connection: sqlite3.Connection | None = None

    def __call__(self) -> int:
        try:
            if self.connection is None:
                uri = f"file:{self.database}?mode=ro"
                self.connection = sqlite3.connect(uri, uri=True, timeout=0.1)
            (largest,) = self.connection.execute("SELECT max(id) FROM articles").fetchone()
        except sqlite3.Error:  # not created yet, or busy
            return 0
        return int(largest or 0)


def _stored(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    return int(count)


def report(figures: SiteFigures) -> None:
    run, bare = figures.dvcrawl, figures.bare
    tenth = figures.articles // 10
    print(
        f"{figures.articles} articles: dvcrawl stored {figures.stored} from {figures.pages} "
        f"pages in {run.wall:.1f} s ({figures.stored / run.wall:.0f} articles/s), "
        f"{run.cpu:.1f} s CPU, peak RSS {run.peak_rss_mib:.0f} MiB; bare Scrapy fetched "
        f"them in {bare.wall:.1f} s ({figures.stored / bare.wall:.0f}/s), {bare.cpu:.1f} s "
        f"CPU, peak RSS {bare.peak_rss_mib:.0f} MiB"
    )
    print(
        f"  throughput ratio to the bare spider {figures.throughput_ratio:.2f} (goal >= 0.35);"
        f" CPU per article {1000 * figures.cpu_per_article:.1f} ms over the crawl, "
        f"{1000 * run.cpu_per_article_between(tenth, 2 * tenth):.1f} ms over the second "
        f"tenth and {1000 * run.cpu_per_article_between(8 * tenth, 9 * tenth):.1f} ms over "
        "the ninth"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=(1000, 20000), metavar="N")
    parser.add_argument("--keep", type=Path, help="build and keep the sites and crawls here")
    args = parser.parse_args()
    small_size, large_size = args.sizes
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dvcrawl-scale-"))
    try:
        small = crawl_site(small_size, folder / str(small_size))
        report(small)
        large = crawl_site(large_size, folder / str(large_size))
        report(large)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{large_size} against {small_size}: CPU per article "
        f"{large.cpu_per_article / small.cpu_per_article:.2f} (goal <= 1.1), peak RSS "
        f"{large.dvcrawl.peak_rss_mib / small.dvcrawl.peak_rss_mib:.2f} (goal <= 1.2); "
        f"throughput ratio {small.throughput_ratio:.2f} and {large.throughput_ratio:.2f} "
        "(goal >= 0.35)"
    )


if __name__ == "__main__":
    main()
