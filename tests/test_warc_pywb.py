"""pywb replays what dvcrawl archived: a collection built from the WARC files of real crawls.

The crawls run over HTTP on 127.0.0.1 (see ``warc_site``): article pages arrive
gzip-encoded, the first listing page chunked. pywb's own tools build the collection
(``wb-manager init`` / ``add``) and its ``wayback`` server replays it on 127.0.0.1.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from conftest import run_dvcrawl
from warc_site import LISTING_PATH, WireServer, crawl_args

from dvcrawl.warc import iter_records

pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
COLLECTION = "dvcrawl"
ARTICLE_PATH = (
    "/news/Dua-nghi-quyet-vao-cuoc-song/"
    "Bu-Gia-Map-Nang-cao-chat-luong-cong-tac-dan-van-chinh-quyen-1050.html"
)
ARTICLE_TEXT = "Bù Gia Mập: Nâng cao chất lượng công tác dân vận chính quyền"
LISTING_TEXT = "Đưa nghị quyết vào cuộc sống"
# urllib would send 127.0.0.1 through an http_proxy from the environment
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Replay:
    base: str
    site: str  # the crawled site's origin, as archived
    first: dict[str, str]  # url -> 14-digit timestamp of its capture, first crawl
    second: dict[str, str]  # same, second crawl (revisits)
    originals: dict[str, bytes]  # url -> payload as archived by the first crawl

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        try:
            with DIRECT.open(self.base + path, timeout=30) as answer:
                return answer.status, dict(answer.headers.items()), answer.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers.items()), error.read()


def timestamp(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def captures(path: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    times: dict[str, str] = {}
    payloads: dict[str, bytes] = {}
    for _, record in iter_records(path):
        if record.rec_type in ("response", "revisit") and record.status == 200:
            times[record.uri] = timestamp(record.date)
            payloads[record.uri] = record.payload
    return times, payloads


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_up(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"wayback exited with {process.returncode}")
        try:
            with DIRECT.open(url, timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError("wayback did not answer within 60 s")


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replay]:
    folder = tmp_path_factory.mktemp("pywb")
    warcs = folder / "warcs"
    database_url = f"sqlite:///{folder / 'corpus.sqlite3'}"
    with WireServer() as server:
        for extra in ((), ("--full",)):
            result = run_dvcrawl(*crawl_args(server, database_url, warcs), *extra)
            assert result.returncode == 0, result.stderr[-3000:]
        site = server.url("")
    first_file, second_file = sorted(warcs.glob("*.warc.gz"))
    first, originals = captures(first_file)
    second, _ = captures(second_file)

    root = folder / "wayback"
    root.mkdir()
    for command in (
        [BIN / "wb-manager", "init", COLLECTION],
        [BIN / "wb-manager", "add", COLLECTION, first_file, second_file],
    ):
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    port = free_port()
    process = subprocess.Popen(
        [BIN / "wayback", "--port", str(port), "--bind", "127.0.0.1"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(process, base + "/")
        yield Replay(base, site, first, second, originals)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def text_of(body: bytes) -> str:
    return unicodedata.normalize("NFC", body.decode("utf-8"))  # some pages are written in NFD


def test_an_archived_article_replays_byte_for_byte(replay: Replay) -> None:
    url = replay.site + ARTICLE_PATH
    status, headers, body = replay.get(f"/{COLLECTION}/{replay.first[url]}id_/{url}")
    assert status == 200
    assert ARTICLE_TEXT in text_of(body)
    # archived gzip-encoded, as sent; pywb serves it decoded, and says how it came
    assert replay.originals[url].startswith(b"\x1f\x8b")
    assert headers.get("X-Archive-Orig-Content-Encoding") == "gzip"


def test_an_archived_article_replays_on_the_normal_path(replay: Replay) -> None:
    url = replay.site + ARTICLE_PATH
    stamp = replay.first[url]
    status, _, frame = replay.get(f"/{COLLECTION}/{stamp}/{url}")
    assert status == 200
    # the top frame loads the capture into an iframe, from the mp_ path fetched next
    assert f'new ContentFrame({{"url": "{url}"'.encode() in frame
    assert f'"{stamp}"'.encode() in frame
    status, _, page = replay.get(f"/{COLLECTION}/{stamp}mp_/{url}")
    assert status == 200
    html = text_of(page)
    assert ARTICLE_TEXT in html
    assert f"/{COLLECTION}/{stamp}mp_/{replay.site}/news/" in html, "links point into the archive"


def test_a_chunked_listing_replays_as_received(replay: Replay) -> None:
    url = replay.site + LISTING_PATH
    status, _, body = replay.get(f"/{COLLECTION}/{replay.first[url]}id_/{url}")
    assert status == 200
    assert body == replay.originals[url]
    assert LISTING_TEXT in text_of(body)


def test_a_revisit_replays_the_payload_it_refers_to(replay: Replay) -> None:
    url = replay.site + ARTICLE_PATH
    assert replay.second[url] > replay.first[url]
    status, headers, body = replay.get(f"/{COLLECTION}/{replay.second[url]}id_/{url}")
    assert status == 200
    assert ARTICLE_TEXT in text_of(body)
    served = parsedate_to_datetime(headers["Memento-Datetime"])
    assert served.strftime("%Y%m%d%H%M%S") == replay.second[url], "the revisit was served"


def test_a_page_never_archived_is_not_invented(replay: Replay) -> None:
    url = replay.site + "/news/khong-bao-gio-co/"
    status, _, _ = replay.get(f"/{COLLECTION}/{next(iter(replay.first.values()))}id_/{url}")
    assert status == 404
