"""Which platform family built a page: the generator a CMS prints, its markup, its URLs.

Each family lists its signs (``Markers``); a page is scored against every family, each
sign found adding its weight (combined as independent clues: 1 - Π(1 - w)), and the best
family is named when its confidence reaches ``ACCEPT``. The evidence is kept in words, so
``dvcrawl detect`` can say why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from dvcrawl.discovery.frontier import SiteAddress
from dvcrawl.discovery.grammar import RouteKind
from dvcrawl.discovery.links import page_links

if TYPE_CHECKING:
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites.profile import Family

ACCEPT = 0.6
# Links that the family's grammar reads as articles (or listings): a few make the URL
# scheme a clue, a dozen articles a strong one (other CMSes share parts of any scheme).
URL_CLUE_ARTICLES = (3, 12)


@dataclass(frozen=True, slots=True)
class Marker:
    """A sign in a page's HTML: a pattern, what it shows, and how much it weighs (0–1)."""

    label: str
    pattern: re.Pattern[str]
    weight: float


@dataclass(frozen=True, kw_only=True, slots=True)
class Markers:
    """A family's signs: the ``<meta name="generator">`` it prints, its markup, and how much
    its URL scheme weighs when a page's links follow it."""

    generator: re.Pattern[str] | None = None
    markup: tuple[Marker, ...] = ()
    urls: float = 0.5


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: str
    """``generator``, ``markup`` or ``urls``."""
    detail: str
    weight: float


@dataclass(frozen=True, slots=True)
class FamilyScore:
    family: str
    confidence: float
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Detection:
    """The verdict on one page: the family (``None``: none recognised) and every score."""

    url: str
    family: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    scores: tuple[FamilyScore, ...] = field(default=())

    def describe(self) -> str:
        """One line: the family and its confidence, or that none was recognised."""
        if self.family is None:
            best = self.scores[0] if self.scores else None
            tried = ", ".join(score.family for score in self.scores)
            closest = f"; closest: {best.family} at {best.confidence:.2f}" if best else ""
            return f"no platform family recognised at {self.url} (tried {tried}{closest})"
        return f"{self.family} (confidence {self.confidence:.2f})"


def detect(page: Page, families: Iterable[Family]) -> Detection:
    scores = sorted(
        (score_family(page, family) for family in families),
        key=lambda score: score.confidence,
        reverse=True,
    )
    best = scores[0] if scores else None
    if best is None or best.confidence < ACCEPT:
        return Detection(page.url, None, best.confidence if best else 0.0, (), tuple(scores))
    return Detection(page.url, best.family, best.confidence, best.evidence, tuple(scores))


def score_family(page: Page, family: Family) -> FamilyScore:
    markers = family.markers
    evidence: list[Evidence] = []
    if markers.generator is not None:
        generator = page.selector.xpath(
            "//meta[translate(@name, 'GENRATO', 'genrato')='generator']/@content"
        ).get()
        if generator and markers.generator.search(generator):
            evidence.append(
                Evidence("generator", f'<meta name="generator" content="{generator}">', 0.9)
            )
    for marker in markers.markup:
        if marker.pattern.search(page.text):
            evidence.append(Evidence("markup", marker.label, marker.weight))
    articles, listings = _grammar_links(page, family)
    if max(articles, listings) >= URL_CLUE_ARTICLES[0]:
        weight = markers.urls if articles >= URL_CLUE_ARTICLES[1] else markers.urls / 2
        evidence.append(
            Evidence(
                "urls",
                f"{articles} article links and {listings} listing links follow the "
                f"{family.name} URL scheme",
                weight,
            )
        )
    doubt = 1.0
    for item in evidence:
        doubt *= 1.0 - item.weight
    return FamilyScore(family.name, round(1.0 - doubt, 4), tuple(evidence))


def _grammar_links(page: Page, family: Family) -> tuple[int, int]:
    """How many distinct articles and listings of the page's own site it links to."""
    site = SiteAddress.of([_host(page.url)], [page.url])
    articles: set[str] = set()
    listings: set[str] = set()
    for url in page_links(page).anchors:
        if not site.holds(url):
            continue
        route = family.grammar.route(url)
        if route.skip is not None:
            continue
        if route.kind is RouteKind.ARTICLE:
            articles.add(route.key)
        elif route.kind is RouteKind.LISTING:
            listings.add(route.key)
    return len(articles), len(listings)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")
