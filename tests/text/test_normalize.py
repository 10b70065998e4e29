"""Stored-text cleaning, tone canonicalisation, keys and accent folding.

Vectors come from the reference notes (vietnamese-text.md §1.5 and §3.4).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.text import (
    canonical_tones,
    clean_paragraphs,
    clean_text,
    fold_diacritics,
    text_key,
)
from dvcrawl.text._syllable import VIETNAMESE_LETTERS, retone

# --- §3.4: the storage cleaner ----------------------------------------------------------------

CLEAN_VECTORS = [
    ("Ban\u00a0Dân\u00a0vận", "Ban Dân vận"),
    ("\u00a0\u00a0\u00a0Sáng 14/4,", "Sáng 14/4,"),
    ("Tỉnh\u200b ủy", "Tỉnh ủy"),
    ("Ti\u0309\u200bnh", "Tỉnh"),
    ("Vie\u200b\u0302\u0323t", "Việt"),
    ("\ufeffBan Dân vận", "Ban Dân vận"),
    ("dân\u00advận", "dânvận"),
    ("Thứ hai,\u00a015/04/2024\u00a0-\u00a010:20", "Thứ hai, 15/04/2024 - 10:20"),
    ("“Dân vận khéo”", "“Dân vận khéo”"),
    ("Độc lập – Tự do – Hạnh phúc", "Độc lập – Tự do – Hạnh phúc"),
    ("Nghị quyết số 43-NQ/TW", "Nghị quyết số 43-NQ/TW"),
    ("1.500.000\u00a0đồng", "1.500.000 đồng"),
    ("line1\r\nline2\u2028line3", "line1\nline2\nline3"),
    ("a\u3000b", "a b"),
    ("Ðảng bộ", "Đảng bộ"),
    ("Ðor (Iceland)", "Ðor (Iceland)"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),
    ("Vi&amp;#7879;t Nam", "Việt Nam"),
]

# Beyond the reference table: each rule of the pipeline on its own.
CLEAN_EXTRA = [
    (
        "crlf-cr-ls-ps-nel-vt-ff",
        "a\r\nb\rc\u2028d\u2029e\u0085f\x0bg\x0ch",
        "a\nb\nc\nd\ne\nf\ng\nh",
    ),
    ("c0-c1-controls", "Dân\x00 vận\x07\x1b\x7f\x9f", "Dân vận"),
    ("tab-kept-as-space", "Dân\tvận", "Dân vận"),
    ("bidi-marks", "\u202bDân\u200e vận\u202c\u2066!\u2069", "Dân vận!"),
    ("word-joiner-mvs", "Dân\u2060 vận\u180e", "Dân vận"),
    ("cgj", "Vi\u034fệt", "Việt"),
    ("zwj-between-letters", "Ti\u200dnh \u1ee7\u200cy", "Tinh ủy"),
    ("zwj-emoji-kept", "Chúc mừng 👩\u200d💻", "Chúc mừng 👩\u200d💻"),
    ("nfd-to-nfc", "Vie\u0323\u0302t Nam", "Việt Nam"),
    ("to-hop-to-nfc", "Vi\u00ea\u0323t", "Việt"),
    ("eth-lower", "ðồng chí", "đồng chí"),
    ("eth-all-caps", "ÐẢNG BỘ", "ĐẢNG BỘ"),
    ("african-d", "Ɖảng", "Đảng"),
    ("eth-foreign-kept", "Guðrún Ðor", "Guðrún Ðor"),
    ("spaces-collapsed", "Ban   Dân \u2009\u202f vận", "Ban Dân vận"),
    ("lines-trimmed", "  a  \n\u00a0 b \t", "a\nb"),
    ("blank-lines-capped", "a\n\n\n\n\u00a0\n\nb", "a\n\nb"),
    ("whole-strip", "\n\n a \n\n", "a"),
    ("tone-style-kept", "Tỉnh uỷ và Tỉnh ủy, hoà và hòa", "Tỉnh uỷ và Tỉnh ủy, hoà và hòa"),
    ("case-kept", "ĐẠI HỘI đảng", "ĐẠI HỘI đảng"),
    ("quotes-dashes-kept", "«a» ‘b’ — c − d … e", "«a» ‘b’ — c − d … e"),
    ("place-hyphen", "Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("dates-numbers", "15.10.1930-15.10.2020, 2,5%, 10:20", "15.10.1930-15.10.2020, 2,5%, 10:20"),
    ("doc-numbers", "1989/QĐ-BGDĐT và 05-CT/TU", "1989/QĐ-BGDĐT và 05-CT/TU"),
    ("double-escaped-amp", "Bài &amp; ảnh", "Bài & ảnh"),
    ("double-escaped-nbsp", "Ban&amp;nbsp;Dân", "Ban Dân"),
    ("triple-escaped", "Vi&amp;amp;#7879;t", "Việt"),
    ("hex-reference", "Vi&#x1EC7;t", "Việt"),
    ("numeric-reference", "Vi&#7879;t", "Việt"),
    ("named-entity-once-kept", "a &lt;b&gt; c", "a &lt;b&gt; c"),
    ("bare-ampersand-kept", "AT&T và R&D", "AT&T và R&D"),
    ("unknown-entity", "&amp;foo; x", "&foo; x"),
    ("invalid-reference-kept", "&#0; &#xD800;", "&#0; &#xD800;"),
    ("empty", "", ""),
    ("only-junk", "\u00a0\u200b\ufeff \n\t", ""),
]


@pytest.mark.parametrize(
    ("raw", "expected"), CLEAN_VECTORS, ids=[repr(v[0]) for v in CLEAN_VECTORS]
)
def test_clean_text_reference_vectors(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [v[1:] for v in CLEAN_EXTRA], ids=[v[0] for v in CLEAN_EXTRA]
)
def test_clean_text_rules(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_maps_every_space_separator_to_a_space() -> None:
    separators = [
        chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Zs"
    ]
    assert len(separators) >= 17
    for char in separators:
        assert clean_text(f"a{char}b") == "a b", f"U+{ord(char):04X}"


def test_clean_paragraphs_drops_empty_ones() -> None:
    paragraphs = ["\u00a0", " Sáng 14/4, ", "\u200b", "", "Ban\u00a0Dân vận\n\n\n"]
    assert clean_paragraphs(paragraphs) == ["Sáng 14/4,", "Ban Dân vận"]


def test_clean_paragraphs_accepts_any_iterable() -> None:
    assert clean_paragraphs(p for p in ("a", " ")) == ["a"]


# --- §1.5: tone canonicalisation (key layer) --------------------------------------------------

# (input, tone on first vowel of open oa/oe/uy = dvcrawl's key, tone on the main vowel)
TONE_VECTORS = [
    ("hoà", "hòa", "hoà"),
    ("hòa", "hòa", "hoà"),
    ("Hoà Bình", "Hòa Bình", "Hoà Bình"),
    ("HOÀ BÌNH", "HÒA BÌNH", "HOÀ BÌNH"),
    ("thuỷ", "thủy", "thuỷ"),
    ("Thủy lợi", "Thủy lợi", "Thuỷ lợi"),
    ("khoẻ", "khỏe", "khoẻ"),
    ("Tỉnh uỷ", "Tỉnh ủy", "Tỉnh uỷ"),
    ("Uỷ ban", "Ủy ban", "Uỷ ban"),
    ("ỦY BAN", "ỦY BAN", "UỶ BAN"),
    ("quý", "quý", "quý"),
    ("qúy", "quý", "quý"),
    ("Quỳnh", "Quỳnh", "Quỳnh"),
    ("quả", "quả", "quả"),
    ("qủa", "quả", "quả"),
    ("già", "già", "già"),
    ("gìa", "già", "già"),
    ("giữa", "giữa", "giữa"),
    ("gìn giữ", "gìn giữ", "gìn giữ"),
    ("hoàng", "hoàng", "hoàng"),
    ("hòang", "hoàng", "hoàng"),
    ("hoạt động", "hoạt động", "hoạt động"),
    ("họat động", "hoạt động", "hoạt động"),
    ("toàn thể", "toàn thể", "toàn thể"),
    ("tòan thể", "toàn thể", "toàn thể"),
    ("ngoài", "ngoài", "ngoài"),
    ("ngòai", "ngoài", "ngoài"),
    ("khuỷu", "khuỷu", "khuỷu"),
    ("thuyền", "thuyền", "thuyền"),
    ("thuở", "thuở", "thuở"),
    ("Huế", "Huế", "Huế"),
    ("thúê", "thuế", "thuế"),
    ("mùa", "mùa", "mùa"),
    ("muà", "mùa", "mùa"),
    ("của", "của", "của"),
    ("cuả", "của", "của"),
    ("người", "người", "người"),
    ("ngừơi", "người", "người"),
    ("bứơc", "bước", "bước"),
    ("suýt", "suýt", "suýt"),
    ("huỳnh", "huỳnh", "huỳnh"),
    ("Nguyễn", "Nguyễn", "Nguyễn"),
    ("xoè", "xòe", "xoè"),
    ("loà", "lòa", "loà"),
    ("hoá học", "hóa học", "hoá học"),
    ("Thụy Điển", "Thụy Điển", "Thuỵ Điển"),
    ("Huawei", "Huawei", "Huawei"),
    ("café", "café", "café"),
    ("oà khóc", "òa khóc", "oà khóc"),
    ("Khánh Hoà, ngày 14/4/2024.", "Khánh Hòa, ngày 14/4/2024.", "Khánh Hoà, ngày 14/4/2024."),
    ("hoà\u0300", "hoà\u0300", "hoà\u0300"),
    ("Vie\u0302\u0323t Nam", "Việt Nam", "Việt Nam"),
    ("ho\u0300a", "hòa", "hoà"),
    ("hoa\u0300", "hòa", "hoà"),
    # ethnic-minority place names with non-Vietnamese codas stay untouched
    ("Đắk Lắk", "Đắk Lắk", "Đắk Lắk"),
    ("Krông Pắc", "Krông Pắc", "Krông Pắc"),
    ("gịa", "giạ", "giạ"),
    ("khuỵu", "khuỵu", "khuỵu"),
]
TONE_IDS = [f"{i + 1}:{v[0]!r}" for i, v in enumerate(TONE_VECTORS)]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.parametrize(("raw", "key_first", "key_main"), TONE_VECTORS, ids=TONE_IDS)
def test_canonical_tones_reference_vectors(raw: str, key_first: str, key_main: str) -> None:
    assert canonical_tones(raw) == nfc(key_first)


@pytest.mark.parametrize(("raw", "key_first", "key_main"), TONE_VECTORS, ids=TONE_IDS)
def test_tone_on_main_vowel_style_matches_reference(
    raw: str, key_first: str, key_main: str
) -> None:
    # The other style is not public API; checking it validates the syllable parser twice.
    retoned = re.sub(
        r"(?:[^\W\d_]|[\u0300-\u036f])+",
        lambda m: retone(m.group(), tone_on_first=False),
        nfc(raw),
    )
    assert retoned == nfc(key_main)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ThuỶ", "ThủY"), ("HoÀ", "HòA"), ("qÚy", "qUý"), ("NGừƠI", "NGưỜI")],
    ids=["mixed-thuy", "mixed-hoa", "mixed-quy", "mixed-nguoi"],
)
def test_canonical_tones_keeps_the_case_of_each_letter(raw: str, expected: str) -> None:
    assert canonical_tones(raw) == expected


# --- keys and folding -------------------------------------------------------------------------

KEY_VECTORS = [
    ("style-and-case", "Khánh Hoà", "khánh hòa"),
    ("quotes", "“Dân vận khéo” ‘a’ «b» „c‟", '"dân vận khéo" \'a\' "b" "c"'),
    ("dashes", "43–NQ/TW — 43‑NQ/TW − 1 ― 2 － 3", "43-nq/tw - 43-nq/tw - 1 - 2 - 3"),
    ("ellipsis", "Còn nữa…", "còn nữa..."),
    ("whitespace", " Ban\u00a0Dân \n\n vận\t", "ban dân vận"),
    ("nfkc-fullwidth", "Ｈà Nội，２０２４", "hà nội,2024"),
    ("nfd-input", "Vie\u0302\u0323t Nam", "việt nam"),
    ("misplaced-tone", "Họat động", "hoạt động"),
    ("all-caps", "ĐẠI HỘI ĐẢNG BỘ TỈNH", "đại hội đảng bộ tỉnh"),
    ("invisible", "Tỉnh\u200b uỷ", "tỉnh ủy"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [v[1:] for v in KEY_VECTORS], ids=[v[0] for v in KEY_VECTORS]
)
def test_text_key(raw: str, expected: str) -> None:
    assert text_key(raw) == expected


def test_text_key_merges_republished_variants() -> None:
    original = "Ban Dân vận Tỉnh ủy: “Dân vận khéo” – hòa hợp, khỏe mạnh."
    copy = unicodedata.normalize(
        "NFD", 'BAN DÂN\u00a0VẬN TỈNH UỶ: "Dân vận khéo" - hoà hợp, khoẻ mạnh.'
    )
    assert text_key(original) == text_key(copy)


FOLD_VECTORS = [
    ("accents", "Đảng bộ tỉnh Hòa Bình", "Dang bo tinh Hoa Binh"),
    ("caps", "ĐẠI HỘI ĐẢNG", "DAI HOI DANG"),
    ("nfd", "Vie\u0302\u0323t Nam", "Viet Nam"),
    ("to-hop", "Vi\u00ea\u0323t", "Viet"),
    ("eth", "Ðảng ðồng", "Dang dong"),
    ("both-styles", "Khánh Hoà, Thủy/Thuỷ", "Khanh Hoa, Thuy/Thuy"),
    ("punctuation-kept", "“Phước” – 43-NQ/TW", "“Phuoc” – 43-NQ/TW"),
]


@pytest.mark.parametrize(
    ("raw", "expected"), [v[1:] for v in FOLD_VECTORS], ids=[v[0] for v in FOLD_VECTORS]
)
def test_fold_diacritics(raw: str, expected: str) -> None:
    assert fold_diacritics(raw) == expected


# --- properties -------------------------------------------------------------------------------

VIETNAMESE = "".join(sorted(VIETNAMESE_LETTERS))
# Text that looks like what the crawler meets: Vietnamese letters, NFD marks, junk, entities.
MESSY_PIECES = [
    *VIETNAMESE,
    *[" ", "\n", "\r", "\t", "\u00a0", "\u200b", "\u200d", "\ufeff", "\u00ad", "\x85"],
    *["\u0300", "\u0301", "\u0302", "\u0323", "Ð", "ð", "👩", "“", "…", "–", "ΐ", "ﬁ", "Ｈ"],
    *["&", "&amp;", "#7879;", "&#7879;", "&nbsp;", ";", "&#x1EC7;"],
]
messy_text = st.lists(st.sampled_from(MESSY_PIECES), max_size=40).map("".join)
any_text = st.one_of(st.text(), messy_text)


@given(any_text)
def test_clean_text_is_idempotent(text: str) -> None:
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned


@given(any_text)
def test_clean_text_output_is_nfc(text: str) -> None:
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)


@given(st.text(alphabet=st.sampled_from([*VIETNAMESE, " ", "\u00a0", "\n"])))
def test_clean_text_loses_no_vietnamese_letter(text: str) -> None:
    def letters(s: str) -> Counter[str]:
        return Counter(c for c in s if c in VIETNAMESE_LETTERS)

    assert letters(clean_text(text)) == letters(text)


@given(any_text)
def test_text_key_is_idempotent(text: str) -> None:
    key = text_key(text)
    assert text_key(key) == key


@given(any_text)
def test_canonical_tones_is_idempotent_and_only_moves_tones(text: str) -> None:
    canonical = canonical_tones(text)
    assert canonical_tones(canonical) == canonical
    assert fold_diacritics(canonical) == fold_diacritics(text)


@given(any_text)
def test_fold_diacritics_leaves_no_vietnamese_marks(text: str) -> None:
    folded = unicodedata.normalize("NFD", fold_diacritics(text))
    assert not any(unicodedata.combining(c) for c in folded)
    assert not set("đĐðÐ") & set(folded)


def _fold_by_definition(text: str) -> str:
    """Canonical decomposition, every combining mark dropped, recomposed, d-like letters as d."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
    )
    return unicodedata.normalize("NFC", stripped).translate(str.maketrans("đĐðÐɖƉ", "dDdDdD"))


@given(st.one_of(messy_text, st.text(alphabet=st.characters(max_codepoint=0x24F))))
def test_fold_diacritics_agrees_with_its_definition(text: str) -> None:
    # The table lookups are a shortcut; on Latin text, marks and punctuation they must give
    # what decomposing and stripping gives. (Scripts whose letters compose with each other,
    # such as Hangul jamo, are left as found when they carry no mark.)
    assert fold_diacritics(text) == _fold_by_definition(text)
