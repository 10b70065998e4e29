"""Date and time parsing. Vectors from the reference notes (vietnamese-text.md §4.1, §4.4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvcrawl.text import VIETNAM_TZ, parse_datetime

# RELATIVE_BASE of the reference: the crawl time.
NOW = datetime(2024, 4, 16, 12, 0, tzinfo=VIETNAM_TZ)
ARTICLE_YEAR = 2024

# (input, expected local +07:00 or None). The weekday-mismatch vector deliberately differs from
# the reference, which parses it with a warning: a contradicting weekday gives None here.
DATE_VECTORS: list[tuple[str, str | None]] = [
    ("Chủ Nhật, 14/4/2024", "2024-04-14"),
    ("Chủ nhật, 14/04/2024", "2024-04-14"),
    ("CHỦ NHẬT, 14/04/2024", "2024-04-14"),
    ("Thứ hai, 15/04/2024 - 10:20", "2024-04-15T10:20"),
    ("Thứ Hai, 15/04/2024, 10:20 (GMT+7)", "2024-04-15T10:20"),
    ("Thứ 2, 15/4/2024 10:20", "2024-04-15T10:20"),
    ("T2, 15/04/2024 10:20", "2024-04-15T10:20"),
    ("Thứ Bẩy, 13/4/2024", "2024-04-13"),
    ("Thứ Tư, 17/04/2024 | 08:15", "2024-04-17T08:15"),
    ("14/04/2024 08:30 GMT+7", "2024-04-14T08:30"),
    ("14/04/2024 08:30:15", "2024-04-14T08:30:15"),
    ("08:30 14/04/2024", "2024-04-14T08:30"),
    ("08:09 | 18/01/2026 GMT+7", "2026-01-18T08:09"),
    ("09:47, 15/03/2021", "2021-03-15T09:47"),
    ("Cập nhật lúc: 18:00 |22/05/2022", "2022-05-22T18:00"),
    ("Cập nhật: 10:15 ngày 14/04/2024", "2024-04-14T10:15"),
    ("Ngày đăng: 14/04/2024", "2024-04-14"),
    ("Đăng lúc: 14-04-2024 08:30", "2024-04-14T08:30"),
    ("ngày 14 tháng 4 năm 2024", "2024-04-14"),
    ("Bình Phước, ngày 14 tháng 4 năm 2024", "2024-04-14"),
    ("14.04.2024", "2024-04-14"),
    ("2024-04-14T08:30:00+07:00", "2024-04-14T08:30"),
    ("10h20 ngày 14/4/2024", "2024-04-14T10:20"),
    ("10g20, 14/4/2024", "2024-04-14T10:20"),
    ("9 giờ 30 phút, ngày 14/4/2024", "2024-04-14T09:30"),
    ("15/04/2024 10:20 SA", "2024-04-15T10:20"),
    ("15/04/2024 02:20 CH", "2024-04-15T14:20"),
    ("14/04/2024\u00a0-\u00a010:20", "2024-04-14T10:20"),
    ("Thu\u031b\u0301 hai, 15/04/2024", "2024-04-15"),
    ("01/02/2024", "2024-02-01"),  # DMY, never 2 Jan
    ("Thứ hai, 14/04/2024", None),  # 14/4/2024 was a Sunday: reference says "warning"
    ("Thứ Tư, 04/12/2002 00:00", "2002-12-04"),  # 00:00 placeholder → date-only
    # formats seen on target sites (sites.md §5)
    ("Thứ Năm, 28/06/2018, 08:00", "2018-06-28T08:00"),
    ("20:35 19/11/2024", "2024-11-19T20:35"),
    ("19/05/2024  08:53", "2024-05-19T08:53"),
    ("01/04/2022 - 15:28 GMT+7", "2022-04-01T15:28"),
    ("Thứ Hai, 19/01/2026", "2026-01-19"),
    ("Thứ Bảy, 4/5/2024", "2024-05-04"),  # danvan.vn: header = today, not pubdate
    ("31/02/2024", None),  # invalid → None, not a guess
    # relative, against NOW
    ("2 giờ trước", "2024-04-16T10:00"),
    ("30 phút trước", "2024-04-16T11:30"),
    ("hôm qua", "2024-04-15"),
    ("Hôm nay, 10:20", "2024-04-16T10:20"),
    ("vừa xong", "2024-04-16T12:00"),
    # day/month only: year from the article context
    ("Sáng 14/4", "2024-04-14"),
]
RELATIVE = {"2 giờ trước", "30 phút trước", "hôm qua", "Hôm nay, 10:20", "vừa xong"}
DAY_MONTH_ONLY = {"Sáng 14/4"}


def local(expected: str) -> datetime:
    return datetime.fromisoformat(expected).replace(tzinfo=VIETNAM_TZ)


def assert_parsed(
    text: str,
    expected: str | None,
    *,
    now: datetime | None = None,
    default_year: int | None = None,
) -> None:
    result = parse_datetime(text, now=now, default_year=default_year)
    if expected is None:
        assert result is None
        return
    assert result == local(expected)
    assert result is not None
    assert result.utcoffset() == timedelta(hours=7)


@pytest.mark.parametrize(("text", "expected"), DATE_VECTORS, ids=[v[0] for v in DATE_VECTORS])
def test_reference_vectors(text: str, expected: str | None) -> None:
    assert_parsed(text, expected, now=NOW, default_year=ARTICLE_YEAR)


ABSOLUTE = [v for v in DATE_VECTORS if v[0] not in RELATIVE | DAY_MONTH_ONLY]


@pytest.mark.parametrize(("text", "expected"), ABSOLUTE, ids=[v[0] for v in ABSOLUTE])
def test_absolute_vectors_need_no_context(text: str, expected: str | None) -> None:
    assert_parsed(text, expected)


@pytest.mark.parametrize("text", sorted(RELATIVE), ids=sorted(RELATIVE))
def test_relative_forms_need_now(text: str) -> None:
    assert parse_datetime(text, default_year=ARTICLE_YEAR) is None


@pytest.mark.parametrize("text", ["Sáng 14/4", "Chiều 8/7", "ngày 14 tháng 4"])
def test_day_month_only_needs_default_year(text: str) -> None:
    assert parse_datetime(text, now=NOW) is None


# --- weekdays (§4.1): every printed variant, checked against the date -------------------------

# Monday 15/04/2024 … Sunday 21/04/2024.
WEEKDAY_VARIANTS = {
    15: [
        "Thứ Hai",
        "Thứ hai",
        "thứ hai",
        "THỨ HAI",
        "Thứ 2",
        "Thứ.2",
        "T2",
        "T.2",
        "Th 2",
        "Thu Hai",
    ],
    16: ["Thứ Ba", "Thứ 3", "T3", "THU BA"],
    17: ["Thứ Tư", "Thứ tư", "Thứ 4", "T4"],
    18: ["Thứ Năm", "Thứ năm", "Thứ 5", "T5"],
    19: ["Thứ Sáu", "Thứ 6", "T6"],
    20: ["Thứ Bảy", "Thứ bảy", "Thứ Bẩy", "Thứ 7", "T7"],
    21: ["Chủ Nhật", "Chủ nhật", "CHỦ NHẬT", "CN", "C.Nhật", "Sunday"],
}
WEEKDAY_CASES = [(day, name) for day, names in WEEKDAY_VARIANTS.items() for name in names]
WEEKDAY_IDS = [f"{name}-{day}" for day, name in WEEKDAY_CASES]


@pytest.mark.parametrize(("day", "name"), WEEKDAY_CASES, ids=WEEKDAY_IDS)
def test_matching_weekday_is_accepted(day: int, name: str) -> None:
    assert_parsed(f"{name}, {day}/04/2024 10:20", f"2024-04-{day}T10:20")


@pytest.mark.parametrize(("day", "name"), WEEKDAY_CASES, ids=WEEKDAY_IDS)
def test_contradicting_weekday_gives_none(day: int, name: str) -> None:
    wrong_day = 15 + (day - 15 + 1) % 7
    assert parse_datetime(f"{name}, {wrong_day}/04/2024 10:20") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/04/2024 (Thứ Hai)", "2024-04-15"),
        ("15/04/2024 (Thứ Ba)", None),
        ("Thứ hai, ngày 15/4/2024", "2024-04-15"),
        ("Hôm nay: Thứ Hai, 15/04/2024", "2024-04-15"),
        ("Đại hội lần thứ hai, ngày 14/4/2024", "2024-04-14"),  # ordinal, not a weekday
        ("Thu\u031b\u0301 Hai, 15/04/2024", "2024-04-15"),
    ],
    ids=["weekday-after", "weekday-after-wrong", "with-ngay", "today-label", "ordinal", "nfd"],
)
def test_weekday_position(text: str, expected: str | None) -> None:
    assert_parsed(text, expected)


# --- zones, clocks, shapes --------------------------------------------------------------------

MORE_VECTORS: list[tuple[str, str, str | None]] = [
    ("iso-z", "2024-04-14T01:30:00Z", "2024-04-14T08:30"),
    ("iso-utc-offset", "2024-04-14T08:30:00+00:00", "2024-04-14T15:30"),
    ("iso-negative", "2024-04-13T21:30:00-05:00", "2024-04-14T09:30"),
    ("iso-fraction", "2024-04-14T08:30:00.123+07:00", "2024-04-14T08:30"),
    ("iso-space", "2024-04-14 08:30", "2024-04-14T08:30"),
    ("iso-date", "2024-04-14", "2024-04-14"),
    ("iso-no-offset-is-local", "2024-04-14T08:30:00", "2024-04-14T08:30"),
    ("gmt-other", "14/04/2024 08:30 GMT+0", "2024-04-14T15:30"),
    ("gmt-bare", "14/04/2024 08:30 GMT", "2024-04-14T15:30"),
    ("utc+7", "14/04/2024 08:30 UTC+7", "2024-04-14T08:30"),
    ("utc+07:00", "14/04/2024 08:30 (UTC+07:00)", "2024-04-14T08:30"),
    ("gio-ha-noi", "08:30 (giờ Hà Nội) 14/04/2024", "2024-04-14T08:30"),
    ("impossible-offset", "14/04/2024 08:30 GMT+19", None),
    ("sa-12", "15/04/2024 12:05 SA", "2024-04-15T00:05"),
    ("ch-12", "15/04/2024 12:05 CH", "2024-04-15T12:05"),
    ("pm", "15/04/2024 10:20 PM", "2024-04-15T22:20"),
    ("am", "15/04/2024 10:20:30 AM", "2024-04-15T10:20:30"),
    ("ch-24h", "15/04/2024 14:20 CH", "2024-04-15T14:20"),
    ("sa-impossible", "15/04/2024 14:20 SA", None),
    ("chieu", "3 giờ chiều ngày 14/4/2024", "2024-04-14T15:00"),
    ("toi", "8 giờ tối, 14/4/2024", "2024-04-14T20:00"),
    ("hour-only", "21h ngày 14/4/2024", "2024-04-14T21:00"),
    ("seconds-words", "9 giờ 30 phút 15 giây, 14/4/2024", "2024-04-14T09:30:15"),
    ("bad-time", "14/04/2024 25:61", None),
    ("long-month-word", "Thứ Hai, 15 Tháng Tư 2024", "2024-04-15"),
    ("long-comma", "14 tháng 4, 2024", "2024-04-14"),
    ("long-twelve", "ngày 2 tháng 9 năm 1945", "1945-09-02"),
    ("long-muoi-hai", "ngày 25 tháng Mười Hai năm 2023", "2023-12-25"),
    ("body-range", "15.10.1930-15.10.2020", "1930-10-15"),
    ("month-first", "4/15/2024 10:20:00 AM", None),
    ("month-year", "tháng 4/2024", None),
    ("two-digit-year", "15/04/24", None),
    ("lunar", "mùng 1 tháng Giêng", None),
    ("lunar-am-lich", "ngày 14/4 âm lịch", None),
    ("leap-day", "29/02/2024", "2024-02-29"),
    ("non-leap", "29/02/2023", None),
    ("year-zero", "01/01/0000", None),
    ("fullwidth-digits", "１４/０４/２０２４", "2024-04-14"),
    ("garbage", "lorem ipsum", None),
    ("empty", "", None),
    ("prose-number", "Nghị quyết số 43-NQ/TW", None),
]


@pytest.mark.parametrize(
    ("text", "expected"), [v[1:] for v in MORE_VECTORS], ids=[v[0] for v in MORE_VECTORS]
)
def test_more_vectors(text: str, expected: str | None) -> None:
    assert_parsed(text, expected)


RELATIVE_VECTORS: list[tuple[str, str | None]] = [
    ("3 ngày trước", "2024-04-13T12:00"),
    ("1 tuần trước", "2024-04-09T12:00"),
    ("2 tiếng trước", "2024-04-16T10:00"),
    ("45 giây trước", "2024-04-16T11:59:15"),
    ("hôm kia", "2024-04-14"),
    ("Hôm qua, 10:20", "2024-04-15T10:20"),
    ("Cập nhật 5 phút trước", "2024-04-16T11:55"),
    ("3 tháng trước", None),  # months have no fixed length
]


@pytest.mark.parametrize(
    ("text", "expected"), RELATIVE_VECTORS, ids=[v[0] for v in RELATIVE_VECTORS]
)
def test_relative_vectors(text: str, expected: str | None) -> None:
    assert_parsed(text, expected, now=NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chiều 8/7", "2024-07-08"),
        ("Ngày 3-12", "2024-12-03"),
        ("21h00 ngày 14/5", "2024-05-14T21:00"),
        ("ngày 14 tháng 4", "2024-04-14"),
        ("Sáng 31/2", None),
    ],
    ids=["chieu", "hyphen", "with-time", "long", "impossible"],
)
def test_day_month_vectors(text: str, expected: str | None) -> None:
    assert_parsed(text, expected, default_year=ARTICLE_YEAR)


def test_naive_now_is_vietnam_time() -> None:
    assert parse_datetime("vừa xong", now=datetime(2024, 4, 16, 12, 0)) == NOW


def test_aware_now_is_converted() -> None:
    utc_now = datetime(2024, 4, 16, 5, 0, tzinfo=UTC)
    assert parse_datetime("vừa xong", now=utc_now) == NOW
    assert parse_datetime("hôm qua", now=utc_now) == local("2024-04-15")


def test_vietnam_tz_is_fixed_plus_seven() -> None:
    assert VIETNAM_TZ.utcoffset(None) == timedelta(hours=7)
    assert timezone(timedelta(hours=7)) == VIETNAM_TZ


# --- properties -------------------------------------------------------------------------------

date_like = st.lists(
    st.sampled_from(
        [
            "Thứ",
            " hai",
            "T2",
            "CN",
            ",",
            " ",
            "/",
            ".",
            "-",
            ":",
            "h",
            "g",
            "giờ",
            "phút",
            "SA",
            "CH",
        ]
        + ["GMT", "+", "UTC", "(", ")", "ngày", "tháng", "năm", "trước", "hôm qua", "T", "Z"]
        + [str(n) for n in (0, 1, 2, 4, 7, 12, 13, 14, 15, 24, 29, 31, 60, 99, 2024, 1800, 9999)]
    ),
    max_size=16,
).map("".join)
offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)).map(
    lambda d: timezone(timedelta(minutes=d // timedelta(minutes=1)))
)
nows = st.one_of(st.none(), st.datetimes(), st.datetimes(timezones=offsets))


@given(st.one_of(st.text(), date_like), nows, st.one_of(st.none(), st.integers()))
def test_never_raises_and_is_aware_at_plus_seven(
    text: str, now: datetime | None, default_year: int | None
) -> None:
    result = parse_datetime(text, now=now, default_year=default_year)
    assert result is None or result.utcoffset() == timedelta(hours=7)
