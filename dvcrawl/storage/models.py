"""The corpus schema: sites, crawl runs, articles with their captions, authors and attachments,
and each article's history: earlier versions and events.

The schema is created and changed only by the Alembic migrations in ``migrations/``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dvcrawl.storage.search_ddl import facet_tokens, filter_key, folded_document
from dvcrawl.storage.types import UtcDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class SiteRecord(Base):
    """A site as the registry described it when it was last crawled."""

    __tablename__ = "sites"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    province: Mapped[str | None] = mapped_column(String(100))
    family: Mapped[str] = mapped_column(String(50))
    domains: Mapped[list[str]]
    former_domains: Mapped[list[str]]
    adhoc: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class CrawlRunRecord(Base):
    """One crawl of one site: when, how it ended, and what came of every page."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"), index=True)
    mode: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    requests: Mapped[int] = mapped_column(default=0)
    listing_pages: Mapped[int] = mapped_column(default=0)
    article_pages: Mapped[int] = mapped_column(default=0)
    stored: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    dropped: Mapped[dict[str, Any]] = mapped_column(default=dict)
    errors: Mapped[int] = mapped_column(default=0)
    error_kinds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    host: Mapped[str | None] = mapped_column(String(255))
    """The machine the crawl ran on, and its process: a run left open by a process that is
    gone (killed, the power cut) is closed as ``interrupted`` by the next look at it."""
    pid: Mapped[int | None]


class ArticleRecord(Base):
    """One stored article; text as published, keys derived for dedupe and search.

    Bylines come from two places and are kept apart. The byline printed in the body (its
    last or first paragraph, taken out of ``body``) is ``byline_raw`` exactly as printed,
    split into ``organisation``, ``source``, ``byline_role``, ``photo_credit`` and
    ``byline_qualifier``. The CMS's own fields are ``cms_author`` ("Tác giả:", label
    removed) with its ``cms_organisation``, and ``cms_source`` ("Nguồn tin:"). The people
    named by either are rows of ``authors``, each saying which named them (``origin``).
    """

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("url"),
        UniqueConstraint("site_key", "site_article_id"),
        UniqueConstraint("site_key", "content_hash"),
        Index("ix_articles_site_key_published_at", "site_key", "published_at"),
        # Nearly every article is canonical at the URL it was fetched from, which the unique
        # URL index already finds; only the others are indexed by their canonical URL (see
        # ``ArchiveRepository``'s lookups). A full index cost an insert one more random
        # b-tree page write: about 6 % of the insert rate at 200,000 articles.
        Index(
            "ix_articles_canonical_url_elsewhere",
            "canonical_url",
            sqlite_where=text("canonical_url <> url"),
            postgresql_where=text("canonical_url <> url"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    url: Mapped[str] = mapped_column(Text)
    canonical_url: Mapped[str] = mapped_column(Text)
    site_article_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    published_raw: Mapped[str | None] = mapped_column(Text)
    published_source: Mapped[str | None] = mapped_column(Text)
    byline_raw: Mapped[str | None] = mapped_column(Text)
    """The body's byline paragraph as printed ("Bài, ảnh: Hồng Thắm"); two lines that close
    the text together ("Lê Dũng Toàn" and "Theo danvan.vn") are joined by a newline."""
    organisation: Mapped[str | None] = mapped_column(Text)
    """The organisation the body's byline names, with the author's office when it gives
    one ("Ban Dân vận Huyện ủy Pác Hẻo", "Phó Trưởng Ban Dân vận Tỉnh ủy")."""
    source: Mapped[str | None] = mapped_column(Text)
    """The source the body's byline cites ("Theo danvan.vn" gives "danvan.vn")."""
    byline_role: Mapped[str | None] = mapped_column(Text)
    photo_credit: Mapped[str | None] = mapped_column(Text)
    byline_qualifier: Mapped[str | None] = mapped_column(Text)
    cms_author: Mapped[str | None] = mapped_column(Text)
    """The CMS's author field as printed, its label ("Tác giả:") removed."""
    cms_organisation: Mapped[str | None] = mapped_column(Text)
    """The organisation ``cms_author`` names ("Ban Tổ chức Hội thi")."""
    cms_source: Mapped[str | None] = mapped_column(Text)
    """The CMS's source field as printed, its label ("Nguồn tin:") removed."""
    category: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]]
    image_urls: Mapped[list[str]]
    family: Mapped[str] = mapped_column(String(50))
    parser_revision: Mapped[str] = mapped_column(String(200))
    warc_file: Mapped[str | None] = mapped_column(Text)
    """The WARC file holding the response this row was parsed from; None without capture."""
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    """Byte offset of that response record in ``warc_file``."""
    warc_digest: Mapped[str | None] = mapped_column(String(100))
    """The record's payload digest, ``sha1:<BASE32>``."""
    title_key: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    category_key: Mapped[str | None] = mapped_column(Text, index=True)
    """The category folded for filtering: no case, no diacritics."""
    search_folded: Mapped[str | None] = mapped_column(Text)
    """Title, lead and body without diacritics (đ as d), lower case: accent-free search."""
    search_facets: Mapped[str | None] = mapped_column(Text)
    """Site, publication day, category and authors as tokens of SQLite's full-text index
    (``search_ddl.facet_tokens``), so that filters are answered by the index. Postgres
    filters on the columns themselves; rows it stored before revision 0005 hold None."""
    fetched_at: Mapped[datetime]
    stored_at: Mapped[datetime]

    captions: Mapped[list[CaptionRecord]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="CaptionRecord.position"
    )
    authors: Mapped[list[AuthorRecord]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="AuthorRecord.position"
    )
    attachments: Mapped[list[AttachmentRecord]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="AttachmentRecord.position",
    )


class CaptionRecord(Base):
    __tablename__ = "captions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)

    article: Mapped[ArticleRecord] = relationship(back_populates="captions")


class AuthorRecord(Base):
    """A person (or an anonymous marker such as PV) named as an article's author.

    ``origin`` says who names them: ``byline`` (the byline printed in the body), ``cms``
    (only the CMS's author field) or ``both``; a name both give is one row. The author
    filter of search reads every row, so it finds CMS authors too.
    """

    __tablename__ = "authors"
    # An author's articles come off this index alone, newest last, without a read of the
    # rows (revision 0009): a prolific author has thousands of them.
    __table_args__ = (Index("ix_authors_name_key_article_id", "name_key", "article_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    name_key: Mapped[str | None] = mapped_column(Text)
    """The name folded for filtering: no case, no diacritics."""
    title: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(10), default="byline", server_default="byline")

    article: Mapped[ArticleRecord] = relationship(back_populates="authors")


class AttachmentRecord(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)

    article: Mapped[ArticleRecord] = relationship(back_populates="attachments")


class PageVisitRecord(Base):
    """What came of an article URL the last time it was fetched.

    Incremental crawls skip URLs with a final outcome: stored, duplicate of a stored
    article, or not an article. Transient failures (5xx, timeouts) are not recorded as
    final, so the next crawl tries them again.
    """

    __tablename__ = "page_visits"
    __table_args__ = (UniqueConstraint("site_key", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    url: Mapped[str] = mapped_column(Text)
    site_article_id: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str | None] = mapped_column(Text)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class FrontierListingRecord(Base):
    """A listing the crawls of a site walk: how far the last walk went, and whether a walk
    has ever read it to its last page (its backfill is complete). Until it has, crawls go
    on from ``resume_url`` past the articles archived; after, an incremental crawl stops
    paging it at the first page that offers nothing new."""

    __tablename__ = "frontier_listings"
    __table_args__ = (UniqueConstraint("site_key", "listing_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    listing_key: Mapped[str] = mapped_column(Text)
    first_url: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text)
    secondary: Mapped[bool] = mapped_column(Boolean, default=False)
    pages_read: Mapped[int] = mapped_column(default=0)
    """Pages the current (or last) walk has read."""
    resume_url: Mapped[str | None] = mapped_column(Text)
    """The page the walk reads next; None once it has ended."""
    backfill_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    last_end: Mapped[str | None] = mapped_column(String(40))
    """Why the last walk ended (``dvcrawl.discovery.walk.WalkEnd``)."""
    walked_at: Mapped[datetime]


class FrontierArticleRecord(Base):
    """An article a crawl found: ``pending`` until it is stored or visited for good (``done``),
    or ``failed`` once it has failed ``attempts`` times; ``next_attempt_at`` spaces out the
    retries of one that keeps failing."""

    __tablename__ = "frontier_articles"
    __table_args__ = (
        UniqueConstraint("site_key", "article_key"),
        Index("ix_frontier_articles_site_key_state", "site_key", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    article_key: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    discovered_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ArticleVersionRecord(Base):
    """An earlier state of an article's row, kept whole when the row was replaced.

    ``version`` counts from 1, the first state stored; the row in ``articles`` is the
    state after the last version kept here. ``reason`` says why it was replaced: the site
    edited the article (``edited``) or newer parser rules read it again (``reextracted``).
    ``fetched_at`` is when this state was first fetched, ``seen_until`` when it was replaced.
    """

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    version: Mapped[int]
    reason: Mapped[str] = mapped_column(String(20))
    changed_fields: Mapped[list[str]]
    """The fields in which the state that replaced this one differs from it."""
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    """The crawl that stored this state."""
    canonical_url: Mapped[str] = mapped_column(Text)
    site_article_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    published_raw: Mapped[str | None] = mapped_column(Text)
    published_source: Mapped[str | None] = mapped_column(Text)
    byline_raw: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    byline_role: Mapped[str | None] = mapped_column(Text)
    photo_credit: Mapped[str | None] = mapped_column(Text)
    byline_qualifier: Mapped[str | None] = mapped_column(Text)
    cms_author: Mapped[str | None] = mapped_column(Text)
    cms_organisation: Mapped[str | None] = mapped_column(Text)
    cms_source: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]]
    image_urls: Mapped[list[str]]
    captions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    authors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """Each author's name, title, anonymous marker and origin (as in ``authors``)."""
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    family: Mapped[str] = mapped_column(String(50))
    parser_revision: Mapped[str] = mapped_column(String(200))
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_digest: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[datetime]
    seen_until: Mapped[datetime]


class ArticleEventRecord(Base):
    """Something that happened to an archived article, as observed; nothing is deleted.

    ``edited`` and ``reextracted`` replaced the row (its earlier state is a version);
    ``taken_down`` (HTTP 404 or 410) and ``redirected_away`` (to ``location``, a page
    that is no article of the site) record that the site no longer shows it, and
    ``restored`` that it shows it again.
    """

    __tablename__ = "article_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    site_key: Mapped[str] = mapped_column(ForeignKey("sites.key"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    http_status: Mapped[int | None]
    location: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    observed_at: Mapped[datetime]
    warc_file: Mapped[str | None] = mapped_column(Text)
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)


def _derive_article_keys(_mapper: Any, _connection: Any, article: ArticleRecord) -> None:
    article.search_folded = folded_document(article.title, article.lead, article.body)
    article.category_key = filter_key(article.category)
    article.search_facets = facet_tokens(
        article.site_key,
        article.published_at,
        article.category_key,
        (filter_key(author.name) for author in article.authors),
    )


def _derive_author_key(_mapper: Any, _connection: Any, author: AuthorRecord) -> None:
    author.name_key = filter_key(author.name)


# The derived search and filter columns follow the text they derive from, whoever writes it.
for _event in ("before_insert", "before_update"):
    event.listen(ArticleRecord, _event, _derive_article_keys)
    event.listen(AuthorRecord, _event, _derive_author_key)
