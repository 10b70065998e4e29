"""The scorer of benchmarks/extraction_quality.py: the capture's metric, field by field."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dvcrawl.text import VIETNAM_TZ

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "fixtures" / "captures" / "nukeviet-dev" / "truth.jsonl"


def _load_benchmark() -> ModuleType:
    # benchmarks/ is a folder of scripts, not a package.
    path = ROOT / "benchmarks" / "extraction_quality.py"
    spec = importlib.util.spec_from_file_location("extraction_quality", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


bench = _load_benchmark()


@pytest.fixture(scope="module")
def truth() -> list[dict[str, Any]]:
    return [json.loads(line) for line in TRUTH.read_text("utf-8").splitlines() if line.strip()]


def perfect(row: dict[str, Any]) -> Any:
    published = datetime.fromisoformat(row["published"])
    return bench.Extraction(
        title=row["title"],
        published=published,
        published_day=published.astimezone(VIETNAM_TZ).date(),
        body=list(row["body_paragraphs"]),
        captions=list(row["captions"]),
        byline=row.get("byline"),
        gives_byline=True,
    )


def test_a_perfect_extraction_scores_one_on_every_field(truth: list[dict[str, Any]]) -> None:
    scores = [bench.score_article(perfect(row), row) for row in truth]
    summary = bench.summarise(scores)

    assert summary.articles == len(truth) == 37
    for name in ("title", "date", "day", "body_f1", "body_f1_min"):
        assert getattr(summary, name) == 1.0, name
    assert summary.captions_exact == 1.0
    assert summary.byline_exact == 1.0
    assert not any(score.short_of_perfect() for score in scores)


def test_a_byline_left_in_the_body_and_a_lost_caption_fall_short(
    truth: list[dict[str, Any]],
) -> None:
    row = next(r for r in truth if r.get("byline") and r["captions"])
    bad = dataclasses.replace(
        perfect(row),
        body=[*row["body_paragraphs"], row["byline"]],
        captions=row["captions"][1:],
        byline=None,
    )

    score = bench.score_article(bad, row)

    assert score.title
    assert score.date
    assert 0.0 < score.body_f1 < 1.0
    assert score.captions is False
    assert score.byline is False
    assert score.short_of_perfect()


def test_a_time_an_hour_off_is_the_right_day_but_not_the_right_date(
    truth: list[dict[str, Any]],
) -> None:
    row = next(r for r in truth if r["published"].endswith("08:05:00+07:00"))
    bad = dataclasses.replace(
        perfect(row), published=datetime.fromisoformat(row["published"]) + timedelta(hours=1)
    )

    score = bench.score_article(bad, row)

    assert score.date is False
    assert score.day is True


def test_a_stored_time_without_a_zone_is_read_as_utc() -> None:
    assert bench.same_instant(datetime(2017, 2, 14, 1, 5), "2017-02-14T08:05:00+07:00")
    assert not bench.same_instant(datetime(2017, 2, 14, 8, 5), "2017-02-14T08:05:00+07:00")
    assert bench.same_instant(datetime(2017, 2, 14, 1, 5, tzinfo=UTC), "2017-02-14T08:05:00+07:00")


def test_token_f1_counts_words_not_paragraphs() -> None:
    assert bench.token_f1(["Dân vận", "khéo"], ["Dân vận khéo"]) == 1.0
    # two words of three found, one extra: precision 2/3, recall 2/3
    assert bench.token_f1(["dân vận tốt"], ["Dân vận khéo"]) == pytest.approx(2 / 3)
    assert bench.token_f1([], ["Dân vận"]) == 0.0
    assert bench.token_f1([], []) == 1.0


def test_a_title_in_nfd_with_odd_spaces_is_the_same_title(truth: list[dict[str, Any]]) -> None:
    row = truth[0]
    decomposed = "  " + unicodedata.normalize("NFD", row["title"]).replace(" ", "\xa0 ") + "\u200b"
    score = bench.score_article(dataclasses.replace(perfect(row), title=decomposed), row)
    assert score.title is True
    wrong_case = dataclasses.replace(perfect(row), title=row["title"].upper())
    assert bench.score_article(wrong_case, row).title is False


def test_fields_an_extractor_does_not_give_are_not_scored(truth: list[dict[str, Any]]) -> None:
    row = truth[0]
    without = dataclasses.replace(perfect(row), captions=None, byline=None, gives_byline=False)

    summary = bench.summarise([bench.score_article(without, row)])

    assert summary.captions_exact is None
    assert summary.byline_exact is None
    assert summary.body_f1 == 1.0
