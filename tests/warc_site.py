"""A recorded site served over real HTTP the way live servers answer, for the WARC tests.

Unlike ``ManifestServer`` it speaks HTTP/1.1 with keep-alive and varies the wire format:
the first listing page comes chunked, article pages come gzip-encoded to clients that
accept it, ``/moved/`` redirects to the listing, a second listing page fails once with 503
before it answers, and unknown paths answer 404. What each path was sent as is kept in
``sent`` so tests can compare the archive with the bytes on the wire.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from local_server import QuietHandler, local_server
from w3lib.url import canonicalize_url

SITE_DIR = Path(__file__).parent / "fixtures" / "sites" / "binh-phuoc"
LISTING_PATH = "/news/Dua-nghi-quyet-vao-cuoc-song/"
RETRIED_PATH = "/news/Dua-nghi-quyet-vao-cuoc-song/page-2/"
MOVED_PATH = "/moved/"
MISSING_PATH = "/news/khong-con/"
CHUNK_SIZE = 1000


@dataclass
class Sent:
    status: int
    headers: dict[str, str]
    body: bytes
    chunked: bool = False


@dataclass
class ServedSite:
    routes: dict[str, tuple[int, dict[str, str], bytes]]
    sent: dict[str, list[Sent]] = field(default_factory=dict)
    failures_left: dict[str, int] = field(default_factory=dict)
    padding: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def load_routes(site_dir: Path = SITE_DIR) -> dict[str, tuple[int, dict[str, str], bytes]]:
    data = json.loads((site_dir / "manifest.json").read_text(encoding="utf-8"))
    routes = {}
    for entry in data["responses"]:
        parts = urlsplit(entry["url"])
        path = parts.path + ("?" + parts.query if parts.query else "")
        body = (site_dir / entry["file"]).read_bytes() if entry.get("file") else b""
        routes[_key(path)] = (entry.get("status", 200), dict(entry.get("headers", {})), body)
    return routes


def _key(path: str) -> str:
    return canonicalize_url("http://local" + path)


class WireServer:
    """Serves ``site_dir`` on 127.0.0.1 with chunked, gzip, redirect, 503-then-200 and 404."""

    def __init__(self, site_dir: Path = SITE_DIR, *, padding: dict[str, bytes] | None = None):
        site = ServedSite(load_routes(site_dir), failures_left={RETRIED_PATH: 1})
        site.padding.update(padding or {})
        self.site = site

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                sent = self._answer()
                with site.lock:
                    site.sent.setdefault(self.path, []).append(sent)

            def _answer(self) -> Sent:
                path = self.path
                if path == MOVED_PATH:
                    return self._send(301, {"Location": LISTING_PATH}, b"")
                with site.lock:
                    fail = site.failures_left.get(path, 0)
                    if fail:
                        site.failures_left[path] = fail - 1
                if fail:
                    return self._send(503, {"Content-Type": "text/plain"}, b"busy, retry later")
                route = site.routes.get(_key(path))
                if route is None:
                    return self._send(404, {"Content-Type": "text/html"}, b"<h1>not found</h1>")
                status, headers, body = route
                body += site.padding.get(path, b"")
                if path == LISTING_PATH:
                    return self._send(status, headers, body, chunked=True)
                accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
                if accepts_gzip and "/news/" in path and path.endswith(".html"):
                    encoded = gzip.compress(body, mtime=0)
                    return self._send(status, {**headers, "Content-Encoding": "gzip"}, encoded)
                return self._send(status, headers, body)

            def _send(
                self, status: int, headers: dict[str, str], body: bytes, *, chunked: bool = False
            ) -> Sent:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if chunked:
                    for start in range(0, len(body), CHUNK_SIZE):
                        piece = body[start : start + CHUNK_SIZE]
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.wfile.write(body)
                return Sent(status, headers, body, chunked)

        self.server, self.port, self.thread = local_server(Handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def sent(self) -> dict[str, list[Sent]]:
        return self.site.sent

    def __enter__(self) -> WireServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def crawl_args(server: WireServer, database_url: str, warc_dir: Path) -> list[str]:
    """``dvcrawl crawl`` arguments for an ad-hoc crawl of the served site, archived in
    ``warc_dir``: start at the redirect and at a listing that is gone."""
    return [
        "crawl",
        "--family",
        "nukeviet",
        "--start-url",
        server.url(MOVED_PATH),
        "--start-url",
        server.url(MISSING_PATH),
        "--key",
        "binh-phuoc-local",
        "--db",
        database_url,
        "--warc-dir",
        str(warc_dir),
        "--delay",
        "0",
        "--progress",
        "0",
    ]
