"""Downloader middlewares of dvcrawl's own (WARC capture is in ``dvcrawl.warc``)."""

from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

# Scrapy reads the refresh from a page's first 4,096 characters: at most four bytes each.
REFRESH_WINDOW = 4 * 4096


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
