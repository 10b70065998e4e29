"""The ``dvcrawl`` command as a user meets it: help, listings, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run_dvcrawl

from dvcrawl.cli import main
from dvcrawl.sites import SITES
from dvcrawl.storage.db import get_engine, session_factory
from dvcrawl.storage.repository import ArchiveRepository


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    "args",
    [[], ["crawl"], ["sites"], ["stats"], ["db"], ["db", "upgrade"], ["db", "current"]],
    ids=lambda a: " ".join(a) or "dvcrawl",
)
def test_every_command_explains_itself(runner: CliRunner, args: list[str]) -> None:
    result = runner.invoke(main, [*args, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output
    assert len(result.output.splitlines()) > 3


def test_sites_lists_every_profile_with_family_and_domains(runner: CliRunner) -> None:
    result = runner.invoke(main, ["sites"])
    assert result.exit_code == 0
    for profile in SITES.values():
        line = next(row for row in result.output.splitlines() if row.startswith(profile.key + " "))
        assert profile.family.name in line
        assert profile.domains[0] in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "no-such-province"], "unknown site 'no-such-province'; known sites: "),
        (["crawl", "--family", "nukeviet", "--start-url", "ftp://x.vn/"], "not an http(s) URL"),
        (["crawl", "--family", "nukeviet", "--start-url", "tinhuy.vn/news"], "not an http(s) URL"),
        (["crawl", "--family", "wordpress", "--start-url", "https://x.vn/"], "unknown family"),
        (["crawl", "--family", "nukeviet"], "needs both --family and --start-url"),
        (["crawl"], "name a site"),
        (["crawl", "danvan", "--all"], "not both"),
        (["crawl", "danvan", "-s", "NOVALUE"], "-s takes NAME=VALUE"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    runner: CliRunner, args: list[str], message: str, tmp_path: Path
) -> None:
    result = runner.invoke(main, [*args, "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}"])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("dvcrawl: ")
    assert message in lines[0]


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://nobody@127.0.0.1:1/none",
        "sqlite:////no/such/folder/corpus.sqlite3",
    ],
)
def test_unusable_database_is_one_clear_line_and_exit_1(runner: CliRunner, url: str) -> None:
    for args in (["crawl", "danvan"], ["stats"]):
        result = runner.invoke(main, [*args, "--db", url])
        assert result.exit_code == 1, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1, result.output
        assert lines[0].startswith("dvcrawl: ")
        assert "database" in lines[0]


def test_stats_on_a_new_database_says_so(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["stats", "--db", str(tmp_path / "new.sqlite3")])
    assert result.exit_code == 0
    assert "no site crawled yet" in result.output


def test_db_upgrade_then_current(runner: CliRunner, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    upgraded = runner.invoke(main, ["db", "upgrade", "--db", db])
    assert upgraded.exit_code == 0
    assert "schema none -> " in upgraded.output
    current = runner.invoke(main, ["db", "current", "--db", db])
    database_line, needed_line = current.output.splitlines()
    assert database_line.split()[-1] == needed_line.split()[-1] != "none"


def test_scrapy_crawl_works_as_scrapy_users_expect(tmp_path: Path) -> None:
    site_dir = Path(__file__).parent / "fixtures" / "sites" / "danvan"
    project = Path(__file__).parent.parent
    result = run_dvcrawl_scrapy(project, site_dir, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
    with session_factory(get_engine(f"sqlite:///{tmp_path / 's.sqlite3'}"))() as session:
        stored = ArchiveRepository(session).articles("danvan")
    assert len(stored) == len(expected["stored"]) + len(expected["one_of"])


def run_dvcrawl_scrapy(project: Path, site_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "articles",
            "-a",
            "site=danvan",
            "-s",
            f"DVCRAWL_DATABASE_URL=sqlite:///{tmp_path / 's.sqlite3'}",
            "-s",
            f"DVCRAWL_REPLAY_PATHS={site_dir}",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_progress_lines_are_printed_during_a_crawl(tmp_path: Path) -> None:
    site_dir = Path(__file__).parent / "fixtures" / "sites" / "danvan"
    result = run_dvcrawl(
        "crawl",
        "danvan",
        "--replay",
        str(site_dir),
        "--db",
        f"sqlite:///{tmp_path / 'p.sqlite3'}",
        "--delay",
        "0",
        "--progress",
        "0.01",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[danvan] " in result.stderr
    assert "listing pages" in result.stderr
