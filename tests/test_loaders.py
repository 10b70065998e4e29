"""ArticleLoader: processors looked up once per field, and still each class's own."""

from __future__ import annotations

from itemloaders.processors import MapCompose

from dvcrawl.loaders import ArticleLoader


class ShoutingLoader(ArticleLoader):
    title_in = MapCompose(str.upper)


def test_values_are_cleaned_and_blank_ones_dropped() -> None:
    loader = ArticleLoader()
    loader.add_value("title", "  Dân\u00a0vận  khéo ")
    loader.add_value("body", ["Đoạn một.", "\u200b", "Đoạn\u00a0hai."])
    article = loader.load_item()
    assert article.title == "Dân vận khéo"
    assert article.body == ["Đoạn một.", "Đoạn hai."]


def test_a_subclass_keeps_its_own_processor_after_the_base_class_used_its() -> None:
    ArticleLoader().add_value("title", "dân vận")
    shouting = ShoutingLoader()
    shouting.add_value("title", "dân vận")
    plain = ArticleLoader()
    plain.add_value("title", "dân vận")
    assert shouting.load_item().title == "DÂN VẬN"
    assert plain.load_item().title == "dân vận"
