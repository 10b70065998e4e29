"""Requests per stored article: a site crawled from its front door, offline.

For the real NukeViet capture (tests/fixtures/captures/nukeviet-dev) and every synthetic NukeViet
portal of tests/nukeviet_sites.py (one per routing and listing template, plus traps), it
runs the real ``dvcrawl crawl <home URL> --replay …`` twice into one fresh database and
prints, per site:

* what was found: articles the site holds, stored, missing, stored that are not articles;
* the first crawl's requests (robots.txt, sitemaps, feeds, listings, the soft-404 probe,
  redirects and article pages: every request the crawl made) per article stored, the goal
  being at most 1.3;
* the second crawl of the unchanged site: its requests, and its article and listing pages;
* the baseline measured in the same run: the pages a mirror of the site would fetch (every
  recorded HTML, XML and feed response, as ``wget -r`` fetched to make the capture), and our
  requests as a share of it.

The capture is also crawled with sitemaps off (its category walk alone), as a second row
marked as a diagnostic: the goal is judged on the crawls as dvcrawl runs them by default.

Usage: python benchmarks/discovery_requests.py [--sites named,traps,...] [--no-capture]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
CAPTURE = ROOT / "tests" / "fixtures" / "captures" / "nukeviet-dev"
sys.path.insert(0, str(ROOT / "tests"))

from nukeviet_sites import PRESETS, build_site  # noqa: E402

GOAL = 1.3
PAGE_TYPES = ("text/html", "text/xml", "application/xml", "application/rss+xml", "text/plain")


@dataclass
class Row:
    site: str
    articles: int
    stored: int
    missing: int
    extra: int
    requests: int
    second_requests: int
    second_articles: int
    second_listings: int
    mirror: int
    diagnostic: bool = False

    @property
    def per_article(self) -> float:
        return self.requests / self.stored if self.stored else float("inf")


def crawl_twice(home: str, replay: Path, folder: Path, *flags: str) -> tuple[set[str], list[dict]]:
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "corpus.sqlite3"
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, "-m", "dvcrawl", "crawl", home, "--replay", str(replay),
             "--db", f"sqlite:///{database}", "--no-warc", "--progress", "0", *flags],
            capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        if result.returncode != 0:
            raise SystemExit(
                f"{home}: crawl failed ({result.returncode}):\n{result.stderr[-2000:]}"
            )
    with sqlite3.connect(database) as connection:
        connection.row_factory = sqlite3.Row
        stored = {url for (url,) in connection.execute("SELECT url FROM articles")}
        runs = [dict(r) for r in connection.execute("SELECT * FROM crawl_runs ORDER BY id")]
    return stored, runs


def row(
    name: str,
    truth: set[str],
    stored: set[str],
    runs: list[dict],
    mirror: int,
    *,
    diagnostic: bool = False,
) -> Row:
    first, second = runs
    return Row(
        diagnostic=diagnostic,
        site=name,
        articles=len(truth),
        stored=len(stored & truth),
        missing=len(truth - stored),
        extra=len(stored - truth),
        requests=first["requests"],
        second_requests=second["requests"],
        second_articles=second["article_pages"],
        second_listings=second["listing_pages"],
        mirror=mirror,
    )


def synthetic_row(name: str, folder: Path) -> Row:
    site = folder / name
    truth = build_site(PRESETS[name], site)
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    mirror = sum(1 for response in manifest["responses"] if response.get("status", 200) == 200)
    stored, runs = crawl_twice(truth.home, site, folder / f"{name}-db")
    return row(name, set(truth.articles), stored, runs, mirror)


def capture_rows(folder: Path) -> list[Row]:
    truth = {
        json.loads(line)["url"]
        for line in (CAPTURE / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    }
    mirror = 0
    with (CAPTURE / "site.warc.gz").open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
            if record.http_headers.get_statuscode() == "200" and kind in PAGE_TYPES:
                mirror += 1
    rows = []
    for label, flags in (
        ("capture", ()),
        ("capture, sitemaps off*", ("-s", "DVCRAWL_DISCOVERY_SITEMAPS=0")),
    ):
        stored, runs = crawl_twice(
            "http://127.0.0.1:8095/",
            CAPTURE / "site.warc.gz",
            folder / f"capture-{len(rows)}",
            *flags,
        )
        rows.append(row(label, truth, stored, runs, mirror, diagnostic=bool(flags)))
    return rows


def print_table(rows: list[Row]) -> None:
    header = (
        "site", "articles", "stored", "missing", "extra", "requests", "req/article",
        "2nd: requests", "2nd: articles", "2nd: listings", "mirror pages", "ours/mirror",
    )  # fmt: skip
    cells = [
        (
            r.site, str(r.articles), str(r.stored), str(r.missing), str(r.extra), str(r.requests),
            f"{r.per_article:.3f}", str(r.second_requests), str(r.second_articles),
            str(r.second_listings), str(r.mirror), f"{r.requests / r.mirror:.2f}",
        )
        for r in rows
    ]  # fmt: skip
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for c in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |")
    worst = max((r for r in rows if not r.diagnostic), key=lambda r: r.per_article)
    whole = all(r.missing == 0 and r.extra == 0 for r in rows)
    if any(r.diagnostic for r in rows):
        print("* a diagnostic crawl (not dvcrawl's default), left out of the goal")
    print(
        f"\nworst default crawl: {worst.site} at {worst.per_article:.3f} requests per article "
        f"(goal <= {GOAL}: {'PASS' if worst.per_article <= GOAL else 'FAIL'}); "
        f"every article found once and nothing else: {'yes' if whole else 'NO'}; "
        f"second crawls fetched {sum(r.second_articles for r in rows)} article pages"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default=",".join(PRESETS), help="synthetic presets to crawl")
    parser.add_argument("--no-capture", action="store_true", help="skip the real capture")
    args = parser.parse_args()
    names = [name for name in args.sites.split(",") if name]
    unknown = sorted(set(names) - set(PRESETS))
    if unknown:
        parser.error(f"unknown sites {unknown}; known: {', '.join(PRESETS)}")
    with tempfile.TemporaryDirectory() as folder:
        rows = [] if args.no_capture or not CAPTURE.is_dir() else capture_rows(Path(folder))
        for name in names:
            print(f"crawling {name} ...", file=sys.stderr)
            rows.append(synthetic_row(name, Path(folder)))
    print_table(rows)


if __name__ == "__main__":
    main()
