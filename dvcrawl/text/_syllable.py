"""Vietnamese syllable structure: letters, tone marks and where the tone goes.

Private helpers shared by :mod:`dvcrawl.text.normalize` (tone canonicalisation, the Ð→Đ repair)
and :mod:`dvcrawl.text.bylines` (recognising names). A written syllable is
(onset)(medial)(nucleus)(coda) carrying at most one of five tone marks; vowel-quality marks
(ă â ê ô ơ ư) and the stroke of đ are part of the letter, not of the tone.
"""

from __future__ import annotations

import unicodedata
from typing import Final


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# huyền, sắc, ngã, hỏi, nặng
TONE_MARKS: Final = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Longest first, so that "ngh" wins over "ng" and "gi"/"qu" over "g"/"q".
_ONSETS: Final = tuple(
    sorted(_words("ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x"), key=len)
)[::-1]
_CODAS: Final = frozenset({"", "c", "ch", "m", "n", "ng", "nh", "p", "t"})
_VOWELS: Final = frozenset("aăâeêioôơuưy")
# Vowels that carry a vowel-quality mark: the tone always prefers them.
_QUALITY: Final = frozenset("ăâêôơư")
_NUCLEI: Final = _words(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui "
    "uô uơ uy ưa ưi ươ ưu yê oai oay oeo uây uôi uya uyê uyu ươi ươu iêu yêu"
)
# Rhymes that never take a final consonant, and nuclei that always need one.
_OPEN_ONLY: Final = _words(
    "ia ua ưa ai ao au ay âu ây eo êu iu oi ôi ơi ui ưi ưu oai oay oeo uây uôi ươi ươu iêu yêu "
    "uya uyu uơ"
)
_CLOSED_ONLY: Final = _words("iê yê uô ươ uyê oă uâ ă â oo")
# After -ch and -nh only these nuclei occur (ách, ếch, ích, oách, huých, khuếch, …).
_BEFORE_CH_NH: Final = _words("a ê i y oa uê uy")
# Open oa/oe/uy: the only rhymes where the two printed styles disagree (hòa/hoà, thủy/thuỷ).
_STYLE_DEPENDENT: Final = frozenset({"oa", "oe", "uy"})

_CONSONANTS: Final = "bcdđghklmnpqrstvx" + "fjwz"


def _vietnamese_letters() -> str:
    """All lower-case letters of the Vietnamese alphabet (and f j w z), precomposed."""
    letters = set(_CONSONANTS)
    for vowel in _VOWELS:
        letters.add(vowel)
        letters.update(unicodedata.normalize("NFC", vowel + tone) for tone in TONE_MARKS)
    return "".join(sorted(letters))


VIETNAMESE_LOWER: Final = _vietnamese_letters()
VIETNAMESE_UPPER: Final = "".join(c.upper() for c in VIETNAMESE_LOWER)
VIETNAMESE_LETTERS: Final = frozenset(VIETNAMESE_LOWER + VIETNAMESE_UPPER)


def split_tone(syllable: str) -> tuple[str, list[str]]:
    """The NFC syllable without tone marks, and the tone marks that were removed, in order."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tones = [c for c in decomposed if c in TONE_MARKS]
    if not tones:
        return unicodedata.normalize("NFC", decomposed), tones
    base = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", base), tones


def tone_index(base: str, *, tone_on_first: bool) -> int | None:
    """Index of the letter that carries the tone in a toneless, lower-case NFC syllable.

    ``tone_on_first`` picks the style of open oa/oe/uy (hòa, khỏe, thủy when true; hoà, khoẻ,
    thuỷ otherwise). Returns None when ``base`` is not a Vietnamese syllable: callers must then
    leave the token alone (foreign words, acronyms, ethnic-minority names such as Đắk).
    """
    onset = next((o for o in _ONSETS if base.startswith(o)), "")
    rest = base[len(onset) :]
    # "gi" is a consonant only when another vowel follows: già, giữa, but gì, gìn (g + i).
    if onset == "gi" and (not rest or rest[0] not in _VOWELS):
        onset, rest = "g", base[1:]
    n = 0
    while n < len(rest) and rest[n] in _VOWELS:
        n += 1
    nucleus, coda = rest[:n], rest[n:]
    if not _is_valid_rhyme(onset, nucleus, coda):
        return None
    offset = len(onset)
    quality = [i for i, c in enumerate(nucleus) if c in _QUALITY]
    if quality:
        return offset + quality[-1]  # người, thuở, thuyền, Huế: the (last) marked vowel
    if len(nucleus) == 1:
        return offset
    if coda:
        return offset + len(nucleus) - 1  # hoàng, hoạt, suýt, huỳnh: always the last vowel
    if len(nucleus) == 3:
        return offset + 1  # ngoài, khuỷu, xoáy: the middle vowel
    if nucleus in _STYLE_DEPENDENT:
        return offset + (0 if tone_on_first else 1)
    return offset  # mùa, của, mía, túi, máy: the first vowel


def _is_valid_rhyme(onset: str, nucleus: str, coda: str) -> bool:
    if not nucleus or coda not in _CODAS or nucleus not in _NUCLEI:
        return False
    if coda and nucleus in _OPEN_ONLY:
        return False
    if not coda and nucleus in _CLOSED_ONLY:
        return False
    # In "qu" the u belongs to the onset, so "quu"/"quư" are not syllables.
    if onset == "qu" and nucleus[0] in "uư":
        return False
    return not (coda in ("ch", "nh") and nucleus not in _BEFORE_CH_NH)


def is_vietnamese_syllable(token: str) -> bool:
    """True when ``token`` (any case, NFC or NFD) is one well-formed Vietnamese syllable."""
    base, tones = split_tone(token)
    if len(tones) > 1:
        return False
    lower = base.lower()
    return len(lower) == len(base) and tone_index(lower, tone_on_first=True) is not None


def retone(token: str, *, tone_on_first: bool) -> str:
    """``token`` (NFC) with its single tone mark moved to the canonical letter.

    Tokens with no tone, several tones, or that are not Vietnamese syllables come back
    unchanged. The case of every letter is kept.
    """
    base, tones = split_tone(token)
    if len(tones) != 1:
        return token
    lower = base.lower()
    if len(lower) != len(base):
        return token
    index = tone_index(lower, tone_on_first=tone_on_first)
    if index is None:
        return token
    return base[:index] + unicodedata.normalize("NFC", base[index] + tones[0]) + base[index + 1 :]
