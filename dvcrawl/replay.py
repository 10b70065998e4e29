"""Replay recorded responses instead of the network: ``dvcrawl crawl --replay PATH``.

Two kinds of recording can be replayed, and mixed:

* WARC files (``.warc``, ``.warc.gz``, or a folder holding them), such as dvcrawl's own
  captures. Response and revisit records are indexed by URL with their byte offsets
  only; a record's bytes are read from disk when its URL is requested. The recorded
  status line, headers and raw body are served as they were received, so Scrapy's own
  middlewares (decompression, redirects, robots.txt) act as they did in the recorded
  crawl. A revisit record is served with its own status and headers and the body of
  the response it repeats.
* A folder with a ``manifest.json`` that maps URLs to status, headers and a body file
  (the format of ``tests/fixtures/sites``).

URLs are matched after w3lib's canonicalisation. A URL recorded several times is
replayed in recording order: the first request gets the first response, the next
request the next one, and once they are used up the last one is served again. An
unrecorded URL answers 404 with ``X-Dvcrawl-Replay: miss``, so a replay never goes online;
a manifest may name another answer for them (``"not_found"``: a site that serves its
"not found" page with 200).
"""

from __future__ import annotations

import functools
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.settings import BaseSettings
from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

REPLAY_HANDLER = "dvcrawl.replay.ReplayDownloadHandler"
WARC_SUFFIXES = (".warc", ".warc.gz")
WARC_META_KEY = "dvcrawl_warc"
IDENTICAL_PAYLOAD = "identical-payload-digest"
REPLAYED_TYPES = ("response", "revisit")
GZIP_MAGIC = b"\x1f\x8b"
# The index key of a manifest's answer to unrecorded URLs (no URL canonicalises to it).
NOT_FOUND_KEY = "dvcrawl:not-found"
READ_SIZE = 64 * 1024


class ReplayError(ValueError):
    """A recording that cannot be read."""


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """A response of a manifest recording, held in memory (manifests are small)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True, slots=True)
class WarcLocation:
    """A record in a WARC file: the file, its name as rows cite it, and the byte offset."""

    path: Path
    name: str
    offset: int

    def __str__(self) -> str:
        return f"{self.path}@{self.offset}"


@dataclass(frozen=True, slots=True)
class WarcEntry:
    """A replayable record: a response, or a revisit and the response holding its body."""

    record: WarcLocation
    payload: WarcLocation
    digest: str | None


@dataclass(frozen=True, slots=True)
class HttpRecord:
    """An HTTP response record read back from a WARC file, bytes as received."""

    rec_type: str
    url: str
    status: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    warc_date: str | None
    digest: str | None
    profile: str | None

    def header(self, name: str) -> bytes | None:
        wanted = name.lower().encode("latin-1")
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def text_headers(self) -> dict[str, str]:
        """Headers as text (latin-1, as HTTP defines them); repeated names joined by ", "."""
        joined: dict[str, list[str]] = {}
        for key, value in self.headers:
            joined.setdefault(key.decode("latin-1"), []).append(value.decode("latin-1"))
        return {key: ", ".join(values) for key, values in joined.items()}


Recorded = RecordedResponse | WarcEntry


def url_key(url: str) -> str:
    return canonicalize_url(url)


# --- finding and indexing recordings -------------------------------------------------------


def is_warc_file(path: Path) -> bool:
    return path.name.endswith(WARC_SUFFIXES)


def warc_files(folder: Path) -> list[tuple[Path, str]]:
    """The WARC files under ``folder`` in name order, each with its name relative to it."""
    found = sorted(p for p in folder.rglob("*") if p.is_file() and is_warc_file(p))
    return [(path, path.relative_to(folder).as_posix()) for path in found]


def load_recordings(paths: Iterable[str | Path]) -> dict[str, list[Recorded]]:
    """Every recorded response of ``paths`` by URL key, in recording order.

    A path is a WARC file, a manifest file, or a folder holding a ``manifest.json`` or
    WARC files (searched recursively). The index is built once per process for the same
    unchanged files: ``--all`` starts one crawler per site, each with its own handler.
    """
    resolved = tuple(map(Path, paths))
    return _load_recordings(resolved, tuple(map(_signature, resolved)))


def _signature(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ReplayError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _load_recordings(
    paths: tuple[Path, ...], _signatures: tuple[tuple[int, int], ...]
) -> dict[str, list[Recorded]]:
    recorded: dict[str, list[Recorded]] = {}
    warcs: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_file() and is_warc_file(path):
            warcs.append((path, path.name))
        elif path.is_dir() and not (path / "manifest.json").is_file():
            found = warc_files(path)
            if not found:
                raise ReplayError(f"{path}: no manifest.json or WARC file to replay")
            warcs.extend(found)
        else:
            for key, response in load_manifest(path):
                recorded.setdefault(key, []).append(response)
    for key, entries in index_warcs(warcs).items():
        recorded.setdefault(key, []).extend(entries)
    return recorded


def load_manifest(path: Path) -> Iterator[tuple[str, RecordedResponse]]:
    manifest = path / "manifest.json" if path.is_dir() else path
    if not manifest.is_file():
        raise ReplayError(f"{path}: no manifest.json or WARC file to replay")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for entry in data["responses"]:
            response = _manifest_response(manifest, entry, entry["url"])
            yield url_key(response.url), response
        if data.get("not_found"):
            yield NOT_FOUND_KEY, _manifest_response(manifest, data["not_found"], "")
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ReplayError(f"{manifest}: unreadable recording ({exc})") from exc


def _manifest_response(manifest: Path, entry: dict[str, Any], url: str) -> RecordedResponse:
    body_file = manifest.parent / entry["file"] if entry.get("file") else None
    return RecordedResponse(
        url=url,
        status=int(entry.get("status", 200)),
        headers=dict(entry.get("headers", {})),
        body=body_file.read_bytes() if body_file else b"",
    )


@dataclass(slots=True)
class _Scanned:
    """What indexing keeps of a response or revisit record while revisits are resolved."""

    location: WarcLocation
    rec_type: str
    url: str
    record_id: str | None
    date: str | None
    digest: str | None
    profile: str | None
    refers_to: str | None
    refers_to_url: str | None
    refers_to_date: str | None


def index_warcs(files: Iterable[tuple[Path, str]]) -> dict[str, list[WarcEntry]]:
    """Response and revisit records of the files by URL key, in file and record order.

    Revisits are resolved across all the files: by ``WARC-Refers-To``, else by the
    target URI and date they refer to, else by the first response with their payload digest.
    """
    scanned = [record for path, name in files for record in scan_warc(path, name)]
    by_id = {r.record_id: r for r in scanned if r.rec_type == "response" and r.record_id}
    by_url_date = {
        (url_key(r.url), r.date): r for r in reversed(scanned) if r.rec_type == "response"
    }
    by_digest = {r.digest: r for r in reversed(scanned) if r.rec_type == "response" and r.digest}
    index: dict[str, list[WarcEntry]] = {}
    for record in scanned:
        payload = record
        if record.rec_type == "revisit" and record.profile == IDENTICAL_PAYLOAD:
            original = (
                by_id.get(record.refers_to or "")
                or by_url_date.get((url_key(record.refers_to_url or ""), record.refers_to_date))
                or by_digest.get(record.digest or "")
            )
            if original is None:
                raise ReplayError(
                    f"{record.location.path}: the revisit record of {record.url} at offset "
                    f"{record.location.offset} repeats a response that is in none of the "
                    "replayed files; replay the file holding it too"
                )
            payload = original
        entry = WarcEntry(record.location, payload.location, payload.digest or record.digest)
        index.setdefault(url_key(record.url), []).append(entry)
    return index


def scan_warc(path: Path, name: str) -> list[_Scanned]:
    """The response and revisit records of one WARC file, checking the file is whole."""
    scanned: list[_Scanned] = []
    try:
        with path.open("rb") as stream:
            size = path.stat().st_size
            iterator = ArchiveIterator(stream, no_record_parse=True)
            offset = 0
            for record in iterator:
                offset = iterator.get_record_offset()
                try:
                    _check_whole(record, iterator)
                except ReplayError as exc:
                    raise ReplayError(f"{exc} (record at offset {offset})") from None
                headers = record.rec_headers
                rec_type = headers.get_header("WARC-Type")
                url = headers.get_header("WARC-Target-URI")
                if rec_type is None:
                    raise ReplayError("a record without WARC-Type")
                if rec_type in REPLAYED_TYPES and url and url.startswith(("http:", "https:")):
                    scanned.append(
                        _scanned(headers, rec_type, url, WarcLocation(path, name, offset))
                    )
            if iterator.offset != size:
                raise ReplayError(f"unreadable data after offset {iterator.offset} of {size} bytes")
    except ReplayError as exc:
        raise ReplayError(f"{path}: not a readable WARC file: {exc}") from exc
    except OSError as exc:
        raise ReplayError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except Exception as exc:
        # warcio reports damaged files with whatever error the parser meets (AttributeError
        # and ValueError included), so any error while scanning means the file is damaged.
        raise ReplayError(
            f"{path}: not a readable WARC file: {_first_line(exc)} (near offset {offset})"
        ) from exc
    return scanned


def _check_whole(record: Any, iterator: ArchiveIterator) -> None:
    """Raise when the record is cut short: fewer bytes than its Content-Length, or a gzip
    member without its end (warcio hands back what it could decompress, silently)."""
    decompressor = iterator.reader.decompressor if iterator.reader else None
    if decompressor is not None and not decompressor.eof:
        raise ReplayError("a gzip member cut short")
    remaining = getattr(record.raw_stream, "limit", None)
    declared = record.rec_headers.get_header("Content-Length") or ""
    if remaining is None or not declared.strip().isdigit():
        raise ReplayError("a record without a valid Content-Length")
    if remaining:
        raise ReplayError(f"a record truncated by {remaining} bytes")


def _scanned(headers: Any, rec_type: str, url: str, location: WarcLocation) -> _Scanned:
    return _Scanned(
        location=location,
        rec_type=rec_type,
        url=url,
        record_id=headers.get_header("WARC-Record-ID"),
        date=headers.get_header("WARC-Date"),
        digest=headers.get_header("WARC-Payload-Digest"),
        profile=_profile_name(headers.get_header("WARC-Profile")),
        refers_to=headers.get_header("WARC-Refers-To"),
        refers_to_url=headers.get_header("WARC-Refers-To-Target-URI"),
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
    )


def _profile_name(profile: str | None) -> str | None:
    """``http://netpreserve.org/warc/1.1/revisit/identical-payload-digest`` → its last part."""
    return profile.rstrip("/").rsplit("/", 1)[-1] if profile else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


# --- reading one record ------------------------------------------------------------------


def read_http_record(path: Path, offset: int) -> HttpRecord:
    """The HTTP response (or revisit) record at ``offset`` of a WARC file, bytes as stored.

    A chunked body is de-chunked, as an HTTP client would; content encodings are kept.
    """
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            headers, block = read_record_at(stream)
    except ReplayError as exc:
        raise ReplayError(f"{path} at offset {offset}: {exc}") from exc
    except OSError as exc:
        raise ReplayError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return _http_record(headers, block)
    except ReplayError as exc:
        raise ReplayError(f"{path} at offset {offset}: {exc}") from exc


def read_record_at(stream: BinaryIO) -> tuple[dict[str, str], bytes]:
    """WARC headers (names in lower case) and content block of the record that starts at
    the stream's position: a gzip member of its own, or uncompressed.

    Read directly rather than through warcio's iterator, which costs more than the
    parsing itself when re-extraction reads records one by one.
    """
    magic = stream.read(len(GZIP_MAGIC))
    stream.seek(-len(magic), io.SEEK_CUR)
    compressed = magic == GZIP_MAGIC
    data = _gzip_member(stream) if compressed else stream.read(READ_SIZE)
    head, separator, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("utf-8", "replace").split("\r\n")
    if not separator or not lines[0].startswith("WARC/"):
        raise ReplayError("no WARC record starts here")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length_text = headers.get("content-length", "")
    if not length_text.isdigit():
        raise ReplayError("a record without a valid Content-Length")
    length = int(length_text)
    if not compressed and len(rest) < length:
        rest += stream.read(length - len(rest))
    if len(rest) < length:
        raise ReplayError(f"record truncated: {len(rest)} of {length} bytes")
    return headers, rest[:length]


def _gzip_member(stream: BinaryIO) -> bytes:
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    parts = []
    while not decompressor.eof:
        chunk = stream.read(READ_SIZE)
        if not chunk:
            raise ReplayError("a gzip member cut short")
        try:
            parts.append(decompressor.decompress(chunk))
        except zlib.error as exc:
            raise ReplayError(f"damaged gzip data ({exc})") from exc
    return b"".join(parts)


def _http_record(headers: dict[str, str], block: bytes) -> HttpRecord:
    rec_type = headers.get("warc-type", "")
    if rec_type not in REPLAYED_TYPES:
        raise ReplayError(f"a {rec_type or 'untyped'} record, not an HTTP response")
    status, reason, body = 0, b"", b""
    http_headers: list[tuple[bytes, bytes]] = []
    if block:
        status, reason, http_headers, body = parse_http_response(block)
    return HttpRecord(
        rec_type=rec_type,
        url=headers.get("warc-target-uri", ""),
        status=status,
        reason=reason,
        headers=http_headers,
        body=body,
        warc_date=headers.get("warc-date"),
        digest=headers.get("warc-payload-digest"),
        profile=_profile_name(headers.get("warc-profile")),
    )


def parse_http_response(block: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
    """Status, reason, headers and body of an HTTP/1.x response message, bytes untouched.

    Parsed here rather than by warcio, which decodes header values as text.
    """
    head, separator, body = block.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = block.partition(b"\n\n")
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    protocol, _, rest = lines[0].partition(b" ")
    code, _, reason = rest.strip().partition(b" ")
    if not protocol.startswith(b"HTTP/") or not code.isdigit():
        raise ReplayError(f"no HTTP status line: {lines[0][:60]!r}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t") and headers:  # obsolete folded continuation line
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
        elif b":" in line:
            name, _, value = line.partition(b":")
            headers.append((name.strip(), value.strip()))
    if any(k.lower() == b"transfer-encoding" and b"chunked" in v.lower() for k, v in headers):
        # ChunkedDataReader passes a body that is not really chunked through unchanged.
        body = ChunkedDataReader(io.BytesIO(body)).read()
    return int(code), reason, headers, body


def read_entry(entry: WarcEntry) -> HttpRecord:
    """The record of ``entry`` with the body its payload record holds."""
    record = read_http_record(entry.record.path, entry.record.offset)
    if entry.payload == entry.record:
        return record
    original = read_http_record(entry.payload.path, entry.payload.offset)
    if record.status == 0:  # a revisit written without HTTP headers
        return _with_body(original, record.rec_type, original.body)
    return _with_body(record, record.rec_type, original.body)


def _with_body(record: HttpRecord, rec_type: str, body: bytes) -> HttpRecord:
    return HttpRecord(
        rec_type=rec_type,
        url=record.url,
        status=record.status,
        reason=record.reason,
        headers=record.headers,
        body=body,
        warc_date=record.warc_date,
        digest=record.digest,
        profile=record.profile,
    )


def warc_date(value: str | None) -> datetime | None:
    """A ``WARC-Date`` (``2026-11-25T03:00:00Z``, fractions allowed) as an aware datetime."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


# --- the download handler -----------------------------------------------------------------


class ReplayDownloadHandler(BaseDownloadHandler):
    """Answers http and https requests from recordings named by ``DVCRAWL_REPLAY_PATHS``.

    A response served from a WARC file carries ``request.meta["dvcrawl_warc"]``: the file
    name (relative to the replayed folder), the offset of the record holding the body,
    and its payload digest, as the capture middleware sets it for live responses.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.recorded = load_recordings(crawler.settings.getlist("DVCRAWL_REPLAY_PATHS"))
        self.served: dict[str, int] = {}

    async def download_request(self, request: Request) -> Response:
        key = url_key(request.url)
        # A redirect's new request copies the meta of the response it follows.
        request.meta.pop(WARC_META_KEY, None)
        recordings = self.recorded.get(key) or self.recorded.get(NOT_FOUND_KEY)
        if not recordings:
            return _response(request.url, 404, Headers({"X-Dvcrawl-Replay": "miss"}), b"")
        count = self.served.get(key, 0)
        self.served[key] = count + 1
        recorded = recordings[min(count, len(recordings) - 1)]
        if isinstance(recorded, RecordedResponse):
            return _response(request.url, recorded.status, Headers(recorded.headers), recorded.body)
        record = read_entry(recorded)
        request.meta[WARC_META_KEY] = {
            "file": recorded.payload.name,
            "offset": recorded.payload.offset,
            "digest": recorded.digest,
        }
        return _response(request.url, record.status, _scrapy_headers(record.headers), record.body)


def _scrapy_headers(headers: list[tuple[bytes, bytes]]) -> Headers:
    grouped: dict[bytes, list[bytes]] = {}
    for name, value in headers:
        grouped.setdefault(name, []).append(value)
    return Headers(grouped)


def _response(url: str, status: int, headers: Headers, body: bytes) -> Response:
    response_class = responsetypes.from_args(headers=headers, url=url, body=body)
    response: Response = response_class(url=url, status=status, headers=headers, body=body)
    return response


class ReplayAddon:
    """Routes http and https through the replay handler when ``DVCRAWL_REPLAY_PATHS`` is set."""

    def update_settings(self, settings: BaseSettings) -> None:
        paths = settings.getlist("DVCRAWL_REPLAY_PATHS")
        if not paths:
            return
        # Read the recordings now: a damaged file fails the crawl before it starts, where
        # Scrapy would log a handler that failed to load and go on without it.
        load_recordings(paths)
        handlers: dict[str, Any] = {"http": REPLAY_HANDLER, "https": REPLAY_HANDLER}
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="addon")
