"""Pages that stand where an article should and hold none, told apart from articles.

A site answers an article's address with HTTP 200 and something else: its "not found"
page, a refusal ("Access denied", a firewall's or a rate limit's page), a bot check (a
captcha, a browser challenge such as "Just a moment..."), a maintenance notice, or its
article template with nothing in it. ``page_drop`` names which, from what such pages
print everywhere: their ``<title>``, headings and alert boxes, the widgets and scripts of
the well-known bot checks, the family's article container left empty, and what the
crawl's soft-404 probe learned of this site (``dvcrawl.discovery.soft404``).

Only a page that holds no article of substance is looked at: a real article keeps its
comment form's captcha, and a short one may well speak of a road "closed for
maintenance". Where the family's article container is on the page, only the site's own
"not found" wording counts (a short item inside the template is an article).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dvcrawl.items import PageDrop
from dvcrawl.parsing.dom import first_match
from dvcrawl.text import fold_diacritics

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from lxml import etree

    from dvcrawl.discovery.soft404 import NotFoundPage
    from dvcrawl.items import Article
    from dvcrawl.parsing.page import Page
    from dvcrawl.sites.profile import ArticleRules

# A page with at least this many words of body text and a title is an article.
ARTICLE_WORDS = 50
# Notices are a line or two; a longer heading or alert is read only this far.
NOTICE_CHARS = 300
# A page whose whole text (menus and footer included) is this short is a notice page at
# most: read whole, wherever it prints its message (a bare <div>, a table cell).
NOTICE_PAGE_CHARS = 1500
PAGE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
# NukeViet prints a "JavaScript is off" alert in <noscript> on every page: not a notice.
NOTICE_ELEMENTS = (
    "(//title | //h1 | //h2 | //h3 | //*[@role='alert']"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' alert ')])"
    "[not(ancestor::noscript)]"
)

# The well-known browser checks: Cloudflare's challenge page ("Just a moment...") and
# the forms and scripts of its kind. No article page carries them.
BROWSER_CHECKS = (
    "#challenge-form",
    "#challenge-running",
    "#challenge-stage",
    "#cf-challenge-running",
    ".cf-browser-verification",
    "script[src*='/cdn-cgi/challenge-platform/']",
)
# Captchas: the widgets of Turnstile, reCAPTCHA and hCaptcha, or a site's own image or
# field named so. Read only on a page without the article container: a template's comment
# form has one too.
CAPTCHAS = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' cf-turnstile ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' g-recaptcha ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' h-captcha ')"
    " or @data-sitekey]"
    " | //script[contains(@src, 'recaptcha/api') or contains(@src, 'hcaptcha.com')"
    " or contains(@src, 'challenges.cloudflare.com')]"
    " | //img[contains(translate(@src, 'CAPTCH', 'captch'), 'captcha')]"
    " | //input[contains(translate(@name, 'CAPTCH', 'captch'), 'captcha')]"
    " | //*[contains(translate(@id, 'CAPTCH', 'captch'), 'captcha')]"
)


def _patterns(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# What such pages say, read without diacritics and in lower case (English and Vietnamese:
# firewalls and CDNs print English, the CMS its own language).
NOT_FOUND_WORDS = _patterns(
    r"\b(?:page|file|article|post|document) not found\b",
    r"^\s*(?:404\s*[-:|–]?\s*)?not found\b",
    r"\b(?:error|loi)(?: truy cap)?\s*:?\s*404\b",
    r"^\s*404\s*(?:$|[-:|–]|not\b)",
    r"\bkhong tim thay (?:trang|bai viet|noi dung|tin|du lieu|duong dan|dia chi)\b",
    r"\b(?:trang|bai viet|noi dung|tin bai|duong dan)(?: ban (?:yeu cau|tim|truy cap))?"
    r" (?:nay )?khong (?:ton tai|co that)\b",
    r"\bkhong ton tai tren (?:he thong|may chu)\b",
    r"\b(?:bai viet|tin bai|noi dung) (?:da )?bi (?:xoa|go)\b",
)
BLOCKED_WORDS = _patterns(
    r"\baccess (?:denied|forbidden)\b",
    r"\b403\b.{0,3}\bforbidden\b",
    r"^\s*forbidden\b",
    r"\brequest (?:blocked|rejected|denied)\b",
    r"\byou (?:have been|are|were) blocked\b",
    r"\bweb ?page blocked\b",
    r"\bwebsite firewall\b",
    r"\btoo many requests\b",
    r"\brate limit(?:ed)?\b",
    r"\b(?:truy cap )?bi tu choi\b",
    r"\btu choi truy cap\b",
    r"\bkhong co quyen truy cap\b",
    r"\bbi chan truy cap\b",
)
CHALLENGE_WORDS = _patterns(
    r"\bjust a moment\b",
    r"\bchecking (?:your browser|if the site connection)\b",
    r"\battention required\b",
    r"\bverify(?:ing)? (?:that )?you are (?:a )?human\b",
    r"\bare you (?:a )?(?:robot|human)\b",
    r"\bhuman verification\b",
    r"\bsecurity check\b",
    r"\bddos protection\b",
    r"\bone more step\b",
    r"\benable javascript and cookies\b",
    r"\bcaptcha\b",
    r"\bxac minh (?:ban|nguoi dung|truy cap|khong phai)\b",
    r"\b(?:nhap|go|dien) ma (?:xac nhan|xac minh|bao mat|kiem tra)\b",
    r"\bkiem tra trinh duyet\b",
)
UNAVAILABLE_WORDS = _patterns(
    r"\b(?:down for |under |scheduled )?maintenance\b",
    r"\bunder construction\b",
    r"\bservice (?:temporarily )?unavailable\b",
    r"\bdang (?:duoc )?bao tri\b",
    r"\b(?:tam )?(?:ngung|dung) hoat dong\b",
    r"\bdang (?:duoc )?nang cap\b",
)
# Checked in this order: a firewall's captcha page says "Access denied" too.
NOTICE_KINDS = (
    ("ChallengePage", CHALLENGE_WORDS),
    ("BlockedPage", BLOCKED_WORDS),
    ("SoftNotFound", NOT_FOUND_WORDS),
    ("UnavailablePage", UNAVAILABLE_WORDS),
)


def page_drop(
    page: Page,
    article: Article,
    rules: ArticleRules,
    not_found: NotFoundPage | None = None,
) -> PageDrop | None:
    """Why ``page`` (which extracted to ``article``) holds no article; ``None`` if it may.

    ``not_found`` is what the site answered the crawl's probe for a missing article.
    """
    if not_found is not None and not_found.matches(article):
        return PageDrop("SoftNotFound", "the page the site shows for a missing article")
    if article.title and _words(article.body, ARTICLE_WORDS) >= ARTICLE_WORDS:
        return None
    if page.headers.get("cf-mitigated", "").lower() == "challenge":
        return PageDrop("ChallengePage", "a Cloudflare challenge (cf-mitigated: challenge)")
    selector = page.selector
    for css in BROWSER_CHECKS:
        if selector.css(css):
            return PageDrop("ChallengePage", f"a browser check ({css})")
    in_template = bool(rules.body) and bool(first_match(selector, rules.body))
    texts = [_folded(text) for text in _notice_texts(page, article)]
    for reason, words in NOTICE_KINDS:
        if in_template and reason != "SoftNotFound":
            continue
        for text in texts:
            found = words.search(text)
            if found:
                return PageDrop(reason, f"says {found.group(0).strip()!r}")
    # Only outside the template: where every page is titled alike, a short article would
    # be taken for the probe's page.
    title = selector.xpath("string(//title)").get("")
    if not_found is not None and not in_template and not_found.titles(title):
        return PageDrop("SoftNotFound", "titled as the site's page for a missing article")
    if in_template and not article.title and not article.body:
        return PageDrop("EmptyArticle", "the article template holds no title and no text")
    if not in_template and selector.xpath(CAPTCHAS):
        return PageDrop("ChallengePage", "a captcha")
    return None


def _words(paragraphs: Iterable[str], enough: int) -> int:
    """How many words the paragraphs hold, counted up to ``enough``."""
    count = 0
    for paragraph in paragraphs:
        count += len(paragraph.split())
        if count >= enough:
            break
    return count


def _notice_texts(page: Page, article: Article) -> Iterator[str]:
    """The texts a notice is printed in: the title, headings and alert boxes, and what
    little the article extraction found."""
    for node in page.selector.xpath(NOTICE_ELEMENTS):
        element: etree._Element = node.root
        yield _bounded_text(element.itertext())
    if article.title:
        yield article.title
    yield from article.body
    page_text = " ".join(page.selector.xpath(PAGE_TEXT).getall())
    if len(page_text) <= NOTICE_PAGE_CHARS:
        yield page_text


def _bounded_text(parts: Iterable[str | bytes]) -> str:
    text = ""
    for part in parts:
        text += part if isinstance(part, str) else part.decode("utf-8", "replace")
        if len(text) >= NOTICE_CHARS:
            break
    return text[:NOTICE_CHARS]


def _folded(text: str) -> str:
    return " ".join(fold_diacritics(text).lower().split())
