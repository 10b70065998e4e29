"""The ``dvcrawl`` command: crawl sites, list them, report on the corpus, manage its schema."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

from dvcrawl import __version__
from dvcrawl.search.engine import RANK_WINDOW
from dvcrawl.settings import user_agent
from dvcrawl.sites import (
    SITES,
    UNDETECTED,
    UnknownFamily,
    UnknownSite,
    adhoc_profile,
    get_site,
    site_for_url,
    with_seeds,
)
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.storage.db import (
    DEFAULT_DATABASE_URL,
    DatabaseError,
    DatabaseURLError,
    check_url,
    database_errors,
    error_line,
)
from dvcrawl.text import VIETNAM_TZ


def usable_database_url(url: str) -> str:
    """``url``, once its form, port, scheme and driver are known to be usable: a wrong one
    is a usage error, told in one line that never repeats its secrets."""
    try:
        check_url(url)
    except DatabaseURLError as exc:
        fail(str(exc), 2)
    return url


def _checked_database_url(_context: click.Context, _parameter: click.Parameter, url: str) -> str:
    return usable_database_url(url)


DB_OPTION = click.option(
    "--db",
    "database_url",
    envvar="DVCRAWL_DATABASE_URL",
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    callback=_checked_database_url,
    help="Database URL (sqlite:///FILE or postgresql://...), or a path to a SQLite file. "
    "Also read from DVCRAWL_DATABASE_URL.",
)


def output_option(help_text: str | None = None) -> Callable[[Callable[..., Any]], Any]:
    """``--format table|json``, as the commands that print a result share it."""
    return click.option(
        "--format",
        "output",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help=help_text,
    )


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"dvcrawl: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def database_failures(url: str, action: str = "use") -> Iterator[None]:
    """A database that fails inside the block ends the command with one line and exit 1."""
    try:
        with database_errors(url, action):
            yield
    except DatabaseError as exc:
        fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dvcrawl")
def main() -> None:
    """Archive the news of Vietnam's Party Dân vận commissions.

    dvcrawl walks each site's news listings, extracts every article (date, title, lead,
    body, captions, byline), and stores the corpus in SQLite (the default) or Postgres.
    """


@main.command()
@click.argument("sites", nargs=-1, metavar="[SITE|URL]...")
@click.option("--all", "all_sites", is_flag=True, help="Crawl every registered site.")
@click.option("--family", help="Platform family of a site that has no profile yet.")
@click.option(
    "--start-url",
    "start_urls",
    multiple=True,
    metavar="URL",
    help="With --family: a URL to start from, the front door or a listing (repeatable); "
    "discovery goes on from there and from the site's home page.",
)
@click.option("--key", "site_key", help="With --family: the key to store the site under.")
@DB_OPTION
@click.option("--full", is_flag=True, help="Walk every listing page and fetch every article again.")
@click.option(
    "--recheck",
    is_flag=True,
    help="Walk no listing: fetch every archived article of the site again, straight from "
    "the database, and record what became of it (edited, unchanged, taken down, "
    "redirected away, restored). Finds takedowns the listings no longer show.",
)
@click.option(
    "--recheck-before",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
    default=None,
    metavar="DATE",
    help="With --recheck: only articles not fetched since DATE (YYYY-MM-DD or "
    "YYYY-MM-DDTHH:MM, Vietnam time).",
)
@click.option(
    "--stop-after",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Incremental: stop paging a listing after this many consecutive archived articles "
    "(a page that offers nothing new stops it too).",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=0),
    default=0,
    help="Page at most this many pages of each listing (0: no limit).",
)
@click.option(
    "--replay",
    "replay_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Answer requests from recorded responses instead of the network: WARC files "
    "(.warc, .warc.gz), folders of them, or a folder with manifest.json (repeatable). "
    "A URL recorded several times is served in recording order; an unrecorded URL gets 404.",
)
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Archive every response as WARC files in this folder (default: DVCRAWL_WARC_DIR, "
    "else ./warcs; a --replay crawl archives nothing unless this is given).",
)
@click.option("--no-warc", is_flag=True, help="Archive no response (no WARC files).")
@click.option(
    "--skip-report",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE",
    help="Write every URL the crawl found and did not fetch, with the reason (offsite, "
    "robots, other_language, not_article_or_listing, trap, already_known, covered, "
    "secondary_listing), as JSON lines to FILE.",
)
@click.option(
    "--contact",
    envvar="DVCRAWL_CONTACT_URL",
    default="",
    help="URL or e-mail put in the User-Agent so site owners can reach you. "
    "Also read from DVCRAWL_CONTACT_URL.",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds between requests to one host (default 1, stretched by AutoThrottle; "
    "0 with --replay).",
)
@click.option(
    "--progress",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds between progress lines on stderr (0: none).",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More of Scrapy's log: -v info and tracebacks, -vv debug.",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set any Scrapy or DVCRAWL_* setting (repeatable).",
)
def crawl(
    sites: Sequence[str],
    all_sites: bool,
    family: str | None,
    start_urls: Sequence[str],
    site_key: str | None,
    database_url: str,
    full: bool,
    recheck: bool,
    recheck_before: datetime | None,
    stop_after: int,
    max_pages: int,
    replay_paths: Sequence[str],
    warc_dir: str | None,
    no_warc: bool,
    skip_report: str | None,
    contact: str,
    delay: float | None,
    progress: float,
    verbose: int,
    overrides: Sequence[str],
) -> None:
    """Crawl one site, several, or --all, into the database.

    \b
    Examples:
      dvcrawl crawl binh-phuoc
      dvcrawl crawl https://tinhuy.example.vn/
      dvcrawl crawl --all --db postgresql://localhost/dvcrawl
      dvcrawl crawl --family nukeviet --start-url https://tinhuy.example.vn/news/
      dvcrawl crawl binh-phuoc --recheck --recheck-before 2026-01-01

    A site is a registered key (see `dvcrawl sites`) or a URL. A URL of a registered
    site crawls that site, starting there too; any other URL is read first to recognise
    its platform family (as `dvcrawl detect` does), and the site is stored under its host.

    Every crawl starts at the site's front door and finds the rest itself: the sitemaps
    robots.txt names, the category listings its pages link to (each walked to its last
    page), and the articles they list. Where every sitemap is shorter than its CMS's limit
    and lists every article the pages link to, the listings are not walked at all.

    A --recheck crawl revisits what is archived instead of the listings: each archived
    article is requested again, politely (same delays, robots.txt, WARC capture), so
    edits and takedowns are recorded even once a site stops linking to the article.
    """
    profiles = _profiles(sites, all_sites, family, start_urls, site_key)
    if recheck and full:
        fail("give --recheck or --full, not both", 2)
    if recheck_before is not None and not recheck:
        fail("--recheck-before needs --recheck", 2)
    if warc_dir is not None and no_warc:
        fail("give --warc-dir or --no-warc, not both", 2)
    from dvcrawl.crawling import CrawlOptions, crawl_settings, run_crawls
    from dvcrawl.storage.db import prepare

    settings_given = _parse_overrides(overrides)
    if "DVCRAWL_DATABASE_URL" in settings_given:
        database_url = usable_database_url(settings_given.pop("DVCRAWL_DATABASE_URL"))
    with database_failures(database_url, "open"):
        prepare(database_url)
    options = CrawlOptions(
        database_url=database_url,
        full=full,
        recheck=recheck,
        recheck_before=(
            recheck_before.replace(tzinfo=VIETNAM_TZ).isoformat() if recheck_before else ""
        ),
        stop_after=stop_after,
        max_pages=max_pages,
        replay_paths=tuple(replay_paths),
        warc_dir="" if no_warc else warc_dir,
        user_agent=user_agent(contact),
        # A replay has no server to spare: no delay unless one is asked for.
        delay=0.0 if delay is None and replay_paths else delay,
        progress=progress,
        skip_report=skip_report or "",
        log_level=("WARNING", "INFO", "DEBUG")[min(verbose, 2)],
        tracebacks=verbose > 0,
        overrides=settings_given,
    )
    _check_warc_dir(crawl_settings(options).get("DVCRAWL_WARC_DIR") or "")
    if skip_report:
        try:
            Path(skip_report).write_text("", encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write the skip report {skip_report}: {exc.strerror or exc}")
    if not contact and not replay_paths:
        click.echo(
            "dvcrawl: note: no --contact given; site owners cannot reach you from the User-Agent",
            err=True,
        )
    results = run_crawls(profiles, options)
    for result in results:
        click.echo(result.summary())
    if not all(result.healthy for result in results):
        sys.exit(1)


def _profiles(
    sites: Sequence[str],
    all_sites: bool,
    family: str | None,
    start_urls: Sequence[str],
    site_key: str | None,
) -> list[SiteProfile]:
    if family or start_urls:
        if not (family and start_urls):
            fail("an ad-hoc crawl needs both --family and --start-url", 2)
        if sites or all_sites:
            fail("give registered sites or --family/--start-url, not both", 2)
        for url in start_urls:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                fail(f"not an http(s) URL: {url!r}", 2)
        try:
            return [adhoc_profile(family, list(start_urls), key=site_key)]
        except (UnknownFamily, ValueError) as exc:
            fail(str(exc), 2)
    if all_sites:
        if sites:
            fail("give site keys or --all, not both", 2)
        return list(SITES.values())
    if not sites:
        fail("name a site (see `dvcrawl sites`) or a URL, or use --all or --family/--start-url", 2)
    profiles: dict[str, SiteProfile] = {}
    for name in dict.fromkeys(sites):
        profile = _site_or_url(name)
        if profile.key in profiles:
            fail(f"{name!r} is the site {profile.key!r} again", 2)
        profiles[profile.key] = profile
    return list(profiles.values())


def _site_or_url(name: str) -> SiteProfile:
    """A registered site by key, or the site a URL belongs to (to be detected if unknown)."""
    if "://" not in name and "/" not in name and "." not in name:
        try:
            return get_site(name)
        except UnknownSite as exc:
            fail(str(exc), 2)
    url = name if "://" in name else f"https://{name}"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"not a site key or an http(s) URL: {name!r}", 2)
    registered = site_for_url(url)
    if registered is not None:
        return with_seeds(registered, (url,))
    return adhoc_profile(UNDETECTED, [url])


def _check_warc_dir(directory: str) -> None:
    """A crawl that could not archive what it fetches stops before fetching anything."""
    if not directory.strip():
        return
    from dvcrawl.warc import WarcError, prepare_directory

    try:
        prepare_directory(Path(directory))
    except WarcError as exc:
        fail(str(exc))


def _parse_overrides(overrides: Sequence[str]) -> dict[str, str]:
    parsed: dict[str, str] = {}
    for override in overrides:
        name, sep, value = override.partition("=")
        if not sep or not name.strip():
            fail(f"-s takes NAME=VALUE, got {override!r}", 2)
        parsed[name.strip()] = value
    return parsed


@main.command("detect")
@click.argument("url")
@click.option(
    "--replay",
    "replay_paths",
    multiple=True,
    type=click.Path(exists=True),
    help="Answer from recorded responses instead of the network (as crawl --replay).",
)
@output_option()
@click.option(
    "--contact",
    envvar="DVCRAWL_CONTACT_URL",
    default="",
    help="URL or e-mail put in the User-Agent. Also read from DVCRAWL_CONTACT_URL.",
)
def detect_command(url: str, replay_paths: Sequence[str], output: str, contact: str) -> None:
    """Say which platform family built the site at URL, with the evidence and a confidence.

    The page is fetched once, politely (robots.txt, dvcrawl's User-Agent), and scored
    against every family: the generator the CMS prints, markup only it prints, and links
    that follow its URL scheme. Exits with 1 when no family is recognised, or the page
    cannot be fetched.

    \b
    Examples:
      dvcrawl detect https://tinhuy.example.vn/
      dvcrawl detect http://127.0.0.1:8095/ --replay site.warc.gz --format json
    """
    parts = urlsplit(url if "://" in url else f"https://{url}")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        fail(f"not an http(s) URL: {url!r}", 2)
    from dvcrawl.crawling import detect_site

    detection, error = detect_site(parts.geturl(), tuple(replay_paths), user_agent(contact))
    if detection is None:
        fail(f"{parts.geturl()}: could not be fetched: {error}")
    if output == "json":
        click.echo(json.dumps(_detection_dict(detection), ensure_ascii=False, indent=2))
    else:
        click.echo(detection.describe())
        for item in detection.evidence:
            click.echo(f"  {item.weight:.2f}  {item.kind:<9}  {item.detail}")
        others = [s for s in detection.scores if s.family != detection.family]
        if others:
            click.echo(
                "  other families: " + ", ".join(f"{s.family} {s.confidence:.2f}" for s in others)
            )
    if detection.family is None:
        sys.exit(1)


def _detection_dict(detection: Any) -> dict[str, Any]:
    return {
        "url": detection.url,
        "family": detection.family,
        "confidence": detection.confidence,
        "evidence": [
            {"kind": e.kind, "detail": e.detail, "weight": e.weight} for e in detection.evidence
        ],
        "scores": {s.family: s.confidence for s in detection.scores},
    }


@main.command("sites")
def list_sites() -> None:
    """List the registered sites with their family and domains."""
    rows = [
        (p.key, p.family.name, ", ".join(p.domains), ", ".join(p.former_domains), p.name)
        for p in SITES.values()
    ]
    _table(("KEY", "FAMILY", "DOMAINS", "FORMER", "NAME"), rows)


@main.command()
@DB_OPTION
@click.option(
    "--runs",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="How many recent crawl runs to list.",
)
def stats(database_url: str, runs: int) -> None:
    """Articles per site, what their crawls left to do, and the latest crawls.

    \b
    Per site: the articles stored, the newest publication date, the listings walked to
    their last page of all listings walked, and the articles found by the crawls: still
    pending (they failed, or the crawl was cut off: the next crawl fetches them) and given
    up after failing too often. A crawl run whose process is gone (killed, the power cut)
    is closed as interrupted.
    """
    from dvcrawl.storage.db import prepare, session_factory
    from dvcrawl.storage.repository import (
        DONE,
        FAILED,
        HOST,
        PENDING,
        ArchiveRepository,
        FrontierSummary,
        process_alive,
    )

    with database_failures(database_url, "open"):
        engine = prepare(database_url)
    with session_factory(engine).begin() as session:
        ArchiveRepository(session).close_interrupted_runs(HOST, process_alive)
    with session_factory(engine)() as session:
        repository = ArchiveRepository(session)
        summaries = repository.site_summaries()
        frontier = repository.frontier_summaries()
        recent = repository.runs(limit=runs) if runs else []
        site_rows = []
        for s in summaries:
            found = frontier.get(s.key, FrontierSummary())
            complete, walked = found.listings
            site_rows.append(
                (
                    s.key,
                    s.family,
                    str(s.articles),
                    s.latest_published_at.date().isoformat() if s.latest_published_at else "-",
                    f"{complete}/{walked}",
                    str(sum(found.articles.get(state, 0) for state in (PENDING, DONE, FAILED))),
                    str(found.articles.get(PENDING, 0)),
                    str(found.articles.get(FAILED, 0)),
                    _when(s.last_run.started_at) if s.last_run else "-",
                    (s.last_run.finish_reason or "running") if s.last_run else "-",
                )
            )
        run_rows = [
            (
                str(r.id),
                r.site_key,
                r.mode,
                _when(r.started_at),
                r.finish_reason or "running",
                str(r.requests),
                str(r.listing_pages),
                str(r.article_pages),
                str(r.stored),
                str(r.stats.get("dvcrawl/revisit/edited", 0)),
                str(
                    r.stats.get("dvcrawl/revisit/taken_down", 0)
                    + r.stats.get("dvcrawl/revisit/redirected_away", 0)
                ),
                str(r.duplicates),
                str(sum(r.dropped.values()) - r.duplicates),
                str(r.errors),
            )
            for r in recent
        ]
    if not site_rows:
        click.echo("no site crawled yet")
        return
    _table(
        (
            "SITE",
            "FAMILY",
            "ARTICLES",
            "LATEST",
            "LISTINGS DONE",
            "FOUND",
            "PENDING",
            "FAILED",
            "LAST CRAWL",
            "RESULT",
        ),
        site_rows,
    )
    if run_rows:
        click.echo()
        _table(
            (
                "RUN",
                "SITE",
                "MODE",
                "STARTED",
                "RESULT",
                "REQUESTS",
                "LISTINGS",
                "ARTICLES",
                "STORED",
                "EDITED",
                "GONE",
                "DUPES",
                "DROPPED",
                "ERRORS",
            ),
            run_rows,
        )


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """The filters shared by ``search`` and ``export``."""
    options = (
        click.option("--site", "sites", multiple=True, help="Only this site key (repeatable)."),
        click.option("--province", "provinces", multiple=True, help="Only sites of this province."),
        click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after."),
        click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before."),
        click.option("--author", help="An author's name as printed (case ignored)."),
        click.option("--category", help="A category as printed (case ignored)."),
    )
    for option in reversed(options):
        command = option(command)
    return command


def _filters(
    sites: Sequence[str],
    provinces: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    author: str | None,
    category: str | None,
) -> dict[str, Any]:
    return {
        "sites": tuple(sites),
        "provinces": tuple(provinces),
        "since": since.date() if since else None,
        "until": until.date() if until else None,
        "author": author,
        "category": category,
    }


@main.command("search")
@click.argument("query")
@filter_options
@click.option("--exact", is_flag=True, help="Match diacritics exactly (hòa is not hoa).")
@click.option("--limit", type=click.IntRange(min=1, max=10000), default=20, show_default=True)
@click.option(
    "--rank-window",
    type=click.IntRange(min=0),
    default=RANK_WINDOW,
    show_default=True,
    help="When more articles match, rank only the ones stored last; 0: rank every match "
    "(slow for common words in a large corpus).",
)
@output_option()
@DB_OPTION
def search_command(
    query: str,
    sites: Sequence[str],
    provinces: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    author: str | None,
    category: str | None,
    exact: bool,
    limit: int,
    rank_window: int,
    output: str,
    database_url: str,
) -> None:
    """Full-text search of the stored articles, best matches first.

    \b
    QUERY: words that must all occur, "exact phrases", and -excluded words.
    Case and diacritics are ignored unless --exact: "dan van kheo" finds "Dân vận khéo".
    \b
    Examples:
      dvcrawl search 'dân vận khéo' --site binh-phuoc --since 2024-01-01
      dvcrawl search '"quy chế dân chủ" -"hội nghị"' --format json
    """
    from dvcrawl.corpus import Corpus, CorpusArgumentError
    from dvcrawl.search.query import QuerySyntaxError

    filters = _filters(sites, provinces, since, until, author, category)
    try:
        with Corpus(database_url) as corpus:
            hits = corpus.search(
                query, exact=exact, limit=limit, rank_window=rank_window, **filters
            )
    except QuerySyntaxError as exc:
        fail(f"bad query: {exc}", 2)
    except CorpusArgumentError as exc:
        fail(str(exc), 2)
    except DatabaseError as exc:
        fail(str(exc))
    if output == "json":
        for hit in hits:
            click.echo(json.dumps(hit.to_dict(), ensure_ascii=False))
        return
    if not hits:
        click.echo("no match")
        return
    for hit in hits:
        when = (
            hit.published_at.astimezone(VIETNAM_TZ).date().isoformat() if hit.published_at else "-"
        )
        click.echo(f"{hit.site_key}  {when}  {hit.title}")
        click.echo(f"    {hit.url}")
        click.echo(f"    {hit.snippet}")


@main.command("export")
@filter_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    required=True,
    help="csv (spreadsheets), jsonl (one JSON object a line), parquet (pandas, R, DuckDB).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The file to write.",
)
@DB_OPTION
def export_command(
    sites: Sequence[str],
    provinces: Sequence[str],
    since: datetime | None,
    until: datetime | None,
    author: str | None,
    category: str | None,
    output_format: str,
    output: Path,
    database_url: str,
) -> None:
    """Export articles, streamed in batches so any corpus size fits in memory."""
    from dvcrawl.corpus import Corpus, CorpusArgumentError
    from dvcrawl.export import export

    filters = _filters(sites, provinces, since, until, author, category)
    try:
        with Corpus(database_url) as corpus:
            count = export(corpus.articles(**filters), output, output_format)
    except CorpusArgumentError as exc:
        fail(str(exc), 2)
    except DatabaseError as exc:
        fail(str(exc))
    except (OSError, RuntimeError) as exc:
        fail(f"cannot write {output}: {exc}")
    click.echo(f"{count} articles written to {output}")


@main.command("history")
@click.argument("url")
@output_option()
@DB_OPTION
def history_command(url: str, output: str, database_url: str) -> None:
    """An archived article's versions and events, oldest first.

    \b
    URL: the article's URL as archived, or its canonical URL.
    Versions are the earlier states kept when the site edited the article or newer parser
    rules re-extracted it; events are edits, re-extractions, takedowns (HTTP 404/410),
    redirects away and restorations. Nothing is ever deleted. Times are UTC.
    """
    from dvcrawl.storage.db import prepare, session_factory
    from dvcrawl.storage.repository import ArchiveRepository

    with database_failures(database_url, "open"):
        engine = prepare(database_url)
    with session_factory(engine)() as session:
        history = ArchiveRepository(session).history(url)
        if history is None:
            fail(f"not archived: {url}", 2)
        data = history.to_dict()
    if output == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_history(data)


def _print_history(data: dict[str, Any]) -> None:
    article = data["article"]
    warc = f"{article['warc_file']} @{article['warc_offset']}" if article["warc_file"] else "-"
    click.echo(f"#{article['id']} {article['site_key']}  {article['url']}")
    click.echo(f"  title:     {article['title']}")
    click.echo(f"  published: {_iso_when(article['published_at'])}")
    click.echo(f"  version:   {article['version']} ({article['parser_revision']})")
    click.echo(f"  fetched:   {_iso_when(article['fetched_at'])}, WARC {warc}")
    click.echo()
    rows = [
        (
            str(v["version"]),
            _iso_when(v["seen_from"]),
            _iso_when(v["seen_until"]),
            v["reason"],
            v["parser_revision"],
            ", ".join(v["changed_fields"]),
            _clip(v["title"], 50),
        )
        for v in data["versions"]
    ]
    rows.append(
        (
            str(article["version"]),
            _iso_when(article["fetched_at"]),
            "now",
            "current",
            article["parser_revision"],
            "",
            _clip(article["title"], 50),
        )
    )
    _table(("VERSION", "SEEN FROM", "UNTIL", "REPLACED", "PARSER", "CHANGED", "TITLE"), rows)
    click.echo()
    if not data["events"]:
        click.echo("no events")
        return
    events = [
        (
            _iso_when(e["observed_at"]),
            e["kind"],
            str(e["http_status"]) if e["http_status"] is not None else "-",
            e["location"] or e["detail"] or "-",
        )
        for e in data["events"]
    ]
    _table(("WHEN", "EVENT", "STATUS", "TARGET / FIELDS"), events)


def _iso_when(value: str | None) -> str:
    return _when(datetime.fromisoformat(value)) if value else "-"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@main.command("reextract")
@click.option("--site", help="Only the articles of this site key.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Only articles fetched on or after this day (Vietnam time).",
)
@click.option(
    "--warc-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The folder the articles' WARC files are in (default: DVCRAWL_WARC_DIR, else ./warcs).",
)
@DB_OPTION
@click.option("--dry-run", is_flag=True, help="Show what would change and write nothing.")
@output_option("table: changed fields, old -> new, shortened; json: one object a line, in full.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parser processes (default: one per CPU).",
)
def reextract_command(
    site: str | None,
    since: datetime | None,
    warc_dir: Path | None,
    database_url: str,
    dry_run: bool,
    output: str,
    jobs: int | None,
) -> None:
    """Rebuild stored articles from their WARC records with the current parsers.

    Offline: each article that names its WARC record is parsed again from the archived
    response. Where the result differs, the old state is kept as a version (see
    `dvcrawl history URL`) and the row is updated; a failure leaves the row as it was.
    Articles stored without a WARC link are counted and skipped.

    \b
    Examples:
      dvcrawl reextract --site binh-phuoc --dry-run
      dvcrawl reextract --since 2026-01-01 --format json
    """
    from sqlalchemy.exc import SQLAlchemyError

    from dvcrawl import settings
    from dvcrawl.reextract import Outcome, reextract, shorten_change

    if site is not None and site not in SITES:
        click.echo(f"dvcrawl: note: {site!r} is not a registered site key", err=True)
    folder = warc_dir or Path(settings.DVCRAWL_WARC_DIR or "warcs")
    if not folder.is_dir():
        fail(f"no WARC folder at {folder}; give --warc-dir", 2)

    def show(outcome: Outcome) -> None:
        if output == "json":
            click.echo(json.dumps(outcome.to_dict(), ensure_ascii=False))
        elif outcome.failure is not None:
            click.echo(f"failed   {outcome.url}\n    {outcome.failure}: {outcome.detail}")
        else:
            click.echo(f"changed  {outcome.url}")
            for name, (old, new) in outcome.changes.items():
                old_text, new_text = shorten_change(old, new)
                click.echo(f"    {name}: {old_text}\n    {' ' * len(name)}  -> {new_text}")

    try:
        summary = reextract(
            database_url,
            warc_dir=folder,
            site=site,
            since=since.date() if since else None,
            dry_run=dry_run,
            jobs=jobs,
            report=show,
        )
    except DatabaseError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        reason = error_line(exc, database_url)
        fail(f"database error (the batch being written was rolled back): {reason}")
    if output == "json":
        click.echo(json.dumps({"summary": summary.to_dict()}, ensure_ascii=False))
    else:
        click.echo(f"reextract: {summary.line()}")


@main.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
@DB_OPTION
def upgrade(database_url: str) -> None:
    """Create the schema, or upgrade it to this version of dvcrawl."""
    from dvcrawl.storage import db as storage

    try:
        with database_errors(database_url, "upgrade"):
            engine = storage.get_engine(database_url)
            before = storage.current_revision(engine)
            storage.upgrade(engine)
            after = storage.current_revision(engine)
    except DatabaseError as exc:
        fail(str(exc))
    except Exception as exc:  # Alembic's own, such as a revision it does not know
        fail(f"upgrade failed: {error_line(exc, database_url)}")
    click.echo(f"schema {before or 'none'} -> {after}")


@db.command()
@DB_OPTION
def current(database_url: str) -> None:
    """Show the schema version of the database and the one this dvcrawl needs."""
    from dvcrawl.storage import db as storage

    try:
        with database_errors(database_url, "read"):
            engine = storage.get_engine(database_url)
            database = storage.current_revision(engine)
            needed = storage.head_revision(engine)
    except DatabaseError as exc:
        fail(str(exc))
    except Exception as exc:  # Alembic's own, such as a revision it does not know
        fail(f"cannot read the schema version: {error_line(exc, database_url)}")
    click.echo(f"database: {database or 'none'}")
    click.echo(f"needed:   {needed}")


def _when(value: object) -> str:
    from datetime import datetime

    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else "-"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    for row in (header, *rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
