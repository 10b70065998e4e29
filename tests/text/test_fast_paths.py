"""The shortcuts of the text layer give what the plain computation gives.

``nfc`` normalises line by line and ``clean_text`` skips text that is clean already or steps
that have nothing to do; both must agree with doing every step on the whole string.
"""

from __future__ import annotations

import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from dvcrawl.text import clean_text, text_key
from dvcrawl.text import normalize as text_normalize
from dvcrawl.text.normalize import nfc

# Marks, characters that compose with the one before (Hangul vowels, U+0338 after "<"), and
# singletons NFC replaces (the ohm and kelvin signs), around line breaks and spaces.
COMPOSING_PIECES = [
    *"aeouAĐđ<>=\n \t",
    *["\u0300", "\u0301", "\u0302", "\u0303", "\u0309", "\u0323", "\u031b", "\u0338"],
    *["\u1100", "\u1161", "\u11a8", "\uac00", "\u2126", "\u212a", "\u0344", "ệ", "ờ"],
]
CLEANING_PIECES = [
    *COMPOSING_PIECES,
    *["\r", "\r\n", "\u2028", "\x85", "\x0c", "\x00", "\x1f", "\u200b", "\u200c", "\u200d"],
    *["\ufeff", "\u00ad", "\u00a0", "\u3000", "\u202f", "Ð", "ð", "Ðảng", "  ", "\n\n\n"],
    *["&", "&amp;", "&#7879;", "#7879;", "&nbsp;", "Dân vận", "x"],
]
composing_text = st.lists(st.sampled_from(COMPOSING_PIECES), max_size=60).map("".join)
cleaning_text = st.lists(st.sampled_from(CLEANING_PIECES), max_size=40).map("".join)


@given(st.one_of(st.text(), composing_text))
def test_nfc_is_unicodedata_nfc(text: str) -> None:
    assert nfc(text) == unicodedata.normalize("NFC", text)


@given(st.text(alphabet=st.characters(max_codepoint=0x2FF)).map(nfc))
def test_nfc_gives_text_already_in_nfc_back_as_is(text: str) -> None:
    assert nfc(text) is text


def test_nfc_normalises_only_what_needs_it_on_a_page_with_one_decomposed_word() -> None:
    decomposed = unicodedata.normalize("NFD", "Tỉnh ủy")
    page = "<p>Ban Dân vận</p>\n" * 200 + f"<li>{decomposed}</li>\n" + "<p>Đảng</p>\n" * 200
    assert nfc(page) == unicodedata.normalize("NFC", page)
    assert "<li>Tỉnh ủy</li>" in nfc(page)


def _clean_every_step(text: str) -> str:
    """Every step of ``clean_text``, each applied to the whole string whatever it holds."""
    m = text_normalize
    text = m._unescape_leftovers(text)
    text = unicodedata.normalize("NFC", text)
    text = m._LINE_BREAK_RE.sub("\n", text)
    text = m._DROP_RE.sub("", text)
    text = m._drop_letter_joiners(text)
    text = unicodedata.normalize("NFC", text)
    text = m._ETH_WORD_RE.sub(m._repair_eth, text)
    text = m._HSPACE_RE.sub(" ", text)
    text = m._EDGE_SPACE_RE.sub("\n", text)
    return m._BLANK_LINES_RE.sub("\n\n", text).strip(" \n")


def _clean_by_every_step(text: str) -> str:
    cleaned = _clean_every_step(text)
    for _ in range(text_normalize._MAX_EXTRA_ROUNDS):
        if text_normalize._unescape_leftovers(cleaned) == cleaned:
            break
        cleaned = _clean_every_step(cleaned)
    return cleaned


@given(st.one_of(st.text(), cleaning_text))
# One case per shortcut: a doubled space, spaces at a line's edges, a run of blank lines,
# text at the string's edges, a zero-width space between a letter and its marks, a tab.
@example("Dân  vận")
@example("Dân \nvận")
@example("Dân\n vận")
@example("Dân\n\n\nvận")
@example(" Dân vận")
@example("Dân vận\n")
@example("Vie\u200b\u0302\u0323t")
@example("Dân\tvận")
def test_clean_text_is_every_step_applied(text: str) -> None:
    assert clean_text(text) == _clean_by_every_step(text)


def test_clean_text_gives_clean_text_back_as_is() -> None:
    line = "Ban Dân vận Tỉnh ủy “Lâm Giang”: 1.500 m² – tổng kết.\nĐoạn hai."
    assert clean_text(line) is line


def _key_by_whole_rounds(text: str) -> str:
    """``text_key`` as rounds over the whole string until one changes nothing."""

    def key_once(text: str) -> str:
        key = unicodedata.normalize("NFKC", clean_text(text)).casefold()
        key = unicodedata.normalize("NFKC", key)
        key = " ".join(map(text_normalize.canonical_tones, key.split()))
        return text_normalize._PUNCT_RE.sub(lambda m: text_normalize._PUNCT_FOLD[m.group()], key)

    key = key_once(text)
    for _ in range(text_normalize._MAX_EXTRA_ROUNDS):
        again = key_once(key)
        if again == key:
            break
        key = again
    return key


# Pieces whose key changes again in a second round: compatibility forms that decompose to a
# space and a mark, casefolds that NFKC changes, entities written twice, ligatures, dashes.
KEY_PIECES = [
    *CLEANING_PIECES,
    *["\u00a8", "\u00b4", "\u1fbd", "\u0345", "\u1e9e", "ß", "ﬁ", "ǅ", "İ", "Ⅻ", "㎏", "①"],
    *["“", "”", "‘", "’", "`", "–", "—", "…", "&amp;amp;#7879;", "&#160;", "&#8230;"],
    *["Hoà", "thuỷ", "qúy", "ngòai", "ĐẢNG", "Ǆ", "\u0130i", "ΐ", "ﬀ"],
]
key_text = st.lists(st.sampled_from(KEY_PIECES), max_size=40).map("".join)


@given(st.one_of(st.text(), key_text))
@example("Hoà  bình\n“Thuỷ”")
@example("\u00a8a")
@example("&amp;amp;#7879;")
def test_text_key_is_whole_rounds_until_stable(text: str) -> None:
    assert text_key(text) == _key_by_whole_rounds(text)
