"""The repository and schema on every engine: whole articles, known URLs, duplicates, runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError

from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.sites import get_site
from dvcrawl.storage.db import DatabaseError, get_engine, prepare, session_factory
from dvcrawl.storage.models import ArticleRecord, AuthorRecord, CaptionRecord
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.text import Author, Byline

VN = timezone(timedelta(hours=7))


def make_article(**changes: object) -> Article:
    article = Article(
        url="https://tinhuybinhphuoc.vn/news/dan-van/hoi-nghi-1049.html",
        canonical_url="https://tinhuybinhphuoc.vn/news/dan-van/hoi-nghi-1049.html",
        site_key="binh-phuoc",
        site_article_id="1049",
        title="Hội nghị công tác dân vận",
        lead="Sáng 19/5, Ban Dân vận Tỉnh ủy tổ chức hội nghị.",
        published_at=datetime(2024, 5, 19, 8, 53, tzinfo=VN),
        published_raw="19/05/2024 08:53",
        body=["Đoạn một.", "Đoạn hai."],
        captions=[Caption("Quang cảnh hội nghị", "https://tinhuybinhphuoc.vn/uploads/a.jpg")],
        byline=Byline(
            raw="ThS. Lê Dũng Toàn, Ban Dân vận Tỉnh ủy",
            authors=(Author("Lê Dũng Toàn", title="ThS."),),
            organisation="Ban Dân vận Tỉnh ủy",
        ),
        attachments=[Attachment("https://tinhuybinhphuoc.vn/uploads/kh.pdf", "Kế hoạch")],
        fetched_at=datetime(2026, 11, 20, 3, 0, tzinfo=UTC),
        family="nukeviet",
        parser_revision="nukeviet@1/binh-phuoc@1",
        content_hash="a" * 64,
    )
    return replace(article, **changes)  # type: ignore[arg-type]


@pytest.fixture
def sessions(database_url: str):  # type: ignore[no-untyped-def]
    engine = prepare(database_url)
    factory = session_factory(engine)
    with factory.begin() as session:
        ArchiveRepository(session).save_site(get_site("binh-phuoc"))
    return factory


def test_article_is_stored_whole_and_reads_back_aware(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        article_id = ArchiveRepository(session).add_article(make_article(), None)
    with sessions() as session:
        record = session.get_one(ArticleRecord, article_id)
        assert record.body == "Đoạn một.\n\nĐoạn hai."
        assert record.published_at == datetime(2024, 5, 19, 1, 53, tzinfo=UTC)
        assert record.published_at.utcoffset() == timedelta(0)
        assert [c.text for c in record.captions] == ["Quang cảnh hội nghị"]
        assert [(a.name, a.title) for a in record.authors] == [("Lê Dũng Toàn", "ThS.")]
        assert [a.title for a in record.attachments] == ["Kế hoạch"]
        assert record.organisation == "Ban Dân vận Tỉnh ủy"


def test_a_repeated_article_is_skipped_whole(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        ArchiveRepository(session).add_article(make_article(), None)
    clash = make_article(url="https://tinhuybinhphuoc.vn/news/khac/hoi-nghi-1049.html")
    with sessions.begin() as session:
        assert ArchiveRepository(session).add_article(clash, None) is None
    with sessions() as session:
        assert session.scalar(select(func.count(ArticleRecord.id))) == 1
        assert session.scalar(select(func.count(CaptionRecord.id))) == 1
        assert session.scalar(select(func.count(AuthorRecord.id))) == 1


def test_a_failed_write_leaves_no_part_of_the_article(sessions) -> None:  # type: ignore[no-untyped-def]
    broken = make_article(captions=[Caption("Quang cảnh", None), Caption(None, None)])  # type: ignore[arg-type]
    with pytest.raises(IntegrityError), sessions.begin() as session:
        ArchiveRepository(session).add_article(broken, None)
    with sessions() as session:
        assert session.scalar(select(func.count(ArticleRecord.id))) == 0
        assert session.scalar(select(func.count(CaptionRecord.id))) == 0
        assert session.scalar(select(func.count(AuthorRecord.id))) == 0


def test_batches_skip_repeats_the_same_way_on_every_engine(sessions) -> None:  # type: ignore[no-untyped-def]
    batch = [
        make_article(),
        make_article(url="https://x.vn/2", canonical_url="https://x.vn/2", site_article_id="2",
                     content_hash="b" * 64),
        make_article(url="https://x.vn/3", canonical_url="https://x.vn/3", site_article_id="3"),
        make_article(url="https://x.vn/2", canonical_url="https://x.vn/2", site_article_id="4",
                     content_hash="c" * 64),
    ]  # fmt: skip
    with sessions.begin() as session:
        ids = ArchiveRepository(session).add_articles(batch, None)
    assert [article_id is not None for article_id in ids] == [True, True, False, False]
    with sessions() as session:
        assert session.scalar(select(func.count(CaptionRecord.id))) == 2


def test_readers_are_not_blocked_by_a_crawl_writing(database_url: str) -> None:
    engine = prepare(database_url)
    factory = session_factory(engine)
    with factory.begin() as session:
        ArchiveRepository(session).save_site(get_site("binh-phuoc"))
    writer = factory()
    writer.begin()
    ArchiveRepository(writer).add_article(make_article(), None)  # not committed yet
    try:
        with factory() as reader:
            assert reader.scalar(select(func.count(ArticleRecord.id))) == 0
    finally:
        writer.commit()
        writer.close()
    with factory() as reader:
        assert reader.scalar(select(func.count(ArticleRecord.id))) == 1


def test_naive_datetimes_are_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    naive = make_article(published_at=datetime(2024, 5, 19, 8, 53))
    with pytest.raises(StatementError, match="naive datetime"), sessions.begin() as session:
        ArchiveRepository(session).add_article(naive, None)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({}, "url"),
        ({"url": "https://tinhuybinhphuoc.vn/news/khac/x-1049.html"}, "article_id"),
        (
            {"url": "https://tinhuybinhphuoc.vn/news/khac/x-2000.html", "site_article_id": "2000"},
            "content",
        ),
    ],
)
def test_duplicates_are_found_by_url_id_and_content(sessions, changes, reason) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        stored_id = ArchiveRepository(session).add_article(make_article(), None)
    with sessions() as session:
        if "url" in changes:
            changes = {**changes, "canonical_url": changes["url"]}
        found = ArchiveRepository(session).find_duplicate(make_article(**changes))
    assert found == (reason, stored_id)


def test_other_content_on_another_site_is_not_a_duplicate(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        ArchiveRepository(session).add_article(make_article(), None)
        ArchiveRepository(session).save_site(get_site("danvan"))
    wire_copy = make_article(
        site_key="danvan",
        url="http://danvan.vn/Home/x/1/y",
        canonical_url="http://danvan.vn/Home/x/1/y",
        site_article_id="1",
    )
    with sessions() as session:
        assert ArchiveRepository(session).find_duplicate(wire_copy) is None


def test_known_urls_cover_stored_articles_and_final_visits(sessions) -> None:  # type: ignore[no-untyped-def]
    article = make_article()
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        repository.add_article(article, None)
        repository.record_visit(
            site_key="binh-phuoc",
            url="https://tinhuybinhphuoc.vn/news/x/loi-77.html",
            site_article_id="77",
            outcome="dropped:MissingTitle",
        )
    with sessions() as session:
        repository = ArchiveRepository(session)
        known = repository.archive_index("binh-phuoc")
        assert known.is_known(article.url or "", None)
        assert known.is_known("https://other/path", "1049")
        assert known.is_known("https://tinhuybinhphuoc.vn/news/x/loi-77.html", "77")
        assert not known.is_known("https://tinhuybinhphuoc.vn/news/x/y-5.html", "5")
        assert not repository.archive_index("danvan").is_known(article.url or "", "1049")


def test_crawl_runs_are_recorded(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        run_id = ArchiveRepository(session).start_run("binh-phuoc", "incremental")
    with sessions.begin() as session:
        ArchiveRepository(session).finish_run(
            run_id, finish_reason="finished", stored=3, dropped={"MissingTitle": 1}
        )
    with sessions() as session:
        summary = ArchiveRepository(session).site_summaries()
        run = ArchiveRepository(session).get_run(run_id)
    assert run is not None
    assert run.stored == 3
    assert run.dropped == {"MissingTitle": 1}
    assert [(s.key, s.articles) for s in summary] == [("binh-phuoc", 0)]


def test_an_outdated_schema_is_not_touched_behind_the_archivist(database_url: str) -> None:
    engine = get_engine(database_url)
    from dvcrawl.storage.db import upgrade

    upgrade(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
    with pytest.raises(DatabaseError, match="dvcrawl db upgrade"):
        prepare(database_url)


def test_saving_a_site_twice_updates_it(sessions) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace as changed

    from dvcrawl.storage.models import SiteRecord

    profile = get_site("binh-phuoc")
    with sessions.begin() as session:
        ArchiveRepository(session).save_site(changed(profile, name="Tỉnh ủy Đồng Nai (cũ)"))
    with sessions() as session:
        record = session.get_one(SiteRecord, "binh-phuoc")
        assert record.name == "Tỉnh ủy Đồng Nai (cũ)"
        assert record.first_seen_at <= record.updated_at
        assert session.scalar(select(func.count()).select_from(SiteRecord)) == 1


MOVED = "https://tinhuybinhphuoc.vn/news/dan-van/hoi-nghi-1049.html"
FETCHED_ELSEWHERE = "https://tinhuybinhphuoc.vn/index.php?nv=news&id=1049"


def test_an_article_is_found_by_its_canonical_url_and_by_the_url_fetched(sessions) -> None:  # type: ignore[no-untyped-def]
    """One article fetched at a URL other than its canonical one (indexed by canonical URL),
    one canonical where it was fetched (found through the URL index alone)."""
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        moved = repository.add_article(make_article(url=FETCHED_ELSEWHERE), None)
        own = repository.add_article(
            make_article(
                url="https://x.vn/2",
                canonical_url="https://x.vn/2",
                site_article_id="2",
                content_hash="b" * 64,
            ),
            None,
        )
    with sessions() as session:
        repository = ArchiveRepository(session)
        for url, article_id in (
            (MOVED, moved),
            (FETCHED_ELSEWHERE, moved),
            ("https://x.vn/2", own),
        ):
            assert repository.archive_index("binh-phuoc").is_known(url, None)
            assert repository.archived_article_id("binh-phuoc", url) == article_id
            history = repository.history(url)
            assert history is not None
            assert history.article.id == article_id
        assert not repository.archive_index("binh-phuoc").is_known("https://x.vn/3", None)
        assert repository.archived_article_id("binh-phuoc", "https://x.vn/3") is None
        repeat = make_article(url="https://x.vn/9", site_article_id="9", content_hash="c" * 64)
        assert repository.find_duplicate(repeat) == ("url", moved)
        at_own = replace(repeat, canonical_url="https://x.vn/2")
        assert repository.find_duplicate(at_own) == ("url", own)
        nowhere = replace(repeat, canonical_url="https://x.vn/3")
        assert repository.find_duplicate(nowhere) is None
