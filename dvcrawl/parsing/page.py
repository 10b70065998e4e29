"""A fetched page as the parsers see it: URL, raw bytes, decoded text and a selector.

Parsers take a ``Page``, never a Scrapy response, so fixtures, replays and the live
spider all go through the same pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from parsel import Selector

from dvcrawl.parsing.dom import stopped_at_depth_limit, whole_html_selector
from dvcrawl.text.decode import DecodedHtml, decode_html_details

if TYPE_CHECKING:
    from scrapy.http import Response


@dataclass(frozen=True, slots=True)
class Page:
    url: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    text: str = ""
    decoded_by: str = ""
    """How the bytes became text (``utf-8``, ``font:tcvn3``, ``declared:cp1258`` …)."""
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
        # Decoded from the bytes, not by the header alone, and in NFC before parsing:
        # selectors that name Vietnamese words ("Tác giả") must match decomposed pages too.
        decoded = decode_html_details(body, headers.get("content-type"))
        return cls(
            url=url,
            body=body,
            headers=headers,
            status=status,
            fetched_at=fetched_at or datetime.now(UTC),
            text=decoded.text,
            decoded_by=decoded.source,
            selector=html_selector(decoded, body, url),
        )


def html_selector(decoded: DecodedHtml, body: bytes, url: str) -> Selector:
    """A selector over the decoded page.

    Where the text is the body's own UTF-8, the parser takes the bytes: the same tree,
    without encoding the text back (parsel strips the text and drops NULs before encoding
    it, which for an HTML document from ``<`` to ``>`` is what it does to the bytes).
    """
    if decoded.is_body_as_utf8 and _is_bare_html_document(body):
        selector = Selector(body=body, type="html", encoding="utf-8", base_url=url)
        if not stopped_at_depth_limit(selector):
            return selector
    return whole_html_selector(decoded.text or "<html></html>", url)


def _is_bare_html_document(body: bytes) -> bool:
    """Markup from its first to its last byte, and no XML declaration (which makes parsel
    read the text as XML)."""
    stripped = body.strip()
    return stripped[:1] == b"<" and stripped[-1:] == b">" and not stripped.startswith(b"<?xml")


def page_from_response(response: Response, fetched_at: datetime | None = None) -> Page:
    return Page.from_bytes(
        response.url,
        response.body,
        headers=response_headers(response),
        status=response.status,
        fetched_at=fetched_at,
    )


def response_headers(response: Response) -> dict[str, str]:
    """A response's headers as text, each name once (repeated ones joined by commas)."""
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in response.headers.items()
    }
