"""Replay every saved page through the real parsers, one test per fixture and field."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from conftest import PageFixture, extract, page_fixtures

FIXTURES = page_fixtures()
ARTICLE_KEYS = sorted(
    [
        "attachments",
        "body",
        "byline",
        "canonical_url",
        "captions",
        "category",
        "cms_author",
        "cms_source",
        "image_urls",
        "lead",
        "published_at",
        "published_raw",
        "published_source",
        "site_article_id",
        "site_key",
        "tags",
        "title",
        "url",
    ]
)
LISTING_KEYS = ["article_urls", "next_page"]


@functools.cache
def _actual(name: str) -> dict[str, Any]:
    fixture = next(f for f in FIXTURES if f.name == name)
    return extract(fixture)


FIELD_CASES = [
    pytest.param(fixture, field, id=f"{fixture.name}::{field}")
    for fixture in FIXTURES
    for field in fixture.expected
]


@pytest.mark.parametrize(("fixture", "field"), FIELD_CASES)
def test_field(fixture: PageFixture, field: str) -> None:
    actual = _actual(fixture.name)
    expected = fixture.expected[field]
    assert actual[field] == expected, (
        f"{fixture.name}: field {field!r} differs; current output:\n"
        + json.dumps(actual[field], ensure_ascii=False, indent=2)
    )


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.name)
def test_expected_covers_every_field(fixture: PageFixture) -> None:
    keys = LISTING_KEYS if fixture.meta["kind"] == "listing" else ARTICLE_KEYS
    assert list(fixture.expected) == keys, "expected.json must have exactly these keys, sorted"


@pytest.mark.parametrize(
    "fixture", [f for f in FIXTURES if f.meta["kind"] == "article"], ids=lambda f: f.name
)
def test_body_keeps_out_what_is_not_article_text(fixture: PageFixture) -> None:
    body = _actual(fixture.name)["body"]
    for unwanted in fixture.meta.get("must_not_contain", []):
        leaks = [p for p in body if unwanted in p]
        assert not leaks, f"{fixture.name}: {unwanted!r} leaked into the body"
