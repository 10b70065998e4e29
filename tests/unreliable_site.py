"""A synthetic NukeViet portal served over HTTP on 127.0.0.1, slowly enough to be cut off
mid-crawl, that can answer 503 for a while; and a TCP proxy in front of Postgres that can
play a server restart.

The interruption tests crawl it with the real ``dvcrawl`` in a subprocess, cut that crawl
off (a signal, the database gone, the site down), crawl again with the same command, and
check that every article is stored once.
"""

from __future__ import annotations

import contextlib
import json
import select
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from local_server import QuietHandler, local_server
from nukeviet_sites import Category, Module, SiteConfig, SiteTruth, build_site
from w3lib.url import canonicalize_url

# 300 articles in five categories, ten to a page, no sitemap: the walks find them all.
SITE = SiteConfig(
    "unreliable",
    "named",
    (
        Module(
            name="news",
            title="Tin tức",
            home_template="viewcat_main_left",
            categories=(
                Category("tin-hoat-dong", "Tin hoạt động", weight=1.5),
                Category("dan-van-chinh-quyen", "Dân vận chính quyền", "viewcat_list_new"),
                Category("dan-van-kheo", "Dân vận khéo", "viewcat_grid_new"),
                Category("dan-toc-ton-giao", "Dân tộc - Tôn giáo"),
                Category("mat-tran", "Mặt trận", weight=0.8),
            ),
            articles=300,
            per_page=10,
        ),
    ),
    sitemap=False,
)


class UnreliableSite:
    """Serves a built site; ``down_for(seconds)`` makes every request answer 503 for that
    long; ``articles_requested`` counts article pages asked for."""

    def __init__(self, folder: Path, *, delay: float = 0.01, site: SiteConfig = SITE) -> None:
        self.truth: SiteTruth = build_site(site, folder)
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        # Bodies are read from disk as they are asked for: a large site stays out of memory.
        routes: dict[str, tuple[int, dict[str, str], Path | None]] = {}
        for entry in data["responses"]:
            parts = urlsplit(entry["url"])
            key = _key(parts.path + ("?" + parts.query if parts.query else ""))
            body = folder / entry["file"] if entry.get("file") else None
            routes[key] = (entry.get("status", 200), dict(entry.get("headers", {})), body)
        self.down_until = 0.0
        self.articles_requested = 0
        served = self

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a live server answers
            # Headers and body leave in two writes: with Nagle's algorithm the body would
            # wait for the client's delayed ACK of the headers (40 ms a response).
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                if delay:
                    time.sleep(delay)
                if self.path.endswith(".html"):
                    served.articles_requested += 1
                if time.monotonic() < served.down_until:
                    self.send_page(503, {"Content-Type": "text/plain", "Retry-After": "1"}, b"busy")
                    return
                status, headers, file = routes.get(_key(self.path), (404, {}, None))
                body = file.read_bytes() if file else b"not found" if status == 404 else b""
                if status in (301, 302) and headers.get("Location", "").startswith("http"):
                    parts = urlsplit(headers["Location"])
                    headers = {
                        **headers,
                        "Location": parts.path + (f"?{parts.query}" if parts.query else ""),
                    }
                self.send_page(status, headers, body)

        self.server, self.port, self.thread = local_server(Handler)

    @property
    def home(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def stored_urls(self, urls: set[str]) -> set[str]:
        """Stored URLs on the served host, written as the truth writes them."""
        return {"http://nukeviet.test" + urlsplit(url).path for url in urls}

    def down_for(self, seconds: float) -> None:
        self.down_until = time.monotonic() + seconds

    def __enter__(self) -> UnreliableSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _key(path: str) -> str:
    return canonicalize_url("http://local" + path)


class PostgresProxy:
    """A TCP proxy to a Postgres server; ``outage(seconds)`` cuts every connection and
    refuses new ones for that long, as a server restart does to its clients."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down_until = 0.0
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if time.monotonic() < self.down_until:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        sockets = [client, upstream]
        try:
            while True:
                readable, _, _ = select.select(sockets, [], [], 0.2)
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)
        except OSError:
            return
        finally:
            for sock in sockets:
                sock.close()

    def outage(self, seconds: float) -> None:
        self.down_until = time.monotonic() + seconds
        with self.lock:
            for sock in self.connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.connections = []

    def close(self) -> None:
        self.closed = True
        self.listener.close()
