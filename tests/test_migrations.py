"""The schema comes from migrations only: models and migrations agree, and old corpora upgrade."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text

from dvcrawl.corpus import Corpus
from dvcrawl.storage.db import (
    alembic_config,
    get_engine,
    head_revision,
    session_factory,
    upgrade,
)
from dvcrawl.storage.models import Base
from dvcrawl.storage.repository import ArchiveRepository
from dvcrawl.storage.search_ddl import (
    FTS_TABLE,
    PG_FOLDED_COLUMN,
    PG_STATISTICS_TARGET,
    SQLITE_FTS_AUTOMERGE,
    SQLITE_FTS_DEFAULT_AUTOMERGE,
    SQLITE_ROW_FILTERS_INDEX,
    facet_tokens,
    filter_key,
    folded_document,
    is_model_object,
)


def test_models_and_migrations_agree(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "include_name": is_model_object},
        )
        assert compare_metadata(context, Base.metadata) == []


def test_alembic_check_finds_nothing_to_generate(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    command.check(alembic_config(engine))  # raises when autogenerate would write a migration


def test_a_corpus_written_before_search_upgrades_without_loss(database_url: str) -> None:
    """A database at revision 0001 (no search) with an article opens searchable after upgrade."""
    engine = get_engine(database_url)
    upgrade(engine, "0001")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "binh-phuoc", now)
        connection.execute(
            text(
                "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, "
                "image_urls, family, parser_revision, fetched_at, stored_at, category, "
                "published_at) VALUES "
                "('binh-phuoc', 'https://x.vn/1', 'https://x.vn/1', 'Đảng bộ học tập nghị quyết', "
                "'Phong trào Dân vận khéo.', '[]', '[]', 'nukeviet', 'nukeviet@1', :now, :now, "
                "'Xây dựng Đảng', :published)"
            ),
            # 18:00 UTC on 18 May: the 19th in Vietnam
            {"now": now, "published": datetime(2024, 5, 18, 18, tzinfo=UTC)},
        )
        article_id = connection.execute(text("SELECT id FROM articles")).scalar_one()
        connection.execute(
            text(
                "INSERT INTO authors (article_id, position, name, anonymous) "
                "VALUES (:id, 0, 'Lê Dũng Toàn', false)"
            ),
            {"id": article_id},
        )
    upgrade(engine)
    with engine.connect() as connection:
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert version == head_revision(engine)
    with Corpus(database_url) as corpus:
        (hit,) = corpus.search("dan van kheo")
        assert hit.title == "Đảng bộ học tập nghị quyết"
        assert [row.id for row in corpus.articles(author="le dung toan")] == [article_id]
        assert [row.id for row in corpus.articles(category="xay dung dang")] == [article_id]
        # Every filter of a search, answered by what the upgrade derived (on SQLite, the
        # facet tokens written for the stored row).
        filtered = corpus.search(
            "dan van kheo",
            sites=["binh-phuoc"],
            provinces=["Bình Phước"],
            since=date(2024, 5, 19),
            until=date(2024, 5, 19),
            author="le dung toan",
            category="xay dung dang",
        )
        assert [hit.id for hit in filtered] == [article_id]
        assert corpus.search("dan van kheo", until=date(2024, 5, 18)) == []
        assert corpus.search("dan van kheo", author="tran minh khoa") == []


def test_downgrade_to_the_first_revision_and_back(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "0001")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM articles")).scalar() == 0


def test_a_corpus_written_before_history_upgrades_without_loss(database_url: str) -> None:
    """A 0002 corpus gains WARC columns (null), empty history tables, and stays searchable."""
    engine = get_engine(database_url)
    upgrade(engine, "0002")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "binh-phuoc", now)
        connection.execute(
            text(
                "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, "
                "image_urls, family, parser_revision, fetched_at, stored_at, search_folded) "
                "VALUES ('binh-phuoc', 'https://x.vn/1', 'https://x.vn/1', 'Dân vận khéo', "
                "'Phong trào thi đua.', '[]', '[]', 'nukeviet', 'nukeviet@1/binh-phuoc@1', "
                ":now, :now, 'dan van kheo\nphong trao thi dua.')"
            ),
            {"now": now},
        )
        article_id = connection.execute(text("SELECT id FROM articles")).scalar_one()
        connection.execute(
            text("INSERT INTO captions (article_id, position, text) VALUES (:id, 0, 'Ảnh')"),
            {"id": article_id},
        )
    upgrade(engine, "0003")
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT title, parser_revision, warc_file, warc_offset, warc_digest FROM articles")
        ).one()
        assert tuple(row) == ("Dân vận khéo", "nukeviet@1/binh-phuoc@1", None, None, None)
        assert connection.execute(text("SELECT count(*) FROM captions")).scalar() == 1
        assert connection.execute(text("SELECT count(*) FROM article_versions")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM article_events")).scalar() == 0
    upgrade(engine)
    with Corpus(database_url) as corpus:
        (hit,) = corpus.search("thi dua")
        assert hit.title == "Dân vận khéo"


def test_downgrading_history_keeps_articles_and_search(database_url: str) -> None:
    engine = get_engine(database_url)
    upgrade(engine, "0003")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        connection.execute(
            text(
                "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, "
                "image_urls, family, parser_revision, fetched_at, stored_at, search_folded, "
                "warc_file, warc_offset) VALUES ('danvan', 'https://x.vn/2', 'https://x.vn/2', "
                "'Hội nghị', 'Đối thoại với Nhân dân.', '[]', '[]', 'danvan', 'danvan@1', "
                ":now, :now, 'hoi nghi\ndoi thoai voi nhan dan.', 'a.warc.gz', 120)"
            ),
            {"now": now},
        )
    command.downgrade(alembic_config(engine), "0002")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT title FROM articles")).scalar() == "Hội nghị"
    upgrade(engine)
    with Corpus(database_url) as corpus:
        (hit,) = corpus.search("doi thoai")
        assert hit.title == "Hội nghị"


def test_postgres_search_vectors_move_into_their_rows(postgres_url: str) -> None:
    """Revision 0006 rewrites articles stored before it: their search vector leaves the TOAST
    table (body and folded text stay there) and every search still finds them."""
    engine = get_engine(postgres_url)
    upgrade(engine, "0005")
    # Words drawn at random compress too little to stay in the row: the body, its folded
    # copy and the vector (a few kilobytes, under the ~8 kB a row holds) go out of line.
    rng = random.Random(6)
    syllables = [a + b for a in ("b", "d", "h", "kh", "l", "ng", "th", "tr") for b in VOWELS]
    body = "Dân vận khéo " + " ".join(rng.choice(syllables) for _ in range(1500))
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        connection.execute(
            text(
                "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, "
                "image_urls, family, parser_revision, fetched_at, stored_at, "
                "search_folded) VALUES ('danvan', 'https://x.vn/3', 'https://x.vn/3', "
                "'Hội nghị', :body, '[]', '[]', 'danvan', 'danvan@1', :now, :now, :folded)"
            ),
            {"now": now, "body": body, "folded": folded_document("Hội nghị", None, body)},
        )
    assert _out_of_line_values(engine) == 3
    upgrade(engine)
    assert _out_of_line_values(engine) == 2
    assert _vector_storage(engine) == "m"
    assert _vector_statistics(engine) == PG_STATISTICS_TARGET
    assert _has_index(engine, "ix_articles_id_range")
    with Corpus(postgres_url) as corpus:
        (hit,) = corpus.search('"dan van kheo"')
        assert hit.title == "Hội nghị"
        assert hit.snippet.startswith("[Dân vận khéo] ")
    command.downgrade(alembic_config(engine), "0005")
    assert _vector_storage(engine) == "x"
    assert _vector_statistics(engine) == -1
    assert not _has_index(engine, "ix_articles_id_range")


def test_sqlite_full_text_index_merges_sixteen_segments_at_a_time(tmp_path: Path) -> None:
    """Revision 0007 sets the FTS5 index's automerge; a downgrade restores FTS5's default,
    and the articles stored under either setting are found."""
    url = f"sqlite:///{tmp_path / 'corpus.sqlite3'}"
    engine = get_engine(url)
    upgrade(engine, "0006")
    assert _fts_automerge(engine) is None  # FTS5's built-in default
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        _insert_article(connection, 1, now)
    upgrade(engine)
    with engine.begin() as connection:
        _insert_article(connection, 2, now)
    assert _fts_automerge(engine) == SQLITE_FTS_AUTOMERGE
    with Corpus(url) as corpus:
        assert len(corpus.search("dan van kheo")) == 2
    command.downgrade(alembic_config(engine), "0006")
    assert _fts_automerge(engine) == SQLITE_FTS_DEFAULT_AUTOMERGE
    with engine.connect() as connection:
        found = connection.execute(
            text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH '\"dan van kheo\"'")
        ).scalar()
    assert found == 2


def test_canonical_urls_are_indexed_only_where_they_differ(database_url: str) -> None:
    """Revision 0008 replaces the full index on canonical URLs by a partial one; articles
    stored before it are found by either URL after the upgrade, and after a downgrade."""
    engine = get_engine(database_url)
    upgrade(engine, "0007")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        for number in (1, 2):
            _insert_article(connection, number, now)
        connection.execute(
            text("UPDATE articles SET canonical_url = :canonical WHERE url = :url"),
            {"canonical": "https://x.vn/bai-2.html", "url": "https://x.vn/2"},
        )

    def found(url: str) -> list[int]:
        with session_factory(engine)() as session:
            repository = ArchiveRepository(session)
            return [
                article_id
                for article_id in [repository.archived_article_id("danvan", url)]
                if article_id is not None and repository.archive_index("danvan").is_known(url, None)
            ]

    assert _article_indexes(engine) >= {"ix_articles_canonical_url"}
    upgrade(engine)
    indexes = _article_indexes(engine)
    assert "ix_articles_canonical_url" not in indexes
    assert "ix_articles_canonical_url_elsewhere" in indexes
    assert found("https://x.vn/1") == [1]
    assert found("https://x.vn/2") == found("https://x.vn/bai-2.html") == [2]
    assert found("https://x.vn/3") == []
    command.downgrade(alembic_config(engine), "0007")
    indexes = _article_indexes(engine)
    assert "ix_articles_canonical_url" in indexes
    assert "ix_articles_canonical_url_elsewhere" not in indexes
    assert found("https://x.vn/bai-2.html") == [2]


def test_sqlite_indexes_the_filter_columns_by_id(database_url: str) -> None:
    """Revision 0010 adds, on SQLite only, an index of the filter columns keyed by id: a
    date filter is checked on it for articles stored before it, and a downgrade drops it
    and leaves the articles and the full-text index as they were."""
    engine = get_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    upgrade(engine, "0009")
    with engine.begin() as connection:
        _insert_site(connection, "danvan", datetime(2024, 5, 19, tzinfo=UTC))
        for number, year in ((1, 2014), (2, 2016)):
            published = datetime(year, 5, 19, 3, tzinfo=UTC)
            _insert_article(connection, number, published)
            connection.execute(
                text("UPDATE articles SET published_at = :at WHERE id = :id"),
                {"at": published, "id": number},
            )

    def since_2015() -> set[str]:
        with Corpus(database_url) as corpus:
            return {hit.url for hit in corpus.search("dan van kheo", since=date(2015, 1, 1))}

    assert SQLITE_ROW_FILTERS_INDEX not in _article_indexes(engine)
    upgrade(engine)
    assert (SQLITE_ROW_FILTERS_INDEX in _article_indexes(engine)) is sqlite
    assert since_2015() == {"https://x.vn/2"}
    command.downgrade(alembic_config(engine), "0009")
    assert SQLITE_ROW_FILTERS_INDEX not in _article_indexes(engine)
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT url FROM articles WHERE published_at >= :start"),
            {"start": datetime(2015, 1, 1, tzinfo=UTC)},
        ).scalars()
        assert list(kept) == ["https://x.vn/2"]
        if sqlite:
            found = connection.execute(
                text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'kheo'")
            ).scalar()
            assert found == 2


def _article_indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("articles")}


def _insert_article(
    connection: Connection, number: int, now: datetime, author: str | None = None
) -> None:
    body = "Dân vận khéo ở cơ sở"
    connection.execute(
        text(
            "INSERT INTO articles (site_key, url, canonical_url, title, body, tags, image_urls, "
            "family, parser_revision, fetched_at, stored_at, search_folded, search_facets) "
            "VALUES ('danvan', :url, :url, 'Hội nghị', :body, '[]', '[]', 'danvan', 'danvan@1', "
            ":now, :now, :folded, :facets)"
        ),
        {
            "url": f"https://x.vn/{number}",
            "now": now,
            "body": body,
            "folded": folded_document("Hội nghị", None, body),
            "facets": facet_tokens("danvan", None, None, [filter_key(author)]),
        },
    )
    if author:
        connection.execute(
            text(
                "INSERT INTO authors (article_id, position, name, name_key, anonymous) "
                "SELECT id, 0, :name, :key, false FROM articles WHERE url = :url"
            ),
            {"name": author, "key": filter_key(author), "url": f"https://x.vn/{number}"},
        )


def _fts_automerge(engine: Engine) -> int | None:
    with engine.connect() as connection:
        value = connection.execute(
            text(f"SELECT v FROM {FTS_TABLE}_config WHERE k = 'automerge'")
        ).scalar()
        return None if value is None else int(value)


# The sites the corpora below belong to, as every revision stores them.
SITES = {
    "binh-phuoc": ("Tỉnh ủy Bình Phước", "Bình Phước", "nukeviet"),
    "danvan": ("Ban Dân vận", None, "danvan"),
}


def _insert_site(connection: Connection, key: str, now: datetime) -> None:
    name, province, family = SITES[key]
    connection.execute(
        text(
            "INSERT INTO sites (key, name, province, family, domains, former_domains, adhoc, "
            "first_seen_at, updated_at) VALUES (:key, :name, :province, :family, '[]', '[]', "
            "false, :now, :now)"
        ),
        {"key": key, "name": name, "province": province, "family": family, "now": now},
    )


VOWELS = ("a", "à", "á", "ạ", "ả", "ã", "ê", "ế", "ô", "ơ", "ư", "ương", "iêu", "oai")


def _out_of_line_values(engine: Engine) -> int:
    with engine.connect() as connection:
        toast = connection.execute(
            text("SELECT reltoastrelid::regclass::text FROM pg_class WHERE relname = 'articles'")
        ).scalar_one()
        return int(
            connection.execute(text(f"SELECT count(DISTINCT chunk_id) FROM {toast}")).scalar_one()
        )


def _vector_storage(engine: Engine) -> str:
    return str(_vector_attribute(engine, "attstorage"))


def _vector_statistics(engine: Engine) -> int:
    return int(_vector_attribute(engine, "attstattarget"))


def _vector_attribute(engine: Engine, name: str) -> object:
    with engine.connect() as connection:
        return connection.execute(
            text(
                f"SELECT {name} FROM pg_attribute "
                "WHERE attrelid = 'articles'::regclass AND attname = :column"
            ),
            {"column": PG_FOLDED_COLUMN},
        ).scalar_one()


def _has_index(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        return bool(
            connection.execute(
                text("SELECT count(*) FROM pg_indexes WHERE indexname = :name"), {"name": name}
            ).scalar_one()
        )


def test_an_authors_articles_are_indexed_by_name_and_article(database_url: str) -> None:
    """Revision 0009 replaces the index on bylines' names by one on (name, article); an
    author stored before it is found by the author filter after the upgrade, and the
    bylines stay after a downgrade."""
    engine = get_engine(database_url)
    upgrade(engine, "0008")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        for number, author in ((1, "Lê Dũng Toàn"), (2, "Trần Khoa"), (3, "Lê Dũng Toàn")):
            _insert_article(connection, number, now, author)

    def by_author(name: str) -> set[str]:
        with Corpus(database_url) as corpus:
            return {hit.url for hit in corpus.search("dan van", author=name)}

    assert "ix_authors_name_key" in _author_indexes(engine)
    upgrade(engine)
    indexes = _author_indexes(engine)
    assert "ix_authors_name_key_article_id" in indexes
    assert "ix_authors_name_key" not in indexes
    assert by_author("le dung toan") == {"https://x.vn/1", "https://x.vn/3"}
    assert by_author("Trần Khoa") == {"https://x.vn/2"}
    command.downgrade(alembic_config(engine), "0008")
    indexes = _author_indexes(engine)
    assert "ix_authors_name_key" in indexes
    assert "ix_authors_name_key_article_id" not in indexes
    with engine.connect() as connection:
        kept = connection.execute(
            text("SELECT count(*) FROM authors WHERE name_key = :key"),
            {"key": filter_key("LÊ DŨNG TOÀN")},
        ).scalar()
    assert kept == 2


def _author_indexes(engine: Engine) -> set[str]:
    return {str(index["name"]) for index in inspect(engine).get_indexes("authors")}


# Bylines as the extraction before revision 0012 merged them: the CMS's field first, then the
# body's byline (a "Tác giả:" label was removed, a "Tác giả bài viết:" one kept), with the
# CMS's source in ``source``.
MERGED_BYLINES = {
    "https://x.vn/1": ("Tác giả bài viết: Hồng Thắm\nBài, ảnh: Hồng Thắm", None),
    "https://x.vn/2": ("danvan.vn\nTheo danvan.vn", "danvan.vn"),
    "https://x.vn/3": ("Sở Nội vụ tỉnh Lâm Giang", "Sở Nội vụ tỉnh Lâm Giang"),
    "https://x.vn/4": ("Minh Khuê\nTin, ảnh: Giàng Seo Páo", None),
    "https://x.vn/5": ("Lê Dũng Toàn, Ban Dân vận Tỉnh ủy", None),
}


def test_merged_bylines_move_the_cms_fields_to_their_own_columns(database_url: str) -> None:
    """Revision 0012 splits what tells its parts apart for certain: the labelled CMS author
    line and the line that is the CMS's source; an unlabelled CMS line stays (re-extraction
    reads it again). Versions are split the same way; authors and versions' authors say
    ``byline``. A downgrade merges the CMS fields back into ``byline_raw``."""
    engine = get_engine(database_url)
    upgrade(engine, "0011")
    now = datetime(2024, 5, 19, tzinfo=UTC)
    with engine.begin() as connection:
        _insert_site(connection, "danvan", now)
        for number, (url, (byline_raw, source)) in enumerate(MERGED_BYLINES.items(), 1):
            _insert_article(connection, number, now, "Hồng Thắm" if number == 1 else None)
            connection.execute(
                text("UPDATE articles SET byline_raw = :raw, source = :source WHERE url = :url"),
                {"raw": byline_raw, "source": source, "url": url},
            )
        connection.execute(
            text(
                "INSERT INTO article_versions (article_id, version, reason, changed_fields, "
                "canonical_url, title, body, byline_raw, source, tags, image_urls, captions, "
                "authors, attachments, family, parser_revision, fetched_at, seen_until) "
                "SELECT id, 1, 'edited', '[\"title\"]', url, 'Hội nghị cũ', body, byline_raw, "
                "source, '[]', '[]', '[]', :authors, '[]', family, parser_revision, "
                "fetched_at, fetched_at FROM articles WHERE url = 'https://x.vn/2'"
            ),
            {"authors": '[{"name": "PV", "title": null, "anonymous": true}]'},
        )

    upgrade(engine)
    split = _bylines(engine, "articles")
    assert split == {
        "https://x.vn/1": ("Bài, ảnh: Hồng Thắm", None, "Hồng Thắm", None),
        "https://x.vn/2": ("Theo danvan.vn", "danvan.vn", None, "danvan.vn"),
        "https://x.vn/3": (None, None, None, "Sở Nội vụ tỉnh Lâm Giang"),
        "https://x.vn/4": ("Minh Khuê\nTin, ảnh: Giàng Seo Páo", None, None, None),
        "https://x.vn/5": ("Lê Dũng Toàn, Ban Dân vận Tỉnh ủy", None, None, None),
    }
    assert _bylines(engine, "article_versions") == {"https://x.vn/2": split["https://x.vn/2"]}
    with engine.connect() as connection:
        origins = connection.execute(text("SELECT name, origin FROM authors")).all()
        authors = connection.execute(text("SELECT authors FROM article_versions")).scalar_one()
    assert [tuple(row) for row in origins] == [("Hồng Thắm", "byline")]
    if isinstance(authors, str):  # SQLite hands JSON back as text
        authors = json.loads(authors)
    assert authors == [{"name": "PV", "title": None, "anonymous": True, "origin": "byline"}]
    with Corpus(database_url) as corpus:
        assert [row.url for row in corpus.articles(author="hong tham")] == ["https://x.vn/1"]

    command.downgrade(alembic_config(engine), "0011")
    with engine.connect() as connection:
        merged = connection.execute(
            text("SELECT url, byline_raw, source FROM articles ORDER BY url")
        ).all()
        columns = {column["name"] for column in inspect(engine).get_columns("articles")}
    assert [tuple(row) for row in merged] == [
        ("https://x.vn/1", "Hồng Thắm\nBài, ảnh: Hồng Thắm", None),
        ("https://x.vn/2", "danvan.vn\nTheo danvan.vn", "danvan.vn"),
        ("https://x.vn/3", "Sở Nội vụ tỉnh Lâm Giang", "Sở Nội vụ tỉnh Lâm Giang"),
        ("https://x.vn/4", "Minh Khuê\nTin, ảnh: Giàng Seo Páo", None),
        ("https://x.vn/5", "Lê Dũng Toàn, Ban Dân vận Tỉnh ủy", None),
    ]
    assert not {"cms_author", "cms_organisation", "cms_source"} & columns
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            found = connection.execute(
                text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH 'kheo'")
            ).scalar()
        assert found == len(MERGED_BYLINES), "the full-text index outlives the downgrade"


def _bylines(engine: Engine, table: str) -> dict[str, tuple[str | None, ...]]:
    url = "url" if table == "articles" else "canonical_url"
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT {url}, byline_raw, source, cms_author, cms_source FROM {table}")
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}
