"""Bylines on whole pages: each style an editor prints, through the real extraction chain,
kept apart from the CMS's author and source fields; and stored, searched, exported and
versioned with the CMS fields in their own columns."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from sqlalchemy import select

from dvcrawl.corpus import Corpus
from dvcrawl.export import export
from dvcrawl.items import Article
from dvcrawl.parsing.extracted import extract_article
from dvcrawl.parsing.page import Page
from dvcrawl.sites import adhoc_profile
from dvcrawl.storage.db import prepare, session_factory
from dvcrawl.storage.models import ArticleRecord, ArticleVersionRecord, AuthorRecord
from dvcrawl.storage.repository import REEXTRACTED, ArchiveRepository
from dvcrawl.text import Byline

PAGES = FIXTURES / "bylines"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (PAGES / "expected.json").read_text(encoding="utf-8")
)
SITE_URL = "http://dvcrawl.test/"
PROFILE = adhoc_profile("nukeviet", [SITE_URL])
FETCHED = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)


def extracted(name: str) -> Article:
    url = f"{SITE_URL}news/dan-van/{name}-{sorted(EXPECTED).index(name) + 1}.html"
    page = Page.from_bytes(
        url,
        (PAGES / f"{name}.html").read_bytes(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        status=200,
        fetched_at=FETCHED,
    )
    return extract_article(page, PROFILE)


def parts(byline: Byline | None) -> dict[str, Any] | None:
    if byline is None:
        return None
    return {
        "raw": byline.raw,
        "authors": [[author.name, author.title] for author in byline.authors],
        "organisation": byline.organisation,
        "source": byline.source,
        "role": byline.role,
    }


def test_every_page_has_its_expected_output() -> None:
    assert sorted(path.stem for path in PAGES.glob("*.html")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_body_byline_and_cms_fields(name: str) -> None:
    article = extracted(name)
    expected = EXPECTED[name]
    assert article.body == expected["body"]
    assert parts(article.byline) == expected["byline"]
    assert parts(article.cms_author) == expected["cms_author"]
    assert article.cms_source == expected["cms_source"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_byline_line_stays_in_the_body(name: str) -> None:
    article = extracted(name)
    lines = article.byline.raw.split("\n") if article.byline else []
    assert not set(lines) & set(article.body)


def stored_article(name: str, **changes: Any) -> Article:
    return replace(extracted(name), site_key=PROFILE.key, family="nukeviet", **changes)


@pytest.fixture
def sessions(database_url: str) -> Any:
    factory = session_factory(prepare(database_url))
    with factory.begin() as session:
        ArchiveRepository(session).save_site(PROFILE)
    return factory


def test_the_cms_fields_are_stored_in_their_own_columns(sessions: Any) -> None:
    with sessions.begin() as session:
        article_id = ArchiveRepository(session).add_article(
            stored_article("cms-organisation-only"), None
        )
    with sessions() as session:
        row = session.get(ArticleRecord, article_id)
        assert row is not None
        assert row.byline_raw == "Khánh Linh"
        assert row.organisation is None
        assert row.source is None
        assert row.cms_author == "Ban Tổ chức Hội thi"
        assert row.cms_organisation == "Ban Tổ chức Hội thi"
        assert row.cms_source == "Báo Lâm Giang"
        assert [(a.name, a.origin) for a in row.authors] == [("Khánh Linh", "byline")]


def test_authors_say_who_names_them_once_each(sessions: Any) -> None:
    with sessions.begin() as session:
        article_id = ArchiveRepository(session).add_article(
            stored_article("cms-author-and-byline"), None
        )
    with sessions() as session:
        authors = session.scalars(
            select(AuthorRecord)
            .where(AuthorRecord.article_id == article_id)
            .order_by(AuthorRecord.position)
        ).all()
        assert [(a.position, a.name, a.origin) for a in authors] == [
            (0, "Minh Tâm", "both"),
            (1, "Minh Khuê", "cms"),
        ]


def test_search_export_and_rows_read_the_cms_fields_back(
    sessions: Any, database_url: str, tmp_path: Path
) -> None:
    with sessions.begin() as session:
        ArchiveRepository(session).add_article(stored_article("cms-author-and-byline"), None)
    with Corpus(database_url) as corpus:
        # The CMS's internal author is named only by the CMS field, and is found all the same.
        (row,) = corpus.articles(author="Minh Khuê")
        assert row.byline == "Minh Tâm"
        assert row.cms_author == "Minh Khuê, Minh Tâm"
        assert row.authors == ("Minh Tâm", "Minh Khuê")
        assert [hit.url for hit in corpus.search("dan van kheo", author="minh khue")] == [row.url]
        written = export(corpus.articles(), tmp_path / "corpus.jsonl", "jsonl")
    assert written == 1
    (exported,) = map(json.loads, (tmp_path / "corpus.jsonl").read_text().splitlines())
    assert (exported["byline"], exported["cms_author"], exported["cms_source"]) == (
        "Minh Tâm",
        "Minh Khuê, Minh Tâm",
        None,
    )


def test_a_revision_keeps_the_earlier_cms_fields_in_its_version(sessions: Any) -> None:
    first = stored_article("cms-organisation-only")
    with sessions.begin() as session:
        article_id = ArchiveRepository(session).add_article(first, None)
    cms_author = Byline(raw="Khánh Linh", authors=first.byline.authors if first.byline else ())
    again = replace(first, cms_author=cms_author, cms_source=None)
    with sessions.begin() as session:
        changed = ArchiveRepository(session).revise_article(article_id, again, reason=REEXTRACTED)
    assert changed == ["cms_author", "cms_organisation", "cms_source", "authors"]
    with sessions() as session:
        (version,) = session.scalars(select(ArticleVersionRecord)).all()
        assert (version.cms_author, version.cms_organisation, version.cms_source) == (
            "Ban Tổ chức Hội thi",
            "Ban Tổ chức Hội thi",
            "Báo Lâm Giang",
        )
        assert version.authors == [
            {"name": "Khánh Linh", "title": None, "anonymous": False, "origin": "byline"}
        ]
        row = session.get(ArticleRecord, article_id)
        assert row is not None
        assert (row.cms_author, row.cms_organisation, row.cms_source) == ("Khánh Linh", None, None)
        assert [(a.name, a.origin) for a in row.authors] == [("Khánh Linh", "both")]
