"""Re-extraction: stored articles rebuilt from their WARC records by the current parsers."""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, run_dvcrawl
from sqlalchemy import select, update
from test_replay_warc import Recorded, WarcBuilder

from dvcrawl import reextract as reextract_module
from dvcrawl.cli import main
from dvcrawl.reextract import (
    CONFLICT,
    MISSING_WARC,
    PARSE_FAILURE,
    UNREADABLE,
    VALIDATION_FAILURE,
    Outcome,
    Summary,
    reextract,
    shorten_change,
)
from dvcrawl.replay import read_http_record
from dvcrawl.sites import SITES
from dvcrawl.storage.db import get_engine, session_factory
from dvcrawl.storage.models import ArticleEventRecord, ArticleRecord, ArticleVersionRecord

WARC_DIR = FIXTURES / "warc"
SITE = "binh-phuoc"
QUIET = ("--delay", "0", "--progress", "0")


def crawl_fixture_warcs(database_url: str) -> None:
    for warc in sorted(WARC_DIR.glob("*.warc.gz")):
        site = warc.name.removesuffix(".warc.gz")
        result = run_dvcrawl("crawl", site, "--replay", str(warc), "--db", database_url, *QUIET)
        assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus crawled from the fixture WARCs by replay, every row linked to its record."""
    path = tmp_path_factory.mktemp("corpus") / "corpus.sqlite3"
    crawl_fixture_warcs(f"sqlite:///{path}")
    return path


@pytest.fixture
def corpus(crawled: Path, tmp_path: Path) -> str:
    """A private copy of the crawled corpus, for a test that changes it."""
    copy = tmp_path / "corpus.sqlite3"
    shutil.copyfile(crawled, copy)
    return f"sqlite:///{copy}"


def rows(database_url: str, site: str | None = None) -> list[ArticleRecord]:
    with session_factory(get_engine(database_url))() as session:
        query = select(ArticleRecord).order_by(ArticleRecord.id)
        if site:
            query = query.where(ArticleRecord.site_key == site)
        return list(session.scalars(query))


def versions(database_url: str) -> list[ArticleVersionRecord]:
    with session_factory(get_engine(database_url))() as session:
        return list(session.scalars(select(ArticleVersionRecord).order_by(ArticleVersionRecord.id)))


def events(database_url: str) -> list[ArticleEventRecord]:
    with session_factory(get_engine(database_url))() as session:
        return list(session.scalars(select(ArticleEventRecord).order_by(ArticleEventRecord.id)))


def change_rows(database_url: str, *conditions: Any, **values: Any) -> None:
    with session_factory(get_engine(database_url)).begin() as session:
        session.execute(update(ArticleRecord).where(*conditions).values(**values))


def run(database_url: str, **options: Any) -> tuple[Summary, list[Outcome]]:
    reported: list[Outcome] = []
    options.setdefault("warc_dir", WARC_DIR)
    options.setdefault("jobs", 1)
    summary = reextract(database_url, report=reported.append, **options)
    return summary, reported


def change_rules(monkeypatch: pytest.MonkeyPatch, site: str, **rules: Any) -> str:
    """A deliberate parser change: the site's family rules edited, the family revision bumped.

    Returns the new parser revision."""
    profile = SITES[site]
    family = profile.family
    changed = replace(
        family, article=replace(family.article, **rules), revision=family.revision + 1
    )
    monkeypatch.setitem(SITES, site, replace(profile, family=changed))
    return SITES[site].parser_revision


def test_the_fixture_crawls_link_every_article_to_its_record(crawled: Path) -> None:
    stored = rows(f"sqlite:///{crawled}")
    assert {row.site_key for row in stored} == {"binh-phuoc", "danvan", "tuyengiaodanvan"}
    for row in stored:
        assert row.warc_file == f"{row.site_key}.warc.gz"
        assert row.warc_offset is not None
        record = read_http_record(WARC_DIR / row.warc_file, row.warc_offset)
        assert record.url == row.url
        assert record.digest == row.warc_digest


def test_unchanged_parsers_change_nothing(corpus: str) -> None:
    summary, reported = run(corpus)
    assert summary.read == len(rows(corpus)) > 30
    assert summary.unchanged == summary.read
    assert (summary.changed, sum(summary.failed.values()), summary.unlinked) == (0, 0, 0)
    assert reported == []
    assert versions(corpus) == []


def test_a_parser_change_reaches_every_article_and_keeps_the_old_version(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    crawl_fixture_warcs(database_url)
    before = {row.id: row for row in rows(database_url)}
    with_lead = {row.id for row in before.values() if row.site_key == SITE and row.lead}
    assert len(with_lead) >= 5
    revision = change_rules(monkeypatch, SITE, lead=())  # the lead selector is lost

    summary, reported = run(database_url)

    assert summary.changed == len(with_lead)
    assert summary.unchanged == summary.read - len(with_lead)
    assert {outcome.article_id for outcome in reported} == with_lead
    for outcome in reported:
        assert list(outcome.changes) == ["lead"]
        assert outcome.changes["lead"] == (before[outcome.article_id].lead, None)
    after = {row.id: row for row in rows(database_url)}
    kept = {version.article_id: version for version in versions(database_url)}
    assert set(kept) == with_lead
    for article_id in with_lead:
        assert after[article_id].lead is None
        assert after[article_id].parser_revision == revision
        assert after[article_id].body == before[article_id].body
        for identity in ("url", "fetched_at", "warc_file", "warc_offset", "warc_digest"):
            assert getattr(after[article_id], identity) == getattr(before[article_id], identity)
        version = kept[article_id]
        assert (version.version, version.reason) == (1, "reextracted")
        assert version.lead == before[article_id].lead
        assert version.parser_revision == before[article_id].parser_revision
    assert {(e.article_id, e.kind) for e in events(database_url)} == {
        (article_id, "reextracted") for article_id in with_lead
    }
    again, _ = run(database_url)
    assert (again.changed, again.unchanged) == (0, again.read)


def test_a_chrome_rule_that_drops_a_paragraph_changes_only_the_body(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = rows(corpus, SITE)[0]
    paragraph = target.body.split("\n\n")[-1]
    family = SITES[SITE].family
    change_rules(monkeypatch, SITE, chrome=(*family.article.chrome, paragraph))

    summary, reported = run(corpus, site=SITE)

    assert summary.changed == 1
    (outcome,) = reported
    assert outcome.article_id == target.id
    assert list(outcome.changes) == ["body"]
    old, new = outcome.changes["body"]
    assert old == target.body
    assert new == target.body.removesuffix("\n\n" + paragraph)
    (version,) = versions(corpus)
    assert version.body == target.body
    assert "content_hash" not in version.changed_fields  # the body explains it


def test_a_dry_run_reports_the_same_and_writes_nothing(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = rows(corpus)
    change_rules(monkeypatch, SITE, lead=())
    dry, dry_reported = run(corpus, dry_run=True)
    assert dry.dry_run
    assert dry.changed > 0
    assert [(r.url, r.changes) for r in dry_reported] == [
        (r.url, r.changes) for r in run(corpus, dry_run=True)[1]
    ]
    assert [(r.id, r.lead, r.body) for r in rows(corpus)] == [
        (r.id, r.lead, r.body) for r in before
    ]
    assert versions(corpus) == []
    assert events(corpus) == []
    real, real_reported = run(corpus)
    assert real.changed == dry.changed
    assert [r.changes for r in real_reported] == [r.changes for r in dry_reported]


def test_parsing_in_a_process_pool_gives_the_same_result(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    change_rules(monkeypatch, SITE, lead=())
    monkeypatch.setattr(reextract_module, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(reextract_module, "CHUNK_SIZE", 5)
    serial, serial_reported = run(corpus, dry_run=True)
    pooled, pooled_reported = run(corpus, dry_run=True, jobs=2)
    assert pooled == serial
    assert [r.to_dict() for r in pooled_reported] == [r.to_dict() for r in serial_reported]


def test_since_and_site_select_what_is_read(corpus: str) -> None:
    all_rows = rows(corpus)
    old = all_rows[:4]
    change_rows(
        corpus,
        ArticleRecord.id.in_([row.id for row in old]),
        fetched_at=datetime(2020, 1, 1, tzinfo=UTC),
    )
    recent, _ = run(corpus, since=date(2021, 1, 1))
    assert recent.read == len(all_rows) - len(old)
    one_site, _ = run(corpus, site="danvan")
    assert one_site.read == len([row for row in all_rows if row.site_key == "danvan"])


def test_articles_without_a_warc_link_are_counted_and_skipped(corpus: str) -> None:
    unlinked = rows(corpus)[:3]
    change_rows(corpus, ArticleRecord.id.in_([row.id for row in unlinked]), warc_file=None)
    summary, _ = run(corpus)
    assert summary.unlinked == 3
    assert summary.read == len(rows(corpus)) - 3


def test_each_failure_is_counted_by_reason_and_leaves_the_row_alone(
    corpus: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {row.id: row for row in rows(corpus)}
    danvan = [row for row in before.values() if row.site_key == "danvan"]
    change_rows(corpus, ArticleRecord.id == danvan[0].id, warc_offset=danvan[0].warc_offset + 7)
    change_rows(corpus, ArticleRecord.id == danvan[1].id, warc_digest="sha1:" + "A" * 32)
    change_rows(corpus, ArticleRecord.id == danvan[2].id, warc_offset=danvan[3].warc_offset)
    change_rows(corpus, ArticleRecord.site_key == "tuyengiaodanvan", warc_file="gone.warc.gz")
    change_rules(monkeypatch, SITE, title=("h1.no-such-title",))

    summary, reported = run(corpus)

    by_reason: dict[str, set[int]] = {}
    for outcome in reported:
        assert outcome.failure is not None
        by_reason.setdefault(outcome.failure, set()).add(outcome.article_id)
    assert by_reason[UNREADABLE] == {danvan[0].id, danvan[1].id, danvan[2].id}
    assert by_reason[MISSING_WARC] == {
        row.id for row in before.values() if row.site_key == "tuyengiaodanvan"
    }
    assert by_reason[VALIDATION_FAILURE] == {
        row.id for row in before.values() if row.site_key == SITE
    }
    assert summary.failed == {reason: len(ids) for reason, ids in by_reason.items()}
    assert summary.changed == 0
    after = {row.id: row for row in rows(corpus)}
    for article_id, row in before.items():
        assert (after[article_id].title, after[article_id].body) == (row.title, row.body)
    assert versions(corpus) == []


def test_a_parser_error_is_a_counted_failure(corpus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("selector exploded")

    change_rules(monkeypatch, SITE, extract=broken)
    summary, reported = run(corpus, site=SITE)
    assert summary.failed == {PARSE_FAILURE: summary.read}
    assert all("RuntimeError: selector exploded" in (r.detail or "") for r in reported)


def test_a_new_state_repeating_another_article_is_refused(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = rows(corpus, SITE)[:2]
    # Both articles now read the first one's record: the second would repeat the first.
    change_rows(
        corpus,
        ArticleRecord.id == second.id,
        url=first.url + "?copy",
        warc_offset=first.warc_offset,
        warc_digest=first.warc_digest,
    )
    monkeypatch.setattr(reextract_module, "_url_key", lambda url: url.removesuffix("?copy"))
    summary, reported = run(corpus, site=SITE)
    assert summary.failed == {CONFLICT: 1}
    (outcome,) = reported
    assert outcome.article_id == second.id
    assert rows(corpus, SITE)[1].title == second.title


def test_encoded_bodies_and_revisit_records_are_read_as_the_crawl_read_them(
    corpus: str, tmp_path: Path
) -> None:
    """A gzip-encoded body is decoded; a row citing a revisit gets its original's body."""
    folder = tmp_path / "warcs"
    folder.mkdir()
    first, second = rows(corpus, SITE)[:2]
    with WarcBuilder(folder / "moved.warc.gz") as warc:
        encoded = read_http_record(WARC_DIR / first.warc_file, first.warc_offset)
        headers = [*encoded.text_headers().items(), ("Content-Encoding", "gzip")]
        gzipped = warc.response(Recorded(first.url, gzip.compress(encoded.body), headers=headers))
        plain = read_http_record(WARC_DIR / second.warc_file, second.warc_offset)
        plain_headers = list(plain.text_headers().items())
        original = warc.response(Recorded(second.url, plain.body, headers=plain_headers))
        revisit = warc.revisit(second.url, original)
    for row, written in ((first, gzipped), (second, revisit)):
        change_rows(
            corpus,
            ArticleRecord.id == row.id,
            warc_file="moved.warc.gz",
            warc_offset=written.offset,
            warc_digest=written.digest,
        )
    summary, reported = run(corpus, site=SITE, warc_dir=folder)
    # The site's other rows cite the fixture WARC, which is not in this folder.
    assert {r.failure for r in reported} == {MISSING_WARC}
    assert {first.id, second.id}.isdisjoint(r.article_id for r in reported)
    assert summary.unchanged == 2
    assert summary.failed == {MISSING_WARC: summary.read - 2}


def test_the_command_prints_each_change_and_a_summary(
    corpus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    change_rules(monkeypatch, SITE, lead=())
    args = ["reextract", "--db", corpus, "--warc-dir", str(WARC_DIR), "--jobs", "1"]
    table = CliRunner().invoke(main, [*args, "--site", SITE, "--dry-run"])
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0].startswith("changed  https://tinhuybinhphuoc.vn/")
    assert lines[1].startswith("    lead: ")
    assert lines[2].endswith("-> null")
    assert lines[-1].startswith("reextract: 10 articles read: ")
    assert lines[-1].endswith("dry run, nothing written")
    as_json = CliRunner().invoke(main, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    objects = [json.loads(line) for line in as_json.output.splitlines()]
    summary = objects[-1]["summary"]
    assert summary["changed"] == len(objects) - 1 > 0
    assert summary["read"] == summary["changed"] + summary["unchanged"]
    for change in objects[:-1]:
        assert set(change["changed"]) == {"lead"}
        assert change["changed"]["lead"]["new"] is None
        assert len(change["changed"]["lead"]["old"]) > 20  # whole, not shortened


def test_the_command_refuses_a_missing_warc_folder(corpus: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["reextract", "--db", corpus, "--warc-dir", str(tmp_path / "nowhere")]
    )
    assert result.exit_code == 2
    assert "no WARC folder at" in result.output


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, "Một", ("null", '"Một"')),
        ("a" * 100 + "X" + "b" * 10, "a" * 100 + "Y", ("…" + "a" * 23 + 'Xbbbbbbbbbb"', None)),
    ],
)
def test_shortened_values_show_where_they_differ(
    old: str | None, new: str, expected: tuple[str, str | None]
) -> None:
    old_text, new_text = shorten_change(old, new)
    assert old_text == expected[0]
    if expected[1] is not None:
        assert new_text == expected[1]
    assert len(old_text) <= 72
