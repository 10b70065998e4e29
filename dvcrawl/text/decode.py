"""Decode an HTML response body to text, legacy Vietnamese encodings included.

Reference: vietnamese-text.md §0 recommendation 2 and §2.3. Decode from ``response.body``, not
``response.text``: w3lib lets an ``ISO-8859-1`` header win over the body, and the resulting
strict cp1252 decoding replaces the bytes of Đ (C4 90), ọ (E1 BB 8D) and ờ (E1 BB 9D) with
U+FFFD for good. The order here:

1. a byte-order mark (UTF-8, UTF-16, UTF-32) → that encoding, the mark removed;
2. the whole body is strict UTF-8 → UTF-8, **whatever the header or meta tag says** (legacy
   8-bit text practically never forms valid UTF-8 sequences; pure ASCII is UTF-8 too);
3. legacy font names in the markup (``.VnTime`` → TCVN3, ``VNI-Times`` → VNI), unless the
   converted text is less Vietnamese than the declared (or nearly-UTF-8) reading;
4. the declared charset, header first, then ``<meta charset>`` / ``http-equiv`` / the XML
   declaration. ``windows-1258``, ``VISCII``, ``x-viet-tcvn5712`` and ``x-viet-vni`` go to the
   converters of :mod:`dvcrawl.text.legacy`. ``x-viet-vps`` is not supported and falls through
   to step 5, as do Western labels (``ISO-8859-1``, ``windows-1252``, ``us-ascii``, read as
   windows-1252 the way browsers do; legacy Vietnamese pages were nearly always labelled so)
   and a ``utf-8`` label that many invalid bytes contradict;
5. a guess: UTF-8 with a few broken bytes when most non-ASCII sequences are valid UTF-8, else
   the TCVN3/VNI/cp1258/VISCII reading that makes the visible text clearly more Vietnamese
   (:func:`dvcrawl.text.legacy.detect_legacy`'s rule), else windows-1252.

Nothing raises and no byte is dropped: bytes that the chosen decoding cannot read come out as
their windows-1252 (or, for the five bytes it leaves undefined, Latin-1) character. The result
is NFC and otherwise untouched (no cleaning, no entity decoding), with two exceptions that
belong to the font encodings: in a TCVN3 or VNI page a character reference to a cp1252
character (``&ecirc;``) stands for the same glyph as the raw byte and is converted with it,
and after a TCVN3 conversion the text drawn in a capitals font (``.VnTimeH``) is upper-cased
(:func:`dvcrawl.text.legacy.uppercase_font_runs`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final

from dvcrawl.text.legacy import (
    CP1252_SLOPPY,
    LegacyKind,
    cp1258_to_unicode,
    font_entities_converted,
    font_entities_to_chars,
    font_hint,
    guess_legacy_surface,
    plausibility,
    surface_to_unicode,
    tcvn3_to_unicode,
    uppercase_font_runs,
    viscii_to_unicode,
)
from dvcrawl.text.normalize import nfc

__all__ = ["DecodedHtml", "decode_html", "decode_html_details", "decode_html_with_source"]

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels, lower case, to what they mean here. Western labels are read as windows-1252 (the
# WHATWG Encoding Standard does the same) and then checked for a legacy Vietnamese surface.
_WESTERN: Final = "windows-1252"
_UNSUPPORTED: Final = "unsupported"
_LABELS: Final = {
    **dict.fromkeys(["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"], "utf-8"),
    **dict.fromkeys(["windows-1258", "cp1258", "x-cp1258", "ms1258"], "cp1258"),
    **dict.fromkeys(["viscii", "csviscii", "viscii1.1-1", "x-viet-viscii"], "viscii"),
    **dict.fromkeys(
        [
            "x-viet-tcvn5712",
            "x-viet-tcvn",
            "tcvn",
            "tcvn3",
            "tcvn-5712",
            "tcvn5712-1",
            "tcvn5712-1:1993",
            "abc",
        ],
        "tcvn3",
    ),
    **dict.fromkeys(["x-viet-vni", "vni"], "vni"),
    # VPS has no converter here; UTF-7 is refused by browsers (script injection).
    **dict.fromkeys(["x-viet-vps", "vps", "utf-7", "utf7", "unicode-1-1-utf-7"], _UNSUPPORTED),
    **dict.fromkeys(
        [
            "iso-8859-1",
            "iso8859-1",
            "iso_8859-1",
            "latin1",
            "latin-1",
            "l1",
            "us-ascii",
            "ascii",
            "windows-1252",
            "cp1252",
            "x-cp1252",
            "iso-8859-15",
            "latin-9",
        ],
        _WESTERN,
    ),
}

# Python codecs that no web page means: they would rewrite ASCII (escape sequences, IDNA) or
# always fail.
_NOT_WEB_CODECS: Final = frozenset(
    {"utf-7", "unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined"}
)

_HEADER_CHARSET_RE: Final = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.I)
_META_CHARSET_RE: Final = re.compile(
    r"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)"""
    r"""|<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:+-]+)""",
    re.IGNORECASE,
)
_META_SCAN_LIMIT: Final = 16_384

_VISIBLE_SKIP_RE: Final = re.compile(
    r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.DOTALL | re.IGNORECASE
)

# Undecodable bytes, kept by "surrogateescape" as U+DC80-U+DCFF, become their cp1252 reading.
_ESCAPED_BYTES: Final = {0xDC00 + byte: CP1252_SLOPPY[byte] for byte in range(0x80, 0x100)}
_ESCAPED_RE: Final = re.compile("[\udc80-\udcff]")
_HIGH_BYTES: Final = bytes(range(0x80, 0x100))

# Without a utf-8 label, at most one broken byte per this many valid non-ASCII characters
# still counts as UTF-8.
_UTF8_VALID_PER_BROKEN: Final = 10

_FONT_KINDS: Final = ("tcvn3", "vni")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The text of an HTML ``body`` (NFC), decoded in the order of the module docstring.

    ``content_type`` is the HTTP ``Content-Type`` header value, if any. Never raises.
    """
    return decode_html_with_source(body, content_type)[0]


def decode_html_with_source(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """:func:`decode_html` plus how the body was decoded, for crawl statistics.

    The second item is ``"bom:<codec>"``, ``"utf-8"``, ``"font:tcvn3"``/``"font:vni"``,
    ``"declared:<name>"`` (``declared:cp1258``, ``declared:viscii``, ``declared:tcvn3``,
    ``declared:vni``, ``declared:utf-8``, ``declared:windows-1252``, or a Python codec name
    such as ``declared:shift_jis``) or ``"guess:<name>"`` (``guess:utf-8``, ``guess:tcvn3``,
    ``guess:vni``, ``guess:cp1258``, ``guess:viscii``, ``guess:windows-1252``).
    """
    decoded = decode_html_details(body, content_type)
    return decoded.text, decoded.source


@dataclass(frozen=True, slots=True)
class DecodedHtml:
    """A body's text, how it was decoded, and whether it is the bytes' own UTF-8."""

    text: str
    source: str
    """How the body was decoded (see :func:`decode_html_with_source`)."""
    is_body_as_utf8: bool
    """Whether ``text`` is exactly the body read as UTF-8, so that a parser may take the
    bytes as they are instead of encoding the text again."""


def decode_html_details(body: bytes, content_type: str | None = None) -> DecodedHtml:
    """:func:`decode_html_with_source`, saying whether the text is the body's UTF-8 as is."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = nfc(_decode_lenient(body[len(bom) :], codec))
            return DecodedHtml(text, f"bom:{codec}", is_body_as_utf8=False)
    try:
        as_utf8 = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        text = nfc(as_utf8)
        return DecodedHtml(text, "utf-8", is_body_as_utf8=text is as_utf8)
    return DecodedHtml(*_decode_not_utf8(body, content_type), is_body_as_utf8=False)


def _decode_not_utf8(body: bytes, content_type: str | None) -> tuple[str, str]:
    markup = _cp1252(body)  # every byte kept; ASCII markup reads as itself
    declared = _declared(content_type, markup)
    declared_text = _decode_declared(body, markup, declared)

    hint = font_hint(markup)
    if hint is not None:
        converted = _convert_page(body, markup, hint)
        alternative = declared_text or _mostly_utf8(body) or markup
        if _page_share(converted) >= _page_share(alternative):
            return converted, f"font:{hint}"

    if declared_text is not None and declared is not None:
        return declared_text, f"declared:{declared}"

    guessed = _guess(body, markup)
    if guessed is not None:
        return guessed
    text = nfc(markup)
    return (text, f"declared:{_WESTERN}") if declared == _WESTERN else (text, f"guess:{_WESTERN}")


def _cp1252(body: bytes) -> str:
    return codecs.charmap_decode(body, "strict", CP1252_SLOPPY)[0]


def _decode_lenient(body: bytes, codec: str) -> str:
    """``body`` in ``codec``; undecodable bytes become their cp1252 character (or U+FFFD)."""
    try:
        return _unescape_bytes(body.decode(codec, "surrogateescape"))
    except UnicodeDecodeError:
        return body.decode(codec, "replace")


def _declared(content_type: str | None, markup: str) -> str | None:
    """The declared charset, normalised: a key of ``_LABELS``' values or a Python codec name."""
    labels = []
    if content_type:
        labels += _HEADER_CHARSET_RE.findall(content_type)
    for match in _META_CHARSET_RE.finditer(markup[:_META_SCAN_LIMIT]):
        labels.append(match.group(1) or match.group(2))
    for label in labels:
        name = _normalise_label(label)
        if name is not None:
            return name
    return None


def _normalise_label(label: str) -> str | None:
    label = label.strip().lower()
    if label in _LABELS:
        return _LABELS[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    name = info.name
    if name in _NOT_WEB_CODECS or not getattr(info, "_is_text_encoding", True):
        return None
    return _LABELS.get(name, name)


def _decode_declared(body: bytes, markup: str, declared: str | None) -> str | None:
    """The body decoded as declared, or None when the declaration cannot be used as such."""
    if declared is None or declared in (_UNSUPPORTED, _WESTERN):
        return None
    if declared == "cp1258":
        return cp1258_to_unicode(body)
    if declared == "viscii":
        return viscii_to_unicode(body)
    if declared in _FONT_KINDS:
        return _convert_page(body, markup, "tcvn3" if declared == "tcvn3" else "vni")
    if declared == "utf-8":
        # Not valid UTF-8 (step 2 failed): believe the label unless most sequences are broken.
        utf8 = _mostly_utf8(body, valid_per_broken=1)
        return None if utf8 is None else nfc(utf8)
    try:
        return nfc(_decode_lenient(body, declared))
    except (LookupError, ValueError):
        return None


def _convert_page(body: bytes, markup: str, kind: LegacyKind) -> str:
    """The page converted from a legacy encoding, markup included.

    For the font encodings, character references to cp1252 characters (``&ecirc;``) are
    converted with the raw bytes, and TCVN3 capitals-font runs are upper-cased.
    """
    if kind == "cp1258":
        return cp1258_to_unicode(body)
    if kind == "viscii":
        return viscii_to_unicode(body)
    if kind == "vni":
        return surface_to_unicode(font_entities_to_chars(markup), kind)
    text = font_entities_converted(tcvn3_to_unicode(body, windows_punctuation=True), kind)
    return nfc(uppercase_font_runs(text))


def _visible_text(markup: str) -> str:
    return _VISIBLE_SKIP_RE.sub(" ", markup)


def _page_share(text: str) -> float:
    return plausibility(_visible_text(text))


def _mostly_utf8(body: bytes, valid_per_broken: int = _UTF8_VALID_PER_BROKEN) -> str | None:
    """``body`` as UTF-8, invalid bytes as their cp1252 character; None when there are fewer
    than ``valid_per_broken`` valid non-ASCII characters per invalid sequence."""
    replaced = body.decode("utf-8", "replace")
    broken = replaced.count("\ufffd") - body.count("\ufffd".encode())
    valid = len(replaced) - len(body.translate(None, _HIGH_BYTES)) - broken
    if not valid or broken * valid_per_broken > valid:
        return None
    return _unescape_bytes(body.decode("utf-8", "surrogateescape"))


def _unescape_bytes(text: str) -> str:
    """Bytes kept as U+DC80-U+DCFF by "surrogateescape" as their cp1252 character."""
    return _ESCAPED_RE.sub(lambda match: _ESCAPED_BYTES[ord(match.group())], text)


def _guess(body: bytes, markup: str) -> tuple[str, str] | None:
    utf8 = _mostly_utf8(body)
    if utf8 is not None:
        return nfc(utf8), "guess:utf-8"
    kind = guess_legacy_surface(_visible_text(markup))
    if kind is None:
        return None
    return _convert_page(body, markup, kind), f"guess:{kind}"
