"""Split the byline line printed at the end (or the start) of Vietnamese articles.

Grammar from the reference notes (vietnamese-text.md §5): an optional role prefix
("Bài, ảnh:"), one or more authors with optional academic or military titles, an optional
organisation ("…, Ban Dân vận Tỉnh ủy", "…, Phó Trưởng Ban Dân vận Tỉnh ủy" with the
author's office), a qualifier ("(tổng hợp)"), a source ("Theo danvan.vn", "(TTXVN)") or a
photo credit ("Ảnh: TTXVN"); or an organisation alone ("Văn phòng Ban Dân vận Tỉnh ủy").
Anonymous staff markers (PV, BTV, TH, …) become anonymous authors.

The splitter does not guess: a line with any part it cannot read is not a byline, and
:func:`split_byline` returns None. Everything is kept as printed (tone style included); match
organisations to canonical ones later, through :func:`dvcrawl.text.text_key`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from dvcrawl.text._syllable import VIETNAMESE_LOWER, VIETNAMESE_UPPER, is_vietnamese_syllable
from dvcrawl.text.normalize import clean_text

__all__ = ["Author", "Byline", "looks_like_byline", "split_byline"]


@dataclass(frozen=True, slots=True)
class Author:
    """One person (or an anonymous staff marker such as "PV") named in a byline."""

    name: str
    title: str | None = None
    anonymous: bool = False

    def to_dict(self) -> dict[str, str | bool | None]:
        """JSON-ready form: keys name, title, anonymous."""
        return {"name": self.name, "title": self.title, "anonymous": self.anonymous}


@dataclass(frozen=True, slots=True)
class Byline:
    """A byline split into its parts; ``raw`` is the line after :func:`clean_text`."""

    raw: str
    authors: tuple[Author, ...] = ()
    organisation: str | None = None
    source: str | None = None
    role: str | None = None
    photo: str | None = None
    qualifier: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form with every key present; authors as a list of dicts."""
        return {
            "raw": self.raw,
            "authors": [author.to_dict() for author in self.authors],
            "organisation": self.organisation,
            "source": self.source,
            "role": self.role,
            "photo": self.photo,
            "qualifier": self.qualifier,
        }


_NOT_A_BYLINE: Final = Byline(raw="")

# What may close a byline: a full stop, a semicolon, or "./.", the mark Vietnamese news
# prints at the end of an article ("Hồng Thuận./.").
_END_MARKS_RE: Final = re.compile(r"(?:\s*(?:\./\.|[.;]))+\s*$")

# Bylines are short; anything longer is prose.
MAX_BYLINE_CHARS: Final = 200
# The longest bylines in the reference (several titled authors with an organisation and a
# source) stay well under this many words; body sentences usually exceed it.
MAX_BYLINE_WORDS: Final = 24
_MAX_NAME_SYLLABLES: Final = 5
_MAX_SOURCE_WORDS: Final = 12
# Lower-case words in a row that an organisation's name holds ("nhân dân thành phố").
_MAX_LOWER_RUN: Final = 4
_MAX_LOWER_RUN_AFTER_STOP: Final = 1

_UP = VIETNAMESE_UPPER
_LO = VIETNAMESE_LOWER

# Staff markers printed instead of a name: phóng viên, biên tập viên, cộng tác viên, ban biên
# tập, tổng hợp, sưu tầm.
_ANONYMOUS_RE: Final = re.compile(
    r"(?:Nhóm\s+)?PV|Nhóm\s+phóng\s+viên|Phóng\s+viên|BTV|CTV|BBT|Ban\s+[Bb]iên\s+tập"
    r"|TH|T\.H|T/[Hh]|Tổng\s+hợp|ST|Sưu\s+tầm",
    re.IGNORECASE,
)
# Role prefixes: who did what. "Bài, ảnh:" = text and photos by.
_ROLE_RE: Final = re.compile(
    r"(?P<role>Bài\s*(?:,|và|&|\+)\s*ảnh|Tin\s*(?:,|và|&|\+)\s*ảnh|Bài|Tin|Clip|Video"
    r"|Đồ\s*h(?:ọa|oạ)|Thực\s+hiện|Tác\s+giả|Người\s+viết|Người\s+đăng|Biên\s+tập|Nhóm\s+PV"
    r"|Nhóm\s+phóng\s+viên)\s*:\s*",
    re.IGNORECASE,
)
_PHOTO_RE: Final = re.compile(r"Ảnh\s*:\s*(?P<photo>.+)", re.IGNORECASE)
_PHOTO_ILLUSTRATION_RE: Final = re.compile(r"Ảnh\s+(?P<photo>minh\s+h(?:ọa|oạ))", re.IGNORECASE)
# "…; Ảnh: Thu Hà" or "… - Ảnh: Thu Hà" after the author part.
_PHOTO_SUFFIX_RE: Final = re.compile(
    r"\s*(?:[;,|.]|\s[-–—])?\s*\(?Ảnh\s*:\s*(?P<photo>[^()]+?)\)?$", re.IGNORECASE
)
_SOURCE_RE: Final = re.compile(r"(?P<kind>Theo|Nguồn)(?:\s*:\s*|\s+)(?P<source>.+)", re.IGNORECASE)
_SOURCE_SUFFIX_RE: Final = re.compile(
    r"\s*(?:\(\s*(?:Theo|Nguồn)\s*:?\s*(?P<paren>[^()]+?)\s*\)|(?:[;,]|\s[-–—])\s*Nguồn\s*:\s*"
    r"(?P<tail>.+))$",
    re.IGNORECASE,
)
# "Theo dõi" = "follow (us)", not "according to".
_NOT_SOURCE_RE: Final = re.compile(r"Theo\s+dõi", re.IGNORECASE)
_QUALIFIER_RE: Final = re.compile(
    r"\s*\((?P<qualifier>tổng\s+hợp|TH|T\.H|T/[Hh]|lược\s+ghi|lược\s+trích|st|sưu\s+tầm"
    r"|thực\s+hiện|dịch|biên\s+dịch|lược\s+dịch|ghi)\)$",
    re.IGNORECASE,
)

# Where an organisation starts (kept as printed, both uỷ/ủy spellings). Longer starts come
# first: "Hội đồng" is one start, not "Hội".
_ORG_START_RE: Final = re.compile(
    r"(?:Văn\s+phòng|(?:Tỉnh|Huyện|Thành|Thị|Đảng|Quận|Xã|Phường)\s+[uủ][yỷ]"
    r"|[UỦ][yỷ]\s+ban|Mặt\s+trận|Trung\s+tâm|Công\s+an|Chi\s+cục|Tổng\s+cục|Liên\s+đoàn"
    r"|Liên\s+minh|Liên\s+hiệp|Hội\s+đồng|(?:Tỉnh|Huyện|Thành|Quận)\s+đoàn"
    r"|Đoàn\s+Thanh\s+niên|Học\s+viện|Tạp\s+chí|Đảng\s+bộ|Chi\s+bộ|Bệnh\s+viện|Đại\s+học"
    r"|Công\s+ty|Ngân\s+hàng|Nhà\s+xuất\s+bản|Quân\s+khu|Bộ\s+đội|Ban|Hội|Trường|Báo|Đài"
    r"|Sở|Phòng|Bộ|Cục|Viện|Cổng|Khối|UBND|HĐND|UBMTTQ|MTTQ|BCH|BDV|BTG|UBKT|LĐLĐ)"
    r"(?![^\W\d_])",
)
# "Trường" is also a given name (Xuân Trường): "Trường Giang" is a person, "Trường Chính trị
# tỉnh" is a school. Ambiguous starts need a lower-case word or more than two words.
_NAME_LIKE_ORG_STARTS: Final = frozenset({"Trường", "Hội", "Đài", "Phòng"})
# A one-word start is also a common noun ("Ban hành", "Hội nghị", "Phòng chống"); an
# organisation printed alone names itself with a capital after it ("Ban Dân vận", "Hội Nông
# dân", "Sở Nội vụ", "Khối Dân vận tỉnh"). Longer starts and acronyms are names already.
_ORG_NAME_AFTER_WORD_RE: Final = re.compile(rf"\S+\s+[{VIETNAMESE_UPPER}0-9]")
# An author's office before the organisation: "Phó Trưởng Ban Dân vận Tỉnh ủy", "Chủ tịch
# Ủy ban MTTQ xã", "Giảng viên Trường Chính trị tỉnh". Editors capitalise offices either way.
_OFFICE_RE: Final = re.compile(
    r"(?i:(?:Phó\s+)?(?:Trưởng(?:\s+(?:ban|phòng|khoa))?|Chủ\s+tịch|Bí\s+thư|Giám\s+đốc"
    r"|Chánh(?:\s+văn\s+phòng)?|Hiệu\s+trưởng|Tổng\s+biên\s+tập|[UỦ][yỷ]\s+viên"
    r"|Chuyên\s+viên|Cán\s+bộ|Giảng\s+viên|Nghiên\s+cứu\s+viên|Thư\s+ký|Trợ\s+lý"
    r"|Đại\s+biểu|Thường\s+trực))\s+"
    rf"(?=[{VIETNAMESE_UPPER}])"
)
# Words that make a predicate (aspect, passive, copula, modal): they never occur in a name or
# an organisation's name, and a line holding one is a sentence ("…, Bí thư Chi bộ thôn đã
# phát biểu").
_PREDICATE_WORDS: Final = frozenset(
    {"đã", "đang", "sẽ", "vừa", "được", "bị", "là", "rằng", "cần", "phải", "hãy", "nên"}
    | {"thì", "mà", "nhưng"}
)
# How a sentence names the person it quotes, never how a byline does.
_HONORIFICS: Final = frozenset({"Ông", "Bà", "Chị", "Cô", "Chú", "Bác", "Cụ", "Em", "Ngài"})

# Agencies and outlets cited by abbreviation: TTXVN, QĐND, ĐCSVN, NLĐ, BDO, VNA.
_AGENCY_RE: Final = re.compile(rf"(?=(?:[^{_UP}]*[{_UP}]){{2}})[{_UP}0-9][{_UP}0-9&+./-]{{1,14}}")
_AGENCY_SUFFIX_RE: Final = re.compile(r"\s*(?:\((?P<paren>[^()]+)\)|\s[-–—]\s*(?P<dash>[^\s()]+))$")
_DOMAIN_RE: Final = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)+(?:vn|com|net|org|gov|info|edu)(?:\.vn)?(?:/\S*)?",
    re.IGNORECASE,
)
_OUTLET_START_RE: Final = re.compile(
    r"(?:Báo|Tạp\s+chí|Cổng|Trang|Đài|Kênh|Thông\s+tấn|Website|Bản\s+tin)(?![^\W\d_])",
)

# Titles: academic (GS, PGS, TS, ThS, …, also joined: PGS.TS), military ranks, professions.
_ACADEMIC = (
    r"(?:GS|PGS|TSKH|TS|ThS|Ths|THS|NCS|CN|KS|BSCKII|BSCKI|BS|LS|DS|KTS|NSƯT|NSND|NGƯT|NGND"
    r"|NNƯT|NNND|TTƯT)"
)
_TITLE_UNIT = (
    rf"(?:{_ACADEMIC}(?:\s*[.-]\s*{_ACADEMIC})*\.?"
    r"|(?:Đại|Thượng|Trung|Thiếu)\s+(?:[Tt]ướng|[Tt]á|[Úú]y|[Uu]ý)"
    r"|(?:Phó\s+)?(?:Giáo\s+sư|Tiến\s+sĩ|Thạc\s+sĩ)|Nhà\s+báo|Nhà\s+văn|Nhà\s+thơ|Luật\s+sư"
    r"|Bác\s+sĩ|Kỹ\s+sư|Kiến\s+trúc\s+sư|Nghệ\s+sĩ\s+(?:Ưu\s+tú|Nhân\s+dân))"
)
# "Đại tá, TS." is one title: the comma must not split it into two authors.
_TITLE_COMMA_RE: Final = re.compile(rf"(?<![^\s,;])({_TITLE_UNIT})\s*,\s*(?={_TITLE_UNIT})")
_TITLED_RE: Final = re.compile(
    rf"(?P<title>{_TITLE_UNIT}(?:\s+{_TITLE_UNIT})*)(?:\s+|(?<=\.)(?=[{_UP}]))(?P<name>.+)"
)
# Names: title-case syllables (Hồng Thuận, H'Hen Niê) or initials (N.A, B.T.G, T.Thuận).
_SYLLABLE = rf"[{_UP}][{_LO}]*(?:'[{_UP}]?[{_LO}]+)?"
_SYLLABLE_RE: Final = re.compile(_SYLLABLE)
_INITIALS_RE: Final = re.compile(
    rf"[{_UP}]\.(?:\s?[{_UP}]\.)*(?:\s?{_SYLLABLE}(?:\s+{_SYLLABLE}){{0,3}})?"
)
_ORG_SEPARATOR_RE: Final = re.compile(r"\s*(?:,|\s[-–—]|\()\s*")
_AUTHOR_SPLIT_RE: Final = re.compile(r"\s*[,;&]\s*|\s+[-–—]\s+|\s+(?:và|and)\s+")


def split_byline(text: str) -> Byline | None:
    """The parts of a byline line, or None when ``text`` is not a byline.

    Examples: ``"Lê Dũng Toàn, Ban Dân vận Tỉnh ủy Bình Phước"`` (author + organisation),
    ``"Bài, ảnh: Hồng Thuận"`` (role + author), ``"Theo danvan.vn"`` (source),
    ``"Ảnh: TTXVN"`` (photo), ``"PV"`` (anonymous author), ``"Minh Anh (tổng hợp)"``
    (author + qualifier). Not bylines: ``"Theo dõi chúng tôi trên Facebook"``, sentences
    starting "Theo Chỉ thị số …", ``"(Còn nữa)"``, ordinary prose, interview turns
    (``"Phóng viên: Thưa đồng chí, …"``).
    """
    # Prose is ruled out before any cleaning: bylines are a handful of words.
    if len(text) > 2 * MAX_BYLINE_CHARS or len(text.split()) > MAX_BYLINE_WORDS:
        return None
    raw = clean_text(text)
    if not raw or "\n" in raw or len(raw) > MAX_BYLINE_CHARS:
        return None
    line = _END_MARKS_RE.sub("", raw)
    whole = _whole_line(line, raw)
    if whole is _NOT_A_BYLINE:
        return None
    if whole is not None:
        return whole
    return _split_credit(line, raw)


def looks_like_byline(text: str) -> bool:
    """True when :func:`split_byline` can read ``text``."""
    return split_byline(text) is not None


def _whole_line(line: str, raw: str) -> Byline | None:
    """Lines that are one thing only: a photo credit, a source, an agency tag, a marker.

    Returns ``_NOT_A_BYLINE`` for lines that are certainly not bylines (a parenthesised aside
    such as "(Còn nữa)", "Theo" starting a sentence) and None when the line has several parts.
    """
    inner = line[1:-1].strip() if line.startswith("(") and line.endswith(")") else None
    body = inner if inner is not None else line
    if (photo := _PHOTO_RE.fullmatch(body)) or (photo := _PHOTO_ILLUSTRATION_RE.fullmatch(body)):
        return Byline(raw=raw, photo=photo["photo"].strip())
    if (source := _SOURCE_RE.fullmatch(body)) and not _NOT_SOURCE_RE.match(body):
        lenient = source["kind"].casefold() == "nguồn"
        value = source["source"].strip()
        return (
            Byline(raw=raw, source=value) if _is_source(value, lenient=lenient) else _NOT_A_BYLINE
        )
    if _ANONYMOUS_RE.fullmatch(body):
        return Byline(raw=raw, authors=(Author(name=body, anonymous=True),))
    if inner is not None:
        if _is_agency(inner) or _DOMAIN_RE.fullmatch(inner):
            return Byline(raw=raw, source=inner)
        return _NOT_A_BYLINE
    return None


def _split_credit(line: str, raw: str) -> Byline | None:
    """A line of authors, with optional role, organisation, qualifier, source and photo."""
    role = None
    if role_match := _ROLE_RE.match(line):
        role = role_match["role"]
        line = line[role_match.end() :]
    line, qualifier, source, photo = _strip_suffixes(line)
    line = _TITLE_COMMA_RE.sub(r"\1 ", line)
    who, organisation = _split_organisation(line)
    sentence = _ends_as_sentence(raw)
    if organisation is not None and not _reads_as_a_name(organisation, sentence=sentence):
        return None
    if not who:
        # An organisation alone: under a role label ("Tác giả: Ban …"), or when it is
        # printed the way organisations name themselves ("Văn phòng Ban Dân vận Tỉnh ủy"),
        # not as the subject of a sentence ("Hội Nông dân xã tổ chức Hội nghị.").
        if organisation is None or (
            role is None and (sentence or not _is_organisation_name(organisation))
        ):
            return None
        authors: tuple[Author, ...] = ()
    else:
        parsed = _parse_authors(who)
        if parsed is None:
            return None
        authors = parsed
    return Byline(
        raw=raw,
        authors=authors,
        organisation=organisation,
        source=source,
        role=role,
        photo=photo,
        qualifier=qualifier,
    )


def _strip_suffixes(line: str) -> tuple[str, str | None, str | None, str | None]:
    """``line`` without trailing qualifier, source, agency and photo parts, and those parts."""
    qualifier = source = photo = None
    changed = True
    while changed and line:
        changed = False
        if qualifier is None and (match := _QUALIFIER_RE.search(line)):
            qualifier = match["qualifier"]
        elif source is None and (match := _SOURCE_SUFFIX_RE.search(line)):
            source = (match["paren"] or match["tail"]).strip()
        elif photo is None and (match := _PHOTO_SUFFIX_RE.search(line)) and match.start() > 0:
            photo = match["photo"].strip()
        elif source is None and (agency := _agency_suffix(line)):
            source, match = agency
        else:
            break
        line = line[: match.start()].rstrip(" ,;-–—")
        changed = True
    return line, qualifier, source, photo


def _agency_suffix(line: str) -> tuple[str, re.Match[str]] | None:
    """A trailing "(TTXVN)" or "- TTXVN": the agency the author writes for."""
    match = _AGENCY_SUFFIX_RE.search(line)
    if match is None or match.start() == 0:
        return None
    agency = (match["paren"] or match["dash"]).strip()
    if not _is_agency(agency) or _ORG_START_RE.match(agency):
        return None
    return agency, match


def _split_organisation(line: str) -> tuple[str, str | None]:
    """Authors and organisation: "A, Ban …", "A (Huyện ủy …)", "A - Văn phòng …"."""
    for separator in _ORG_SEPARATOR_RE.finditer(line):
        tail = line[separator.end() :]
        if separator.group().strip() == "(":
            if not tail.endswith(")") or "(" in tail:
                continue
            tail = tail[:-1].strip()
        if _is_organisation(tail) or _is_office_in_organisation(tail):
            return line[: separator.start()].strip(), tail
    if _is_organisation(line):
        return "", line
    return line.strip(), None


def _is_organisation(text: str) -> bool:
    start = _ORG_START_RE.match(text)
    if start is None or _reads_as_predicate(text):
        return False
    words = text.split()
    if words[0] in _NAME_LIKE_ORG_STARTS:
        return len(words) > 2 or any(word[:1].islower() for word in words)
    return True


def _is_organisation_name(text: str) -> bool:
    """An organisation that can stand alone as a byline: "Ban Dân vận Tỉnh ủy Lâm Giang"."""
    start = _ORG_START_RE.match(text)
    if start is None or not _is_organisation(text):
        return False
    head = start.group()
    if " " in head or head.isupper() or len(text.split()) == 1:
        return True
    return bool(_ORG_NAME_AFTER_WORD_RE.match(text))


def _is_office_in_organisation(text: str) -> bool:
    """An office and its organisation: "Phó Trưởng Ban Dân vận Tỉnh ủy"."""
    office = _OFFICE_RE.match(text)
    return office is not None and not _reads_as_predicate(text)


def _reads_as_a_name(organisation: str, *, sentence: bool) -> bool:
    """Whether an organisation's words read as its name rather than as a clause.

    A name's lower-case words come in short runs between capitalised ones ("Ủy ban nhân dân
    thành phố", "Ban Dân vận Tỉnh ủy"); a verb phrase is a long run ("… thị xã tiếp tục
    hướng dẫn các ban"). After a full stop even a short run is suspect ("…, Chủ tịch Hội
    Nông dân xã phát biểu.").
    """
    if office := _OFFICE_RE.match(organisation):
        organisation = organisation[office.end() :]
    if start := _ORG_START_RE.match(organisation):  # "Ủy ban", "Văn phòng": one name word
        organisation = organisation[start.end() :]
    longest = run = 0
    for word in organisation.split():
        run = run + 1 if word[:1].islower() else 0
        longest = max(longest, run)
    return longest <= (_MAX_LOWER_RUN_AFTER_STOP if sentence else _MAX_LOWER_RUN)


def _ends_as_sentence(raw: str) -> bool:
    """A full stop ends the line (not the "./." that closes an article)."""
    end = raw.rstrip()
    return end.endswith(".") and not end.endswith("./.")


def _reads_as_predicate(text: str) -> bool:
    return any(word in _PREDICATE_WORDS for word in text.casefold().split())


def _parse_authors(who: str) -> tuple[Author, ...] | None:
    authors = []
    for part in _AUTHOR_SPLIT_RE.split(who):
        author = _parse_author(part.strip())
        if author is None:
            return None
        authors.append(author)
    return tuple(authors)


def _parse_author(text: str) -> Author | None:
    if not text:
        return None
    if _ANONYMOUS_RE.fullmatch(text):
        return Author(name=text, anonymous=True)
    title = None
    if titled := _TITLED_RE.fullmatch(text):
        title = " ".join(titled["title"].split())
        text = titled["name"].strip()
    return Author(name=text, title=title) if _is_name(text) else None


def _is_name(text: str) -> bool:
    """1–5 title-case syllables, initials, or an all-caps Vietnamese name."""
    if _INITIALS_RE.fullmatch(text):
        return True
    syllables = text.split()
    if not 1 <= len(syllables) <= _MAX_NAME_SYLLABLES or syllables[0] in _HONORIFICS:
        return False
    if all(_SYLLABLE_RE.fullmatch(s) for s in syllables):
        return True
    # NGUYỄN VĂN AN: capitals are a style, but acronyms (TTXVN, PV) must not pass as names.
    return len(syllables) >= 2 and all(s.isupper() and is_vietnamese_syllable(s) for s in syllables)


def _is_agency(text: str) -> bool:
    return bool(_AGENCY_RE.fullmatch(text)) and not _ANONYMOUS_RE.fullmatch(text)


def _is_source(text: str, *, lenient: bool) -> bool:
    """Whether ``text`` after "Theo"/"Nguồn" names an outlet rather than starting a sentence.

    "Theo TTXVN", "Theo danvan.vn", "Theo Báo Nhân Dân" are sources; "Theo Chỉ thị số 05, …"
    and "Theo đồng chí …" are prose. After "Nguồn:" the label itself is proof enough.
    """
    words = text.split()
    if not words or len(words) > _MAX_SOURCE_WORDS:
        return False
    if _DOMAIN_RE.fullmatch(text) or _is_agency(text):
        return True
    if "," in text or text.endswith(":"):
        return False
    if lenient:
        return True
    if _OUTLET_START_RE.match(text) or _ORG_START_RE.match(text):
        return True
    return all(word[:1].isupper() or word[:1].isdigit() for word in words)
