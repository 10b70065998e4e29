"""Fetch one page, politely, and say which platform family built it: ``dvcrawl detect``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response

from dvcrawl.discovery.detect import Detection, detect
from dvcrawl.parsing.page import page_from_response
from dvcrawl.sites import FAMILIES


class DetectSpider(Spider):
    """Reads ``url`` (robots.txt, the User-Agent and replay apply as in a crawl) and keeps
    the verdict in ``detection``, or why the page could not be read in ``error``."""

    name = "detect"

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.detection: Detection | None = None
        self.error: str | None = None

    async def start(self) -> AsyncIterator[Request]:
        yield Request(self.url, callback=self.parse, errback=self.failed, dont_filter=True)

    def parse(self, response: Response, **kwargs: Any) -> None:
        self.detection = detect(page_from_response(response), FAMILIES.values())

    def failed(self, failure: Any) -> None:
        response = getattr(failure.value, "response", None)
        if isinstance(response, Response):
            self.error = f"HTTP {response.status}"
        else:
            self.error = str(failure.value) or type(failure.value).__name__
