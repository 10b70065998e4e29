"""A fetched page as the parsers see it: URL, raw bytes, decoded text and a selector.

Parsers take a ``Page``, never a Scrapy response, so fixtures, replays and the live
spider all go through the same pure functions.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from parsel import Selector
from w3lib.encoding import html_to_unicode

if TYPE_CHECKING:
    from scrapy.http import Response


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes: strict UTF-8 first, whatever the header claims.

    A UTF-8 page labelled ISO-8859-1 would otherwise lose Đ, ọ and ờ for good.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        _, text = html_to_unicode(content_type, body)
    return text.removeprefix("\ufeff")


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    text: str = ""
    selector: Selector = field(default_factory=lambda: Selector(text="<html></html>"))

    @classmethod
    def from_bytes(
        cls,
        url: str,
        body: bytes,
        *,
        headers: Mapping[str, str] | None = None,
        status: int = 200,
        fetched_at: datetime | None = None,
    ) -> Page:
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        # NFC before parsing: selectors that name Vietnamese words ("Tác giả") must match
        # pages whose CMS stores decomposed text too.
        text = unicodedata.normalize("NFC", decode_body(body, headers.get("content-type")))
        return cls(
            url=url,
            body=body,
            headers=headers,
            status=status,
            fetched_at=fetched_at or datetime.now(UTC),
            text=text,
            selector=Selector(text=text or "<html></html>", base_url=url),
        )


def page_from_response(response: Response, fetched_at: datetime | None = None) -> Page:
    headers = {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
    return Page.from_bytes(
        response.url,
        response.body,
        headers=headers,
        status=response.status,
        fetched_at=fetched_at,
    )
