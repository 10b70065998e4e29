"""What the tests' local sites share: a quiet request handler and a threaded server on
127.0.0.1, on a free port."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Mapping
from typing import Any


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """A handler that sends whole pages and logs nothing (the crawl under test logs)."""

    def send_page(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def local_server(
    handler: type[http.server.BaseHTTPRequestHandler],
) -> tuple[http.server.ThreadingHTTPServer, int, threading.Thread]:
    """The server, its port and the thread to serve it in (not started)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    return server, server.server_address[1], thread
