"""Replay recorded responses instead of the network: ``dvcrawl crawl --replay PATH``.

A recording is a folder with a ``manifest.json`` that maps URLs to status, headers and
a body file (the format of ``tests/fixtures/sites``). URLs are matched after w3lib's
canonicalisation; an unrecorded URL answers 404, so a replayed crawl never goes online.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

REPLAY_HANDLER = "dvcrawl.replay.ReplayDownloadHandler"


class ReplayError(ValueError):
    """A recording that cannot be read."""


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def load_recordings(paths: Iterable[str | Path]) -> dict[str, RecordedResponse]:
    """Every recorded response of the folders (or manifest files) in ``paths``, by URL key."""
    recorded: dict[str, RecordedResponse] = {}
    for path in map(Path, paths):
        manifest = path / "manifest.json" if path.is_dir() else path
        if not manifest.is_file():
            raise ReplayError(f"{path}: no manifest.json to replay")
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            for entry in data["responses"]:
                body_file = manifest.parent / entry["file"] if entry.get("file") else None
                response = RecordedResponse(
                    url=entry["url"],
                    status=int(entry.get("status", 200)),
                    headers=dict(entry.get("headers", {})),
                    body=body_file.read_bytes() if body_file else b"",
                )
                recorded[url_key(response.url)] = response
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ReplayError(f"{manifest}: unreadable recording ({exc})") from exc
    return recorded


def url_key(url: str) -> str:
    return canonicalize_url(url)


class ReplayDownloadHandler(BaseDownloadHandler):
    """Answers http and https requests from recordings named by ``DVCRAWL_REPLAY_PATHS``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.recorded = load_recordings(crawler.settings.getlist("DVCRAWL_REPLAY_PATHS"))

    async def download_request(self, request: Request) -> Response:
        recorded = self.recorded.get(url_key(request.url))
        if recorded is None:
            return _response(request.url, 404, {"X-Dvcrawl-Replay": "miss"}, b"")
        return _response(request.url, recorded.status, recorded.headers, recorded.body)


def _response(url: str, status: int, headers: dict[str, str], body: bytes) -> Response:
    scrapy_headers = Headers(headers)
    response_class = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    response: Response = response_class(url=url, status=status, headers=scrapy_headers, body=body)
    return response


class ReplayAddon:
    """Routes http and https through the replay handler when ``DVCRAWL_REPLAY_PATHS`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.getlist("DVCRAWL_REPLAY_PATHS"):
            return
        handlers: dict[str, Any] = {"http": REPLAY_HANDLER, "https": REPLAY_HANDLER}
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="addon")
