"""What a crawl came to, read from its stats: counts by outcome, revisits, alarms.

The crawl record stores these, the summary line and the progress lines print them.
"""

from __future__ import annotations

import re
from typing import Any

from dvcrawl.pipelines.validate import NOT_ARTICLE_DROPS

DROP_PREFIX = "item_dropped_reasons_count/"
# URLs discovered and not fetched, by reason (dvcrawl.discovery.grammar.Skip).
SKIPPED_PREFIX = "dvcrawl/skipped/"
LAYOUT_DROPS = ("MissingTitle", "MissingBody")
LAYOUT_ALARM_SHARE = 0.5
LAYOUT_ALARM_MIN_PAGES = 4
# More than this share of the article pages held no article (blocks, bot checks, "not
# found" pages): the crawl is being turned away, or the site is gone.
NOT_ARTICLE_ALARM_SHARE = 0.5
# Errors by kind, each counted once: what the crawl's stats count them under.
HTTP_ERRORS = "httperror/response_ignored_status_count/"
DOWNLOAD_FAILED = "dvcrawl/download_failed/"
SPIDER_ERRORS = "spider_exceptions/"
LISTING_FAILED = "dvcrawl/listing_failed/"
# robots.txt is fetched by Scrapy's middleware, which counts its failures by class:
# "robotstxt/exception_count/<class 'twisted.internet.error.DNSLookupError'>".
ROBOTS_ERRORS = "robotstxt/exception_count/"
CLASS_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)'?>?$")


def crawl_alarms(stats: dict[str, Any]) -> list[str]:
    """Signs that a site moved, went offline or changed its layout: said loudly, never hidden
    behind a crawl that merely stored less and less."""
    counts = outcome_counts(stats)
    alarms = []
    if stats.get("dvcrawl/mode") == "recheck":
        # A recheck fetches no listing; what it must reach is the archived articles.
        reached = counts["article_pages"] + sum(revisit_counts(stats).values())
        if counts["errors"] and not reached:
            alarms.append(f"no archived article could be fetched ({counts['errors']} errors)")
    elif counts["errors"] and not counts["listing_pages"]:
        alarms.append(f"no listing page could be fetched ({counts['errors']} errors)")
    if stats.get("dvcrawl/listing/empty_first_page"):
        alarms.append("a listing's first page offered no article link")
    invalid = sum(counts["dropped"].get(reason, 0) for reason in LAYOUT_DROPS)
    pages = counts["article_pages"]
    if pages >= LAYOUT_ALARM_MIN_PAGES and invalid / pages >= LAYOUT_ALARM_SHARE:
        alarms.append(f"{invalid} of {pages} article pages had no title or no body")
    not_articles = {
        reason: counts["dropped"][reason]
        for reason in NOT_ARTICLE_DROPS
        if counts["dropped"].get(reason)
    }
    refused = sum(not_articles.values())
    if pages >= LAYOUT_ALARM_MIN_PAGES and refused / pages > NOT_ARTICLE_ALARM_SHARE:
        kinds = ", ".join(f"{reason} {n}" for reason, n in sorted(not_articles.items()))
        alarms.append(f"{refused} of {pages} article pages held no article ({kinds})")
    return alarms


def outcome_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl record's counts, from the crawl's stats.

    ``dropped`` counts the pages dropped by reason (``PageTooLarge``, ``SoftNotFound`` …).
    ``error_kinds`` counts the errors of each kind once (``http``, ``download``,
    ``spider``, ``pipeline``), and each kind by reason beside it (``http/503``,
    ``download/DownloadTimeoutError``, ``spider/RecursionError``, ``spider/listing:…`` for
    a listing page that could not be read); ``errors`` is their sum.
    """
    dropped = _by_reason(stats, DROP_PREFIX)
    duplicates = sum(n for reason, n in dropped.items() if reason.startswith("Duplicate"))
    duplicates += dropped.get("StoreConflict", 0)
    listings_failed = _by_reason(stats, LISTING_FAILED)
    reasons = {
        "http": _by_reason(stats, HTTP_ERRORS),
        "download": _by_reason(stats, DOWNLOAD_FAILED) | _robots_errors(stats),
        # Scrapy counts each spider exception twice: in all (count) and by class.
        "spider": {k: v for k, v in _by_reason(stats, SPIDER_ERRORS).items() if k != "count"}
        | {f"listing:{k}": v for k, v in listings_failed.items()},
        "pipeline": {},
    }
    error_kinds: dict[str, int] = {
        "http": stats.get("httperror/response_ignored_count", 0),
        "download": sum(reasons["download"].values()),
        "spider": stats.get(SPIDER_ERRORS + "count", 0) + sum(listings_failed.values()),
        "pipeline": stats.get("dvcrawl/item_errors", 0),
    }
    errors = sum(error_kinds.values())
    for kind, counts in reasons.items():
        error_kinds.update({f"{kind}/{reason}": n for reason, n in sorted(counts.items())})
    skipped = sum(v for k, v in stats.items() if k.startswith(SKIPPED_PREFIX))
    # Requests Scrapy refused for their length (the frontier skips such links as traps).
    skipped += stats.get("urllength/request_ignored_count", 0)
    return {
        "requests": stats.get("downloader/request_count", 0),
        "skipped": skipped,
        "pending": stats.get("dvcrawl/frontier/pending", 0),
        "listing_pages": stats.get("dvcrawl/pages/listing", 0),
        "article_pages": stats.get("dvcrawl/pages/article", 0),
        "stored": stats.get("dvcrawl/stored", 0),
        "duplicates": duplicates,
        "dropped": dropped,
        "errors": errors,
        "error_kinds": error_kinds,
    }


def _by_reason(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}


def _robots_errors(stats: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for kind, n in _by_reason(stats, ROBOTS_ERRORS).items():
        found = CLASS_NAME.search(kind)
        reason = f"robots.txt:{found.group(1) if found else kind}"
        counts[reason] = counts.get(reason, 0) + n
    return counts


REVISIT_PREFIX = "dvcrawl/revisit/"
# What fetching an archived article again found, in the order a summary names them.
REVISIT_OUTCOMES = {
    "edited": "edited",
    "unchanged": "unchanged",
    "restored": "restored",
    "taken_down": "taken down",
    "redirected_away": "redirected away",
    "still_gone": "still gone",
}


def revisit_counts(stats: dict[str, Any]) -> dict[str, int]:
    """Archived articles fetched again (``--full``), by what was found; kept in the crawl
    record's ``stats`` as ``dvcrawl/revisit/<outcome>``."""
    return {
        outcome: stats[REVISIT_PREFIX + outcome]
        for outcome in REVISIT_OUTCOMES
        if stats.get(REVISIT_PREFIX + outcome)
    }


def jsonable(value: Any) -> Any:
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
