"""Decoding response bodies (reference vietnamese-text.md §0 recommendation 2, §2.2, §2.3)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.text import decode_html, decode_html_with_source
from dvcrawl.text.legacy import CP1252_SLOPPY

FIXTURES = Path(__file__).parent.parent / "fixtures"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _page(body: bytes, *, head: bytes = b"", font: bytes | None = None) -> bytes:
    text = b'<font face="' + font + b'">' + body + b"</font>" if font else body
    return (
        b"<html><head>" + head + b"<title>t</title></head><body><p>" + text + b"</p></body></html>"
    )


def _body_text(html: str) -> str:
    return html.split("<p>", 1)[1].split("</p>", 1)[0].split(">", 1)[-1].split("</font>")[0]


# --- §2.2: every column as a page ----------------------------------------------------------------

TEXTS = ["Việt Nam", "Đảng", "Tỉnh ủy", "Dân vận", "Phước", "Hòa"]
UTF8_NFD = {
    "Việt Nam": "56 69 65 cc a3 cc 82 74 20 4e 61 6d",
    "Đảng": "c4 90 61 cc 89 6e 67",
    "Tỉnh ủy": "54 69 cc 89 6e 68 20 75 cc 89 79",
    "Dân vận": "44 61 cc 82 6e 20 76 61 cc a3 cc 82 6e",
    "Phước": "50 68 75 cc 9b 6f cc 9b cc 81 63",
    "Hòa": "48 6f cc 80 61",
}
UTF8_NFC = {
    "Việt Nam": "56 69 e1 bb 87 74 20 4e 61 6d",
    "Đảng": "c4 90 e1 ba a3 6e 67",
    "Tỉnh ủy": "54 e1 bb 89 6e 68 20 e1 bb a7 79",
    "Dân vận": "44 c3 a2 6e 20 76 e1 ba ad 6e",
    "Phước": "50 68 c6 b0 e1 bb 9b 63",
    "Hòa": "48 c3 b2 61",
}
LEGACY = {  # (Windows-1258, TCVN3, VNI, VISCII)
    "Việt Nam": (
        "56 69 ea f2 74 20 4e 61 6d",
        "56 69 d6 74 20 4e 61 6d",
        "56 69 65 e4 74 20 4e 61 6d",
        "56 69 ae 74 20 4e 61 6d",
    ),
    "Đảng": ("d0 61 d2 6e 67", "a7 b6 6e 67", "d1 61 fb 6e 67", "d0 e4 6e 67"),
    "Tỉnh ủy": (
        "54 69 d2 6e 68 20 75 d2 79",
        "54 d8 6e 68 20 f1 79",
        "54 e6 6e 68 20 75 fb 79",
        "54 ef 6e 68 20 fc 79",
    ),
    "Dân vận": (
        "44 e2 6e 20 76 e2 f2 6e",
        "44 a9 6e 20 76 cb 6e",
        "44 61 e2 6e 20 76 61 e4 6e",
        "44 e2 6e 20 76 a7 6e",
    ),
    "Phước": ("50 68 fd f5 ec 63", "50 68 ad ed 63", "50 68 f6 f4 f9 63", "50 68 df be 63"),
    "Hòa": ("48 6f cc 61", "48 df 61", "48 6f f8 61", "48 f2 61"),
}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("form", ["nfc", "nfd"])
@pytest.mark.parametrize("header", [None, "text/html; charset=iso-8859-1"])
def test_utf8_columns(text: str, form: str, header: str | None) -> None:
    data = bytes.fromhex((UTF8_NFC if form == "nfc" else UTF8_NFD)[text])
    decoded, source = decode_html_with_source(data, header)
    assert (decoded, source) == (text, "utf-8")


# How each legacy column is announced: the reference's detection order, one way per encoding.
ANNOUNCE = {
    "cp1258": {
        "head": b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
    },
    "tcvn3": {"font": b".VnTime"},
    "vni": {"font": b"VNI-Times"},
    "viscii": {"head": b'<meta charset="VISCII">'},
}
SOURCES = {"cp1258": "declared:cp1258", "tcvn3": "font:tcvn3", "vni": "font:vni"}
SOURCES["viscii"] = "declared:viscii"
LEGACY_VECTORS = [
    pytest.param(kind, bytes.fromhex(LEGACY[text][i]), text, id=f"{kind}-{text}")
    for text in TEXTS
    for i, kind in enumerate(("cp1258", "tcvn3", "vni", "viscii"))
]


@pytest.mark.parametrize(("kind", "data", "text"), LEGACY_VECTORS)
def test_legacy_columns(kind: str, data: bytes, text: str) -> None:
    decoded, source = decode_html_with_source(_page(data, **ANNOUNCE[kind]))  # type: ignore[arg-type]
    if data == bytes.fromhex("50 68 df be 63"):
        # VISCII "Phước" is also valid UTF-8 (DF BE = U+07FE), and valid UTF-8 wins whatever
        # the page declares (recommendation 2). In a real page the rest of the text breaks it.
        assert (_body_text(decoded), source) == ("Ph\u07fec", "utf-8")
        longer = decode_html(_page(data + b" \xd0\xe4ng", **ANNOUNCE[kind]))  # type: ignore[arg-type]
        assert _body_text(longer) == "Phước Đảng"
        return
    assert _body_text(decoded) == text
    assert source == SOURCES[kind]


# --- recommendation 2: the header does not win over valid UTF-8 ----------------------------------


def test_utf8_page_labelled_latin1_keeps_every_letter() -> None:
    text = "Đảng bộ tỉnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; mời họp"
    body = _page(text.encode(), head=b'<meta charset="iso-8859-1">')
    decoded, source = decode_html_with_source(body, "text/html; charset=ISO-8859-1")
    assert source == "utf-8"
    assert _body_text(decoded) == text
    for letter in "Đọờ":
        assert letter in decoded
    assert "\ufffd" not in decoded


# --- legacy pages -------------------------------------------------------------------------------

# "Ban Dân vận Tỉnh ủy Bình Phước: “Dân vận khéo” – Đảng bộ tỉnh học tập Nghị quyết"
TCVN3_SENTENCE = (
    b"Ban D\xa9n v\xcbn T\xd8nh \xf1y B\xd7nh Ph\xad\xedc: \x93D\xa9n v\xcbn kh\xd0o\x94 \x96 "
    b"\xa7\xb6ng b\xe9 t\xd8nh h\xe4c t\xcbp Ngh\xde quy\xd5t"
)
SENTENCE = "Ban Dân vận Tỉnh ủy Bình Phước: “Dân vận khéo” – Đảng bộ tỉnh học tập Nghị quyết"


def test_tcvn3_page_with_font_face() -> None:
    body = _page(TCVN3_SENTENCE, head=b'<meta charset="windows-1252">', font=b".VnTime")
    decoded, source = decode_html_with_source(body, "text/html; charset=windows-1252")
    assert source == "font:tcvn3"
    assert _body_text(decoded) == SENTENCE
    assert '<font face=".VnTime">' in decoded


def test_tcvn3_page_without_hint_is_guessed() -> None:
    decoded, source = decode_html_with_source(_page(TCVN3_SENTENCE), None)
    assert source == "guess:tcvn3"
    assert _body_text(decoded) == SENTENCE


def test_tcvn3_soft_hyphen_byte_survives() -> None:
    decoded = decode_html(_page(b"Ph\xad\xedc", font=b".VnTime"))
    assert _body_text(decoded) == "Phước"


def test_tcvn3_heading_font_is_upper_cased() -> None:
    body = (
        b'<html><body><h1><font face=".VnTimeH">\xa7\xb6ng b\xe9 t\xd8nh B\xd7nh Ph\xad\xedc</font>'
        b'</h1><p><font face=".VnTime">\xa7\xb6ng b\xe9</font></p></body></html>'
    )
    decoded, source = decode_html_with_source(body)
    assert source == "font:tcvn3"
    assert '<h1><font face=".VnTimeH">ĐẢNG BỘ TỈNH BÌNH PHƯỚC</font></h1>' in decoded
    assert '<p><font face=".VnTime">Đảng bộ</font></p>' in decoded


def test_tcvn3_entities_follow_the_font() -> None:
    decoded = decode_html(_page(b"Vi&Ouml;t Nam &amp; D&#169;n&nbsp;v\xcbn", font=b".VnTime"))
    assert _body_text(decoded) == "Việt Nam &amp; Dân&nbsp;vận"


DECLARED = [
    pytest.param(
        b'<meta http-equiv="Content-Type" content="text/html; charset=VISCII">',
        None,
        b"Vi\xaet Nam \xd0I\x8bU",
        "Việt Nam ĐIỀU",
        "declared:viscii",
        id="meta-http-equiv-viscii",
    ),
    pytest.param(
        b'<meta charset="windows-1258">',
        None,
        b"Vi\xea\xf2t Nam",
        "Việt Nam",
        "declared:cp1258",
        id="meta-charset-cp1258",
    ),
    pytest.param(
        b"",
        "text/html; charset=windows-1258",
        b"\xd0a\xd2ng",
        "Đảng",
        "declared:cp1258",
        id="header-cp1258",
    ),
    pytest.param(
        b'<meta charset="utf-8">',
        "text/html; charset=VISCII",
        b"T\xefnh \xfcy",
        "Tỉnh ủy",
        "declared:viscii",
        id="header-before-meta",
    ),
    pytest.param(
        b'<meta charset="x-viet-tcvn5712">',
        None,
        b"Vi\xd6t Nam",
        "Việt Nam",
        "declared:tcvn3",
        id="x-viet-tcvn5712",
    ),
    pytest.param(
        b'<meta charset="x-viet-vni">',
        None,
        b"Vie\xe4t Nam",
        "Việt Nam",
        "declared:vni",
        id="x-viet-vni",
    ),
    pytest.param(
        b'<meta charset="x-viet-vps">',
        None,
        b"Ban D\xa9n v\xcbn T\xd8nh \xf1y B\xd7nh Ph\xad\xedc",
        "Ban Dân vận Tỉnh ủy Bình Phước",
        "guess:tcvn3",
        id="x-viet-vps-unsupported-falls-back",
    ),
    pytest.param(
        b'<?xml version="1.0" encoding="windows-1258"?>',
        None,
        b"H\x6f\xcca",
        "Hòa",
        "declared:cp1258",
        id="xml-declaration",
    ),
    pytest.param(
        b'<meta charset="utf-8">',
        None,
        "Đảng bộ \xa0".encode() + b"\xa0",
        "Đảng bộ \xa0\xa0",
        "declared:utf-8",
        id="declared-utf8-with-a-stray-byte",
    ),
    pytest.param(
        b"",
        "text/html; charset=shift_jis",
        "日本".encode("shift_jis"),
        "日本",
        "declared:shift_jis",
        id="other-codec",
    ),
]


@pytest.mark.parametrize(("head", "header", "body", "text", "source"), DECLARED)
def test_declared(head: bytes, header: str | None, body: bytes, text: str, source: str) -> None:
    decoded, how = decode_html_with_source(_page(body, head=head), header)
    assert (_body_text(decoded), how) == (text, source)


GUESSES = [
    pytest.param(
        b"Vie\xe4t Nam, \xd1a\xfbng bo\xe4 t\xe6nh B\xecnh Ph\xf6\xf4\xf9c", "vni", id="vni"
    ),
    pytest.param(
        b"Vi\xea\xf2t Nam, \xd0a\xd2ng b\xf4\xf2 ti\xd2nh Bi\xccnh Ph\xfd\xf5\xecc",
        "cp1258",
        id="cp1258",
    ),
    pytest.param(
        b"Vi\xaet Nam, \xd0\xe4ng b\xb5 t\xefnh B\xecnh Ph\xdf\xbec", "viscii", id="viscii"
    ),
]


@pytest.mark.parametrize(("body", "kind"), GUESSES)
def test_undeclared_legacy_is_guessed(body: bytes, kind: str) -> None:
    decoded, source = decode_html_with_source(_page(body), "text/html")
    assert source == f"guess:{kind}"
    assert _body_text(decoded) == "Việt Nam, Đảng bộ tỉnh Bình Phước"


def test_tcvn3_page_labelled_utf8_is_guessed() -> None:
    body = _page(TCVN3_SENTENCE, head=b'<meta charset="utf-8">')
    decoded, source = decode_html_with_source(body, "text/html; charset=UTF-8")
    assert source == "guess:tcvn3"
    assert _body_text(decoded) == SENTENCE


def test_utf8_page_with_a_legacy_fallback_font_is_not_converted() -> None:
    text = "Ban Dân vận Tỉnh ủy Bình Phước: Đảng bộ tỉnh học tập Nghị quyết"
    head = b"<style>body { font-family: Arial, .VnTime }</style>"
    body = _page(text.encode() + b" \x96 x", head=head)
    decoded, source = decode_html_with_source(body, "text/html; charset=utf-8")
    assert source == "declared:utf-8"
    assert _body_text(decoded) == text + " – x"
    assert decode_html_with_source(body)[1] == "guess:utf-8"


def test_mostly_utf8_is_guessed() -> None:
    text = "Ban Dân vận Tỉnh ủy Bình Phước: Đảng bộ tỉnh học tập Nghị quyết"
    decoded, source = decode_html_with_source(_page(text.encode() + b" \x96 x"), None)
    assert source == "guess:utf-8"
    assert _body_text(decoded) == text + " – x"


WESTERN = [
    pytest.param(
        b"Le caf\xe9 o\xf9 je vais \x96 tr\xe8s bon", None, "guess:windows-1252", id="french"
    ),
    pytest.param(
        b"Copyright \xa9 2024 \xa7 3",
        "text/html; charset=iso-8859-1",
        "declared:windows-1252",
        id="copyright-latin1",
    ),
]


@pytest.mark.parametrize(("body", "header", "source"), WESTERN)
def test_western_pages_stay_western(body: bytes, header: str | None, source: str) -> None:
    decoded, how = decode_html_with_source(_page(body), header)
    assert how == source
    assert _body_text(decoded) == body.decode("cp1252")


BOMS = [
    pytest.param(b"\xef\xbb\xbf" + "Việt".encode(), "bom:utf-8", id="utf-8"),
    pytest.param(b"\xff\xfe" + "Việt".encode("utf-16-le"), "bom:utf-16-le", id="utf-16-le"),
    pytest.param(b"\xfe\xff" + "Việt".encode("utf-16-be"), "bom:utf-16-be", id="utf-16-be"),
    pytest.param(b"\xff\xfe\x00\x00" + "Việt".encode("utf-32-le"), "bom:utf-32-le", id="utf-32"),
]


@pytest.mark.parametrize(("body", "source"), BOMS)
def test_bom(body: bytes, source: str) -> None:
    assert decode_html_with_source(body, "text/html; charset=windows-1258") == ("Việt", source)


def test_cp1258_result_is_nfc() -> None:
    decoded = decode_html(b"Vi\xea\xf2t", "text/html; charset=windows-1258")
    assert decoded == "Việt"
    assert unicodedata.is_normalized("NFC", decoded)


# --- properties --------------------------------------------------------------------------------

HEADERS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "text/html",
            "text/html; charset=utf-8",
            "text/html; charset=ISO-8859-1",
            "text/html; charset=windows-1258",
            "text/html; charset=VISCII",
            "text/html; charset=x-viet-tcvn5712",
            "text/html; charset=x-viet-vps",
            "text/html; charset=utf-16",
            "text/html; charset=base64",
            'text/html; charset="bogus"',
        ]
    ),
    st.text(max_size=40),
)


@given(st.text(), HEADERS)
def test_utf8_round_trip_whatever_the_header(text: str, header: str | None) -> None:
    # A leading U+FEFF is a byte-order mark once encoded, and a decoder removes it.
    expected = _nfc(text.removeprefix("\ufeff"))
    assert decode_html(text.encode("utf-8"), header) == expected


@given(st.binary(max_size=300), HEADERS)
def test_never_raises(body: bytes, header: str | None) -> None:
    decoded, source = decode_html_with_source(body, header)
    assert unicodedata.is_normalized("NFC", decoded)
    assert source


_BOM_STARTS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_OWN_SOURCES = {
    f"declared:{k}" for k in ("cp1258", "viscii", "tcvn3", "vni", "utf-8", "windows-1252")
}


@given(st.binary(max_size=300).filter(lambda b: not b.startswith(_BOM_STARTS)), HEADERS)
def test_no_byte_is_lost(body: bytes, header: str | None) -> None:
    decoded, source = decode_html_with_source(body, header)
    if source.startswith("declared:") and source not in _OWN_SOURCES:
        return  # a multi-byte codec the page asked for (utf-16, shift_jis): its own rules
    assert decoded.count("\ufffd") <= body.count("\ufffd".encode())
    if source.endswith(":windows-1252"):
        assert decoded == _nfc("".join(CP1252_SLOPPY[b] for b in body))


def _fixture_pages() -> list[tuple[str, bytes, str | None]]:
    pages = []
    for meta_path in sorted(FIXTURES.glob("**/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        headers = {k.lower(): v for k, v in meta.get("headers", {}).items()}
        for page in sorted(meta_path.parent.glob("*.html")):
            pages.append(
                (str(page.relative_to(FIXTURES)), page.read_bytes(), headers.get("content-type"))
            )
    return pages


FIXTURE_PAGES = _fixture_pages()


def test_fixture_pages_exist() -> None:
    assert len(FIXTURE_PAGES) >= 5


@pytest.mark.parametrize(
    ("body", "header"), [pytest.param(b, h, id=name) for name, b, h in FIXTURE_PAGES]
)
def test_fixture_pages(body: bytes, header: str | None) -> None:
    decoded, source = decode_html_with_source(body, header)
    if _is_utf8(body):
        assert (decoded, source) == (_nfc(body.decode("utf-8")), "utf-8")
    else:
        assert source in ("font:tcvn3", "font:vni", "guess:tcvn3", "guess:vni")
        assert "\ufffd" not in decoded


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


LEGACY_FIXTURES = sorted(
    path.parent for path in FIXTURES.glob("pages/*/*/page.html") if not _is_utf8(path.read_bytes())
)


@pytest.mark.parametrize("folder", [pytest.param(f, id=f.name) for f in LEGACY_FIXTURES])
def test_legacy_fixture_text(folder: Path) -> None:
    """The expected title and paragraphs of a legacy-encoded fixture are in the decoded page."""
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    decoded = decode_html((folder / "page.html").read_bytes(), meta["headers"].get("Content-Type"))
    for text in [expected.get("title"), *expected.get("body", [])]:
        if text:
            assert text in decoded
