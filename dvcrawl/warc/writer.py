"""WARC 1.1 files that survive a crash: one gzip member per record, rotated by size.

Layout of a WARC directory::

    dvcrawl-<site>-<YYYYMMDDhhmmss>-<serial>.warc.gz        finished files
    dvcrawl-<site>-<YYYYMMDDhhmmss>-<serial>.warc.gz.open   the file being written
    dvcrawl-<site>-digests.tsv                               payloads already archived

Each record is built whole in memory, gzipped as its own member and appended with one
``write`` on an unbuffered file, so the bytes before it are never touched again. A file
being written keeps the ``.open`` suffix and an exclusive ``flock``; closing it syncs it to
disk and renames it. After a crash, :func:`recover_open_files` (run by every writer when
it starts) cuts an abandoned ``.open`` file back to its last whole record and renames it:
the last record of every finished file is complete, never half-written.

A payload already archived under the same URI (same SHA-1 payload digest) is written as a
``revisit`` record of profile identical-payload-digest that names the original record.
The originals are remembered in ``dvcrawl-<site>-digests.tsv`` so that revisits also span
crawls; an entry whose WARC file is gone (moved, deleted) is ignored, so a revisit never
points at a record that is not in the directory. A revisit is only as good as its
original: keep a site's files together when moving them, and give pywb both.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import hashlib
import http
import io
import os
import re
import socket
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

WARC_SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"
DIGESTS_SUFFIX = "-digests.tsv"
DEFAULT_MAX_SIZE = 1_000_000_000
GZIP_LEVEL = 6
# Connection-level headers describe how the bytes travelled, not the payload as stored:
# the body we are given is already de-chunked, so a reader that believed them would
# misparse it. Renamed as Webrecorder's tools do, keeping the original value visible.
HOP_BY_HOP_RENAMED = {b"transfer-encoding": b"X-Orig-Transfer-Encoding"}
_SCAN_CHUNK = 1 << 16
_HEAD_KEEP = 1 << 16
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class WarcError(OSError):
    """A WARC directory or file that cannot be written or read."""


@dataclass(frozen=True, slots=True)
class WarcLocation:
    """Where a payload lies: file name (relative to the WARC directory), record offset, and
    its ``sha1:<BASE32>`` payload digest."""

    file: str
    offset: int
    digest: str

    def as_meta(self) -> dict[str, Any]:
        """The ``dvcrawl_warc`` request meta value the spider copies onto its items."""
        return {"file": self.file, "offset": self.offset, "digest": self.digest}


@dataclass(frozen=True, slots=True, kw_only=True)
class HttpExchange:
    """One request and the response received for it, as the downloader saw them.

    ``date`` is timezone-aware; ``protocol`` is the response's (the request is written as
    HTTP/1.1, which is what Scrapy's Twisted client sends).
    """

    url: str
    date: datetime
    method: str = "GET"
    request_headers: Sequence[tuple[bytes, bytes]] = ()
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    status: int
    reason: str = ""
    response_headers: Sequence[tuple[bytes, bytes]] = ()
    body: bytes = b""
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class WrittenExchange:
    """What :meth:`WarcWriter.write_exchange` wrote: the payload's location (the original
    record for a revisit), whether it was a revisit, and the bytes added to disk."""

    location: WarcLocation
    revisit: bool
    bytes_written: int


@dataclass(frozen=True, slots=True)
class RecoveredFile:
    path: Path
    records: int
    bytes_dropped: int


@dataclass(frozen=True, slots=True)
class _Original:
    uri: str
    date: str
    record_id: str
    location: WarcLocation


@dataclass
class _OpenFile:
    name: str
    path: Path
    handle: IO[bytes]
    size: int = 0
    records: int = 0


class _ReceivedHeaders(StatusAndHeaders):  # type: ignore[misc]
    """HTTP headers written back byte for byte.

    warcio percent-encodes non-ASCII header values (RFC 8187) when it renders a header
    block; the values here are the received bytes read as Latin-1, which turns them back
    into exactly those bytes.
    """

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.to_str().encode("latin-1") + b"\r\n"


def payload_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def safe_name(text: str) -> str:
    """``text`` reduced to characters safe in a file name on every system."""
    return _UNSAFE_NAME.sub("_", text).strip("._") or "site"


def prepare_directory(directory: Path) -> Path:
    """Create ``directory`` if needed and prove a file can be written in it.

    Raises :class:`WarcError` with the reason, so a crawl that cannot archive what it
    fetches stops before it fetches anything.
    """
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".dvcrawl-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise WarcError(f"WARC directory {directory}: cannot write there ({reason})") from exc
    return directory


class WarcWriter:
    """Writes the HTTP exchanges of one site's crawls into rotating WARC 1.1 files.

    ``write_exchange`` appends a ``request`` record and a ``response`` record (or a
    ``revisit`` record for a payload already archived under the same URI) and returns
    where the payload lies. Files start with a ``warcinfo`` record holding ``info``, are
    named ``dvcrawl-<site>-<UTC time>-<serial>.warc.gz`` and are closed for a new one
    once the next exchange would take them past ``max_size`` bytes. Call ``close`` at
    the end; a writer that is never closed leaves a ``.open`` file that the next writer
    in the same directory recovers.
    """

    def __init__(
        self,
        directory: Path,
        site: str,
        *,
        max_size: int = DEFAULT_MAX_SIZE,
        info: Mapping[str, str] | None = None,
        revisits_across_crawls: bool = True,
    ) -> None:
        self.directory = prepare_directory(Path(directory))
        self.prefix = f"dvcrawl-{safe_name(site)}"
        self.max_size = max_size
        self.info = dict(info or {})
        self.recovered = recover_open_files(self.directory)
        self.records = 0
        self.revisits = 0
        self.bytes = 0
        self.files: list[str] = []
        self._current: _OpenFile | None = None
        self._serial = 0
        self._buffer = io.BytesIO()
        self._builder = WARCWriter(self._buffer, gzip=False, warc_version="1.1")
        self._index = _DigestIndex(self.directory / f"{self.prefix}{DIGESTS_SUFFIX}")
        if revisits_across_crawls:
            self._index.load(self.directory)

    def write_exchange(self, exchange: HttpExchange) -> WrittenExchange:
        """Append the exchange's request record and response (or revisit) record, in one
        write, and say where its payload lies."""
        date = datetime_to_iso_date(
            exchange.date.astimezone(UTC).replace(tzinfo=None), use_micros=True
        )
        digest = payload_digest(exchange.body)
        original = self._index.get(exchange.url, digest) if exchange.body else None
        response = self._response_record(exchange, date, digest, original)
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request_bytes = self._serialize(self._request_record(exchange, date, response_id))
        data = request_bytes + self._serialize(response)
        current = self._file_for(len(data))
        offset = current.size + len(request_bytes)
        self._append(current, data, records=2)
        if original is not None:
            self.revisits += 1
            return WrittenExchange(original.location, True, len(data))
        location = WarcLocation(current.name, offset, digest)
        if exchange.body:
            self._index.add(_Original(exchange.url, date, response_id, location))
        return WrittenExchange(location, False, len(data))

    def _response_record(
        self, exchange: HttpExchange, date: str, digest: str, original: _Original | None
    ) -> Any:
        fields = {
            "WARC-Type": "revisit" if original else "response",
            "WARC-Record-ID": StatusAndHeadersParser.make_warc_id(),
            "WARC-Date": date,
            "WARC-Target-URI": exchange.url,
        }
        if exchange.ip_address:
            fields["WARC-IP-Address"] = exchange.ip_address
        if original is not None:
            fields["WARC-Refers-To"] = original.record_id
            return self._builder.create_revisit_record(
                exchange.url,
                digest,
                original.uri,
                original.date,
                http_headers=_response_headers(exchange),
                warc_headers_dict=fields,
            )
        fields["WARC-Payload-Digest"] = digest
        return self._builder.create_warc_record(
            exchange.url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=_response_headers(exchange),
            warc_headers_dict=fields,
        )

    def _request_record(self, exchange: HttpExchange, date: str, response_id: str) -> Any:
        fields = {
            "WARC-Type": "request",
            "WARC-Record-ID": StatusAndHeadersParser.make_warc_id(),
            "WARC-Date": date,
            "WARC-Target-URI": exchange.url,
            "WARC-Concurrent-To": response_id,
        }
        return self._builder.create_warc_record(
            exchange.url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=_request_headers(exchange),
            warc_headers_dict=fields,
        )

    def close(self) -> None:
        self._close_current()
        self._index.close()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serialize(self, record: Any) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._builder.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        return compressor.compress(self._buffer.getvalue()) + compressor.flush()

    def _file_for(self, size: int) -> _OpenFile:
        current = self._current
        if current is not None and current.records > 1 and current.size + size > self.max_size:
            self._close_current()
            current = None
        return current or self._open_next()

    def _open_next(self) -> _OpenFile:
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            name = f"{self.prefix}-{stamp}-{self._serial:05d}{WARC_SUFFIX}"
            self._serial += 1
            path = self.directory / name
            if path.exists():
                continue
            open_path = path.with_name(name + OPEN_SUFFIX)
            try:
                handle = open_path.open("xb", buffering=0)
            except FileExistsError:  # another process writes this name: take the next
                continue
            except OSError as exc:
                raise WarcError(f"cannot create a WARC file in {self.directory}: {exc}") from exc
            fcntl.flock(handle, fcntl.LOCK_EX)
            if _is_file_at(open_path, handle):
                break
            # Another process's recovery took the new, empty file for an abandoned one.
            handle.close()
        opened = _OpenFile(name, path, handle)
        self._current = opened
        self.files.append(name)
        info = self._builder.create_warcinfo_record(name, self.info)
        self._append(opened, self._serialize(info), records=1)
        return opened

    def _append(self, current: _OpenFile, data: bytes, *, records: int) -> None:
        view = memoryview(data)
        try:
            while view:
                written = current.handle.write(view)
                if not written:
                    raise OSError(f"{current.path.name}{OPEN_SUFFIX}: the disk took no bytes")
                view = view[written:]
        except OSError as exc:
            self._abandon(current)
            raise WarcError(f"cannot write to {current.path}{OPEN_SUFFIX}: {exc}") from exc
        current.size += len(data)
        current.records += records
        self.records += records
        self.bytes += len(data)

    def _abandon(self, current: _OpenFile) -> None:
        """After a failed write: cut the file back to its whole records and finish it, or
        leave it ``.open`` for :func:`recover_open_files` if even that fails."""
        self._current = None
        try:
            current.handle.truncate(current.size)
            os.fsync(current.handle.fileno())
            current.path.with_name(current.name + OPEN_SUFFIX).replace(current.path)
        except OSError:
            pass  # left .open: the next writer's recovery cuts it back
        finally:
            current.handle.close()

    def _close_current(self) -> None:
        current, self._current = self._current, None
        if current is None:
            return
        try:
            os.fsync(current.handle.fileno())
            # Renamed while still locked, so no recovery ever takes it for abandoned.
            current.path.with_name(current.name + OPEN_SUFFIX).replace(current.path)
        finally:
            current.handle.close()
        _sync_directory(self.directory)


def _latin1(pairs: Iterable[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in pairs]


def _response_headers(exchange: HttpExchange) -> _ReceivedHeaders:
    headers: list[tuple[bytes, bytes]] = []
    length = str(len(exchange.body)).encode("ascii")
    for name, value in exchange.response_headers:
        lowered = name.lower()
        if lowered in HOP_BY_HOP_RENAMED:
            headers.append((HOP_BY_HOP_RENAMED[lowered], value))
        elif lowered == b"content-length" and value.strip() != length:
            # A body cut short (a lost connection Scrapy was told to tolerate) no longer
            # matches the length announced; readers trust Content-Length over the record.
            headers.append((b"X-Orig-Content-Length", value))
            headers.append((name, length))
        else:
            headers.append((name, value))
    reason = exchange.reason or _reason_phrase(exchange.status)
    return _ReceivedHeaders(
        f"{exchange.status} {reason}".rstrip(), _latin1(headers), protocol=exchange.protocol
    )


def _request_headers(exchange: HttpExchange) -> _ReceivedHeaders:
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = list(exchange.request_headers)
    if not any(name.lower() == b"host" for name, _ in headers):
        headers.insert(0, (b"Host", parts.netloc.encode("idna")))
    return _ReceivedHeaders(f"{exchange.method} {target} HTTP/1.1", _latin1(headers), protocol="")


def _reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _sync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system can sync a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class _DigestIndex:
    """Payloads archived under each URI, as ``digest uri date file offset record-id`` lines.

    In memory, each line is only a number: where it starts in the file, under a 64-bit hash
    of its URI and digest (a few dozen bytes an entry, not the line's own strings). A lookup
    reads the line back and checks its URI and digest, so two pairs sharing a hash cost a
    full record instead of a revisit, never a wrong revisit.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offsets: dict[int, int] = {}
        self.skipped = 0
        self._size = 0
        self._writer: IO[bytes] | None = None
        self._reader: IO[bytes] | None = None

    def load(self, directory: Path) -> None:
        if not self.path.exists():
            return
        sizes: dict[str, int | None] = {}
        offset = 0
        with self.path.open("rb") as lines:
            for raw in lines:
                start, offset = offset, offset + len(raw)
                original = _parse_index_line(raw.decode("utf-8", errors="replace"))
                if original is None:  # a line cut short by a crash, or damaged
                    self.skipped += 1
                    continue
                name = original.location.file
                if name not in sizes:
                    file = directory / name
                    sizes[name] = file.stat().st_size if file.is_file() else None
                size = sizes[name]
                if size is None or original.location.offset >= size:
                    self.skipped += 1
                    continue
                self.offsets.setdefault(_index_slot(original.uri, original.location.digest), start)
        self._size = offset

    def get(self, uri: str, digest: str) -> _Original | None:
        start = self.offsets.get(_index_slot(uri, digest))
        if start is None:
            return None
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(start)
        original = _parse_index_line(self._reader.readline().decode("utf-8", errors="replace"))
        if original is None or original.uri != uri or original.location.digest != digest:
            return None
        return original

    def add(self, original: _Original) -> None:
        if self._writer is None:
            self._writer = self.path.open("ab")
            self._size = self._writer.tell()
            if self._size and not _ends_with_newline(self.path):
                self._writer.write(b"\n")  # close a line a crash cut short
                self._size += 1
        location = original.location
        fields = (
            location.digest,
            original.uri,
            original.date,
            location.file,
            str(location.offset),
            original.record_id,
        )
        line = ("\t".join(fields) + "\n").encode("utf-8")
        self._writer.write(line)
        self._writer.flush()
        self.offsets[_index_slot(original.uri, location.digest)] = self._size
        self._size += len(line)

    def close(self) -> None:
        for handle in (self._writer, self._reader):
            if handle is not None:
                handle.close()
        self._writer = self._reader = None


def _index_slot(uri: str, digest: str) -> int:
    key = hashlib.blake2b(f"{digest}\t{uri}".encode(), digest_size=8).digest()
    return int.from_bytes(key, "big")


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def _parse_index_line(line: str) -> _Original | None:
    if not line.endswith("\n"):
        return None
    fields = line.rstrip("\n").split("\t")
    if len(fields) != 6 or not fields[4].isdigit() or not fields[0].startswith("sha1:"):
        return None
    digest, uri, date, file, offset, record_id = fields
    return _Original(uri, date, record_id, WarcLocation(file, int(offset), digest))


# --- crash recovery -------------------------------------------------------------------------


def recover_open_files(directory: Path) -> list[RecoveredFile]:
    """Finish the ``.open`` files a crashed writer left in ``directory``.

    Each is cut back to its last whole record and renamed to its final name; one without
    a single whole record is removed. Files another live writer holds (its ``flock``) are
    left alone.
    """
    recovered = []
    for path in sorted(Path(directory).glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        try:
            handle = path.open("r+b")
        except FileNotFoundError:  # finished meanwhile by its writer
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            if not _is_file_at(path, handle):
                continue
            size = os.fstat(handle.fileno()).st_size
            records, whole = _whole_records(handle)
            handle.truncate(whole)
            os.fsync(handle.fileno())
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            if records == 0:
                path.unlink()
            elif final.exists():
                raise WarcError(f"cannot recover {path}: {final.name} exists already")
            else:
                path.replace(final)
        recovered.append(RecoveredFile(final, records, size - whole))
    if recovered:
        _sync_directory(Path(directory))
    return recovered


def _is_file_at(path: Path, handle: IO[bytes]) -> bool:
    """Whether ``path`` still names the file open as ``handle`` (not unlinked or renamed)."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(handle.fileno())
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def _whole_records(stream: IO[bytes]) -> tuple[int, int]:
    """How many whole records ``stream`` starts with, and how many bytes they take.

    A record counts when its gzip member ends properly and holds one complete WARC
    record: a ``WARC/`` header block whose Content-Length matches the block that follows.
    """
    stream.seek(0)
    records = 0
    whole = 0
    pending = b""
    while True:
        data = pending or stream.read(_SCAN_CHUNK)
        if not data:
            return records, whole
        check = _MemberCheck()
        consumed = 0
        while not check.ended:
            try:
                pending = check.feed(data)
            except zlib.error:
                return records, whole
            consumed += len(data) - len(pending)
            if check.ended:
                break
            data = stream.read(_SCAN_CHUNK)
            if not data:
                return records, whole
        if not check.holds_whole_record():
            return records, whole
        records += 1
        whole += consumed


@dataclass
class _MemberCheck:
    """Decompresses one gzip member, keeping its head and tail to check the WARC record."""

    head: bytearray = field(default_factory=bytearray)
    tail: bytes = b""
    length: int = 0
    ended: bool = False
    _decompressor: Any = field(
        default_factory=lambda: zlib.decompressobj(zlib.MAX_WBITS | 16), repr=False
    )

    def feed(self, data: bytes) -> bytes:
        """Decompress ``data``; return the bytes that follow this member, if it ended."""
        decompressor = self._decompressor
        chunk = data
        while chunk:
            out = decompressor.decompress(chunk, _SCAN_CHUNK)
            self._keep(out)
            chunk = decompressor.unconsumed_tail
            if decompressor.eof:
                self.ended = True
                return bytes(decompressor.unused_data)
        while not decompressor.eof:
            out = decompressor.decompress(b"", _SCAN_CHUNK)
            if not out:
                break
            self._keep(out)
        if decompressor.eof:
            self.ended = True
            return bytes(decompressor.unused_data)
        return b""

    def _keep(self, out: bytes) -> None:
        if len(self.head) < _HEAD_KEEP:
            self.head += out[: _HEAD_KEEP - len(self.head)]
        self.tail = (self.tail + out)[-4:]
        self.length += len(out)

    def holds_whole_record(self) -> bool:
        head = bytes(self.head)
        end = head.find(b"\r\n\r\n")
        if not head.startswith(b"WARC/") or end < 0:
            return False
        match = re.search(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", head[: end + 2], re.I)
        if match is None:
            return False
        expected = end + 4 + int(match.group(1)) + 4
        return self.length == expected and self.tail == b"\r\n\r\n"


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One WARC record read back: its WARC headers, and for HTTP records the status, the
    headers and the payload exactly as stored (content encoding such as gzip still
    applied; a revisit has no payload, see ``refers_to_uri``/``refers_to_date``)."""

    rec_type: str
    uri: str
    date: str
    record_id: str
    warc_headers: list[tuple[str, str]]
    protocol: str | None
    status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.warc_headers if k.lower() == lowered), None)

    @property
    def refers_to_uri(self) -> str | None:
        return self.header("WARC-Refers-To-Target-URI")

    @property
    def refers_to_date(self) -> str | None:
        return self.header("WARC-Refers-To-Date")


def read_record(path: str | Path, offset: int) -> StoredRecord:
    """The record that starts at byte ``offset`` of the WARC file ``path``.

    ``offset`` is what the capture put in ``meta["dvcrawl_warc"]["offset"]`` (and what
    ``warcio index`` prints). A file still being written is read under its ``.open`` name.
    Raises :class:`WarcError` when no record starts there.
    """
    path = Path(path)
    if not path.exists() and path.with_name(path.name + OPEN_SUFFIX).exists():
        path = path.with_name(path.name + OPEN_SUFFIX)
    try:
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)), None)
            if record is None:
                raise WarcError(f"{path}: no WARC record at offset {offset}")
            return _stored(record)
    except WarcError:
        raise
    except Exception as exc:  # warcio reports damaged data with whatever its parser meets
        raise WarcError(f"{path}: no readable WARC record at offset {offset} ({exc})") from exc


def iter_records(path: str | Path) -> Iterator[tuple[int, StoredRecord]]:
    """Every record of the WARC file ``path`` with its offset."""
    with Path(path).open("rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            stored = _stored(record)
            yield records.get_record_offset(), stored


def _stored(record: Any) -> StoredRecord:
    rec_headers = record.rec_headers
    http_headers = record.http_headers
    status = None
    protocol = None
    headers: list[tuple[str, str]] = []
    if http_headers is not None and record.rec_type in ("response", "revisit", "request"):
        protocol = http_headers.protocol
        code = http_headers.get_statuscode()
        status = int(code) if code and code.isdigit() else None
        headers = list(http_headers.headers)
    return StoredRecord(
        rec_type=record.rec_type,
        uri=rec_headers.get_header("WARC-Target-URI") or "",
        date=rec_headers.get_header("WARC-Date") or "",
        record_id=rec_headers.get_header("WARC-Record-ID") or "",
        warc_headers=list(rec_headers.headers),
        protocol=protocol,
        status=status,
        http_headers=headers,
        payload=record.raw_stream.read(),
    )


def default_warcinfo(site: str, *, user_agent: str, contact: str, robots: bool) -> dict[str, str]:
    """The ``warcinfo`` fields of a dvcrawl file (WARC 1.1 annex: software, format, …)."""
    fields = {
        "software": _software(),
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/",
        "isPartOf": f"dvcrawl-{safe_name(site)}",
        "description": f"dvcrawl archive crawl of the site {site}",
        "robots": "obey" if robots else "ignore",
        "http-header-user-agent": user_agent,
        "hostname": _hostname(),
    }
    if contact:
        fields["operator"] = contact
    return fields


@functools.cache
def _software() -> str:
    from importlib.metadata import version

    from dvcrawl import __version__

    return f"dvcrawl/{__version__} (Scrapy/{version('scrapy')}; warcio/{version('warcio')})"


@functools.cache
def _hostname() -> str:
    return socket.gethostname()
