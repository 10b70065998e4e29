"""What a crawl came to, read from its stats: counts by outcome, revisits, alarms.

The crawl record stores these, the summary line and the progress lines print them.
"""

from __future__ import annotations

from typing import Any

DROP_PREFIX = "item_dropped_reasons_count/"
# URLs discovered and not fetched, by reason (dvcrawl.discovery.grammar.Skip).
SKIPPED_PREFIX = "dvcrawl/skipped/"
LAYOUT_DROPS = ("MissingTitle", "MissingBody")
LAYOUT_ALARM_SHARE = 0.5
LAYOUT_ALARM_MIN_PAGES = 4


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
    return alarms


def outcome_counts(stats: dict[str, Any]) -> dict[str, Any]:
    """The crawl record's counts, from the crawl's stats."""
    dropped = {
        key.removeprefix(DROP_PREFIX): value
        for key, value in stats.items()
        if key.startswith(DROP_PREFIX)
    }
    duplicates = sum(n for reason, n in dropped.items() if reason.startswith("Duplicate"))
    duplicates += dropped.get("StoreConflict", 0)
    error_kinds = {
        "http": stats.get("httperror/response_ignored_count", 0),
        "download": stats.get("retry/max_reached", 0),
        "spider": sum(v for k, v in stats.items() if k.startswith("spider_exceptions/")),
        "pipeline": stats.get("dvcrawl/item_errors", 0),
    }
    skipped = sum(v for k, v in stats.items() if k.startswith(SKIPPED_PREFIX))
    return {
        "requests": stats.get("downloader/request_count", 0),
        "skipped": skipped,
        "pending": stats.get("dvcrawl/frontier/pending", 0),
        "listing_pages": stats.get("dvcrawl/pages/listing", 0),
        "article_pages": stats.get("dvcrawl/pages/article", 0),
        "stored": stats.get("dvcrawl/stored", 0),
        "duplicates": duplicates,
        "dropped": dropped,
        "errors": sum(error_kinds.values()),
        "error_kinds": error_kinds,
    }


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
