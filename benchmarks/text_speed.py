"""Speed of the Vietnamese text layer (``dvcrawl.text``), and ``parse_datetime`` vs dateparser.

What is measured, and how:

1. For every public function in ``dvcrawl.text.__all__`` (looked up at run time, so new ones
   are included): microseconds per call over a seeded sample of ``--n`` strings of the kind
   that function meets in a crawl (see ``benchmarks/text_sample.py``, which prints nothing and
   builds the sample from the repository's fixtures and the reference notes' patterns). Each
   function gets one untimed warm-up pass over its whole sample, then ``--passes`` timed passes
   (garbage collector off, like ``timeit``; round robin over the functions, so a slow spell of
   a shared machine does not land on one function); the figure is the median pass divided by
   the number of calls. Python's loop overhead (a list comprehension) is included. Classes,
   constants and functions whose input is not a ``str`` (bytes, for instance) are listed as
   skipped; a ``str`` function this script does not know gets the raw-text sample.
2. ``parse_datetime`` against ``dateparser.parse(s, languages=['vi'], settings=...)`` (the
   reference's configuration, §4.3) on the same date strings. Time per call: after a short
   warm-up, ``--dateparser-passes`` dateparser passes, each followed by ``--passes``
   parse_datetime passes (alternating, so a slow spell of a shared machine hits both), medians
   kept. dateparser takes about 1 ms a string, so it gets at most ``--dateparser-max`` strings
   (default 10,000: a seeded subset only when ``--n`` is larger). Correctness is checked
   against the ground truth each string was generated from. Right means: the same local
   (+07:00) date and, when the string carries a time, the same hour and minute; when the
   ground truth is None, returning None (where the printed weekday contradicts the date, None
   and the printed date are both right). Then both parsers on the reference's
   ``DATE_VECTORS`` (§4.4), copied below.
3. A summary block.

Usage: python benchmarks/text_speed.py [--n 10000] [--seed 1] [--passes 7]
       [--dateparser-max 10000] [--dateparser-passes 3]   (about a minute by default)
"""

from __future__ import annotations

import argparse
import functools
import gc
import inspect
import platform
import random
import statistics
import textwrap
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TypeVar

from text_sample import DEFAULT_YEAR, NOW, DateCase, Sample, build_sample, counts_line

import dvcrawl.text
from dvcrawl.text import VIETNAM_TZ, clean_text, parse_datetime

WIDTH: Final = 100
R = TypeVar("R")

# Reference notes (vietnamese-text.md) §4.4, copied as data: (input, expected local time).
DATE_VECTORS: Final[list[tuple[str, str | None]]] = [
  ("Chủ Nhật, 14/4/2024", "2024-04-14"), ("Chủ nhật, 14/04/2024", "2024-04-14"), ("CHỦ NHẬT, 14/04/2024", "2024-04-14"),  # noqa: E501
  ("Thứ hai, 15/04/2024 - 10:20", "2024-04-15T10:20"), ("Thứ Hai, 15/04/2024, 10:20 (GMT+7)", "2024-04-15T10:20"),  # noqa: E501
  ("Thứ 2, 15/4/2024 10:20", "2024-04-15T10:20"), ("T2, 15/04/2024 10:20", "2024-04-15T10:20"),
  ("Thứ Bẩy, 13/4/2024", "2024-04-13"), ("Thứ Tư, 17/04/2024 | 08:15", "2024-04-17T08:15"),
  ("14/04/2024 08:30 GMT+7", "2024-04-14T08:30"), ("14/04/2024 08:30:15", "2024-04-14T08:30:15"),
  ("08:30 14/04/2024", "2024-04-14T08:30"), ("08:09 | 18/01/2026 GMT+7", "2026-01-18T08:09"),
  ("09:47, 15/03/2021", "2021-03-15T09:47"), ("Cập nhật lúc: 18:00 |22/05/2022", "2022-05-22T18:00"),  # noqa: E501
  ("Cập nhật: 10:15 ngày 14/04/2024", "2024-04-14T10:15"), ("Ngày đăng: 14/04/2024", "2024-04-14"),
  ("Đăng lúc: 14-04-2024 08:30", "2024-04-14T08:30"), ("ngày 14 tháng 4 năm 2024", "2024-04-14"),
  ("Bình Phước, ngày 14 tháng 4 năm 2024", "2024-04-14"), ("14.04.2024", "2024-04-14"),
  ("2024-04-14T08:30:00+07:00", "2024-04-14T08:30"), ("10h20 ngày 14/4/2024", "2024-04-14T10:20"),
  ("10g20, 14/4/2024", "2024-04-14T10:20"), ("9 giờ 30 phút, ngày 14/4/2024", "2024-04-14T09:30"),
  ("15/04/2024 10:20 SA", "2024-04-15T10:20"), ("15/04/2024 02:20 CH", "2024-04-15T14:20"),
  ("14/04/2024\u00a0-\u00a010:20", "2024-04-14T10:20"), ("Thu\u031b\u0301 hai, 15/04/2024", "2024-04-15"),  # noqa: E501
  ("01/02/2024", "2024-02-01"),                       # DMY, never 2 Jan
  ("Thứ hai, 14/04/2024", "2024-04-14"),              # + warning: weekday mismatch (Sunday)
  ("Thứ Tư, 04/12/2002 00:00", "2002-12-04"),         # 00:00 placeholder → date-only
  # formats seen on target sites (sites.md §5)
  ("Thứ Năm, 28/06/2018, 08:00", "2018-06-28T08:00"), ("20:35 19/11/2024", "2024-11-19T20:35"),
  ("19/05/2024  08:53", "2024-05-19T08:53"), ("01/04/2022 - 15:28 GMT+7", "2022-04-01T15:28"),
  ("Thứ Hai, 19/01/2026", "2026-01-19"), ("Thứ Bảy, 4/5/2024", "2024-05-04"),   # danvan.vn: header = today, not pubdate!  # noqa: E501
  ("31/02/2024", None),                               # invalid → None, not a guess
  # relative, RELATIVE_BASE = crawl time 2024-04-16T12:00+07:00
  ("2 giờ trước", "2024-04-16T10:00"), ("30 phút trước", "2024-04-16T11:30"), ("hôm qua", "2024-04-15"),  # noqa: E501
  ("Hôm nay, 10:20", "2024-04-16T10:20"), ("vừa xong", "2024-04-16T12:00"),
  # day/month only: year from article context, never from the crawl date blindly
  ("Sáng 14/4", "2024-04-14"),
]  # fmt: skip
RELATIVE_VECTORS: Final = frozenset(
    {"2 giờ trước", "30 phút trước", "hôm qua", "Hôm nay, 10:20", "vừa xong"}
)
DAY_MONTH_VECTORS: Final = frozenset({"Sáng 14/4"})
# 14/4/2024 was a Sunday: the project returns None on a contradicting weekday, the reference
# parses the date and warns. Either answer counts as right.
WEEKDAY_CONTRADICTION: Final = "Thứ hai, 14/04/2024"

DATEPARSER_SETTINGS: Final[dict[str, Any]] = {
    "DATE_ORDER": "DMY",
    "TIMEZONE": "Asia/Ho_Chi_Minh",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "PREFER_DATES_FROM": "past",
    "RELATIVE_BASE": NOW,
}

# The sample each known function is timed on. Stored text = clean_text() of the raw sample:
# canonical_tones and fold_diacritics work on the stored layer, never on raw HTML text.
KNOWN_SAMPLES: Final = {
    "clean_text": "raw text",
    "text_key": "raw text",
    "canonical_tones": "stored text",
    "fold_diacritics": "stored text",
    "clean_paragraphs": "articles",
    "split_byline": "byline lines",
    "looks_like_byline": "byline lines",
    "parse_datetime": "date strings",
    "decode_html": "html pages",
    "decode_html_with_source": "html pages",
    "tcvn3_to_unicode": "tcvn3 bytes",
    "vni_to_unicode": "vni bytes",
    "viscii_to_unicode": "viscii bytes",
    "cp1258_to_unicode": "cp1258 bytes",
}

Parser = Callable[[DateCase], datetime | None]


# --- timing --------------------------------------------------------------------------------


def timed_once(run: Callable[[], R]) -> tuple[float, R]:
    """Seconds one call of ``run`` takes with the garbage collector off, and its result."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        result = run()
        return time.perf_counter() - started, result
    finally:
        gc.enable()


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    sample: str
    calls: int
    strings: int
    seconds: float

    @property
    def us_per_call(self) -> float:
        return self.seconds / self.calls * 1e6

    @property
    def us_per_string(self) -> float:
        return self.seconds / self.strings * 1e6


def _workload(
    name: str, function: Callable[..., object], sample: Sample, stored: list[str]
) -> tuple[str, Callable[[], object], int, int] | str:
    """(sample label, one pass, calls, strings) for ``function``, or why it is skipped."""
    label = KNOWN_SAMPLES.get(name)
    if label is None:
        reason = _unsupported_input(function)
        if reason:
            return reason
        label = "raw text (generic)"
    if label == "date strings":
        cases = sample.dates
        return label, lambda: _run_parse_datetime(cases, function), len(cases), len(cases)
    if label == "html pages":
        pages = sample.pages
        return label, lambda: [function(body, kind) for body, kind in pages], len(pages), len(pages)
    if label.endswith(" bytes"):
        data = sample.legacy_bytes[label.removesuffix(" bytes")]
        return label, lambda: [function(item) for item in data], len(data), len(data)
    if label == "articles":
        articles = sample.articles
        paragraphs = sum(map(len, articles))
        return (
            f"paragraphs in {len(articles):,} articles",
            lambda: [function(a) for a in articles],
            len(articles),
            paragraphs,
        )
    strings = {"stored text": stored, "byline lines": sample.bylines}.get(label, sample.raw_text)
    return label, lambda: [function(s) for s in strings], len(strings), len(strings)


def _unsupported_input(function: Callable[..., object]) -> str | None:
    """None when ``function`` takes one ``str``; otherwise why this script cannot feed it."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return "no signature"
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    required = [p for p in parameters if p.default is p.empty and p.kind not in variadic]
    if len(required) != 1:
        return f"needs {len(required)} arguments"
    annotation = required[0].annotation
    name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    if name != "str":
        return f"needs {name or 'unannotated'} input"
    return None


def _run_parse_datetime(
    cases: Sequence[DateCase], function: Callable[..., Any] = parse_datetime
) -> list[Any]:
    return [function(c.text, now=c.now, default_year=c.default_year) for c in cases]


def time_functions(sample: Sample, passes: int) -> tuple[list[Timing], list[str]]:
    """Timings of every public function of dvcrawl.text, and the names skipped (with why).

    Each function is warmed up on its whole sample first; then the timed passes go round
    robin (one pass of every function per round), so a slow spell of a shared machine costs
    every function a pass or two instead of all the passes of one function.
    """
    stored = [clean_text(s) for s in sample.raw_text]
    plans, skipped = [], []
    for name in sorted(dvcrawl.text.__all__):
        obj = getattr(dvcrawl.text, name)
        if inspect.isclass(obj) or not callable(obj):
            skipped.append(f"{name} ({'class' if inspect.isclass(obj) else 'constant'})")
            continue
        plan = _workload(name, obj, sample, stored)
        if isinstance(plan, str):
            skipped.append(f"{name} ({plan})")
            continue
        try:
            plan[1]()  # warm-up
        except Exception as error:  # a new function may reject some sample strings
            skipped.append(f"{name} (raised {type(error).__name__} on the {plan[0]} sample)")
            continue
        plans.append((name, *plan))
    times: dict[str, list[float]] = {name: [] for name, *_ in plans}
    for _ in range(passes):
        for name, _label, run, _calls, _strings in plans:
            times[name].append(timed_once(run)[0])
    timings = [
        Timing(name, label, calls, strings, statistics.median(times[name]))
        for name, label, _run, calls, strings in plans
    ]
    return timings, skipped


# --- correctness ---------------------------------------------------------------------------


def is_right(
    result: datetime | None, expected: datetime | None, *, has_time: bool, none_ok: bool = False
) -> bool:
    """Same local date (and hour:minute when the string has a time); None when expected."""
    if result is None:
        return expected is None or none_ok
    if expected is None:
        return False
    local = result.astimezone(VIETNAM_TZ) if result.tzinfo else result
    if local.date() != expected.date():
        return False
    return not has_time or (local.hour, local.minute) == (expected.hour, expected.minute)


def make_dateparser() -> Parser | None:
    """dateparser.parse in the reference configuration, or None when it is not installed."""
    try:
        import dateparser  # type: ignore[import-untyped]
    except ImportError:
        return None

    def parse(case: DateCase) -> datetime | None:
        try:
            result: datetime | None = dateparser.parse(
                case.text, languages=["vi"], settings=DATEPARSER_SETTINGS
            )
        except Exception:  # dateparser raises on some odd input; count it as no answer
            return None
        return result

    return parse


def parse_datetime_case(case: DateCase) -> datetime | None:
    return parse_datetime(case.text, now=case.now, default_year=case.default_year)


@dataclass(slots=True)
class Comparison:
    strings: int
    subset: bool
    us: dict[str, float]
    right: dict[str, int]
    misses: dict[str, Counter[str]]
    wrong_examples: list[tuple[DateCase, datetime | None]]


def compare(sample: Sample, dateparser_parse: Parser, args: argparse.Namespace) -> Comparison:
    """Both parsers on the same date strings: µs per call and misses against the truth.

    The passes alternate (each dateparser pass is followed by ``--passes`` parse_datetime
    passes), so a slow spell of a shared machine hits both parsers alike; medians are kept.
    """
    cases = sample.dates
    subset = len(cases) > args.dateparser_max
    if subset:
        cases = random.Random(f"{args.seed}-dateparser").sample(cases, args.dateparser_max)
    runs: dict[str, Callable[[], list[datetime | None]]] = {
        "parse_datetime": functools.partial(_run_parse_datetime, cases),
        "dateparser": lambda: [dateparser_parse(c) for c in cases],
    }
    for case in cases[:200]:  # warm-up
        parse_datetime_case(case)
        dateparser_parse(case)
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, list[datetime | None]] = {}
    for _ in range(args.dateparser_passes):
        for name, run in runs.items():
            for _ in range(1 if name == "dateparser" else args.passes):
                seconds, results[name] = timed_once(run)
                times[name].append(seconds)
    comparison = Comparison(len(cases), subset, {}, {}, {}, [])
    for name, found in results.items():
        comparison.us[name] = statistics.median(times[name]) / len(cases) * 1e6
        misses = comparison.misses[name] = Counter()
        for case, result in zip(cases, found, strict=True):
            if is_right(result, case.expected, has_time=case.has_time, none_ok=case.none_ok):
                continue
            misses[case.form] += 1
            if name == "parse_datetime" and misses[case.form] == 1:
                comparison.wrong_examples.append((case, result))
        comparison.right[name] = len(cases) - misses.total()
    return comparison


@dataclass(frozen=True, slots=True)
class VectorResult:
    right: int
    wrong: list[tuple[str, str | None, datetime | None]]


def _vector_expected(expected: str | None) -> tuple[datetime | None, bool]:
    if expected is None:
        return None, False
    return datetime.fromisoformat(expected).replace(tzinfo=VIETNAM_TZ), "T" in expected


def run_vectors(parser: Parser) -> VectorResult:
    wrong = []
    for text, expected in DATE_VECTORS:
        case = DateCase(
            text,
            None,
            False,
            "vector",
            now=NOW if text in RELATIVE_VECTORS else None,
            default_year=DEFAULT_YEAR if text in DAY_MONTH_VECTORS else None,
        )
        result = parser(case)
        moment, has_time = _vector_expected(expected)
        none_ok = text == WEEKDAY_CONTRADICTION
        if not is_right(result, moment, has_time=has_time, none_ok=none_ok):
            wrong.append((text, expected, result))
    return VectorResult(len(DATE_VECTORS) - len(wrong), wrong)


# --- printing ------------------------------------------------------------------------------


def wrapped(label: str, text: str, indent: int = 2) -> None:
    lead = " " * indent
    print(textwrap.fill(text, WIDTH, initial_indent=lead + label, subsequent_indent=lead + "    "))


def _show(moment: datetime | None) -> str:
    if moment is None:
        return "None"
    return moment.astimezone(VIETNAM_TZ).strftime("%Y-%m-%dT%H:%M")


def print_composition(sample: Sample, n: int, seed: int) -> None:
    material, parts = sample.material, sample.composition
    wrapped(
        f"Sample (seed {seed}, {n:,} strings per kind) from {material.articles} fixture articles "
        f"and {material.pages} site pages: ",
        f"{len(material.paragraphs)} paragraphs, {len(material.titles)} titles, "
        f"{len(material.leads)} leads, {len(material.captions)} captions, "
        f"{len(material.bylines)} bylines, {len(material.tags)} tags, "
        f"{len(material.dated)} dated strings (distinct)",
        indent=0,
    )
    wrapped(
        "raw text: ",
        f"{counts_line(parts['text kinds'])}; varied: {counts_line(parts['text variations'])}",
    )
    wrapped(
        "paragraphs: ",
        f"{len(sample.articles):,} articles of 3-15; {counts_line(parts['paragraph variations'])}",
    )
    lines = parts["byline lines"]
    not_bylines = [(k.removeprefix("NOT: "), c) for k, c in lines.most_common() if k[:4] == "NOT:"]
    bylines = lines.total() - sum(count for _, count in not_bylines)
    wrapped(
        "byline lines: ",
        f"{bylines:,} bylines ({len(lines) - len(not_bylines) - 1} §5.1 patterns + "
        f"{lines['fixtures']:,} from fixtures), not bylines: {counts_line(not_bylines)}; "
        f"varied: {counts_line(parts['byline variations'])}",
    )
    wrapped(
        "dates: ",
        f"{counts_line(parts['date forms'])}. now={NOW.isoformat(timespec='minutes')} for "
        f"relative forms, default_year={DEFAULT_YEAR} for day/month only",
    )
    for problem in material.skipped:
        print(f"  skipped fixture: {problem}")


def print_timings(timings: list[Timing], skipped: list[str], passes: int) -> None:
    print(f"dvcrawl.text functions (median of {passes} round-robin passes after a warm-up pass):")
    print(f"  {'function':<18} {'sample':<34} {'calls':>7} {'µs/call':>9} {'µs/string':>10}")
    for t in timings:
        print(
            f"  {t.name:<18} {t.sample:<34} {t.calls:>7,} {t.us_per_call:>9.2f}"
            f" {t.us_per_string:>10.2f}"
        )
    wrapped("skipped: ", "; ".join(skipped))


def print_comparison(result: Comparison, total: int, args: argparse.Namespace) -> None:
    settings = ", ".join(f"{k}={v}" for k, v in DATEPARSER_SETTINGS.items() if k != "RELATIVE_BASE")
    where = (
        f"a seeded subset of {result.strings:,} of the {total:,} date strings (--dateparser-max)"
        if result.subset
        else f"the same {result.strings:,} date strings"
    )
    wrapped(
        "parse_datetime vs ",
        f"dateparser (languages=['vi'], {settings}, RELATIVE_BASE=now) on {where}:",
        indent=0,
    )
    pd, dp = result.us["parse_datetime"], result.us["dateparser"]
    print(
        f"  µs/call: parse_datetime {pd:.2f}, dateparser {dp:,.1f} (medians of "
        f"{args.passes * args.dateparser_passes}/{args.dateparser_passes} alternating passes); "
        f"ratio {dp / pd:,.0f}x"
    )
    print(
        f"  right: parse_datetime {result.right['parse_datetime']:,}/{result.strings:,}, "
        f"dateparser {result.right['dateparser']:,}/{result.strings:,} "
        "(local date, + hour:minute if timed)"
    )
    for name, misses in result.misses.items():
        wrapped(f"{name} misses: ", counts_line(misses) or "none")
    for case, got in result.wrong_examples:
        wrapped(
            "e.g. ", f"{case.text!r}: expected {_show(case.expected)}, got {_show(got)}", indent=4
        )


def print_vectors(results: dict[str, VectorResult]) -> None:
    scores = ", ".join(f"{name} {r.right}/{len(DATE_VECTORS)}" for name, r in results.items())
    wrapped(
        f"DATE_VECTORS (§4.4): {scores} right. ",
        f"None counts as right for {WEEKDAY_CONTRADICTION!r} (a Sunday: the project returns "
        "None on a contradicting weekday)",
        indent=0,
    )
    for name, result in results.items():
        wrong = "; ".join(
            repr(text)
            + (f" → {_show(got)}" if got is not None else "")
            + (f" (expected {expected})" if name == "parse_datetime" else "")
            for text, expected, got in result.wrong
        )
        wrapped(f"{name} wrong ({len(result.wrong)}, None unless shown): ", wrong or "none")


def print_summary(
    timings: list[Timing],
    comparison: Comparison | None,
    vectors: dict[str, VectorResult],
) -> None:
    print("Summary")
    if comparison is not None:
        pd, dp = comparison.us["parse_datetime"], comparison.us["dateparser"]
        right, total = comparison.right, comparison.strings
        print(
            f"parse_datetime: {pd:.1f} µs/call; dateparser: {dp:,.0f} µs/call; "
            f"ratio {dp / pd:,.0f}x; correct {right['parse_datetime']}/{total} vs "
            f"{right['dateparser']}/{total}; DATE_VECTORS "
            f"{vectors['parse_datetime'].right}/{len(DATE_VECTORS)} vs "
            f"{vectors['dateparser'].right}/{len(DATE_VECTORS)}"
        )
    others = [t for t in timings if t.name != "parse_datetime" or comparison is None]
    wrapped(
        "µs/call: ",
        "; ".join(
            f"{t.name} {t.us_per_call:.1f}"
            + (f" ({t.us_per_string:.1f}/string)" if t.strings != t.calls else "")
            for t in others
        ),
        indent=0,
    )


# --- main ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10_000, help="strings per sample kind")
    parser.add_argument("--seed", type=int, default=1, help="sample seed")
    parser.add_argument("--passes", type=int, default=7, help="timed passes per function")
    parser.add_argument(
        "--dateparser-max",
        type=int,
        default=10_000,
        help="date strings given to dateparser (a seeded subset when the sample is larger)",
    )
    parser.add_argument("--dateparser-passes", type=int, default=3, help="timed dateparser passes")
    args = parser.parse_args()
    if min(args.n, args.passes, args.dateparser_passes) < 1 or args.dateparser_max < 1000:
        parser.error("--n and the passes must be >= 1, --dateparser-max >= 1000")
    return args


def main() -> None:
    args = parse_args()
    print(
        f"dvcrawl.text benchmark: Python {platform.python_version()} on {platform.machine()}, "
        f"n={args.n:,}, seed={args.seed}"
    )
    sample = build_sample(args.n, args.seed)
    print_composition(sample, args.n, args.seed)
    print()
    timings, skipped = time_functions(sample, args.passes)
    print_timings(timings, skipped, args.passes)
    print()

    dateparser_parse = make_dateparser()
    comparison = None
    vectors = {"parse_datetime": run_vectors(parse_datetime_case)}
    if dateparser_parse is None:
        print("dateparser is not installed (pip install -e '.[bench]'): comparison skipped")
    else:
        comparison = compare(sample, dateparser_parse, args)
        print_comparison(comparison, len(sample.dates), args)
        vectors["dateparser"] = run_vectors(dateparser_parse)
    print()
    print_vectors(vectors)
    print()
    print_summary(timings, comparison, vectors)


if __name__ == "__main__":
    main()
