"""Captions in every style editors print, read from small pages, one style each.

Each ``tests/fixtures/captions/<style>.html`` is a NukeViet article page (default theme of
NukeViet 4, or of NukeViet 3 for ``lead-nukeviet3-*``);
``<style>.json`` beside it says, as read from the page, which captions it prints (with
their images, lead image first), which images it shows and which paragraphs are text.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from dvcrawl.parsing.dom import first_match
from dvcrawl.parsing.extracted import extract_article
from dvcrawl.parsing.figures import read_body
from dvcrawl.parsing.page import Page
from dvcrawl.sites import get_site

FIXTURES = Path(__file__).parent / "fixtures" / "captions"
STYLES = sorted(path.stem for path in FIXTURES.glob("*.html"))
PROFILE = get_site("binh-phuoc")


def fixture(style: str) -> tuple[Page, dict[str, Any]]:
    expected = json.loads((FIXTURES / f"{style}.json").read_text(encoding="utf-8"))
    page = Page.from_bytes(
        expected["url"],
        (FIXTURES / f"{style}.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        fetched_at=datetime(2025, 11, 1, tzinfo=UTC),
    )
    return page, expected


def test_every_style_has_its_expectation() -> None:
    assert len(STYLES) >= 10
    assert sorted(path.stem for path in FIXTURES.glob("*.json")) == STYLES


@pytest.mark.parametrize("style", STYLES)
def test_captions_with_their_images_in_page_order(style: str) -> None:
    page, expected = fixture(style)
    article = extract_article(page, PROFILE)
    assert [c.to_dict() for c in article.captions] == expected["captions"]
    assert article.image_urls == expected["image_urls"]


@pytest.mark.parametrize("style", STYLES)
def test_no_caption_in_the_body(style: str) -> None:
    page, expected = fixture(style)
    article = extract_article(page, PROFILE)
    captions = [caption["text"] for caption in expected["captions"]]
    assert not [p for p in article.body if any(c in p for c in captions)]
    # Every text paragraph stays, in order, unless the byline reader took it.
    taken = article.byline.raw.split("\n") if article.byline else []
    assert article.body == [p for p in expected["body"] if p not in taken]


@pytest.mark.parametrize("style", STYLES)
def test_body_paragraphs_as_read_before_bylines(style: str) -> None:
    page, expected = fixture(style)
    container = first_match(page.selector, PROFILE.article_rules.body)[0].root
    assert isinstance(container, etree._Element)
    body = read_body(container, page.url, PROFILE.article_rules)
    assert body.paragraphs == expected["body"]


def test_a_lead_caption_printed_twice_counts_once() -> None:
    # A theme whose lead rule also reaches the hidden zoom copy (#imgpreview) of the picture.
    rules = replace(PROFILE.article_rules, page_figures=("figure.article, #imgpreview",))
    page, expected = fixture("lead-figure-zoom-twin")
    article = extract_article(page, replace(PROFILE, article=rules))
    assert [c.to_dict() for c in article.captions] == expected["captions"]
    # The twin's full-size original is one more image shown by the rule.
    assert (
        article.image_urls[1] == "https://tinhuybinhphuoc.vn/uploads/news/2025_04/tiep-cong-dan.jpg"
    )
