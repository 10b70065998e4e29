"""Byline splitting. Vectors from the reference notes (vietnamese-text.md §5.1, §5.2)."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.text import Author, Byline, clean_text, looks_like_byline, split_byline


def person(name: str, title: str | None = None) -> Author:
    return Author(name=name, title=title)


def anon(marker: str) -> Author:
    return Author(name=marker, anonymous=True)


# §5.2 table, one row per input (rows with "A / B" are split into two).
TABLE: list[tuple[str, dict[str, object]]] = [
    (
        "Lê Dũng Toàn, Ban Dân vận Tỉnh ủy Bình Phước",
        {"authors": (person("Lê Dũng Toàn"),), "organisation": "Ban Dân vận Tỉnh ủy Bình Phước"},
    ),
    (
        "Lê Dũng Toàn (Ban Dân vận Tỉnh ủy)",
        {"authors": (person("Lê Dũng Toàn"),), "organisation": "Ban Dân vận Tỉnh ủy"},
    ),
    (
        "Lê Dũng Toàn - Ban Dân vận Tỉnh uỷ Bình Phước",
        {"authors": (person("Lê Dũng Toàn"),), "organisation": "Ban Dân vận Tỉnh uỷ Bình Phước"},
    ),
    (
        "Văn Tuấn – Văn phòng Tỉnh ủy",
        {"authors": (person("Văn Tuấn"),), "organisation": "Văn phòng Tỉnh ủy"},
    ),
    (
        "ThS. Nguyễn Văn An, Trường Chính trị tỉnh",
        {"authors": (person("Nguyễn Văn An", "ThS."),), "organisation": "Trường Chính trị tỉnh"},
    ),
    (
        "PGS.TS Nguyễn Thị Bình, Học viện Chính trị quốc gia Hồ Chí Minh",
        {
            "authors": (person("Nguyễn Thị Bình", "PGS.TS"),),
            "organisation": "Học viện Chính trị quốc gia Hồ Chí Minh",
        },
    ),
    ("Đại tá, TS. Trần Văn Cường", {"authors": (person("Trần Văn Cường", "Đại tá TS."),)}),
    ("Hồng Thuận", {"authors": (person("Hồng Thuận"),)}),
    ("PV", {"authors": (anon("PV"),)}),
    ("Nhóm PV", {"authors": (anon("Nhóm PV"),)}),
    ("BTV", {"authors": (anon("BTV"),)}),
    ("Theo danvan.vn", {"source": "danvan.vn"}),
    ("(Theo TTXVN)", {"source": "TTXVN"}),
    ("Nguồn: danvan.vn", {"source": "danvan.vn"}),
    ("Nguồn: Báo Bình Phước điện tử", {"source": "Báo Bình Phước điện tử"}),
    ("Bài, ảnh: Hồng Thuận", {"authors": (person("Hồng Thuận"),), "role": "Bài, ảnh"}),
    (
        "Bài và ảnh: Minh Anh - Thu Hà",
        {"authors": (person("Minh Anh"), person("Thu Hà")), "role": "Bài và ảnh"},
    ),
    ("Tin, ảnh: PV", {"authors": (anon("PV"),), "role": "Tin, ảnh"}),
    ("Ảnh: TTXVN", {"photo": "TTXVN"}),
    ("(Ảnh: Quang Minh)", {"photo": "Quang Minh"}),
    ("(TTXVN)", {"source": "TTXVN"}),
    ("Minh Anh (tổng hợp)", {"authors": (person("Minh Anh"),), "qualifier": "tổng hợp"}),
    ("Minh Anh (TH)", {"authors": (person("Minh Anh"),), "qualifier": "TH"}),
    ("N.A", {"authors": (person("N.A"),)}),
    ("T.Thuận", {"authors": (person("T.Thuận"),)}),
    ("Ngọc Hân (thực hiện)", {"authors": (person("Ngọc Hân"),), "qualifier": "thực hiện"}),
    ("Thu Hà và Minh Anh", {"authors": (person("Thu Hà"), person("Minh Anh"))}),
    (
        "Phạm Hùng (Huyện ủy Bù Đăng)",
        {"authors": (person("Phạm Hùng"),), "organisation": "Huyện ủy Bù Đăng"},
    ),
]

# §5.1 patterns beyond the table.
MORE: list[tuple[str, dict[str, object]]] = [
    ("B.T.G", {"authors": (person("B.T.G"),)}),
    ("N.T.Hà", {"authors": (person("N.T.Hà"),)}),
    ("Hồng Thuận.", {"authors": (person("Hồng Thuận"),)}),
    ("Minh Anh, Thu Hà", {"authors": (person("Minh Anh"), person("Thu Hà"))}),
    (
        "Minh Anh; Thu Hà & Quang Minh",
        {"authors": tuple(map(person, ["Minh Anh", "Thu Hà", "Quang Minh"]))},
    ),
    ("Bài & ảnh: Minh Anh", {"authors": (person("Minh Anh"),), "role": "Bài & ảnh"}),
    ("Tin và ảnh: Thu Hà", {"authors": (person("Thu Hà"),), "role": "Tin và ảnh"}),
    ("Thực hiện: Ngọc Hân", {"authors": (person("Ngọc Hân"),), "role": "Thực hiện"}),
    ("Clip: Quang Minh", {"authors": (person("Quang Minh"),), "role": "Clip"}),
    ("Đồ họa: Thu Hà", {"authors": (person("Thu Hà"),), "role": "Đồ họa"}),
    ("Tác giả: Lê Dũng Toàn", {"authors": (person("Lê Dũng Toàn"),), "role": "Tác giả"}),
    ("Người viết: Minh Anh", {"authors": (person("Minh Anh"),), "role": "Người viết"}),
    (
        "Tác giả: Ban Tuyên giáo Tỉnh ủy",
        {"organisation": "Ban Tuyên giáo Tỉnh ủy", "role": "Tác giả"},
    ),
    ("Minh Anh (T/h)", {"authors": (person("Minh Anh"),), "qualifier": "T/h"}),
    ("Minh Anh (lược ghi)", {"authors": (person("Minh Anh"),), "qualifier": "lược ghi"}),
    ("Minh Anh (lược trích)", {"authors": (person("Minh Anh"),), "qualifier": "lược trích"}),
    ("Minh Anh (st)", {"authors": (person("Minh Anh"),), "qualifier": "st"}),
    ("Minh Anh (dịch)", {"authors": (person("Minh Anh"),), "qualifier": "dịch"}),
    ("Minh Anh (Theo VnExpress)", {"authors": (person("Minh Anh"),), "source": "VnExpress"}),
    ("Thu Hà (TTXVN)", {"authors": (person("Thu Hà"),), "source": "TTXVN"}),
    ("Thu Hà - TTXVN", {"authors": (person("Thu Hà"),), "source": "TTXVN"}),
    ("Theo TTXVN", {"source": "TTXVN"}),
    ("(QĐND)", {"source": "QĐND"}),
    ("Theo Báo Nhân Dân", {"source": "Báo Nhân Dân"}),
    ("Nguồn: https://danvan.vn/tin-tuc/123", {"source": "https://danvan.vn/tin-tuc/123"}),
    ("Ảnh minh họa", {"photo": "minh họa"}),
    (
        "Bài: Minh Anh; Ảnh: Thu Hà",
        {"authors": (person("Minh Anh"),), "role": "Bài", "photo": "Thu Hà"},
    ),
    ("Minh Anh, Trường Giang", {"authors": (person("Minh Anh"), person("Trường Giang"))}),
    ("NGUYỄN VĂN AN", {"authors": (person("NGUYỄN VĂN AN"),)}),
    (
        "Thượng tá Nguyễn Văn A, Trung tá Trần B",
        {"authors": (person("Nguyễn Văn A", "Thượng tá"), person("Trần B", "Trung tá"))},
    ),
    (
        "Trung tá Trần Văn B, Bộ Chỉ huy Quân sự tỉnh",
        {"authors": (person("Trần Văn B", "Trung tá"),), "organisation": "Bộ Chỉ huy Quân sự tỉnh"},
    ),
]

# An organisation alone, printed the way organisations name themselves.
ORGANISATIONS_ALONE = [
    "Văn phòng Ban Dân vận Tỉnh ủy",
    "Ban Dân vận Tỉnh ủy Lâm Giang",
    "Khối Dân vận tỉnh",
    "Ban Tuyên giáo Huyện ủy Thạch Bình",
    "Ủy ban nhân dân thành phố Lâm Giang",
    "Hội Nông dân tỉnh",
    "Bộ đội Biên phòng tỉnh",
    "Đài Phát thanh và Truyền hình Lâm Giang",
    "Huyện ủy Bù Đăng",
]

# An author with an office in an organisation: the organisation keeps the office as printed.
OFFICES: list[tuple[str, dict[str, object]]] = [
    (
        "Nguyễn Văn Thành, Phó Trưởng Ban Dân vận Tỉnh ủy",
        {
            "authors": (person("Nguyễn Văn Thành"),),
            "organisation": "Phó Trưởng Ban Dân vận Tỉnh ủy",
        },
    ),
    (
        "Nguyễn Văn Thành, Phó trưởng ban Dân vận Huyện ủy",
        {
            "authors": (person("Nguyễn Văn Thành"),),
            "organisation": "Phó trưởng ban Dân vận Huyện ủy",
        },
    ),
    (
        "Lê Dũng Toàn - Chủ tịch UBND xã Tân Lập",
        {"authors": (person("Lê Dũng Toàn"),), "organisation": "Chủ tịch UBND xã Tân Lập"},
    ),
    (
        "Trần Văn Bình (Giảng viên Trường Chính trị tỉnh)",
        {
            "authors": (person("Trần Văn Bình"),),
            "organisation": "Giảng viên Trường Chính trị tỉnh",
        },
    ),
    (
        "TS. Hà Thị Thanh Xuân, Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy",
        {
            "authors": (person("Hà Thị Thanh Xuân", "TS."),),
            "organisation": "Ủy viên Ban Thường vụ Tỉnh ủy, Trưởng Ban Dân vận Tỉnh ủy",
        },
    ),
]

# "./." closes the article; the byline keeps it in ``raw`` and reads without it.
END_MARKS: list[tuple[str, dict[str, object]]] = [
    ("Hồng Thuận./.", {"authors": (person("Hồng Thuận"),)}),
    (
        "Lê Dũng Toàn, Ban Dân vận Tỉnh ủy Bình Phước./.",
        {"authors": (person("Lê Dũng Toàn"),), "organisation": "Ban Dân vận Tỉnh ủy Bình Phước"},
    ),
    ("Theo danvan.vn./.", {"source": "danvan.vn"}),
]

# Sentences that hold a name or an organisation, as the first or last paragraph of a text.
SENTENCES_WITH_NAMES = [
    "Hội nghị tổng kết",
    "Ban hành kèm theo Quyết định số 12",
    "Hội Nông dân xã Tân Lập tổ chức Hội nghị.",
    "Ủy ban MTTQ Việt Nam thị xã tiếp tục hướng dẫn các ban giám sát nâng cao chất lượng.",
    "Thị ủy Phước Long chỉ đạo duy trì thăm hỏi, chúc mừng các cơ sở tôn giáo.",
    "Ông Nguyễn Văn An, Bí thư Tỉnh ủy phát biểu",
    "Bà Lò Thị Mai",
    "Nguyễn Văn An, Bí thư Chi bộ thôn 3 đã phát biểu",
    "Anh Nguyễn Văn An, Chủ tịch Hội Nông dân xã phát biểu.",
    "Ban Dân vận Tỉnh ủy được giao chủ trì",
]

ANONYMOUS_MARKERS = [
    "PV",
    "Nhóm PV",
    "Phóng viên",
    "BTV",
    "CTV",
    "BBT",
    "Ban Biên tập",
    "TH",
    "T.H",
    "T/h",
    "Tổng hợp",
    "ST",
    "Sưu tầm",
]

NOT_BYLINES = [
    "Theo dõi chúng tôi trên Facebook",
    "Theo Chỉ thị số 05-CT/TW của Bộ Chính trị, các cấp ủy cần tiếp tục đẩy mạnh học tập",
    "Theo Chỉ thị số 05",
    "Theo đồng chí Bí thư, công tác dân vận cần đổi mới",
    "(Còn nữa)",
    "(Kỳ 2: Những cách làm hay)",
    "Phóng viên: Thưa đồng chí, xin đồng chí cho biết kết quả nổi bật",
    "PV: Xin ông cho biết những kết quả đã đạt được?",
    "Hội nghị đã thành công tốt đẹp.",
    "Đồng chí Nguyễn Văn A phát biểu tại hội nghị.",
    "Công tác dân vận của hệ thống chính trị tiếp tục được đổi mới.",
    "Hà Nội, ngày 14 tháng 4 năm 2024",
    "Bài, ảnh:",
    "Tin liên quan",
    "(2024)",
    "Minh Anh (2024)",
    "(1)",
    "",
    "\u00a0",
    "Lê Dũng Toàn\nBan Dân vận Tỉnh ủy",
    "Minh Anh " * 40,
]


def expected_byline(raw: str, parts: dict[str, object]) -> Byline:
    return Byline(raw=raw, **parts)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "parts"), TABLE, ids=[row[0] for row in TABLE])
def test_reference_table(text: str, parts: dict[str, object]) -> None:
    assert split_byline(text) == expected_byline(text, parts)


@pytest.mark.parametrize(("text", "parts"), MORE, ids=[row[0] for row in MORE])
def test_more_patterns(text: str, parts: dict[str, object]) -> None:
    assert split_byline(text) == expected_byline(text, parts)


@pytest.mark.parametrize("text", ORGANISATIONS_ALONE)
def test_an_organisation_alone(text: str) -> None:
    assert split_byline(text) == Byline(raw=text, organisation=text)


@pytest.mark.parametrize(("text", "parts"), OFFICES, ids=[row[0] for row in OFFICES])
def test_an_author_with_an_office(text: str, parts: dict[str, object]) -> None:
    assert split_byline(text) == expected_byline(text, parts)


@pytest.mark.parametrize(("text", "parts"), END_MARKS, ids=[row[0] for row in END_MARKS])
def test_the_closing_end_mark(text: str, parts: dict[str, object]) -> None:
    assert split_byline(text) == expected_byline(text, parts)


@pytest.mark.parametrize("text", SENTENCES_WITH_NAMES)
def test_a_sentence_naming_someone_is_no_byline(text: str) -> None:
    assert split_byline(text) is None


@pytest.mark.parametrize("marker", ANONYMOUS_MARKERS)
def test_anonymous_markers(marker: str) -> None:
    assert split_byline(marker) == Byline(raw=marker, authors=(anon(marker),))
    assert split_byline(f"({marker})") == Byline(raw=f"({marker})", authors=(anon(marker),))


@pytest.mark.parametrize("text", NOT_BYLINES, ids=[repr(t[:40]) for t in NOT_BYLINES])
def test_not_bylines(text: str) -> None:
    assert split_byline(text) is None
    assert not looks_like_byline(text)


def test_raw_is_the_cleaned_input() -> None:
    byline = split_byline("\u00a0Lê\u00a0Dũng Toàn,\u200b Ban Dân vận Tỉnh ủy.\u00a0")
    assert byline is not None
    assert byline.raw == "Lê Dũng Toàn, Ban Dân vận Tỉnh ủy."
    assert byline.authors == (person("Lê Dũng Toàn"),)
    assert byline.organisation == "Ban Dân vận Tỉnh ủy"


def test_nfd_input_is_read() -> None:
    byline = split_byline("Ho\u0302\u0300ng Thua\u0302\u0323n")
    assert byline == Byline(raw="Hồng Thuận", authors=(person("Hồng Thuận"),))


def test_looks_like_byline() -> None:
    assert looks_like_byline("Bài, ảnh: Hồng Thuận")


def test_to_dict_is_json_ready_with_every_key() -> None:
    byline = split_byline("Bài, ảnh: ThS. Nguyễn Văn An, Trường Chính trị tỉnh (tổng hợp)")
    assert byline is not None
    assert byline.to_dict() == {
        "raw": "Bài, ảnh: ThS. Nguyễn Văn An, Trường Chính trị tỉnh (tổng hợp)",
        "authors": [{"name": "Nguyễn Văn An", "title": "ThS.", "anonymous": False}],
        "organisation": "Trường Chính trị tỉnh",
        "source": None,
        "role": "Bài, ảnh",
        "photo": None,
        "qualifier": "tổng hợp",
    }
    assert json.loads(json.dumps(byline.to_dict())) == byline.to_dict()
    assert set(Byline(raw="x").to_dict()) == {
        "raw",
        "authors",
        "organisation",
        "source",
        "role",
        "photo",
        "qualifier",
    }


def test_dataclasses_are_frozen_with_slots() -> None:
    byline = Byline(raw="PV", authors=(anon("PV"),))
    with pytest.raises(dataclasses.FrozenInstanceError):
        byline.raw = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        byline.authors[0].name = "x"  # type: ignore[misc]
    assert not hasattr(byline, "__dict__")
    assert not hasattr(byline.authors[0], "__dict__")
    assert Author("A").to_dict() == {"name": "A", "title": None, "anonymous": False}


@given(st.text(max_size=300))
def test_split_byline_never_raises(text: str) -> None:
    byline = split_byline(text)
    assert byline is None or byline.raw == clean_text(text)
