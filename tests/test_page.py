"""``Page.from_bytes``: the tree parsed from the bytes is the tree of the decoded text."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector

from dvcrawl.parsing.page import Page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = sorted(FIXTURES.glob("pages/*/*/page.html")) + sorted(FIXTURES.glob("sites/*/pages/*.html"))


def _tree(selector: Selector) -> bytes:
    return etree.tostring(selector.root, encoding="utf-8")


def _same_tree_as_the_text(page: Page) -> None:
    reference = Selector(text=page.text or "<html></html>", base_url=page.url)
    assert page.selector.type == reference.type
    assert _tree(page.selector) == _tree(reference)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_a_fixture_page_parses_to_the_tree_of_its_text(path: Path) -> None:
    _same_tree_as_the_text(Page.from_bytes("http://example.vn/a.html", path.read_bytes()))


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>D\xc3\xa2n v\xe1\xba\xadn</p></body></html>\n",
        # decomposed text: the parser gets the text in NFC, not the bytes
        unicodedata.normalize("NFD", "<p>Tỉnh ủy</p>").encode(),
        # a byte-order mark, NULs, odd edges: the text path, as parsel handles text
        b"\xef\xbb\xbf<p>BOM</p>",
        b"<p>a\x00b</p>",
        b"\x00<p>NUL first</p>",
        "\u3000<p>ideographic space first</p>\u00a0".encode(),
        b"<?xml version='1.0'?><html><body><p>x</p></body></html>",
        b"text before <p>markup</p>",
        b"",
    ],
)
def test_odd_bodies_parse_to_the_tree_of_their_text(body: bytes) -> None:
    page = Page.from_bytes("http://example.vn/a.html", body)
    _same_tree_as_the_text(page)
    assert unicodedata.is_normalized("NFC", page.text)
