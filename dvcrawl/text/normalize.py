"""The stored text layer and the derived comparison keys.

Three layers of text are kept apart (reference notes, vietnamese-text.md §0):

* ``raw``: the response bytes, never touched here;
* ``text`` (:func:`clean_text`): NFC, invisible characters and control codes removed, spaces and
  blank lines collapsed. Spelling, tone style (hoà/hòa), quotes, dashes and case stay exactly as
  the site printed them;
* ``key`` (:func:`text_key`, :func:`fold_diacritics`): lossy forms for dedupe and search only,
  never shown to a reader.

Legacy-encoding conversion (TCVN3, VNI, …) must happen *before* :func:`clean_text`: in TCVN3
the soft-hyphen byte is the letter ư, and the cleaner deletes soft hyphens.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from html.entities import html5
from typing import Final

from dvcrawl.text._syllable import is_vietnamese_syllable, retone

__all__ = [
    "canonical_tones",
    "clean_paragraphs",
    "clean_text",
    "fold_diacritics",
    "nfc",
    "text_key",
]

# --- entities ------------------------------------------------------------------------------

# "&amp;#7879;" survives parsel's single unescape when the page escaped an entity twice (seen
# with UniKey's "NCR Decimal" output and in RSS titles). A bare numeric reference left in
# already-unescaped text is the same accident; a bare named one ("&lt;") may be meant, so it
# stays.
_ENTITY_RE: Final = re.compile(
    r"&(?P<amps>(?:amp;)*)(?P<ent>#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)?"
)

# --- characters ----------------------------------------------------------------------------

_LINE_BREAKS: Final = {ord(c): "\n" for c in "\r\u2028\u2029\u0085\x0b\x0c"}

# C0 and C1 controls except \t and \n (line-break controls are mapped to \n before this).
_CONTROLS: Final = {
    cp: None for cp in (*range(0x00, 0x20), *range(0x7F, 0xA0)) if chr(cp) not in "\t\n"
}

# Format characters that render as nothing. U+034F (CGJ) is a combining mark, not Cf, but
# is just as invisible. ZWJ/ZWNJ are handled separately: emoji sequences need them.
_INVISIBLE: Final = {
    ord(c): None
    for c in (
        "\u00ad\u034f\u061c\u180e\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064"
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    )
}
_JOINERS: Final = "\u200c\u200d"

# Every Unicode space separator (category Zs).
_SPACES: Final = {
    ord(c): " "
    for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u202f\u205f\u3000"
}


# Character classes for regular expressions: a scan by ``re`` is many times faster than
# ``str.translate`` with a mapping on non-ASCII text, and almost every line here is non-ASCII.
def _char_class(codepoints: Iterable[int]) -> str:
    return "[" + "".join(re.escape(chr(cp)) for cp in sorted(codepoints)) + "]"


_LINE_BREAK_RE: Final = re.compile(r"\r\n|" + _char_class(_LINE_BREAKS))
_DROP_RE: Final = re.compile(_char_class({**_CONTROLS, **_INVISIBLE}) + "+")

# Icelandic eth and African D look exactly like Đ. They come from cp1258 bytes read as
# Latin-1 (Ðảng) and from fonts; only Vietnamese words are repaired, so "Ðor" stays.
_ETH_TO_D: Final = str.maketrans("ÐðƉɖ", "ĐđĐđ")
_ETH_WORD_RE: Final = re.compile(
    r"(?:[^\W\d_]|[\u0300-\u036f])*[ÐðƉɖ](?:[^\W\d_]|[\u0300-\u036f])*"
)

# Only what needs changing matches: a run of two or more, or a single tab or odd space, so
# ordinary single spaces cost nothing.
_ODD_SPACE: Final = _char_class({ord("\t"), *_SPACES})
_ANY_SPACE: Final = _char_class({ord(" "), ord("\t"), *_SPACES})
_HSPACE_RE: Final = re.compile(f"{_ANY_SPACE}{{2,}}|{_ODD_SPACE}")
_EDGE_SPACE_RE: Final = re.compile(r"[ \t]+\n[ \t]*|\n[ \t]+")
_BLANK_LINES_RE: Final = re.compile(r"\n{3,}")

# Every character that some step of cleaning acts on. Text with none of them, in NFC, with no
# doubled space, no space at a line's edge and no run of blank lines, is clean already: one
# scan instead of the seven of the full pipeline.
_CLEANING_TRIGGER_RE: Final = re.compile(
    _char_class(
        {*_LINE_BREAKS, *_CONTROLS, *_INVISIBLE, *_SPACES, *map(ord, "&\t" + _JOINERS + "ÐðƉɖ")}
    )
)

# --- keys ----------------------------------------------------------------------------------

# A word: letters plus any combining marks (NFD input or stray marks).
_WORD_RE: Final = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")

# Applied after NFKC and casefold, so full-width forms are already ASCII.
_PUNCT_FOLD: Final = {
    **dict.fromkeys("“”„‟«»″〝〞〟", '"'),
    **dict.fromkeys("‘’‚‛′`´‹›", "'"),
    **dict.fromkeys("‐‑‒–—―−﹘⸺⸻", "-"),
    "…": "...",
}
_PUNCT_RE: Final = re.compile(_char_class(map(ord, _PUNCT_FOLD)))
_MAX_EXTRA_ROUNDS: Final = 3

# --- accent folding ------------------------------------------------------------------------

_STROKE_D: Final = str.maketrans("đĐðÐɖƉ", "dDdDdD")


def _precomposed_latin_folds() -> dict[int, str]:
    """Each precomposed Latin letter (Vietnamese's among them) → its letter without marks."""
    folds: dict[int, str] = {}
    for codepoint in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(codepoint)
        bare = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        bare = unicodedata.normalize("NFC", bare).translate(_STROKE_D)
        if bare != char and len(bare) == 1:
            folds[codepoint] = bare
    return folds


def _fold_table() -> list[str]:
    """Indexed by code point below U+1F00: each character folded (precomposed Latin letters
    without their marks, the d-like letters as d), the rest as they are.

    ``str.translate`` reads a list by index, several times faster than a dict, whose every
    lookup hashes a new integer; characters past the end are left as they are.
    """
    table = [chr(codepoint) for codepoint in range(0x1F00)]
    for codepoint, bare in _precomposed_latin_folds().items():
        table[codepoint] = bare
    for stroke, plain in zip("đĐðÐɖƉ", "dDdDdD", strict=True):
        table[ord(stroke)] = plain
    return table


# One table lookup per character for the letters that matter; NFD is only needed for the
# rest (decomposed input, other scripts), found by a quick scan of what is left.
_LATIN_FOLD: Final = _fold_table()
_NON_ASCII_RE: Final = re.compile(r"[^\x00-\x7f]")


def nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, fast on long text that is NFC but for a few spots.

    A line break composes with nothing on either side, so each line normalises on its own:
    a page that holds one decomposed word (an NFD headline in a sidebar, say) costs a quick
    check of every line and the full normalisation of that line, not of the whole page.
    Text that is already NFC comes back as the same object.
    """
    if text.isascii():
        return text
    if "\n" not in text:
        normalized = unicodedata.normalize("NFC", text)
        return text if normalized == text else normalized
    lines = text.split("\n")
    # isascii() reads a flag of the string: most lines of a page are markup alone.
    normalized_lines = [
        line if line.isascii() else unicodedata.normalize("NFC", line) for line in lines
    ]
    return text if normalized_lines == lines else "\n".join(normalized_lines)


def clean_text(text: str) -> str:
    """The stored ``text`` layer of a string (reference §3.4 pipeline).

    In order: leftover escaped entities (``&amp;#7879;``) decoded; NFC; every line break form
    (``\\r\\n``, ``\\r``, U+2028, U+2029, U+0085, VT, FF) to ``\\n``; C0/C1 controls except
    ``\\n`` and ``\\t`` dropped; invisible format characters (ZWSP, word joiner, BOM, soft hyphen,
    bidi marks, CGJ; ZWJ/ZWNJ only between letters) dropped; NFC again, because a ZWSP can sit
    between a letter and its tone mark; ``Ð`` to ``Đ`` inside Vietnamese words; every Unicode
    space separator to a space; horizontal whitespace collapsed, lines trimmed, at most one
    blank line in a row; the whole string stripped.

    Spelling, tone placement, quotes, dashes and letter case are never changed.
    Idempotent: ``clean_text(clean_text(s)) == clean_text(s)``.
    """
    if _is_clean(text):
        return text
    cleaned = _clean_once(text)
    # Removing an invisible character can join "&" and "#7879;" into a new reference.
    for _ in range(_MAX_EXTRA_ROUNDS):
        if "&" not in cleaned or _unescape_leftovers(cleaned) == cleaned:
            break
        cleaned = _clean_once(cleaned)
    return cleaned


def clean_paragraphs(paragraphs: Iterable[str]) -> list[str]:
    """:func:`clean_text` of each paragraph, without the ones that end up empty.

    Empty CKEditor paragraphs (``<p>&nbsp;</p>``) and zero-width junk disappear here.
    """
    return [cleaned for paragraph in paragraphs if (cleaned := clean_text(paragraph))]


def canonical_tones(text: str) -> str:
    """``text`` in NFC with every tone mark on the letter the canonical style puts it on.

    The canonical style is **tone on the first vowel of open oa/oe/uy** (*hòa, khỏe, thủy, ủy*;
    named by position, ``TONE_ON_FIRST``, because "old" and "new" are used in opposite senses by
    different sources). It is the style of laws (*Luật Thủy sản 2017*), of most Party and State
    pages in the crawl, and of underthesea; the other style (*hoà, thuỷ*, Education Ministry
    2018) is mapped onto it. Everywhere else both styles agree, so misplaced tones are repaired
    too: the u of "qu" and the i of "gi" never carry the tone (*qúy* → *quý*, *gìa* → *già*), a
    vowel-quality letter always does (*ngừơi* → *người*, *thúê* → *thuế*), closed syllables take
    it on the last vowel (*họat* → *hoạt*, *hòang* → *hoàng*) and three-vowel groups on the
    middle one (*ngòai* → *ngoài*).

    Each word is parsed as a syllable first; words that are not Vietnamese syllables (*café*,
    *Đắk*, *Huawei*) and words with two tone marks are left as they are. Letter case is kept.
    This is a ``key``-layer function: never apply it to stored text.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    # Space-separated tokens repeat a lot ("Đảng", "dân", "vận,"): each is retoned once.
    return " ".join(map(_canonical_token, text.split(" ")))


def text_key(text: str) -> str:
    """The lossy comparison key of ``text`` for exact-duplicate detection and search.

    :func:`clean_text`, NFKC and casefold, then :func:`canonical_tones`; quotes folded to ``"``
    and ``'``, every dash to ``-``, the ellipsis to ``...``; all whitespace (line breaks
    included) collapsed to single spaces. Casefolding happens before tone canonicalisation so
    the key is idempotent: ``text_key(text_key(s)) == text_key(s)``.
    """
    key, stable = _key_round(text)
    if stable:
        return key
    for _ in range(_MAX_EXTRA_ROUNDS):
        again = _key_once(key)
        if again == key:
            break
        key = again
    return key


def fold_diacritics(text: str) -> str:
    """``text`` without accents or tone marks, with đ/Đ as d/D (accent-insensitive search).

    Every combining mark is removed after canonical decomposition, so NFC, NFD and
    "Unicode tổ hợp" input all give the same result; the look-alikes ð/Ð and ɖ/Ɖ fold to d/D
    too. Case is kept.
    """
    if text.isascii():
        return text
    folded = text.translate(_LATIN_FOLD)
    if not any(map(_marked, set(_NON_ASCII_RE.findall(folded)))):
        return folded
    decomposed = unicodedata.normalize("NFD", folded)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).translate(_STROKE_D)


def _marked(char: str) -> bool:
    """Whether canonical decomposition would yield a mark to drop from ``char``: it has a
    canonical decomposition, or is a combining mark. A compatibility one ("<super> 0032"
    for ², "<compat> ..." for ligatures) is left alone by NFD, so curly quotes and
    superscripts, common in Vietnamese news, need no decomposition of the whole text."""
    decomposition = unicodedata.decomposition(char)
    return bool(decomposition and not decomposition.startswith("<")) or bool(
        unicodedata.combining(char)
    )


def _is_clean(text: str) -> bool:
    """Whether cleaning would leave ``text`` as it is (most lines of most pages)."""
    return (
        _CLEANING_TRIGGER_RE.search(text) is None
        and "  " not in text
        and " \n" not in text
        and "\n " not in text
        and "\n\n\n" not in text
        and text[:1] not in " \n"
        and text[-1:] not in " \n"
        and unicodedata.is_normalized("NFC", text)
    )


def _clean_once(text: str) -> str:
    if "&" in text:
        text = _unescape_leftovers(text)
    text = nfc(text)
    text = _LINE_BREAK_RE.sub("\n", text)
    kept = _DROP_RE.sub("", text)
    if "\u200c" in kept or "\u200d" in kept:
        kept = _drop_letter_joiners(kept)
    # Only a removal can leave a letter and its mark apart; a line break composes with nothing.
    text = text if kept is text else nfc(kept)
    if any(c in text for c in "ÐðƉɖ"):
        text = _ETH_WORD_RE.sub(_repair_eth, text)
    text = _HSPACE_RE.sub(" ", text)  # tabs become spaces here
    if " \n" in text or "\n " in text:
        text = _EDGE_SPACE_RE.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES_RE.sub("\n\n", text)
    return text.strip(" \n")


def _unescape_leftovers(text: str) -> str:
    return _ENTITY_RE.sub(_decode_entity, text)


def _decode_entity(match: re.Match[str]) -> str:
    amps, entity = match.group("amps"), match.group("ent")
    if not amps and not (entity and entity.startswith("#")):
        return match.group()  # a lone "&" or a named entity written once: leave it
    if entity:
        decoded = _decode_reference(entity)
        if decoded:
            return decoded
        if not amps:
            return match.group()
    return "&" + (entity or "")


def _decode_reference(entity: str) -> str | None:
    """The text of one reference (``#7879;``, ``nbsp;``), or None when it is not a valid one."""
    if not entity.startswith("#"):
        return html5.get(entity)
    decoded = html.unescape("&" + entity)
    return decoded if decoded and "\ufffd" not in decoded else None


def _drop_letter_joiners(text: str) -> str:
    chars = list(text)
    keep: list[str] = []
    for i, char in enumerate(chars):
        if char in _JOINERS and 0 < i < len(chars) - 1:
            before, after = unicodedata.category(chars[i - 1]), unicodedata.category(chars[i + 1])
            if before[0] in "LM" and after[0] in "LM":
                continue
        keep.append(char)
    return "".join(keep)


def _repair_eth(match: re.Match[str]) -> str:
    word = match.group()
    repaired = word.translate(_ETH_TO_D)
    return repaired if is_vietnamese_syllable(repaired) else word


def _retone_match(match: re.Match[str]) -> str:
    word = match.group()
    if word.isascii():
        return word
    return _canonical_word(word)


# Vietnamese has a few thousand distinct syllables, so a cache catches nearly every word.
@lru_cache(maxsize=1 << 17)
def _canonical_token(token: str) -> str:
    return _WORD_RE.sub(_retone_match, token)


@lru_cache(maxsize=1 << 16)
def _canonical_word(word: str) -> str:
    return retone(word, tone_on_first=True)


def _key_once(text: str) -> str:
    return _key_round(text)[0]


def _key_round(text: str) -> tuple[str, bool]:
    """One round of the key, and whether a second round is sure to leave it as it is.

    Every step after cleaning acts on each whitespace-separated word alone (a space composes
    with nothing, casefolding and the folds are per character), so on clean text one round is
    the words' keys joined by spaces, and it is stable when each word's key is.
    """
    words = _folded_case(clean_text(text)).split()
    keyed = list(map(_key_word, words))
    key = " ".join([word_key for word_key, _ in keyed])
    return key, all(stable for _, stable in keyed) and _is_clean(key)


def _folded_case(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _fold_word(word: str) -> str:
    """canonical_tones and the punctuation folds of one word (NFKC left it in NFC)."""
    if not word.isascii():
        word = _canonical_token(word)
    return _PUNCT_RE.sub(_fold_punctuation, word)


def _fold_punctuation(match: re.Match[str]) -> str:
    return _PUNCT_FOLD[match.group()]


@lru_cache(maxsize=1 << 17)
def _key_word(word: str) -> tuple[str, bool]:
    """A word's key, and whether the key's next round leaves that key as it is."""
    word_key = _fold_word(word)
    again = " ".join(map(_fold_word, _folded_case(word_key).split()))
    return word_key, again == word_key
