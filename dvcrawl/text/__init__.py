"""Vietnamese text handling for dvcrawl: cleaning, comparison keys, dates and bylines.

Pure, typed functions with no I/O. See the reference notes (vietnamese-text.md) for the
reasoning behind each rule; the test suite holds their vectors.
"""

from dvcrawl.text.bylines import Author, Byline, looks_like_byline, split_byline
from dvcrawl.text.dates import VIETNAM_TZ, parse_datetime
from dvcrawl.text.decode import decode_html, decode_html_with_source
from dvcrawl.text.legacy import (
    cp1258_to_unicode,
    detect_legacy,
    fix_legacy,
    font_hint,
    tcvn3_to_unicode,
    viscii_to_unicode,
    vni_to_unicode,
)
from dvcrawl.text.normalize import (
    canonical_tones,
    clean_paragraphs,
    clean_text,
    fold_diacritics,
    text_key,
)

__all__ = [
    "VIETNAM_TZ",
    "Author",
    "Byline",
    "canonical_tones",
    "clean_paragraphs",
    "clean_text",
    "cp1258_to_unicode",
    "decode_html",
    "decode_html_with_source",
    "detect_legacy",
    "fix_legacy",
    "fold_diacritics",
    "font_hint",
    "looks_like_byline",
    "parse_datetime",
    "split_byline",
    "tcvn3_to_unicode",
    "text_key",
    "viscii_to_unicode",
    "vni_to_unicode",
]
