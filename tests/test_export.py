"""``dvcrawl search`` and ``dvcrawl export`` as researchers use them, on a crawled corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SITE_FIXTURES, run_dvcrawl

from dvcrawl.cli import main
from dvcrawl.corpus import FIELDS, Corpus


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('export') / 'corpus.sqlite3'}"
    replays = [arg for site in sorted(SITE_FIXTURES.iterdir()) for arg in ("--replay", str(site))]
    result = run_dvcrawl("crawl", "--all", *replays, "--db", url, "--progress", "0")
    assert result.returncode == 0, result.stderr[-2000:]
    return url


@pytest.mark.parametrize("output_format", ["csv", "jsonl", "parquet"])
def test_export_writes_every_matching_article(
    corpus_url: str, tmp_path: Path, output_format: str
) -> None:
    path = tmp_path / f"out.{output_format}"
    args = ["export", "--format", output_format, "-o", str(path), "--db", corpus_url]
    result = CliRunner().invoke(main, [*args, "--site", "binh-phuoc"])
    assert result.exit_code == 0, result.output
    with Corpus(corpus_url) as corpus:
        expected = {row.url: row for row in corpus.articles(sites=["binh-phuoc"])}
    rows = read_rows(path, output_format)
    assert f"{len(expected)} articles written" in result.output
    assert {row["url"] for row in rows} == set(expected)
    for row in rows:
        original = expected[row["url"]]
        assert row["title"] == original.title
        assert row["body"] == original.body
        assert row["site"] == "binh-phuoc"
    assert list(rows[0]) == list(FIELDS)


def read_rows(path: Path, output_format: str) -> list[dict[str, object]]:
    if output_format == "csv":
        with path.open(encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))
    if output_format == "jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()  # type: ignore[no-any-return]


def test_search_command_prints_json_lines(corpus_url: str) -> None:
    result = CliRunner().invoke(
        main, ["search", "dan van kheo", "--format", "json", "--limit", "3", "--db", corpus_url]
    )
    assert result.exit_code == 0, result.output
    hits = [json.loads(line) for line in result.output.splitlines()]
    assert 0 < len(hits) <= 3
    assert all("[" in hit["snippet"] for hit in hits)
    assert [hit["rank"] for hit in hits] == sorted((hit["rank"] for hit in hits), reverse=True)


def test_search_command_rejects_a_malformed_query_in_one_line(corpus_url: str) -> None:
    result = CliRunner().invoke(main, ["search", 'dân "vận', "--db", corpus_url])
    assert result.exit_code == 2
    assert result.output.strip() == "dvcrawl: bad query: unclosed quote at character 5"


def test_export_to_an_unwritable_place_is_one_line(corpus_url: str, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.csv"
    result = CliRunner().invoke(
        main, ["export", "--format", "csv", "-o", str(target), "--db", corpus_url]
    )
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1
