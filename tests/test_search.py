"""Search on every engine: accent-free and exact matching, phrases, exclusions, filters,
ranking, snippets, and hostile queries."""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from dvcrawl.corpus import Corpus, CorpusArgumentError
from dvcrawl.items import Article
from dvcrawl.search import engine
from dvcrawl.search.query import QuerySyntaxError, parse_query
from dvcrawl.sites import get_site
from dvcrawl.storage.db import DatabaseError, prepare, reader_engine, session_factory
from dvcrawl.storage.models import ArticleRecord, AuthorRecord
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.text import Author, Byline

VN = timezone(timedelta(hours=7))

DOCUMENTS = {
    "kheo": (
        "binh-phuoc",
        "Tổng kết phong trào “Dân vận khéo”",
        ["Phong trào thi đua Dân vận khéo được nhân rộng ở 120 xã.", "Dân vận khéo là gốc."],
        date(2024, 5, 19),
        "Lê Dũng Toàn",
        "Dân vận khéo",
    ),
    "dang": (
        "binh-phuoc",
        "Đảng bộ tỉnh học tập nghị quyết",
        ["Đảng bộ tỉnh Bình Phước quán triệt Nghị quyết số 43-NQ/TW."],
        date(2024, 3, 2),
        "Trần Minh Khoa",
        "Xây dựng Đảng",
    ),
    "hoa": (
        "danvan",
        "Hòa giải ở cơ sở",
        ["Tổ hòa giải thôn Hòa Bình giải quyết 12 vụ việc; hoa mai nở sớm."],
        date(2023, 12, 1),
        "Minh Anh",
        "Địa phương",
    ),
    "vi": (
        "danvan",
        "Vì dân, gần dân",
        ["Cán bộ dân vận gần dân, hiểu dân; phong trào được Nhân dân ủng hộ."],
        date(2022, 6, 30),
        "Lê Dũng Toàn",
        "Dân vận khéo",
    ),
    "tin": (
        "tuyengiaodanvan",
        "Tin vắn dân vận",
        ["Tin vắn: hội nghị dân vận khéo toàn quốc sẽ tổ chức vào tháng 12."],
        date(2025, 11, 2),
        "Thu Hà",
        "Tin tức",
    ),
}


def article(key: str) -> Article:
    site, title, body, day, author, category = DOCUMENTS[key]
    return Article(
        url=f"https://example.vn/{key}",
        canonical_url=f"https://example.vn/{key}",
        site_key=site,
        title=title,
        body=body,
        published_at=datetime(day.year, day.month, day.day, 8, 0, tzinfo=VN),
        byline=Byline(raw=author, authors=(Author(author),)),
        category=category,
        fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
        family="test",
        parser_revision="test@1",
        content_hash=key.ljust(64, "0"),
    )


@pytest.fixture
def corpus(database_url: str) -> Iterator[Corpus]:
    sessions = session_factory(prepare(database_url))
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        for site in ("binh-phuoc", "danvan", "tuyengiaodanvan"):
            repository.save_site(get_site(site))
        for key in DOCUMENTS:
            repository.add_article(article(key), None)
    with Corpus(database_url) as opened:
        yield opened


def found(corpus: Corpus, query: str, **options: object) -> set[str]:
    return {hit.url.rsplit("/", 1)[1] for hit in corpus.search(query, **options)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dan van kheo", {"kheo", "tin"}),
        ("Dân vận khéo", {"kheo", "tin"}),
        ("DAN VAN KHEO", {"kheo", "tin"}),
        ("dang bo", {"dang"}),  # đ is folded to d, which FTS5's own folding cannot do
        ('"dan van kheo" -"tin van"', {"kheo"}),
        ('"van kheo dan"', set()),  # a phrase keeps its word order
        ("hoa", {"hoa"}),
        ("gan dan -phong", set()),
        ("gan dan", {"vi"}),
        ("43-NQ/TW", {"dang"}),
        ("nq", {"dang"}),
        ("nhan rong", {"kheo"}),
    ],
)
def test_accent_free_search(corpus: Corpus, query: str, expected: set[str]) -> None:
    assert found(corpus, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hòa", {"hoa"}),
        ("hoa", {"hoa"}),  # "hoa mai": the flower, written without tone marks
        ("Đảng", {"dang"}),
        ("dang", set()),
        ("dân vận", {"kheo", "vi", "tin"}),
        ("dan van", set()),
    ],
)
def test_exact_search_keeps_diacritics(corpus: Corpus, query: str, expected: set[str]) -> None:
    assert found(corpus, query, exact=True) == expected


def test_exact_and_accent_free_differ_where_they_should(corpus: Corpus) -> None:
    assert found(corpus, "hoa") == {"hoa"}
    assert len(corpus.search("hoa", exact=True)) == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sites": ["danvan"]}, {"hoa", "vi"}),
        ({"provinces": ["Bình Phước"]}, {"kheo", "dang"}),
        ({"since": date(2024, 1, 1)}, {"kheo", "dang", "tin"}),
        ({"until": date(2024, 3, 2)}, {"dang", "vi", "hoa"}),
        ({"since": date(2024, 3, 2), "until": date(2024, 3, 2)}, {"dang"}),
        ({"author": "lê dũng toàn"}, {"kheo", "vi"}),
        ({"author": "LE DUNG TOAN"}, {"kheo", "vi"}),
        ({"author": "Trần Minh Khoa"}, {"dang"}),
        ({"category": "Dân vận khéo"}, {"kheo", "vi"}),
        ({"category": "xay dung dang"}, {"dang"}),
        ({"category": "ĐỊA PHƯƠNG"}, {"hoa"}),
        # The ends of the calendar bound nothing: no stored time lies beyond them.
        ({"since": date.min}, set(DOCUMENTS)),
        ({"until": date.max}, set(DOCUMENTS)),
        ({"since": date.min, "until": date.max}, set(DOCUMENTS)),
        ({"since": date(1000, 1, 1), "until": date(2024, 3, 2)}, {"dang", "vi", "hoa"}),
        # A datetime counts by its day in Vietnam: 18:00 UTC on 1 March is 2 March there.
        ({"until": datetime(2024, 3, 1, 18, 0, tzinfo=UTC)}, {"dang", "vi", "hoa"}),
        ({"until": datetime.max.replace(tzinfo=UTC)}, set(DOCUMENTS)),
    ],
)
@pytest.mark.parametrize("rank_window", [engine.RANK_WINDOW, 0])
@pytest.mark.parametrize(
    ("narrow_filter", "join_limit"), [(0.0, -1), (1.0, 10**9)], ids=["index", "rows"]
)
def test_filters(
    corpus: Corpus,
    filters: dict[str, object],
    expected: set[str],
    rank_window: int,
    narrow_filter: float,
    join_limit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Search filters through the index (SQLite: facet tokens, or the rows of a rare word's
    # matches; Postgres: the columns, walked along the primary key or, when few articles
    # pass, read by their own index), the article listing through the columns: all must
    # agree, windowed or not.
    monkeypatch.setattr(engine, "NARROW_FILTER", narrow_filter)
    monkeypatch.setattr(engine, "JOIN_LIMIT", join_limit)
    searched = {
        hit.url.rsplit("/", 1)[1]
        for hit in corpus.search("dan", rank_window=rank_window, **filters)  # type: ignore[arg-type]
    }
    assert searched == expected & found(corpus, "dan")
    assert {row.url.rsplit("/", 1)[1] for row in corpus.articles(**filters)} == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"author": "Lê\x00Dũng"}, "author holds the control character U+0000 at character 3"),
        ({"category": "Dân vận\x00"}, "category holds the control character U+0000"),
        ({"sites": ["danvan\x00"]}, "sites[0] holds the control character U+0000"),
        ({"provinces": ["Bình\x1bPhước"]}, "provinces[0] holds the control character U+001B"),
        ({"author": "Lê \udcc3"}, "author holds an unpaired surrogate (U+DCC3) at character 4"),
        ({"author": " \t "}, "author is blank"),
        ({"category": ""}, "category is blank"),
        ({"sites": "danvan"}, "sites is a list of names, not one string"),
        ({"sites": 7}, "sites is a list of names, not int"),
        ({"sites": [b"danvan"]}, "sites[0] is text (str), not bytes"),
        ({"provinces": [f"p{n}" for n in range(1001)]}, "at most 1,000 at a time"),
        ({"since": "2024-01-01"}, "since is a date, such as date(2024, 1, 1), not str"),
        ({"since": date(2025, 1, 1), "until": date(2024, 1, 1)}, "is after until"),
        ({"limit": 0}, "limit must be from 1 to 10,000, not 0"),
        ({"limit": -1}, "limit must be from 1 to 10,000, not -1"),
        ({"limit": "5"}, "limit is a whole number, not str"),
        ({"limit": True}, "limit is a whole number, not bool"),
        ({"rank_window": -1}, "rank_window must be from 0"),
        ({"rank_window": 2**63}, "rank_window must be from 0"),
    ],
)
def test_bad_search_arguments_are_named_the_same_way_on_every_engine(
    corpus: Corpus, arguments: dict[str, object], message: str
) -> None:
    """Postgres cannot take a NUL in text and SQLite would search for one: both refuse it,
    as they refuse every argument that could only be a mistake, before the database."""
    with pytest.raises(CorpusArgumentError) as raised:
        corpus.search("dân vận", **arguments)  # type: ignore[arg-type]
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"author": "Lê\x00Dũng"}, "author holds the control character U+0000"),
        ({"batch_size": 0}, "batch_size must be from 1"),
        ({"batch_size": -1}, "batch_size must be from 1"),
        ({"until": "2024"}, "until is a date"),
    ],
)
def test_bad_listing_arguments_are_refused_at_the_call(
    corpus: Corpus, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(CorpusArgumentError, match=re.escape(message)):
        corpus.articles(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [None, b"dan van", 42])
def test_a_query_that_is_not_text_is_a_syntax_error(corpus: Corpus, query: object) -> None:
    with pytest.raises(QuerySyntaxError, match=r"the query is text \(str\)"):
        corpus.search(query)  # type: ignore[arg-type]


def test_a_failing_database_raises_dvcrawls_error_naming_the_search(corpus: Corpus) -> None:
    with corpus.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE authors")
    with pytest.raises(DatabaseError, match=r"^cannot search database .*authors"):
        corpus.search("dan van")
    with pytest.raises(DatabaseError, match=r"^cannot read database .*authors"):
        list(corpus.articles())


def test_ranking_puts_the_densest_match_first(corpus: Corpus) -> None:
    hits = corpus.search("dan van kheo")
    assert [hit.url.rsplit("/", 1)[1] for hit in hits] == ["kheo", "tin"]
    assert hits[0].rank > hits[1].rank


def test_snippets_mark_the_words_as_published(corpus: Corpus) -> None:
    (hit,) = corpus.search('"dan van kheo" -"tin van"')
    assert "[Dân vận khéo]" in hit.snippet
    assert hit.authors == ("Lê Dũng Toàn",)
    exact = corpus.search("Đảng", exact=True)[0]
    assert "[Đảng]" in exact.snippet


@pytest.mark.parametrize(
    "hostile",
    [
        "'; DROP TABLE articles; --",
        '" OR 1=1 --',
        "dan) OR (1=1",
        "title:dan",
        "dan*",
        "NEAR(dan van)",
        "dan AND OR NOT van",
        "^dan",
        "{title}: dan",
        "dan\x00van",
        "‘dan’ – “van”",
        "%' OR '%'='",
        "dan\\",
    ],
)
def test_hostile_queries_are_searched_as_text(corpus: Corpus, hostile: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        corpus.search(hostile)
    with corpus.sessions() as session:
        assert session.scalar(select(func.count(ArticleRecord.id))) == len(DOCUMENTS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('dan "van', "unclosed quote"),
        ("-dan", "at least one word"),
        ('""', "no letter or digit"),
        ("   ", "at least one word"),
        ("x" * 1001, "longer than"),
        (" ".join(f"w{i}" for i in range(40)), "at most"),
    ],
)
def test_malformed_queries_say_what_is_wrong(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message):
        parse_query(query)


def test_the_index_follows_updates_and_deletes(corpus: Corpus) -> None:
    with corpus.sessions.begin() as session:
        record = session.scalars(
            select(ArticleRecord).where(ArticleRecord.url.endswith("/vi"))
        ).one()
        record.title = "Gương sáng khu phố"
        session.delete(
            session.scalars(select(ArticleRecord).where(ArticleRecord.url.endswith("/tin"))).one()
        )
    assert found(corpus, "guong sang") == {"vi"}
    assert found(corpus, "tin van") == set()


def test_dataframe_helper(corpus: Corpus) -> None:
    frame = corpus.to_dataframe(sites=["binh-phuoc"])
    assert sorted(frame["url"].str.rsplit("/", n=1).str[1]) == ["dang", "kheo"]
    assert frame["published_at"].notna().all()


def test_snippets_of_long_articles_stay_short_and_marked() -> None:
    from dvcrawl.search.engine import SNIPPET_CHARS, highlight

    body = "Mở đầu bài viết. " + "Câu văn dài về công tác dân vận ở cơ sở. " * 400
    snippet = highlight("Sáng 14/4, Đảng bộ tỉnh họp.", body, parse_query("dang bo"))
    assert snippet.startswith("Sáng 14/4, [Đảng] [bộ]")
    assert snippet.endswith("…")
    assert len(snippet) <= SNIPPET_CHARS + 30
    unmatched = highlight(None, body, parse_query("khongco"))
    assert unmatched.startswith("Mở đầu bài viết.")
    assert "[" not in unmatched


def add_numbered(database_url: str, bodies: list[str], sites: tuple[str, ...] = ()) -> None:
    """Store one article per body, in order: the last is the newest stored. Article n is on
    ``sites[n % len(sites)]``, by default all on danvan."""
    sessions = session_factory(prepare(database_url))
    with sessions.begin() as session:
        add_numbered_in(session, bodies, sites)


def add_numbered_in(session: Session, bodies: list[str], sites: tuple[str, ...] = ()) -> None:
    sites = sites or ("danvan",)
    repository = ArchiveRepository(session)
    for site in sites:
        repository.save_site(get_site(site))
    for number, body in enumerate(bodies):
        repository.add_article(
            Article(
                url=f"https://example.vn/n{number}",
                site_key=sites[number % len(sites)],
                title=f"Bài số {number}",
                body=[body],
                fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
                family="test",
                parser_revision="test@1",
            ),
            None,
        )


def test_ranking_window_takes_the_best_of_the_newest_matches(database_url: str) -> None:
    # n0, stored first, matches best; n1 and n2 mention the word once in a long text.
    filler = " ".join(["cán bộ cơ sở"] * 40)
    add_numbered(
        database_url, ["hòa giải hòa giải hòa giải", f"hòa giải {filler}", f"{filler} hòa giải"]
    )
    with Corpus(database_url) as corpus:
        everything = corpus.search("hoa giai", rank_window=0)
        assert everything[0].url.endswith("/n0")
        newest_two = corpus.search("hoa giai", rank_window=2)
        assert {hit.url[-2:] for hit in newest_two} == {"n1", "n2"}
        assert [hit.url[-2:] for hit in corpus.search("hoa giai", rank_window=1)] == ["n2"]
        with pytest.raises(ValueError, match="rank_window"):
            corpus.search("hoa giai", rank_window=-1)


def test_exact_exclusion_removes_only_the_exact_word(database_url: str) -> None:
    add_numbered(database_url, ["hòa giải ở thôn", "hoa mai nở ở thôn", "hòa giải và hoa mai"])
    with Corpus(database_url) as corpus:
        assert found(corpus, "thôn -hoa", exact=True) == {"n0"}
        assert found(corpus, "thôn -hoa") == set()
        assert found(corpus, "hoa -hòa", exact=True) == {"n1"}


def test_exact_search_fills_the_limit_past_folded_only_candidates(database_url: str) -> None:
    # Most folded matches of "hòa" are "hoa": the exact check must keep reading candidates.
    add_numbered(database_url, ["hòa bình"] + ["hoa đào"] * 120 + ["hòa hợp"])
    with Corpus(database_url) as corpus:
        assert found(corpus, "hòa", exact=True, limit=5) == {"n0", "n121"}


@pytest.mark.parametrize("sites", [(), ("danvan",)], ids=["unfiltered", "filtered"])
@pytest.mark.parametrize("native_limit", [-1, engine.NATIVE_RANK_LIMIT], ids=["python", "native"])
def test_windowed_ranking_scores_as_the_engine_ranks_everything(
    database_url: str, sites: tuple[str, ...], native_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Different counts of the words in texts of different lengths. With every match inside
    # the window and fewer matches than the frequency probe reads, the scores computed over
    # the window (SQLite: in Python from the window's texts, or by bm25() for single words)
    # must equal the engine's own over all matches, with a filter (facet tokens on SQLite,
    # which must weigh nothing) or without.
    monkeypatch.setattr(engine, "NATIVE_RANK_LIMIT", native_limit)
    filler = "cán bộ cơ sở"
    bodies = [
        "hòa giải " * repeats + " ".join([filler] * padding) + " thôn bản" * (padding % 3)
        for repeats in (1, 2, 3)
        for padding in (0, 5, 30)
    ]
    add_numbered(database_url, bodies)
    with Corpus(database_url) as corpus:
        for query in ("hoa giai", '"hoa giai"', "giai thon", "hoa -thon", "Hòa"):
            everything = corpus.search(query, rank_window=0, limit=50)
            windowed = corpus.search(query, rank_window=1000, limit=50, sites=sites)
            assert everything, query
            assert [hit.url for hit in windowed] == [hit.url for hit in everything], query
            for in_window, ranked_by_engine in zip(windowed, everything, strict=True):
                assert in_window.rank == pytest.approx(ranked_by_engine.rank, rel=1e-9), query


def test_a_rare_words_window_fills_with_matches_that_pass_the_filter(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One article in three is on binh-phuoc. Checked on the rows of the rare word's matches,
    # the window of three must take more batches of matches than the first, sized by the
    # share passing, and hold the three newest on binh-phuoc.
    monkeypatch.setattr(engine, "JOIN_LIMIT", 10**9)
    add_numbered(database_url, ["hòa giải ở thôn"] * 30, ("binh-phuoc", "danvan", "danvan"))
    with Corpus(database_url) as corpus:
        newest = found(corpus, "hoa", sites=("binh-phuoc",), rank_window=3)
        assert newest == {"n21", "n24", "n27"}
        assert found(corpus, "hoa", sites=("binh-phuoc",), rank_window=0, limit=50) == {
            f"n{number}" for number in range(0, 30, 3)
        }


def test_sqlite_checks_a_rare_words_filters_on_their_index_not_the_rows(tmp_path: Path) -> None:
    """The filter columns lie past the body in an article's row, which overflows its first
    page; the check of a rare word's matches must read them from the index keyed by id
    (revision 0010) and touch no row, whichever filters are asked for."""
    url = f"sqlite:///{tmp_path / 'filters.sqlite3'}"
    add_numbered(url, ["hòa giải ở thôn"] * 12, ("binh-phuoc", "danvan"))
    checks: list[tuple[str, object]] = []

    def record(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        if "INDEXED BY" in statement:
            checks.append((statement, parameters))

    with Corpus(url) as corpus:
        event.listen(corpus.engine, "before_cursor_execute", record)
        searches: list[dict[str, object]] = [
            {"sites": ("binh-phuoc",)},
            {"provinces": ("Bình Phước",)},
            {"since": date(2015, 1, 1), "until": date(2030, 1, 1)},
            {"category": "Tin tức"},
            {"author": "Lê Dũng Toàn"},
        ]
        for filters in searches:
            before = len(checks)
            corpus.search("hoa giai", **filters)  # type: ignore[arg-type]
            assert len(checks) > before, filters
        event.remove(corpus.engine, "before_cursor_execute", record)
        assert corpus.search("hoa giai", sites=("binh-phuoc",), limit=50)
        with corpus.engine.connect() as connection:
            for statement, parameters in checks:
                plan = [
                    str(row[-1])
                    for row in connection.exec_driver_sql(
                        f"EXPLAIN QUERY PLAN {statement}",
                        parameters,  # type: ignore[arg-type]
                    )
                ]
                on_articles = [step for step in plan if " articles " in f"{step} "]
                assert on_articles, plan
                assert all(
                    "COVERING INDEX ix_articles_id_filters" in step for step in on_articles
                ), plan


@pytest.mark.parametrize("native_limit", [-1, engine.NATIVE_RANK_LIMIT], ids=["python", "native"])
@pytest.mark.parametrize("join_limit", [-1, 10**9], ids=["facets", "rows"])
def test_rows_read_side_by_side_give_what_one_connection_reads(
    tmp_path: Path, native_limit: int, join_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite reads the window's rows (their text to score, or their filter columns) a batch
    # at a time, the rest on several connections at once when the first batch was slow.
    # With one id per batch even this small corpus is split: taken as slow, the rows are
    # read side by side, taken as fast, on one connection, and every hit and score must be
    # what one connection gives.
    url = f"sqlite:///{tmp_path / 'side-by-side.sqlite3'}"
    monkeypatch.setattr(engine, "NATIVE_RANK_LIMIT", native_limit)
    monkeypatch.setattr(engine, "JOIN_LIMIT", join_limit)
    filler = "cán bộ cơ sở"
    bodies = [
        "hòa giải " * (1 + number % 4) + " ".join([filler] * (number % 7)) for number in range(40)
    ]
    add_numbered(url, bodies, ("binh-phuoc", "danvan"))
    searches: list[dict[str, object]] = [
        {"query": "hoa giai"},
        {"query": '"hoa giai"', "sites": ("danvan",)},
        {"query": "hoa", "sites": ("binh-phuoc",), "rank_window": 5},
    ]

    def search_all(corpus: Corpus, cold_row_seconds: float) -> tuple[list[list[engine.Hit]], int]:
        monkeypatch.setattr(engine, "COLD_ROW_SECONDS", cold_row_seconds)
        checkouts: list[object] = []
        readers = reader_engine(corpus.engine)
        assert readers is not None
        listener = lambda *_: checkouts.append(None)  # noqa: E731
        event.listen(readers, "checkout", listener)
        try:
            hits = [corpus.search(limit=50, **search) for search in searches]  # type: ignore[arg-type]
        finally:
            event.remove(readers, "checkout", listener)
        return hits, len(checkouts)

    with Corpus(url) as corpus:
        one, _ = search_all(corpus, engine.COLD_ROW_SECONDS)
        monkeypatch.setattr(engine, "IDS_PER_READER", 1)
        several, readers_used = search_all(corpus, -1.0)
        batched, no_readers = search_all(corpus, math.inf)
    assert readers_used, "no rows were read side by side"
    assert no_readers == 0
    for alone, side_by_side, in_batches in zip(one, several, batched, strict=True):
        assert alone
        expected = [(hit.url, hit.rank) for hit in alone]
        assert [(hit.url, hit.rank) for hit in side_by_side] == expected
        assert [(hit.url, hit.rank) for hit in in_batches] == expected


def test_a_search_sees_the_sessions_own_uncommitted_articles(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Other connections cannot see what the session has not committed: its rows are read
    # on its own connection.
    monkeypatch.setattr(engine, "IDS_PER_READER", 1)
    monkeypatch.setattr(engine, "JOIN_LIMIT", 10**9)
    monkeypatch.setattr(engine, "NATIVE_RANK_LIMIT", -1)
    sessions = session_factory(prepare(database_url))
    with sessions() as session:
        add_numbered_in(session, ["hòa giải ở thôn"] * 12)
        for filters in (engine.Filters(), engine.Filters(sites=("danvan",))):
            hits = engine.search_hits(session, parse_query("hoa giai"), filters, limit=50)
            assert len(hits) == 12, filters
        session.rollback()


@pytest.mark.parametrize(
    ("walk_probe", "walk_row_cost", "analyzed"),
    [
        (engine.WALK_PROBE, engine.WALK_ROW_COST, False),
        (4, 1e9, False),
        (4, 0.0, False),
        (engine.WALK_PROBE, engine.WALK_ROW_COST, True),
        (4, 0.0, True),
    ],
    ids=[
        "as-set",
        "slices-after-a-short-walk",
        "walk-in-short-steps",
        "analyzed",
        "analyzed-walk-in-short-steps",
    ],
)
def test_the_window_holds_the_newest_matches_wherever_they_lie(
    database_url: str,
    walk_probe: int,
    walk_row_cost: float,
    analyzed: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Matches are sparse and uneven, so Postgres fills the window from several slices of ids
    # once its walk over the newest articles finds that walking on would cost more, or
    # straight away when ANALYZE's lexeme frequencies say the words are rare; a free walk
    # tests every article. The filter halves the matches again.
    monkeypatch.setattr(engine, "WALK_PROBE", walk_probe)
    monkeypatch.setattr(engine, "WALK_ROW_COST", walk_row_cost)
    sessions = session_factory(prepare(database_url))
    sites = ("binh-phuoc", "danvan")
    bodies = [
        "dân vận khéo ở cơ sở" if number % 11 == 0 or 200 < number < 204 else "cơ sở"
        for number in range(240)
    ]
    with sessions.begin() as session:
        add_numbered_in(session, bodies, sites)
    matching = [(number, sites[number % 2]) for number, body in enumerate(bodies) if "khéo" in body]
    if analyzed and database_url.startswith("postgres"):
        with sessions.begin() as session:
            session.execute(text("ANALYZE"))
            share = engine._postgres_share(session, parse_query("dan van kheo"))
        # ANALYZE counted the rarest word, "kheo", in every matching article
        assert share == pytest.approx(len(matching) / 240, abs=0.01)
    with Corpus(database_url) as corpus:
        for window, only in ((1, ()), (5, ()), (7, ("binh-phuoc",)), (40, ("danvan",))):
            expected = [f"n{n}" for n, site in reversed(matching) if not only or site in only]
            hits = corpus.search("dan van kheo", rank_window=window, limit=100, sites=only)
            assert {hit.url.rsplit("/", 1)[1] for hit in hits} == set(expected[:window])


def test_an_authors_newest_articles_are_read_off_the_authors_index(database_url: str) -> None:
    """Walking an author's articles newest first must not read the bylines' rows (scattered
    over the table) nor probe the articles: the index on (name, article) holds the ids."""
    newest = (
        engine.authors_articles("Lê Dũng Toàn")
        .where(AuthorRecord.article_id < 1000)
        .order_by(AuthorRecord.article_id.desc())
        .limit(50)
    )
    with session_factory(prepare(database_url))() as session:
        dialect = session.get_bind().dialect
        compiled = newest.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        if dialect.name == "postgresql":
            # Index-only scans are costed against the visibility map, which VACUUM fills.
            session.execute(text("SET LOCAL enable_bitmapscan = off"))
            session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " | ".join(str(row[0]) for row in session.execute(text(f"EXPLAIN {compiled}")))
            assert "Index Only Scan Backward using ix_authors_name_key_article_id" in plan, plan
        else:
            plan = " | ".join(
                str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            assert "COVERING INDEX ix_authors_name_key_article_id" in plan, plan
        assert "articles" not in plan.replace("ix_authors_name_key_article_id", ""), plan


@pytest.mark.parametrize("narrow", [1.0, 0.0], ids=["off-the-authors-index", "by-the-articles"])
def test_an_authors_matches_are_the_newest_wherever_they_lie(
    database_url: str, narrow: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One article in seven is signed by the author; the newest of them are in the window
    # whether Postgres walks them off the authors' index (a filter few articles pass) or
    # tests the author on the articles it walks.
    monkeypatch.setattr(engine, "NARROW_FILTER", narrow)
    sessions = session_factory(prepare(database_url))
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        repository.save_site(get_site("danvan"))
        for number in range(140):
            author = "Lê Dũng Toàn" if number % 7 == 3 else "Trần Khoa"
            repository.add_article(
                Article(
                    url=f"https://example.vn/n{number}",
                    site_key="danvan",
                    title=f"Bài số {number}",
                    body=["dân vận khéo" if number % 2 else "cơ sở"],
                    byline=Byline(raw=author, authors=(Author(author),)),
                    fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
                    family="test",
                    parser_revision="test@1",
                ),
                None,
            )
    signed = [f"n{n}" for n in reversed(range(140)) if n % 7 == 3 and n % 2]
    with Corpus(database_url) as corpus:
        for window in (1, 3, 100):
            hits = corpus.search("dan van", author="le dung toan", rank_window=window, limit=50)
            assert {hit.url.rsplit("/", 1)[1] for hit in hits} == set(signed[:window]), window
