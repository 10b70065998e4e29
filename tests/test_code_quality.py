"""The project's own checks run with the tests: ruff (lint and format) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "dvcrawl", "tests", "benchmarks", "tools"],
        ["ruff", "format", "--check", "dvcrawl", "tests", "benchmarks", "tools"],
        ["mypy"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_code_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_registry_meta() -> None:
    """Every profile has fixtures; every fixture names a known site; no domain is shared."""
    from conftest import PAGE_FIXTURES, SITE_FIXTURES

    from dvcrawl.sites import SITES

    page_sites = {p.name for p in PAGE_FIXTURES.iterdir() if p.is_dir()}
    site_sites = {p.name for p in SITE_FIXTURES.iterdir() if p.is_dir()}
    for key in SITES:
        kinds = {p.name.split("-", 1)[0] for p in (PAGE_FIXTURES / key).iterdir()}
        assert {"article", "listing"} <= kinds, f"{key}: add an article and a listing fixture"
        assert key in site_sites, f"{key}: add a synthetic site under tests/fixtures/sites/{key}"
    assert page_sites <= set(SITES), f"fixtures for unknown sites: {page_sites - set(SITES)}"
    assert site_sites <= set(SITES), f"synthetic sites for unknown sites: {site_sites - set(SITES)}"
    for profile in SITES.values():
        assert profile.key == profile.key.lower()
        assert " " not in profile.key
        assert all(profile.is_article_url(u) is False for u in profile.start_urls), profile.key
