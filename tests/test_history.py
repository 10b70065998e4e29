"""History, never deletion: versions of edited articles, takedown events, ``dvcrawl history``."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import SITE_FIXTURES, run_dvcrawl
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dvcrawl.corpus import Corpus
from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.sites import get_site
from dvcrawl.storage.db import get_engine, prepare, session_factory
from dvcrawl.storage.models import (
    ArticleEventRecord,
    ArticleRecord,
    ArticleVersionRecord,
    CaptionRecord,
    CrawlRunRecord,
)
from dvcrawl.storage.repository import ArchiveRepository, RevisionConflict
from dvcrawl.text import Author, Byline

pytestmark = pytest.mark.slow

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
        assert version.authors == [
            {"name": "Lê Dũng Toàn", "title": None, "anonymous": False, "origin": "byline"}
        ]
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


# --- revisits through the real spider: a site crawled, changed, and crawled again --------

DANVAN = SITE_FIXTURES / "danvan"
LOCAL = "http://www.danvan.vn/Home/Tin-hoat-dong/Dia-phuong-don-vi/"
EDITED_URL = LOCAL + "20001/Binh-Phuoc-Hoi-nghi-so-ket-cong-tac-dan-van"
NOT_FOUND_URL = LOCAL + "20002/Dong-Nai-Toa-dam-ve-dan-chu-o-co-so"
HOME_REDIRECT_URLS = (
    LOCAL + "20004/Ca-Mau-Giao-ban-cong-tac-dan-van-quy-II",
    LOCAL + "20008/Bac-Giang-Kiem-tra-thuc-hien-Quy-che-dan-chu",
)
OFFSITE_URL = LOCAL + "20005/Nghe-An-Doi-thoai-voi-Nhan-dan"
GONE_URL = LOCAL + "20006/Gia-Lai-Tap-huan-nghiep-vu-cong-tac-dan-van"
LATE_URL = LOCAL + "20007/Quang-Ninh-Gap-mat-gia-lang-nguoi-co-uy-tin"
HOME = "http://www.danvan.vn/"
OFFSITE_TARGET = "https://tuyengiaodanvan.vn/tin-tuc/nghe-an-doi-thoai"
QUIET = ("--delay", "0", "--progress", "0")


def site_state(folder: Path, answers: dict[str, dict[str, Any]], edit: bool) -> Path:
    """The danvan fixture site with some answers replaced, and the edited article's body
    changed when ``edit``."""
    shutil.copytree(DANVAN, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["responses"]:
        if entry["url"] in answers:
            entry.pop("file", None)
            entry.update(answers[entry["url"]])
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if edit:
        page = folder / "pages" / "article-20001.html"
        html = page.read_text(encoding="utf-8")
        assert "ở 12 xã, phường" in html
        page.write_text(html.replace("ở 12 xã, phường", "ở 15 xã, phường"), encoding="utf-8")
    return folder


@dataclass
class Revisits:
    database_url: str
    warc_dir: Path
    outputs: list[Any]
    runs: list[CrawlRunRecord]
    articles: dict[str, ArticleRecord]


def crawl(state: Path, database_url: str, warc_dir: Path, *flags: str) -> Any:
    result = run_dvcrawl(
        "crawl", "danvan", "--replay", str(state), "--db", database_url,
        "--warc-dir", str(warc_dir), *QUIET, *flags,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def revisits(tmp_path_factory: pytest.TempPathFactory) -> Revisits:
    """Four crawls: the site as first archived (one article not yet online), changed (one
    article edited, two answering 404/410, three redirecting away), changed again the same
    way, and back as it first was (with the late article still online)."""
    tmp = tmp_path_factory.mktemp("revisits")
    first = site_state(tmp / "first", {LATE_URL: {"status": 404}}, edit=False)
    moved = {url: {"status": 301, "headers": {"Location": HOME}} for url in HOME_REDIRECT_URLS}
    changed = site_state(
        tmp / "changed",
        {
            NOT_FOUND_URL: {"status": 404},
            GONE_URL: {"status": 410},
            OFFSITE_URL: {"status": 302, "headers": {"Location": OFFSITE_TARGET}},
            **moved,
        },
        edit=True,
    )
    database_url = f"sqlite:///{tmp / 'corpus.sqlite3'}"
    warc_dir = tmp / "warcs"
    outputs = [
        crawl(first, database_url, warc_dir),
        crawl(changed, database_url, warc_dir, "--full"),
        crawl(changed, database_url, warc_dir, "--full"),
        crawl(site_state(tmp / "back", {}, edit=False), database_url, warc_dir, "--full"),
    ]
    with session_factory(get_engine(database_url))() as session:
        repository = ArchiveRepository(session)
        articles = {article.url: article for article in repository.articles()}
        runs = sorted(repository.runs(limit=10), key=lambda run: run.id)
    return Revisits(database_url, warc_dir, outputs, runs, articles)


def history_of(revisits: Revisits, url: str) -> dict[str, Any]:
    result = run_dvcrawl("history", url, "--db", revisits.database_url, "--format", "json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_a_404_of_an_article_never_archived_is_an_error_and_no_event(revisits: Revisits) -> None:
    first = revisits.runs[0]
    assert first.error_kinds["http"] == 1
    assert "dvcrawl/revisit/taken_down" not in first.stats
    # online from the second crawl on: stored then, with no event since
    assert history_of(revisits, LATE_URL)["events"] == []


def test_an_edited_article_keeps_its_first_version(revisits: Revisits) -> None:
    history = history_of(revisits, EDITED_URL)
    versions = history["versions"]
    assert [(v["version"], v["reason"], v["changed_fields"]) for v in versions] == [
        (1, "edited", ["body"]),
        (2, "edited", ["body"]),
    ]
    assert history["article"]["version"] == 3
    assert [e["kind"] for e in history["events"]] == ["edited", "edited"]
    assert "ở 12 xã, phường" in revisits.articles[EDITED_URL].body  # back as first archived
    with session_factory(get_engine(revisits.database_url))() as session:
        (second,) = session.scalars(
            select(ArticleVersionRecord).where(ArticleVersionRecord.version == 2)
        ).all()
        assert "ở 15 xã, phường" in second.body
    assert versions[0]["seen_until"] == versions[1]["seen_from"]


def test_takedowns_are_recorded_once_and_restorations_after_them(revisits: Revisits) -> None:
    expected = {
        NOT_FOUND_URL: ("taken_down", 404, None),
        GONE_URL: ("taken_down", 410, None),
        OFFSITE_URL: ("redirected_away", 302, OFFSITE_TARGET),
        **dict.fromkeys(HOME_REDIRECT_URLS, ("redirected_away", 301, HOME)),
    }
    for url, (kind, status, location) in expected.items():
        events = history_of(revisits, url)["events"]
        assert [(e["kind"], e["http_status"], e["location"]) for e in events] == [
            (kind, status, location),
            ("restored", 200, None),
        ], url
        assert events[0]["crawl_run_id"] == revisits.runs[1].id


def test_nothing_is_deleted_and_each_crawl_counts_its_revisits(revisits: Revisits) -> None:
    first, changed, again, back = revisits.runs
    assert len(revisits.articles) == first.stored + 1  # the late article, stored second
    assert changed.stored == 1
    revisit = {run.id: _revisit_counts(run) for run in revisits.runs}
    assert revisit[changed.id] == {"edited": 1, "taken_down": 2, "redirected_away": 3}
    assert revisit[again.id] == {"still_gone": 5}
    assert revisit[back.id] == {"edited": 1, "restored": 5}
    unchanged = revisits.runs[1].stats["dvcrawl/revisit/unchanged"]
    assert unchanged == first.stored - 6
    assert "1 edited" in revisits.outputs[1].stdout


def test_rows_and_versions_point_at_their_warc_records(revisits: Revisits) -> None:
    from warcio.archiveiterator import ArchiveIterator

    article = revisits.articles[EDITED_URL]
    assert article.warc_file is not None
    assert article.warc_offset is not None
    assert article.warc_digest is not None
    assert article.warc_digest.startswith("sha1:")
    history = history_of(revisits, EDITED_URL)
    locations = [(v["warc_file"], v["warc_offset"]) for v in history["versions"]]
    locations.append((article.warc_file, article.warc_offset))
    # the page as first archived came back: its payload is the first crawl's record
    assert locations[0] == locations[2] != locations[1]
    for warc_file, offset in locations:
        with (revisits.warc_dir / warc_file).open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == EDITED_URL
            assert record.rec_type == "response"


def test_history_as_a_table_and_for_a_url_never_archived(revisits: Revisits) -> None:
    table = run_dvcrawl("history", NOT_FOUND_URL, "--db", revisits.database_url)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].endswith(NOT_FOUND_URL)
    assert any(line.split()[2:4] == ["taken_down", "404"] for line in lines)
    missing = run_dvcrawl("history", "http://www.danvan.vn/khong-co", "--db", revisits.database_url)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "dvcrawl: not archived: http://www.danvan.vn/khong-co"
    assert missing.stdout == ""


def _revisit_counts(run: CrawlRunRecord) -> dict[str, int]:
    prefix = "dvcrawl/revisit/"
    return {
        key.removeprefix(prefix): value
        for key, value in run.stats.items()
        if key.startswith(prefix) and key != prefix + "unchanged"
    }


def test_stats_shows_edits_and_takedowns_per_crawl(revisits: Revisits) -> None:
    result = run_dvcrawl("stats", "--db", revisits.database_url, "--runs", "10")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("RUN"))
    starts = {name: header.index(f"{name} ") for name in ("RUN", "EDITED", "GONE")}
    rows = {
        line.split()[0]: {
            name: line[start:].split()[0] for name, start in starts.items() if name != "RUN"
        }
        for line in lines[lines.index(header) + 1 :]
    }
    changed, again = (rows[str(run.id)] for run in revisits.runs[1:3])
    assert (changed["EDITED"], changed["GONE"]) == ("1", "5")
    assert (again["EDITED"], again["GONE"]) == ("0", "0")


def test_a_stored_url_is_a_revisit_and_another_url_of_its_id_a_duplicate(
    database_url: str,
) -> None:
    factory = session_factory(prepare(database_url))
    with factory.begin() as session:
        ArchiveRepository(session).save_site(get_site("binh-phuoc"))
    stored = store(factory, make_article())
    elsewhere = "https://tinhuybinhphuoc.vn/news/khac/hoi-nghi-1049.html"
    with factory.begin() as session:
        repository = ArchiveRepository(session)
        revisit = repository.store_article(make_article(**EDITED), None)
        duplicate = repository.store_article(
            make_article(url=elsewhere, canonical_url=elsewhere), None
        )
    assert (revisit.kind, revisit.article_id) == ("revisit", stored)
    assert (duplicate.kind, duplicate.reason, duplicate.article_id) == (
        "duplicate",
        "article_id",
        stored,
    )


@pytest.mark.parametrize(
    ("target", "away"),
    [
        (EDITED_URL.replace("http://", "https://"), False),
        (EDITED_URL.replace("Binh-Phuoc-Hoi-nghi", "Slug-moi"), False),
        ("http://danvan.vn/Home/Tin-hoat-dong/Dia-phuong-don-vi/20001/X", False),
        (HOME, True),
        ("http://www.danvan.vn/Home/Dan-van-kheo", True),
        (LOCAL + "20002/Dong-Nai-Toa-dam-ve-dan-chu-o-co-so", True),
        (OFFSITE_TARGET, True),
        ("http://danvan.vn.example.com/Home/Tin-hoat-dong/Dia-phuong-don-vi/20001/X", True),
    ],
    ids=["https", "new slug", "bare domain", "home", "listing", "other article", "offsite",
         "lookalike domain"],
)  # fmt: skip
def test_what_counts_as_redirected_away(target: str, away: bool) -> None:
    from dvcrawl.spiders.articles import ArticlesSpider

    spider = ArticlesSpider(site="danvan")
    assert spider._leads_away(EDITED_URL, target) is away
