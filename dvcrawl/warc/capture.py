"""Archive every HTTP response of a crawl into WARC files, as the downloader received it.

The middleware sits next to the downloader (order 950, after Scrapy's HttpCacheMiddleware
at 900), so it sees each response before any other middleware changes it: bodies still
gzip- or deflate-encoded (HttpCompressionMiddleware, 590, decodes them later), redirects
before RedirectMiddleware follows them, every retried attempt, error pages, and the
robots.txt fetches. Responses answered from Scrapy's HTTP cache are not archived again.

What Scrapy exposes is what is written: header names in the case Twisted gives them, the
order they arrived in; Twisted consumes the connection headers (Transfer-Encoding,
Connection, Keep-Alive) and hands over a de-chunked body; the reason phrase is the
standard one for the status. The request record holds the headers Scrapy sent, plus Host.

Settings: ``DVCRAWL_WARC_DIR`` (empty: capture off), ``DVCRAWL_WARC_MAX_SIZE``,
``DVCRAWL_WARC_REVISITS_ACROSS_CRAWLS``. A directory that cannot be written stops the crawl
before it starts; a write that fails during the crawl (disk full) closes the spider with
reason ``warc_write_failed`` and keeps every later response from reaching the spider, so
nothing is stored in the database that the archive lacks.

Records are built and compressed in a thread of their own, one exchange after another in
the order received, while the crawl goes on with other responses: compressing releases
the interpreter, so it takes the crawl no time where a core is free. A response reaches
the spider once its records are written.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from dvcrawl.warc.writer import HttpExchange, WarcWriter, WrittenExchange, default_warcinfo
from dvcrawl.workers import in_executor

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

META_KEY = "dvcrawl_warc"
FAILURE_REASON = "warc_write_failed"


class WarcCaptureMiddleware:
    """Writes a request and a response (or revisit) record for every response received.

    Sets ``request.meta["dvcrawl_warc"]`` (seen by the spider as ``response.meta``) to
    ``{"file", "offset", "digest"}`` of the record holding the payload.
    """

    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.writer = writer
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc")
        self.failure: str | None = None
        assert crawler.stats is not None
        self.stats: StatsCollector = crawler.stats
        for recovered in writer.recovered:
            logger.warning(
                "recovered %s left by an interrupted crawl: %d whole records kept, "
                "%d bytes of an unfinished record dropped",
                recovered.path.name,
                recovered.records,
                recovered.bytes_dropped,
            )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        directory = (settings.get("DVCRAWL_WARC_DIR") or "").strip()
        if not directory:
            raise NotConfigured  # a reason would be logged as a warning on every such crawl
        site = site_key(crawler.spider)
        writer = WarcWriter(
            Path(directory),
            site,
            max_size=settings.getint("DVCRAWL_WARC_MAX_SIZE"),
            info=default_warcinfo(
                site,
                user_agent=settings.get("USER_AGENT") or "",
                contact=settings.get("DVCRAWL_CONTACT_URL") or "",
                robots=settings.getbool("ROBOTSTXT_OBEY"),
            ),
            revisits_across_crawls=settings.getbool("DVCRAWL_WARC_REVISITS_ACROSS_CRAWLS"),
        )
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_response(self, request: Request, response: Response) -> Response:
        if "cached" in response.flags or not response.url.startswith(("http://", "https://")):
            return response
        if self.failure is not None:
            raise IgnoreRequest(f"not archived, the WARC writer failed: {self.failure}")
        try:
            written = await self._write(exchange(request, response))
        except OSError as exc:
            self._fail(exc)
            raise IgnoreRequest(f"not archived: {exc}") from exc
        request.meta[META_KEY] = written.location.as_meta()
        if written.revisit:
            self.stats.inc_value("dvcrawl/warc/revisits")
        self._update_stats()
        return response

    async def _write(self, record: HttpExchange) -> WrittenExchange:
        return await in_executor(self.thread, self.writer.write_exchange, record)

    def spider_closed(self, spider: Spider) -> None:
        self.thread.shutdown(wait=True)
        try:
            self.writer.close()
        except OSError as exc:
            logger.error("the last WARC file could not be finished: %s", exc)
            self.stats.set_value("dvcrawl/warc/error", str(exc))
        self._update_stats()

    def _update_stats(self) -> None:
        self.stats.set_value("dvcrawl/warc/records", self.writer.records)
        self.stats.set_value("dvcrawl/warc/bytes", self.writer.bytes)
        self.stats.set_value("dvcrawl/warc/files", len(self.writer.files))

    def _fail(self, exc: OSError) -> None:
        self.failure = str(exc)
        self.stats.set_value("dvcrawl/warc/error", self.failure)
        logger.error("cannot write the WARC archive, stopping the crawl: %s", exc)
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=FAILURE_REASON))


def site_key(spider: Spider | None) -> str:
    profile = getattr(spider, "profile", None)
    key = getattr(profile, "key", None)
    if isinstance(key, str) and key:
        return key
    return spider.name if spider is not None else "crawl"


def exchange(request: Request, response: Response) -> HttpExchange:
    ip_address = response.ip_address
    return HttpExchange(
        url=response.url,
        date=datetime.now(UTC),
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body,
        protocol=status_line_protocol(response.protocol),
        status=response.status,
        response_headers=header_pairs(response.headers),
        body=response.body,
        ip_address=str(ip_address) if ip_address is not None else None,
    )


def status_line_protocol(protocol: str | None) -> str:
    # HTTP/2 responses say "h2"; WARC readers expect an HTTP/1 status line.
    return protocol if protocol and protocol.startswith("HTTP/") else "HTTP/1.1"


def header_pairs(headers: Headers) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, values in headers.items() for value in values]
