"""The meta-refresh check reads only the pages that can hold a refresh, and redirects
those that do as Scrapy would; decompression names what goes wrong (a body over the size
limit once inflated, one that cannot be inflated) and counts pages over the warning size."""

from __future__ import annotations

import gzip

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import HtmlResponse
from scrapy.statscollectors import StatsCollector
from scrapy.utils.test import get_crawler

from dvcrawl.middlewares import (
    OVER_WARNSIZE,
    CorruptBody,
    OverSizeLimit,
    QuickMetaRefreshMiddleware,
    SizeCheckedCompressionMiddleware,
)
from dvcrawl.spiders.articles import ArticlesSpider

URL = "http://tinhuy.example.vn/news/bai-1.html"
REFRESH = '<meta http-equiv="Refresh" content="0; url=/news/bai-2.html">'


def middleware() -> QuickMetaRefreshMiddleware:
    return QuickMetaRefreshMiddleware.from_crawler(get_crawler(ArticlesSpider))


def page(head: str, encoding: str = "utf-8") -> HtmlResponse:
    # Windows-1258 spells "ậ" as "â" and a combining dot below.
    text = "Dân vâ\u0323n"
    html = f"<html><head><title>Tin</title>{head}</head><body><p>{text}</p></body></html>"
    return HtmlResponse(URL, body=html.encode(encoding), encoding=encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1258", "utf-16"])
def test_a_page_that_refreshes_is_redirected(encoding: str) -> None:
    answer = middleware().process_response(Request(URL), page(REFRESH, encoding))
    assert isinstance(answer, Request)
    assert answer.url == "http://tinhuy.example.vn/news/bai-2.html"


def test_a_page_without_a_refresh_is_passed_on_undecoded() -> None:
    response = page('<meta name="generator" content="NukeViet v4.5">')
    assert middleware().process_response(Request(URL), response) is response
    assert response._cached_ubody is None  # Scrapy's check would have decoded the body


def test_a_refresh_spelt_in_any_case_is_seen() -> None:
    answer = middleware().process_response(
        Request(URL), page(REFRESH.replace("Refresh", "REFRESH"))
    )
    assert isinstance(answer, Request)


# --- decompression: the size limit and corrupt bodies, named -------------------------------

MAXSIZE = 1024 * 1024


def compression(**settings: int) -> SizeCheckedCompressionMiddleware:
    crawler = get_crawler(ArticlesSpider, {"DOWNLOAD_MAXSIZE": MAXSIZE, **settings})
    crawler.stats = StatsCollector(crawler)
    return SizeCheckedCompressionMiddleware.from_crawler(crawler)


def gzipped(body: bytes, encoding: str = "gzip") -> HtmlResponse:
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": encoding}
    return HtmlResponse(URL, body=body, headers=headers)


def test_a_gzipped_page_is_inflated() -> None:
    page_bytes = "<html><body><p>Dân vận khéo</p></body></html>".encode()
    answer = compression().process_response(Request(URL), gzipped(gzip.compress(page_bytes)))
    assert isinstance(answer, HtmlResponse)
    assert answer.body == page_bytes


def test_a_gzip_bomb_is_over_the_size_limit() -> None:
    bomb = gzip.compress(bytes(4 * MAXSIZE))
    assert len(bomb) < MAXSIZE // 100
    with pytest.raises(OverSizeLimit, match="DOWNLOAD_MAXSIZE"):
        compression().process_response(Request(URL), gzipped(bomb))


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(200)), "gzip"),
        (b"not deflated at all", "deflate"),
        (b"\x1f\x8b\x08", "gzip"),
    ],
    ids=["corrupt gzip", "corrupt deflate", "truncated gzip header"],
)
def test_a_body_that_cannot_be_inflated_is_corrupt(body: bytes, encoding: str) -> None:
    with pytest.raises(CorruptBody, match=f"Content-Encoding {encoding} could not be undone"):
        compression().process_response(Request(URL), gzipped(body, encoding))


def test_a_page_over_the_warning_size_is_kept_and_counted() -> None:
    middleware = compression(DOWNLOAD_WARNSIZE=1000)
    large = gzipped(gzip.compress(b"<p>" + b"x" * 2000 + b"</p>"))
    small = gzipped(gzip.compress(b"<p>x</p>"))
    assert isinstance(middleware.process_response(Request(URL), large), HtmlResponse)
    assert isinstance(middleware.process_response(Request(URL), small), HtmlResponse)
    assert middleware.stats is not None
    assert middleware.stats.get_value(OVER_WARNSIZE) == 1


def test_a_download_cut_off_at_the_size_limit_is_named() -> None:
    middleware = compression()
    cut = DownloadCancelledError(
        f"Received 2000000 bytes which is larger than download max size ({MAXSIZE}) in "
        f"request <GET {URL}>."
    )
    with pytest.raises(OverSizeLimit):
        middleware.process_exception(Request(URL), cut)
    # Any other cancellation is left as it is.
    assert middleware.process_exception(Request(URL), DownloadCancelledError("shutdown")) is None
