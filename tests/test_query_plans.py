"""Flat cost: every statement a crawl sends per link or per article finds its rows by index.

The store pipeline, the crawl's one writer, is opened on an archive and handed one item of
every kind a crawl yields: a new article, the same article fetched again (unchanged, then
edited), a duplicate by content, an article gone, the frontier moving on, a failed fetch.
Every statement it sends for those items is then explained by the engine's planner: none
may read a table from end to end, since such a read costs in proportion to the archive.
What the crawl reads once, when it opens (the archive's index of URLs, the frontier), is
not checked here: it is a scan of one site's rows by design.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from dvcrawl.crawling import CrawlOptions, crawl_settings
from dvcrawl.items import (
    Article,
    ArticleFailure,
    ArticleGone,
    Caption,
    FrontierUpdate,
    ListingProgress,
)
from dvcrawl.parsing.normalize import normalize_article
from dvcrawl.pipelines.dedupe import DuplicateContent
from dvcrawl.pipelines.store import StorePipeline
from dvcrawl.spiders.articles import ArticlesSpider
from dvcrawl.storage.db import get_engine, writer_engine
from dvcrawl.storage.repository import ArchiveRepository

SITE = "tuyengiaodanvan"
HOME = "https://tuyengiaodanvan.vn"


@dataclass
class Sent:
    statement: str
    parameters: Any


def article(number: int, **changes: Any) -> Article:
    fields: dict[str, Any] = {
        "url": f"{HOME}/tin-tuc/bai-{number}.html",
        "canonical_url": f"{HOME}/tin-tuc/bai-{number}.html",
        "site_key": SITE,
        "site_article_id": str(number),
        "title": f"Hội nghị dân vận khéo lần thứ {number}",
        "lead": "Sáng 5/12, Ban Dân vận tổ chức hội nghị.",
        "body": [f"Đoạn thứ nhất của bài {number}.", "Đoạn thứ hai."],
        "captions": [Caption("Quang cảnh hội nghị.", f"{HOME}/uploads/{number}.jpg")],
        "published_at": datetime(2025, 12, 5, 8, 30, tzinfo=UTC),
        "fetched_at": datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
        "family": "tuyengiaodanvan",
    }
    fields.update(changes)
    return normalize_article(Article(**fields))


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[Sent]]:
    sent: list[Sent] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append(Sent(statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def pipeline(database_url: str) -> StorePipeline:
    settings = crawl_settings(CrawlOptions(database_url=database_url, warc_dir=""))
    settings_dict = settings.copy_to_dict()
    settings_dict["TWISTED_REACTOR_ENABLED"] = False  # no crawl runs: the pipeline is called
    settings_dict["DVCRAWL_WORKERS"] = 0
    crawler = get_crawler(ArticlesSpider, settings_dict)
    crawler.spider = ArticlesSpider.from_crawler(crawler, site=SITE)
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    for number in range(1, 30):  # an archive to look things up in
        store.process_item(article(number))
    engine = get_engine(database_url)
    if engine.dialect.name == "postgresql":  # statistics, for the planner to choose by
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return store


def test_what_a_crawl_sends_per_article_is_answered_by_index(
    pipeline: StorePipeline, database_url: str
) -> None:
    engine = writer_engine(database_url, pipeline.sqlite_cache_mib)
    new = article(100)
    with statements_sent(engine) as sent:
        pipeline.process_item(
            FrontierUpdate(
                site_key=SITE,
                articles=[(str(n), f"{HOME}/tin-tuc/bai-{n}.html") for n in (100, 101, 102)],
                listings=[ListingProgress(key="tin-tuc", first_url=f"{HOME}/tin-tuc/")],
            )
        )
        pipeline.process_item(new)
        pipeline.process_item(replace(new, fetched_at=datetime(2026, 12, 8, tzinfo=UTC)))
        pipeline.process_item(article(100, body=["Đoạn thứ nhất, đã sửa.", "Đoạn thứ hai."]))
        copy = article(101, title=article(7).title, body=article(7).body)
        with pytest.raises(DuplicateContent):
            pipeline.process_item(copy)
        pipeline.item_dropped(copy, None, DuplicateContent("a copy"))
        pipeline.process_item(
            ArticleGone(site_key=SITE, url=article(5).url or "", kind="taken_down", http_status=404)
        )
        pipeline.process_item(
            ArticleFailure(
                site_key=SITE, key="102", url=f"{HOME}/tin-tuc/bai-102.html", error="HTTP 503"
            )
        )
    lookups = [s for s in sent if re.match(r"\s*(SELECT|UPDATE|DELETE)", s.statement, re.I)]
    assert len(lookups) >= 10, [s.statement for s in sent]  # the items were written
    scans = {s.statement: plan for s in lookups if (plan := full_scans(engine, s))}
    assert not scans, json.dumps(scans, indent=1, ensure_ascii=False)


def full_scans(engine: Engine, sent: Sent) -> list[str]:
    """The reads the planner would make for ``sent`` that grow with the archive: a table
    read from end to end, or an index read for a whole site (every article of a site
    shares its ``site_key``)."""
    parameters = sent.parameters
    if isinstance(parameters, list):  # an executemany: every row gets the same plan
        parameters = parameters[0]
    with engine.connect() as connection:
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            if engine.dialect.name == "sqlite":
                cursor.execute("EXPLAIN QUERY PLAN " + sent.statement, parameters)
                return [row[3] for row in cursor.fetchall() if _grows_sqlite(row[3])]
            # Sequential scans priced out: the planner still picks one where no index serves
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN (FORMAT JSON) " + sent.statement, parameters)
            (plan,) = cursor.fetchone()
            return [
                f"{node['Node Type']} on {node.get('Relation Name', '?')}: {condition}"
                for node in _nodes(plan[0]["Plan"])
                if _grows_postgres(node, condition := node.get("Index Cond", ""))
            ]
        finally:
            cursor.close()
            connection.rollback()


def _grows_sqlite(step: str) -> bool:
    # "SCAN articles" reads a table; "SCAN (subquery-1)" or "SCAN CONSTANT ROW" do not.
    if step.startswith("SCAN "):
        return re.match(r"SCAN \w+", step) is not None and "CONSTANT ROW" not in step
    # "SEARCH articles USING INDEX ix (site_key=?)": a lookup by the site alone
    searched = re.search(r"\(([^()]*)\)$", step)
    return step.startswith("SEARCH ") and searched is not None and _site_only(searched[1])


def _grows_postgres(node: dict[str, Any], condition: str) -> bool:
    if node["Node Type"] == "Seq Scan":
        return True
    return bool(condition) and _site_only(condition)


def _site_only(condition: str) -> bool:
    """Whether an index condition names no column but ``site_key``: SQLite's
    ``site_key=?``, Postgres's ``((site_key)::text = 'x'::text)``."""
    bare = re.sub(r"'(?:[^']|'')*'", "''", condition)  # literals, which may hold "="
    bare = re.sub(r"::[\w ]+", "", bare).replace("(", " ").replace(")", " ")
    columns = set(re.findall(r"(\w+)\s*(?:=|<|>)", bare))
    return bool(columns) and columns <= {"site_key"}


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _nodes(child)


@pytest.mark.parametrize(
    ("condition", "values"),
    [("title = {}", ("x",)), ("site_key = {} AND title = {}", (SITE, "x"))],
    ids=["no index", "the site's index"],
)
def test_a_read_that_grows_with_the_archive_is_caught(
    database_url: str, pipeline: StorePipeline, condition: str, values: tuple[str, ...]
) -> None:
    """The check above can fail: a lookup by an unindexed column is reported, whether the
    planner reads the table or the whole site's part of an index for it."""
    engine = get_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    placeholders = ["?" if sqlite else f"%(p{n})s" for n in range(len(values))]
    parameters: Any = values if sqlite else {f"p{n}": v for n, v in enumerate(values)}
    statement = f"SELECT id FROM articles WHERE {condition.format(*placeholders)}"
    assert full_scans(engine, Sent(statement, parameters))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 29


def test_lookups_of_an_address_are_answered_by_index(
    pipeline: StorePipeline, database_url: str
) -> None:
    """What a recheck and ``dvcrawl history`` ask of a URL: the article fetched there, or
    canonical there (for one site, or any)."""
    engine = writer_engine(database_url, pipeline.sqlite_cache_mib)
    url = article(3).url or ""
    with statements_sent(engine) as sent, Session(engine) as session:
        repository = ArchiveRepository(session)
        assert repository.archived_article_id(SITE, url) is not None
        assert repository.history(url) is not None
    lookups = [s for s in sent if s.statement.lstrip().upper().startswith("SELECT")]
    assert len(lookups) >= 2
    scans = {s.statement: plan for s in lookups if (plan := full_scans(engine, s))}
    assert not scans, json.dumps(scans, indent=1, ensure_ascii=False)
