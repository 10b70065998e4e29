"""The meta-refresh check reads only the pages that can hold a refresh, and redirects
those that do as Scrapy would."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from dvcrawl.middlewares import QuickMetaRefreshMiddleware
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
