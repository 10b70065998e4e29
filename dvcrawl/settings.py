"""Scrapy settings for dvcrawl. Environment variables are read here and nowhere else.

Polite by default: robots.txt obeyed, one connection per host, a delay between requests
that AutoThrottle stretches when the server slows down, and a User-Agent that names
dvcrawl and how to reach whoever runs it.
"""

import os

from dvcrawl import __version__

BOT_NAME = "dvcrawl"
SPIDER_MODULES = ["dvcrawl.spiders"]
NEWSPIDER_MODULE = "dvcrawl.spiders"

DVCRAWL_DATABASE_URL = os.environ.get("DVCRAWL_DATABASE_URL", "sqlite:///dvcrawl.sqlite3")
DVCRAWL_CONTACT_URL = os.environ.get("DVCRAWL_CONTACT_URL", "")
DVCRAWL_INCREMENTAL_STOP_AFTER = 10
DVCRAWL_FULL = False
# Fetch every archived article of the site again, straight from the database, instead of
# walking listings: how takedowns of articles no listing links to any more are found.
DVCRAWL_RECHECK = False
# With DVCRAWL_RECHECK: only articles not fetched since this ISO date or time ("": all).
DVCRAWL_RECHECK_BEFORE = ""
DVCRAWL_MAX_LISTING_PAGES = 0  # 0: no limit
# An article that keeps failing (5xx, timeouts) is tried by this many crawls, then given up.
DVCRAWL_ARTICLE_MAX_ATTEMPTS = 8
# Seconds a crawl waits for a database that went away (retrying with growing pauses)
# before it closes as "database_unavailable"; the next crawl resumes it.
DVCRAWL_DATABASE_WAIT = 120.0
# Worker processes that extract article pages and normalise their text beside the crawl
# (see dvcrawl.workers); 0: in the crawl's own process. One by default where the machine
# has a core to spare.
DVCRAWL_WORKERS = 1 if (os.cpu_count() or 1) > 1 else 0
# SQLite's page cache for the crawl's writer, in MiB: the index pages a lookup or an insert
# reads; the operating system's own cache keeps the rest of the file.
DVCRAWL_SQLITE_CACHE_MIB = 4
# Discovery reads the sitemaps (robots.txt's, else /sitemap.xml) and the feeds a site's
# front door announces, beside its listings.
DVCRAWL_DISCOVERY_SITEMAPS = True
DVCRAWL_DISCOVERY_FEEDS = True
# A JSON line for every URL discovered and not fetched, with the reason ("": none).
DVCRAWL_SKIP_REPORT = ""
DVCRAWL_PROGRESS_INTERVAL = 0.0  # seconds between progress lines on stderr; 0: off
DVCRAWL_REPLAY_PATHS: list[str] = []
# Where every response is archived as WARC files (relative to where dvcrawl runs); empty: off.
DVCRAWL_WARC_DIR = os.environ.get("DVCRAWL_WARC_DIR", "warcs")
DVCRAWL_WARC_MAX_SIZE = 1_000_000_000  # bytes in a WARC file before the next one starts
DVCRAWL_WARC_REVISITS_ACROSS_CRAWLS = True  # payloads archived by earlier crawls: revisit records


def user_agent(contact: str) -> str:
    reach = f"+{contact}" if contact else "contact not configured; set DVCRAWL_CONTACT_URL"
    return f"dvcrawl/{__version__} (Dân vận news archive crawler; {reach})"


USER_AGENT = user_agent(DVCRAWL_CONTACT_URL)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
# An article page is tens of kilobytes, a very long one a few megabytes. A response past
# DOWNLOAD_MAXSIZE, as sent or once inflated (a gzip bomb), is dropped as PageTooLarge and
# recorded, so no later crawl fetches it again; one past DOWNLOAD_WARNSIZE is kept, and
# counted (Scrapy's defaults, 1 GiB and 32 MiB, would let one page hold a gigabyte).
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_TIMES = 3
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
FEED_EXPORT_ENCODING = "utf-8"
# A response yields one article, or a few small items: Scrapy would start this many tasks
# per response to pass them through the pipelines (100 by default).
CONCURRENT_ITEMS = 1
# Scrapy reads a callback's source again for every response to warn of a generator that
# returns a value (its cache keeps bound methods only while they live); dvcrawl's callbacks
# return none, and the check cost more than a tenth of the crawl's own time.
WARN_ON_GENERATOR_RETURN_VALUE = False

DOWNLOADER_MIDDLEWARES = {
    # Next to the downloader: raw bodies, redirects and retried attempts as received.
    "dvcrawl.warc.capture.WarcCaptureMiddleware": 950,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "dvcrawl.middlewares.QuickMetaRefreshMiddleware": 580,
    # Scrapy's decompression, its failures named (over the size limit, a corrupt body).
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "dvcrawl.middlewares.SizeCheckedCompressionMiddleware": 590,
}

SPIDER_MIDDLEWARES = {
    # Request depth is neither limited nor used: a layer fewer around every callback's output.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}

ITEM_PIPELINES = {
    "dvcrawl.pipelines.validate.ValidatePipeline": 200,
    "dvcrawl.pipelines.dedupe.DedupePipeline": 300,
    "dvcrawl.pipelines.store.StorePipeline": 400,
}

EXTENSIONS = {
    "dvcrawl.extensions.progress.ProgressReporter": 510,
}

ADDONS = {"dvcrawl.replay.ReplayAddon": 0}
LOG_FORMATTER = "dvcrawl.logformatter.ArchiveLogFormatter"
