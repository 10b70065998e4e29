"""Pure parsing functions: a ``Page`` and a site profile in, items out."""

from dvcrawl.parsing.article import parse_article
from dvcrawl.parsing.listing import parse_listing

__all__ = ["parse_article", "parse_listing"]
