"""WARC capture: the writer on its own, crash recovery, and real crawls over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SITE_FIXTURES, run_dvcrawl
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.test import get_crawler
from warc_site import (
    LISTING_PATH,
    MISSING_PATH,
    MOVED_PATH,
    RETRIED_PATH,
    Sent,
    WireServer,
    crawl_args,
)
from warcio.archiveiterator import ArchiveIterator

import dvcrawl.settings
from dvcrawl.cli import main
from dvcrawl.crawling import CrawlOptions, crawl_settings
from dvcrawl.storage.db import get_engine, session_factory
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.warc import (
    HttpExchange,
    WarcError,
    WarcWriter,
    iter_records,
    prepare_directory,
    read_record,
    recover_open_files,
)
from dvcrawl.warc import writer as warc_writer
from dvcrawl.warc.capture import WarcCaptureMiddleware
from dvcrawl.warc.writer import payload_digest

FILE_NAME = re.compile(
    r"^dvcrawl-(?P<site>[A-Za-z0-9._-]+)-(?P<time>\d{14})-(?P<serial>\d{5})\.warc\.gz$"
)
ARTICLE_TEXT = "Bù Gia Mập"
WARCIO = Path(sys.executable).with_name("warcio")  # the command warcio installs


def exchange(url: str, body: bytes, **fields: Any) -> HttpExchange:
    values: dict[str, Any] = {
        "url": url,
        "date": datetime(2026, 11, 25, 8, 30, tzinfo=UTC),
        "request_headers": [(b"User-Agent", b"dvcrawl-test")],
        "status": 200,
        "response_headers": [(b"Content-Type", b"text/html; charset=utf-8")],
        "body": body,
        "ip_address": "127.0.0.1",
    }
    values.update(fields)
    return HttpExchange(**values)


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


def records_of(directory: Path) -> list[tuple[Path, int, Any]]:
    return [
        (path, offset, record)
        for path in warc_files(directory)
        for offset, record in iter_records(path)
    ]


def warcio_check(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WARCIO), "check", "-v", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def warcio_index(path: Path) -> list[dict[str, str]]:
    result = subprocess.run(
        [
            str(WARCIO),
            "index",
            "-f",
            "warc-type,warc-target-uri,offset",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- the writer -----------------------------------------------------------------------------


def test_a_record_reads_back_byte_for_byte(tmp_path: Path) -> None:
    disposition = "attachment; filename=Báo cáo.pdf".encode()
    sent = exchange(
        "http://tinhuy.example.vn/tin-tuc/bai-1.html?id=1",
        "<p>Dân vận khéo</p>".encode(),
        response_headers=[
            (b"Content-Type", b"text/html; charset=utf-8"),
            (b"Content-Disposition", disposition),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
        ],
    )
    with WarcWriter(tmp_path, "tinh-uy") as writer:
        written = writer.write_exchange(sent)
    record = read_record(tmp_path / written.location.file, written.location.offset)
    assert record.rec_type == "response"
    assert record.uri == sent.url
    assert record.payload == sent.body
    assert record.status == 200
    assert record.date == "2026-11-25T08:30:00Z"
    assert record.header("WARC-IP-Address") == "127.0.0.1"
    assert (
        record.header("WARC-Payload-Digest") == written.location.digest == payload_digest(sent.body)
    )
    # warcio decodes header bytes as UTF-8 when they are: the received value, unescaped
    assert ("Content-Disposition", "attachment; filename=Báo cáo.pdf") in record.http_headers
    assert [v for k, v in record.http_headers if k == "Set-Cookie"] == ["a=1", "b=2"]
    assert warcio_check(tmp_path / written.location.file).returncode == 0


def test_a_dechunked_body_is_not_labelled_chunked(tmp_path: Path) -> None:
    body = "<p>Hội nghị giao ban công tác dân vận</p>".encode()
    sent = exchange(
        "http://tinhuy.example.vn/",
        body,
        response_headers=[(b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"99999")],
    )
    with WarcWriter(tmp_path, "tinh-uy") as writer:
        location = writer.write_exchange(sent).location
    record = read_record(tmp_path / location.file, location.offset)
    headers = dict(record.http_headers)
    assert "Transfer-Encoding" not in headers
    assert headers["X-Orig-Transfer-Encoding"] == "chunked"
    assert headers["Content-Length"] == str(len(body))
    assert headers["X-Orig-Content-Length"] == "99999"
    with (tmp_path / location.file).open("rb") as stream:
        stream.seek(location.offset)
        warcio_record = next(iter(ArchiveIterator(stream)))
        assert warcio_record.content_stream().read() == body


def test_each_file_starts_with_warcinfo_and_each_response_follows_its_request(
    tmp_path: Path,
) -> None:
    info = {"software": "dvcrawl/test", "operator": "https://example.org/contact"}
    with WarcWriter(tmp_path, "tinh-uy", info=info) as writer:
        for n in range(3):
            writer.write_exchange(exchange(f"http://x.vn/{n}", f"trang {n}".encode()))
    (path,) = warc_files(tmp_path)
    records = [record for _, record in iter_records(path)]
    assert [r.rec_type for r in records] == ["warcinfo"] + ["request", "response"] * 3
    assert records[0].header("WARC-Filename") == path.name
    assert b"operator: https://example.org/contact" in records[0].payload
    for request, response in zip(records[1::2], records[2::2], strict=True):
        assert request.header("WARC-Concurrent-To") == response.record_id
        assert request.uri == response.uri
        assert request.date == response.date
        assert dict(request.http_headers)["Host"] == "x.vn"
    assert all(r.header("WARC-Block-Digest") for r in records)
    assert path.read_bytes()[:4].startswith(b"\x1f\x8b")


def test_the_same_payload_again_is_a_revisit_within_and_across_writers(tmp_path: Path) -> None:
    page = "<p>Trang danh sách</p>".encode()
    with WarcWriter(tmp_path, "tinh-uy") as first:
        original = first.write_exchange(exchange("http://x.vn/list", page))
        again = first.write_exchange(exchange("http://x.vn/list", page))
        elsewhere = first.write_exchange(exchange("http://x.vn/other", page))
    assert not original.revisit
    assert again.revisit
    assert again.location == original.location
    assert not elsewhere.revisit, "a revisit needs the same URI, not only the same payload"
    with WarcWriter(tmp_path, "tinh-uy") as second:
        next_crawl = second.write_exchange(exchange("http://x.vn/list", page, status=200))
        changed = second.write_exchange(exchange("http://x.vn/list", page + b"<p>moi</p>"))
    assert next_crawl.revisit
    assert next_crawl.location == original.location
    assert not changed.revisit
    revisit = [r for _, _, r in records_of(tmp_path) if r.rec_type == "revisit"]
    assert len(revisit) == 2
    first_record = read_record(tmp_path / original.location.file, original.location.offset)
    for record in revisit:
        assert record.header("WARC-Refers-To") == first_record.record_id
        assert record.refers_to_uri == "http://x.vn/list"
        assert record.refers_to_date == first_record.date
        assert record.header("WARC-Payload-Digest") == original.location.digest
        assert record.header("WARC-Profile") == (
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
        )
        assert record.status == 200
        assert record.payload == b""
    assert warcio_check(*warc_files(tmp_path)).returncode == 0


def test_revisits_never_point_at_a_file_that_is_gone(tmp_path: Path) -> None:
    page = b"<p>trang</p>"
    with WarcWriter(tmp_path, "tinh-uy") as first:
        original = first.write_exchange(exchange("http://x.vn/", page))
    (tmp_path / original.location.file).unlink()
    with WarcWriter(tmp_path, "tinh-uy") as second:
        assert not second.write_exchange(exchange("http://x.vn/", page)).revisit


def test_revisits_across_crawls_can_be_turned_off(tmp_path: Path) -> None:
    page = b"<p>trang</p>"
    with WarcWriter(tmp_path, "tinh-uy") as first:
        first.write_exchange(exchange("http://x.vn/", page))
    with WarcWriter(tmp_path, "tinh-uy", revisits_across_crawls=False) as second:
        assert not second.write_exchange(exchange("http://x.vn/", page)).revisit
        assert second.write_exchange(exchange("http://x.vn/", page)).revisit


def test_pages_whose_index_entries_share_a_hash_are_never_revisits_of_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The digest index keeps a hash per entry; a lookup checks the line it points at."""
    monkeypatch.setattr(warc_writer, "_index_slot", lambda uri, digest: 7)
    with WarcWriter(tmp_path, "tinh-uy") as writer:
        first = writer.write_exchange(exchange("http://x.vn/a", b"<p>a</p>"))
        other = writer.write_exchange(exchange("http://x.vn/b", b"<p>b</p>"))
        again = writer.write_exchange(exchange("http://x.vn/b", b"<p>b</p>"))
        back = writer.write_exchange(exchange("http://x.vn/a", b"<p>a</p>"))
    assert not first.revisit
    assert not other.revisit
    assert again.revisit
    assert again.location == other.location
    assert not back.revisit  # its entry was displaced: a full record, never a wrong revisit


def test_an_index_line_cut_short_by_a_crash_spoils_no_later_line(tmp_path: Path) -> None:
    page = b"<p>trang</p>"
    with WarcWriter(tmp_path, "tinh-uy") as first:
        first.write_exchange(exchange("http://x.vn/", b"<p>trang chu</p>"))
    (index,) = tmp_path.glob(f"*{warc_writer.DIGESTS_SUFFIX}")
    with index.open("ab") as cut:
        cut.write(b"sha1:ABC\thttp://x.vn/cut")  # the crash: no end of line
    with WarcWriter(tmp_path, "tinh-uy") as second:
        original = second.write_exchange(exchange("http://x.vn/moi", page))
    with WarcWriter(tmp_path, "tinh-uy") as third:
        again = third.write_exchange(exchange("http://x.vn/moi", page))
    assert again.revisit
    assert again.location == original.location


def test_empty_bodies_are_never_revisits(tmp_path: Path) -> None:
    moved = exchange("http://x.vn/cu", b"", status=301, response_headers=[(b"Location", b"/moi")])
    with WarcWriter(tmp_path, "tinh-uy") as writer:
        assert not writer.write_exchange(moved).revisit
        assert not writer.write_exchange(moved).revisit


def test_files_rotate_by_size_and_are_named_by_site_and_time(tmp_path: Path) -> None:
    body = os.urandom(3000)
    with WarcWriter(tmp_path, "Tỉnh ủy/Bình Phước", max_size=8000) as writer:
        for n in range(6):
            writer.write_exchange(exchange(f"http://x.vn/{n}", body + bytes([n])))
        assert len(writer.files) >= 3
        assert writer.records == 2 * 6 + len(writer.files)
    files = warc_files(tmp_path)
    assert [p.name for p in files] == writer.files
    assert not list(tmp_path.glob("*.open"))
    serials = []
    for path in files:
        match = FILE_NAME.match(path.name)
        assert match, path.name
        assert match["site"] == "T_nh_y_B_nh_Ph_c"
        serials.append(int(match["serial"]))
        types = [r.rec_type for _, r in iter_records(path)]
        assert types[0] == "warcinfo"
        assert types[1:] == ["request", "response"] * ((len(types) - 1) // 2), path.name
    assert serials == list(range(len(files)))
    assert sum(path.stat().st_size for path in files) == writer.bytes
    assert warcio_check(*files).returncode == 0


def test_an_unwritable_directory_is_refused_with_the_reason(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(WarcError, match=r"WARC directory .*file/warcs: cannot write there"):
        prepare_directory(not_a_folder / "warcs")
    with pytest.raises(WarcError):
        WarcWriter(not_a_folder / "warcs", "tinh-uy")


# --- the middleware on its own ---------------------------------------------------------------


def capture_middleware(warcs: str) -> tuple[WarcCaptureMiddleware, Any]:
    settings = {
        "DVCRAWL_WARC_DIR": warcs,
        "DVCRAWL_WARC_MAX_SIZE": 10**9,
        "DVCRAWL_WARC_REVISITS_ACROSS_CRAWLS": True,
    }
    crawler = get_crawler(Spider, settings)
    crawler.spider = Spider(name="probe")
    return WarcCaptureMiddleware.from_crawler(crawler), crawler.stats


def test_the_middleware_tells_the_spider_where_each_response_lies(tmp_path: Path) -> None:
    middleware, stats = capture_middleware(str(tmp_path))
    body = "<p>Dân vận khéo</p>".encode()
    for _ in range(2):
        request = Request("http://x.vn/a")
        response = HtmlResponse(request.url, body=body, headers={"Content-Type": "text/html"})
        assert asyncio.run(middleware.process_response(request, response)) is response
        where = request.meta["dvcrawl_warc"]
        record = read_record(tmp_path / where["file"], where["offset"])
        assert record.rec_type == "response", "a revisit points at the original record"
        assert record.payload == body
        assert where["digest"] == payload_digest(body)
    middleware.spider_closed(Spider(name="probe"))
    assert stats.get_value("dvcrawl/warc/records") == 5
    assert stats.get_value("dvcrawl/warc/revisits") == 1
    assert stats.get_value("dvcrawl/warc/files") == 1
    assert stats.get_value("dvcrawl/warc/bytes") == warc_files(tmp_path)[0].stat().st_size


def test_the_middleware_skips_cached_and_non_http_responses(tmp_path: Path) -> None:
    middleware, stats = capture_middleware(str(tmp_path))
    cached = Request("http://x.vn/a")
    asyncio.run(
        middleware.process_response(cached, HtmlResponse(cached.url, body=b"x", flags=["cached"]))
    )
    data = Request("data:text/plain,x")
    asyncio.run(middleware.process_response(data, TextResponse(data.url, body=b"x")))
    assert "dvcrawl_warc" not in cached.meta
    assert "dvcrawl_warc" not in data.meta
    assert stats.get_value("dvcrawl/warc/records") is None


def test_an_empty_warc_dir_turns_the_middleware_off() -> None:
    with pytest.raises(NotConfigured):
        capture_middleware("")


# --- crash safety ---------------------------------------------------------------------------


@pytest.fixture
def finished_file(tmp_path: Path) -> tuple[Path, list[int]]:
    """A WARC file of warcinfo + 3 exchanges, and where each record starts."""
    folder = tmp_path / "written"
    with WarcWriter(folder, "tinh-uy") as writer:
        for n in range(3):
            writer.write_exchange(exchange(f"http://x.vn/{n}", os.urandom(5000) + b"<p>trang</p>"))
    (path,) = warc_files(folder)
    return path, [offset for offset, _ in iter_records(path)]


@pytest.mark.parametrize(
    ("cut", "whole_records"),
    [
        ("end", 7),
        ("last_record_minus_1", 6),
        ("middle_of_last_record", 6),
        ("record_boundary", 5),
        ("gzip_header_of_a_record", 5),
        ("inside_warcinfo", 0),
    ],
)
def test_recovery_cuts_an_open_file_back_to_its_last_whole_record(
    tmp_path: Path, finished_file: tuple[Path, list[int]], cut: str, whole_records: int
) -> None:
    path, starts = finished_file
    data = path.read_bytes()
    cut_at = {
        "end": len(data),
        "last_record_minus_1": len(data) - 1,
        "middle_of_last_record": (starts[6] + len(data)) // 2,
        "record_boundary": starts[5],
        "gzip_header_of_a_record": starts[5] + 5,
        "inside_warcinfo": 10,
    }[cut]
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    (crashed / (path.name + ".open")).write_bytes(data[:cut_at])

    (recovered,) = recover_open_files(crashed)

    assert recovered.records == whole_records
    assert not list(crashed.glob("*.open"))
    if whole_records == 0:
        assert not warc_files(crashed)
        return
    (final,) = warc_files(crashed)
    assert final.name == path.name
    kept = starts[whole_records] if whole_records < len(starts) else len(data)
    assert final.read_bytes() == data[:kept]
    assert recovered.bytes_dropped == cut_at - kept
    assert len(list(iter_records(final))) == whole_records
    assert warcio_check(final).returncode == 0


def test_recovery_leaves_the_file_of_a_live_writer_alone(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "tinh-uy") as writer:
        writer.write_exchange(exchange("http://x.vn/", b"<p>trang</p>"))
        assert recover_open_files(tmp_path) == []
        (open_file,) = tmp_path.glob("*.warc.gz.open")
        writer.write_exchange(exchange("http://x.vn/2", b"<p>trang 2</p>"))
    assert not open_file.exists()
    assert len(list(iter_records(warc_files(tmp_path)[0]))) == 5


KILLED_WRITER = """
import os, sys
from datetime import UTC, datetime
from pathlib import Path
from dvcrawl.warc import HttpExchange, WarcWriter
writer = WarcWriter(Path(sys.argv[1]), "tinh-uy")
n = 0
while True:
    n += 1
    body = os.urandom(200_000)
    writer.write_exchange(HttpExchange(url=f"http://x.vn/{n}", date=datetime.now(UTC),
                                       status=200, body=body))
"""


def test_a_writer_killed_mid_run_leaves_only_whole_records(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(tmp_path)])
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            open_files = list(tmp_path.glob("*.open"))
            if open_files and open_files[0].stat().st_size > 3_000_000:
                break
            time.sleep(0.01)
        else:
            pytest.fail("the writer process wrote nothing")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    (recovered,) = recover_open_files(tmp_path)

    (final,) = warc_files(tmp_path)
    records = [record for _, record in iter_records(final)]
    assert recovered.records == len(records) >= 3
    assert records[-1].rec_type in ("request", "response")
    assert warcio_check(final).returncode == 0


# --- real crawls over HTTP ------------------------------------------------------------------


@dataclass
class WireCrawl:
    server: WireServer
    warcs: Path
    database_url: str
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    first_sent: dict[str, list[Sent]]
    first_file: Path
    second_file: Path


def crawl_stats(output: subprocess.CompletedProcess[str]) -> dict[str, int]:
    return {
        name: int(value)
        for name, value in re.findall(r"'(dvcrawl/warc/\w+)': (\d+)", output.stderr)
    }


@pytest.fixture(scope="module")
def wire_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WireCrawl]:
    """Two crawls of the served site into one WARC folder: a first, then a --full one."""
    folder = tmp_path_factory.mktemp("wire")
    database_url = f"sqlite:///{folder / 'corpus.sqlite3'}"
    warcs = folder / "warcs"
    with WireServer() as server:
        first = run_dvcrawl(*crawl_args(server, database_url, warcs), "-v")
        assert first.returncode == 0, first.stderr[-3000:]
        (first_file,) = warc_files(warcs)
        first_sent = {path: list(answers) for path, answers in server.sent.items()}
        second = run_dvcrawl(*crawl_args(server, database_url, warcs), "--full", "-v")
        assert second.returncode == 0, second.stderr[-3000:]
        (second_file,) = set(warc_files(warcs)) - {first_file}
        yield WireCrawl(
            server, warcs, database_url, first, second, first_sent, first_file, second_file
        )


def responses(path: Path) -> list[Any]:
    return [r for _, r in iter_records(path) if r.rec_type in ("response", "revisit")]


def test_every_response_on_the_wire_is_archived(wire_crawl: WireCrawl) -> None:
    server = wire_crawl.server
    archived: dict[str, list[int]] = {}
    for record in responses(wire_crawl.first_file):
        path = record.uri.removeprefix(server.url(""))
        archived.setdefault(path, []).append(record.status)
    sent = {
        path: [answer.status for answer in answers]
        for path, answers in wire_crawl.first_sent.items()
    }
    assert archived == sent
    assert archived["/robots.txt"] == [200]
    assert archived[MOVED_PATH] == [301]
    assert archived[MISSING_PATH] == [404]
    assert archived[RETRIED_PATH] == [503, 200], "a retried attempt is archived too"
    assert sum(len(statuses) for statuses in archived.values()) == 26


def test_bodies_are_archived_as_sent_gzip_and_chunked_included(wire_crawl: WireCrawl) -> None:
    server = wire_crawl.server
    sent = {path: list(answers) for path, answers in wire_crawl.first_sent.items()}
    gzipped = 0
    with wire_crawl.first_file.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            path = record.rec_headers.get_header("WARC-Target-URI").removeprefix(server.url(""))
            answer = sent[path].pop(0)
            raw = record.raw_stream.read()
            assert raw == answer.body, path
            assert record.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(raw)
            if answer.headers.get("Content-Encoding") == "gzip":
                gzipped += 1
                assert raw.startswith(b"\x1f\x8b"), "stored gzip-encoded, as it came"
                assert record.http_headers.get_header("Content-Encoding") == "gzip"
            if answer.chunked:
                assert path == LISTING_PATH
                assert record.http_headers.get_header("Transfer-Encoding") is None
                assert record.http_headers.get_header("Content-Length") is None
    assert gzipped == 11
    assert not any(sent.values())


def test_an_archived_gzip_article_reads_back_as_its_vietnamese_text(wire_crawl: WireCrawl) -> None:
    path = wire_crawl.first_file
    with path.open("rb") as stream:
        pages = {
            record.rec_headers.get_header("WARC-Target-URI"): record.content_stream().read()
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        }
    url = next(url for url in pages if "Bu-Gia-Map" in url)
    html = pages[url].decode("utf-8")
    assert ARTICLE_TEXT in unicodedata.normalize("NFC", html)  # the page is written in NFD
    stored = read_record(path, _offset_of(path, url))
    assert gzip.decompress(stored.payload).decode("utf-8") == html
    listing = pages[wire_crawl.server.url(LISTING_PATH)].decode("utf-8")
    assert "Đưa nghị quyết vào cuộc sống" in listing


def _offset_of(path: Path, url: str) -> int:
    return next(o for o, r in iter_records(path) if r.rec_type == "response" and r.uri == url)


def test_requests_are_archived_as_sent_before_their_responses(wire_crawl: WireCrawl) -> None:
    records = [r for _, r in iter_records(wire_crawl.first_file)]
    assert records[0].rec_type == "warcinfo"
    info = records[0].payload.decode("utf-8")
    assert "software: dvcrawl/" in info
    assert "format: WARC File Format 1.1" in info
    assert "robots: obey" in info
    for request, response in zip(records[1::2], records[2::2], strict=True):
        assert request.rec_type == "request"
        assert response.rec_type == "response"
        assert request.header("WARC-Concurrent-To") == response.record_id
        headers = dict(request.http_headers)
        assert headers["User-Agent"].startswith("dvcrawl/")
        assert headers["Host"] == f"127.0.0.1:{wire_crawl.server.port}"
        assert "gzip" in headers["Accept-Encoding"]
        assert response.header("WARC-IP-Address") == "127.0.0.1"
        assert response.header("WARC-Block-Digest").startswith("sha1:")


def test_warcio_checks_and_indexes_every_record(wire_crawl: WireCrawl) -> None:
    files = [wire_crawl.first_file, wire_crawl.second_file]
    check = warcio_check(*files)
    assert check.returncode == 0, check.stdout
    assert "digest pass" in check.stdout
    for path in files:
        index = warcio_index(path)
        offsets = [offset for offset, _ in iter_records(path)]
        assert [int(entry["offset"]) for entry in index] == offsets
        assert sum(entry["warc-type"] == "request" for entry in index) == (len(offsets) - 1) // 2


def test_crawl_stats_count_the_archive(wire_crawl: WireCrawl) -> None:
    first = crawl_stats(wire_crawl.first)
    assert first["dvcrawl/warc/records"] == len(list(iter_records(wire_crawl.first_file)))
    assert first["dvcrawl/warc/bytes"] == wire_crawl.first_file.stat().st_size
    assert first["dvcrawl/warc/files"] == 1
    assert "dvcrawl/warc/revisits" not in first
    second = crawl_stats(wire_crawl.second)
    revisits = [r for r in responses(wire_crawl.second_file) if r.rec_type == "revisit"]
    assert second["dvcrawl/warc/revisits"] == len(revisits) > 0


def test_the_next_crawl_writes_unchanged_payloads_as_revisits(wire_crawl: WireCrawl) -> None:
    originals = {
        (r.uri, r.header("WARC-Payload-Digest")): r
        for r in responses(wire_crawl.first_file)
        if r.payload
    }
    second = responses(wire_crawl.second_file)
    assert len(second) == 25, "the 503 was not repeated"
    for record in second:
        original = originals.get((record.uri, record.header("WARC-Payload-Digest")))
        if original is None:
            assert record.rec_type == "response"
            assert record.payload == b""  # the redirect
            continue
        assert record.rec_type == "revisit", record.uri
        assert record.header("WARC-Refers-To") == original.record_id
        assert record.refers_to_date == original.date


def test_the_spider_is_told_where_each_page_lies(wire_crawl: WireCrawl) -> None:
    """Every stored article names the response record of its own page."""
    with session_factory(get_engine(wire_crawl.database_url))() as session:
        articles = ArchiveRepository(session).articles()
    assert articles
    for article in articles:
        assert article.warc_file is not None, article.url
        assert article.warc_offset is not None
        record = read_record(wire_crawl.warcs / article.warc_file, article.warc_offset)
        assert record.rec_type == "response"
        assert record.uri == article.url
        assert record.header("WARC-Payload-Digest") == article.warc_digest


# --- switching capture on and off -----------------------------------------------------------


def test_a_replay_archives_nothing_unless_a_warc_dir_is_given(tmp_path: Path) -> None:
    site = SITE_FIXTURES / "danvan"
    args = ["crawl", "danvan", "--replay", str(site), "--delay", "0", "--progress", "0"]
    env_dir = tmp_path / "from-env"
    plain = subprocess.run(
        [sys.executable, "-m", "dvcrawl", *args, "--db", str(tmp_path / "a.sqlite3")],
        capture_output=True,
        text=True,
        env={**os.environ, "DVCRAWL_WARC_DIR": str(env_dir)},
        check=False,
    )
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert not env_dir.exists() or not any(env_dir.iterdir())
    asked = run_dvcrawl(
        *args, "--db", str(tmp_path / "b.sqlite3"), "--warc-dir", str(tmp_path / "w")
    )
    assert asked.returncode == 0, asked.stderr[-2000:]
    (path,) = warc_files(tmp_path / "w")
    assert FILE_NAME.match(path.name)["site"] == "danvan"  # type: ignore[index]
    assert warcio_check(path).returncode == 0


def test_which_crawls_archive() -> None:
    def warc_dir(**fields: Any) -> str:
        return crawl_settings(CrawlOptions(database_url="sqlite://", **fields)).get(
            "DVCRAWL_WARC_DIR"
        )

    assert warc_dir() == dvcrawl.settings.DVCRAWL_WARC_DIR
    assert warc_dir(warc_dir="") == ""
    assert warc_dir(warc_dir="elsewhere") == "elsewhere"
    assert warc_dir(replay_paths=("x",)) == ""
    assert warc_dir(replay_paths=("x",), warc_dir="w") == "w"
    assert warc_dir(overrides={"DVCRAWL_WARC_DIR": "s"}) == "s"


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--warc-dir", "{file}/warcs"], 1, "cannot write there (Not a directory)"),
        (["--warc-dir", "{tmp}/w", "--no-warc"], 2, "give --warc-dir or --no-warc, not both"),
    ],
)
def test_a_crawl_that_could_not_archive_does_not_start(
    tmp_path: Path, extra: list[str], code: int, message: str
) -> None:
    (tmp_path / "file").write_text("x")
    args = [a.format(file=tmp_path / "file", tmp=tmp_path) for a in extra]
    database = tmp_path / "c.sqlite3"
    result = CliRunner().invoke(main, ["crawl", "danvan", "--db", str(database), *args])
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("dvcrawl: ")
    assert message in lines[0]


FILE_SIZE_LIMIT = 2_000_000
# The limit applies to the crawl only, set inside its process (no preexec_fn: threads run here).
LIMITED_DVCRAWL = (
    "import resource, runpy, sys; "
    f"resource.setrlimit(resource.RLIMIT_FSIZE, ({FILE_SIZE_LIMIT}, {FILE_SIZE_LIMIT})); "
    "sys.argv[0] = 'dvcrawl'; runpy.run_module('dvcrawl', run_name='__main__')"
)


def test_a_write_failure_stops_the_crawl_and_keeps_the_archive_whole(tmp_path: Path) -> None:
    """A file-size limit (as a full disk would) fails the write of a large listing page."""
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    padding = b"<!-- " + os.urandom(FILE_SIZE_LIMIT).hex().encode() + b" -->"
    with WireServer(padding={LISTING_PATH: padding}) as server:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                LIMITED_DVCRAWL,
                *crawl_args(server, database_url, tmp_path / "w"),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert result.returncode == 1, result.stderr[-3000:]
    assert "warc_write_failed" in result.stdout
    assert "cannot write the WARC archive" in result.stderr
    with session_factory(get_engine(database_url))() as session:
        assert ArchiveRepository(session).articles() == []
    assert not list((tmp_path / "w").glob("*.open"))
    files = warc_files(tmp_path / "w")
    assert files
    archived = {r.uri for path in files for r in responses(path)}
    assert server.url("/robots.txt") in archived
    assert server.url(LISTING_PATH) not in archived
    assert warcio_check(*files).returncode == 0
