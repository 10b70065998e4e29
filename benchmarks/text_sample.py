"""A seeded, realistic sample of the strings ``dvcrawl.text`` meets in a crawl.

Used by ``benchmarks/text_speed.py``. Everything comes from the repository's own material:

* ``tests/fixtures/pages/*/*/expected.json``: titles, leads, body paragraphs, captions, tags,
  bylines and the published date strings with their expected values;
* ``tests/fixtures/sites/*/pages/*.html``: ``<p>`` texts, ``<h1>``/``<title>``, captions
  (``figcaption``, ``img/@alt``) and ``meta description`` leads, decoded the way Scrapy decodes
  them (w3lib, Content-Type of the site manifest, then ``<meta charset>``), so a legacy TCVN3
  page declared as windows-1252 gives the mojibake a crawl sees;
* the patterns of the reference notes (vietnamese-text.md §4.1/§4.4 dates, §5 bylines).

Text strings get the variations CMS pages carry (NBSP, ZWSP, NFD, "hoà/thuỷ" tone style,
upper or title case, leftover entities, stray whitespace). Date strings are generated from a
random datetime and then formatted, so each keeps its ground truth. The same seed and the same
fixtures give the same sample.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Final, TypeVar

from parsel import Selector
from w3lib.encoding import html_to_unicode

from dvcrawl.text._legacy_tables import TCVN3_DECODE, VISCII_DECODE, VNI_ENCODE

ROOT: Final = Path(__file__).resolve().parent.parent
PAGES: Final = ROOT / "tests" / "fixtures" / "pages"
SITES: Final = ROOT / "tests" / "fixtures" / "sites"

T = TypeVar("T")

TZ: Final = timezone(timedelta(hours=7))
NOW: Final = datetime(2024, 4, 16, 12, 0, tzinfo=TZ)
"""Crawl time for relative forms (the reference's RELATIVE_BASE)."""
DEFAULT_YEAR: Final = 2024
"""Article year given to day/month-only forms ("Sáng 14/4")."""
FIRST_DAY: Final = datetime(2005, 1, 1, tzinfo=TZ)


# --- data types ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateCase:
    """A date string and its ground truth, local +07:00 (None: the right answer is None).

    ``none_ok``: None is right too. Set when the printed weekday contradicts the date: the
    project returns None, the reference notes parse the date and warn.
    """

    text: str
    expected: datetime | None
    has_time: bool
    form: str
    now: datetime | None = None
    default_year: int | None = None
    none_ok: bool = False


@dataclass(slots=True)
class Material:
    """Strings found in the fixtures, by kind."""

    paragraphs: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dated: list[tuple[str, datetime]] = field(default_factory=list)
    articles: int = 0
    pages: int = 0
    skipped: list[str] = field(default_factory=list)

    def dedupe(self) -> None:
        for name in ("paragraphs", "titles", "leads", "captions", "bylines", "tags"):
            values = [v for v in dict.fromkeys(getattr(self, name)) if v.strip()]
            setattr(self, name, values)
        self.dated = list(dict.fromkeys(self.dated))


@dataclass(slots=True)
class Sample:
    """The benchmark sample; ``composition`` says what each list holds."""

    raw_text: list[str]
    paragraphs: list[str]
    articles: list[list[str]]
    bylines: list[str]
    dates: list[DateCase]
    material: Material
    composition: dict[str, Counter[str]]
    legacy_bytes: dict[str, list[bytes]] = field(default_factory=dict)
    """Raw-text strings encoded in each legacy encoding (the byte converters' input)."""
    pages: list[tuple[bytes, str | None]] = field(default_factory=list)
    """HTML bodies with their Content-Type (decode_html's input)."""


# --- fixture material ----------------------------------------------------------------------


def load_material() -> Material:
    """Every string of the page fixtures and synthetic sites, deduplicated, in a stable order."""
    material = Material()
    for path in sorted(PAGES.glob("*/*/expected.json")):
        _read_expected(path, material)
    for site in sorted(p for p in SITES.iterdir() if p.is_dir()):
        headers = _content_types(site / "manifest.json")
        for page in sorted((site / "pages").glob("*.html")):
            _read_page(page, headers.get(page.name), material)
    material.dedupe()
    return material


def _read_expected(path: Path, material: Material) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        material.skipped.append(f"{path.relative_to(ROOT)}: {error}")
        return
    if not isinstance(data, dict) or "body" not in data:
        return  # a listing
    material.articles += 1
    material.paragraphs += [p for p in data.get("body") or [] if isinstance(p, str)]
    material.titles += [t for t in (data.get("title"), data.get("category")) if t]
    if data.get("lead"):
        material.leads.append(data["lead"])
    material.captions += [c["text"] for c in data.get("captions") or [] if c.get("text")]
    material.tags += [t for t in data.get("tags") or [] if isinstance(t, str)]
    byline = data.get("byline") or {}
    if byline.get("raw"):
        material.bylines.append(byline["raw"])
    raw, published = data.get("published_raw"), data.get("published_at")
    if raw and published:
        material.dated.append((raw, datetime.fromisoformat(published).astimezone(TZ)))


def _content_types(manifest: Path) -> dict[str, str]:
    try:
        responses = json.loads(manifest.read_text(encoding="utf-8"))["responses"]
    except (OSError, ValueError, KeyError):
        return {}
    return {
        Path(r["file"]).name: r.get("headers", {}).get("Content-Type", "")
        for r in responses
        if "file" in r
    }


def _read_page(page: Path, content_type: str | None, material: Material) -> None:
    _, html = html_to_unicode(content_type, page.read_bytes())
    selector = Selector(text=html)
    material.pages += 1
    material.paragraphs += [" ".join(p.css("::text").getall()) for p in selector.css("p")]
    material.titles += selector.css("h1 ::text, title::text").getall()
    material.captions += selector.css("figcaption ::text, img::attr(alt)").getall()
    material.leads += selector.css('meta[name="description"]::attr(content)').getall()


# --- text variations -----------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# In NFD, the tone of open oa/oe/uy written on the first vowel ("hòa", "thủy"), to be moved
# onto the second one ("hoà", "thuỷ"): the other common style.
_TONE_ON_FIRST_RE: Final = re.compile(
    rf"(?<![qQ])([oO])([{_TONES}])([aAeE])(?![\w\u0300-\u036f])"
    rf"|(?<![qQ])([uU])([{_TONES}])([yY])(?![\w\u0300-\u036f])"
)


def old_style_tones(text: str) -> str:
    """``hòa → hoà``, ``thủy → thuỷ``, ``khỏe → khoẻ``: tone on the second vowel of oa/oe/uy."""

    def move(match: re.Match[str]) -> str:
        first, tone, second = (g for g in match.groups() if g is not None)
        return first + second + tone

    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _TONE_ON_FIRST_RE.sub(move, decomposed))


def _nbsp(rng: random.Random, text: str) -> str:
    return "".join("\u00a0" if c == " " and rng.random() < 0.3 else c for c in text) + (
        "\u00a0" if rng.random() < 0.3 else ""
    )


def _zwsp(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        chars.insert(rng.randint(0, len(chars)), rng.choice("\u200b\u200b\u200b\ufeff\u2060"))
    return "".join(chars)


def _entities(rng: random.Random, text: str) -> str:
    accented = [i for i, c in enumerate(text) if not c.isascii()]
    if not accented:
        return text + "&nbsp;"
    i = rng.choice(accented)
    escaped = f"&#{ord(text[i])};" if rng.random() < 0.5 else f"&amp;#{ord(text[i])};"
    return text[:i] + escaped + text[i + 1 :]


def _whitespace(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    glue = [rng.choice(("  ", " ", " ", "\t", "\r\n", " \n ")) for _ in words[1:]]
    joined = words[0] + "".join(g + w for g, w in zip(glue, words[1:], strict=True))
    return rng.choice(("", " ", "\n\t")) + joined + rng.choice(("", " ", "\r\n"))


def _title_case(_: random.Random, text: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in text.split(" "))


Variation = Callable[[random.Random, str], str]
TEXT_VARIATIONS: Final[Sequence[tuple[str, float, Variation]]] = (
    ("as found", 0.45, lambda _, s: s),
    ("NBSP", 0.10, _nbsp),
    ("ZWSP/BOM/WJ", 0.07, _zwsp),
    ("NFD", 0.08, lambda _, s: unicodedata.normalize("NFD", s)),
    ("hoà/thuỷ tones", 0.10, lambda _, s: old_style_tones(s)),
    ("UPPER", 0.04, lambda _, s: s.upper()),
    ("Title Case", 0.04, _title_case),
    ("entities", 0.05, _entities),
    ("whitespace", 0.07, _whitespace),
)


def _pick(rng: random.Random, table: Sequence[tuple[str, float, T]]) -> tuple[str, T]:
    name, _, value = rng.choices(table, weights=[w for _, w, _ in table])[0]
    return name, value


def _vary(rng: random.Random, text: str, counts: Counter[str]) -> str:
    name, variation = _pick(rng, TEXT_VARIATIONS)
    counts[name] += 1
    return variation(rng, text)


def raw_text_sample(
    rng: random.Random, material: Material, n: int
) -> tuple[list[str], Counter[str], Counter[str]]:
    """``n`` strings of every kind a page yields, each possibly varied."""
    kinds: Sequence[tuple[str, float, list[str]]] = [
        (kind, weight, values)
        for kind, weight, values in (
            ("paragraph", 0.55, material.paragraphs),
            ("title", 0.15, material.titles),
            ("lead", 0.10, material.leads),
            ("caption", 0.10, material.captions),
            ("byline", 0.05, material.bylines),
            ("tag", 0.05, material.tags),
        )
        if values
    ]
    kind_counts: Counter[str] = Counter()
    variation_counts: Counter[str] = Counter()
    out = []
    for _ in range(n):
        kind, values = _pick(rng, kinds)
        kind_counts[kind] += 1
        out.append(_vary(rng, rng.choice(values), variation_counts))
    return out, kind_counts, variation_counts


_EMPTY_PARAGRAPHS: Final = ("", "\u00a0", "&nbsp;", " \u200b ", "\r\n\t")


def paragraph_sample(
    rng: random.Random, material: Material, n: int
) -> tuple[list[str], list[list[str]], Counter[str]]:
    """``n`` body paragraphs (3% empty CKEditor junk), grouped into articles of 3 to 15."""
    counts: Counter[str] = Counter()
    paragraphs = []
    for _ in range(n):
        if rng.random() < 0.03:
            counts["empty/invisible"] += 1
            paragraphs.append(rng.choice(_EMPTY_PARAGRAPHS))
        else:
            paragraphs.append(_vary(rng, rng.choice(material.paragraphs), counts))
    articles = []
    start = 0
    while start < n:
        size = rng.randint(3, 15)
        articles.append(paragraphs[start : start + size])
        start += size
    return paragraphs, articles, counts


# --- bylines (reference §5.1) --------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FAMILY: Final = _words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý")
MIDDLE: Final = _words("Văn Thị Minh Thanh Hồng Quốc Ngọc Đức Thu Hữu Xuân")
GIVEN: Final = _words(
    "An Bình Cường Dũng Hà Hân Hùng Lan Luân Thuận Trúc Toàn Tuấn Khoa Hương Thủy Hòa Thúy Quý"
)
PEN_NAMES: Final = (
    "Minh Anh",
    "Thu Hà",
    "Hồng Thuận",
    "Văn Tuấn",
    "Ngọc Hân",
    "Thanh Trúc",
    "Minh Luân",
    "Phạm Hùng",
)
INITIALS: Final = ("N.A", "T.Thuận", "B.T.G", "H.L", "M.H", "T.Hòa")
TITLES: Final = (
    "ThS.",
    "Ths.",
    "TS.",
    "TS",
    "PGS.TS",
    "PGS.TS.",
    "GS.TS",
    "NCS.",
    "Đại tá, TS.",
    "Thượng tá",
    "Thiếu tướng",
)
PROVINCES: Final = (
    "Bình Phước",
    "Quảng Ninh",
    "Hậu Giang",
    "Đồng Nai",
    "Cà Mau",
    "Nghệ An",
    "Gia Lai",
    "Bắc Giang",
    "Yên Bái",
    "Tuyên Quang",
    "Lai Châu",
    "Khánh Hòa",
    "Thanh Hóa",
)
DISTRICTS: Final = ("Bù Đăng", "Bù Gia Mập", "Đồng Phú", "Lộc Ninh", "Hớn Quản")
ORGS: Final = (
    "Ban Dân vận Tỉnh ủy {p}",
    "Ban Dân vận Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy {p}",
    "Văn phòng Tỉnh ủy",
    "Huyện ủy {d}",
    "Ban Dân vận Huyện ủy {d}",
    "Trường Chính trị tỉnh",
    "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Ủy ban MTTQ Việt Nam tỉnh {p}",
    "Hội Nông dân tỉnh {p}",
    "Báo {p}",
    "Trung tâm Chính trị huyện {d}",
    "Sở Nội vụ tỉnh {p}",
)
ROLES: Final = (
    "Bài, ảnh",
    "Bài và ảnh",
    "Bài & ảnh",
    "Tin, ảnh",
    "Tin và ảnh",
    "Thực hiện",
    "Clip",
    "Đồ họa",
    "Tác giả",
    "Người viết",
)
QUALIFIERS: Final = ("tổng hợp", "TH", "T/h", "lược ghi", "lược trích", "st", "thực hiện", "dịch")
SOURCES: Final = (
    "danvan.vn",
    "TTXVN",
    "Báo Bình Phước điện tử",
    "Báo Nhân Dân",
    "dangcongsan.vn",
    "Báo Quảng Ninh",
    "https://danvan.vn/Home/Tin-hoat-dong/17509",
)
AGENCIES: Final = ("(TTXVN)", "(VNA)", "(Chinhphu.vn)", "(ĐCSVN)")
ANONYMOUS: Final = (
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
)
LOOK_ALIKES: Final = (
    "Theo dõi chúng tôi trên Facebook",
    "Theo Chỉ thị số {n}-CT/TW của Ban Bí thư, các cấp ủy cần tăng cường công tác dân vận",
    "Theo báo cáo, trong năm qua đã có {n} mô hình “Dân vận khéo” được công nhận",
    "(Còn nữa)",
    "(Kỳ 2: Phát huy vai trò của người có uy tín)",
    "Phóng viên: Thưa đồng chí, xin đồng chí cho biết kết quả nổi bật của phong trào?",
    "Lượt xem: {n}",
    "Ảnh minh họa",
    "Tin liên quan",
)


def _person(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        middle = " ".join(rng.sample(MIDDLE, rng.choice((1, 1, 2))))
        return f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}"
    if roll < 0.85:
        return rng.choice(PEN_NAMES)
    return rng.choice(INITIALS)


def _org(rng: random.Random) -> str:
    return rng.choice(ORGS).format(p=rng.choice(PROVINCES), d=rng.choice(DISTRICTS))


def _authors(rng: random.Random) -> str:
    people = [_person(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3)))]
    if len(people) == 1:
        return people[0]
    return rng.choice((" - ", " – ", ", ", " và ")).join(people)


BylineMaker = Callable[[random.Random], str]
BYLINE_PATTERNS: Final[Sequence[tuple[str, float, BylineMaker]]] = (
    ("name, org", 0.16, lambda r: f"{_person(r)}, {_org(r)}"),
    ("name (org)", 0.08, lambda r: f"{_person(r)} ({_org(r)})"),
    ("name - org", 0.06, lambda r: f"{_person(r)} {r.choice('-–')} {_org(r)}"),
    (
        "title name[, org]",
        0.08,
        lambda r: f"{r.choice(TITLES)} {_person(r)}" + (f", {_org(r)}" if r.random() < 0.6 else ""),
    ),
    ("name only", 0.12, _person),
    ("anonymous", 0.06, lambda r: r.choice(ANONYMOUS)),
    ("role: authors", 0.12, lambda r: f"{r.choice(ROLES)}: {r.choice((_authors(r), 'PV'))}"),
    ("name (qualifier)", 0.06, lambda r: f"{_person(r)} ({r.choice(QUALIFIERS)})"),
    ("several authors", 0.06, _authors),
    (
        "source",
        0.08,
        lambda r: r.choice(("Theo {}", "(Theo {})", "Nguồn: {}")).format(r.choice(SOURCES)),
    ),
    ("agency tag", 0.03, lambda r: r.choice(AGENCIES)),
    (
        "photo credit",
        0.05,
        lambda r: r.choice(("Ảnh: {}", "(Ảnh: {})")).format(r.choice(("TTXVN", _person(r)))),
    ),
)
BYLINE_VARIATIONS: Final[Sequence[tuple[str, float, Variation]]] = (
    ("as found", 0.6, lambda _, s: s),
    ("NBSP", 0.1, _nbsp),
    ("NFD", 0.1, lambda _, s: unicodedata.normalize("NFD", s)),
    ("uỷ/hoà tones", 0.1, lambda _, s: old_style_tones(s)),
    ("trailing .", 0.1, lambda _, s: s + "."),
)


def byline_sample(
    rng: random.Random, material: Material, n: int
) -> tuple[list[str], Counter[str], Counter[str]]:
    """``n`` last-line candidates: §5.1 bylines (65%), fixture bylines, look-alikes, prose."""
    counts: Counter[str] = Counter()
    variations: Counter[str] = Counter()
    out = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.65:
            name, maker = _pick(rng, BYLINE_PATTERNS)
            line = maker(rng)
            counts[name] += 1
        elif roll < 0.70 and material.bylines:
            line = rng.choice(material.bylines)
            counts["fixtures"] += 1
        elif roll < 0.80:
            line = rng.choice(LOOK_ALIKES).format(n=rng.randint(1, 2000))
            counts["NOT: look-alike"] += 1
        elif roll < 0.92:
            line = rng.choice(material.paragraphs)
            counts["NOT: paragraph"] += 1
        else:
            line = rng.choice(material.captions or material.titles)
            counts["NOT: caption"] += 1
        name, variation = _pick(rng, BYLINE_VARIATIONS)
        variations[name] += 1
        out.append(variation(rng, line))
    return out, counts, variations


# --- dates (reference §4.1, §4.4) ----------------------------------------------------------

WEEKDAYS: Final = (
    ("Thứ Hai", "Thứ hai", "thứ hai", "THỨ HAI", "Thứ 2", "Thứ.2", "T2", "T.2", "Th 2"),
    ("Thứ Ba", "Thứ ba", "Thứ 3", "T3"),
    ("Thứ Tư", "Thứ tư", "Thứ 4", "T4"),
    ("Thứ Năm", "Thứ năm", "Thứ 5", "T5"),
    ("Thứ Sáu", "Thứ sáu", "Thứ 6", "T6"),
    ("Thứ Bảy", "Thứ bảy", "Thứ Bẩy", "Thứ 7", "T7"),
    ("Chủ Nhật", "Chủ nhật", "CHỦ NHẬT", "CN", "C.Nhật"),
)
ENGLISH_DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# TCVN3 bytes read as windows-1252 (what a legacy page shows): Thứ → Thø, ư → U+00AD, …
TCVN3_DAYS: Final = (
    "Thø hai",
    "Thø ba",
    "Thø t\u00ad",
    "Thø n¨m",
    "Thø s¸u",
    "Thø b¶y",
    "Chñ nhËt",
)
MONTH_WORDS: Final = (*_words("Một Hai Ba Tư Năm Sáu Bảy Tám Chín Mười"), "Mười Một", "Mười Hai")
LABELS: Final = ("Ngày đăng: ", "Đăng lúc: ", "Ngày cập nhật: ", "Xuất bản: ", "Cập nhật: ")
ZONES: Final = (" GMT+7", " (GMT+7)", " UTC+7", " (giờ Hà Nội)", " GMT+07:00")
PLACES: Final = ("Bình Phước", "Hà Nội", "Đồng Xoài", "Quảng Ninh", "Cà Mau")
DAY_PARTS: Final = ("Sáng", "Chiều", "Tối", "Trưa", "Ngày", "(BDO) Chiều", "CTTĐT - Sáng")
LEAD_TAILS: Final = (
    ", Ban Dân vận Tỉnh ủy tổ chức hội nghị sơ kết công tác dân vận.",
    ", Đảng ủy xã tổ chức đối thoại với Nhân dân về giải phóng mặt bằng.",
    ", đoàn công tác của Ban Dân vận Trung ương làm việc với Tỉnh ủy.",
    "",
)
LUNAR: Final = (
    "mùng {d} tháng Giêng",
    "Rằm tháng Giêng",
    "ngày {d} tháng Chạp năm {y}",
    "ngày {d}/{m} âm lịch",
)
NOT_DATES: Final = ("Lượt xem: {n}", "Chia sẻ", "Bản in", "Tin mới nhất", "Trang chủ", "Đọc thêm")
INVALID_DAYS: Final = ((31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11), (32, 1), (15, 13))


def _weekday(rng: random.Random, day: date) -> str:
    name = rng.choice(WEEKDAYS[day.weekday()])
    return name.upper() if rng.random() < 0.08 else name


def _dmy(rng: random.Random, moment: datetime, sep: str = "/") -> str:
    if rng.random() < 0.6:
        return f"{moment.day:02}{sep}{moment.month:02}{sep}{moment.year}"
    return f"{moment.day}{sep}{moment.month}{sep}{moment.year}"


def _hm(moment: datetime) -> str:
    return f"{moment.hour:02}:{moment.minute:02}"


def _timed(text: str, moment: datetime, form: str) -> DateCase:
    return DateCase(text, moment, True, form)


def _dated(text: str, moment: datetime, form: str) -> DateCase:
    return DateCase(text, moment.replace(hour=0, minute=0, second=0), False, form)


def _weekday_date(r: random.Random, t: datetime) -> DateCase:
    return _dated(f"{_weekday(r, t.date())}, {_dmy(r, t)}", t, "weekday d/m/y")


def _weekday_date_time(r: random.Random, t: datetime) -> DateCase:
    glue = r.choice((" - ", ", ", " | ", " "))
    zone = r.choice(("", "", "", " (GMT+7)"))
    text = f"{_weekday(r, t.date())}, {_dmy(r, t)}{glue}{_hm(t)}{zone}"
    return _timed(text, t, "weekday d/m/y time")


def _time_then_date(r: random.Random, t: datetime) -> DateCase:
    glue, zone = r.choice(((", ", ""), (" | ", " GMT+7"), (" ", ""), (" |", "")))
    return _timed(f"{_hm(t)}{glue}{_dmy(r, t)}{zone}", t, "time d/m/y")


def _date_then_time(r: random.Random, t: datetime) -> DateCase:
    glue = r.choice((" ", " ", "  ", " - ", "\u00a0-\u00a0", ", "))
    zone = r.choice(("", "", *ZONES))
    return _timed(f"{_dmy(r, t)}{glue}{_hm(t)}{zone}", t, "d/m/y time [zone]")


def _with_seconds(r: random.Random, t: datetime) -> DateCase:
    t = t.replace(second=r.randint(0, 59))
    return _timed(f"{_dmy(r, t)} {_hm(t)}:{t.second:02}", t, "d/m/y h:m:s")


def _labelled(r: random.Random, t: datetime) -> DateCase:
    label = r.choice(LABELS)
    choice = r.randrange(4)
    if choice == 0:
        return _timed(f"Cập nhật lúc: {_hm(t)} |{_dmy(r, t)}", t, "label+time+date")
    if choice == 1:
        return _timed(f"{label}{_hm(t)} ngày {_dmy(r, t)}", t, "label+time+date")
    if choice == 2:
        return _timed(f"{label}{_dmy(r, t, r.choice('/-'))} {_hm(t)}", t, "label+time+date")
    return _dated(f"{label}{_dmy(r, t)}", t, "label+time+date")


def _long_form(r: random.Random, t: datetime) -> DateCase:
    choice = r.randrange(4)
    if choice == 0:
        text = f"ngày {t.day} tháng {t.month} năm {t.year}"
    elif choice == 1:
        text = f"{r.choice(PLACES)}, ngày {t.day:02} tháng {t.month:02} năm {t.year}"
    elif choice == 2:
        text = f"{t.day} tháng {t.month}, {t.year}"
    else:
        month = MONTH_WORDS[t.month - 1]
        month = month if r.random() < 0.5 else month.lower()
        text = f"{_weekday(r, t.date())}, {t.day} Tháng {month} {t.year}"
    return _dated(text, t, "long form")


def _dots_hyphens(r: random.Random, t: datetime) -> DateCase:
    text = _dmy(r, t, r.choice(".-"))
    if r.random() < 0.4:
        return _timed(f"{text} {_hm(t)}", t, "d.m.y, d-m-y")
    return _dated(text, t, "d.m.y, d-m-y")


def _twelve_hour(r: random.Random, t: datetime) -> DateCase:
    hour = t.hour % 12 or 12
    marker = "SA" if t.hour < 12 else "CH"
    return _timed(f"{_dmy(r, t)} {hour:02}:{t.minute:02} {marker}", t, "SA/CH")


def _month_first(r: random.Random, t: datetime) -> DateCase:
    t = t.replace(day=r.randint(13, 28), second=r.randint(0, 59))  # unambiguous: day > 12
    hour, marker = t.hour % 12 or 12, "AM" if t.hour < 12 else "PM"
    text = f"{t.month}/{t.day}/{t.year} {hour}:{t.minute:02}:{t.second:02} {marker}"
    return _timed(text, t, "en-US M/D/Y, D>12")


def _hour_words(r: random.Random, t: datetime) -> DateCase:
    choice = r.randrange(3)
    if choice == 0:
        text = f"{t.hour}h{t.minute:02} ngày {_dmy(r, t)}"
    elif choice == 1:
        text = f"{t.hour}g{t.minute:02}, {_dmy(r, t)}"
    else:
        text = f"{t.hour} giờ {t.minute} phút, ngày {_dmy(r, t)}"
    return _timed(text, t, "10h20/10g20/giờ phút")


def _iso(_: random.Random, t: datetime) -> DateCase:
    return _timed(t.isoformat(), t, "ISO")


def _placeholder_midnight(r: random.Random, t: datetime) -> DateCase:
    text = f"{_weekday(r, t.date())}, {_dmy(r, t)} 00:00"
    return _dated(text, t, "weekday d/m/y 00:00")


def _weekday_variant(r: random.Random, t: datetime) -> DateCase:
    choice = r.randrange(4)
    day = t.date()
    if choice == 0:
        name = unicodedata.normalize("NFD", r.choice(WEEKDAYS[day.weekday()]))
    elif choice == 1:
        folded = unicodedata.normalize("NFD", WEEKDAYS[day.weekday()][0])
        name = "".join(c for c in folded if not unicodedata.combining(c))
    elif choice == 2:
        name = ENGLISH_DAYS[day.weekday()]
    else:
        name = TCVN3_DAYS[day.weekday()]
    return _dated(f"{name}, {_dmy(r, t)}", t, "weekday NFD/ascii/en/TCVN3")


def _relative(r: random.Random, _: datetime) -> DateCase:
    choice = r.randrange(6)
    if choice == 0:
        hours = r.randint(1, 23)
        case = _timed(f"{hours} giờ trước", NOW - timedelta(hours=hours), "relative")
    elif choice == 1:
        minutes = r.randint(1, 59)
        case = _timed(f"{minutes} phút trước", NOW - timedelta(minutes=minutes), "relative")
    elif choice == 2:
        days = r.randint(1, 30)
        case = _dated(f"{days} ngày trước", NOW - timedelta(days=days), "relative")
    elif choice == 3:
        case = _dated(r.choice(("hôm qua", "Hôm qua")), NOW - timedelta(days=1), "relative")
    elif choice == 4:
        today = NOW.replace(hour=r.randint(0, 11), minute=r.randint(0, 59))
        case = _timed(f"Hôm nay, {_hm(today)}", today, "relative")
    else:
        case = _timed(r.choice(("vừa xong", "Vừa xong")), NOW, "relative")
    return DateCase(case.text, case.expected, case.has_time, case.form, now=NOW)


def _day_month(r: random.Random, _: datetime) -> DateCase:
    start = datetime(DEFAULT_YEAR, 1, 1, tzinfo=TZ)
    day = start + timedelta(days=r.randrange((NOW - start).days))
    if r.random() < 0.2:
        day = day.replace(hour=r.randint(6, 22), minute=r.choice((0, 15, 30, 45)))
        text, has_time = f"{day.hour}h{day.minute:02} ngày {day.day}/{day.month}", True
    else:
        sep = r.choice("/-")
        text, has_time = f"{r.choice(DAY_PARTS)} {day.day}{sep}{day.month}", False
        text += r.choice(LEAD_TAILS)
    return DateCase(text, day, has_time, "day/month only", default_year=DEFAULT_YEAR)


def _mismatched_weekday(r: random.Random, t: datetime) -> DateCase:
    wrong = (t + timedelta(days=r.randint(1, 6))).date()
    timed = r.random() < 0.5
    text = f"{_weekday(r, wrong)}, {_dmy(r, t)}" + (f" - {_hm(t)}" if timed else "")
    return DateCase(text, t, timed, "weekday contradicts (None ok)", none_ok=True)


def _invalid(r: random.Random, t: datetime) -> DateCase:
    day, month = r.choice(INVALID_DAYS)
    year = t.year
    if (day, month) == (30, 2) and r.random() < 0.5:
        day, year = 29, 2023  # not a leap year
    return DateCase(f"{day:02}/{month:02}/{year} {_hm(t)}", None, False, "None: impossible")


def _lunar(r: random.Random, t: datetime) -> DateCase:
    text = r.choice(LUNAR).format(d=r.randint(1, 10), m=r.randint(1, 12), y=t.year)
    return DateCase(text, None, False, "None: lunar")


def _not_a_date(r: random.Random, _: datetime) -> DateCase:
    return DateCase(r.choice(NOT_DATES).format(n=r.randint(10, 5000)), None, False, "None: no date")


DateMaker = Callable[[random.Random, datetime], DateCase]
DATE_FORMS: Final[Sequence[tuple[str, float, DateMaker]]] = (
    ("weekday date", 0.09, _weekday_date),
    ("weekday date time", 0.12, _weekday_date_time),
    ("time date", 0.08, _time_then_date),
    ("date time", 0.14, _date_then_time),
    ("seconds", 0.03, _with_seconds),
    ("labelled", 0.07, _labelled),
    ("long form", 0.06, _long_form),
    ("dots/hyphens", 0.04, _dots_hyphens),
    ("SA/CH", 0.02, _twelve_hour),
    ("month first", 0.01, _month_first),
    ("hour words", 0.04, _hour_words),
    ("ISO", 0.04, _iso),
    ("00:00", 0.02, _placeholder_midnight),
    ("weekday variants", 0.04, _weekday_variant),
    ("relative", 0.07, _relative),
    ("day/month", 0.05, _day_month),
    ("mismatch", 0.02, _mismatched_weekday),
    ("invalid", 0.02, _invalid),
    ("lunar", 0.01, _lunar),
    ("not a date", 0.01, _not_a_date),
)
FIXTURE_SHARE: Final = 0.02


def _random_moment(rng: random.Random) -> datetime:
    minutes = int((NOW - timedelta(days=1) - FIRST_DAY).total_seconds() // 60)
    return FIRST_DAY + timedelta(minutes=rng.randrange(minutes))


def date_sample(rng: random.Random, material: Material, n: int) -> list[DateCase]:
    """``n`` date strings of every §4.1/§4.4 form, each with its ground truth."""
    out = []
    for _ in range(n):
        if material.dated and rng.random() < FIXTURE_SHARE:
            raw, moment = rng.choice(material.dated)
            has_time = bool(re.search(r"\d:\d\d", raw)) and (moment.hour, moment.minute) != (0, 0)
            out.append(DateCase(raw, moment, has_time, "fixtures"))
            continue
        _, maker = _pick(rng, DATE_FORMS)
        out.append(maker(rng, _random_moment(rng)))
    return out


# --- the whole sample ----------------------------------------------------------------------


def build_sample(n: int = 10_000, seed: int = 1) -> Sample:
    """The benchmark sample: ``n`` strings for each kind of input, seeded."""
    material = load_material()
    if not material.paragraphs:
        raise SystemExit("no fixture material found under tests/fixtures")
    raw_text, kinds, variations = raw_text_sample(random.Random(f"{seed}-text"), material, n)
    paragraphs, articles, paragraph_variations = paragraph_sample(
        random.Random(f"{seed}-paragraphs"), material, n
    )
    bylines, byline_kinds, byline_variations = byline_sample(
        random.Random(f"{seed}-bylines"), material, n
    )
    dates = date_sample(random.Random(f"{seed}-dates"), material, n)
    legacy = legacy_bytes_sample(raw_text)
    pages = page_sample(random.Random(f"{seed}-pages"), n)
    return Sample(
        raw_text=raw_text,
        paragraphs=paragraphs,
        articles=articles,
        bylines=bylines,
        dates=dates,
        material=material,
        composition={
            "text kinds": kinds,
            "text variations": variations,
            "paragraph variations": paragraph_variations,
            "byline lines": byline_kinds,
            "byline variations": byline_variations,
            "date forms": Counter(case.form for case in dates),
            "legacy bytes": Counter({kind: len(data) for kind, data in legacy.items()}),
            "html pages": Counter(_page_kind(body, kind) for body, kind in pages),
        },
        legacy_bytes=legacy,
        pages=pages,
    )


# --- bytes: legacy encodings and whole pages -------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _single_byte_encoder(table: str) -> dict[str, int]:
    """Character → byte for a 256-entry decode table (the first byte wins)."""
    encoder: dict[str, int] = {}
    for byte, char in enumerate(table):
        encoder.setdefault(char, byte)
    return encoder


def _encode_with(encoder: dict[str, int], text: str) -> bytes | None:
    try:
        return bytes(encoder[char] for char in unicodedata.normalize("NFC", text))
    except KeyError:
        return None


def _cp1258(text: str) -> bytes | None:
    """Windows-1258 keeps base vowels precomposed (â, ơ, ư …) and tone marks combining."""
    pieces = []
    for char in unicodedata.normalize("NFD", text):
        if char in _TONES or not pieces:
            pieces.append(char)
        else:
            pieces[-1] = unicodedata.normalize("NFC", pieces[-1] + char)
            if unicodedata.combining(char) and len(pieces[-1]) > 1:
                pieces[-1], tail = pieces[-1][0], pieces[-1][1:]
                pieces.append(tail)
    try:
        return "".join(pieces).encode("cp1258")
    except UnicodeEncodeError:
        return None


def legacy_bytes_sample(raw_text: list[str]) -> dict[str, list[bytes]]:
    """The raw-text sample in TCVN3, VNI, VISCII and Windows-1258 (strings an encoding
    cannot hold, such as upper-case toned letters in TCVN3, are left out)."""
    tcvn3 = _single_byte_encoder(TCVN3_DECODE)
    viscii = _single_byte_encoder(VISCII_DECODE)
    vni = {char: sequence.encode("cp1252") for char, sequence in VNI_ENCODE.items()}

    def encode_vni(text: str) -> bytes | None:
        try:
            return b"".join(
                vni[c] if c in vni else c.encode("cp1252")
                for c in unicodedata.normalize("NFC", text)
            )
        except UnicodeEncodeError:
            return None

    encoders = {
        "tcvn3": lambda t: _encode_with(tcvn3, t),
        "vni": encode_vni,
        "viscii": lambda t: _encode_with(viscii, t),
        "cp1258": _cp1258,
    }
    return {
        kind: [data for text in raw_text if (data := encode(text)) is not None]
        for kind, encode in encoders.items()
    }


def page_sample(rng: random.Random, n: int) -> list[tuple[bytes, str | None]]:
    """``n`` HTML bodies drawn from the fixtures (UTF-8, NFD and TCVN3 pages), each with the
    Content-Type it was served with, or a wrong or missing one."""
    bodies: list[tuple[bytes, str | None]] = []
    for meta in sorted(PAGES.glob("*/*/meta.json")):
        headers = json.loads(meta.read_text(encoding="utf-8")).get("headers", {})
        bodies.append(((meta.parent / "page.html").read_bytes(), headers.get("Content-Type")))
    labels = (None, "text/html", "text/html; charset=iso-8859-1", "text/html; charset=utf-8")
    sample = []
    for _ in range(n):
        body, content_type = rng.choice(bodies)
        sample.append((body, content_type if rng.random() < 0.5 else rng.choice(labels)))
    return sample


def _page_kind(body: bytes, _content_type: str | None) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "legacy bytes"
    return "UTF-8"


def counts_line(counts: Counter[str] | Iterable[tuple[str, int]]) -> str:
    """``a 12, b 3`` in decreasing order."""
    items = counts.most_common() if isinstance(counts, Counter) else list(counts)
    return ", ".join(f"{name} {count:,}" for name, count in items)
