"""The pieces of windowed BM25: FTS5's record integers, phrase counting, term weights."""

from __future__ import annotations

import math

import pytest

from dvcrawl.search.ranking import (
    bm25,
    count_phrase,
    estimated_document_count,
    inverse_document_frequency,
    phrase_pattern,
    sqlite_varints,
)


@pytest.mark.parametrize(
    ("blob", "values"),
    [
        (b"\x00", [0]),
        (b"\x7f", [127]),
        (b"\x81\x00", [128]),
        (b"\x86\x8d\x20", [100_000]),  # the article count of a 100,000-article index
        (b"\x05\x83\x01", [5, 385]),
        (b"\xff" * 8 + b"\x01", [(2**56 - 1) << 8 | 1]),  # the ninth byte is taken whole
    ],
)
def test_sqlite_varints(blob: bytes, values: list[int]) -> None:
    assert sqlite_varints(blob) == values


@pytest.mark.parametrize(
    ("words", "text", "count"),
    [
        ("an", "an ban an_ an, chan an", 4),  # not inside "ban" or "chan"; "_" separates
        ("dan van", "dan van, dan-van; xdan van dan vanx dan\n van", 3),
        ("45 nq tw", "nghi quyet 45-nq/tw va 145-nq/tw", 1),
        ("van", "", 0),
        ("a.b", "a.b a.b", 2),  # the pattern is built from escaped words
    ],
)
def test_phrases_are_counted_as_whole_words(words: str, text: str, count: int) -> None:
    assert count_phrase(phrase_pattern(words), text) == count


def test_weights_follow_fts5() -> None:
    assert inverse_document_frequency(1000, 10) == pytest.approx(math.log(990.5 / 10.5))
    # Terms in more than half the articles weigh almost nothing, as in FTS5.
    assert inverse_document_frequency(1000, 600) == 1e-6
    assert inverse_document_frequency(1000, 1) > inverse_document_frequency(1000, 100)


def test_document_counts_are_estimated_only_past_the_probe() -> None:
    assert estimated_document_count(10_000, 10_000, 200, 17, 150) == 150
    # 200 matches in the newest 1,000 ids: one article in five.
    assert estimated_document_count(10_000, 10_000, 200, 9_001, 200) == 2_000
    assert estimated_document_count(10_000, 10_000, 200, None, 0) == 0


def test_bm25_prefers_more_occurrences_and_shorter_texts() -> None:
    assert bm25([2], [1.0], 100, 100.0) > bm25([1], [1.0], 100, 100.0)
    assert bm25([1], [1.0], 50, 100.0) > bm25([1], [1.0], 200, 100.0)
    # k1 = 1.2, b = 0.75, an article of average length: tf (k1 + 1) / (tf + k1).
    assert bm25([1, 3], [2.0, 1.0], 80, 80.0) == pytest.approx(2 * 2.2 / 2.2 + 3 * 2.2 / 4.2)
    assert bm25([0], [5.0], 10, 0.0) == 0.0
