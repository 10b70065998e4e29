"""Downloader middlewares of dvcrawl's own (WARC capture is in ``dvcrawl.warc``)."""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response

# Scrapy reads the refresh from a page's first 4,096 characters: at most four bytes each.
REFRESH_WINDOW = 4 * 4096
# How Scrapy's download handlers word a download cut off at DOWNLOAD_MAXSIZE (announced
# by Content-Length, or received): the cancellation itself names no reason.
MAXSIZE_WORDING = "larger than download max size"
# Responses over DOWNLOAD_WARNSIZE (once inflated): kept, and counted under this key.
OVER_WARNSIZE = "dvcrawl/pages/over_warnsize"


class OverSizeLimit(IgnoreRequest):
    """A response over ``DOWNLOAD_MAXSIZE``, as sent or once inflated (a gzip bomb)."""


class CorruptBody(Exception):
    """A response whose ``Content-Encoding`` could not be undone (a corrupt gzip body)."""


class QuickMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, for the pages that can hold one.

    Scrapy decodes every HTML page to look for ``<meta http-equiv="refresh">``; almost none
    has one, and the crawl's process decodes nothing else (pages are parsed in a worker).
    A page whose first bytes do not spell "refresh" in an ASCII-compatible encoding is
    passed on undecoded; one in UTF-16 or UTF-32 (NUL bytes) is left to Scrapy.
    """

    def process_response(  # type: ignore[override]  # Scrapy's deprecated spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not _may_refresh(response.body):
            return response
        return super().process_response(request, response)


def _may_refresh(body: bytes) -> bool:
    head = body[:REFRESH_WINDOW]
    # bytes.lower() folds ASCII letters only: a seventh of a case-blind regex's time
    return b"\x00" in head[:64] or b"refresh" in head.lower()


class SizeCheckedCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, with what goes wrong named for the crawl to count.

    Scrapy logs a response over ``DOWNLOAD_MAXSIZE`` (sent so, or inflating past it) and
    one it cannot inflate, and the request fails with an unnamed or generic error. Here
    they fail with ``OverSizeLimit`` and ``CorruptBody``, and a response over
    ``DOWNLOAD_WARNSIZE`` once inflated (kept) is counted.
    """

    def process_response(  # type: ignore[override]  # Scrapy's deprecated spider argument
        self, request: Request, response: Response
    ) -> Request | Response:
        try:
            inflated = super().process_response(request, response)
        except IgnoreRequest as exc:  # Scrapy's one refusal here: inflated past the limit
            raise OverSizeLimit(str(exc)) from exc
        except Exception as exc:  # gzip, zlib, brotli and zstd each raise their own error
            raise CorruptBody(
                f"{response.url}: Content-Encoding {_encoding(response)} could not be undone: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        warn_size = request.meta.get("download_warnsize", self._warn_size)
        large = isinstance(inflated, Response) and warn_size and len(inflated.body) > warn_size
        if large and self.stats is not None:
            self.stats.inc_value(OVER_WARNSIZE)
        return inflated

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, DownloadCancelledError) and MAXSIZE_WORDING in str(exception):
            raise OverSizeLimit(str(exception)) from exception


def _encoding(response: Response) -> str:
    return b", ".join(response.headers.getlist("Content-Encoding")).decode("latin-1") or "?"
