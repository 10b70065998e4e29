"""Worker processes for a crawl's pure, CPU-bound steps.

A crawl's own process fetches, keeps the frontier, archives the responses and writes the
database, one thing at a time. Extracting an article page (decoding, parsing, collecting
its links) and normalising the article's text are pure functions of the page; they run in
``DVCRAWL_WORKERS`` worker processes beside it, on the machine's other cores, while the
crawl goes on with other responses. With no workers (``DVCRAWL_WORKERS = 0``), they run
in the crawl's process, with the same results.

One pool serves every crawl of a process (``dvcrawl crawl --all`` runs sites side by
side); it starts with the first and stops when the last ends. Workers are spawned, not
forked: a crawl's process holds threads and database connections a fork would copy. They
ignore Ctrl-C, which the terminal sends to the whole process group: the crawl's process
decides how to stop, and its workers finish what they were given. A worker that dies (a
kill, running out of memory) costs nothing: the crawl runs that step, and every later one,
itself. A worker whose crawl process is gone (``kill -9``) exits within a second, rather
than live on holding the crawl's terminal or pipes open.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


class _SharedPool:
    """The process's one pool, counted out to its users."""

    executor: ProcessPoolExecutor | None = None
    users = 0

    @classmethod
    def acquire(cls, workers: int) -> ProcessPoolExecutor:
        if cls.executor is None:
            cls.executor = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )
            # Started now, while the crawl reads robots.txt and its first listings: a
            # worker takes a second to import what it runs.
            for _ in range(workers):
                cls.executor.submit(os.getpid)
        cls.users += 1
        return cls.executor

    @classmethod
    def release(cls) -> None:
        cls.users -= 1
        if cls.users <= 0 and cls.executor is not None:
            cls.executor.shutdown(wait=True, cancel_futures=True)
            cls.executor = None
            cls.users = 0


def _in_asyncio_loop() -> bool:
    """Whether this runs in an asyncio event loop (Scrapy's asyncio reactor), which can
    await a worker's answer; under another reactor the work is done here."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


async def in_executor(
    executor: Executor, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``function`` run by ``executor``, awaited; run here where nothing can await it (no
    asyncio loop: a reactor that is not asyncio's)."""
    if not _in_asyncio_loop():
        return function(*args, **kwargs)
    return await asyncio.wrap_future(executor.submit(function, *args, **kwargs))


# What the crawl's steps run in a worker: imported when the worker starts.
WORKER_MODULES = ("dvcrawl.parsing.extracted",)


ORPHAN_CHECK_SECONDS = 0.5


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_when_orphaned, args=(os.getppid(),), name="orphan-watch", daemon=True
    ).start()
    for module in WORKER_MODULES:
        importlib.import_module(module)


def _exit_when_orphaned(parent: int) -> None:
    # A worker holds both ends of its task queue, so it never sees the crawl's end of it
    # close: a parent killed outright would leave it waiting for work forever. Once the
    # parent is gone the worker is re-parented, and its parent's id changes.
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(1)


class Workers:
    """Runs a pure function of picklable arguments in a worker process, awaited."""

    def __init__(self, crawler: Crawler | None = None, workers: int = 0) -> None:
        self.crawler = crawler
        self.executor: ProcessPoolExecutor | None = None
        if workers > 0:
            self.executor = _SharedPool.acquire(workers)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Workers:
        workers = cls(crawler, crawler.settings.getint("DVCRAWL_WORKERS"))
        if workers.executor is not None:
            crawler.signals.connect(workers.close, signal=signals.engine_stopped)
        return workers

    async def run(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self.executor is None:
            return function(*args, **kwargs)
        try:
            return await in_executor(self.executor, function, *args, **kwargs)
        except BrokenProcessPool:
            self._broken()
            return function(*args, **kwargs)

    def _broken(self) -> None:
        if self.executor is None:
            return
        logger.error("a worker process died: this crawl goes on without workers")
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("dvcrawl/workers/broken")
        self.close()

    def close(self) -> None:
        if self.executor is not None:
            self.executor = None
            _SharedPool.release()
