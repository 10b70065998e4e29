"""Replay of WARC files: whole-site fixture crawls, revisits, repeats, damage, no network."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, SITE_FIXTURES, run_dvcrawl
from scrapy import Request
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from test_crawl_e2e import QUIET, assert_drops_as_expected, assert_stored_as_expected, read_corpus
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dvcrawl.replay import (
    WARC_META_KEY,
    ReplayDownloadHandler,
    ReplayError,
    load_recordings,
    read_http_record,
)

WARC_FIXTURES = FIXTURES / "warc"


def warc_fixtures() -> list[Path]:
    return sorted(WARC_FIXTURES.glob("*.warc.gz"))


# --- building small WARC files --------------------------------------------------------------


@dataclass
class Recorded:
    url: str
    body: bytes = b""
    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(default_factory=lambda: [("Content-Type", "text/html")])


@dataclass(frozen=True)
class Written:
    """Where a record went and what a revisit of it must cite."""

    offset: int
    url: str
    date: str
    digest: str


class WarcBuilder:
    """Writes response and revisit records with warcio and remembers where each went."""

    def __init__(self, path: Path, *, compress: bool = True) -> None:
        self.path = path
        self.stream = path.open("wb")
        self.writer = WARCWriter(self.stream, gzip=compress, warc_version="1.1")
        self.written: list[Written] = []

    def response(self, recorded: Recorded) -> Written:
        http = StatusAndHeaders(recorded.status, recorded.headers, protocol="HTTP/1.1")
        record = self.writer.create_warc_record(
            recorded.url,
            "response",
            payload=io.BytesIO(recorded.body),
            length=len(recorded.body),  # without it warcio buffers the body in a temporary file
            http_headers=http,
        )
        return self._write(record)

    def revisit(self, url: str, original: Written, *, with_http: bool = True) -> Written:
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(
            url,
            original.digest,
            original.url,
            original.date,
            http_headers=http if with_http else None,
        )
        return self._write(record)

    def _write(self, record: Any) -> Written:
        offset = self.stream.tell()
        self.writer.write_record(record)
        headers = record.rec_headers
        written = Written(
            offset,
            headers.get_header("WARC-Target-URI"),
            headers.get_header("WARC-Date"),
            headers.get_header("WARC-Payload-Digest"),
        )
        self.written.append(written)
        return written

    def __enter__(self) -> WarcBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()


def serve(paths: Iterable[Path], *urls: str) -> list[tuple[Response, dict[str, Any]]]:
    """Responses of the replay handler to GET requests, each with its request's meta."""
    crawler = get_crawler(settings_dict={"DVCRAWL_REPLAY_PATHS": [str(p) for p in paths]})
    handler = ReplayDownloadHandler(crawler)
    served = []
    for url in urls:
        request = Request(url)
        response = asyncio.run(handler.download_request(request))
        served.append((response, dict(request.meta)))
    return served


# --- whole-site crawls of the fixture WARCs -------------------------------------------------


def test_every_synthetic_site_has_a_small_warc_fixture() -> None:
    sites = sorted(p.name for p in SITE_FIXTURES.iterdir() if (p / "manifest.json").is_file())
    assert [p.name.removesuffix(".warc.gz") for p in warc_fixtures()] == sites
    total = sum(p.stat().st_size for p in warc_fixtures())
    assert total < 500_000, "run tools/record_fixture_warcs.py; keep the fixtures small"


def test_the_warc_fixtures_are_dvcrawl_captures() -> None:
    """Recorded by tools/record_fixture_warcs.py through dvcrawl's capture, not built by hand."""
    for path in warc_fixtures():
        with path.open("rb") as stream:
            records = [
                (record.rec_type, record.rec_headers, record.content_stream().read())
                for record in ArchiveIterator(stream)
            ]
        rec_type, _, info = records[0]
        assert rec_type == "warcinfo", path.name
        assert info.startswith(b"software: dvcrawl/"), path.name
        responses = [h.get_header("WARC-Record-ID") for t, h, _ in records if t == "response"]
        concurrent = {h.get_header("WARC-Concurrent-To") for t, h, _ in records if t == "request"}
        assert responses
        assert set(responses) <= concurrent, f"{path.name}: a response without its request"


@pytest.fixture(scope="module", params=warc_fixtures(), ids=lambda p: p.name)
def warc_crawl(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str, Any]:
    warc: Path = request.param
    site = warc.name.removesuffix(".warc.gz")
    database_url = f"sqlite:///{tmp_path_factory.mktemp(site) / 'corpus.sqlite3'}"
    output = run_dvcrawl("crawl", site, "--replay", str(warc), "--db", database_url, *QUIET)
    assert output.returncode == 0, output.stderr[-3000:]
    return warc, database_url, output


def test_a_warc_replay_stores_what_the_manifest_crawl_stores(
    warc_crawl: tuple[Path, str, Any],
) -> None:
    warc, database_url, _ = warc_crawl
    expected = json.loads(
        (SITE_FIXTURES / warc.name.removesuffix(".warc.gz") / "expected.json").read_text("utf-8")
    )
    articles, runs = read_corpus(database_url)
    assert_stored_as_expected(articles, expected)
    assert_drops_as_expected(runs[0], expected)
    by_url = {article.url: article for article in articles}
    for url, title in expected.get("titles", {}).items():
        assert by_url[url].title == title


def test_scrapy_middlewares_act_on_the_replayed_bytes(tmp_path: Path) -> None:
    """Gzip-encoded, chunked pages are decoded, and a redirected robots.txt is obeyed."""
    site_dir = SITE_FIXTURES / "binh-phuoc"
    manifest = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
    blocked = expected["stored"][0]
    robots = "https://tinhuybinhphuoc.vn/robots.txt"
    with WarcBuilder(tmp_path / "binh-phuoc.warc.gz") as warc:
        warc.response(Recorded(robots, status="301 Moved", headers=[("Location", "/r2.txt")]))
        rules = f"User-agent: *\nDisallow: {blocked.removeprefix('https://tinhuybinhphuoc.vn')}\n"
        warc.response(Recorded("https://tinhuybinhphuoc.vn/r2.txt", rules.encode()))
        for entry in manifest["responses"]:
            if entry["url"] == robots:
                continue
            body = gzip.compress((site_dir / entry["file"]).read_bytes())
            chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
            headers = [
                *entry["headers"].items(),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ]
            warc.response(Recorded(entry["url"], chunked, headers=headers))
    database_url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    output = run_dvcrawl(
        "crawl", "binh-phuoc", "--replay", str(warc.path), "--db", database_url, *QUIET
    )
    assert output.returncode == 0, output.stderr[-3000:]
    articles, runs = read_corpus(database_url)
    assert_stored_as_expected(articles, {**expected, "stored": expected["stored"][1:]})
    # Obeyed before any request: the article is left as forbidden, not requested.
    assert runs[0].stats["dvcrawl/skipped/robots"] == 1
    assert "robotstxt/forbidden" not in runs[0].stats


# --- what the handler serves ----------------------------------------------------------------


def test_recorded_status_headers_and_bytes_are_served_as_received(tmp_path: Path) -> None:
    body = gzip.compress("<html><p>Dân vận khéo</p></html>".encode())
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Encoding", "gzip"),
        ("Set-Cookie", "a=1"),
        ("Set-Cookie", "b=2"),
    ]
    with WarcBuilder(tmp_path / "a.warc.gz") as warc:
        written = warc.response(Recorded("https://x.vn/a", body, headers=headers))
        warc.response(Recorded("https://x.vn/gone", status="410 Gone"))
    (response, meta), (gone, _) = serve([warc.path], "https://x.vn/a", "https://x.vn/gone")
    assert response.status == 200
    assert response.body == body  # still compressed: HttpCompressionMiddleware decodes it
    assert response.headers.getlist("Set-Cookie") == [b"a=1", b"b=2"]
    assert response.headers["Content-Encoding"] == b"gzip"
    assert gone.status == 410
    assert meta[WARC_META_KEY] == {
        "file": "a.warc.gz",
        "offset": written.offset,
        "digest": written.digest,
    }


def test_a_chunked_body_is_served_dechunked(tmp_path: Path) -> None:
    first, second = "Dân".encode(), " vận".encode()
    chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(first), first, len(second), second)
    headers = [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]
    with WarcBuilder(tmp_path / "a.warc") as warc:
        warc.response(Recorded("https://x.vn/a", chunked, headers=headers))
    ((response, _),) = serve([warc.path], "https://x.vn/a")
    assert response.body == "Dân vận".encode()


def test_a_revisit_replays_the_body_of_the_response_it_repeats(tmp_path: Path) -> None:
    with WarcBuilder(tmp_path / "a.warc.gz") as warc:
        original = warc.response(Recorded("https://x.vn/a", b"<p>same page</p>"))
        warc.revisit("https://x.vn/a?utm=1", original)
        warc.revisit("https://x.vn/b", original, with_http=False)
    served = serve([warc.path], "https://x.vn/a?utm=1", "https://x.vn/b")
    for response, meta in served:
        assert response.status == 200
        assert response.body == b"<p>same page</p>"
        # the record holding the payload
        assert meta[WARC_META_KEY]["offset"] == original.offset
        assert meta[WARC_META_KEY]["digest"] == original.digest


def test_a_revisit_resolves_to_an_earlier_file_of_the_same_replay(tmp_path: Path) -> None:
    with WarcBuilder(tmp_path / "1.warc.gz") as first:
        original = first.response(Recorded("https://x.vn/a", b"<p>first file</p>"))
    with WarcBuilder(tmp_path / "2.warc.gz") as second:
        second.revisit("https://x.vn/a", original)
    ((response, meta),) = serve([tmp_path], "https://x.vn/a")
    # The first file's response, then the second file's revisit: the revisit is served second.
    ((again, again_meta),) = serve(
        [tmp_path / "2.warc.gz", tmp_path / "1.warc.gz"], "https://x.vn/a"
    )
    assert response.body == again.body == b"<p>first file</p>"
    assert meta[WARC_META_KEY]["file"] == again_meta[WARC_META_KEY]["file"] == "1.warc.gz"
    with pytest.raises(ReplayError, match="in none of the replayed files"):
        load_recordings([tmp_path / "2.warc.gz"])


def test_a_url_recorded_several_times_replays_in_order_then_repeats_the_last(
    tmp_path: Path,
) -> None:
    with WarcBuilder(tmp_path / "a.warc.gz") as warc:
        for version in (1, 2, 3):
            warc.response(Recorded("https://x.vn/a", b"version %d" % version))
        warc.response(Recorded("https://x.vn/other", b"other"))
    served = serve([warc.path], *["https://x.vn/a"] * 4, "https://x.vn/other")
    assert [response.body for response, _ in served] == [
        b"version 1",
        b"version 2",
        b"version 3",
        b"version 3",
        b"other",
    ]
    offsets = [written.offset for written in warc.written]
    assert [meta[WARC_META_KEY]["offset"] for _, meta in served[:4]] == [
        *offsets[:3],
        offsets[2],
    ]


def test_an_unrecorded_url_is_a_marked_miss_without_a_stale_warc_link(tmp_path: Path) -> None:
    with WarcBuilder(tmp_path / "a.warc.gz") as warc:
        warc.response(Recorded("https://x.vn/a", b"a"))
    crawler = get_crawler(settings_dict={"DVCRAWL_REPLAY_PATHS": [str(warc.path)]})
    handler = ReplayDownloadHandler(crawler)
    # A redirect's request inherits the meta of the response it followed.
    request = Request("https://x.vn/missing", meta={WARC_META_KEY: {"file": "a.warc.gz"}})
    response = asyncio.run(handler.download_request(request))
    assert response.status == 404
    assert response.headers["X-Dvcrawl-Replay"] == b"miss"
    assert WARC_META_KEY not in request.meta


def test_a_folder_of_warcs_names_files_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "2026" / "11").mkdir(parents=True)
    with WarcBuilder(tmp_path / "2026" / "11" / "site-1.warc.gz") as warc:
        warc.response(Recorded("https://x.vn/a", b"a"))
    ((response, meta),) = serve([tmp_path], "https://x.vn/a")
    assert response.body == b"a"
    assert meta[WARC_META_KEY]["file"] == "2026/11/site-1.warc.gz"


# --- damaged files --------------------------------------------------------------------------


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain"])
def test_a_truncated_warc_is_refused_wherever_it_was_cut(tmp_path: Path, compress: bool) -> None:
    name = "whole.warc.gz" if compress else "whole.warc"
    with WarcBuilder(tmp_path / name, compress=compress) as warc:
        for i in range(3):
            warc.response(Recorded(f"https://x.vn/{i}", b"<p>%d</p>" % i * 100))
    data = warc.path.read_bytes()
    record_ends = {*(written.offset for written in warc.written[1:]), len(data)}
    cut = tmp_path / ("cut.warc.gz" if compress else "cut.warc")
    refused = 0
    for length in range(1, len(data), 7):
        cut.write_bytes(data[:length])
        if any(0 <= end - length <= 4 for end in record_ends):
            continue  # whole records, at most without the blank lines that end the last one
        with pytest.raises(ReplayError, match=r"cut\.warc(\.gz)?: not a readable WARC file"):
            load_recordings([cut])
        refused += 1
    assert refused > len(data) // 8


def test_a_file_that_is_not_a_warc_gives_one_clear_line(tmp_path: Path) -> None:
    fake = tmp_path / "page.warc.gz"
    fake.write_bytes(gzip.compress(b"<html>not an archive</html>"))
    with pytest.raises(ReplayError) as refused:
        load_recordings([fake])
    message = str(refused.value)
    assert message.startswith(f"{fake}: not a readable WARC file")
    assert "\n" not in message


def test_the_crawl_command_fails_in_one_line_on_a_damaged_warc(tmp_path: Path) -> None:
    data = warc_fixtures()[0].read_bytes()
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(data[: len(data) // 2])
    site = warc_fixtures()[0].name.removesuffix(".warc.gz")
    result = run_dvcrawl(
        "crawl", site, "--replay", str(damaged), "--db", str(tmp_path / "c.sqlite3"), *QUIET
    )
    assert result.returncode == 1
    failure = f"{site}: crawl failed: ReplayError: {damaged}: not a readable WARC file"
    assert failure in result.stdout
    assert "Traceback" not in result.stderr


# --- no network -----------------------------------------------------------------------------

NETWORK_GUARD = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args)[:200])
    raise OSError("network use during a replay")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse
from dvcrawl.cli import main
try:
    main(sys.argv[1:])
finally:
    print(f"network attempts: {len(attempts)} {attempts[:3]}", file=sys.stderr)
"""


def test_a_replay_crawl_opens_no_network_connection(tmp_path: Path) -> None:
    warc = warc_fixtures()[0]
    site = warc.name.removesuffix(".warc.gz")
    database = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    args = ["crawl", site, "--replay", str(warc), "--db", database, *QUIET, "--full"]
    result = subprocess.run(
        [sys.executable, "-c", NETWORK_GUARD, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "network attempts: 0 []" in result.stderr
    articles, _ = read_corpus(database)
    assert articles, "the guarded crawl stored nothing, so it proved nothing"


def test_read_http_record_refuses_an_offset_that_is_not_a_response(tmp_path: Path) -> None:
    with WarcBuilder(tmp_path / "a.warc.gz") as warc:
        written = warc.response(Recorded("https://x.vn/a", b"a"))
    assert read_http_record(warc.path, written.offset).body == b"a"
    with pytest.raises(ReplayError, match="at offset 3"):
        read_http_record(warc.path, 3)


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "plain"])
def test_read_http_record_refuses_a_record_cut_short(tmp_path: Path, compress: bool) -> None:
    with WarcBuilder(tmp_path / "a.warc", compress=compress) as warc:
        warc.response(Recorded("https://x.vn/a", b"<p>whole</p>" * 50))
        second = warc.response(Recorded("https://x.vn/b", b"<p>cut</p>" * 50))
    data = warc.path.read_bytes()
    assert read_http_record(warc.path, second.offset).body == b"<p>cut</p>" * 50
    warc.path.write_bytes(data[: len(data) - 40])
    expected = "a gzip member cut short" if compress else "record truncated"
    with pytest.raises(ReplayError, match=f"at offset {second.offset}: {expected}"):
        read_http_record(warc.path, second.offset)
