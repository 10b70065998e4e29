"""The SQLite corpus opens in datasette with the shipped metadata, and its search works."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from conftest import SITE_FIXTURES, run_dvcrawl

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("datasette") / "dvcrawl.sqlite3"  # the name the metadata uses
    site = SITE_FIXTURES / "binh-phuoc"
    result = run_dvcrawl(
        "crawl", "binh-phuoc", "--replay", str(site), "--db", str(path), "--progress", "0"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return path


def test_datasette_searches_the_corpus_with_the_shipped_metadata(corpus_file: Path) -> None:
    from datasette.app import Datasette

    metadata = json.loads((ROOT / "datasette.json").read_text(encoding="utf-8"))

    async def fetch(path: str) -> dict[str, object]:
        datasette = Datasette([str(corpus_file)], metadata=metadata)
        response = await datasette.client.get(path)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    folded = asyncio.run(fetch("/dvcrawl/articles.json?_search=dan+van+kheo&_shape=objects"))
    accented = asyncio.run(fetch("/dvcrawl/articles.json?_search=Dân+vận+khéo&_shape=objects"))
    nothing = asyncio.run(fetch("/dvcrawl/articles.json?_search=zzzkhongco&_shape=objects"))
    titles = [row["title"] for row in folded["rows"]]  # type: ignore[index]
    assert titles
    assert all(isinstance(title, str) for title in titles)
    assert {row["id"] for row in folded["rows"]} == {row["id"] for row in accented["rows"]}  # type: ignore[index]
    assert nothing["rows"] == []
