"""The one place that reads and writes the corpus; callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dvcrawl.items import Article
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.models import (
    ArticleRecord,
    AttachmentRecord,
    AuthorRecord,
    CaptionRecord,
    CrawlRunRecord,
    PageVisitRecord,
    SiteRecord,
)
from dvcrawl.storage.search_ddl import filter_key, folded_document

STORED = "stored"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class SiteSummary:
    key: str
    name: str
    family: str
    articles: int
    latest_published_at: datetime | None
    last_run: CrawlRunRecord | None


class ArchiveRepository:
    """Reads and writes sites, crawl runs, articles and page visits in one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # sites ------------------------------------------------------------------

    def save_site(self, profile: SiteProfile) -> None:
        """Insert or update the site row (an upsert, safe when two crawls start together)."""
        now = utcnow()
        values = {
            "name": profile.name,
            "province": profile.province,
            "family": profile.family.name,
            "domains": list(profile.domains),
            "former_domains": list(profile.former_domains),
            "adhoc": profile.adhoc,
            "updated_at": now,
        }
        statement = self._insert(SiteRecord).values(key=profile.key, first_seen_at=now, **values)
        self.session.execute(
            statement.on_conflict_do_update(index_elements=[SiteRecord.key], set_=values)
        )

    def _insert(self, model: type[Any]) -> Any:
        """The dialect's INSERT, which both engines extend with the same ON CONFLICT clauses."""
        dialect = self.session.get_bind().dialect.name
        return (postgres_insert if dialect == "postgresql" else sqlite_insert)(model)

    # crawl runs ---------------------------------------------------------------

    def start_run(self, site_key: str, mode: str) -> int:
        run = CrawlRunRecord(site_key=site_key, mode=mode, started_at=utcnow())
        self.session.add(run)
        self.session.flush()
        return run.id

    def finish_run(self, run_id: int, **outcome: Any) -> None:
        run = self.session.get_one(CrawlRunRecord, run_id)
        run.finished_at = utcnow()
        for name, value in outcome.items():
            setattr(run, name, value)

    def get_run(self, run_id: int) -> CrawlRunRecord | None:
        return self.session.get(CrawlRunRecord, run_id)

    def runs(self, site_key: str | None = None, limit: int = 20) -> Sequence[CrawlRunRecord]:
        query = select(CrawlRunRecord).order_by(CrawlRunRecord.id.desc()).limit(limit)
        if site_key:
            query = query.where(CrawlRunRecord.site_key == site_key)
        return self.session.scalars(query).all()

    # what is known ------------------------------------------------------------

    def is_known(self, site_key: str, url: str, site_article_id: str | None) -> bool:
        """Whether a listing link needs no fetch: stored, or visited with a final outcome."""
        article_match = or_(ArticleRecord.url == url, ArticleRecord.canonical_url == url)
        visit_match = PageVisitRecord.url == url
        if site_article_id is not None:
            article_match = or_(article_match, ArticleRecord.site_article_id == site_article_id)
            visit_match = or_(visit_match, PageVisitRecord.site_article_id == site_article_id)
        stored = select(ArticleRecord.id).where(ArticleRecord.site_key == site_key, article_match)
        visited = select(PageVisitRecord.id).where(
            PageVisitRecord.site_key == site_key, visit_match
        )
        return self.session.execute(stored.union_all(visited).limit(1)).first() is not None

    def find_duplicate(self, article: Article) -> tuple[str, int] | None:
        """Which stored article this one repeats, and by what: url, article id or content."""
        checks: list[tuple[str, Any]] = [
            ("url", ArticleRecord.url == article.url),
            ("url", ArticleRecord.canonical_url == article.canonical_url),
        ]
        if article.site_article_id:
            checks.append(("article_id", ArticleRecord.site_article_id == article.site_article_id))
        if article.content_hash:
            checks.append(("content", ArticleRecord.content_hash == article.content_hash))
        for reason, condition in checks:
            found = self.session.scalar(
                select(ArticleRecord.id).where(
                    ArticleRecord.site_key == article.site_key, condition
                )
            )
            if found is not None:
                return reason, found
        return None

    # writing ------------------------------------------------------------------

    def add_article(self, article: Article, crawl_run_id: int | None) -> int | None:
        """Insert one article with its captions, authors and attachments; returns its id,
        or None when its URL, site id or content hash is already stored."""
        return self.add_articles([article], crawl_run_id)[0]

    def add_articles(
        self, articles: Sequence[Article], crawl_run_id: int | None
    ) -> list[int | None]:
        """Insert articles in the caller's transaction, each whole or not at all.

        An article that repeats a stored one (same URL, site id or content hash) is skipped
        and its id is None: ``INSERT … ON CONFLICT DO NOTHING``, which both engines read the
        same way. Captions, authors and attachments follow in one batched insert per table.
        """
        if not articles:
            return []
        rows = [article_row(article, crawl_run_id) for article in articles]
        # One statement for the batch. Skipped rows return nothing, so inserted ones are
        # matched back to their article by URL, which is unique.
        statement = (
            self._insert(ArticleRecord)
            .on_conflict_do_nothing()
            .returning(ArticleRecord.id, ArticleRecord.url)
        )
        inserted: dict[str, int] = {}
        if len(rows) > 1:
            inserted = {row.url: row.id for row in self.session.execute(statement, rows)}
        if len(rows) == 1:  # a one-row executemany cannot RETURN on every driver
            one = self.session.execute(statement.values(rows[0])).first()
            inserted = {one.url: one.id} if one else {}
        ids: list[int | None] = []
        children: dict[type[Any], list[dict[str, Any]]] = {
            CaptionRecord: [],
            AuthorRecord: [],
            AttachmentRecord: [],
        }
        for article in articles:
            # pop: a URL repeated within the batch was inserted once, by its first article
            article_id = inserted.pop(article.url or "", None)
            ids.append(article_id)
            if article_id is not None:
                for model, child in child_rows(article, article_id).items():
                    children[model].extend(child)
        for model, child in children.items():
            if child:  # Core executemany: the ORM would fetch every new id back
                self.session.execute(insert(model.__table__), child)
        return ids

    def record_visit(
        self,
        *,
        site_key: str,
        url: str,
        site_article_id: str | None,
        outcome: str,
        detail: str | None = None,
        article_id: int | None = None,
        crawl_run_id: int | None = None,
    ) -> None:
        now = utcnow()
        visit = self.session.scalar(
            select(PageVisitRecord).where(
                PageVisitRecord.site_key == site_key, PageVisitRecord.url == url
            )
        )
        if visit is None:
            visit = PageVisitRecord(site_key=site_key, url=url, first_seen_at=now)
            self.session.add(visit)
        visit.site_article_id = site_article_id
        visit.outcome = outcome
        visit.detail = detail
        visit.article_id = article_id
        visit.crawl_run_id = crawl_run_id
        visit.last_seen_at = now

    # reading ------------------------------------------------------------------

    def articles(self, site_key: str | None = None) -> Sequence[ArticleRecord]:
        query = select(ArticleRecord).order_by(ArticleRecord.id)
        if site_key:
            query = query.where(ArticleRecord.site_key == site_key)
        return self.session.scalars(query).all()

    def site_summaries(self) -> list[SiteSummary]:
        counts = dict(
            self.session.execute(
                select(
                    ArticleRecord.site_key,
                    func.count(ArticleRecord.id),
                ).group_by(ArticleRecord.site_key)
            ).all()
        )
        latest = dict(
            self.session.execute(
                select(ArticleRecord.site_key, func.max(ArticleRecord.published_at)).group_by(
                    ArticleRecord.site_key
                )
            ).all()
        )
        summaries = []
        for site in self.session.scalars(select(SiteRecord).order_by(SiteRecord.key)):
            last_run = self.session.scalar(
                select(CrawlRunRecord)
                .where(CrawlRunRecord.site_key == site.key)
                .order_by(CrawlRunRecord.id.desc())
                .limit(1)
            )
            summaries.append(
                SiteSummary(
                    key=site.key,
                    name=site.name,
                    family=site.family,
                    articles=counts.get(site.key, 0),
                    latest_published_at=_aware(latest.get(site.key)),
                    last_run=last_run,
                )
            )
        return summaries


def article_row(article: Article, crawl_run_id: int | None) -> dict[str, Any]:
    """The ``articles`` row of an item, derived search and filter columns included."""
    if not (article.url and article.site_key and article.title and article.fetched_at):
        raise ValueError("an article needs url, site_key, title and fetched_at to be stored")
    byline = article.byline
    body = "\n\n".join(article.body)
    return {
        "site_key": article.site_key,
        "crawl_run_id": crawl_run_id,
        "url": article.url,
        "canonical_url": article.canonical_url or article.url,
        "site_article_id": article.site_article_id,
        "title": article.title,
        "lead": article.lead,
        "body": body,
        "published_at": article.published_at,
        "published_raw": article.published_raw,
        "published_source": article.published_source,
        "byline_raw": byline.raw if byline else None,
        "organisation": byline.organisation if byline else None,
        "source": byline.source if byline else None,
        "byline_role": byline.role if byline else None,
        "photo_credit": byline.photo if byline else None,
        "byline_qualifier": byline.qualifier if byline else None,
        "category": article.category,
        "category_key": filter_key(article.category),
        "tags": list(article.tags),
        "image_urls": list(article.image_urls),
        "family": article.family or "",
        "parser_revision": article.parser_revision or "",
        "warc_file": article.warc_file,
        "warc_offset": article.warc_offset,
        "warc_digest": article.warc_digest,
        "title_key": article.title_key,
        "body_key": article.body_key,
        "content_hash": article.content_hash,
        "search_folded": folded_document(article.title, article.lead, body),
        "fetched_at": article.fetched_at,
        "stored_at": utcnow(),
    }


def child_rows(article: Article, article_id: int) -> dict[type[Any], list[dict[str, Any]]]:
    """The caption, author and attachment rows of a stored article, in page order."""
    authors = article.byline.authors if article.byline else ()
    return {
        CaptionRecord: [
            {"article_id": article_id, "position": i, "text": c.text, "image_url": c.image_url}
            for i, c in enumerate(article.captions)
        ],
        AuthorRecord: [
            {
                "article_id": article_id,
                "position": i,
                "name": a.name,
                "name_key": filter_key(a.name),
                "title": a.title,
                "anonymous": a.anonymous,
            }
            for i, a in enumerate(authors)
        ],
        AttachmentRecord: [
            {"article_id": article_id, "position": i, "url": a.url, "title": a.title}
            for i, a in enumerate(article.attachments)
        ],
    }


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
