"""An article's text as it is stored: every text field cleaned, and the dedupe keys.

Part of the one extraction chain (``dvcrawl.parsing.extracted.extract_article``): the crawl,
re-extraction and the tests all store what it gives."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from dvcrawl.items import Article, Caption
from dvcrawl.text import Byline, clean_text, fix_legacy, split_byline, text_key

TEXT_FIELDS = ("title", "lead", "category", "published_raw")


def stored_text(text: str) -> str:
    """The stored text layer: legacy encodings converted first (TCVN3's soft-hyphen byte is
    the letter ư, which cleaning would delete), then cleaned."""
    return clean_text(fix_legacy(text))


def normalize_article(article: Article) -> Article:
    """The article as it will be stored: cleaned text plus ``title_key``, ``body_key`` and hash."""
    updates: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = getattr(article, name)
        if value is not None:
            updates[name] = stored_text(value) or None
    updates["body"] = [text for paragraph in article.body if (text := stored_text(paragraph))]
    updates["tags"] = list(dict.fromkeys(t for tag in article.tags if (t := stored_text(tag))))
    updates["captions"] = [
        Caption(text=text, image_url=c.image_url)
        for c in article.captions
        if (text := stored_text(c.text))
    ]
    if article.byline is not None:
        updates["byline"] = _clean_byline(article.byline)
    if article.cms_author is not None:
        updates["cms_author"] = _clean_byline(article.cms_author)
    if article.cms_source is not None:
        updates["cms_source"] = stored_text(article.cms_source) or None
    result = replace(article, **updates)
    result.title_key = text_key(result.title) if result.title else None
    result.body_key = text_key("\n".join(result.body)) if result.body else None
    # A copy that adds "Theo danvan.vn", "Ảnh: TTXVN" or another byline is the same text.
    prose = [paragraph for paragraph in result.body if split_byline(paragraph) is None]
    prose_key = result.body_key if len(prose) == len(result.body) else text_key("\n".join(prose))
    result.content_hash = content_hash(result.title_key, prose_key)
    return result


def content_hash(title_key: str | None, body_key: str | None) -> str | None:
    """SHA-256 of the keyed title and body, or None when both are empty."""
    if not title_key and not body_key:
        return None
    material = f"{title_key or ''}\n{body_key or ''}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _clean_byline(byline: Byline) -> Byline:
    def clean(value: str | None) -> str | None:
        return (stored_text(value) or None) if value is not None else None

    return replace(
        byline,
        raw=stored_text(byline.raw),
        authors=tuple(replace(a, name=stored_text(a.name)) for a in byline.authors),
        organisation=clean(byline.organisation),
        source=clean(byline.source),
        role=clean(byline.role),
        photo=clean(byline.photo),
        qualifier=clean(byline.qualifier),
    )


def changed_fields(before: Article, after: Article) -> tuple[str, ...]:
    """The text fields normalising changed (the crawl counts them per field)."""
    return tuple(
        name for name in (*TEXT_FIELDS, "body") if getattr(after, name) != getattr(before, name)
    )
