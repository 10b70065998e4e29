"""Parse the date and time strings printed by Vietnamese news and Party sites.

A small regex grammar, day-first always (reference notes, vietnamese-text.md §4). Matching runs
on a folded copy of the input: lower case, tone and vowel marks removed, đ → d, every space
variant → " ". That makes NFC, NFD and accentless input ("Thu Hai") look the same, and keeps
every regex ASCII. Labels ("Cập nhật lúc:", "Ngày đăng:") need no rules: the grammar searches
rather than matches.

Results are timezone-aware at a fixed +07:00 (:data:`VIETNAM_TZ`, no DST since 1976). Anything
impossible, ambiguous or contradictory gives None, never a guess and never an exception.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Final, NamedTuple

__all__ = ["VIETNAM_TZ", "parse_datetime"]

VIETNAM_TZ: Final = timezone(timedelta(hours=7))
"""Asia/Ho_Chi_Minh for modern dates: UTC+07:00 all year."""

# Plausible years: documents from 1930 are quoted in body text; "0000" and "9999" are junk.
MIN_YEAR: Final = 1800
MAX_YEAR: Final = 2199

# --- folding -------------------------------------------------------------------------------


# đ has no decomposition, and its look-alikes (cp1258 eth, African D) must fold the same way.
_STROKE_D: Final = str.maketrans("đĐðÐɖƉ", "dDdDdD")
_HAS_STROKE_D: Final = re.compile("[đĐðÐɖƉ]")


def _fold(text: str) -> str:
    """Lower case, ASCII only: marks dropped, đ → d, space variants → " " (via NFKD)."""
    if text.isascii():
        return text.lower()
    if _HAS_STROKE_D.search(text):  # translate() is slow on non-ASCII text: only when needed
        text = text.translate(_STROKE_D)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii").lower()


# --- grammar (on folded text) --------------------------------------------------------------

# Month words: "tháng Tư" is April ("tư", not "bốn", though both are seen); "tháng Giêng" and
# "tháng Chạp" are lunar months and deliberately absent.
_MONTH_WORDS: Final = {
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "muoi mot": 11,
    "muoi hai": 12,
}
_MONTH_WORD = r"muoi\s+hai|muoi\s+mot|muoi|mot|hai|ba|tu|bon|nam|sau|bay|tam|chin"
# One pass finds the leftmost full date of any of the three shapes:
# * ISO 2024-04-14T08:30:00+07:00, 2024-04-14 08:30, 2024/04/14: the only year-first form;
# * 14/04/2024, 14.04.2024, 14-4-2024: day first, the same separator twice;
# * ngày 14 tháng 4 năm 2024, 14 tháng 4, 2024, 15 Tháng Tư 2024.
_DATE_RE: Final = re.compile(
    r"(?=[0-9])(?<![0-9])(?:"
    r"(?P<iy>[0-9]{4})(?P<isep>[-/.])(?P<im>[0-9]{1,2})(?P=isep)(?P<id>[0-9]{1,2})(?![0-9])"
    r"(?:(?:t|\s+)(?P<iH>[0-9]{2}):(?P<iM>[0-9]{2})(?::(?P<iS>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"\s*(?P<itz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?(?![0-9]))?"
    r"|(?P<d>[0-9]{1,2})\s*(?P<sep>[/.-])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<y>[0-9]{4})(?![0-9])"
    r"|(?P<ld>[0-9]{1,2})\s+thang\s+(?P<lm>[0-9]{1,2}|" + _MONTH_WORD + r")(?![a-z0-9])"
    r"\s*,?\s*(?:nam\s+)?(?P<ly>[0-9]{4})(?![0-9])"
    r")",
    re.ASCII,
)
# Day and month only ("Sáng 14/4", "Ngày 3-12", "ngày 14 tháng 4"): the year comes from context.
_DAY_MONTH_RE: Final = re.compile(
    r"(?=[0-9])(?<![0-9/.:-])(?:"
    r"(?P<d>[0-9]{1,2})\s*(?P<sep>[/.-])\s*(?P<m>[0-9]{1,2})(?![0-9]|\s*[/.-]\s*[0-9])"
    r"|(?P<ld>[0-9]{1,2})\s+thang\s+(?P<lm>[0-9]{1,2}|" + _MONTH_WORD + r")(?![a-z0-9])"
    r")",
    re.ASCII,
)
# 10:20, 08:30:15, 10h20, 10g20, 21h, 9 giờ 30 phút, each optionally followed by SA/CH/AM/PM
# (vi-VN .NET cultures print SA = AM, CH = PM) or by a part-of-day word (3 giờ chiều).
_TIME_RE: Final = re.compile(
    r"(?=[0-9])(?<![0-9.,/:])(?P<H>[0-9]{1,2})\s*"
    r"(?::\s*(?P<M>[0-9]{2})(?:\s*:\s*(?P<S>[0-9]{2}))?"
    r"|(?:gio|h|g)(?![a-z])(?:\s*(?P<M2>[0-9]{1,2})(?![0-9])(?:\s*phut(?![a-z]))?"
    r"(?:\s*(?P<S2>[0-9]{1,2})\s*giay(?![a-z]))?)?)"
    r"(?![0-9])(?:\s*(?P<ampm>sa|ch|am|pm|a\.m\.|p\.m\.)(?![a-z]))?"
    r"(?:\s*(?P<part>sang|trua|chieu|toi|dem)(?![a-z]))?",
    re.ASCII,
)
# GMT+7, (GMT+7), UTC+07:00, GMT (= UTC), "(giờ Hà Nội)", ICT.
_TZ_RE: Final = re.compile(
    r"(?<![a-z])(?:gmt|utc)"
    r"(?:\s*(?P<sign>[+-])\s*(?P<h>[0-9]{1,2})(?:[:h]?(?P<m>[0-9]{2}))?)?(?![0-9])"
    r"|\(?\s*gio\s+(?:ha\s+noi|viet\s+nam)\s*\)?"
    r"|(?<![a-z])ict(?![a-z])",
    re.ASCII,
)
# Weekday names; used only to check the date. "Thứ năm" is Thursday but "năm" also means year
# and five, so the name is anchored on "thứ". "lần thứ hai" is an ordinal, not a weekday.
_WEEKDAY = (
    r"(?=[tcmwfs])(?<![a-z0-9])(?<!lan )(?:"
    r"thu\s*\.?\s*(?P<name>hai|ba|tu|nam|sau|bay)(?![a-z])"
    r"|(?:thu|th|t)\s*\.?\s*(?P<num>[2-7])(?![0-9])"
    r"|(?P<sun>chu\s*nhat|c\s*\.?\s*nhat|cn)(?![a-z0-9])"
    r"|(?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r")"
)
# What may stand between a weekday and the date it names: "Thứ Hai, 15/04/2024",
# "Thứ hai, ngày 14/4", "15/04/2024 (Thứ Hai)".
_WEEKDAY_GAP = r"[\s,;:|()\-]*"
_WEEKDAY_BEFORE_RE: Final = re.compile(_WEEKDAY + _WEEKDAY_GAP + r"(?:ngay\s*)?\Z", re.ASCII)
_WEEKDAY_AFTER_RE: Final = re.compile(_WEEKDAY_GAP + _WEEKDAY, re.ASCII)
_WEEKDAY_WINDOW: Final = 24
_WEEKDAY_NAMES: Final = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
_ENGLISH_DAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday")

_AGO_RE: Final = re.compile(
    r"(?<![0-9])(?P<n>[0-9]{1,4})\s*(?P<unit>giay|phut|gio|tieng|ngay|tuan)\s+truoc(?![a-z])",
    re.ASCII,
)
_AGO_UNITS: Final = {
    "giay": timedelta(seconds=1),
    "phut": timedelta(minutes=1),
    "gio": timedelta(hours=1),
    "tieng": timedelta(hours=1),
    "ngay": timedelta(days=1),
    "tuan": timedelta(weeks=1),
}
_JUST_NOW_RE: Final = re.compile(r"(?<![a-z])(?:vua\s+xong|vua\s+moi|moi\s+day)(?![a-z])", re.ASCII)
_DAY_WORD_RE: Final = re.compile(r"(?<![a-z])hom\s+(?P<which>nay|qua|kia)(?![a-z])", re.ASCII)
_DAYS_BACK: Final = {"nay": 0, "qua": 1, "kia": 2}
# "ngày 14/4 âm lịch", "mùng 1 tháng Giêng": lunar dates are not Gregorian dates.
_LUNAR_RE: Final = re.compile(r"(?<![a-z])(?:am\s+lich|thang\s+(?:gieng|chap))(?![a-z])", re.ASCII)


class _Clock(NamedTuple):
    hour: int
    minute: int
    second: int


_MIDNIGHT: Final = _Clock(0, 0, 0)
_VIETNAM_OFFSET: Final = timedelta(hours=7)


def parse_datetime(
    text: str, *, now: datetime | None = None, default_year: int | None = None
) -> datetime | None:
    """The moment a Vietnamese date string names, aware at +07:00, or None.

    Understood (case-insensitive; NFC, NFD or without accents; anywhere in the string):

    * ``14/4/2024``, ``14.04.2024``, ``14-04-2024``: always day first (``4/15/2024`` is None);
    * ``ngày 14 tháng 4 năm 2024``, ``15 Tháng Tư 2024``, ``Bình Phước, ngày 14 tháng 4 …``;
    * ISO ``2024-04-14T08:30:00+07:00`` (other offsets are converted to +07:00);
    * times ``10:20``, ``08:30:15``, ``10h20``, ``10g20``, ``9 giờ 30 phút``, with ``SA``/``CH``
      or ``AM``/``PM``; ``00:00`` and a missing time both mean midnight (date only);
    * zones ``GMT+7``, ``(GMT+7)``, ``UTC+7``, ``(giờ Hà Nội)``; an explicit other offset is
      honoured, then converted;
    * weekdays (``Thứ Hai``, ``Thứ 2``, ``T2``, ``Th 2``, ``Thứ Bẩy``, ``Chủ nhật``, ``CN``,
      ``Monday`` …) next to the date are **checked**: a weekday that contradicts the date
      gives None;
    * relative forms (``2 giờ trước``, ``30 phút trước``, ``3 ngày trước``, ``hôm qua``,
      ``Hôm nay, 10:20``, ``vừa xong``) resolve against ``now`` (naive means +07:00) and give
      None without it;
    * day and month only (``Sáng 14/4``, ``ngày 14 tháng 4``) take ``default_year`` and give
      None without it.

    Impossible dates (``31/02/2024``), lunar dates (``tháng Giêng``, ``âm lịch``) and strings
    without a date give None.
    """
    folded = _fold(text)
    if ("lich" in folded or "thang" in folded) and _LUNAR_RE.search(folded):
        return None
    try:
        return _parse(folded, now, default_year)
    except (ValueError, OverflowError):
        return None


def _parse(folded: str, now: datetime | None, default_year: int | None) -> datetime | None:
    found = _DATE_RE.search(folded)
    if found is not None:
        if found["iy"] is not None:
            return _from_iso(found, folded)
        if found["y"] is not None:
            day = _date(found["y"], found["m"], found["d"])
        else:
            day = _date(found["ly"], found["lm"], found["ld"])
        return _at_time_of(day, folded, found.start(), found.end())
    if now is not None:
        relative = _relative(folded, _as_vietnam_time(now))
        if relative is not None:
            return relative
    if default_year is not None:
        short = _DAY_MONTH_RE.search(folded)
        if short is not None:
            if short["d"] is not None:
                day = _date(str(default_year), short["m"], short["d"])
            else:
                day = _date(str(default_year), short["lm"], short["ld"])
            return _at_time_of(day, folded, short.start(), short.end())
    return None


def _date(year: str, month: str, day: str) -> date:
    number = int(year)
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise ValueError(f"implausible year {number}")
    month_number = int(month) if month.isdigit() else _MONTH_WORDS[" ".join(month.split())]
    return date(number, month_number, int(day))


def _at_time_of(day: date, folded: str, start: int, end: int) -> datetime | None:
    """``day`` at the time printed in ``folded`` outside ``[start, end)``, in its zone."""
    if not _weekday_agrees(folded, start, end, day):
        return None
    rest, offset = _zone(_blank(folded, start, end))
    clock = _clock(rest)
    if clock is None:
        return None
    return _combine(day, clock, offset)


def _from_iso(match: re.Match[str], folded: str) -> datetime | None:
    day = _date(match["iy"], match["im"], match["id"])
    if match["iH"] is None:
        return _at_time_of(day, folded, match.start(), match.end())
    if not _weekday_agrees(folded, match.start(), match.end(), day):
        return None
    clock = _Clock(int(match["iH"]), int(match["iM"]), int(match["iS"] or 0))
    offset: timedelta | None
    if match["itz"] is not None:
        offset = _iso_offset(match["itz"])
    else:
        offset = _zone(_blank(folded, match.start(), match.end()))[1]
    return _combine(day, clock, offset)


def _combine(day: date, clock: _Clock, offset: timedelta | None) -> datetime:
    if offset is None or offset == _VIETNAM_OFFSET:
        return datetime(day.year, day.month, day.day, *clock, tzinfo=VIETNAM_TZ)
    moment = datetime(day.year, day.month, day.day, *clock, tzinfo=timezone(offset))
    return moment.astimezone(VIETNAM_TZ)


def _blank(folded: str, start: int, end: int) -> str:
    """``folded`` with ``[start, end)`` replaced by spaces, so nothing else can match there."""
    return folded[:start] + " " * (end - start) + folded[end:]


def _zone(folded: str) -> tuple[str, timedelta | None]:
    """The text without its zone designator, and the offset it names (None: +07:00)."""
    if not ("gmt" in folded or "utc" in folded or "gio" in folded or "ict" in folded):
        return folded, None
    match = _TZ_RE.search(folded)
    if match is None:
        return folded, None
    rest = _blank(folded, match.start(), match.end())
    if match["sign"] is None:
        is_utc = match.group().startswith(("gmt", "utc"))
        return rest, timedelta(0) if is_utc else None
    return rest, _offset(match["sign"], int(match["h"]), int(match["m"] or 0))


def _iso_offset(designator: str) -> timedelta:
    if designator == "z":
        return timedelta(0)
    digits = designator[1:].replace(":", "")
    return _offset(designator[0], int(digits[:2]), int(digits[2:] or 0))


def _offset(sign: str, hours: int, minutes: int) -> timedelta:
    if hours > 14 or minutes > 59:
        raise ValueError("impossible UTC offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return -offset if sign == "-" else offset


def _clock(folded: str) -> _Clock | None:
    """The time of day in ``folded``: midnight when there is none, None when it is impossible."""
    match = _TIME_RE.search(folded)
    if match is None:
        return _MIDNIGHT
    hour = int(match["H"])
    minute = int(match["M"] or match["M2"] or 0)
    second = int(match["S"] or match["S2"] or 0)
    if match["ampm"]:
        twelve = _twelve_hour(hour, morning=match["ampm"] in ("sa", "am", "a.m."))
        if twelve is None:
            return None
        hour = twelve
    elif match["part"]:
        hour = _part_of_day(hour, match["part"])
    if hour > 23 or minute > 59 or second > 59:
        return None
    return _Clock(hour, minute, second)


def _twelve_hour(hour: int, *, morning: bool) -> int | None:
    if 1 <= hour <= 12:
        return hour % 12 + (0 if morning else 12)
    # "00:15 SA" and "14:20 CH" are 24-hour times with a redundant marker.
    if (hour == 0 and morning) or (12 < hour < 24 and not morning):
        return hour
    return None


def _part_of_day(hour: int, part: str) -> int:
    # "3 giờ chiều" = 15:00, "8 giờ tối" = 20:00, "1 giờ trưa" = 13:00, "11 giờ đêm" = 23:00.
    if part in ("chieu", "toi") and 1 <= hour < 12:
        return hour + 12
    if part == "trua" and 1 <= hour <= 2:
        return hour + 12
    if part == "dem" and 6 <= hour < 12:
        return hour + 12
    return hour


def _weekday_agrees(folded: str, start: int, end: int, day: date) -> bool:
    """False when a weekday printed right before or after the date names another day."""
    match = _WEEKDAY_BEFORE_RE.search(folded, max(0, start - _WEEKDAY_WINDOW), start)
    if match is None:
        match = _WEEKDAY_AFTER_RE.match(folded, end)
    return match is None or _weekday(match) == day.weekday()


def _weekday(match: re.Match[str]) -> int:
    if match["name"]:
        return _WEEKDAY_NAMES[match["name"]]
    if match["num"]:
        return int(match["num"]) - 2  # Thứ 2 is Monday
    if match["en"] and match["en"] in _ENGLISH_DAYS:
        return _ENGLISH_DAYS.index(match["en"])
    return 6  # Chủ nhật, CN, Sunday


def _as_vietnam_time(now: datetime) -> datetime:
    if now.utcoffset() is None:
        return now.replace(tzinfo=VIETNAM_TZ)
    return now.astimezone(VIETNAM_TZ)


def _relative(folded: str, now: datetime) -> datetime | None:
    if ("vua" in folded or "moi" in folded) and _JUST_NOW_RE.search(folded):
        return now
    if "truoc" in folded:
        ago = _AGO_RE.search(folded)
        if ago is not None:
            return now - int(ago["n"]) * _AGO_UNITS[ago["unit"]]
    which = _DAY_WORD_RE.search(folded) if "hom" in folded else None
    if which is None:
        return None
    day = now.date() - timedelta(days=_DAYS_BACK[which["which"]])
    return _at_time_of(day, folded, which.start(), which.end())
