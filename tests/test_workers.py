"""Worker processes: the crawl's pure steps run beside it, with the same results, and a
worker that dies costs nothing."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_dvcrawl
from scrapy.utils.test import get_crawler

from dvcrawl.workers import Workers, _SharedPool

CAPTURE = Path(__file__).parent / "fixtures" / "captures" / "nukeviet-dev"


def exit_unless_in(pid: int) -> int:
    """Kills the worker process it runs in; in process ``pid`` (the test's), returns it."""
    if os.getpid() != pid:
        os._exit(1)
    return pid


def test_without_workers_the_step_runs_here() -> None:
    workers = Workers()
    assert workers.executor is None
    assert asyncio.run(workers.run(os.getpid)) == os.getpid()


@pytest.fixture(autouse=True)
def _no_pool_left_behind() -> Iterator[None]:
    assert _SharedPool.users == 0
    yield
    assert _SharedPool.users == 0
    assert _SharedPool.executor is None


def test_a_worker_runs_the_step_in_another_process_until_closed() -> None:
    first, second = Workers(workers=1), Workers(workers=1)
    assert first.executor is second.executor is not None  # one pool for the process
    assert asyncio.run(first.run(os.getpid)) != os.getpid()
    first.close()
    assert _SharedPool.executor is not None  # still in use by the second
    assert asyncio.run(second.run(os.getpid)) != os.getpid()
    second.close()


def test_outside_an_event_loop_the_step_runs_here() -> None:
    """Under a reactor that is not asyncio's, nothing can await a worker."""
    workers = Workers(workers=1)
    try:
        step = workers.run(os.getpid)
        with pytest.raises(StopIteration) as done:
            step.send(None)
        assert done.value.value == os.getpid()
    finally:
        workers.close()


def test_a_worker_that_dies_leaves_the_step_to_this_process() -> None:
    crawler = get_crawler(settings_dict={"DVCRAWL_WORKERS": 1})
    crawler.stats.open_spider()  # type: ignore[union-attr,call-arg]
    workers = Workers.from_crawler(crawler)
    assert workers.executor is not None
    here = os.getpid()
    assert asyncio.run(workers.run(exit_unless_in, here)) == here
    assert workers.executor is None
    assert crawler.stats.get_value("dvcrawl/workers/broken") == 1  # type: ignore[union-attr]
    assert asyncio.run(workers.run(os.getpid)) == here


@pytest.mark.slow
def test_a_crawl_extracts_the_same_with_and_without_workers(tmp_path: Path) -> None:
    rows = {}
    for workers in (0, 1):
        database = tmp_path / f"workers-{workers}.sqlite3"
        result = run_dvcrawl(
            "crawl", "http://127.0.0.1:8095/", "--replay", str(CAPTURE / "site.warc.gz"),
            "--db", str(database), "--no-warc", "-s", f"DVCRAWL_WORKERS={workers}",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        with sqlite3.connect(database) as connection:
            rows[workers] = connection.execute(
                "SELECT url, title, lead, body, published_at, byline_raw, category, tags,"
                " content_hash FROM articles ORDER BY url"
            ).fetchall()
    assert len(rows[0]) == 37
    assert rows[1] == rows[0]


ORPHANED_PARENT = """
import asyncio, os, sys, time
from dvcrawl.workers import Workers
workers = Workers(workers=1)
print(asyncio.run(workers.run(os.getpid)), flush=True)
time.sleep(60)
"""


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_a_worker_whose_crawl_was_killed_outright_exits() -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", ORPHANED_PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        worker = int(parent.stdout.readline())
        assert worker != parent.pid
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and running(worker):
            time.sleep(0.1)
        assert not running(worker)
        # The worker held the parent's stdout too: now no process can write to it.
        assert parent.stdout.read() == ""
    finally:
        parent.kill()
        parent.wait()
        if parent.stdout is not None:
            parent.stdout.close()
