"""Each pipeline on its own, the crawl record's counts, and the alarms a crawl raises when
a site's layout changes or its pages hold no article."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import run_dvcrawl

from dvcrawl.items import Article, Caption, PageDrop
from dvcrawl.outcomes import crawl_alarms, outcome_counts
from dvcrawl.parsing.extracted import extract_article_page
from dvcrawl.parsing.normalize import normalize_article
from dvcrawl.pipelines.dedupe import DedupePipeline, DuplicateArticleId, DuplicateContent
from dvcrawl.pipelines.validate import (
    PAGE_DROPS,
    MissingBody,
    MissingTitle,
    NaiveDatetime,
    NotAnArticle,
    Unreadable,
    validate_article,
)
from dvcrawl.sites import get_site
from dvcrawl.text import Byline


def article(**fields: object) -> Article:
    values: dict[str, object] = {
        "url": "http://www.danvan.vn/Home/Dan-van-kheo/1/A",
        "canonical_url": "http://www.danvan.vn/Home/Dan-van-kheo/1/A",
        "site_key": "danvan",
        "site_article_id": "1",
        "title": "Dân vận khéo",
        "body": ["Đoạn một."],
        "fetched_at": datetime(2026, 11, 20, tzinfo=UTC),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def test_normalize_cleans_every_text_field_and_keys_the_content() -> None:
    raw = article(
        title="Ban\u00a0Dân vận\u200b ",
        body=["  Đoạn\u00a0một. ", "\u00a0", "Tỉnh\u200b ủy"],
        captions=[Caption(" Quang cảnh\u00a0hội nghị ", None), Caption("\u200b", None)],
        byline=Byline(raw=" Lê\u00a0Dũng Toàn "),
        tags=["dân vận", " dân vận ", ""],
    )
    clean = normalize_article(raw)
    assert clean.title == "Ban Dân vận"
    assert clean.body == ["Đoạn một.", "Tỉnh ủy"]
    assert [c.text for c in clean.captions] == ["Quang cảnh hội nghị"]
    assert clean.byline is not None
    assert clean.byline.raw == "Lê Dũng Toàn"
    assert clean.tags == ["dân vận"]
    assert clean.content_hash is not None
    assert len(clean.content_hash) == 64


def test_tone_style_and_byline_do_not_change_the_content_hash() -> None:
    modern = normalize_article(article(title="Hòa Bình", body=["Thủy lợi."]))
    old_style = normalize_article(
        article(title="Hoà Bình", body=["Thuỷ lợi."], byline=Byline(raw="PV"))
    )
    other = normalize_article(article(title="Hòa Bình", body=["Thủy điện."]))
    republished = normalize_article(
        article(title="Hòa Bình", body=["Ảnh: TTXVN", "Thủy lợi.", "(Theo danvan.vn)"])
    )
    assert modern.content_hash == old_style.content_hash
    assert modern.content_hash == republished.content_hash
    assert modern.content_hash != other.content_hash


def test_extraction_says_which_fields_normalising_changed() -> None:
    """The title is in TCVN3 (a legacy font encoding): normalising converts it."""
    html = "<html><body><h1 class='title'>C«ng t¸c d©n vËn</h1></body></html>"
    extracted = extract_article_page(
        get_site("danvan"), "http://www.danvan.vn/Home/x/1/a", html.encode(), {}, 200
    )
    assert extracted.article.title == "Công tác dân vận"
    assert extracted.normalized == ("title",)


@pytest.mark.parametrize(
    ("fields", "drop"),
    [
        ({"title": None}, MissingTitle),
        ({"body": []}, MissingBody),
        ({"published_at": datetime(2024, 4, 14, 8, 30)}, NaiveDatetime),
    ],
    ids=["no title", "no body", "naive date"],
)
def test_validation_drops_are_named_by_reason(fields: dict[str, object], drop: type) -> None:
    with pytest.raises(drop):
        validate_article(article(**fields))


@pytest.mark.parametrize("reason", sorted(PAGE_DROPS))
def test_a_page_drop_is_raised_under_its_own_name_whatever_was_extracted(reason: str) -> None:
    dropped = article(dropped=PageDrop(reason, "why"))
    with pytest.raises(PAGE_DROPS[reason], match="why") as raised:
        validate_article(dropped)
    assert type(raised.value).__name__ == reason
    # A page either holds no article (fetched again later) or could not be read (visited).
    assert isinstance(raised.value, NotAnArticle) != isinstance(raised.value, Unreadable)


def test_an_unknown_page_drop_is_a_bug_not_a_silent_pass() -> None:
    with pytest.raises(ValueError, match="no such page drop: 'Gone'"):
        validate_article(article(dropped=PageDrop("Gone", "why")))


def test_dedupe_within_one_crawl() -> None:
    pipeline = DedupePipeline()
    first = normalize_article(article())
    pipeline.process_item(first)
    same_id = normalize_article(
        article(
            url="http://www.danvan.vn/home/x/1/A", canonical_url="http://www.danvan.vn/home/x/1/A"
        )
    )
    with pytest.raises(DuplicateArticleId):
        pipeline.process_item(same_id)
    repost = normalize_article(
        article(
            url="http://www.danvan.vn/Home/x/2/B",
            canonical_url="http://www.danvan.vn/Home/x/2/B",
            site_article_id="2",
        )
    )
    with pytest.raises(DuplicateContent):
        pipeline.process_item(repost)


def test_counts_and_alarms_from_stats() -> None:
    stats = {
        "downloader/request_count": 12,
        "dvcrawl/pages/listing": 2,
        "dvcrawl/pages/article": 8,
        "dvcrawl/stored": 3,
        "item_dropped_reasons_count/DuplicateUrl": 1,
        "item_dropped_reasons_count/MissingTitle": 4,
        "httperror/response_ignored_count": 2,
    }
    counts = outcome_counts(stats)
    assert counts["duplicates"] == 1
    assert counts["errors"] == 2
    assert crawl_alarms(stats) == ["4 of 8 article pages had no title or no body"]
    stats["item_dropped_reasons_count/MissingTitle"] = 3
    assert crawl_alarms(stats) == []
    offline = {"dvcrawl/download_failed/DownloadTimeoutError": 2, "downloader/request_count": 8}
    assert crawl_alarms(offline) == ["no listing page could be fetched (2 errors)"]


def test_errors_are_counted_once_each_and_by_reason() -> None:
    stats = {
        "dvcrawl/pages/listing": 1,
        # Scrapy counts a spider exception in all and by class.
        "spider_exceptions/count": 3,
        "spider_exceptions/RecursionError": 2,
        "spider_exceptions/KeyError": 1,
        "dvcrawl/listing_failed/RecursionError": 1,
        "httperror/response_ignored_count": 3,
        "httperror/response_ignored_status_count/404": 1,
        "httperror/response_ignored_status_count/503": 2,
        # A 503 given up on is counted by the retry middleware too: not a second error.
        "retry/max_reached": 2,
        "dvcrawl/download_failed/CorruptBody": 1,
        "dvcrawl/download_failed/DownloadTimeoutError": 2,
        "robotstxt/exception_count/<class 'scrapy.exceptions.CannotResolveHostError'>": 1,
        "dvcrawl/item_errors": 1,
    }
    counts = outcome_counts(stats)
    assert counts["errors"] == 3 + 3 + 4 + 1 + 1
    assert counts["error_kinds"] == {
        "http": 3,
        "download": 4,
        "spider": 4,
        "pipeline": 1,
        "http/404": 1,
        "http/503": 2,
        "download/CorruptBody": 1,
        "download/DownloadTimeoutError": 2,
        "download/robots.txt:CannotResolveHostError": 1,
        "spider/KeyError": 1,
        "spider/RecursionError": 2,
        "spider/listing:RecursionError": 1,
    }


def test_pages_dropped_unread_are_counted_by_reason() -> None:
    stats = {
        "item_dropped_reasons_count/PageTooLarge": 1,
        "item_dropped_reasons_count/ExtractionFailed": 2,
        "item_dropped_reasons_count/DuplicateUrl": 1,
        "dvcrawl/skipped/trap": 2,
        "urllength/request_ignored_count": 1,
    }
    counts = outcome_counts(stats)
    assert counts["dropped"] == {"PageTooLarge": 1, "ExtractionFailed": 2, "DuplicateUrl": 1}
    assert counts["duplicates"] == 1
    assert counts["skipped"] == 3


def test_pages_that_hold_no_article_raise_an_alarm_when_they_are_most() -> None:
    stats: dict[str, int] = {
        "dvcrawl/pages/listing": 3,
        "dvcrawl/pages/article": 10,
        "item_dropped_reasons_count/ChallengePage": 4,
        "item_dropped_reasons_count/BlockedPage": 1,
        # Could not be read: not what the alarm counts.
        "item_dropped_reasons_count/PageTooLarge": 2,
    }
    assert crawl_alarms(stats) == []  # half of the pages: not more
    stats["item_dropped_reasons_count/SoftNotFound"] = 1
    assert crawl_alarms(stats) == [
        "6 of 10 article pages held no article (BlockedPage 1, ChallengePage 4, SoftNotFound 1)"
    ]
    few = {"dvcrawl/pages/listing": 1, "dvcrawl/pages/article": 3}
    few["item_dropped_reasons_count/ChallengePage"] = 3
    assert crawl_alarms(few) == []  # too few pages to judge by


def test_a_listing_without_article_links_raises_the_layout_alarm(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text(
        "<html><body><div class='redesigned'>Trang đang nâng cấp</div></body></html>",
        encoding="utf-8",
    )
    manifest = {
        "site": "danvan",
        "responses": [
            {"url": url, "file": "empty.html", "headers": {"Content-Type": "text/html"}}
            for url in (
                "http://www.danvan.vn/Home/Tin-hoat-dong/Dia-phuong-don-vi",
                "http://www.danvan.vn/Home/Dan-van-kheo",
            )
        ],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    result = run_dvcrawl(
        "crawl", "danvan", "--replay", str(tmp_path), "--db", str(tmp_path / "c.sqlite3"),
        "--delay", "0", "--progress", "0",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    assert "ALARM: a listing's first page offered no article link" in result.stdout
    assert "has the layout of danvan changed?" in result.stderr


def test_a_date_after_the_fetch_is_not_taken_as_the_publication_date() -> None:
    from dvcrawl.parsing import parse_article
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites import get_site

    html = (
        "<html><head><meta property='article:published_time' content='2030-01-01T08:00:00+07:00'>"
        "</head><body><div class='news-detail'><h1>Tin</h1><div class='news-content'><p>Một.</p>"
        "</div></div></body></html>"
    )
    page = Page.from_bytes(
        "http://www.danvan.vn/Home/Dan-van-kheo/5/Tin",
        html.encode(),
        fetched_at=datetime(2026, 11, 20, tzinfo=UTC),
    )
    parsed = parse_article(page, get_site("danvan"))
    assert parsed.published_at is None
    assert parsed.published_raw == "2030-01-01T08:00:00+07:00"
