"""A seeded synthetic corpus of Vietnamese "Dân vận" articles for storage and search benchmarks.

``generate(n, seed)`` yields ``n`` :class:`dvcrawl.items.Article` items ready for
``ArchiveRepository.add_articles``; ``site_profiles(seed)`` are the sites they belong to, which
must be saved first (``ArchiveRepository.save_site``). The same seed and the same fixtures give
the same corpus, article for article.

Where the text comes from (no network):

* Sentences of the repository's fixtures: titles, leads, body paragraphs and captions of
  ``tests/fixtures/pages/*/*/expected.json`` and the ``<p>``/``<h1>``/``<h2>``/``<figcaption>``
  texts of ``tests/fixtures/sites/*/pages/*.html`` (deduplicated, and only sentences made of
  Vietnamese syllables, numbers and acronyms, so legacy-encoded mojibake stays out). Prose is
  stitched from windows of 3–9 words of these sentences, so common words and the collocations
  researchers search for ("dân vận khéo", "Ban Dân vận Tỉnh ủy") keep their real frequency.
* A tail of rarer syllables *derived* from the fixtures: every onset × toneless rhyme × tone
  seen in them that is a well-formed syllable (Vietnamese spelling rules: c/k/q, g/gh, ng/ngh;
  -p -t -c -ch take only the sắc and nặng tones) and was not already seen. About 5% of the
  words are drawn from this tail with Zipf weights (exponent 1.3), so the word frequency
  distribution is Zipf-like overall: a head of very common words and a long tail of rare ones.
* Planted tokens: document codes ("Nghị quyết số 43-NQ/TW", Zipf over 200 codes), numbers
  ("1.236", "96,8%") and province names.

Shapes, from the fixtures: titles of 10–24 words, a lead of 25–60 words (85% of articles),
3–15 body paragraphs (mode 5) of 20–80 words (a few short sub-headings and long paragraphs),
0–3 captions with image URLs, 0–4 tags, 2% with an attachment, bylines in the fixtures' forms
("Bài, ảnh: …", "…, Ban Dân vận Tỉnh ủy …", "Theo …", "PV", titles such as "TS.") naming
authors from a pool of 300 Vietnamese names used with Zipf weights, 15 categories (Zipf),
the 3 registered sites plus 40 synthetic provincial sites (Zipf), publication dates from 2008
to mid-2026 (more recent years heavier; 1% undated), and 4% of articles in the hoà/thuỷ tone
style (tone on the second vowel of open oa/oe/uy). URLs are unique.

Keys: by default ``title_key``/``body_key`` are a cheap approximation of ``text_key``
(casefold, quotes folded, spaces collapsed; tones are not canonicalised) and ``content_hash``
is ``dvcrawl.parsing.normalize.content_hash`` of them, so it is unique per text. With
``normalize=True`` every article goes through ``normalize_article`` instead, as in a crawl
(about 1 ms per article, several times the cost of generating it).

Run ``python benchmarks/corpus_generator.py [--n 2000] [--seed 1]`` to print one article and
the corpus statistics (rank/frequency of words, shapes).
"""

from __future__ import annotations

import argparse
import bisect
import functools
import hashlib
import itertools
import json
import random
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final, Generic, TypeVar

import lxml.html

from dvcrawl.items import Article, Attachment, Caption
from dvcrawl.parsing.normalize import content_hash, normalize_article
from dvcrawl.sites import SITES
from dvcrawl.sites.families.nukeviet import FAMILY as NUKEVIET
from dvcrawl.sites.profile import SiteProfile
from dvcrawl.text import VIETNAM_TZ, Author, Byline, clean_text, fold_diacritics
from dvcrawl.text._syllable import is_vietnamese_syllable, retone

ROOT: Final = Path(__file__).resolve().parent.parent
PAGES: Final = ROOT / "tests" / "fixtures" / "pages"
SITE_PAGES: Final = ROOT / "tests" / "fixtures" / "sites"

T = TypeVar("T")

TAIL_SHARE: Final = 0.05
"""Share of words drawn from the derived tail of rare syllables."""
TAIL_EXPONENT: Final = 1.6
"""Tail syllable of rank r weighs 1 / (r + fixture syllables) ** TAIL_EXPONENT: the tail
continues the fixtures' rank/frequency curve and thins out faster (rarest: ~1 in 20 million
words, so a few hundred articles in a million)."""
ZIPF_EXPONENT: Final = 1.0
"""For authors, categories, sites and codes."""
TAIL_PER_WINDOW: Final = TAIL_SHARE * 6.5
"""Windows are 3–10 words (6.5 on average): one tail word after this share of them."""
PLANTED: Final = TAIL_PER_WINDOW + 0.04
"""Below this roll a window is followed by a tail word, a code, a number or a province."""
OLD_STYLE_SHARE: Final = 0.04
FIRST_YEAR: Final = 2008
LAST_DAY: Final = date(2026, 6, 30)
FETCHED_FROM: Final = datetime(2026, 7, 1, tzinfo=UTC)

TONES: Final = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
STOP_TONES: Final = ("\u0301", "\u0323")
ONSETS: Final = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "r", "s", "t", "v", "x",
)  # fmt: skip
"""Longest first, so that "ngh" wins over "ng" and "gi"/"qu" over "g"/"q"."""
FRONT_VOWELS: Final = ("i", "e", "ê", "y")
VOWELS: Final = frozenset("aăâeêioôơuưy")

# A word of text: letters and digits, with inner dots, commas, slashes and hyphens
# ("1.236", "96,8", "43-NQ/TW"); what surrounds it is punctuation.
WORD_RE: Final = re.compile(r"\w+(?:[.,/-]\w+)*")
SENTENCE_END_RE: Final = re.compile(r"(?<=[.!?;])\s+")
QUOTES: Final = str.maketrans("", "", '“”"()‘’[]')
ACRONYM_RE: Final = re.compile(r"[A-ZĐ]{2,}(?:[/-][A-ZĐ0-9]+)*")
NUMBER_RE: Final = re.compile(r"\d+(?:[.,/-]\w+)*%?")
# str.replace is many times faster than str.translate on non-ASCII text.
KEY_FOLD: Final = (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'"), ("–", "-"), ("—", "-"))
TEXT_ELEMENTS: Final = ("p", "h1", "h2", "h3", "h4", "figcaption", "a", "title", "strong", "em")

CATEGORIES: Final = (
    "Công tác dân vận",
    "Dân vận khéo",
    "Địa phương, đơn vị",
    "Tin tức - Sự kiện",
    "Đưa nghị quyết vào cuộc sống",
    "Mặt trận và Đoàn thể",
    "Dân chủ và Dân vận",
    "Nghiên cứu - Trao đổi",
    "Chỉ đạo - Định hướng",
    "Hoạt động của Ban",
    "Dân tộc - Tôn giáo",
    "Quy chế dân chủ ở cơ sở",
    "Gương điển hình",
    "Văn bản chỉ đạo",
    "Hòa giải ở cơ sở",
)
PROVINCES: Final = (
    "Hà Nội", "Thành phố Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Nghệ An",
    "Thanh Hóa", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Quảng Nam",
    "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận", "Gia Lai",
    "Kon Tum", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Đồng Nai", "Bình Dương", "Tây Ninh",
    "Long An", "Tiền Giang", "Bến Tre", "Vĩnh Long", "Trà Vinh", "Sóc Trăng", "An Giang",
    "Kiên Giang", "Cà Mau", "Bạc Liêu", "Lào Cai", "Yên Bái", "Hà Giang", "Cao Bằng",
)  # fmt: skip
SURNAMES: Final = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 1.5),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Điểu", 0.3), ("Thạch", 0.3),
)  # fmt: skip
MIDDLE_NAMES: Final = (
    "Văn", "Thị", "Minh", "Thanh", "Hữu", "Đức", "Ngọc", "Quang", "Thu", "Hoàng", "Xuân",
    "Kim", "Anh", "Hồng", "Công", "Trung", "Bích", "Mạnh",
)  # fmt: skip
GIVEN_NAMES: Final = (
    "Anh", "Hùng", "Dũng", "Hà", "Hương", "Hưng", "Khoa", "Trúc", "Toàn", "Luân", "Lan",
    "Linh", "Long", "Nam", "Phong", "Quân", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn",
    "Việt", "Vinh", "Yến", "Hòa", "Bình", "Hiếu", "Giang", "Hải", "Huy", "Khánh", "Mai", "Nga",
    "Nhung", "Phúc", "Quyên", "Thắng", "Trí", "Tú", "Châu", "Đông", "Khuê", "Loan", "Nhàn",
    "Quý", "Thoa", "Uyên", "Vân",
)  # fmt: skip
ANONYMOUS: Final = ("PV", "BTV", "CTV", "TH")
SOURCES: Final = ("Báo Nhân Dân", "Báo Đại Đoàn Kết", "TTXVN", "danvan.vn", "Báo Quân đội nhân dân")
CODE_KINDS: Final = (
    ("NQ/TW", "Nghị quyết số"), ("CT/TW", "Chỉ thị số"), ("KL/TW", "Kết luận số"),
    ("QĐ/TW", "Quyết định số"), ("HD/BDVTW", "Hướng dẫn số"), ("KH/BDVTU", "Kế hoạch số"),
    ("NQ/TU", "Nghị quyết số"),
)  # fmt: skip
FIXTURE_CODES: Final = ("25-NQ/TW", "43-KL/TW", "12-KH/BDVTU")
NUMBER_UNITS: Final = ("cuộc", "hộ", "mô hình", "lượt người", "ý kiến", "đảng viên", "tỷ đồng")


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyntheticSite:
    key: str
    name: str
    province: str | None
    domain: str
    family: str

    def profile(self) -> SiteProfile:
        """A profile to save with ``ArchiveRepository.save_site`` (registered sites: theirs)."""
        if self.key in SITES:
            return SITES[self.key]
        return SiteProfile(
            key=self.key,
            name=self.name,
            province=self.province,
            domains=(self.domain,),
            start_urls=(f"https://{self.domain}/news/",),
            family=NUKEVIET,
        )


@dataclass(frozen=True, slots=True)
class Weighted(Generic[T]):
    """Items with cumulative weights, for ``rng.choices``; ``items`` are in rank order."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def zipf(
        cls, items: Sequence[T], exponent: float = ZIPF_EXPONENT, offset: int = 0
    ) -> Weighted[T]:
        weights = [1 / (offset + rank) ** exponent for rank in range(1, len(items) + 1)]
        return cls.of(items, weights)

    @classmethod
    def of(cls, items: Sequence[T], weights: Sequence[float]) -> Weighted[T]:
        return cls(tuple(items), tuple(itertools.accumulate(weights)))

    def draw(self, rng: random.Random) -> T:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


@dataclass(frozen=True, slots=True)
class CorpusModel:
    """Everything ``generate`` draws from, built once from the fixtures and the seed."""

    sentences: tuple[tuple[str, ...], ...]
    """Fixture sentences as words (punctuation attached, quotes removed), no final stop."""
    fixture_words: Counter[str]
    """Lower-case syllables of the fixture sentences with their counts."""
    bigrams: tuple[str, ...]
    """Adjacent syllable pairs of the fixture sentences, most frequent first."""
    tail: Weighted[str]
    """Derived syllables not in the fixtures, Zipf-weighted."""
    sites: Weighted[SyntheticSite]
    authors: Weighted[str]
    categories: Weighted[str]
    codes: Weighted[str]
    old_style: dict[str, str]
    """Syllables in the tone-on-first style (hòa, Thủy) and their hoà/Thuỷ spelling."""


def build_model(seed: int) -> CorpusModel:
    """The model of a corpus: the same seed gives the same model."""
    return _build_model(seed)


@functools.cache
def _build_model(seed: int) -> CorpusModel:
    rng = random.Random(f"model-{seed}")
    sentences = _fixture_sentences()
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    for sentence in sentences:
        syllables = [_bare(word).lower() for word in sentence]
        words.update(s for s in syllables if is_vietnamese_syllable(s))
        for first, second in itertools.pairwise(syllables):
            if is_vietnamese_syllable(first) and is_vietnamese_syllable(second):
                pairs[f"{first} {second}"] += 1
    derived = sorted(_derived_syllables(words) - set(words))
    rng.shuffle(derived)
    sites = _sites(rng)
    authors = _authors(rng)
    codes = list(FIXTURE_CODES)
    while len(codes) < 200:
        suffix, _ = rng.choice(CODE_KINDS)
        code = f"{rng.randint(1, 150):02d}-{suffix}"
        if code not in codes:
            codes.append(code)
    vocabulary = set(words) | set(derived)
    vocabulary |= {w for name in authors for w in name.lower().split()}
    old_style: dict[str, str] = {}
    for word in vocabulary:
        for form in (word, word.capitalize()):
            other = retone(form, tone_on_first=False)
            if other != form:
                old_style[form] = other
    categories = list(CATEGORIES)
    rng.shuffle(categories)
    return CorpusModel(
        sentences=tuple(sentences),
        fixture_words=words,
        bigrams=tuple(pair for pair, _ in pairs.most_common()),
        tail=Weighted.zipf(derived, TAIL_EXPONENT, offset=len(words)),
        sites=Weighted.zipf(sites, 0.8),
        authors=Weighted.zipf(authors),
        categories=Weighted.zipf(categories),
        codes=Weighted.zipf(codes),
        old_style=old_style,
    )


def _fixture_sentences() -> list[tuple[str, ...]]:
    texts: list[str] = []
    for path in sorted(PAGES.glob("*/*/expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "body" not in data:
            continue
        texts += [data["title"], data.get("lead") or "", *data["body"]]
        texts += [caption["text"] for caption in data["captions"]]
    # Page chrome ("Những tin cũ hơn", menus, footers) repeats from page to page: a text on
    # three pages or more is left out.
    pages: Counter[str] = Counter()
    for path in [*sorted(SITE_PAGES.glob("*/pages/*.html")), *sorted(PAGES.glob("*/*/*.html"))]:
        document = lxml.html.fromstring(path.read_bytes())
        on_page = [
            clean_text(element.text_content())
            for element in document.iter(*TEXT_ELEMENTS)
            if isinstance(element, lxml.html.HtmlElement)
        ]
        pages.update(list(dict.fromkeys(on_page)))
    texts += [text for text, count in pages.items() if count < 3]
    sentences: dict[tuple[str, ...], None] = {}
    for text in dict.fromkeys(clean_text(text) for text in texts):
        for sentence in SENTENCE_END_RE.split(text.replace("\n", " ")):
            words = tuple(w for w in sentence.translate(QUOTES).rstrip(".!?;: ").split() if w)
            if len(words) >= 4 and _is_prose(words):
                sentences[words] = None
    return list(sentences)


def _bare(word: str) -> str:
    match = WORD_RE.search(word)
    return match.group() if match else ""


def _is_prose(words: Sequence[str]) -> bool:
    """Vietnamese syllables, numbers and acronyms only (no mojibake, no URLs)."""
    good = 0
    for word in words:
        bare = _bare(word)
        if is_vietnamese_syllable(bare) or NUMBER_RE.fullmatch(bare) or ACRONYM_RE.fullmatch(bare):
            good += 1
        elif "/" in word or "@" in word or "." in bare:
            return False
    return good >= 0.95 * len(words)


def _split_syllable(base: str) -> tuple[str, str]:
    onset = next((o for o in ONSETS if base.startswith(o)), "")
    rest = base[len(onset) :]
    if onset == "gi" and (not rest or rest[0] not in VOWELS):
        onset, rest = "g", base[1:]
    return onset, rest


def _derived_syllables(seen: Counter[str]) -> set[str]:
    """Onset × rhyme × tone of the syllables seen, where Vietnamese spelling allows it."""
    onsets: set[str] = set()
    rhymes: set[str] = set()
    for syllable in seen:
        base = "".join(
            c
            for c in unicodedata.normalize("NFD", syllable)
            if c not in "\u0300\u0301\u0303\u0309\u0323"
        )
        onset, rhyme = _split_syllable(unicodedata.normalize("NFC", base))
        if rhyme and rhyme[0] in VOWELS:
            onsets.add(onset)
            rhymes.add(rhyme)
    derived: set[str] = set()
    for onset, rhyme in itertools.product(sorted(onsets), sorted(rhymes)):
        front = rhyme.startswith(FRONT_VOWELS)
        if (onset == "k" and not front) or (onset == "c" and front):
            continue
        if (onset in ("gh", "ngh") and not front) or (onset in ("g", "ng") and front):
            continue
        if (onset == "qu" and rhyme[0] in "uư") or (onset == "gi" and rhyme[0] == "i"):
            continue
        if rhyme.startswith("yê") != (onset == "") and rhyme.startswith(("yê", "iê")):
            continue  # yết, yên stand alone; with an onset it is iê: tiết, yên but tiên
        stop = rhyme.endswith(("p", "t", "c", "ch"))
        for tone in STOP_TONES if stop else TONES:
            syllable = unicodedata.normalize("NFC", _place_tone(onset + rhyme, tone))
            if is_vietnamese_syllable(syllable):
                derived.add(syllable)
    return derived


def _place_tone(base: str, tone: str) -> str:
    if not tone:
        return base
    onset, rhyme = _split_syllable(base)
    vowel = next(i for i, c in enumerate(rhyme) if c in VOWELS)
    placed = onset + rhyme[: vowel + 1] + tone + rhyme[vowel + 1 :]
    return retone(unicodedata.normalize("NFC", placed), tone_on_first=True)


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", fold_diacritics(text).lower()))


def _sites(rng: random.Random) -> list[SyntheticSite]:
    registered = [
        SyntheticSite(p.key, p.name, p.province, p.domains[0], p.family.name)
        for p in SITES.values()
    ]
    provinces = list(PROVINCES)
    rng.shuffle(provinces)
    synthetic = [
        SyntheticSite(
            key=f"bdv-{_slug(province)}",
            name=f"Ban Dân vận Tỉnh ủy {province}",
            province=province,
            domain=f"dan-van.{_slug(province).replace('-', '')}.gov.vn",
            family=NUKEVIET.name,
        )
        for province in provinces
    ]
    # The national portals publish most; provincial ones follow in a seeded order.
    return [*registered[:2], synthetic[0], registered[2], *synthetic[1:]]


def _authors(rng: random.Random) -> list[str]:
    surnames = Weighted.of([s for s, _ in SURNAMES], [w for _, w in SURNAMES])
    names: dict[str, None] = {}
    while len(names) < 300:
        given = rng.choice(GIVEN_NAMES)
        middle = rng.choice(MIDDLE_NAMES)
        if rng.random() < 0.35:
            name = f"{middle} {given}"  # pen names as printed: "Thanh Trúc", "Minh Anh"
        else:
            name = f"{surnames.draw(rng)} {middle} {given}"
        names[name] = None
    return list(names)


# --- text ------------------------------------------------------------------------------------


class _Writer:
    """Sentences, paragraphs and bylines for one corpus, from one random stream."""

    def __init__(self, model: CorpusModel, rng: random.Random) -> None:
        self.model = model
        self.rng = rng
        self.sentence_count = len(model.sentences)

    def words(self, count: int, province: str | None) -> list[str]:
        """About ``count`` words of running text: fixture windows with rare and planted words."""
        random_ = self.rng.random
        sentences, total = self.model.sentences, self.sentence_count
        out: list[str] = []
        while len(out) < count:
            source = sentences[int(random_() * total)]
            width = min(len(source), 3 + int(random_() * 8))
            start = int(random_() * (len(source) - width + 1))
            out += source[start : start + width]
            roll = random_()
            if roll >= PLANTED:
                continue
            if roll < TAIL_PER_WINDOW:
                out.append(self.model.tail.draw(self.rng))
            elif roll < TAIL_PER_WINDOW + 0.012:
                code = self.model.codes.draw(self.rng)
                kind = next(name for suffix, name in CODE_KINDS if code.endswith(suffix))
                out += [*kind.split(), code]
            elif roll < TAIL_PER_WINDOW + 0.03:
                out += [self.number(), self.rng.choice(NUMBER_UNITS)]
            else:
                out += ["tỉnh", *(province or self.rng.choice(PROVINCES)).split()]
        return out

    def number(self) -> str:
        rng = self.rng
        if rng.random() < 0.3:
            return f"{rng.randint(50, 99)},{rng.randint(1, 9)}%"
        value = int(10 ** (1 + rng.random() * 4))
        return f"{value:,}".replace(",", ".")

    def sentence(self, count: int, province: str | None, stop: str = ".") -> str:
        words = self.words(count, province)
        words[-1] = words[-1].rstrip(",:;")
        text = " ".join(words)
        return text[0].upper() + text[1:] + stop

    def paragraph(self, count: int, province: str | None) -> str:
        sentences: list[str] = []
        written = 0
        while written < count:
            length = min(count - written, 8 + int(self.rng.random() * 22))
            length = max(length, 5)
            sentences.append(self.sentence(length, province))
            written += length
        return " ".join(sentences)

    def body(self, province: str | None) -> list[str]:
        rng = self.rng
        paragraphs = rng.choices(range(3, 16), weights=BODY_PARAGRAPHS)[0]
        body: list[str] = []
        for _ in range(paragraphs):
            kind = rng.random()
            if kind < 0.08 and body:
                body.append(self.sentence(6 + int(rng.random() * 9), province, stop=""))
            elif kind < 0.13:
                body.append(self.paragraph(80 + int(rng.random() * 120), province))
            else:
                body.append(self.paragraph(int(rng.triangular(20, 80, 50)), province))
        return body

    def byline(self, province: str | None) -> Byline | None:
        rng = self.rng
        author = self.model.authors.draw(rng)
        roll = rng.random()
        if roll < 0.05:
            return None
        if roll < 0.42:
            return Byline(raw=author, authors=(Author(author),))
        if roll < 0.57:
            organisation = f"Ban Dân vận Tỉnh ủy {province or rng.choice(PROVINCES)}"
            return Byline(
                raw=f"{author}, {organisation}",
                authors=(Author(author),),
                organisation=organisation,
            )
        if roll < 0.67:
            return Byline(raw=f"Bài, ảnh: {author}", authors=(Author(author),), role="Bài, ảnh")
        if roll < 0.77:
            second = self.model.authors.draw(rng)
            return Byline(raw=f"{author} - {second}", authors=(Author(author), Author(second)))
        if roll < 0.82:
            return Byline(
                raw=f"{author} (tổng hợp)", authors=(Author(author),), qualifier="tổng hợp"
            )
        if roll < 0.85:
            title = rng.choice(("TS.", "ThS.", "PGS.TS."))
            return Byline(raw=f"{title} {author}", authors=(Author(author, title=title),))
        if roll < 0.93:
            source = rng.choice((*SOURCES, f"Báo {province or rng.choice(PROVINCES)}"))
            return Byline(raw=f"Theo {source}", source=source)
        marker = rng.choice(ANONYMOUS)
        return Byline(raw=marker, authors=(Author(marker, anonymous=True),))


# Body paragraph counts 3..15: mode 5, the fixtures' 3–9 with a tail to 15.
BODY_PARAGRAPHS: Final = (10, 16, 18, 15, 11, 8, 6, 4, 3, 3, 2, 2, 2)


def _old_style(text: str, table: dict[str, str]) -> str:
    return re.sub(r"\w+", lambda m: table.get(m.group(), m.group()), text)


def _approximate_key(text: str) -> str:
    for printed, folded in KEY_FOLD:
        text = text.replace(printed, folded)
    return " ".join(text.casefold().split())


def with_fast_keys(article: Article) -> Article:
    """``title_key``/``body_key`` approximating ``text_key``; ``content_hash`` from them."""
    article.title_key = _approximate_key(article.title or "")
    article.body_key = _approximate_key("\n".join(article.body))
    article.content_hash = content_hash(article.title_key, article.body_key)
    return article


# --- the corpus ------------------------------------------------------------------------------


def site_profiles(seed: int) -> list[SiteProfile]:
    """The sites of the corpus of ``seed``, to save before its articles."""
    return [site.profile() for site in build_model(seed).sites.items]


def generate(n: int, seed: int, *, normalize: bool = False) -> Iterator[Article]:
    """``n`` articles of the corpus of ``seed``, the same ones every time."""
    model = build_model(seed)
    rng = random.Random(seed)
    writer = _Writer(model, rng)
    days = (LAST_DAY - date(FIRST_YEAR, 1, 1)).days + 1
    # More is published (and kept online) in recent years: density grows linearly.
    day_weights = Weighted.of(range(days), [1 + 3 * d / days for d in range(days)])
    for index in range(n):
        site = model.sites.draw(rng)
        province = site.province
        category = model.categories.draw(rng)
        published: datetime | None = None
        if rng.random() >= 0.01:
            day = date(FIRST_YEAR, 1, 1) + timedelta(days=day_weights.draw(rng))
            minute = 6 * 60 + int(rng.random() * 16 * 60)
            published = datetime(
                day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=VIETNAM_TZ
            )
        title = writer.sentence(10 + int(rng.random() * 15), province, stop="")
        lead = None
        if rng.random() < 0.85:
            lead = writer.paragraph(25 + int(rng.random() * 36), province)
        body = writer.body(province)
        article_id = str(10_000 + index)
        folder = f"{published:%Y_%m}" if published else "2026_07"
        captions = [
            Caption(
                text=writer.sentence(8 + int(rng.random() * 15), province)
                + (" (Ảnh: " + model.authors.draw(rng) + ")" if rng.random() < 0.3 else ""),
                image_url=f"https://{site.domain}/uploads/news/{folder}/image-{article_id}-{k}.jpg",
            )
            for k in range(rng.choices(range(4), weights=(30, 45, 18, 7))[0])
        ]
        images = [c.image_url for c in captions if c.image_url]
        if rng.random() < 0.2:
            images.append(f"https://{site.domain}/uploads/news/{folder}/anh-{article_id}.jpg")
        if rng.random() < OLD_STYLE_SHARE:
            table = model.old_style
            title = _old_style(title, table)
            lead = _old_style(lead, table) if lead else None
            body = [_old_style(paragraph, table) for paragraph in body]
            captions = [Caption(_old_style(c.text, table), c.image_url) for c in captions]
        url = (
            f"https://{site.domain}/news/{_slug(category)}/"
            f"{'-'.join(_slug(title).split('-')[:10])}-{article_id}.html"
        )
        article = Article(
            url=url,
            canonical_url=url,
            site_key=site.key,
            site_article_id=article_id,
            title=title,
            lead=lead,
            published_at=published,
            published_raw=f"{published:%d/%m/%Y %H:%M}" if published else None,
            published_source=".news_column span.h5" if published else None,
            body=body,
            captions=captions,
            byline=writer.byline(province),
            category=category,
            tags=[model.bigrams[int(rng.random() * 200)] for _ in range(rng.randint(0, 4))],
            image_urls=images,
            attachments=(
                [Attachment(f"https://{site.domain}/uploads/van-ban-{article_id}.pdf", title)]
                if rng.random() < 0.02
                else []
            ),
            fetched_at=FETCHED_FROM + timedelta(seconds=index),
            family=site.family,
            parser_revision=f"{site.family}@1/{site.key}@1",
        )
        yield normalize_article(article) if normalize else with_fast_keys(article)


# --- statistics --------------------------------------------------------------------------------


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    model = build_model(args.seed)
    built = time.perf_counter() - started
    print(
        f"model: {len(model.sentences)} fixture sentences, {len(model.fixture_words)} fixture "
        f"syllables, {len(model.tail.items)} derived tail syllables, "
        f"{len(model.sites.items)} sites, {len(model.authors.items)} authors ({built:.1f} s)"
    )
    started = time.perf_counter()
    articles = list(generate(args.n, args.seed))
    spent = time.perf_counter() - started
    print(f"{args.n} articles in {spent:.2f} s ({spent / args.n * 1e6:.0f} µs per article)")
    print(json.dumps(articles[0].to_dict(), ensure_ascii=False, indent=1)[:3000])
    frequency: Counter[str] = Counter()
    for article in articles:
        text = " ".join([article.title or "", article.lead or "", *article.body])
        frequency.update(w.lower() for w in re.findall(r"[^\W\d_]+", text))
    ranked = frequency.most_common()
    print(f"distinct words {len(ranked)}, tokens {sum(frequency.values())}")
    for rank in (1, 2, 5, 10, 30, 100, 300, 1000, 3000, 10000):
        if rank <= len(ranked):
            word, count = ranked[rank - 1]
            print(f"  rank {rank:>5}: {word:<10} {count:>8}  rank×count {rank * count:>9}")
    paragraphs = [len(a.body) for a in articles]
    lengths = [len(p.split()) for a in articles for p in a.body]
    print(
        f"paragraphs/article: median {statistics.median(paragraphs)}, "
        f"range {min(paragraphs)}–{max(paragraphs)}; words/paragraph: median "
        f"{statistics.median(lengths)}, p10 {statistics.quantiles(lengths, n=10)[0]:.0f}, "
        f"p90 {statistics.quantiles(lengths, n=10)[-1]:.0f}"
    )
    print("sites:", Counter(a.site_key for a in articles).most_common(6))
    hashes = {hashlib.sha1((a.url or "").encode()).hexdigest() for a in articles}
    print(f"unique urls: {len(hashes) == len(articles)}")


if __name__ == "__main__":
    _main()
