"""Record ``tests/fixtures/warc/<site>.warc.gz`` by crawling each synthetic site with capture on.

Run from the repository root::

    python tools/record_fixture_warcs.py              # every site under tests/fixtures/sites
    python tools/record_fixture_warcs.py danvan       # only these sites

Each site's manifest recording (``tests/fixtures/sites/<site>``) is crawled by the real
``dvcrawl crawl --replay`` into a fresh database with ``--warc-dir`` set, so the fixture is
what dvcrawl's own capture wrote: warcinfo, request, response and revisit records of every
fetch, robots.txt and unrecorded URLs (404) included. The capture's files for the site
are joined into one file (each record is its own gzip member, so joining them is valid);
their warcinfo records still name the files the capture wrote. The result is checked by
indexing it as ``--replay`` would. Record dates and ids change on every run, so run this
only when a site's recording changes, and review the test results.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "fixtures" / "sites"
OUTPUT = ROOT / "tests" / "fixtures" / "warc"


def record(site_dir: Path, output: Path) -> Path:
    """Crawl one site's manifest with capture on and write its WARC fixture."""
    with tempfile.TemporaryDirectory() as folder:
        warcs = Path(folder) / "warcs"
        command = [
            sys.executable,
            "-m",
            "dvcrawl",
            "crawl",
            site_dir.name,
            "--replay",
            str(site_dir),
            "--warc-dir",
            str(warcs),
            "--db",
            f"sqlite:///{Path(folder) / 'corpus.sqlite3'}",
            "--delay",
            "0",
            "--progress",
            "0",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"{site_dir.name}: crawl failed:\n{result.stdout}{result.stderr}")
        print(result.stdout.strip())
        files = sorted(warcs.glob("*.warc.gz"))
        if not files:
            raise SystemExit(f"{site_dir.name}: the crawl wrote no WARC file into {warcs}")
        target = output / f"{site_dir.name}.warc.gz"
        target.write_bytes(b"".join(path.read_bytes() for path in files))
    return target


def check(path: Path) -> int:
    """How many URLs the fixture answers, read as ``--replay`` reads it."""
    from dvcrawl.replay import load_recordings

    return len(load_recordings([path]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sites", nargs="*", help="site keys (default: every synthetic site)")
    args = parser.parse_args()
    site_dirs = sorted(p.parent for p in SITES.glob("*/manifest.json"))
    if args.sites:
        unknown = set(args.sites) - {p.name for p in site_dirs}
        if unknown:
            raise SystemExit(f"no synthetic site {', '.join(sorted(unknown))} in {SITES}")
        site_dirs = [p for p in site_dirs if p.name in args.sites]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for site_dir in site_dirs:
        target = record(site_dir, OUTPUT)
        urls = check(target)
        print(f"wrote {target.relative_to(ROOT)}: {target.stat().st_size:,} bytes, {urls} URLs")


if __name__ == "__main__":
    main()
