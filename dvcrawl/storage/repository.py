"""The one place that reads and writes the corpus; callers own the transaction."""

from __future__ import annotations

import functools
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from dvcrawl.items import Article, ListingProgress
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.models import (
    ArticleEventRecord,
    ArticleRecord,
    ArticleVersionRecord,
    AttachmentRecord,
    AuthorRecord,
    CaptionRecord,
    CrawlRunRecord,
    FrontierArticleRecord,
    FrontierListingRecord,
    PageVisitRecord,
    SiteRecord,
)
from dvcrawl.storage.search_ddl import facet_tokens, filter_key, folded_document
from dvcrawl.text import Author

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

STORED = "stored"
PENDING = "pending"
DONE = "done"
FAILED = "failed"
INTERRUPTED = "interrupted"
# An article that keeps failing is tried by this many crawls, then given up as failed.
MAX_ATTEMPTS = 8


def retry_delay(attempts: int) -> timedelta:
    """How long an article that failed ``attempts`` times waits before the next try: the
    next crawl tries it again at once twice, then waits 1, 2, 4 … hours, a week at most."""
    if attempts <= 2:
        return timedelta(0)
    return min(timedelta(hours=2 ** (attempts - 3)), timedelta(days=7))


# The machine a crawl runs on: a run left open here by a process that is gone was cut off.
HOST = socket.gethostname()


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # running, as another user
        return True
    return True


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

    @property
    def _core(self) -> Connection:
        """The session's connection, in its transaction: Core statements the crawl sends for
        every article go straight to it, past the ORM's per-statement bookkeeping."""
        return self.session.connection()

    def _insert(self, model: Any) -> Any:
        """The dialect's INSERT, which both engines extend with the same ON CONFLICT clauses."""
        return _dialect_insert(self.session.get_bind().dialect.name, model)

    def _upsert(
        self,
        model: Any,
        row: dict[str, Any],
        *,
        keys: tuple[str, ...],
        updated: tuple[str, ...],
    ) -> None:
        """Insert ``row``, or update the ``updated`` columns of the row it meets on ``keys``.
        The statement is built once per table and engine, its values bound at execution:
        what a crawl writes for every article costs no statement construction."""
        dialect = self.session.get_bind().dialect.name
        statement = _upsert_statement(dialect, model.__table__, keys, updated)
        self._core.execute(statement, row)

    # crawl runs ---------------------------------------------------------------

    def start_run(
        self, site_key: str, mode: str, *, host: str | None = None, pid: int | None = None
    ) -> int:
        run = CrawlRunRecord(site_key=site_key, mode=mode, started_at=utcnow(), host=host, pid=pid)
        self.session.add(run)
        self.session.flush()
        return run.id

    def close_interrupted_runs(
        self, host: str, alive: Callable[[int], bool], site_key: str | None = None
    ) -> list[int]:
        """Close as ``interrupted`` the open runs of this machine whose process is gone (a
        crawl killed, or cut off by the power): their counts are what they had stored."""
        query = select(CrawlRunRecord).where(
            CrawlRunRecord.finished_at.is_(None), CrawlRunRecord.host == host
        )
        if site_key is not None:
            query = query.where(CrawlRunRecord.site_key == site_key)
        closed = []
        for run in self.session.scalars(query):
            if run.pid is not None and alive(run.pid):
                continue
            run.finished_at = utcnow()
            run.finish_reason = INTERRUPTED
            run.stored = (
                self.session.scalar(
                    select(func.count(ArticleRecord.id)).where(ArticleRecord.crawl_run_id == run.id)
                )
                or 0
            )
            closed.append(run.id)
        return closed

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

    def archive_index(self, site_key: str) -> ArchiveIndex:
        """The URLs and site ids one site's archive holds, read in two index scans: what a
        crawl checks every link against, in memory."""
        index = ArchiveIndex()
        rows = self.session.execute(
            select(
                ArticleRecord.id,
                ArticleRecord.url,
                ArticleRecord.canonical_url,
                ArticleRecord.site_article_id,
            ).where(ArticleRecord.site_key == site_key)
        )
        for row in rows:
            index.add_article(row.id, row.url, row.canonical_url, row.site_article_id)
        visits = self.session.execute(
            select(PageVisitRecord.url, PageVisitRecord.site_article_id).where(
                PageVisitRecord.site_key == site_key
            )
        )
        for visit in visits:
            index.add_visit(visit.url, visit.site_article_id)
        return index

    def find_duplicate(self, article: Article) -> tuple[str, int] | None:
        """Which stored article this one repeats, and by what: url, article id or content.

        One statement, four lookups each answered by its own index; where several match,
        the URL wins over the site id, and the site id over the content."""
        rows = self._core.execute(
            _DUPLICATE_LOOKUP,
            {
                "site_key": article.site_key,
                "url": article.url,
                "canonical_url": article.canonical_url,
                "site_article_id": article.site_article_id,
                "content_hash": article.content_hash,
            },
        ).all()
        if not rows:
            return None
        rank, article_id = min((row.rank, row.id) for row in rows)
        return _DUPLICATE_REASONS[rank], article_id

    # writing ------------------------------------------------------------------

    def store_article(self, article: Article, crawl_run_id: int | None) -> StoreOutcome:
        """Store a new article, or say what it is instead: a revisit of the stored article
        at its URL (the caller compares the two), or a duplicate of another stored article
        by site id or content (``conflict``: stored by another writer just now)."""
        found = self.find_duplicate(article)
        if found is not None:
            reason, article_id = found
            return StoreOutcome("revisit" if reason == "url" else "duplicate", article_id, reason)
        inserted = self.add_article(article, crawl_run_id)
        if inserted is None:
            return StoreOutcome("duplicate", 0, "conflict")
        return StoreOutcome("stored", inserted)

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
        # One cached statement, sent by SQLAlchemy's "insertmanyvalues" as multi-row VALUES.
        # (Given the ORM entity instead of its table, the insert goes row by row on SQLite.)
        # Skipped rows return nothing, so inserted ones are matched back to their article by
        # URL, which is unique.
        statement = _article_insert(self.session.get_bind().dialect.name)
        inserted: dict[str, int] = {}
        if len(rows) > 1:
            inserted = {row.url: row.id for row in self._core.execute(statement, rows)}
        if len(rows) == 1:  # a one-row executemany cannot RETURN on every driver
            one = self._core.execute(statement, rows[0]).first()
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
                self._core.execute(insert(model.__table__), child)
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
        values = {
            "site_article_id": site_article_id,
            "outcome": outcome,
            "detail": detail,
            "article_id": article_id,
            "crawl_run_id": crawl_run_id,
            "last_seen_at": now,
        }
        self._upsert(
            PageVisitRecord,
            {"site_key": site_key, "url": url, "first_seen_at": now, **values},
            keys=("site_key", "url"),
            updated=tuple(values),
        )

    # the frontier -------------------------------------------------------------

    def frontier_state(self, site_key: str, now: datetime | None = None) -> FrontierState:
        """What earlier crawls of a site left to do: listings walked, with how far, and the
        articles found and not stored that are due for another attempt."""
        now = now or utcnow()
        listings = [
            ListingProgress(
                key=row.listing_key,
                first_url=row.first_url,
                section=row.section,
                secondary=row.secondary,
                pages_read=row.pages_read,
                resume_url=row.resume_url,
                backfill_complete=row.backfill_complete,
                end=row.last_end,
            )
            for row in self.session.scalars(
                select(FrontierListingRecord).where(FrontierListingRecord.site_key == site_key)
            )
        ]
        pending: list[SavedArticle] = []
        waiting = 0
        rows = self.session.execute(
            select(
                FrontierArticleRecord.article_key,
                FrontierArticleRecord.url,
                FrontierArticleRecord.attempts,
                FrontierArticleRecord.next_attempt_at,
            ).where(
                FrontierArticleRecord.site_key == site_key,
                FrontierArticleRecord.state == PENDING,
            )
        )
        for row in rows:
            next_attempt = _aware(row.next_attempt_at)
            due = next_attempt is None or next_attempt <= now
            if due:
                pending.append(SavedArticle(row.article_key, row.url, row.attempts))
            else:
                waiting += 1
        return FrontierState(listings, pending, waiting)

    def save_discovered(self, site_key: str, articles: Sequence[tuple[str, str]]) -> None:
        """Articles found (key, URL), pending until stored; one known already is left."""
        if not articles:
            return
        now = utcnow()
        rows = [
            {
                "site_key": site_key,
                "article_key": key,
                "url": url,
                "state": PENDING,
                "attempts": 0,
                "discovered_at": now,
                "updated_at": now,
            }
            for key, url in dict(articles).items()
        ]
        statement = self._insert(FrontierArticleRecord).on_conflict_do_nothing(
            index_elements=["site_key", "article_key"]
        )
        self._core.execute(statement, rows)

    def save_listing(self, site_key: str, listing: ListingProgress) -> None:
        """Where a listing's walk stands after a page (an upsert by site and listing key)."""
        values = {
            "first_url": listing.first_url,
            "section": listing.section,
            "secondary": listing.secondary,
            "pages_read": listing.pages_read,
            "resume_url": listing.resume_url,
            "backfill_complete": listing.backfill_complete,
            "last_end": listing.end,
            "walked_at": utcnow(),
        }
        self._upsert(
            FrontierListingRecord,
            {"site_key": site_key, "listing_key": listing.key, **values},
            keys=("site_key", "listing_key"),
            updated=tuple(values),
        )

    def settle_article(self, site_key: str, key: str | None, url: str, state: str = DONE) -> None:
        """An article found is stored, or visited for good (``done``), or given up
        (``failed``)."""
        now = utcnow()
        row = {
            "site_key": site_key,
            "article_key": key or url,
            "url": url,
            "state": state,
            "attempts": 0,
            "discovered_at": now,
            "updated_at": now,
        }
        self._upsert(
            FrontierArticleRecord,
            row,
            keys=("site_key", "article_key"),
            updated=("state", "updated_at"),
        )

    def article_failed(
        self,
        site_key: str,
        key: str | None,
        url: str,
        error: str,
        *,
        permanent: bool = False,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> tuple[str, int]:
        """An article could not be fetched: it stays pending, to be tried again by the next
        crawls (the first retries at once, later ones spaced out), until ``max_attempts``;
        then, or at once when ``permanent``, it is ``failed``. Its state and attempts."""
        now = utcnow()
        key = key or url
        self.save_discovered(site_key, [(key, url)])
        row = self.session.scalars(
            select(FrontierArticleRecord).where(
                FrontierArticleRecord.site_key == site_key,
                FrontierArticleRecord.article_key == key,
            )
        ).one()
        row.attempts += 1
        row.last_error = error
        row.updated_at = now
        row.state = FAILED if permanent or row.attempts >= max_attempts else PENDING
        row.next_attempt_at = now + retry_delay(row.attempts)
        return row.state, row.attempts

    def pending_articles(self, site_key: str) -> int:
        """How many articles found on the site are still pending (from the state index)."""
        return (
            self.session.scalar(
                select(func.count(FrontierArticleRecord.id)).where(
                    FrontierArticleRecord.site_key == site_key,
                    FrontierArticleRecord.state == PENDING,
                )
            )
            or 0
        )

    def frontier_summaries(self) -> dict[str, FrontierSummary]:
        """Per site: listings walked to their end of all listings, articles found by state."""
        summaries: dict[str, FrontierSummary] = {}
        listings = self.session.execute(
            select(
                FrontierListingRecord.site_key,
                func.count(FrontierListingRecord.id),
                func.count(FrontierListingRecord.id).filter(
                    FrontierListingRecord.backfill_complete
                ),
            ).group_by(FrontierListingRecord.site_key)
        )
        for site_key, total, complete in listings:
            summaries.setdefault(site_key, FrontierSummary()).listings = (complete, total)
        articles = self.session.execute(
            select(
                FrontierArticleRecord.site_key,
                FrontierArticleRecord.state,
                func.count(FrontierArticleRecord.id),
            ).group_by(FrontierArticleRecord.site_key, FrontierArticleRecord.state)
        )
        for site_key, state, number in articles:
            summaries.setdefault(site_key, FrontierSummary()).articles[state] = number
        return summaries

    # history --------------------------------------------------------------------

    def archived_article_id(self, site_key: str, url: str) -> int | None:
        """The stored article of ``site_key`` fetched from, or canonically at, ``url``."""
        found = union_all(*articles_at(url, site_key)).subquery()
        article_id: int | None = self.session.scalar(select(func.min(found.c.id)))
        return article_id

    def archived_urls(
        self, site_key: str, before: datetime | None = None, *, batch_size: int = 1000
    ) -> Iterator[tuple[int, str]]:
        """Id and URL of every stored article of ``site_key``, in id order.

        Read ``batch_size`` rows at a time, each batch a query of its own that starts after
        the last id seen, so a site of any size streams in flat memory and no cursor stays
        open while the caller works. With ``before``, only articles not checked since:
        neither fetched nor visited (stored, found unchanged, gone) at or after it.
        """
        checked: Any = None
        if before is not None:
            visited = select(PageVisitRecord.id).where(
                PageVisitRecord.article_id == ArticleRecord.id,
                PageVisitRecord.last_seen_at >= before,
            )
            checked = or_(ArticleRecord.fetched_at >= before, visited.exists())
        after_id = 0
        while True:
            query = (
                select(ArticleRecord.id, ArticleRecord.url)
                .where(ArticleRecord.site_key == site_key, ArticleRecord.id > after_id)
                .order_by(ArticleRecord.id)
                .limit(batch_size)
            )
            if checked is not None:
                query = query.where(~checked)
            batch = [(row.id, row.url) for row in self.session.execute(query)]
            yield from batch
            if len(batch) < batch_size:
                return
            after_id = batch[-1][0]

    def revise_article(
        self,
        article_id: int,
        article: Article,
        *,
        reason: str,
        crawl_run_id: int | None = None,
    ) -> list[str]:
        """Replace a stored article with ``article`` if they differ, keeping the old state.

        The stored row and its captions, authors and attachments become version N of
        ``article_versions``; the row and its children are overwritten (the search index
        follows: SQLite's triggers, Postgres' generated columns); an ``article_events`` row
        of kind ``reason`` names the changed fields, which are returned. The URL the article
        was first archived under is kept. Nothing is written, and [] returned, when nothing
        changed. Raises ``RevisionConflict`` when the new state would repeat another stored
        article's site id or content. Runs in the caller's transaction.
        """
        if reason not in REVISION_REASONS:
            raise ValueError(f"unknown revision reason {reason!r}")
        # Prepared Core statements on the session's connection: a re-extraction revises
        # every stored article, and building statements would cost more than running them.
        connection = self.session.connection()
        stored = self._stored_state(article_id)
        row = article_row(article, crawl_run_id)
        children = child_rows(article, article_id)
        changed = changed_fields(stored, {**row, **_snapshots(children)})
        if not changed:
            return []
        self._refuse_conflicts(article_id, stored["site_key"], row)
        replaced_at = row["fetched_at"] if reason == EDITED else utcnow()
        kept = connection.execute(VERSION_COUNT, {"article_id": article_id}).scalar_one()
        version = {
            **{name: stored[name] for name in (*VERSIONED_COLUMNS, *CHILD_SNAPSHOTS)},
            "article_id": article_id,
            "version": kept + 1,
            "reason": reason,
            "changed_fields": changed,
            "seen_until": replaced_at,
        }
        connection.execute(VERSION_INSERT, version)
        updates = {name: value for name, value in row.items() if name not in KEPT_ON_REVISION}
        if crawl_run_id is None:  # a re-extraction reads the response the first crawl fetched
            updates.pop("crawl_run_id")
        connection.execute(ROW_UPDATE, {**updates, "revised_id": article_id})
        for name, model in CHILD_SNAPSHOTS.items():
            if name in changed:
                connection.execute(CHILD_DELETES[name], {"article_id": article_id})
                if children[model]:
                    connection.execute(CHILD_INSERTS[name], children[model])
        self._add_event(
            article_id=article_id,
            site_key=stored["site_key"],
            url=stored["url"],
            kind=reason,
            http_status=None,
            location=None,
            detail=", ".join(changed),
            crawl_run_id=crawl_run_id,
            observed_at=replaced_at,
            warc_file=article.warc_file,
            warc_offset=article.warc_offset,
        )
        return changed

    def record_event(
        self,
        article_id: int,
        kind: str,
        *,
        http_status: int | None = None,
        location: str | None = None,
        detail: str | None = None,
        crawl_run_id: int | None = None,
        observed_at: datetime | None = None,
        warc_file: str | None = None,
        warc_offset: int | None = None,
    ) -> int | None:
        """Record that a stored article was taken down, redirected away, or restored.

        Returns the new event's id, or None when it would repeat what is already known: the
        same takedown (kind, status and target) as the latest availability event is the
        article still gone, and a restoration is only news after a takedown.
        """
        if kind not in AVAILABILITY_EVENTS:
            raise ValueError(f"unknown event kind {kind!r}")
        site_key, url = self.session.execute(
            select(ArticleRecord.site_key, ArticleRecord.url).where(ArticleRecord.id == article_id)
        ).one()
        latest = self.session.execute(
            select(
                ArticleEventRecord.kind, ArticleEventRecord.http_status, ArticleEventRecord.location
            )
            .where(
                ArticleEventRecord.article_id == article_id,
                ArticleEventRecord.kind.in_(AVAILABILITY_EVENTS),
            )
            .order_by(ArticleEventRecord.id.desc())
            .limit(1)
        ).first()
        if kind == RESTORED:
            if latest is None or latest.kind == RESTORED:
                return None
        elif latest is not None and tuple(latest) == (kind, http_status, location):
            return None
        return self._add_event(
            article_id=article_id,
            site_key=site_key,
            url=url,
            kind=kind,
            http_status=http_status,
            location=location,
            detail=detail,
            crawl_run_id=crawl_run_id,
            observed_at=observed_at or utcnow(),
            warc_file=warc_file,
            warc_offset=warc_offset,
        )

    def history(self, url: str) -> ArticleHistory | None:
        """The stored article at ``url`` (its URL or canonical URL), its versions and events."""
        article = self.session.scalar(
            select(ArticleRecord)
            .where(ArticleRecord.id.in_(union_all(*articles_at(url))))
            .order_by(ArticleRecord.id)
            .limit(1)
        )
        if article is None:
            return None
        versions = self.session.scalars(
            select(ArticleVersionRecord)
            .where(ArticleVersionRecord.article_id == article.id)
            .order_by(ArticleVersionRecord.version)
        ).all()
        events = self.session.scalars(
            select(ArticleEventRecord)
            .where(ArticleEventRecord.article_id == article.id)
            .order_by(ArticleEventRecord.observed_at, ArticleEventRecord.id)
        ).all()
        return ArticleHistory(article=article, versions=versions, events=events)

    def _stored_state(self, article_id: int) -> dict[str, Any]:
        connection = self.session.connection()
        params = {"article_id": article_id}
        state = dict(connection.execute(STATE_QUERY, params).one()._mapping)
        for name, query in CHILD_QUERIES.items():
            state[name] = [dict(child._mapping) for child in connection.execute(query, params)]
        return state

    def _refuse_conflicts(self, article_id: int, site_key: str, row: dict[str, Any]) -> None:
        params = {
            "article_id": article_id,
            "site_key": site_key,
            "site_article_id": row["site_article_id"],
            "content_hash": row["content_hash"],
        }
        other = self.session.connection().execute(CONFLICT_QUERY, params).first()
        if other is not None:
            name = (
                "site_article_id"
                if other.site_article_id == params["site_article_id"]
                else ("content_hash")
            )
            raise RevisionConflict(
                f"article #{article_id} cannot take the {name} of stored article #{other.id}"
            )

    def _add_event(self, **values: Any) -> int:
        event_id: int = self.session.connection().execute(EVENT_INSERT, values).scalar_one()
        return event_id

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


EDITED = "edited"
REEXTRACTED = "reextracted"
TAKEN_DOWN = "taken_down"
REDIRECTED_AWAY = "redirected_away"
RESTORED = "restored"
REVISION_REASONS = (EDITED, REEXTRACTED)
# Who names an author (``authors.origin``): the body's byline, the CMS's author field, both.
BYLINE_AUTHOR = "byline"
CMS_AUTHOR = "cms"
BYLINE_AND_CMS_AUTHOR = "both"
AVAILABILITY_EVENTS = (TAKEN_DOWN, REDIRECTED_AWAY, RESTORED)

# The articles columns an earlier state keeps (and ``article_versions`` repeats).
VERSIONED_COLUMNS = (
    "canonical_url",
    "site_article_id",
    "title",
    "lead",
    "body",
    "published_at",
    "published_raw",
    "published_source",
    "byline_raw",
    "organisation",
    "source",
    "byline_role",
    "photo_credit",
    "byline_qualifier",
    "cms_author",
    "cms_organisation",
    "cms_source",
    "category",
    "tags",
    "image_urls",
    "content_hash",
    "family",
    "parser_revision",
    "warc_file",
    "warc_offset",
    "warc_digest",
    "fetched_at",
    "crawl_run_id",
)
# What was fetched and how it was read, never what was published: a new fetch or a newer
# parser revision with the same output is not a new version.
PROVENANCE_COLUMNS = frozenset(
    {"family", "parser_revision", "warc_file", "warc_offset", "warc_digest", "fetched_at"}
    | {"crawl_run_id"}
)
COMPARED_COLUMNS = tuple(name for name in VERSIONED_COLUMNS if name not in PROVENANCE_COLUMNS)
# The row keeps the URL it was archived under, and its site.
KEPT_ON_REVISION = frozenset({"url", "site_key"})
CHILD_SNAPSHOTS: dict[str, type[Any]] = {
    "captions": CaptionRecord,
    "authors": AuthorRecord,
    "attachments": AttachmentRecord,
}
SNAPSHOT_FIELDS = {
    "captions": ("text", "image_url"),
    "authors": ("name", "title", "anonymous", "origin"),
    "attachments": ("url", "title"),
}


ARTICLES = cast("Table", ArticleRecord.__table__)
VERSIONS = cast("Table", ArticleVersionRecord.__table__)
EVENTS = cast("Table", ArticleEventRecord.__table__)


def _table(model: type[Any]) -> Table:
    return cast("Table", model.__table__)


# The statements of revise_article, built once.
STATE_QUERY = select(*(ARTICLES.c[name] for name in (*VERSIONED_COLUMNS, "site_key", "url"))).where(
    ARTICLES.c.id == bindparam("article_id")
)
CHILD_QUERIES = {
    name: select(*(_table(model).c[field] for field in SNAPSHOT_FIELDS[name]))
    .where(_table(model).c.article_id == bindparam("article_id"))
    .order_by(_table(model).c.position)
    for name, model in CHILD_SNAPSHOTS.items()
}
# Another article of the site with this site id, or this content: one lookup per unique
# index (an OR beside the site's condition would be read through the site's index).
CONFLICT_QUERY = union_all(
    *(
        select(ARTICLES.c.id, ARTICLES.c.site_article_id).where(
            ARTICLES.c.site_key == bindparam("site_key"),
            ARTICLES.c.id != bindparam("article_id"),
            column == bindparam(column.name),
        )
        for column in (ARTICLES.c.site_article_id, ARTICLES.c.content_hash)
    )
).limit(1)
VERSION_COUNT = (
    select(func.count())
    .select_from(VERSIONS)
    .where(VERSIONS.c.article_id == bindparam("article_id"))
)
VERSION_INSERT = insert(VERSIONS)
# The SET clause comes from the parameters given; the id is bound under another name.
ROW_UPDATE = update(ARTICLES).where(ARTICLES.c.id == bindparam("revised_id"))
CHILD_DELETES = {
    name: delete(_table(model)).where(_table(model).c.article_id == bindparam("article_id"))
    for name, model in CHILD_SNAPSHOTS.items()
}
CHILD_INSERTS = {name: insert(_table(model)) for name, model in CHILD_SNAPSHOTS.items()}
EVENT_INSERT = insert(EVENTS).returning(EVENTS.c.id)


class RevisionConflict(ValueError):
    """The new state of an article would repeat another stored article's site id or content."""


@dataclass(frozen=True, slots=True)
class ArticleHistory:
    """A stored article as it is now, its earlier versions and its events, oldest first."""

    article: ArticleRecord
    versions: Sequence[ArticleVersionRecord]
    events: Sequence[ArticleEventRecord]

    @property
    def current_version(self) -> int:
        return len(self.versions) + 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the article now, each earlier version, each event; times in UTC."""
        article = self.article
        return {
            "article": {
                "id": article.id,
                "site_key": article.site_key,
                "url": article.url,
                "canonical_url": article.canonical_url,
                "title": article.title,
                "published_at": _iso(article.published_at),
                "version": self.current_version,
                "fetched_at": _iso(article.fetched_at),
                "parser_revision": article.parser_revision,
                "warc_file": article.warc_file,
                "warc_offset": article.warc_offset,
                "warc_digest": article.warc_digest,
            },
            "versions": [
                {
                    "version": version.version,
                    "seen_from": _iso(version.fetched_at),
                    "seen_until": _iso(version.seen_until),
                    "reason": version.reason,
                    "changed_fields": list(version.changed_fields),
                    "parser_revision": version.parser_revision,
                    "title": version.title,
                    "content_hash": version.content_hash,
                    "warc_file": version.warc_file,
                    "warc_offset": version.warc_offset,
                }
                for version in self.versions
            ],
            "events": [
                {
                    "observed_at": _iso(event.observed_at),
                    "kind": event.kind,
                    "http_status": event.http_status,
                    "location": event.location,
                    "detail": event.detail,
                    "crawl_run_id": event.crawl_run_id,
                    "warc_file": event.warc_file,
                    "warc_offset": event.warc_offset,
                }
                for event in self.events
            ],
        }


def changed_fields(stored: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The compared fields (columns and child lists) in which ``new`` differs from ``stored``.

    ``content_hash`` is named only when neither title nor body explains its change.
    """
    changed = [name for name in (*COMPARED_COLUMNS, *CHILD_SNAPSHOTS) if stored[name] != new[name]]
    if "content_hash" in changed and {"title", "body"} & set(changed):
        changed.remove("content_hash")
    return changed


def _snapshots(children: dict[type[Any], list[dict[str, Any]]]) -> dict[str, Any]:
    """Child rows in the form ``article_versions`` keeps them: field dicts in page order."""
    return {
        name: [{field: row[field] for field in SNAPSHOT_FIELDS[name]} for row in children[model]]
        for name, model in CHILD_SNAPSHOTS.items()
    }


@dataclass(frozen=True, slots=True)
class SavedArticle:
    key: str
    url: str
    attempts: int


@dataclass(frozen=True, slots=True)
class FrontierState:
    listings: list[ListingProgress]
    pending: list[SavedArticle]
    """Articles found and not stored, due for another attempt."""
    waiting: int
    """Pending articles not due yet (they failed several times)."""


@dataclass
class FrontierSummary:
    listings: tuple[int, int] = (0, 0)
    """Listings walked to their end, of all listings walked."""
    articles: dict[str, int] = field(default_factory=dict)
    """Articles found, by state (pending, done, failed)."""


@dataclass(frozen=True, slots=True)
class StoreOutcome:
    """What came of storing an article: ``stored``, ``revisit`` or ``duplicate`` (of the
    article ``article_id``, by ``reason``: url, article_id, content or conflict)."""

    kind: str
    article_id: int
    reason: str = ""


@dataclass
class ArchiveIndex:
    """What one site's archive holds, kept in memory for a crawl: stored articles by URL
    (fetched or canonical) and site id, and URLs and ids visited with a final outcome. The
    crawl's writer keeps it up to date as it stores."""

    articles: dict[str, int] = field(default_factory=dict)
    article_keys: dict[str, int] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)

    def add_article(
        self, article_id: int, url: str, canonical_url: str | None, site_article_id: str | None
    ) -> None:
        self.articles[url] = article_id
        if canonical_url:
            self.articles.setdefault(canonical_url, article_id)
        if site_article_id:
            self.article_keys.setdefault(site_article_id, article_id)

    def add_visit(self, url: str, site_article_id: str | None) -> None:
        self.visited.add(url)
        if site_article_id:
            self.visited.add(site_article_id)

    def is_known(self, url: str, site_article_id: str | None) -> bool:
        """Whether a link needs no fetch: archived, or visited with a final outcome."""
        if url in self.articles or url in self.visited:
            return True
        return bool(site_article_id) and (
            site_article_id in self.article_keys or site_article_id in self.visited
        )

    def archived_id(self, url: str) -> int | None:
        """The archived article fetched from, or canonical at, ``url``."""
        return self.articles.get(url)


def articles_at(
    url: str | BindParameter[str], site_key: str | BindParameter[str] | None = None
) -> tuple[Select[int], Select[int]]:
    """The ids of the articles fetched from ``url``, and of those canonical at ``url`` and
    fetched elsewhere: two lookups, for their union, each answered by its own index (the
    unique index of URLs; the partial index of canonical URLs that differ from the URL).

    Two statements, not one with OR: beside a condition on ``site_key``, SQLite's planner
    reads the OR through the site's index, which holds every article of the site."""
    site = () if site_key is None else (ArticleRecord.site_key == site_key,)
    return (
        select(ArticleRecord.id).where(*site, ArticleRecord.url == url),
        select(ArticleRecord.id).where(*site, canonical_elsewhere(url)),
    )


def canonical_elsewhere(url: str | BindParameter[str]) -> ColumnElement[bool]:
    """Articles canonical at ``url`` and fetched elsewhere. The condition repeats the partial
    index's as it is written (``canonical_url <> url``; SQLite's planner does not see that
    ``url <> canonical_url`` is the same)."""
    return and_(
        ArticleRecord.canonical_url == url, ArticleRecord.canonical_url != ArticleRecord.url
    )


def _dialect_insert(dialect: str, model: Any) -> Any:
    return (postgres_insert if dialect == "postgresql" else sqlite_insert)(model)


@functools.cache
def _article_insert(dialect: str) -> Any:
    table = ArticleRecord.__table__
    return (
        _dialect_insert(dialect, table).on_conflict_do_nothing().returning(table.c.id, table.c.url)
    )


@functools.cache
def _upsert_statement(
    dialect: str, table: Table, keys: tuple[str, ...], updated: tuple[str, ...]
) -> Any:
    statement = _dialect_insert(dialect, table)
    return statement.on_conflict_do_update(
        index_elements=list(keys), set_={name: statement.excluded[name] for name in updated}
    )


def _duplicate_lookup() -> Any:
    """Stored articles an article repeats, each with the rank of what it repeats (see
    ``find_duplicate``): one branch per index, parameters bound at execution."""
    canonical: BindParameter[str] = bindparam("canonical_url")
    branches = (
        ArticleRecord.url == bindparam("url"),
        # canonical at the URL, where it was fetched or elsewhere (see ``articles_at``)
        and_(ArticleRecord.url == canonical, ArticleRecord.canonical_url == canonical),
        canonical_elsewhere(canonical),
        ArticleRecord.site_article_id == bindparam("site_article_id"),
        ArticleRecord.content_hash == bindparam("content_hash"),
    )
    site = ArticleRecord.site_key == bindparam("site_key")
    return union_all(
        *(
            select(literal(rank).label("rank"), ArticleRecord.id).where(site, condition)
            for rank, condition in enumerate(branches)
        )
    )


_DUPLICATE_LOOKUP = _duplicate_lookup()
_DUPLICATE_REASONS = ("url", "url", "url", "article_id", "content")


def article_row(article: Article, crawl_run_id: int | None) -> dict[str, Any]:
    """The ``articles`` row of an item, derived search and filter columns included."""
    if not (article.url and article.site_key and article.title and article.fetched_at):
        raise ValueError("an article needs url, site_key, title and fetched_at to be stored")
    byline, cms_author = article.byline, article.cms_author
    body = "\n\n".join(article.body)
    category_key = filter_key(article.category)
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
        "cms_author": cms_author.raw if cms_author else None,
        "cms_organisation": cms_author.organisation if cms_author else None,
        "cms_source": article.cms_source,
        "category": article.category,
        "category_key": category_key,
        "tags": list(article.tags),
        "image_urls": list(article.image_urls),
        "family": article.family or "",
        "parser_revision": article.parser_revision or "",
        "warc_file": article.warc_file,
        "warc_offset": article.warc_offset,
        "warc_digest": article.warc_digest,
        "title_key": article.title_key,
        "content_hash": article.content_hash,
        "search_folded": folded_document(article.title, article.lead, body),
        "search_facets": facet_tokens(
            article.site_key,
            article.published_at,
            category_key,
            (filter_key(author.name) for author, _ in named_authors(article)),
        ),
        "fetched_at": article.fetched_at,
        "stored_at": utcnow(),
    }


def child_rows(article: Article, article_id: int) -> dict[type[Any], list[dict[str, Any]]]:
    """The caption, author and attachment rows of a stored article, in page order."""
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
                "origin": origin,
            }
            for i, (a, origin) in enumerate(named_authors(article))
        ],
        AttachmentRecord: [
            {"article_id": article_id, "position": i, "url": a.url, "title": a.title}
            for i, a in enumerate(article.attachments)
        ],
    }


def named_authors(article: Article) -> list[tuple[Author, str]]:
    """Everyone an article names as its author, once each (case aside), in order: the
    body's byline first, then the CMS's author field; with who names them."""
    named: dict[str, tuple[Author, str]] = {}
    for origin, byline in ((BYLINE_AUTHOR, article.byline), (CMS_AUTHOR, article.cms_author)):
        for author in byline.authors if byline else ():
            key = author.name.casefold()
            if key not in named:
                named[key] = (author, origin)
            elif named[key][1] != origin:
                named[key] = (named[key][0], BYLINE_AND_CMS_AUTHOR)
    return list(named.values())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
