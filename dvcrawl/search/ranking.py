"""BM25 for a window of matches, scored in Python from the full-text index's own figures.

FTS5's ``bm25()`` weighs each phrase by the number of articles holding it, and counts them
by reading the phrase's whole match list on every query, whatever the LIMIT: at a million
articles that is about 30 ms for a common word and over 100 ms for a phrase, whose word
positions must be compared in every article that has all its words. dvcrawl ranks only the
newest matches (``engine.RANK_WINDOW``), so it scores those itself with the formula and
constants FTS5 uses (k1 1.2, b 0.75). An article's length and the average length come from
the index's own tables, as ``bm25()`` reads them; term frequencies are counted in the
accent-free text the index was built from. Each term's weight comes from how many articles
hold it: counted exactly when they are few, else estimated from how densely its newest
matches lie (``estimated_document_count``), since counting them all is the cost being
avoided. With one required term, the order is always the one ``bm25()`` gives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

K1 = 1.2
B = 0.75


def sqlite_varints(blob: bytes) -> list[int]:
    """The integers of an FTS5 record, stored as SQLite varints: seven bits a byte, high bit
    set while more follow, the ninth byte whole."""
    values: list[int] = []
    position = 0
    while position < len(blob):
        value = 0
        for index in range(9):
            byte = blob[position]
            position += 1
            if index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def inverse_document_frequency(articles: int, holding: int) -> float:
    """FTS5's idf: log((N − n + 0.5) / (n + 0.5)), kept just above zero for terms in more
    than half the articles, as FTS5 keeps it."""
    value = math.log((articles - holding + 0.5) / (holding + 0.5))
    return value if value > 0 else 1e-6


def estimated_document_count(
    articles: int, highest_id: int, probe: int, oldest_found: int | None, found: int
) -> int:
    """How many articles hold a term, from its newest ``probe`` matches: all of them when
    fewer were found, else the probe's density over the id range it spans, times N."""
    if found < probe or oldest_found is None:
        return found
    span = max(highest_id - oldest_found + 1, found)
    return max(found, round(articles * found / span))


@lru_cache(maxsize=256)
def phrase_pattern(words: str) -> re.Pattern[str]:
    """The words of a phrase in order, whole, separated by anything but letters and digits.

    The pattern starts with the first word itself, so that the regular expression engine
    looks for it as a plain string (a leading look-behind would make it try every position,
    some thirty times slower); the look-behind that follows it checks the character before.
    """
    first, *rest = [re.escape(word) for word in words.split()]
    return re.compile(
        first + rf"(?<![^\W_]{first})" + "".join(rf"[\W_]+{word}" for word in rest) + r"(?![^\W_])"
    )


def count_phrase(pattern: re.Pattern[str], text: str) -> int:
    """Occurrences of a ``phrase_pattern`` in ``text``."""
    return len(pattern.findall(text))


def bm25(
    frequencies: Sequence[int],
    weights: Sequence[float],
    length: int,
    average_length: float,
) -> float:
    """The BM25 score (higher is better) of one article: ``frequencies[i]`` occurrences of
    term ``i``, weighted by ``weights[i]`` (its idf), in an article of ``length`` tokens."""
    norm = K1 * (1 - B + B * length / average_length) if average_length > 0 else K1
    return sum(
        weight * frequency * (K1 + 1) / (frequency + norm)
        for frequency, weight in zip(frequencies, weights, strict=True)
    )
