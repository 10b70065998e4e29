"""The one item loader for articles; sites differ only through rules and context."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from itemloaders.processors import Identity, MapCompose, TakeFirst
from scrapy.loader import ItemLoader

from dvcrawl.items import Article
from dvcrawl.text import clean_text

Processor = Callable[..., Any]


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

    # itemloaders looks a field's processor up again on every value, reading the item's
    # field metadata through a new ItemAdapter each time (a fifth of an article's loading).
    # Processors are class attributes and field metadata, so one lookup per field will do.
    _processors: ClassVar[dict[tuple[type, type, str, str], Processor]] = {}

    def get_input_processor(self, field_name: str) -> Processor:
        key = (type(self), type(self.item), "in", field_name)
        if (processor := self._processors.get(key)) is None:
            processor = self._processors[key] = super().get_input_processor(field_name)
        return processor

    def get_output_processor(self, field_name: str) -> Processor:
        key = (type(self), type(self.item), "out", field_name)
        if (processor := self._processors.get(key)) is None:
            processor = self._processors[key] = super().get_output_processor(field_name)
        return processor

    def has(self, field_name: str) -> bool:
        """Whether any value was collected for ``field_name`` yet."""
        return bool(self.get_collected_values(field_name))
