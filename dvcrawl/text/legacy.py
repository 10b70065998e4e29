"""Legacy Vietnamese encodings (TCVN3/ABC, VNI, VISCII, Windows-1258) and UTF-8 mojibake.

Reference: vietnamese-text.md §2. Two kinds of input are handled:

* **bytes** in a legacy encoding (:func:`tcvn3_to_unicode`, :func:`vni_to_unicode`,
  :func:`viscii_to_unicode`, :func:`cp1258_to_unicode`), used by
  :func:`dvcrawl.text.decode.decode_html`;
* **surface strings**: legacy bytes that were already decoded as Windows-1252 or Latin-1, so
  that *Việt Nam* reads ``ViÖt Nam`` (TCVN3), ``Vieät Nam`` (VNI), ``Vi®t Nam`` (VISCII),
  ``Viêòt Nam`` (cp1258) or ``Viá»‡t Nam`` (UTF-8). Each surface converter maps the characters
  back to their byte values (both the cp1252 and the Latin-1 reading of every byte are accepted)
  and converts those. :func:`detect_legacy` says which one a string is, and :func:`fix_legacy`
  converts it.

All converters return NFC text. Run them **before** any cleaning that drops soft hyphens or
control characters: TCVN3 byte 0xAD (U+00AD SOFT HYPHEN once decoded) is the letter ư, and
VISCII/TCVN3 keep upper-case letters in the C0/C1 control range.

Detection (:func:`detect_legacy`)
    Text holding a letter that no legacy surface can contain (ă đ ĩ ũ ơ ư, the U+1Exx block, a
    combining mark) is taken to be correct Unicode: only the UTF-8 mojibake check runs on it,
    which keeps good text cheap. Otherwise the text is cut into units at whitespace, ASCII
    punctuation and digits, and the units holding a non-ASCII character and a letter are
    tested for plausibility: without clinging quotes and dashes, the unit is one syllable that
    :func:`dvcrawl.text._syllable.is_vietnamese_syllable` accepts, in one letter case, with
    the tone where one of the two printed styles puts it, sắc or nặng on a syllable closed by
    -c -ch -p -t, and the k/c, gh/g, ngh/ng spelling. For each candidate (TCVN3, VNI, cp1258,
    VISCII) the units it turns from implausible into plausible (``fixed``) and back
    (``broken``) are counted. It is accepted when ``(fixed - broken) / units`` is at least
    ``_MARGIN`` (0.15) and at least ``_MIN_SHARE`` (70 %) of the converted units are plausible;
    the highest share wins, and near ties (within ``_TIE``) go to the more common encoding:
    TCVN3, then VNI, cp1258, VISCII. ``Hßa`` is *Hòa* in TCVN3 and the equally well-formed
    *Hưa* in VISCII, so one- and two-word strings need that rule; longer text rarely ties.
    UTF-8 mojibake is recognised by a character-pair pre-check and ``ftfy.badness.is_bad``,
    and ftfy's repair is kept only when it makes more of the changed words Vietnamese.

TCVN3 and Windows punctuation
    glibc's TCVN5712-1 table puts VN1 upper-case letters at 0x80-0x9F, where Windows-1252 has
    its quotes and dashes. ABC documents (``.VnTime`` fonts, the VN3 subset) never use those
    slots for letters and do use Word's smart quotes there, so text from the web
    (:func:`fix_legacy`, :func:`tcvn3_surface_to_unicode`, HTML decoding) keeps cp1252
    punctuation (“ ” ‘ ’ – — … • € ™ …) as punctuation. :func:`tcvn3_to_unicode` follows
    iconv exactly unless ``windows_punctuation=True``.

Upper-case ``.Vn…H`` fonts
    TCVN3 has no upper-case accented letters; headings are typed with the lower-case bytes and
    drawn in capitals by an ``H`` font such as ``.VnTimeH``. A conversion therefore yields lower
    case. :func:`uppercase_font_runs` upper-cases the text of elements whose inline ``face``/
    ``style`` attribute, or a simple ``<style>`` rule for their tag or class, selects such a
    font; :func:`dvcrawl.text.decode.decode_html` applies it after converting a TCVN3 page.
    A plain string carries no font information, so :func:`fix_legacy` cannot do this.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache
from html.entities import html5
from typing import Final, Literal

from ftfy import TextFixerConfig, fix_text
from ftfy.badness import is_bad

from dvcrawl.text._legacy_tables import TCVN3_DECODE, VISCII_DECODE, VNI_ENCODE
from dvcrawl.text._syllable import TONE_MARKS, is_vietnamese_syllable, split_tone, tone_index

__all__ = [
    "LEGACY_KINDS",
    "LegacyKind",
    "cp1258_surface_to_unicode",
    "cp1258_to_unicode",
    "detect_legacy",
    "fix_legacy",
    "font_entities_converted",
    "font_entities_to_chars",
    "font_hint",
    "guess_legacy_surface",
    "plausibility",
    "surface_to_unicode",
    "tcvn3_surface_to_unicode",
    "tcvn3_to_unicode",
    "uppercase_font_runs",
    "uses_uppercase_font",
    "utf8_mojibake_to_unicode",
    "viscii_surface_to_unicode",
    "viscii_to_unicode",
    "vni_surface_to_unicode",
    "vni_to_unicode",
]

LegacyKind = Literal["tcvn3", "vni", "viscii", "cp1258", "utf8-mojibake"]
LEGACY_KINDS: Final[tuple[LegacyKind, ...]] = ("tcvn3", "vni", "viscii", "cp1258", "utf8-mojibake")

# --- byte tables -------------------------------------------------------------------------------


def _byte_table(codec: str) -> str:
    """``codec``'s decoding of each byte; bytes it leaves undefined decode as Latin-1."""
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode(codec))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


# Windows-1252 as browsers read it: 0x81, 0x8D, 0x8F, 0x90, 0x9D stay C1 controls instead of
# raising, so every byte survives and the mapping can be reversed.
CP1252_SLOPPY: Final = _byte_table("cp1252")
_CP1258_SLOPPY: Final = _byte_table("cp1258")


# TCVN3 for web text: the cp1252 punctuation and symbols of 0x80-0x9F stay what they are.
def _is_windows_punctuation(byte: int) -> bool:
    """0x80-0x9F bytes that cp1252 reads as punctuation or a symbol (“ ” – — … • € ™ …)."""
    return 0x80 <= byte <= 0x9F and unicodedata.category(CP1252_SLOPPY[byte])[0] in "PS"


_TCVN3_WEB: Final = "".join(
    CP1252_SLOPPY[byte] if _is_windows_punctuation(byte) else TCVN3_DECODE[byte]
    for byte in range(256)
)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _charmap(data: bytes, table: str) -> str:
    return codecs.charmap_decode(data, "strict", table)[0]


# --- VNI ---------------------------------------------------------------------------------------

# VNI writes a letter as a base byte plus at most one mark byte (the mark byte carries both the
# vowel-quality mark and the tone: e + ä = ệ). A few letters are single bytes (ñ = đ, ô = ơ,
# ö = ư, ò = ị, î = ỵ, ...). Pairs whose base and mark differ in case (Word's "Change Case" on
# VNI text) are accepted; the base decides the case.
_VNI_SINGLE: Final = {seq: letter for letter, seq in VNI_ENCODE.items() if len(seq) == 1}
_VNI_PAIR: Final = {seq: letter for letter, seq in VNI_ENCODE.items() if len(seq) == 2}
for _seq, _letter in list(_VNI_PAIR.items()):
    _VNI_PAIR.setdefault(_seq[0] + _seq[1].swapcase(), _letter)
_VNI_BASES: Final = "".join(sorted({seq[0] for seq in _VNI_PAIR}))
_VNI_MARKS: Final = "".join(sorted({seq[1] for seq in _VNI_PAIR}))
_VNI_RE: Final = re.compile(
    f"[{re.escape(_VNI_BASES)}][{re.escape(_VNI_MARKS)}]"
    f"|[{re.escape(''.join(s for s, c in _VNI_SINGLE.items() if s != c))}]"
)


def _vni_match(match: re.Match[str]) -> str:
    seq = match.group()
    letter = _VNI_PAIR.get(seq)
    if letter is not None:
        return letter
    # A single-byte letter, or a pair that is not a letter: decode each character alone (mark
    # bytes are never letters on their own, so they stay as they are).
    return "".join(_VNI_SINGLE.get(char, char) for char in seq)


def _vni_decode(latin: str) -> str:
    """VNI decoding of a string whose characters U+0000-U+00FF stand for bytes."""
    return _VNI_RE.sub(_vni_match, latin)


# --- byte converters ---------------------------------------------------------------------------


def tcvn3_to_unicode(data: bytes, *, windows_punctuation: bool = False) -> str:
    """Decode TCVN3 (TCVN 5712:1993, the ABC ``.VnTime`` fonts) bytes to NFC text.

    The table is glibc iconv's ``TCVN5712-1``: VN3 lower case and base vowels, the VN1
    upper-case slots, and 0xB0-0xB4 as combining tone marks (composed by NFC, so ``A`` +
    0xB3 is Á). With ``windows_punctuation`` the cp1252 punctuation of 0x80-0x9F (smart quotes,
    dashes, ellipsis, bullet, €, ™) is kept instead of the VN1 letters there, which is what ABC
    documents mean by those bytes.
    """
    return _nfc(_charmap(data, _TCVN3_WEB if windows_punctuation else TCVN3_DECODE))


def vni_to_unicode(data: bytes) -> str:
    """Decode VNI (``VNI-Times`` and other VNI-Windows fonts) bytes to NFC text.

    Bytes outside VNI's letters read as Windows-1252 (VNI fonts are Windows fonts, so 0x93 is
    a quote). Tables from GNU recode 3.6 with its swapped Ắ/Ằ corrected (see
    ``tools/make_legacy_tables.py``).
    """
    return _nfc(_vni_decode(_charmap(data, CP1252_SLOPPY)))


def viscii_to_unicode(data: bytes) -> str:
    """Decode VISCII (RFC 1456; letters in C0 and C1 too) bytes to NFC text (iconv table)."""
    return _nfc(_charmap(data, VISCII_DECODE))


def cp1258_to_unicode(data: bytes) -> str:
    """Decode Windows-1258 bytes to NFC text.

    Python's ``cp1258`` codec, with the bytes it leaves undefined read as Latin-1 instead of
    raising; NFC composes the combining tone marks (``ê`` + U+0323 → ệ).
    """
    return _nfc(_charmap(data, _CP1258_SLOPPY))


# --- surface converters ------------------------------------------------------------------------


def _surface_map(
    decode: Callable[[int], str], *, extra: dict[str, str] | None = None
) -> dict[int, str]:
    """A ``str.translate`` table from each surface reading of a byte to ``decode(byte)``.

    Both the Latin-1 and the cp1252 reading of a byte are mapped, except cp1252 punctuation:
    a curly quote in a string is far more often a curly quote than a VISCII capital.
    """
    table: dict[int, str] = {}
    for byte in range(256):
        target = decode(byte)
        readings = [chr(byte)]
        if not _is_windows_punctuation(byte):
            readings.append(CP1252_SLOPPY[byte])
        for surface in readings:
            if surface != target:
                table[ord(surface)] = target
    for surface, target in (extra or {}).items():
        table[ord(surface)] = target
    return table


# PDF text layers turn TCVN3 0xAD (ư) into U+2212 MINUS SIGN and 0xB7 (ã) into U+2219
# (reference §2.4: ``nhµ n−íc`` = nhà nước).
_TCVN3_SURFACE: Final = _surface_map(
    lambda byte: _TCVN3_WEB[byte],
    extra={"\u2212": TCVN3_DECODE[0xAD], "\u2219": TCVN3_DECODE[0xB7]},
)
_VISCII_SURFACE: Final = _surface_map(lambda byte: VISCII_DECODE[byte])
_CP1258_SURFACE: Final = _surface_map(lambda byte: _CP1258_SLOPPY[byte])
# cp1252 characters of 0x80-0x9F back to the byte they stand for (as a Latin-1 character), to
# re-read a surface as bytes; and the reverse, for VNI text read as Latin-1 (VNI fonts keep the
# Windows punctuation there).
_TO_BYTES: Final = {ord(CP1252_SLOPPY[b]): chr(b) for b in range(0x80, 0xA0)}
_VNI_C1: Final = {b: CP1252_SLOPPY[b] for b in range(0x80, 0xA0)}
_C1_RE: Final = re.compile("[\x80-\x9f]")


def tcvn3_surface_to_unicode(text: str) -> str:
    """Convert TCVN3 text that was decoded as cp1252 or Latin-1 (``ViÖt Nam``) to NFC.

    Characters that are not the reading of some byte pass through unchanged.
    """
    return _nfc(text.translate(_TCVN3_SURFACE))


def vni_surface_to_unicode(text: str) -> str:
    """Convert VNI text that was decoded as cp1252 or Latin-1 (``Vieät Nam``) to NFC."""
    decoded = _vni_decode(text)
    if _C1_RE.search(decoded):
        decoded = decoded.translate(_VNI_C1)
    return _nfc(decoded)


def viscii_surface_to_unicode(text: str) -> str:
    """Convert VISCII text that was decoded as Latin-1 or cp1252 (``Vi®t Nam``) to NFC.

    Both readings are accepted, so the upper-case letters in 0x80-0x9F survive a cp1252
    decoding too, except those that cp1252 reads as punctuation (Ổ Ỗ Ộ Ợ Ớ Ờ Ở at
    0x91-0x97 and a few more): a curly quote is left alone.
    """
    return _nfc(text.translate(_VISCII_SURFACE))


def cp1258_surface_to_unicode(text: str) -> str:
    """Convert Windows-1258 text that was decoded as cp1252 or Latin-1 (``Viêòt Nam``) to NFC."""
    return _nfc(text.translate(_CP1258_SURFACE))


# ftfy limited to undoing the encoding accident: quotes, widths, ligatures, line breaks,
# entities and control characters are the cleaner's business (dvcrawl.text.clean_text).
_FTFY_CONFIG: Final = TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    # A lone C1 control is a VISCII or TCVN3 capital read as Latin-1, not a lost cp1252 quote.
    fix_c1_controls=False,
    explain=False,
)

# In UTF-8 read as cp1252 with errors="replace" (w3lib / Scrapy's response.text), the bytes
# 0x81 0x8D 0x8F 0x90 0x9D are lost. Nine Vietnamese letters contain one; the lead bytes tell
# which ones are possible, and the word around the hole decides (see _repair_lossy).
_LOSSY_LEADS: Final = {
    "Ä": "\x90",  # Đ (C4 90)
    "Ã": "\x81\x8d\x9d",  # Á Í Ý (C3 81, C3 8D, C3 9D)
    "á»": "\x81\x8d\x8f\x90\x9d",  # ề ọ ỏ Ố ờ (E1 BB xx)
}
_LOSSY_RE: Final = re.compile("(?:Ä|Ã|á»)\ufffd")
_MAX_LOSSY_PER_CHUNK: Final = 3


def utf8_mojibake_to_unicode(text: str) -> str:
    """Repair UTF-8 that was decoded as cp1252 or Latin-1 (``Viá»‡t Nam``) with ftfy.

    ftfy runs with curly quotes kept (``uncurl_quotes=False``) and its other cosmetic fixes
    off. Before that, a replacement character left where cp1252 had no character for a byte is
    filled in when exactly one Vietnamese letter makes the word a valid syllable in a consistent
    letter case (``Ä�áº£ng`` → Đảng, ``há»�c`` → học); otherwise the hole stays.
    """
    if "\ufffd" in text:
        text = _repair_lossy(text)
    return fix_text(text, _FTFY_CONFIG)


def _repair_lossy(text: str) -> str:
    return re.sub(r"\S*\ufffd\S*", _repair_lossy_chunk, text)


def _repair_lossy_chunk(match: re.Match[str]) -> str:
    chunk = match.group()
    holes = list(_LOSSY_RE.finditer(chunk))
    if not holes or len(holes) > _MAX_LOSSY_PER_CHUNK:
        return chunk
    options = [_LOSSY_LEADS[hole.group()[:-1]] for hole in holes]
    good = []
    for choice in itertools.product(*options):
        candidate = _fill_holes(chunk, holes, choice)
        decoded = _surface_bytes(candidate).decode("utf-8", errors="replace")
        if "\ufffd" not in decoded and _chunk_valid(decoded):
            good.append(candidate)
    return good[0] if len(good) == 1 else chunk


def _fill_holes(chunk: str, holes: list[re.Match[str]], choice: tuple[str, ...]) -> str:
    parts, last = [], 0
    for hole, byte in zip(holes, choice, strict=True):
        parts.append(chunk[last : hole.end() - 1] + byte)
        last = hole.end()
    parts.append(chunk[last:])
    return "".join(parts)


def _surface_bytes(text: str) -> bytes:
    """The bytes behind a cp1252/Latin-1 surface (characters outside it become ``?``)."""
    return text.translate(_TO_BYTES).encode("latin-1", errors="replace")


_SURFACE_CONVERTERS: Final[dict[LegacyKind, Callable[[str], str]]] = {
    "tcvn3": tcvn3_surface_to_unicode,
    "vni": vni_surface_to_unicode,
    "viscii": viscii_surface_to_unicode,
    "cp1258": cp1258_surface_to_unicode,
    "utf8-mojibake": utf8_mojibake_to_unicode,
}


def surface_to_unicode(text: str, kind: LegacyKind) -> str:
    """Convert ``text`` as a surface of ``kind`` unconditionally (no detection).

    For callers that know the encoding from elsewhere (a ``.VnTime`` font on the element).
    """
    return _SURFACE_CONVERTERS[kind](text)


# --- plausibility ------------------------------------------------------------------------------

# Letters that only real Unicode text can hold: Vietnamese letters outside Latin-1 and combining
# marks. No cp1252/Latin-1 surface contains them.
_UNICODE_ONLY_RE: Final = re.compile("[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9\u0300-\u036f]")

# The first two bytes of a UTF-8 sequence (lead 0xC2-0xF4, then a continuation byte) as they
# look after a cp1252 or Latin-1 decoding, or the replacement character of a lost byte.
_CONTINUATION: Final = "".join(
    sorted({CP1252_SLOPPY[b] for b in range(0x80, 0xC0)} | {chr(b) for b in range(0x80, 0xC0)})
)
_MOJIBAKE_GATE_RE: Final = re.compile(f"[\u00c2-\u00f4][{re.escape(_CONTINUATION)}\ufffd]")

_LETTER_RUN_RE: Final = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
# Scoring units: text between whitespace, ASCII punctuation and digits. Non-ASCII symbols stay
# inside a unit because they are letters in some encoding (TCVN3 "§¶ng" is Đảng).
_UNIT_RE: Final = re.compile(r"[^\s!-@\[-`{-~]+")

# Decision thresholds (see the module docstring).
_MIN_SHARE: Final = 0.7
_MARGIN: Final = 0.15
_TIE: Final = 0.05
_MAX_UNITS: Final = 200
# Candidates in order of preference for near ties: how common each is in Vietnamese archives.
_CANDIDATES: Final[tuple[LegacyKind, ...]] = ("tcvn3", "vni", "cp1258", "viscii")


# Syllables ending in a stop (-c -ch -p -t) carry only the sắc or nặng tone.
_STOP_TONES: Final = frozenset("\u0301\u0323")
_STOP_CODA_RE: Final = re.compile(r"(?:c|ch|p|t)$")
# Spelling rules: k, gh, ngh before i e ê (y) and c, g, ng elsewhere; "qu" is never followed by
# a plain o (quốc has ô) and a lone y takes no final consonant (ý, kỹ, no "yng").
_MISSPELT_RE: Final = re.compile(
    r"^(?:k[^hieêy]|c[ieêy]|ngh[^ieê]|gh[^ieê]|ng[ieê]|g[eê]|quo|[bcdđghklmnpqrstvx]*y[^aăâeêioôơuưy])"
)
# Typographic punctuation that may cling to a word without being part of it.
_EDGE_PUNCTUATION: Final = "“”‘’«»‹›„‚–—…•′″"


@lru_cache(maxsize=1 << 15)
def _run_valid(run: str) -> bool:
    """A plausible Vietnamese syllable: stricter than ``is_vietnamese_syllable``.

    On top of the syllable structure it asks for one letter case (or a capital first letter;
    "TrƠn" is not a reading), the tone on a letter where one of the two printed styles puts it
    (not "quaỷ"), a sắc or nặng tone on syllables closed by a stop, and the k/c, gh/g, ngh/ng
    spelling rules. These tell apart the many accidental readings of a legacy surface.
    """
    if run not in (run.lower(), run.upper(), run.capitalize()):
        return False
    if not is_vietnamese_syllable(run):
        return False
    base, tones = split_tone(run)
    base = base.lower()
    if _STOP_CODA_RE.search(base) and not (tones and tones[0] in _STOP_TONES):
        return False
    if tones and _toned_index(run) not in (
        tone_index(base, tone_on_first=True),
        tone_index(base, tone_on_first=False),
    ):
        return False
    return _MISSPELT_RE.match(base) is None


def _toned_index(run: str) -> int:
    """Index (in letters) of the letter that carries the tone mark."""
    letter = -1
    for char in unicodedata.normalize("NFD", run):
        if char in TONE_MARKS:
            return letter
        if not unicodedata.combining(char):
            letter += 1
    return letter


def _chunk_valid(chunk: str) -> bool:
    """True when every run of letters in ``chunk`` is a plausible Vietnamese syllable."""
    runs = _LETTER_RUN_RE.findall(chunk)
    return bool(runs) and all(map(_run_valid, runs))


def _unit_valid(unit: str) -> bool:
    """True when ``unit``, without clinging quotes and dashes, is one plausible syllable.

    A symbol inside the unit makes it implausible: in a legacy surface such symbols are
    letters in disguise (TCVN3 ``§¶ng``, ``®ãi``, ``gi÷``).
    """
    core = unit.strip(_EDGE_PUNCTUATION)
    return _LETTER_RUN_RE.fullmatch(core) is not None and _run_valid(core)


def _scored_units(text: str) -> list[str]:
    """Units that a conversion can change and that carry evidence: non-ASCII, with a letter."""
    units = []
    for match in _UNIT_RE.finditer(text):
        unit = match.group()
        if not unit.isascii() and _LETTER_RUN_RE.search(unit):
            units.append(unit)
            if len(units) >= _MAX_UNITS:
                break
    return units


def _converted_units(units: list[str], convert: Callable[[str], str]) -> list[str]:
    # No converter creates or removes an ASCII space, so one call keeps the units aligned.
    converted = convert(" ".join(units)).split(" ")
    return converted if len(converted) == len(units) else [convert(unit) for unit in units]


def _plausible_kinds(
    text: str, candidates: tuple[LegacyKind, ...], hint: LegacyKind | None
) -> list[tuple[float, LegacyKind]]:
    """Candidates whose conversion of ``text`` is clearly more Vietnamese, with their share.

    ``fixed`` counts the units a candidate turns from implausible into plausible syllables and
    ``broken`` the reverse. A candidate is accepted when ``(fixed - broken) / units`` is at
    least ``_MARGIN`` and the converted units are at least ``_MIN_SHARE`` plausible; a hinted
    candidate needs one net fixed unit and half the share.
    """
    units = _scored_units(text)
    if not units:
        return []
    valid = [_unit_valid(unit) for unit in units]
    accepted = []
    for kind in candidates:
        converted = _converted_units(units, _SURFACE_CONVERTERS[kind])
        after = [
            _unit_valid(c) if c != u else v for u, c, v in zip(units, converted, valid, strict=True)
        ]
        fixed = sum(a and not v for a, v in zip(after, valid, strict=True))
        broken = sum(v and not a for a, v in zip(after, valid, strict=True))
        share = sum(after) / len(units)
        gain = (fixed - broken) / len(units)
        if kind == hint:
            ok = fixed > broken and share >= _MIN_SHARE / 2
        else:
            ok = fixed > broken and gain >= _MARGIN and share >= _MIN_SHARE
        if ok:
            accepted.append((share, kind))
    return accepted


def _best_legacy(
    text: str, candidates: tuple[LegacyKind, ...] = _CANDIDATES, hint: LegacyKind | None = None
) -> LegacyKind | None:
    """The legacy surface ``text`` most plausibly is, or None (see the module docstring)."""
    accepted = _plausible_kinds(text, candidates, hint)
    if not accepted:
        return None
    best = max(share for share, _ in accepted)
    # Near ties go to the hinted encoding, then to the more common one, not to score noise.
    tied = [kind for share, kind in accepted if share >= best - _TIE]
    return hint if hint in tied else tied[0]


def guess_legacy_surface(text: str) -> LegacyKind | None:
    """The TCVN3, VNI, cp1258 or VISCII reading of a cp1252/Latin-1 ``text``, or None.

    :func:`detect_legacy`'s scoring alone: no Unicode fast path and no mojibake check. Used on
    the visible text of an undeclared 8-bit page, where a stray Unicode letter from an entity
    proves nothing.
    """
    return _best_legacy(text)


def plausibility(text: str) -> float:
    """Share of the non-ASCII words of ``text`` that are plausible Vietnamese syllables.

    1.0 when ``text`` has no such word. Words are split at whitespace, ASCII punctuation and
    digits; see :func:`_run_valid` for what "plausible" adds to the syllable structure.
    """
    units = _scored_units(text)
    return sum(map(_unit_valid, units)) / len(units) if units else 1.0


def _looks_like_mojibake(text: str) -> bool:
    return _MOJIBAKE_GATE_RE.search(text) is not None and is_bad(text)


def _mojibake_fix(text: str) -> str | None:
    """ftfy's repair of ``text`` when it is UTF-8 mojibake and the repair is no worse."""
    if not _looks_like_mojibake(text):
        return None
    fixed = utf8_mojibake_to_unicode(text)
    # Every repair ftfy is allowed here decodes UTF-8, so it makes the text shorter.
    if len(fixed) >= len(text):
        return None
    # Compare the chunks with letters on both sides: the repair must make more of them
    # Vietnamese. "Â©" → "©" loses its letter legitimately and is not compared; "XÃ”" (xã and
    # a closing quote) → "XÔ" and "Ã…" → "Å" gain nothing and are refused.
    before_chunks, after_chunks = text.split(), fixed.split()
    if len(before_chunks) == len(after_chunks):
        pairs = [
            (b, a)
            for b, a in zip(before_chunks, after_chunks, strict=True)
            if b != a and _LETTER_RUN_RE.search(b) and _LETTER_RUN_RE.search(a)
        ]
        if pairs:
            valid_before = sum(_chunk_valid(b) for b, _ in pairs)
            valid_after = sum(_chunk_valid(a) for _, a in pairs)
            if valid_after <= valid_before:
                return None
    return fixed


def _detect(text: str, hint: LegacyKind | None = None) -> tuple[LegacyKind, str] | None:
    if text.isascii():
        return None
    if _UNICODE_ONLY_RE.search(text) is None:
        kind = _best_legacy(text, hint=hint)
        if kind is not None:
            return kind, _SURFACE_CONVERTERS[kind](text)
    fixed = _mojibake_fix(text)
    return None if fixed is None else ("utf8-mojibake", fixed)


def detect_legacy(text: str) -> LegacyKind | None:
    """Which legacy surface ``text`` is: "tcvn3", "vni", "viscii", "cp1258", "utf8-mojibake".

    None for text that is already good (Vietnamese in either tone style, English, numbers,
    URLs, ``©``/``§``/``®`` used as symbols) and for text with no evidence either way. A
    surface identical to correct text (VISCII ``Hòa`` is the Latin-1 ``Hòa``) is None too.
    Cheap on good text: ASCII returns at once, and text holding a letter such as ư or ệ only
    pays for one regular-expression scan unless it also looks like UTF-8 mojibake.
    """
    found = _detect(text)
    return None if found is None else found[0]


_MAX_ROUNDS: Final = 3


def fix_legacy(text: str, *, hint: LegacyKind | None = None) -> str:
    """``text`` with a legacy-encoding surface or UTF-8 mojibake converted to NFC Unicode.

    Text that :func:`detect_legacy` finds nothing wrong with comes back unchanged (not even
    NFC-normalised). A conversion is only returned when its result is stable, so
    ``fix_legacy(fix_legacy(s)) == fix_legacy(s)``. ``hint`` (from :func:`font_hint`) lets the
    hinted encoding win ties and accept a smaller margin. Run this before
    :func:`dvcrawl.text.clean_text`: the cleaner deletes U+00AD, which is ư in TCVN3.
    """
    current = text
    for _ in range(_MAX_ROUNDS):
        found = _detect(current, hint)
        if found is None:
            return current
        current = found[1]
    return current if _detect(current, hint) is None else text


# --- font hints ----------------------------------------------------------------------------------

_QUOTE_ENTITY = r"&(?:quot|apos|#3[49]|#x2[27]);"
# face="…" and font-family:/font: values. Written with a literal "f" first (and the word
# boundary as a look-behind) so that the scan of a large page stays fast.
_FONT_VALUE_RE: Final = re.compile(
    r"""f(?:(?<!\wf)ace\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"""
    rf"|(?<!\wf)ont(?:-family)?\s*:\s*((?:{_QUOTE_ENTITY}|[^;}}<>])*))",
    re.IGNORECASE,
)
_QUOTE_ENTITY_RE: Final = re.compile(_QUOTE_ENTITY, re.IGNORECASE)
_FONT_NAME_STRIP: Final = " \t\r\n\"'"
# Cheap pre-checks before the font declarations are parsed.
_ANY_LEGACY_FONT_RE: Final = re.compile(r"\.vn[a-z]|vni", re.IGNORECASE)
_CAPITALS_FONT_RE: Final = re.compile(r"(?i:\.vn)[\w -]*?[a-z]H(?!\w)")
_TCVN3_FONT_RE: Final = re.compile(r"\.vn[a-z]", re.IGNORECASE)
_VNI_FONT_RE: Final = re.compile(r"vni[-_ ]?[a-z]", re.IGNORECASE)


def _font_names(markup: str) -> Iterator[str]:
    for match in _FONT_VALUE_RE.finditer(markup):
        value = next(group for group in match.groups() if group is not None)
        if "&" in value:
            value = _QUOTE_ENTITY_RE.sub('"', value)
        for part in value.split(","):
            name = part.strip(_FONT_NAME_STRIP)
            if name:
                yield name


def _font_kind(name: str) -> Literal["tcvn3", "vni"] | None:
    # Each word is tried: the CSS shorthand puts style and size first ("bold 12pt .VnTime").
    for word in (name, *name.split()[1:]):
        word = word.strip(_FONT_NAME_STRIP)
        if _TCVN3_FONT_RE.match(word):
            return "tcvn3"
        if _VNI_FONT_RE.match(word):
            return "vni"
    return None


def _is_uppercase_font(name: str) -> bool:
    """``.VnTimeH``, ``.VnArialH``, ``.VnArial NarrowH``: TCVN3 fonts that draw capitals."""
    name = name.strip(_FONT_NAME_STRIP)
    at = name.lower().find(".vn")
    name = name[at:] if at >= 0 else name
    return _font_kind(name) == "tcvn3" and len(name) > 4 and name[-1] == "H" and name[-2].islower()


def font_hint(html: str) -> Literal["tcvn3", "vni"] | None:
    """The legacy encoding named by font declarations in ``html``, or None.

    Looks at ``<font face="…">`` and at ``font-family``/``font`` declarations in ``style``
    attributes and ``<style>`` blocks (quotes written as ``&quot;`` included): ``.Vn…`` fonts
    (``.VnTime``, ``.VnArial``, ``.VnTimeH``) mean TCVN3, ``VNI-…`` fonts (``VNI-Times``,
    ``VNI-Helve``) mean VNI. When both occur, the more frequent wins (TCVN3 on a tie). Font
    names in running text or URLs (``danvan.vn``) do not count. Whether a ``.Vn…H`` capital
    font is used is :func:`uses_uppercase_font`.
    """
    if _ANY_LEGACY_FONT_RE.search(html) is None:
        return None
    counts = {"tcvn3": 0, "vni": 0}
    for name in _font_names(html):
        kind = _font_kind(name)
        if kind is not None:
            counts[kind] += 1
    if not counts["tcvn3"] and not counts["vni"]:
        return None
    return "tcvn3" if counts["tcvn3"] >= counts["vni"] else "vni"


def uses_uppercase_font(html: str) -> bool:
    """True when ``html`` declares a TCVN3 capitals font (``.VnTimeH``, ``.VnArialH``, …)."""
    if _CAPITALS_FONT_RE.search(html) is None:
        return False
    return any(_is_uppercase_font(name) for name in _font_names(html))


# A tag, a comment, or a script/style element with its content.
_MARKUP_RE: Final = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>(.*?)</\1\s*>|<(/?)([a-zA-Z][\w:.-]*)([^>]*)>|<[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_CSS_RULE_RE: Final = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_ATTR_RE: Final = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_ENTITY_RE: Final = re.compile(r"&#?\w+;")
_VOID: Final = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)


def _font_state(declaration: str) -> bool | None:
    """True for a capitals font, False for any other font, None when no font is set."""
    names = list(_font_names(declaration))
    if not names:
        return None
    return any(map(_is_uppercase_font, names))


def _css_rules(markup: str) -> dict[str, bool]:
    """Simple selectors (``h1``, ``.title``, ``p.title``) of ``<style>`` rules that set a font."""
    rules: dict[str, bool] = {}
    for match in _MARKUP_RE.finditer(markup):
        if (match.group(1) or "").lower() != "style":
            continue
        for selectors, body in _CSS_RULE_RE.findall(match.group(2)):
            state = _font_state(body)
            if state is None:
                continue
            for selector in selectors.split(","):
                selector = selector.strip().lower()
                if re.fullmatch(r"[a-z][\w-]*|[a-z][\w-]*\.[\w-]+|\.[\w-]+", selector):
                    rules[selector] = state
    return rules


def _element_state(name: str, attrs: str, rules: dict[str, bool]) -> bool | None:
    inline = _font_state(attrs)
    if inline is not None:
        return inline
    found = _CLASS_ATTR_RE.search(attrs)
    classes = next((g for g in found.groups() if g is not None), "").split() if found else []
    for cls in classes:
        for selector in (f"{name}.{cls.lower()}", f".{cls.lower()}"):
            if selector in rules:
                return rules[selector]
    return rules.get(name)


def _upper_text(text: str) -> str:
    out, last = [], 0
    for entity in _ENTITY_RE.finditer(text):
        out.append(text[last : entity.start()].upper() + entity.group())
        last = entity.end()
    out.append(text[last:].upper())
    return "".join(out)


def uppercase_font_runs(html: str) -> str:
    """``html`` with the text drawn in a TCVN3 capitals font (``.VnTimeH`` …) upper-cased.

    Apply it to markup whose text is already converted to Unicode. An element is in capitals
    when its ``face``/``style`` attribute names a ``.Vn…H`` font, or a simple ``<style>`` rule
    for its tag or class does; the innermost element that sets a font decides, so an inner
    ``.VnTime`` run inside a ``.VnTimeH`` heading stays lower case. Tags, entities, comments,
    scripts and styles are untouched. Fonts set by more complex selectors or by external
    stylesheets are not seen. Markup without a capitals font comes back unchanged.
    """
    if not uses_uppercase_font(html):
        return html
    rules = _css_rules(html)
    stack: list[tuple[str, bool | None]] = []
    out: list[str] = []
    last = 0

    def upper_now() -> bool:
        return next((state for _, state in reversed(stack) if state is not None), False)

    for match in _MARKUP_RE.finditer(html):
        text = html[last : match.start()]
        out.append(_upper_text(text) if upper_now() else text)
        out.append(match.group())
        last = match.end()
        closing, name, attrs = match.group(3), match.group(4), match.group(5)
        if name is None:
            continue
        name = name.lower()
        if closing:
            if any(open_name == name for open_name, _ in stack):
                while stack and stack.pop()[0] != name:
                    pass
        elif name not in _VOID and not attrs.rstrip().endswith("/"):
            stack.append((name, _element_state(name, attrs, rules)))
    text = html[last:]
    out.append(_upper_text(text) if upper_now() else text)
    return "".join(out)


# --- entities in font-encoded pages ------------------------------------------------------------

_CHAR_REF_RE: Final = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_SURFACE_CHARS: Final = frozenset(CP1252_SLOPPY[0xA1:]) | frozenset(CP1252_SLOPPY[0x80:0xA0])


def _ref_char(match: re.Match[str]) -> str:
    ref = match.group(1)
    if ref[0] == "#":
        code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
        char = chr(code) if code < 0x110000 else ""
    else:
        char = html5.get(ref + ";", "")
    return char if char in _SURFACE_CHARS else match.group()


def _ref_converted(match: re.Match[str], kind: LegacyKind) -> str:
    char = _ref_char(match)
    return match.group() if char == match.group() else surface_to_unicode(char, kind)


def font_entities_converted(html: str, kind: LegacyKind) -> str:
    """``html`` with the references of :func:`font_entities_to_chars` converted as ``kind``.

    For text whose raw bytes were already converted (``&ecirc;`` in a TCVN3 page becomes ê's
    TCVN3 reading, ế). Not for VNI, where a referenced mark must join the letter before it:
    use :func:`font_entities_to_chars` on the unconverted markup there.
    """
    if "&" not in html:
        return html
    return _CHAR_REF_RE.sub(lambda match: _ref_converted(match, kind), html)


def font_entities_to_chars(html: str) -> str:
    """Character references whose character is a cp1252 byte (``&ecirc;``, ``&#214;``) as text.

    In a page drawn with a font encoding (TCVN3, VNI) such references select the glyph at that
    byte just like the raw byte does, so they must be converted with it. ``&nbsp;`` and the
    ASCII references (``&amp;``, ``&lt;``) are kept.
    """
    if "&" not in html:
        return html
    return _CHAR_REF_RE.sub(_ref_char, html)
