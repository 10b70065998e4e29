"""Items produced by the spider: one ``Article`` per article page.

Every field has a default, because item loaders fill fields one at a time; a field
that the page lacks keeps its empty default and nothing is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dvcrawl.text.bylines import Byline


@dataclass(frozen=True, slots=True)
class Caption:
    """An image caption as printed under or beside its image."""

    text: str
    image_url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"image_url": self.image_url, "text": self.text}


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document linked from the article (PDF, DOC, XLS …)."""

    url: str
    title: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "url": self.url}


@dataclass(frozen=True, slots=True)
class PageDrop:
    """Why an article page is dropped: it holds no article (the site's "not found" page, a
    block or a bot check, an empty template), or it could not be read whole (over a size
    limit, an extraction that failed)."""

    reason: str
    """The drop's name, as the crawl counts it (``SoftNotFound``, ``PageTooLarge`` …)."""
    detail: str


@dataclass(kw_only=True)
class Article:
    """One news article as extracted from one page.

    Text fields hold the text as published (after cleaning); ``title_key`` and
    ``content_hash`` are derived by the normalise pipeline for dedupe and search.
    """

    url: str | None = None
    """The URL the page was fetched from (after redirects)."""
    canonical_url: str | None = None
    """``<link rel=canonical>`` or ``og:url`` when the page gives one, else ``url``."""
    site_key: str | None = None
    """Key of the site profile in the registry (``binh-phuoc``), or the host for ad-hoc crawls."""
    site_article_id: str | None = None
    """The site's own id of the article, where its URL scheme carries one."""
    title: str | None = None
    lead: str | None = None
    """The sapo: the lead paragraph printed apart from the body."""
    published_at: datetime | None = None
    """Publication time, timezone-aware (+07:00). ``None`` when the page states none."""
    published_raw: str | None = None
    """The date string exactly as found, for audits and re-parsing."""
    published_source: str | None = None
    """Where ``published_raw`` was found: the selector or JSON key that held it."""
    body: list[str] = field(default_factory=list)
    """Body paragraphs, without captions, byline and page chrome."""
    captions: list[Caption] = field(default_factory=list)
    byline: Byline | None = None
    """The byline printed in the body (its last paragraphs, or its first), taken out of
    ``body``: ``raw`` is the paragraph as printed ("Bài, ảnh: Hồng Thắm"; two lines joined
    by a newline when, say, a name and a "Theo …" line close the text), split into authors,
    organisation, source, role, photo credit and qualifier."""
    cms_author: Byline | None = None
    """The CMS's own author field ("Tác giả:", "Tác giả bài viết:"), its label removed:
    ``raw`` as printed, split like a byline where it reads as one."""
    cms_source: str | None = None
    """The CMS's own source field ("Nguồn tin:"), its label removed."""
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    image_urls: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    fetched_at: datetime | None = None
    """When the page was received, timezone-aware (UTC)."""
    family: str | None = None
    """Platform family whose rules parsed the page (``nukeviet``)."""
    parser_revision: str | None = None
    """``<family>@<revision>/<site>@<revision>``: which rules produced this row."""
    warc_file: str | None = None
    """The WARC file (named relative to the WARC folder) holding the response parsed."""
    warc_offset: int | None = None
    """Byte offset of that response's record in ``warc_file``."""
    warc_digest: str | None = None
    """Payload digest of that record (``sha1:<BASE32>``); all three are None without capture."""
    title_key: str | None = None
    body_key: str | None = None
    content_hash: str | None = None
    dropped: PageDrop | None = None
    """Why the page is dropped whatever it extracts to (it holds no article, or could not
    be read whole): such an article is never stored."""

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with sorted keys (the form of fixtures' ``expected.json``)."""
        data: dict[str, object] = {
            "attachments": [a.to_dict() for a in self.attachments],
            "body": list(self.body),
            "byline": self.byline.to_dict() if self.byline else None,
            "canonical_url": self.canonical_url,
            "captions": [c.to_dict() for c in self.captions],
            "category": self.category,
            "cms_author": self.cms_author.to_dict() if self.cms_author else None,
            "cms_source": self.cms_source,
            "image_urls": list(self.image_urls),
            "lead": self.lead,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "published_raw": self.published_raw,
            "published_source": self.published_source,
            "site_article_id": self.site_article_id,
            "site_key": self.site_key,
            "tags": list(self.tags),
            "title": self.title,
            "url": self.url,
        }
        return dict(sorted(data.items()))


@dataclass(frozen=True, kw_only=True, slots=True)
class ArticleGone:
    """An archived article the site no longer shows: it answered 404 or 410, or redirected
    to a page that is not that article on the site."""

    site_key: str
    url: str
    """The archived URL that was requested."""
    kind: str
    """``taken_down`` or ``redirected_away``."""
    http_status: int | None
    location: str | None = None
    """Where it redirected, or where the 404 came from after redirects."""
    warc_file: str | None = None
    warc_offset: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class ListingProgress:
    """Where the walk of one listing stands, as the frontier keeps it between crawls."""

    key: str
    first_url: str
    section: str = ""
    secondary: bool = False
    pages_read: int = 0
    resume_url: str | None = None
    """The page to read next; None once the walk has ended."""
    backfill_complete: bool = False
    """Whether a walk has ever read the listing to its last page."""
    end: str | None = None
    """Why the walk ended, if it has (``dvcrawl.discovery.walk.WalkEnd``)."""


@dataclass(kw_only=True)
class FrontierUpdate:
    """What a crawl found and how far it walked since the last update: the articles found
    (site id, URL) and the walks that moved. The store pipeline keeps it in one
    transaction, so a crawl cut off anywhere is picked up by the next from there."""

    site_key: str
    articles: list[tuple[str, str]] = field(default_factory=list)
    listings: list[ListingProgress] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True, slots=True)
class ArticleFailure:
    """An article page that could not be fetched (after Scrapy's retries): it stays pending
    for the next crawls, or is given up at once when ``permanent`` (a 404)."""

    site_key: str
    key: str
    url: str
    error: str
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class ListingPage:
    """What a listing page offers: article links in page order, and the next page."""

    article_urls: tuple[str, ...]
    next_page: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"article_urls": list(self.article_urls), "next_page": self.next_page}
