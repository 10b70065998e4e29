"""Extraction side by side: dvcrawl's extraction chain and trafilatura on one real capture.

What is measured, and how:

1. **Quality.** The article pages of a capture (default ``../shared/captures/nukeviet-dev``
   beside the repository: a NukeViet 4 install, ``site.warc.gz`` plus ``truth.jsonl``) are
   read from the WARC with warcio: for each truth row, the first response recorded at its URL.
   dvcrawl extracts each through its one extraction chain, as a crawl does for a site it has
   detected as NukeViet (``Page.from_bytes``, then ``extract_article`` with an ad-hoc profile of
   the ``nukeviet`` family); the byline scored is what the store writes to ``byline_raw``.
   trafilatura (``trafilatura.extract``, JSON with metadata) reads the same bytes. Both are
   scored with the capture's metric (its README, and ``tools/score_capture.py`` of the shared
   folder): title exact and publication time exact after NFC and whitespace normalisation;
   body token-F1 over lower-cased ``\\w+`` words of the joined paragraphs, mean and minimum;
   captions exact as a multiset; the body's byline exact. trafilatura gives no captions and no
   body byline (n/a) and dates to the day only, so a *date (day)* column compares calendar days
   in Vietnam time for both.
2. **Speed.** Per page, in turn: a bare ``lxml.html.document_fromstring`` of the bytes (the
   floor: no extractor can do without a parse), dvcrawl's chain, and ``trafilatura.extract``
   with its defaults. After the scoring pass, one untimed warm-up pass of the three calls,
   then ``--rounds`` timed rounds, the garbage collector off within a round (like
   ``timeit``) and run between rounds; round robin per page, so a slow spell of a shared
   machine hits all three. The figure per extractor is the median round's time divided by
   the number of pages, and the ratio to the floor; *median page ratio* is the median over
   pages of each page's median.
3. ``--profile``: dvcrawl's stages per page, each timed on its own over the same rounds:
   decode (``decode_html_with_source``), parse (``Page.from_bytes`` less decode), every
   selector field of the family's ``ArticleRules`` (page fields up to the first selector that
   matches, as the chain reads them; ``figures``, ``drop``, ``page_figures`` and
   ``attachment_links`` all evaluated; ``figures`` and ``drop`` on a copy of the body), the
   body's text walk (``dom.paragraphs``), the rest of ``parse_article`` (loader, bylines,
   captions, dates: its total less the parts above) and ``normalize_article``. The ten
   slowest selectors are listed. ``--cprofile N`` prints cProfile's top N functions instead.
4. ``--public [DIR]``: speed only, on the 181 pages of the public article-extraction benchmark
   (default ``../shared/benchmarks/article-extraction``): real-size pages of many sites and
   languages. dvcrawl reads them with the same NukeViet rules, which find no body there, so
   its figure covers the page-level work (decode, parse, every page selector) only.

Usage: python benchmarks/extraction_quality.py [CAPTURE_DIR] [--rounds 5] [--profile]
       [--cprofile N] [--show] [--json] [--public [DIR]] [--no-trafilatura]
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import dataclasses
import gc
import gzip
import json
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Final

import lxml.html
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from dvcrawl.items import Article
from dvcrawl.parsing.article import parse_article
from dvcrawl.parsing.dom import first_match, paragraphs, select
from dvcrawl.parsing.extracted import extract_article
from dvcrawl.parsing.normalize import normalize_article
from dvcrawl.parsing.page import Page
from dvcrawl.sites import adhoc_profile, get_family
from dvcrawl.sites.profile import ArticleRules, SiteProfile
from dvcrawl.storage.repository import article_row
from dvcrawl.text import VIETNAM_TZ, decode_html_with_source

ROOT: Final = Path(__file__).resolve().parent.parent
# The shared capture beside the checkout, else the project's own copy of it.
DEFAULT_CAPTURE: Final = next(
    (
        folder
        for folder in (
            ROOT.parent / "shared" / "captures" / "nukeviet-dev",
            ROOT / "tests" / "fixtures" / "captures" / "nukeviet-dev",
        )
        if folder.is_dir()
    ),
    ROOT / "tests" / "fixtures" / "captures" / "nukeviet-dev",
)
DEFAULT_PUBLIC: Final = ROOT.parent / "shared" / "benchmarks" / "article-extraction"
FAMILY: Final = "nukeviet"
# A fetch time after every article of the capture, so no date reads as "in the future".
FETCHED_AT: Final = datetime(2026, 12, 8, tzinfo=UTC)
# Rule fields the chain applies in full; the others are read up to their first match.
APPLIED_IN_FULL: Final = frozenset({"figures", "drop", "page_figures", "attachment_links"})
BODY_SCOPED: Final = frozenset({"figures", "drop"})
SLOWEST_SELECTORS: Final = 10
SELECTOR_WIDTH: Final = 90  # in the printed table; --json keeps them whole
# The public benchmark keeps no headers; its README says every page is UTF-8.
PUBLIC_HEADERS: Final = {"content-type": "text/html; charset=utf-8"}
GOAL_FLOOR_RATIO: Final = 3.0
GOAL_TRAFILATURA_SPEEDUP: Final = 8.0


# --- pages ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CapturedPage:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    truth: dict[str, Any] | None = None


def load_capture(capture: Path) -> list[CapturedPage]:
    """The truth's article pages as the WARC recorded them, in the truth's order."""
    lines = (capture / "truth.jsonl").read_text("utf-8").splitlines()
    truth = [json.loads(line) for line in lines if line.strip()]
    wanted = {row["url"] for row in truth}
    recorded: dict[str, tuple[int, dict[str, str], bytes]] = {}
    with (capture / "site.warc.gz").open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if url in wanted and url not in recorded:
                headers = {name.lower(): value for name, value in record.http_headers.headers}
                status = int(record.http_headers.get_statuscode())
                recorded[url] = (status, headers, record.content_stream().read())
    missing = [row["url"] for row in truth if row["url"] not in recorded]
    if missing:
        raise SystemExit(f"{len(missing)} truth URLs have no response in the WARC: {missing[:3]}")
    return [CapturedPage(row["url"], *recorded[row["url"]], truth=row) for row in truth]


def load_public(folder: Path) -> list[CapturedPage]:
    """The public benchmark's pages (gzipped UTF-8 HTML), under the URLs its truth gives."""
    urls = {
        page_id: entry.get("url") or f"http://example.invalid/{page_id}"
        for page_id, entry in json.loads((folder / "ground-truth.json").read_text()).items()
    }
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        body = gzip.decompress(path.read_bytes())
        pages.append(CapturedPage(urls.get(page_id, path.name), 200, PUBLIC_HEADERS, body))
    return pages


# --- what each extractor gives --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Extraction:
    """One extractor's reading of one page, in the capture metric's terms.

    ``captions`` and ``byline`` are None when the extractor gives no such field (not the
    same as an empty list or no byline found).
    """

    title: str | None
    published: datetime | None
    published_day: date | None
    body: list[str]
    captions: list[str] | None
    byline: str | None
    gives_byline: bool


def nukeviet_profile(home_url: str) -> SiteProfile:
    """The profile a crawl uses once the front door has been detected as NukeViet."""
    return adhoc_profile(get_family(FAMILY), [home_url])


def page_of(page: CapturedPage) -> Page:
    return Page.from_bytes(
        page.url, page.body, headers=page.headers, status=page.status, fetched_at=FETCHED_AT
    )


def dvcrawl_article(page: CapturedPage, profile: SiteProfile) -> Article:
    return extract_article(page_of(page), profile)


def dvcrawl_extraction(article: Article) -> Extraction:
    published = article.published_at
    stored_byline = article_row(article, None)["byline_raw"] if article.title else None
    return Extraction(
        title=article.title,
        published=published,
        published_day=published.astimezone(VIETNAM_TZ).date() if published else None,
        body=list(article.body),
        captions=[caption.text for caption in article.captions],
        byline=stored_byline,
        gives_byline=True,
    )


def trafilatura_extraction(page: CapturedPage) -> Extraction:
    import trafilatura

    found = trafilatura.extract(page.body, url=page.url, output_format="json", with_metadata=True)
    data: dict[str, Any] = json.loads(found) if found else {}
    day = data.get("date")
    return Extraction(
        title=data.get("title"),
        published=None,
        published_day=date.fromisoformat(day) if day else None,
        body=(data.get("text") or "").split("\n"),
        captions=None,
        byline=None,
        gives_byline=False,
    )


# --- scoring (the capture metric: tools/score_capture.py and the capture's README) ---------

_SPACES: Final = re.compile(r"\s+")
_WORD: Final = re.compile(r"\w+")


def norm(text: str | None) -> str:
    """NFC, zero-width characters dropped, NBSP as a space, whitespace collapsed."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(norm(text).lower()))


def token_f1(predicted: Iterable[str], gold: Iterable[str]) -> float:
    """F1 of the word multisets of two paragraph lists, each joined into one text."""
    got = words("\n".join(norm(p) for p in predicted))
    want = words("\n".join(norm(p) for p in gold))
    if not got and not want:
        return 1.0
    common = sum((got & want).values())
    if not common:
        return 0.0
    precision, recall = common / got.total(), common / want.total()
    return 2 * precision * recall / (precision + recall)


def same_instant(got: datetime | None, want: str | None) -> bool:
    """Whether a publication time is the truth's ISO time; a time without a zone is UTC."""
    if got is None or not want:
        return got is None and not want
    if got.tzinfo is None:
        got = got.replace(tzinfo=UTC)
    return got == datetime.fromisoformat(want)


def same_day(got: date | None, want: str | None) -> bool:
    """Whether a publication day is the truth's calendar day in Vietnam time."""
    if got is None or not want:
        return got is None and not want
    return got == datetime.fromisoformat(want).astimezone(VIETNAM_TZ).date()


def same_captions(got: Iterable[str], want: Iterable[str]) -> bool:
    return Counter(n for c in got if (n := norm(c))) == Counter(n for c in want if (n := norm(c)))


@dataclasses.dataclass(frozen=True)
class ArticleScore:
    url: str
    title: bool
    date: bool
    day: bool
    body_f1: float
    captions: bool | None
    byline: bool | None

    def short_of_perfect(self) -> bool:
        checks = (self.title, self.date, self.captions is not False, self.byline is not False)
        return self.body_f1 < 1.0 or not all(checks)


def score_article(extraction: Extraction, truth: Mapping[str, Any]) -> ArticleScore:
    """One extraction against its truth row; n/a (None) for fields the extractor lacks."""
    return ArticleScore(
        url=truth["url"],
        title=norm(extraction.title) == norm(truth["title"]),
        date=same_instant(extraction.published, truth["published"]),
        day=same_day(extraction.published_day, truth["published"]),
        body_f1=token_f1(extraction.body, truth["body_paragraphs"]),
        captions=(
            None
            if extraction.captions is None
            else same_captions(extraction.captions, truth["captions"])
        ),
        byline=(
            norm(extraction.byline) == norm(truth.get("byline"))
            if extraction.gives_byline
            else None
        ),
    )


@dataclasses.dataclass(frozen=True)
class QualitySummary:
    articles: int
    title: float
    date: float
    day: float
    body_f1: float
    body_f1_min: float
    captions_exact: float | None
    byline_exact: float | None


def summarise(scores: Sequence[ArticleScore]) -> QualitySummary:
    """Shares of exact fields and the body F1's mean and minimum over ``scores``."""
    if not scores:
        raise ValueError("no article to summarise")

    def share(values: list[bool | None]) -> float | None:
        known = [value for value in values if value is not None]
        return sum(known) / len(known) if known else None

    body = [score.body_f1 for score in scores]
    return QualitySummary(
        articles=len(scores),
        title=sum(score.title for score in scores) / len(scores),
        date=sum(score.date for score in scores) / len(scores),
        day=sum(score.day for score in scores) / len(scores),
        body_f1=statistics.fmean(body),
        body_f1_min=min(body),
        captions_exact=share([score.captions for score in scores]),
        byline_exact=share([score.byline for score in scores]),
    )


# --- speed ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Timing:
    ms_per_page: float
    page_medians_ms: list[float]


def time_round_robin(
    pages: Sequence[CapturedPage],
    methods: Mapping[str, Callable[[CapturedPage], object]],
    rounds: int,
) -> dict[str, Timing]:
    """Median round time per page of each method, the methods taking turns on each page."""
    per_round = {name: [0.0] * rounds for name in methods}
    per_page = {name: [[0.0] * rounds for _ in pages] for name in methods}
    clock = time.perf_counter
    for round_index in range(rounds):
        gc.collect()
        gc.disable()
        try:
            for page_index, page in enumerate(pages):
                for name, method in methods.items():
                    start = clock()
                    method(page)
                    elapsed = clock() - start
                    per_round[name][round_index] += elapsed
                    per_page[name][page_index][round_index] = elapsed
        finally:
            gc.enable()
    return {
        name: Timing(
            ms_per_page=statistics.median(per_round[name]) / len(pages) * 1e3,
            page_medians_ms=[statistics.median(times) * 1e3 for times in per_page[name]],
        )
        for name in methods
    }


def speed_table(timings: Mapping[str, Timing]) -> dict[str, dict[str, float]]:
    floor = timings["lxml"]
    rows = {}
    for name, timing in timings.items():
        page_ratios = [
            mine / base
            for mine, base in zip(timing.page_medians_ms, floor.page_medians_ms, strict=True)
        ]
        rows[name] = {
            "ms_per_page": timing.ms_per_page,
            "x_lxml": timing.ms_per_page / floor.ms_per_page,
            "median_page_x_lxml": statistics.median(page_ratios),
        }
    return rows


# --- dvcrawl's stages (--profile) -----------------------------------------------------------


def selector_fields(rules: ArticleRules) -> dict[str, tuple[str, ...]]:
    """The rule fields that hold selectors, by name (found from the annotations, so a new
    field is timed too)."""
    return {
        f.name: getattr(rules, f.name)
        for f in dataclasses.fields(rules)
        if f.type == "Selectors" and getattr(rules, f.name)
    }


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def page_stages(
    page: CapturedPage, profile: SiteProfile
) -> tuple[dict[str, float], dict[str, float]]:
    """Seconds per stage of dvcrawl's chain on one page, and seconds per selector."""
    rules = profile.article_rules
    stages: dict[str, float] = {}
    per_selector: dict[str, float] = {}
    content_type = page.headers.get("content-type")
    stages["decode"], _ = _timed(lambda: decode_html_with_source(page.body, content_type))
    whole, parsed_page = _timed(lambda: page_of(page))
    assert isinstance(parsed_page, Page)
    stages["parse"] = max(whole - stages["decode"], 0.0)

    fields = selector_fields(rules)
    containers = first_match(parsed_page.selector, rules.body)
    body_root = containers[0].root if containers else None
    for name, selectors in fields.items():
        scope = parsed_page.selector
        if name in BODY_SCOPED:
            if not isinstance(body_root, etree._Element):
                continue
            scope = type(scope)(root=copy.deepcopy(body_root), base_url=page.url)
        spent = 0.0
        for selector in selectors:
            seconds, found = _timed(lambda s=selector, sc=scope: select(sc, s))  # type: ignore[misc]
            spent += seconds
            per_selector[f"{name}: {selector}"] = seconds
            if found and name not in APPLIED_IN_FULL:
                break
        stages[f"rule {name}"] = spent
    if isinstance(body_root, etree._Element):
        body_copy = copy.deepcopy(body_root)
        stages["body text walk"], _ = _timed(lambda: paragraphs(body_copy))

    total, parsed = _timed(lambda: parse_article(parsed_page, profile))
    measured = sum(v for k, v in stages.items() if k.startswith("rule ") or k == "body text walk")
    stages["rest of parse_article"] = max(total - measured, 0.0)
    assert isinstance(parsed, Article)
    stages["normalize_article"], _ = _timed(lambda: normalize_article(parsed))
    return stages, per_selector


def profile_stages(
    pages: Sequence[CapturedPage], profile: SiteProfile, rounds: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Median over rounds of each stage's microseconds per page, and each selector's."""
    stage_rounds: dict[str, list[float]] = {}
    selector_rounds: dict[str, list[float]] = {}
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            totals: Counter[str] = Counter()
            selector_totals: Counter[str] = Counter()
            for page in pages:
                stages, per_selector = page_stages(page, profile)
                totals.update(stages)
                selector_totals.update(per_selector)
        finally:
            gc.enable()
        for name, seconds in totals.items():
            stage_rounds.setdefault(name, []).append(seconds)
        for name, seconds in selector_totals.items():
            selector_rounds.setdefault(name, []).append(seconds)

    def per_page_us(table: dict[str, list[float]]) -> dict[str, float]:
        return {name: statistics.median(v) / len(pages) * 1e6 for name, v in table.items()}

    return per_page_us(stage_rounds), per_page_us(selector_rounds)


def print_cprofile(pages: Sequence[CapturedPage], profile: SiteProfile, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for page in pages:
        dvcrawl_article(page, profile)
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


# --- output ---------------------------------------------------------------------------------


def commit_measured() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = bool(git("status", "--porcelain", "dvcrawl"))
    return commit + (" (with uncommitted changes in dvcrawl/)" if dirty else "")


def _cell(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def quality_lines(summaries: Mapping[str, QualitySummary]) -> list[str]:
    head = ("extractor", "articles", "title", "date", "date (day)", "body F1", "body F1 min",
            "captions exact", "byline exact")  # fmt: skip
    rows = [
        (
            name,
            str(s.articles),
            _cell(s.title),
            _cell(s.date),
            _cell(s.day),
            _cell(s.body_f1, 4),
            _cell(s.body_f1_min),
            _cell(s.captions_exact),
            _cell(s.byline_exact),
        )
        for name, s in summaries.items()
    ]
    return markdown_table(head, rows)


def speed_lines(table: Mapping[str, Mapping[str, float]]) -> list[str]:
    head = ("extraction", "ms per page", "× lxml parse", "median page × lxml")
    labels = {"lxml": "lxml.html parse (floor)", "dvcrawl": "dvcrawl", "trafilatura": "trafilatura"}
    rows = [
        (
            labels.get(name, name),
            f"{row['ms_per_page']:.2f}",
            f"{row['x_lxml']:.2f}",
            f"{row['median_page_x_lxml']:.2f}",
        )
        for name, row in table.items()
    ]
    return markdown_table(head, rows)


def markdown_table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(head[i]), *(len(row[i]) for row in rows)) for i in range(len(head))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)]


def goal_lines(table: Mapping[str, Mapping[str, float]]) -> list[str]:
    ratio = table["dvcrawl"]["x_lxml"]
    lines = [f"dvcrawl per page: {ratio:.2f}× a bare lxml parse (goal ≤ {GOAL_FLOOR_RATIO:g}×: "
             f"{'PASS' if ratio <= GOAL_FLOOR_RATIO else 'not met'})"]  # fmt: skip
    if "trafilatura" in table:
        speedup = table["trafilatura"]["ms_per_page"] / table["dvcrawl"]["ms_per_page"]
        verdict = "PASS" if speedup >= GOAL_TRAFILATURA_SPEEDUP else "not met"
        lines.append(f"dvcrawl is {speedup:.2f}× faster than trafilatura "
                     f"(goal ≥ {GOAL_TRAFILATURA_SPEEDUP:g}×: {verdict})")  # fmt: skip
    return lines


def _shortened(text: str, width: int = SELECTOR_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def stage_lines(stages: Mapping[str, float], selectors: Mapping[str, float]) -> list[str]:
    total = sum(stages.values())
    rows = [(name, f"{us:.0f}", f"{us / total:.0%}") for name, us in stages.items()]
    lines = ["dvcrawl's stages, µs per page (each timed on its own):", ""]
    lines += markdown_table(("stage", "µs", "share"), [*rows, ("sum", f"{total:.0f}", "100%")])
    slowest = sorted(selectors.items(), key=lambda item: -item[1])[:SLOWEST_SELECTORS]
    lines += ["", f"The {len(slowest)} slowest selectors, µs per page:", ""]
    rows = [(_shortened(name), f"{us:.0f}") for name, us in slowest]
    lines += markdown_table(("rule: selector", "µs"), rows)
    return lines


# --- main -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    public = args.public is not None
    pages = load_public(args.public) if public else load_capture(args.capture)
    profile = nukeviet_profile(pages[0].url if public else _home(pages[0].url))
    with_trafilatura = not args.no_trafilatura
    report: dict[str, Any] = {
        "commit": commit_measured(),
        "machine": f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}",
        "pages": len(pages),
        "mean_page_kb": statistics.fmean(len(p.body) for p in pages) / 1024,
        "source": str(args.public if public else args.capture),
    }
    if not public:
        scores: dict[str, list[ArticleScore]] = {"dvcrawl": []}
        if with_trafilatura:
            scores["trafilatura"] = []
        for page in pages:
            assert page.truth is not None
            article = dvcrawl_article(page, profile)
            scores["dvcrawl"].append(score_article(dvcrawl_extraction(article), page.truth))
            if with_trafilatura:
                extraction = trafilatura_extraction(page)
                scores["trafilatura"].append(score_article(extraction, page.truth))
        report["quality"] = {name: summarise(s) for name, s in scores.items()}
        report["short_of_perfect"] = [
            dataclasses.asdict(s) for s in scores["dvcrawl"] if s.short_of_perfect()
        ]
    methods: dict[str, Callable[[CapturedPage], object]] = {
        "lxml": lambda page: lxml.html.document_fromstring(page.body),
        "dvcrawl": lambda page: dvcrawl_article(page, profile),
    }
    if with_trafilatura:
        import trafilatura

        methods["trafilatura"] = lambda page: trafilatura.extract(page.body)
    for page in pages:  # warm-up: imports, caches, lazily compiled patterns
        for method in methods.values():
            method(page)
    report["speed"] = speed_table(time_round_robin(pages, methods, args.rounds))
    if args.profile:
        stages, selectors = profile_stages(pages, profile, args.rounds)
        report["stages_us"] = stages
        report["selectors_us"] = selectors
    return report


def _home(url: str) -> str:
    return re.sub(r"^(https?://[^/]+/).*$", r"\1", url)


def print_report(report: Mapping[str, Any], show: bool) -> None:
    print(f"{report['pages']} pages ({report['mean_page_kb']:.0f} KB on average) of "
          f"{report['source']}; commit {report['commit']}; {report['machine']}")  # fmt: skip
    if "quality" in report:
        print()
        print("\n".join(quality_lines(report["quality"])))
        if show:
            for row in report["short_of_perfect"]:
                print(f"  dvcrawl short of perfect: {row}")
    print()
    print("\n".join(speed_lines(report["speed"])))
    print()
    print("\n".join(goal_lines(report["speed"])))
    if "stages_us" in report:
        print()
        print("\n".join(stage_lines(report["stages_us"], report["selectors_us"])))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("capture", nargs="?", type=Path, default=DEFAULT_CAPTURE)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--profile", action="store_true", help="time dvcrawl's stages")
    parser.add_argument("--cprofile", type=int, metavar="N", help="cProfile's top N functions")
    parser.add_argument("--show", action="store_true", help="list articles short of perfect")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--public", type=Path, nargs="?", const=DEFAULT_PUBLIC, default=None)
    parser.add_argument("--no-trafilatura", action="store_true")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.cprofile:
        pages = load_public(args.public) if args.public else load_capture(args.capture)
        home = pages[0].url if args.public else _home(pages[0].url)
        print_cprofile(pages, nukeviet_profile(home), args.cprofile)
        return
    report = run(args)
    if args.json:
        print(json.dumps(report, default=_json_default, ensure_ascii=False, indent=2))
    else:
        print_report(report, args.show)


def _json_default(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"not serialisable: {type(value).__name__}")


if __name__ == "__main__":
    main()
