"""The one item loader for articles; sites differ only through rules and context."""

from __future__ import annotations

from typing import Any

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from dvcrawl.items import Article
from dvcrawl.text import clean_text


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str):
        cleaned = clean_text(value)
        return cleaned or None
    return value


class ArticleLoader(ItemLoader):
    """Collects article fields; scalars keep the first value, lists keep all."""

    default_item_class = Article
    default_input_processor = MapCompose(_blank_to_none)
    default_output_processor = TakeFirst()

    body_out = Identity()
    captions_out = Identity()
    tags_out = Identity()
    image_urls_out = Identity()
    attachments_out = Identity()

    def has(self, field_name: str) -> bool:
        """Whether any value was collected for ``field_name`` yet."""
        return bool(self.get_collected_values(field_name))
