"""A synthetic NukeViet portal on 127.0.0.1 whose article addresses answer what a hostile
web serves in an article's place.

The portal is ``nukeviet_sites``' (sitemaps list every article). Articles chosen by kind
answer instead: the site's "not found" page with HTTP 200 (in the article template, and
NukeViet's own notice page), a captcha form, a Cloudflare-style browser check, "Access
denied", the article template left empty, a gzip bomb, a corrupt gzip body, a redirect to
an address of 3,000 characters, a page nested 5,000 elements deep (``KINDS``), a 30 MB
article (``huge``), or one of 1 MB (``large``). The home page also links that long
address. ``challenge_everything`` makes every article answer the browser check. Every path
asked for is counted in ``requests``.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from local_server import QuietHandler, local_server
from nukeviet_sites import Category, Module, SiteConfig, SiteTruth, build_site
from w3lib.url import canonicalize_url

SITE = SiteConfig(
    "hostile",
    "named",
    (
        Module(
            name="news",
            title="Tin tức",
            home_template="viewcat_page_new",
            categories=(
                Category("tin-hoat-dong", "Tin hoạt động"),
                Category("dan-van-kheo", "Dân vận khéo", "viewcat_list_new"),
            ),
            articles=16,
            per_page=8,
        ),
    ),
)
HTML = {"Content-Type": "text/html; charset=utf-8"}
# What each kind of page is dropped as (dvcrawl.pipelines.validate).
DROPPED_AS = {
    "soft_404": "SoftNotFound",
    "nukeviet_404": "SoftNotFound",
    "captcha": "ChallengePage",
    "cloudflare": "ChallengePage",
    "access_denied": "BlockedPage",
    "empty_template": "EmptyArticle",
    "gzip_bomb": "PageTooLarge",
    "redirect_too_long": "UrlTooLong",
}
KINDS = (*DROPPED_AS, "corrupt_gzip", "deep_nesting")
# dvcrawl's DOWNLOAD_MAXSIZE is 64 MiB: the bomb inflates past it from 80 kB.
BOMB_SIZE = 80 * 1024 * 1024
DEPTH = 5000
LONG_URL_LENGTH = 3000
HUGE_SIZE = 30_000_000
LARGE_SIZE = 1_000_000


class HostileSite:
    """Serves the portal with ``kinds`` of hostile pages, one article each (in the truth's
    order); ``hostile[url]`` says which article answers what."""

    def __init__(self, folder: Path, kinds: Sequence[str] = KINDS) -> None:
        self.truth: SiteTruth = build_site(SITE, folder)
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        routes: dict[str, tuple[int, dict[str, str], Path | None]] = {}
        for entry in data["responses"]:
            routes[_key(entry["url"])] = (
                entry.get("status", 200),
                dict(entry.get("headers", {})),
                folder / entry["file"] if entry.get("file") else None,
            )
        self.hostile = dict(zip(self.truth.articles, kinds, strict=False))
        alias = "hoi-nghi-" * (LONG_URL_LENGTH // 9)
        url = f"http://nukeviet.test/news/tin-hoat-dong/{alias}-999.html"
        self.long_url = url.replace(alias, alias[: len(alias) - (len(url) - LONG_URL_LENGTH)])
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        for url, kind in self.hostile.items():
            file = routes[_key(url)][2]
            assert file is not None
            self.pages[_key(url)] = hostile_page(kind, file.read_bytes(), self.long_url)
        self.challenge_everything = False
        self.requests: Counter[str] = Counter()
        site = self
        home_key = _key(self.truth.home)
        article_keys = {_key(url) for url in self.truth.articles}

        class Handler(QuietHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                key = _key(self.path)
                site.requests[key] += 1
                if site.challenge_everything and key in article_keys:
                    self.send_page(200, HTML, CLOUDFLARE.encode())
                    return
                if key in site.pages:
                    self.send_page(*site.pages[key])
                    return
                status, headers, file = routes.get(key, (404, {}, None))
                body = file.read_bytes() if file else b"not found" if status == 404 else b""
                if key == home_key:
                    link = f'<a href="{urlsplit(site.long_url).path}">Hội nghị</a></body>'
                    body = body.replace(b"</body>", link.encode())
                if status in (301, 302) and headers.get("Location", "").startswith("http"):
                    headers = {**headers, "Location": urlsplit(headers["Location"]).path}
                self.send_page(status, headers, body)

        self.server, self.port, self.thread = local_server(Handler)

    @property
    def home(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def requested(self, url: str) -> int:
        """How many times the article at ``url`` (as the truth writes it) was asked for."""
        return self.requests[_key(url)]

    def served(self, url: str) -> str:
        """``url`` (as the truth writes it) as the crawl stores it."""
        return f"http://127.0.0.1:{self.port}{urlsplit(url).path}"

    def __enter__(self) -> HostileSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _key(url: str) -> str:
    parts = urlsplit(url)
    return canonicalize_url(
        "http://local" + parts.path + (f"?{parts.query}" if parts.query else "")
    )


def hostile_page(kind: str, article: bytes, long_url: str) -> tuple[int, dict[str, str], bytes]:
    """What answers instead of ``article`` (the article's own page): status, headers, body."""
    if kind == "gzip_bomb":
        return 200, {**HTML, "Content-Encoding": "gzip"}, _gzip_zeros(BOMB_SIZE)
    if kind == "corrupt_gzip":
        body = gzip.compress(article)
        return 200, {**HTML, "Content-Encoding": "gzip"}, body[:10] + bytes(reversed(body[10:]))
    if kind == "redirect_too_long":
        return 301, {"Location": urlsplit(long_url).path}, b""
    if kind in TEMPLATED:
        return 200, HTML, TEMPLATED[kind](article)
    return 200, HTML, STANDALONE[kind].encode()


def _gzip_zeros(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join([*parts, compressor.flush()])


def edit_article(article: bytes, title: str, hometext: str, body: str) -> bytes:
    """The article's page with its title, sapo and body text replaced (and its images gone)."""
    root = lxml.html.document_fromstring(article)
    (heading,) = root.xpath("//h1[@itemprop='headline']")
    heading.text = title
    for sapo in root.xpath("//*[@itemprop='description']"):
        sapo.text = hometext
    for figure in root.xpath("//figure"):
        figure.drop_tree()
    (container,) = root.xpath("//*[@id='news-bodyhtml']")
    for child in list(container):
        container.remove(child)
    container.text = None
    for element in lxml.html.fragments_fromstring(body) if body else ():
        container.append(element)
    return lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")


def soft_404(article: bytes) -> bytes:
    """A theme that prints its "not found" notice in the article template, with HTTP 200."""
    return edit_article(
        article,
        "Không tìm thấy trang",
        "",
        "<p>Trang bạn yêu cầu không tồn tại hoặc đã bị xóa. Vui lòng quay lại trang chủ.</p>",
    )


def empty_template(article: bytes) -> bytes:
    return edit_article(article, "", "", "")


def deep_nesting(article: bytes) -> bytes:
    title = "Hội nghị tổng kết công tác dân vận năm 2025"
    # Spliced into the bytes: lxml would cut the nesting short when writing the page.
    page = edit_article(article, title, "", "<p>NESTED</p>")
    nested = "<div>" * DEPTH + "<p>Nội dung bài viết nằm sâu trong trang.</p>" + "</div>" * DEPTH
    return page.replace(b"<p>NESTED</p>", nested.encode())


HUGE_TITLE = "Báo cáo chi tiết kết quả hỗ trợ hộ gia đình năm 2025"


def huge_paragraphs(size: int = HUGE_SIZE) -> list[str]:
    """Numbered paragraphs of ``size`` bytes in all, whose words and numbers differ: a
    search index of the whole text would be enormous."""
    paragraphs = []
    total = 0
    number = 0
    while total < size:
        number += 1
        paragraph = (
            f"Mục {number}: hộ gia đình thứ {number} ở thôn {number % 997} đã nhận "
            f"{number * 7919 % 1_000_003} đồng hỗ trợ, mã hồ sơ HS{number * 31:09d}."
        )
        paragraphs.append(paragraph)
        total += len(paragraph.encode()) + len("<p></p>\n")
    return paragraphs


def huge_article(article: bytes, size: int = HUGE_SIZE) -> bytes:
    """The article's page with a body of ``size`` bytes (``huge_paragraphs``)."""
    body = "".join(f"<p>{paragraph}</p>\n" for paragraph in huge_paragraphs(size))
    return edit_article(article, HUGE_TITLE, "Danh sách đầy đủ các hộ được hỗ trợ.", body)


def large_article(article: bytes) -> bytes:
    """A page of 1 MB: over the size limit a test crawl sets."""
    return huge_article(article, LARGE_SIZE)


TEMPLATED = {
    "soft_404": soft_404,
    "empty_template": empty_template,
    "deep_nesting": deep_nesting,
    "huge": huge_article,
    "large": large_article,
}

# NukeViet's own notice page (themes/default/system/info_die.tpl) for a missing article.
NUKEVIET_404 = """<!DOCTYPE html>
<html lang="vi"><head><meta http-equiv="content-type" content="text/html; charset=utf-8" />
<title>Lỗi truy cập 404</title>
<link href="/themes/default/css/style.css" rel="stylesheet" /></head>
<body><div class="nv-infodie text-center"><div class="panel-body">
<p><a href="/"><img class="logo" src="/assets/images/logo.png" alt="Ban Dân vận"></a></p>
<div class="m-bottom"><h2>Lỗi truy cập 404</h2>
Lỗi 404: Trang web mà bạn đã cố gắng truy cập không tồn tại trên máy chủ của website.</div>
<div><hr /><em class="fa fa-home fa-lg">&nbsp;</em> <a href="/">Về trang chủ</a></div>
</div></div></body></html>"""
# A site's own captcha gate: the notice is the site's name, the form says it all.
CAPTCHA = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Ban Dân vận Tỉnh ủy Lâm Giang</title></head>
<body><div class="container"><form method="post" action="/">
<p>Vui lòng nhập các ký tự trong hình để tiếp tục.</p>
<img src="/index.php?scaptcha=captcha&amp;t=1712345678" width="150" height="40" alt="">
<input type="text" name="nv_seccode" maxlength="6">
<button type="submit">Tiếp tục</button></form></div></body></html>"""
CLOUDFLARE = """<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="robots" content="noindex,nofollow"></head>
<body class="no-js"><div class="main-wrapper" role="main"><div class="main-content">
<h1 class="zone-name-title h1">nukeviet.test</h1>
<h2 id="challenge-running" class="h2">Checking if the site connection is secure</h2>
<div id="challenge-stage"></div>
<div id="challenge-body-text" class="core-msg spacer">nukeviet.test needs to review the
security of your connection before proceeding.</div></div></div>
<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1?ray=8a1b2c3d4e5f"></script>
</body></html>"""
ACCESS_DENIED = """<HTML><HEAD>
<TITLE>Access Denied</TITLE>
</HEAD><BODY>
<H1>Access Denied</H1>
You don't have permission to access "http&#58;&#47;&#47;nukeviet&#46;test&#47;news&#47;" on
this server.<P>
Reference&#32;&#35;18&#46;6f0b1402&#46;1712345678&#46;2a3b4c5d
</BODY>
</HTML>"""
STANDALONE = {
    "nukeviet_404": NUKEVIET_404,
    "captcha": CAPTCHA,
    "cloudflare": CLOUDFLARE,
    "access_denied": ACCESS_DENIED,
}
