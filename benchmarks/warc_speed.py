"""What WARC capture adds to the cost of a crawl: capture on versus off, in the same run.

Every synthetic site under tests/fixtures/sites is served over real HTTP on 127.0.0.1 by a
separate process (so serving does not compete with the crawler for the interpreter), the
way a live server answers: HTTP/1.1 keep-alive, HTML gzip-encoded for clients that accept
it. Each site is crawled end to end through Scrapy's engine (download, parse, pipelines,
SQLite), in this process, with no politeness delay: the network path is real, the
waiting a live crawl does is not, which makes capture's share as large as it can get.
A crawl with a one-second delay between requests would show a ratio of about 1.00.

Capture-on crawls write into a fresh WARC folder each time, so every response becomes a
full response record (the first crawl of a site, the most expensive case; later crawls
write revisits). Crawls alternate on/off, off/on in successive rounds after one warm-up
round that is not counted, each into a fresh database, and each after a full garbage
collection with the surviving objects frozen (otherwise the full collections of a heap
that grows over the run fall at random on one mode or the other, and they cost more than
the capture does). Printed: seconds per mode; the
ratio on/off (goal <= 1.15) of the median crawl time of each site, and in wall time and
in this process's CPU time over all crawls; the archive written; and the time spent
inside the capture itself (timers around the middleware). A small crawl takes a few
hundred milliseconds, and on a shared machine its spread from one crawl to the next is
as large as the capture's cost, so the ratios need many rounds to settle; the time
inside the capture does not depend on that spread.

Usage: python benchmarks/warc_speed.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import http.server
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"


def serve_sites(site_dirs: list[Path], ports: Any, stop: Any) -> None:
    """Serve each recorded site on its own port until ``stop`` is set (runs in a child)."""
    import threading

    from w3lib.url import canonicalize_url

    servers = []
    for site_dir in site_dirs:
        manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
        routes: dict[str, tuple[int, dict[str, str], bytes, bytes]] = {}
        for entry in manifest["responses"]:
            parts = urlsplit(entry["url"])
            path = parts.path + ("?" + parts.query if parts.query else "")
            body = (site_dir / entry["file"]).read_bytes() if entry.get("file") else b""
            compressed = gzip.compress(body, mtime=0)
            key = canonicalize_url("http://local" + path)
            routes[key] = (entry.get("status", 200), entry.get("headers", {}), body, compressed)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        ports.put((site_dir.name, server.server_address[1]))
    stop.wait()
    for server in servers:
        server.shutdown()


def _handler(routes: dict[str, tuple[int, dict[str, str], bytes, bytes]]) -> type:
    from w3lib.url import canonicalize_url

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # One write per response: headers and body sent apart meet Nagle's algorithm and
        # delayed ACKs, stalls of tens of milliseconds no real server has.
        wbufsize = 1 << 20
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            route = routes.get(canonicalize_url("http://local" + self.path))
            status, headers, body, compressed = route or (404, {}, b"not found", b"")
            encoded = route is not None and "gzip" in self.headers.get("Accept-Encoding", "")
            encoded = encoded and headers.get("Content-Type", "").startswith("text/html")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if encoded:
                body = compressed
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@dataclass
class Totals:
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    responses: int = 0
    stored: int = 0
    warc_bytes: int = 0
    warc_records: int = 0
    capture_seconds: float = 0.0


def run_rounds(ports: dict[str, int], rounds: int) -> dict[str, Totals]:
    from scrapy.crawler import AsyncCrawlerRunner
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    from dvcrawl.crawling import CrawlOptions, crawl_settings, spider_arguments
    from dvcrawl.sites import adhoc_profile, get_site
    from dvcrawl.spiders.articles import ArticlesSpider
    from dvcrawl.storage.db import prepare

    capture_seconds = _time_the_capture()
    profiles = []
    for key, port in sorted(ports.items()):
        registered = get_site(key)
        starts = [_local(url, port) for url in registered.start_urls]
        profiles.append(adhoc_profile(registered.family.name, starts, key=key))
    totals = {"off": Totals(), "on": Totals()}

    async def crawl(folder: Path, name: str, profile: Any, capture: bool) -> Totals:
        warcs = folder / f"{name}-warcs"
        options = CrawlOptions(
            database_url=f"sqlite:///{folder / f'{name}.sqlite3'}",
            warc_dir=str(warcs) if capture else "",
            delay=0.0,
            log_level="ERROR",
            overrides={"AUTOTHROTTLE_ENABLED": False},
        )
        prepare(options.database_url)  # the schema is not what is measured
        runner = AsyncCrawlerRunner(crawl_settings(options))
        crawler = runner.create_crawler(ArticlesSpider)
        # What earlier crawls left on the heap would make full collections, of a size that
        # grows with the run, land on whichever crawl happens to trigger them.
        gc.collect()
        gc.freeze()
        capture_seconds.clear()
        started = time.perf_counter()
        cpu = time.process_time()
        await runner.crawl(crawler, **spider_arguments(profile))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        assert crawler.stats is not None
        stats = crawler.stats.get_stats()
        if stats.get("finish_reason") != "finished":
            raise RuntimeError(f"{name}: crawl ended with {stats.get('finish_reason')}")
        return Totals(
            seconds=[elapsed],
            cpu_seconds=[cpu],
            responses=stats.get("downloader/response_count", 0),
            stored=stats.get("dvcrawl/stored", 0),
            warc_bytes=stats.get("dvcrawl/warc/bytes", 0),
            warc_records=stats.get("dvcrawl/warc/records", 0),
            capture_seconds=sum(capture_seconds),
        )

    async def all_rounds(folder: Path) -> None:
        for round_number in range(rounds + 1):
            order = (False, True) if round_number % 2 else (True, False)
            for profile in profiles:
                for capture in order:
                    name = f"{profile.key}-{round_number}-{'on' if capture else 'off'}"
                    result = await crawl(folder, name, profile, capture)
                    if round_number == 0:  # warm-up: imports, caches, first connections
                        continue
                    total = totals["on" if capture else "off"]
                    total.seconds += result.seconds
                    total.cpu_seconds += result.cpu_seconds
                    total.responses += result.responses
                    total.stored += result.stored
                    total.warc_bytes += result.warc_bytes
                    total.warc_records += result.warc_records
                    total.capture_seconds += result.capture_seconds

    with tempfile.TemporaryDirectory() as folder:
        done = Deferred.fromFuture(asyncio.ensure_future(all_rounds(Path(folder))))
        failures: list[object] = []
        done.addErrback(failures.append)
        done.addBoth(lambda _: reactor.stop())  # type: ignore[attr-defined]
        reactor.run()  # type: ignore[attr-defined]
        if failures:
            print(failures[0], file=sys.stderr)
            raise SystemExit(1)
    return totals


def _time_the_capture() -> list[float]:
    """Wrap the capture middleware's work (opening, each response, closing) in timers."""
    import functools
    import inspect

    from dvcrawl.warc.capture import WarcCaptureMiddleware

    spent: list[float] = []

    def timed(function: Any) -> Any:
        # Scrapy's signal dispatch hands a receiver that takes **kwargs every argument it
        # has (``signal``, ``sender``): pass on only those the wrapped method names.
        accepted = set(inspect.signature(function).parameters)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **{k: v for k, v in kwargs.items() if k in accepted})
            finally:
                spent.append(time.perf_counter() - started)

        return wrapper

    opening = timed(WarcCaptureMiddleware.from_crawler.__func__)  # type: ignore[attr-defined]
    WarcCaptureMiddleware.from_crawler = classmethod(opening)  # type: ignore[method-assign,assignment]
    for name in ("process_response", "spider_closed"):
        setattr(WarcCaptureMiddleware, name, timed(getattr(WarcCaptureMiddleware, name)))
    return spent


def _local(url: str, port: int) -> str:
    parts = urlsplit(url)
    return f"http://127.0.0.1:{port}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="counted rounds over every site")
    args = parser.parse_args()

    site_dirs = sorted(p.parent for p in SITES.glob("*/manifest.json"))
    context = multiprocessing.get_context("spawn")
    ports_queue = context.Queue()
    stop = context.Event()
    server = context.Process(target=serve_sites, args=(site_dirs, ports_queue, stop))
    server.start()
    try:
        ports = dict(ports_queue.get(timeout=30) for _ in site_dirs)
        totals = run_rounds(ports, args.rounds)
    finally:
        stop.set()
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()

    off, on = totals["off"], totals["on"]
    crawls = len(off.seconds)
    for label, total in (("capture off", off), ("capture on ", on)):
        wall = sum(total.seconds)
        print(
            f"{label}: {wall:.2f} s wall, {sum(total.cpu_seconds):.2f} s CPU for {crawls} crawls, "
            f"{total.responses} responses ({total.responses / wall:.0f} responses/s), "
            f"{total.stored} articles stored"
        )
    print(
        f"archive: {on.warc_records} WARC records, {on.warc_bytes / 1e6:.2f} MB; time inside "
        f"the capture (middleware set-up, every response, closing) {on.capture_seconds:.3f} s = "
        f"{on.capture_seconds / sum(on.seconds):.1%} of the capture-on wall time, "
        f"{on.capture_seconds / on.responses * 1e3:.2f} ms per response"
    )
    sites = len(site_dirs)
    typical_off = sum(statistics.median(off.seconds[k::sites]) for k in range(sites))
    typical_on = sum(statistics.median(on.seconds[k::sites]) for k in range(sites))
    print(
        f"ratio on/off: {typical_on / typical_off:.3f} (median crawl time of each site), "
        f"wall {sum(on.seconds) / sum(off.seconds):.3f} and "
        f"CPU {sum(on.cpu_seconds) / sum(off.cpu_seconds):.3f} (all crawls); goal <= 1.15 "
        f"({args.rounds} rounds over {sites} sites on 127.0.0.1, no delay)"
    )


if __name__ == "__main__":
    main()
