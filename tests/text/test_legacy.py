"""Legacy encodings (TCVN3, VNI, VISCII, Windows-1258) and UTF-8 mojibake.

Vectors come from the reference notes (vietnamese-text.md §2.2 and §2.4).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.text import (
    clean_text,
    cp1258_to_unicode,
    detect_legacy,
    fix_legacy,
    font_hint,
    tcvn3_to_unicode,
    viscii_to_unicode,
    vni_to_unicode,
)
from dvcrawl.text._legacy_tables import TCVN3_DECODE, VISCII_DECODE, VNI_ENCODE
from dvcrawl.text._syllable import split_tone
from dvcrawl.text.legacy import (
    CP1252_SLOPPY,
    LEGACY_KINDS,
    font_entities_to_chars,
    plausibility,
    surface_to_unicode,
    uppercase_font_runs,
    uses_uppercase_font,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _hex(text: str) -> bytes:
    return bytes.fromhex(text)


# --- §2.2 byte-level vectors ----------------------------------------------------------------

# (text, Windows-1258, TCVN3, VNI, VISCII). The reference abbreviates the " Nam" tail of the
# first row with "…"; it is written out here.
BYTE_TABLE = [
    (
        "Việt Nam",
        "56 69 ea f2 74 20 4e 61 6d",
        "56 69 d6 74 20 4e 61 6d",
        "56 69 65 e4 74 20 4e 61 6d",
        "56 69 ae 74 20 4e 61 6d",
    ),
    ("Đảng", "d0 61 d2 6e 67", "a7 b6 6e 67", "d1 61 fb 6e 67", "d0 e4 6e 67"),
    (
        "Tỉnh ủy",
        "54 69 d2 6e 68 20 75 d2 79",
        "54 d8 6e 68 20 f1 79",
        "54 e6 6e 68 20 75 fb 79",
        "54 ef 6e 68 20 fc 79",
    ),
    (
        "Dân vận",
        "44 e2 6e 20 76 e2 f2 6e",
        "44 a9 6e 20 76 cb 6e",
        "44 61 e2 6e 20 76 61 e4 6e",
        "44 e2 6e 20 76 a7 6e",
    ),
    ("Phước", "50 68 fd f5 ec 63", "50 68 ad ed 63", "50 68 f6 f4 f9 63", "50 68 df be 63"),
    ("Hòa", "48 6f cc 61", "48 df 61", "48 6f f8 61", "48 f2 61"),
]
CONVERTERS = {
    "cp1258": cp1258_to_unicode,
    "tcvn3": tcvn3_to_unicode,
    "vni": vni_to_unicode,
    "viscii": viscii_to_unicode,
}
BYTE_VECTORS = [
    pytest.param(kind, _hex(cells[i]), text, id=f"{kind}-{text}")
    for text, *cells in BYTE_TABLE
    for i, kind in enumerate(("cp1258", "tcvn3", "vni", "viscii"))
]


@pytest.mark.parametrize(("kind", "data", "text"), BYTE_VECTORS)
def test_bytes_to_unicode(kind: str, data: bytes, text: str) -> None:
    result = CONVERTERS[kind](data)
    assert result == text
    assert unicodedata.is_normalized("NFC", result)


# --- §2.2 surface strings -------------------------------------------------------------------

# (text, cp1258→cp1252, TCVN3, VNI, VISCII (Latin-1), UTF-8→cp1252)
SURFACE_TABLE = [
    ("Việt Nam", "Viêòt Nam", "ViÖt Nam", "Vieät Nam", "Vi®t Nam", "Viá»‡t Nam"),
    ("Đảng", "ÐaÒng", "§¶ng", "Ñaûng", "Ðäng", "Ä\ufffdáº£ng"),
    ("Tỉnh ủy", "TiÒnh uÒy", "TØnh ñy", "Tænh uûy", "Tïnh üy", "Tá»‰nh á»§y"),
    ("Dân vận", "Dân vâòn", "D©n vËn", "Daân vaän", "Dân v§n", "DÃ¢n váº\u00adn"),
    ("Phước", "Phýõìc", "Ph\u00adíc", "Phöôùc", "Phß¾c", "PhÆ°á»›c"),
    ("Hòa", "HoÌa", "Hßa", "Hoøa", "Hòa", "HÃ²a"),
]
SURFACE_KINDS = ("cp1258", "tcvn3", "vni", "viscii", "utf8-mojibake")
SURFACE_VECTORS = [
    pytest.param(kind, cells[i], text, id=f"{kind}-{text}")
    for text, *cells in SURFACE_TABLE
    for i, kind in enumerate(SURFACE_KINDS)
]


@pytest.mark.parametrize(("kind", "surface", "text"), SURFACE_VECTORS)
def test_fix_legacy_surface(kind: str, surface: str, text: str) -> None:
    assert fix_legacy(surface) == text


@pytest.mark.parametrize(("kind", "surface", "text"), SURFACE_VECTORS)
def test_detect_legacy_surface(kind: str, surface: str, text: str) -> None:
    # VISCII "Hòa" is byte for byte the Latin-1 "Hòa": there is nothing to detect.
    expected = None if surface == text else kind
    assert detect_legacy(surface) == expected


@pytest.mark.parametrize(("kind", "surface", "text"), SURFACE_VECTORS)
def test_surface_to_unicode(kind: str, surface: str, text: str) -> None:
    assert surface_to_unicode(surface, kind) == text  # type: ignore[arg-type]


def test_kinds_are_the_documented_ones() -> None:
    assert set(LEGACY_KINDS) == set(SURFACE_KINDS)


# --- soft hyphen, cp1258 NFC, table gaps (§2.4) -------------------------------------------------


def test_soft_hyphen_is_u_horn_in_tcvn3() -> None:
    surface = "Ph\u00adíc"
    assert clean_text(fix_legacy(surface)) == "Phước"
    # The wrong order loses the letter for good: that is why conversion comes first.
    assert clean_text(surface) == "Phíc"
    assert fix_legacy(clean_text(surface)) != "Phước"


def test_soft_hyphen_in_unicode_text_is_left_to_the_cleaner() -> None:
    assert fix_legacy("dân\u00advận") == "dân\u00advận"


def test_cp1258_needs_nfc() -> None:
    raw = b"Vi\xea\xf2t"
    assert raw.decode("cp1258") == "Viê\u0323t"
    assert cp1258_to_unicode(raw) == "Việt"
    assert len(cp1258_to_unicode(raw)) == 4


def test_cp1258_undefined_bytes_survive() -> None:
    assert cp1258_to_unicode(b"a\x81b") == "a\x81b"


VNI_GAP_VECTORS = [
    pytest.param(b"k\xee", "kỵ", id="vni-ky-dot-single-byte"),
    pytest.param(b"M\xee", "Mỵ", id="vni-My"),
    pytest.param(b"ngu\xee", "nguỵ", id="vni-nguy"),
    pytest.param(b"\xce", "Ỵ", id="vni-Y-dot-upper"),
    pytest.param(b"a\xfa", "ẳ", id="vni-a-breve-hook"),
    pytest.param(b"A\xda", "Ẳ", id="vni-A-breve-hook"),
    pytest.param(b"a\xe9", "ắ", id="vni-a-breve-acute"),
    pytest.param(b"a\xe8", "ằ", id="vni-a-breve-grave"),
    # recode 3.6 swaps these two; xvnkb and viparse agree on the upper case of the lower case.
    pytest.param(b"A\xc9", "Ắ", id="vni-A-breve-acute-not-recode"),
    pytest.param(b"A\xc8", "Ằ", id="vni-A-breve-grave-not-recode"),
    pytest.param(b"\xd1a\xfbng", "Đảng", id="vni-D-stroke"),
    pytest.param(b"VIE\xc4T NAM", "VIỆT NAM", id="vni-upper"),
    pytest.param(b"Vie\xc4t", "Việt", id="vni-mixed-case-mark"),
    pytest.param(b"\x93Vie\xe4t\x94", "“Việt”", id="vni-smart-quotes"),
]


@pytest.mark.parametrize(("data", "text"), VNI_GAP_VECTORS)
def test_vni_gaps(data: bytes, text: str) -> None:
    assert vni_to_unicode(data) == text


def test_vni_table_round_trips() -> None:
    assert len(VNI_ENCODE) == 2 * 12 * 6 + 2
    for letter, sequence in VNI_ENCODE.items():
        assert vni_to_unicode(sequence.encode("latin-1")) == letter, letter


TCVN3_VECTORS = [
    pytest.param(b"A\xb3", {}, "Á", id="tcvn3-combining-tone"),
    pytest.param(b"\xa2\xb4", {}, "Ậ", id="tcvn3-base-vowel-plus-tone"),
    pytest.param(b"\x80", {}, "À", id="tcvn3-vn1-upper"),
    pytest.param(b"\x01", {}, "Ú", id="tcvn3-vn1-c0"),
    pytest.param(b"\x93D\xa9n\x94", {}, "ỎDânÕ", id="tcvn3-iconv-c1-letters"),
    pytest.param(
        b"\x93D\xa9n\x94", {"windows_punctuation": True}, "“Dân”", id="tcvn3-windows-quotes"
    ),
    pytest.param(b"nh\xb5 n\xad\xedc", {}, "nhà nước", id="tcvn3-nha-nuoc"),
]


@pytest.mark.parametrize(("data", "options", "text"), TCVN3_VECTORS)
def test_tcvn3(data: bytes, options: dict[str, bool], text: str) -> None:
    assert tcvn3_to_unicode(data, **options) == text


def test_tables_are_complete() -> None:
    assert len(TCVN3_DECODE) == len(VISCII_DECODE) == len(CP1252_SLOPPY) == 256
    assert TCVN3_DECODE[:1] + TCVN3_DECODE[0x20:0x7F] == "\x00" + "".join(
        map(chr, range(0x20, 0x7F))
    )
    assert viscii_to_unicode(b"\x02\x05\x06\x14\x19\x1e") == "ẲẴẪỶỸỴ"


SURFACE_EXTRA = [
    pytest.param("nhµ n\u2212íc", "nhà nước", id="tcvn3-pdf-minus-sign"),
    pytest.param("\u201cD©n vËn khÐo\u201d", "“Dân vận khéo”", id="tcvn3-curly-quotes-kept"),
    pytest.param("KÕ ho¹ch sè 12-KH/BDVTU", "Kế hoạch số 12-KH/BDVTU", id="tcvn3-document-number"),
    pytest.param("VI\u008eT NAM", "VIỆT NAM", id="viscii-c1-latin1"),
    pytest.param("VIŽT NAM", "VIỆT NAM", id="viscii-c1-read-as-cp1252"),
    pytest.param("B¸o B×nh Ph\u00adíc", "Báo Bình Phước", id="tcvn3-title"),
    pytest.param("Báo Bình Phß¾c", "Báo Bình Phước", id="viscii-one-word-to-fix"),
    pytest.param("công tác dân vâòn", "công tác dân vận", id="cp1258-one-word-to-fix"),
    pytest.param("Ban Tuyªn gi¸o vµ D©n vËn", "Ban Tuyên giáo và Dân vận", id="tcvn3-ban"),
    pytest.param("há»\ufffdc", "học", id="utf8-lossy-o-dot"),
    pytest.param("Ã‚m", "Âm", id="utf8-A-circumflex"),
    pytest.param(
        "â€œDÃ¢n váº\u00adn khÃ©oâ€\x9d", "“Dân vận khéo”", id="utf8-curly-quotes-stay-curly"
    ),
    pytest.param("Â© 2024 Ban DÃ¢n váº\u00adn", "© 2024 Ban Dân vận", id="utf8-copyright"),
    pytest.param(
        "Ban DÃ¢n váº\u00adn Tá»‰nh á»§y BÃ¬nh PhÆ°á»›c: Ä\x90áº£ng bá»™ tá»‰nh há»\x8dc",
        "Ban Dân vận Tỉnh ủy Bình Phước: Đảng bộ tỉnh học",
        id="utf8-sloppy-cp1252",
    ),
]


@pytest.mark.parametrize(("surface", "text"), SURFACE_EXTRA)
def test_fix_legacy_more(surface: str, text: str) -> None:
    assert fix_legacy(surface) == text


# --- no false positives -----------------------------------------------------------------------

UNCHANGED = [
    pytest.param("The Party's mass mobilisation commission met on Monday.", id="english"),
    pytest.param("It’s “fine” — really… • 5 € ™", id="english-cp1252-punctuation"),
    pytest.param("1.500.000 đồng, 2,5%, 14/4/2024 10:20", id="numbers"),
    pytest.param("12345 678,90 -1e10 0x1F", id="plain-numbers"),
    pytest.param("http://danvan.vn/Home/cong-tac-dan-van/9890/Binh-Phuoc", id="url"),
    pytest.param("https://www.example.com/a?b=c&d=%C3%A9#x", id="url-query"),
    pytest.param("Hòa bình, Khánh Hòa", id="vietnamese-tone-on-first"),
    pytest.param("Hoà bình, Khánh Hoà", id="vietnamese-tone-on-main"),
    pytest.param("Hòa Bình và Cà Mau", id="vietnamese-latin1-letters-only"),
    pytest.param("Tỉnh ủy, Tỉnh uỷ, thủy lợi, thuỷ lợi", id="vietnamese-both-styles"),
    pytest.param("“Dân vận khéo” – Độc lập – Tự do – Hạnh phúc", id="vietnamese-quotes-dashes"),
    pytest.param("© 2024 Ban Dân vận Tỉnh ủy", id="copyright-vietnamese"),
    pytest.param("© 2024 Ban Tuyen giao", id="copyright-ascii"),
    pytest.param("Copyright © 2024. All rights reserved.", id="copyright-english"),
    pytest.param("Theo § 3 Điều 5", id="section-sign-vietnamese"),
    pytest.param("See § 12 and § 13.", id="section-sign-english"),
    pytest.param("Dân vận khéo® và VNPT®", id="registered-vietnamese"),
    pytest.param("Microsoft® Windows®", id="registered-english"),
    pytest.param("Le café où je vais est très bon.", id="french"),
    pytest.param("Ðor (Iceland)", id="icelandic-eth"),
    pytest.param("Ðảng bộ", id="eth-left-to-the-cleaner"),
    pytest.param("Nhiệt độ 30°C, độ ẩm 80%", id="degree"),
    pytest.param("Ông José Martí", id="spanish-name-in-vietnamese"),
    pytest.param("Ãn", id="upper-a-tilde-syllable"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("text", UNCHANGED)
def test_no_false_positive(text: str) -> None:
    assert detect_legacy(text) is None
    assert fix_legacy(text) == text


def _fixture_strings() -> list[str]:
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in sorted(FIXTURES.glob("**/expected.json")):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return strings


FIXTURE_STRINGS = sorted({s for s in _fixture_strings() if not s.isascii()})


def test_fixture_strings_exist() -> None:
    assert len(FIXTURE_STRINGS) > 20


@pytest.mark.parametrize("text", FIXTURE_STRINGS[:400])
def test_fixture_strings_unchanged(text: str) -> None:
    assert fix_legacy(text) == text


# --- hypothesis --------------------------------------------------------------------------------

# Real syllables: common words of Party news plus every word of the fixtures.
COMMON = (
    "ban dân vận tỉnh ủy uỷ huyện thành phố xã phường đảng bộ chi hội nghị quyết công tác "
    "mặt trận tổ quốc việt nam đoàn kết thi đua khéo phong trào nhân dân cán đồng chí bí thư "
    "phó chủ tịch ủy ban năm tháng ngày học tập làm theo tư tưởng đạo đức phong cách hồ minh "
    "hòa hoà bình khánh thủy thuỷ lợi hoạt động người có uy tín đồng bào dân tộc thiểu số "
    "vùng sâu xa biên giới quân đội lực lượng vũ trang tuyên giáo trung ương kế hoạch triển "
    "khai thực hiện kết quả đạt được những năm qua tiếp tục nâng cao chất lượng hiệu quả gia "
    "đình văn hóa hoá xây dựng nông thôn mới giảm nghèo bền vững quy chế dân chủ cơ sở khỏe "
    "khoẻ quý quyền lợi nghĩa vụ trường chính trị báo điện tử cổng thông tin ý kiến phản ánh"
)
_WORDS = sorted(
    set(COMMON.split())
    | {
        w.strip(".,:;!?()“”\"'")
        for s in FIXTURE_STRINGS
        for w in s.split()
        if w.strip(".,:;!?()“”\"'").isalpha()
    }
)
_CASED = st.sampled_from(_WORDS).flatmap(
    lambda w: st.sampled_from([w, w.lower(), w.capitalize(), w.upper()])
)
_SEPARATORS = st.sampled_from(
    [
        " ",
        " ",
        " ",
        ", ",
        ". ",
        ": ",
        " – ",
        "\n",
        " (",
        ") ",
        " “",
        "” ",
        "…",
        "—",
        "’",
        " «",
        "» ",
    ]
)
vietnamese_text = st.lists(st.tuples(_CASED, _SEPARATORS), min_size=1, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip()
)


@given(vietnamese_text)
def test_valid_vietnamese_unchanged(text: str) -> None:
    assert fix_legacy(text) == text


@given(st.one_of(st.text(), vietnamese_text))
def test_fix_legacy_idempotent(text: str) -> None:
    once = fix_legacy(text)
    assert fix_legacy(once) == once


# Encoders for generating surfaces, built from the shipped tables (test-only).
_TCVN3_ENCODE = {c: bytes([b]) for b, c in enumerate(TCVN3_DECODE)}
_VISCII_ENCODE = {c: bytes([b]) for b, c in enumerate(VISCII_DECODE)}


def _encode_tcvn3(text: str) -> bytes:
    out = []
    for char in text:
        if char in _TCVN3_ENCODE:
            out.append(_TCVN3_ENCODE[char])
            continue
        base, tones = split_tone(char)  # upper-case letters outside VN1: base + tone byte
        out.append(_TCVN3_ENCODE[base] + _TCVN3_ENCODE[tones[0]])
    return b"".join(out)


def _encode_cp1258(text: str) -> bytes:
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            base, tones = split_tone(char)
            out.append((base + "".join(tones)).encode("cp1258"))
    return b"".join(out)


def _encode(text: str, kind: str) -> bytes:
    if kind == "tcvn3":
        return _encode_tcvn3(text)
    if kind == "cp1258":
        return _encode_cp1258(text)
    if kind == "viscii":
        return b"".join(_VISCII_ENCODE[c] for c in text)
    return b"".join(
        VNI_ENCODE[c].encode("latin-1") if c in VNI_ENCODE else c.encode() for c in text
    )


_PLAIN_SEPARATORS = st.sampled_from([" ", " ", ", ", ". ", ": ", " - ", "\n"])
plain_vietnamese = st.lists(st.tuples(_CASED, _PLAIN_SEPARATORS), min_size=1, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip()
)


@given(plain_vietnamese, st.sampled_from(["tcvn3", "vni", "viscii", "cp1258"]))
def test_byte_converters_round_trip(text: str, kind: str) -> None:
    assert CONVERTERS[kind](_encode(text, kind)) == text


@given(plain_vietnamese, st.sampled_from(["tcvn3", "vni", "viscii", "cp1258", "utf-8"]))
def test_fix_legacy_idempotent_on_surfaces(text: str, kind: str) -> None:
    data = text.encode() if kind == "utf-8" else _encode(text, kind)
    surface = data.decode("latin-1") if kind == "viscii" else data.decode("cp1252", "replace")
    once = fix_legacy(surface)
    assert fix_legacy(once) == once


LONG_TEXT = (
    "Chiều 14/4, Ban Dân vận Tỉnh ủy Bình Phước tổ chức hội nghị sơ kết công tác dân vận quý I, "
    "triển khai nhiệm vụ quý II năm 2024. Đồng chí Trưởng Ban Dân vận Tỉnh ủy đề nghị các cấp "
    "ủy đảng tiếp tục thực hiện tốt phong trào thi đua Dân vận khéo, xây dựng khối đại đoàn kết "
    "toàn dân tộc vững mạnh."
)


@pytest.mark.parametrize("kind", ["tcvn3", "vni", "viscii", "cp1258", "utf-8"])
def test_paragraph_surfaces(kind: str) -> None:
    data = LONG_TEXT.encode() if kind == "utf-8" else _encode(LONG_TEXT, kind)
    surface = data.decode("latin-1") if kind == "viscii" else _cp1252_sloppy(data)
    assert plausibility(surface) < 0.5
    assert detect_legacy(surface) == ("utf8-mojibake" if kind == "utf-8" else kind)
    assert fix_legacy(surface) == LONG_TEXT


def _cp1252_sloppy(data: bytes) -> str:
    return "".join(CP1252_SLOPPY[b] for b in data)


def test_plausibility() -> None:
    assert plausibility(LONG_TEXT) == 1.0
    assert plausibility("plain ASCII") == 1.0
    assert plausibility("ViÖt Nam §¶ng") == 0.0


# --- font hints ----------------------------------------------------------------------------------

FONT_HINTS = [
    pytest.param('<font face=".VnTime">x</font>', "tcvn3", id="face-vntime"),
    pytest.param("<font face='.VnArial'>x</font>", "tcvn3", id="face-single-quotes"),
    pytest.param("<font face=.VnTimeH>x</font>", "tcvn3", id="face-unquoted-H"),
    pytest.param('<p style="font-family: .VnArial">x</p>', "tcvn3", id="style-font-family"),
    pytest.param(
        '<span style="font-family:&quot;.VnTime&quot;;mso-fareast-font-family:Arial">x</span>',
        "tcvn3",
        id="word-html-quot",
    ),
    pytest.param("<style>p { font: bold 12pt .VnTime }</style>", "tcvn3", id="css-shorthand"),
    pytest.param('<font face="Arial, .VnTime">x</font>', "tcvn3", id="font-list"),
    pytest.param('<font face="VNI-Times">x</font>', "vni", id="face-vni-times"),
    pytest.param("<p style=\"font-family:'VNI-Helve'\">x</p>", "vni", id="style-vni-helve"),
    pytest.param(
        '<font face="VNI-Times">a</font><font face="VNI-Times">b</font>'
        '<font face=".VnTime">c</font>',
        "vni",
        id="majority-vni",
    ),
    pytest.param('<font face="Arial">x</font>', None, id="arial"),
    pytest.param('<a href="http://danvan.vn/x.vnTime">danvan.vn</a>', None, id="domain"),
    pytest.param("<p>Cài phông VNI-Times hoặc .VnTime để đọc</p>", None, id="font-in-text"),
    pytest.param("", None, id="empty"),
]


@pytest.mark.parametrize(("html", "expected"), FONT_HINTS)
def test_font_hint(html: str, expected: str | None) -> None:
    assert font_hint(html) == expected


UPPERCASE_FONTS = [
    pytest.param('<font face=".VnTimeH">x</font>', True, id="vntimeh"),
    pytest.param('<p style="font-family:.VnArialH">x</p>', True, id="vnarialh"),
    pytest.param('<font face=".VnArial NarrowH">x</font>', True, id="narrowh"),
    pytest.param('<font face=".VnTime">x</font>', False, id="vntime"),
    pytest.param('<font face=".VnBlack">x</font>', False, id="vnblack"),
    pytest.param('<font face="VNI-Times">x</font>', False, id="vni"),
]


@pytest.mark.parametrize(("html", "expected"), UPPERCASE_FONTS)
def test_uses_uppercase_font(html: str, expected: bool) -> None:
    assert uses_uppercase_font(html) is expected


UPPERCASE_RUNS = [
    pytest.param(
        '<h1><font face=".VnTimeH">đảng bộ</font> bình</h1>',
        '<h1><font face=".VnTimeH">ĐẢNG BỘ</font> bình</h1>',
        id="inline-face",
    ),
    pytest.param(
        '<p style="font-family:.VnTimeH">dân &amp; vận<br>khéo <font face=".VnTime">nhỏ</font>'
        " to</p>",
        '<p style="font-family:.VnTimeH">DÂN &amp; VẬN<br>KHÉO <font face=".VnTime">nhỏ</font>'
        " TO</p>",
        id="nested-lower-case-font-and-entity",
    ),
    pytest.param(
        '<style>.tit { font-family: .VnTimeH }</style><p class="a tit">tỉnh ủy</p><p>tỉnh</p>',
        '<style>.tit { font-family: .VnTimeH }</style><p class="a tit">TỈNH ỦY</p><p>tỉnh</p>',
        id="css-class",
    ),
    pytest.param(
        "<style>h2 { font-family: .VnArialH }</style><h2>việt nam</h2>",
        "<style>h2 { font-family: .VnArialH }</style><h2>VIỆT NAM</h2>",
        id="css-tag",
    ),
    pytest.param(
        '<td><font face=".VnTimeH">chưa đóng</td><td>thường</td>',
        '<td><font face=".VnTimeH">CHƯA ĐÓNG</td><td>thường</td>',
        id="unclosed-font-ends-with-cell",
    ),
    pytest.param(
        '<p>nothing <font face=".VnTime">here</font></p>',
        '<p>nothing <font face=".VnTime">here</font></p>',
        id="no-capitals-font",
    ),
]


@pytest.mark.parametrize(("html", "expected"), UPPERCASE_RUNS)
def test_uppercase_font_runs(html: str, expected: str) -> None:
    assert uppercase_font_runs(html) == expected


def test_font_entities() -> None:
    assert font_entities_to_chars("Vi&Ouml;t &amp; D&#169;n&nbsp;x &lt;") == (
        "ViÖt &amp; D©n&nbsp;x &lt;"
    )
    assert fix_legacy(font_entities_to_chars("Vi&Ouml;t Nam")) == "Việt Nam"


def test_hint_relaxes_the_margin() -> None:
    # A lone Latin-1-looking word: tied readings go to the hinted encoding.
    assert fix_legacy("Hßa", hint="viscii") == "Hưa"
    assert fix_legacy("Hßa") == "Hòa"
