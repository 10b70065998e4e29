"""History, never deletion: versions of edited articles, takedown events, ``dvcrawl history``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dvcrawl.corpus import Corpus
from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.sites import get_site
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.models import (
    ArticleEventRecord,
    ArticleRecord,
    ArticleVersionRecord,
    CaptionRecord,
)
from dvcrawl.storage.repository import ArchiveRepository, RevisionConflict
from dvcrawl.text import Author, Byline

VN = timezone(timedelta(hours=7))
URL = "https://tinhuybinhphuoc.vn/news/dan-van/hoi-nghi-1049.html"
FIRST_FETCH = datetime(2025, 11, 20, 3, 0, tzinfo=UTC)
SECOND_FETCH = datetime(2025, 11, 27, 3, 0, tzinfo=UTC)


def make_article(**changes: object) -> Article:
    article = Article(
        url=URL,
        canonical_url=URL,
        site_key="binh-phuoc",
        site_article_id="1049",
        title="Hội nghị công tác dân vận",
        lead="Sáng 19/5, Ban Dân vận Tỉnh ủy tổ chức hội nghị.",
        published_at=datetime(2024, 5, 19, 8, 53, tzinfo=VN),
        published_raw="19/05/2024 08:53",
        body=["Phong trào thi đua Dân vận khéo.", "Đoạn hai."],
        captions=[Caption("Quang cảnh hội nghị", "https://tinhuybinhphuoc.vn/uploads/a.jpg")],
        byline=Byline(raw="Lê Dũng Toàn", authors=(Author("Lê Dũng Toàn"),)),
        attachments=[Attachment("https://tinhuybinhphuoc.vn/uploads/kh.pdf", "Kế hoạch")],
        fetched_at=FIRST_FETCH,
        family="nukeviet",
        parser_revision="nukeviet@1/binh-phuoc@1",
        warc_file="binh-phuoc-20251120030000-00000.warc.gz",
        warc_offset=1234,
        warc_digest="sha1:AAAA",
        content_hash="a" * 64,
    )
    return replace(article, **changes)  # type: ignore[arg-type]


EDITED = {
    "title": "Hội nghị sơ kết công tác dân vận",
    "body": ["Mô hình xóa nhà tạm được nhân rộng.", "Đoạn hai."],
    "captions": [Caption("Đại biểu dự hội nghị", None)],
    "content_hash": "b" * 64,
    "fetched_at": SECOND_FETCH,
    "warc_file": "binh-phuoc-20251127030000-00000.warc.gz",
    "warc_offset": 99,
}


@pytest.fixture
def sessions(database_url: str) -> sessionmaker[Session]:
    factory = session_factory(prepare(database_url))
    with factory.begin() as session:
        ArchiveRepository(session).save_site(get_site("binh-phuoc"))
    return factory


def store(sessions: sessionmaker[Session], article: Article, run_id: int | None = None) -> int:
    with sessions.begin() as session:
        article_id = ArchiveRepository(session).add_article(article, run_id)
    assert article_id is not None
    return article_id


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_edit_keeps_the_earlier_state_as_a_version(sessions: sessionmaker[Session]) -> None:
    article_id = store(sessions, make_article())
    with sessions.begin() as session:
        changed = ArchiveRepository(session).revise_article(
            article_id, make_article(**EDITED), reason="edited"
        )
    assert changed == ["title", "body", "captions"]
    with sessions() as session:
        (version,) = session.scalars(select(ArticleVersionRecord)).all()
        assert (version.article_id, version.version, version.reason) == (article_id, 1, "edited")
        assert version.title == "Hội nghị công tác dân vận"
        assert version.body == "Phong trào thi đua Dân vận khéo.\n\nĐoạn hai."
        assert version.captions == [
            {"text": "Quang cảnh hội nghị", "image_url": "https://tinhuybinhphuoc.vn/uploads/a.jpg"}
        ]
        assert version.authors == [{"name": "Lê Dũng Toàn", "title": None, "anonymous": False}]
        assert version.attachments == [
            {"url": "https://tinhuybinhphuoc.vn/uploads/kh.pdf", "title": "Kế hoạch"}
        ]
        assert (version.fetched_at, version.seen_until) == (FIRST_FETCH, SECOND_FETCH)
        assert (version.warc_file, version.warc_offset, version.warc_digest) == (
            "binh-phuoc-20251120030000-00000.warc.gz",
            1234,
            "sha1:AAAA",
        )
        assert version.changed_fields == ["title", "body", "captions"]
        record = session.get_one(ArticleRecord, article_id)
        assert record.title == "Hội nghị sơ kết công tác dân vận"
        assert record.url == URL
        assert record.fetched_at == SECOND_FETCH
        assert (record.warc_file, record.warc_offset) == (EDITED["warc_file"], 99)
        assert [c.text for c in record.captions] == ["Đại biểu dự hội nghị"]
        assert [a.name for a in record.authors] == ["Lê Dũng Toàn"]
        (event,) = session.scalars(select(ArticleEventRecord)).all()
        assert (event.kind, event.detail, event.url) == ("edited", "title, body, captions", URL)
        assert event.observed_at == SECOND_FETCH
    assert count(sessions, CaptionRecord) == 1


def test_search_follows_a_revision(sessions: sessionmaker[Session], database_url: str) -> None:
    article_id = store(sessions, make_article())
    with sessions.begin() as session:
        ArchiveRepository(session).revise_article(
            article_id, make_article(**EDITED), reason="edited"
        )
    with Corpus(database_url) as corpus:
        assert [hit.title for hit in corpus.search("xoa nha tam")] == [EDITED["title"]]
        assert corpus.search("thi dua") == []


def test_nothing_is_written_when_only_the_fetch_differs(sessions: sessionmaker[Session]) -> None:
    article_id = store(sessions, make_article())
    again = make_article(
        fetched_at=SECOND_FETCH,
        warc_file="other.warc.gz",
        warc_offset=7,
        parser_revision="nukeviet@2/binh-phuoc@1",
    )
    with sessions.begin() as session:
        assert ArchiveRepository(session).revise_article(article_id, again, reason="edited") == []
    assert count(sessions, ArticleVersionRecord) == 0
    assert count(sessions, ArticleEventRecord) == 0
    with sessions() as session:
        assert session.get_one(ArticleRecord, article_id).fetched_at == FIRST_FETCH


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"published_at": datetime(2024, 5, 20, 8, 53, tzinfo=VN)}, ["published_at"]),
        ({"byline": Byline(raw="PV")}, ["byline_raw", "authors"]),
        ({"attachments": []}, ["attachments"]),
        ({"lead": None}, ["lead"]),
        ({"content_hash": "c" * 64}, ["content_hash"]),
    ],
    ids=["date", "byline", "attachments", "lead", "hash"],
)
def test_each_content_field_counts_as_a_change(
    sessions: sessionmaker[Session], changes: dict[str, object], fields: list[str]
) -> None:
    article_id = store(sessions, make_article())
    with sessions.begin() as session:
        changed = ArchiveRepository(session).revise_article(
            article_id, make_article(**changes), reason="edited"
        )
    assert changed == fields


def test_versions_number_up_and_history_reads_them_oldest_first(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        run_id = ArchiveRepository(session).start_run("binh-phuoc", "full")
    article_id = store(sessions, make_article(), run_id)
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        repository.revise_article(article_id, make_article(**EDITED), reason="edited")
        third = make_article(**{**EDITED, "lead": "Chiều 19/5."})
        assert repository.revise_article(article_id, third, reason="reextracted") == ["lead"]
    with sessions() as session:
        history = ArchiveRepository(session).history(URL)
        assert history is not None
        assert history.current_version == 3
        assert [(v.version, v.reason) for v in history.versions] == [
            (1, "edited"),
            (2, "reextracted"),
        ]
        assert [e.kind for e in history.events] == ["edited", "reextracted"]
        assert history.article.lead == "Chiều 19/5."
        assert history.versions[0].crawl_run_id == run_id
        # a re-extraction reads what the storing crawl fetched: the row keeps its crawl
        assert history.article.crawl_run_id == run_id
        assert ArchiveRepository(session).history("https://tinhuybinhphuoc.vn/other.html") is None


def test_history_accepts_the_canonical_url(sessions: sessionmaker[Session]) -> None:
    canonical = "https://tinhuybinhphuoc.vn/news/hoi-nghi-1049.html"
    store(sessions, make_article(canonical_url=canonical))
    with sessions() as session:
        history = ArchiveRepository(session).history(canonical)
        assert history is not None
        assert history.article.url == URL


def test_an_edit_into_another_articles_content_is_refused_whole(
    sessions: sessionmaker[Session],
) -> None:
    first = store(sessions, make_article())
    other_url = "https://tinhuybinhphuoc.vn/news/dan-van/khac-2000.html"
    store(
        sessions,
        make_article(
            url=other_url, canonical_url=other_url, site_article_id="2000", content_hash="b" * 64
        ),
    )
    with pytest.raises(RevisionConflict, match="content_hash"), sessions.begin() as session:
        ArchiveRepository(session).revise_article(first, make_article(**EDITED), reason="edited")
    assert count(sessions, ArticleVersionRecord) == 0
    assert count(sessions, ArticleEventRecord) == 0


def test_a_takedown_is_recorded_once_and_a_return_after_it(
    sessions: sessionmaker[Session],
) -> None:
    article_id = store(sessions, make_article())
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        assert repository.record_event(article_id, "restored") is None  # never gone
        assert repository.record_event(article_id, "taken_down", http_status=404) is not None
        assert repository.record_event(article_id, "taken_down", http_status=404) is None
        assert repository.record_event(article_id, "taken_down", http_status=410) is not None
        assert repository.record_event(article_id, "restored", http_status=200) is not None
        assert repository.record_event(article_id, "restored", http_status=200) is None
        assert (
            repository.record_event(
                article_id, "redirected_away", http_status=301, location="https://x.vn/"
            )
            is not None
        )
    with sessions() as session:
        history = ArchiveRepository(session).history(URL)
        assert history is not None
        assert [(e.kind, e.http_status) for e in history.events] == [
            ("taken_down", 404),
            ("taken_down", 410),
            ("restored", 200),
            ("redirected_away", 301),
        ]
        assert history.events[-1].location == "https://x.vn/"
        assert session.scalar(select(func.count()).select_from(ArticleRecord)) == 1


def test_unknown_kinds_are_refused(sessions: sessionmaker[Session]) -> None:
    article_id = store(sessions, make_article())
    with sessions.begin() as session:
        repository = ArchiveRepository(session)
        with pytest.raises(ValueError, match="unknown revision reason"):
            repository.revise_article(article_id, make_article(**EDITED), reason="deleted")
        with pytest.raises(ValueError, match="unknown event kind"):
            repository.record_event(article_id, "deleted")
