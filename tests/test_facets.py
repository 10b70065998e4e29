"""Filters as facet tokens of SQLite's full-text index: what an article holds, what a filter
asks for, and that both engines draw the same calendar-day lines."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.corpus import Corpus
from dvcrawl.items import Article
from dvcrawl.sites import get_site
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.storage.search_ddl import date_tokens, facet_tokens, filter_key
from dvcrawl.text.bylines import Author, Byline


def days_of(token: str) -> set[date]:
    """The days a date token stands for."""
    kind, digits = token[0], token[1:]
    if kind == "d":
        return {datetime.strptime(digits, "%Y%m%d").date()}
    first = date(int(digits[:4]), int(digits[4:]) if kind == "m" else 1, 1)
    last = (
        date(first.year + 1, 1, 1) if kind == "y" else (first + timedelta(days=32)).replace(day=1)
    )
    return {first + timedelta(days=n) for n in range((last - first).days)}


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31)),
    st.integers(min_value=0, max_value=4000),
)
def test_date_tokens_cover_the_range_and_nothing_else(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    tokens = date_tokens(first, last)
    covered: list[date] = [day for token in tokens for day in days_of(token)]
    assert len(covered) == len(set(covered)), "tokens overlap"
    assert set(covered) == {first + timedelta(days=n) for n in range(length + 1)}
    # Whole months and years are one token each: a range never needs more than two
    # partial months of days, eleven months on each side and its years.
    assert len(tokens) <= 2 * 30 + 2 * 11 + (last.year - first.year + 1)


def test_an_empty_range_asks_for_nothing() -> None:
    assert date_tokens(date(2024, 3, 2), date(2024, 3, 1)) == []


def test_facets_name_the_vietnamese_day_and_every_author() -> None:
    # 17:30 UTC on 1 March is half past midnight on 2 March in Vietnam.
    facets = facet_tokens(
        "binh-phuoc",
        datetime(2024, 3, 1, 17, 30, tzinfo=UTC),
        filter_key("Xây dựng Đảng"),
        [filter_key("Lê Dũng Toàn"), filter_key("PV"), filter_key("Lê Dũng Toàn")],
    ).split()
    assert facets[:4] == ["s" + b"binh-phuoc".hex(), "y2024", "m202403", "d20240302"]
    assert "c" + b"xay dung dang".hex() in facets
    assert sorted(facets[5:]) == sorted({"a" + b"le dung toan".hex(), "a" + b"pv".hex()})
    assert all(token.isalnum() for token in facets)


def test_filters_draw_the_line_at_midnight_in_vietnam(database_url: str) -> None:
    sessions = session_factory(prepare(database_url))
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        repository.save_site(get_site("danvan"))
        for number, published in enumerate(
            (datetime(2024, 3, 1, 16, 59, tzinfo=UTC), datetime(2024, 3, 1, 17, 0, tzinfo=UTC))
        ):
            repository.add_article(
                Article(
                    url=f"https://example.vn/d{number}",
                    site_key="danvan",
                    title=f"Dân vận khéo {number}",
                    body=["Phong trào thi đua."],
                    published_at=published,
                    byline=Byline(raw="Lê Dũng Toàn", authors=(Author(name="Lê Dũng Toàn"),)),
                    fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
                    family="test",
                    parser_revision="test@1",
                ),
                None,
            )
    with Corpus(database_url) as corpus:
        for since, until, expected in [
            (date(2024, 3, 1), date(2024, 3, 1), ["d0"]),
            (date(2024, 3, 2), None, ["d1"]),
            (None, date(2024, 3, 1), ["d0"]),
            (date(2024, 2, 1), date(2024, 3, 31), ["d1", "d0"]),
            (date(2024, 3, 3), None, []),
        ]:
            hits = corpus.search("dan van", since=since, until=until, author="le dung toan")
            assert sorted(hit.url.rsplit("/", 1)[1] for hit in hits) == sorted(expected), (
                since,
                until,
            )
            rows = corpus.articles(since=since, until=until)
            assert sorted(row.url.rsplit("/", 1)[1] for row in rows) == sorted(expected)
