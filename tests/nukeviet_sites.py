"""Synthetic NukeViet 4 portals, written as manifest folders that dvcrawl replays offline.

``build_site(config, folder)`` writes ``manifest.json``, ``pages/`` and ``truth.json``: a
small NukeViet 4.5 site (news module, default or eGov theme) in one of the URL routings
real portals use, with every listing template of the news module, multi-category
articles that answer 301 under their second category, tag/author/RSS/sitemap pages,
pagination traps and, if asked, a "soft 404" that answers 200 for everything unknown.
The markup follows a real NukeViet 4.5.05 install; the routing and template rules follow
NukeViet's public source (see the notes the tests cite). ``PRESETS`` names the sites the
tests and the benchmark crawl.

Everything is drawn from ``random.Random(config.name)``: the same config gives the same
bytes.
"""

from __future__ import annotations

import html
import json
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from urllib.parse import quote

# --- configuration ------------------------------------------------------------------------

ROUTINGS = ("named", "root", "lang", "rewrite_off", "index_php")
CATEGORY_TEMPLATES = (
    "viewcat_page_new",
    "viewcat_list_new",
    "viewcat_grid_new",
    "viewcat_main_left",
    "viewcat_main_right",
    "viewcat_main_bottom",
    "viewcat_two_column",
    "viewcat_top",
)
HOME_TEMPLATES = (
    "viewcat_page_new",
    "viewcat_list_new",
    "viewcat_grid_new",
    "viewcat_main_left",
    "viewcat_main_right",
    "viewcat_main_bottom",
    "viewcat_two_column",
)
PAGINATED_HOMES = ("viewcat_page_new", "viewcat_list_new", "viewcat_grid_new")
MAIN_TEMPLATES = ("viewcat_main_left", "viewcat_main_right", "viewcat_main_bottom")
TRAPS = ("repeat", "empty_next", "loop")
TRAP_PAGES = 40  # "repeat" and "empty_next" answer pages 3..40
ST_LINKS = 5  # "other news" items under viewcat_page
NUMLINKS = 3  # items of a category block (viewcat_main_*, viewcat_two_column)
RELATED = 3  # "newer" / "older" items on an article page


@dataclass(frozen=True)
class Category:
    alias: str
    title: str
    template: str = "viewcat_page_new"
    parent: str | None = None
    trap: str | None = None  # None | "repeat" | "empty_next" | "loop"
    weight: float = 1.0  # share of the module's articles (traps get exactly two pages)


@dataclass(frozen=True)
class Module:
    name: str
    title: str
    home_template: str
    categories: tuple[Category, ...]
    articles: int
    per_page: int = 8
    first_id: int = 1


@dataclass(frozen=True)
class SiteConfig:
    name: str
    routing: str  # "named" | "root" | "lang" | "rewrite_off" | "index_php"
    modules: tuple[Module, ...]  # the first is the home module
    theme: str = "default"  # "default" | "egov"
    clock: str = "24h"  # listing dates "d/m/Y H:i:s" (24h) or "d/m/Y h:i:s A" (12h)
    sitemap: bool = True
    english_section: bool = False
    soft_404: bool = False
    host: str = "nukeviet.test"
    # "page-item": nv_alias_page with the theme's default classes (li.page-item, a.page-link,
    # href="#"); "plain": the 4.5.05 default theme's pager (no classes, javascript:void(0)).
    pager: str = "page-item"


@dataclass(frozen=True)
class SiteTruth:
    """What a crawl of the site should find (absolute URLs, percent-encoded)."""

    home: str  # the front door: "/", "/vi/" or "/index.php?language=vi"
    articles: tuple[str, ...]  # canonical URL of every Vietnamese article, sorted
    alternates: dict[str, str]  # URL under a second category (answers 301) -> canonical URL
    english: tuple[str, ...]  # the English section's articles (recorded; never to be stored)
    gone: tuple[str, ...]  # article-shaped links to deleted articles (soft-404 sites)
    trap_listings: tuple[str, ...]  # first pages of the categories that carry a trap


# --- Vietnamese (and a little English) text -------------------------------------------------

PROVINCE = "Lâm Giang"
SITE_NAME = f"Ban Dân vận Tỉnh ủy {PROVINCE}"
SITE_DESCRIPTION = "Cổng thông tin điện tử công tác dân vận"
DISTRICTS = (
    "Thạch Bình",
    "Pác Hẻo",
    "Sơn Vĩnh",
    "Khau Lừa",
    "Yên Khê",
    "Đồng Lạc",
    "Mường Tè Hạ",
    "Bảo Châu",
)
TOWNS = ("thị xã Hà Lộc", "thành phố Lâm Giang", "thị xã Tân Hưng")
COMMUNES = (
    "Nà Pản",
    "Sơn Hòa",
    "Lũng Mơ",
    "Tả Ngần",
    "Sủng Cáo",
    "Thạch Lâm",
    "Bản Chang",
    "Tân Giang",
    "Khuổi Lương",
    "Phúc Thịnh",
    "Đồng Tâm",
    "Minh Khai",
    "Hòa Bình",
    "Quảng Lợi",
    "Yên Thủy",
    "Na Rì",
)
ETHNIC = ("Tày", "Nùng", "Dao", "H'Mông", "Sán Chay", "Lô Lô", "Giáy")
ORGS = (
    "Ban Dân vận Tỉnh ủy",
    "Ban Dân vận Huyện ủy {d}",
    "Ủy ban MTTQ huyện {d}",
    "Hội Nông dân huyện {d}",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Tỉnh đoàn Lâm Giang",
    "Khối Dân vận tỉnh",
    "Đảng ủy xã {c}",
    "Hội Cựu chiến binh huyện {d}",
    "Huyện ủy {d}",
    "Thành ủy Lâm Giang",
    "Liên đoàn Lao động tỉnh",
)
EVENTS = (
    "triển khai nhiệm vụ công tác dân vận",
    "tổng kết công tác dân vận",
    "giao ban công tác dân vận",
    "sơ kết phong trào thi đua “Dân vận khéo”",
    "biểu dương người có uy tín tiêu biểu",
    "tập huấn nghiệp vụ công tác dân vận",
    "đối thoại trực tiếp với Nhân dân",
    "tổng kết thực hiện Quy chế dân chủ ở cơ sở",
    "gặp mặt chức sắc, chức việc các tôn giáo",
    "tuyên dương gương điển hình “Dân vận khéo”",
)
MODELS = (
    "Tổ hòa giải ba cùng",
    "Zalo tổ dân phố",
    "Nhà sạch, vườn đẹp",
    "Đường hoa nông thôn mới",
    "Chi hội nông dân nuôi ong",
    "Thắp sáng đường quê",
    "Dòng họ không có người vi phạm pháp luật",
    "Tiếng kẻng an ninh",
    "Sổ tay dân vận",
    "Bữa sáng yêu thương",
    "Phụ nữ tiết kiệm vì người nghèo",
    "Cổng trường an toàn giao thông",
    "Chợ phiên không rác thải nhựa",
    "Tủ sách pháp luật thôn bản",
)
GROUPS = (
    "người dân có đất bị thu hồi",
    "đoàn viên, thanh niên",
    "hộ nghèo",
    "chức sắc, chức việc các tôn giáo",
    "già làng, trưởng bản",
    "hội viên phụ nữ",
    "cựu chiến binh",
    "tiểu thương chợ trung tâm",
    "người có uy tín",
    "công nhân lao động",
)
TOPICS = (
    "giải phóng mặt bằng tuyến đường tránh",
    "quy hoạch chung đô thị đến năm 2040",
    "cải cách thủ tục hành chính",
    "xây dựng nông thôn mới",
    "chuyển đổi số ở cơ sở",
    "phòng, chống thiên tai",
    "sắp xếp thôn, tổ dân phố",
    "thực hiện nếp sống văn minh trong việc cưới, việc tang",
    "bảo vệ rừng đầu nguồn",
    "vận hành chính quyền địa phương hai cấp",
)
OCCASIONS = ("Tết Nguyên đán", "Tết Độc lập", "Ngày hội Đại đoàn kết", "Tết Trung thu")
ACHIEVEMENTS = (
    "giảm nghèo bền vững nhờ liên kết trồng chè shan tuyết",
    "hoàn thành đường liên thôn bằng sức dân",
    "không còn nhà tạm, nhà dột nát",
    "hòa giải thành 95% vụ việc ngay tại cơ sở",
    "giữ gìn bản sắc văn hóa truyền thống",
    "huy động hơn 2 tỷ đồng xây dựng nông thôn mới",
    "đưa nông sản lên sàn thương mại điện tử",
    "xây dựng khu dân cư kiểu mẫu",
)
TITLE_PATTERNS = (
    "{org} {event} năm {y}",
    "{org}: {ach}",
    "Sơ kết {k} tháng thực hiện Quy chế dân chủ ở cơ sở tại huyện {d}",
    "Ra mắt mô hình “{model}” ở xã {c}",
    "Xã {c} {ach}",
    "Tập huấn kỹ năng vận động quần chúng cho {n} cán bộ cơ sở huyện {d}",
    "{org} đối thoại với {group} về {topic}",
    "Thăm, tặng quà {occ} cho {group} xã {c}",
    "Hội thi “Dân vận khéo” huyện {d} năm {y}",
    "Phát huy vai trò người có uy tín trong đồng bào {eth} ở huyện {d}",
    "Giám sát việc {topic} tại {town}",
    "Nhân rộng mô hình “{model}” trên địa bàn huyện {d}",
    "Quý {q}/{y}: {d} có thêm {n2} mô hình “Dân vận khéo”",
    "{town} lắng nghe ý kiến Nhân dân về {topic}",
    "Đồng bào {eth} xã {c} chung sức {ach2}",
    "{d}: Cán bộ dân vận bám cơ sở giúp dân {ach2}",
    "Hiệu quả từ mô hình “{model}” ở {town}",
    "{org} gặp mặt {group} nhân dịp {occ} {y}",
    "Nâng cao chất lượng công tác dân vận chính quyền ở huyện {d}",
    "Xã {c} thực hiện tốt Quy chế dân chủ trong {topic}",
    "Khảo sát việc thực hiện dân chủ ở cơ sở tại xã {c}",
    "Vận động đồng bào {eth} ở {d} thực hiện nếp sống mới",
    "Tuyên truyền, vận động Nhân dân tham gia {topic} ở xã {c}",
)
ACHIEVEMENTS_SHORT = (
    "làm đường bê tông nông thôn",
    "xây nhà văn hóa thôn",
    "giữ gìn an ninh trật tự",
    "bảo vệ rừng đầu nguồn",
    "xóa nhà tạm cho hộ nghèo",
)
LEADERS = (
    "Phó Trưởng Ban Dân vận Tỉnh ủy",
    "Bí thư Huyện ủy",
    "Chủ tịch UBND huyện",
    "Trưởng Ban Dân vận Huyện ủy",
    "Chủ tịch Ủy ban MTTQ tỉnh",
)
LEADS = (
    "{org} tổ chức hội nghị {event} năm {y}, đánh giá kết quả và triển khai nhiệm vụ thời gian "
    "tới.",
    "{org} phối hợp với các đoàn thể huyện {d} tổ chức đối thoại với {group} về {topic}.",
    "tại xã {c}, huyện {d}, {org} ra mắt mô hình “{model}” với sự tham gia của {n} hộ gia đình.",
    "đoàn công tác của {org} đã đến thăm, tặng quà {group} xã {c} nhân dịp {occ}.",
    "{org} tổ chức giám sát việc {topic} tại {town}, ghi nhận nhiều ý kiến của Nhân dân.",
    "hơn {n} đại biểu là {group} của huyện {d} đã tham dự buổi gặp mặt do {org} tổ chức.",
)
SENTENCES = (
    "Tham dự hội nghị có {n} đại biểu đại diện các cơ quan, đoàn thể và {group} huyện {d}.",
    "Theo báo cáo, thời gian qua các cơ quan đã phối hợp tổ chức {n} buổi tuyên truyền, "
    "thu hút hơn {n3} lượt người dân tham gia.",
    "Công tác dân vận của chính quyền tiếp tục có chuyển biến tích cực; việc tiếp công dân, "
    "đối thoại với Nhân dân được duy trì thường xuyên.",
    "Phong trào thi đua “Dân vận khéo” được triển khai sâu rộng, toàn huyện {d} có {n} mô hình "
    "được công nhận.",
    "Phát biểu tại hội nghị, đồng chí {leader} đề nghị các cấp ủy, chính quyền tiếp tục lắng "
    "nghe ý kiến và giải quyết kịp thời kiến nghị chính đáng của người dân.",
    "Nhân dịp này, đoàn công tác đã trao {n} suất quà cho {group}, mỗi suất trị giá {v}.000 đồng.",
    "Dịp này, {n2} tập thể và {n} cá nhân có thành tích xuất sắc được khen thưởng.",
    "Người dân xã {c} đã hiến hơn {n3} m² đất, góp hàng nghìn ngày công để mở rộng đường "
    "liên thôn.",
    "Các đại biểu thống nhất trong năm {y1} sẽ tập trung tuyên truyền, vận động Nhân dân tham "
    "gia {topic}.",
    "Mô hình “{model}” đã giúp {n2} hộ gia đình ở xã {c} nâng cao thu nhập, ổn định cuộc sống.",
    "Cán bộ dân vận các cấp thường xuyên bám cơ sở, nắm bắt tâm tư, nguyện vọng của {group}.",
    "Qua đối thoại, {n2} ý kiến, kiến nghị của người dân đã được giải đáp trực tiếp tại hội nghị.",
    "Ban Thường vụ Huyện ủy {d} đã ban hành kế hoạch thực hiện, phân công cụ thể cho từng tổ "
    "chức cơ sở đảng.",
    "Đồng bào {eth} ở xã {c} luôn giữ gìn tiếng nói, trang phục và các lễ hội truyền thống.",
    "Đến nay, {k}/{k2} thôn, tổ dân phố đã xây dựng quy ước, hương ước phù hợp với tình hình mới.",
    "Ủy ban MTTQ các cấp đã tổ chức giám sát {n} cuộc về việc thực hiện dân chủ ở cơ sở.",
)
BYLINE_NAMES = (
    "Minh Khuê",
    "Thu Hà",
    "Quang Huy",
    "Hồng Nhung",
    "Văn Tùng",
    "Lê Hằng",
    "Đức Anh",
    "Thanh Tâm",
    "Ngọc Mai",
    "Bảo Trâm",
)
AUTHORS = (("Minh Khuê", "Minh-Khue"), ("Thu Hà", "Thu-Ha"), ("Quang Huy", "Quang-Huy"))
TAG_WORDS = (
    "dân vận khéo",
    "dân chủ ở cơ sở",
    "nông thôn mới",
    "người có uy tín",
    "hòa giải ở cơ sở",
    "an sinh xã hội",
    "đại đoàn kết",
    "chính quyền thân thiện",
    "cải cách hành chính",
    "tôn giáo",
    "dân tộc thiểu số",
    "chuyển đổi số",
    "thanh niên tình nguyện",
    "zalo",
    "tiếp công dân",
    "giảm nghèo",
)
EN_TITLES = (
    "Provincial Mass Mobilisation Board reviews its work in {y}",
    "{d} district launches the “Skilful Mass Mobilisation” movement",
    "Village mediators settle local disputes in {c} commune",
    "Ethnic {eth} community preserves traditional festivals",
    "Dialogue with residents on land clearance in {d}",
    "New rural development gathers pace in {c} commune",
)
EN_LEADS = (
    "the Mass Mobilisation Board of {d} district held a review conference.",
    "local officials of {c} commune met residents to discuss new rural development.",
)
EN_SENTENCES = (
    "The conference was attended by {n} delegates from {d} district.",
    "Local officials met residents to listen to their opinions and recommendations.",
    "More than {n} models of “skilful mass mobilisation” have been recognised so far.",
    "The province plans to expand the programme to {n2} more communes next year.",
)
WEEKDAYS_VI = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DOW_RSS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MON_RSS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ABOUT_PAGES = (
    ("gioi-thieu-ve-nukeviet", "Giới thiệu về NukeViet"),
    ("logo-va-ten-goi-nukeviet", "Logo và tên gọi NukeViet"),
    ("Yeu-cau-su-dung-NukeViet-4", "Yêu cầu sử dụng NukeViet 4"),
)
EPOCH_START = datetime(2015, 1, 5, 7, 0)
EPOCH_END = datetime(2026, 11, 20, 17, 0)
NOT_FOUND_TEXT = "Bài viết bạn tìm không tồn tại hoặc đã bị xóa."
XML = "text/xml; charset=utf-8"  # nv_xmlOutput: sitemaps and feeds
STAMP = "t=1796660626"  # the asset cache-buster of the captured install
SITEMAP_NS = (
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xsi:schemaLocation="http://www.sitemaps.org/schemas/sitemap/0.9 '
    "http://www.sitemaps.org/schemas/sitemap/0.9/"
)


def ascii_alias(text: str, limit: int = 90) -> str:
    """NukeViet's change_alias: ASCII, lower case, words joined by "-"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0]
    return text


def tag_alias(text: str) -> str:
    """Tag aliases keep their diacritics: spaces become "-"."""
    return re.sub(r"\s+", "-", text.strip().lower())


def nv_esc(text: str) -> str:
    """nv_htmlspecialchars as NukeViet prints titles: also ':', '/', '%', '(' and ')'."""
    out = html.escape(text, quote=True).replace("&#x27;", "&#039;")
    for raw, entity in ((":", "&#x3A;"), ("/", "&#x002F;"), ("%", "&#x25;")):
        out = out.replace(raw, entity)
    return out.replace("(", "&#40;").replace(")", "&#41;")


def href(url: str) -> str:
    """A URL as an attribute value (``&`` written ``&amp;`` as NukeViet does)."""
    return html.escape(url, quote=True)


def _a(url: str, title: str, text: str | None = None) -> str:
    """A link as the news templates print one: escaped href and title, title as text."""
    label = nv_esc(title) if text is None else text
    return f'<a href="{href(url)}" title="{nv_esc(title)}" >{label}</a>'


def list_date(moment: datetime, clock: str) -> str:
    if clock == "12h":
        hour = moment.hour % 12 or 12
        suffix = "AM" if moment.hour < 12 else "PM"
        return f"{moment:%d/%m/%Y} {hour:02d}:{moment:%M:%S} {suffix}"
    return f"{moment:%d/%m/%Y %H:%M:%S}"


def iso(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}+07:00"


class _Text:
    """Seeded Vietnamese news text in the style of provincial Dân vận portals.

    An article draws one context (district, commune, organisation, event ...) that its
    title, sapo and paragraphs share; numbers are drawn afresh for each sentence.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.titles: set[str] = set()

    def context(self, year: int) -> dict[str, str]:
        r = self.rng
        d, c = r.choice(DISTRICTS), r.choice(COMMUNES)
        return {
            "d": d,
            "c": c,
            "y": str(year),
            "y1": str(year + 1),
            "org": r.choice(ORGS).format(d=d, c=c),
            "event": r.choice(EVENTS),
            "ach": r.choice(ACHIEVEMENTS),
            "ach2": r.choice(ACHIEVEMENTS_SHORT),
            "model": r.choice(MODELS),
            "group": r.choice(GROUPS),
            "topic": r.choice(TOPICS),
            "occ": r.choice(OCCASIONS),
            "eth": r.choice(ETHNIC),
            "town": r.choice(TOWNS),
            "leader": r.choice(LEADERS),
            "q": r.choice(("I", "II", "III", "IV")),
            "k": str(r.choice((3, 6, 9))),
        }

    def fill(self, pattern: str, ctx: dict[str, str]) -> str:
        r = self.rng
        numbers = {
            "k2": str(r.randint(40, 90)),
            "n": str(r.randint(12, 180)),
            "n2": str(r.randint(3, 40)),
            "n3": str(r.randint(200, 5000)),
            "v": str(r.choice((300, 500, 700, 1000))),
            "dd": str(r.randint(1, 28)),
            "mm": str(r.randint(1, 12)),
        }
        return pattern.format(**ctx, **numbers)

    def title(
        self, year: int, patterns: Sequence[str] = TITLE_PATTERNS
    ) -> tuple[str, dict[str, str]]:
        """A title no other article of the site has, and the context it was drawn from."""
        for _ in range(500):
            ctx = self.context(year)
            text = self.fill(self.rng.choice(patterns), ctx)
            text = re.sub(r"^(\w)|(: )(\w)", lambda m: m.group(0).upper(), text)
            if text not in self.titles and ascii_alias(text) not in self.titles:
                self.titles.update((text, ascii_alias(text)))
                return text, ctx
        raise RuntimeError("could not make a distinct title")

    def lead(self, ctx: dict[str, str], day: datetime, pool: Sequence[str] = LEADS) -> str:
        when = self.rng.choice(("Ngày", "Sáng", "Chiều")) if pool is LEADS else "On"
        return f"{when} {day.day}/{day.month}, {self.fill(self.rng.choice(pool), ctx)}"

    def paragraph(self, ctx: dict[str, str], pool: Sequence[str] = SENTENCES) -> str:
        picked = self.rng.sample(pool, self.rng.randint(2, 3))
        return " ".join(self.fill(sentence, ctx) for sentence in picked)


# --- the site model -------------------------------------------------------------------------


@dataclass
class _Art:
    module: str
    lang: str
    id: int
    alias: str
    title: str
    cats: tuple[str, ...]  # the first is the main category
    publ: datetime
    edit: datetime
    hometext: str
    paragraphs: list[str]
    byline: str
    tags: tuple[str, ...]
    internal_author: bool
    image: str  # yyyy_mm/name.jpg, "" for none
    views: int

    @property
    def cat(self) -> str:
        return self.cats[0]

    @property
    def slug(self) -> str:
        return f"{self.alias}-{self.id}.html"


@dataclass
class _Mod:
    spec: Module
    lang: str
    cats: dict[str, Category]
    arts: list[_Art] = field(default_factory=list)  # newest first
    by_cat: dict[str, list[_Art]] = field(default_factory=dict)  # newest first
    tags: list[str] = field(default_factory=list)
    author: tuple[str, str] = AUTHORS[0]
    gone: list[_Art] = field(default_factory=list)
    gone_cat: str = ""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def per_page(self) -> int:
        return self.spec.per_page

    def top(self) -> list[Category]:
        return [c for c in self.cats.values() if c.parent is None]

    def children(self, alias: str) -> list[Category]:
        return [c for c in self.cats.values() if c.parent == alias]


@dataclass
class _Meta:
    """What the page shell needs to know about a page."""

    title: str
    canonical: str
    lang: str
    mod: _Mod | None
    func: str
    crumbs: list[tuple[str, str]] = field(default_factory=list)
    og_type: str = "website"
    og_url: str = ""
    description: str = ""
    prev: str | None = None
    next: str | None = None
    art: _Art | None = None
    cat: str | None = None


class _Router:
    """NukeViet's nv_url_rewrite for one routing: links as the site prints them."""

    def __init__(self, config: SiteConfig) -> None:
        self.routing = config.routing
        self.base = f"http://{config.host}"
        self.op_mod = config.modules[0].name if config.routing == "root" else ""

    def home(self, lang: str = "vi") -> str:
        if self.routing == "rewrite_off":
            return f"/index.php?language={lang}"
        if self.routing == "lang":
            return f"/{lang}/"
        return "/"

    def link(self, module: str, op: str = "", lang: str = "vi") -> str:
        if self.routing == "rewrite_off":
            url = f"/index.php?language={lang}&nv={module}"
            return f"{url}&op={op}" if op else url
        segments = [lang] if self.routing == "lang" else []
        if module != self.op_mod:
            segments.append(module)
        if op:
            segments.append(op)
        if not segments:
            return "/"
        end = "" if op.endswith(".html") or op.startswith("tag/") else "/"
        prefix = "/index.php/" if self.routing == "index_php" else "/"
        return prefix + "/".join(segments) + end

    def paged(self, module: str, op: str, page: int, lang: str = "vi") -> str:
        """Page N of a listing, as nv_alias_page writes it: base URL + "/page-N"."""
        if page <= 1:
            return self.link(module, op, lang)
        if self.routing == "rewrite_off" and not op:
            return self.link(module, "", lang).replace(f"&nv={module}", f"&nv={module}/page-{page}")
        return self.link(module, f"{op}/page-{page}" if op else f"page-{page}", lang)

    def absolute(self, url: str) -> str:
        return url if url.startswith("http") else self.base + url


def _encoded(url: str) -> str:
    return quote(url, safe=":/?&=%#+,;@!$'()*[]~")


# --- the builder ----------------------------------------------------------------------------


class _Site:
    def __init__(self, config: SiteConfig, folder: Path) -> None:
        _check(config)
        self.cfg = config
        self.folder = folder
        self.rng = random.Random(config.name)
        self.text = _Text(self.rng)
        self.r = _Router(config)
        self.responses: list[dict[str, object]] = []
        self.recorded: set[str] = set()
        self.files = 0
        self.alternates: dict[str, str] = {}
        self.trap_listings: list[str] = []
        self.token = "".join(
            self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
            for _ in range(128)
        )
        self.mods = [
            self._make_module(spec, "vi", index) for index, spec in enumerate(config.modules)
        ]
        self.en: _Mod | None = self._make_english() if config.english_section else None
        home_arts = self.mods[0].arts
        self.tophits = self.rng.sample(home_arts, min(5, len(home_arts)))

    # --- articles -------------------------------------------------------------------------

    def _make_module(self, spec: Module, lang: str, index: int) -> _Mod:
        rng = self.rng
        mod = _Mod(spec=spec, lang=lang, cats={c.alias: c for c in spec.categories})
        mod.author = AUTHORS[index % len(AUTHORS)]
        mod.tags = rng.sample(TAG_WORDS, rng.randint(6, 10))
        counts = self._distribution(spec)
        mains: list[str] = [alias for alias, n in counts.items() for _ in range(n)]
        rng.shuffle(mains)
        total = len(mains)
        gone_slots: set[int] = set()
        if self.cfg.soft_404 and index == 0:
            gone_slots = {total // 3, (2 * total) // 3 + 1}
        moments = self._moments(total + len(gone_slots))
        normal = [c.alias for c in spec.categories if c.trap is None]
        next_id = spec.first_id
        ordered: list[_Art] = []
        main_iter = iter(mains)
        for slot, moment in enumerate(moments):
            if slot in gone_slots:
                mod.gone.append(self._article(mod, next_id, (normal[0],), moment))
                next_id += 1
                continue
            main = next(main_iter)
            cats: tuple[str, ...] = (main,)
            if rng.random() < 1 / 8 and mod.cats[main].trap is None and len(normal) > 1:
                cats = (main, rng.choice([a for a in normal if a != main]))
            ordered.append(self._article(mod, next_id, cats, moment))
            next_id += 1
        mod.arts = sorted(ordered, key=lambda a: a.publ, reverse=True)
        for alias in mod.cats:
            mod.by_cat[alias] = [a for a in mod.arts if alias in a.cats]
        if mod.gone:
            mod.gone_cat = normal[0]
        return mod

    def _distribution(self, spec: Module) -> dict[str, int]:
        """Articles per main category: two real pages for a trap, the rest by weight."""
        rng = self.rng
        per = spec.per_page
        fixed = {c.alias: per + 1 + rng.randrange(per - 1) for c in spec.categories if c.trap}
        free = [c for c in spec.categories if not c.trap]
        rest = spec.articles - sum(fixed.values())
        if rest < 2 * len(free):
            raise ValueError(f"module {spec.name}: too few articles for its categories")
        weights = sum(c.weight for c in free)
        counts = {c.alias: max(2, int(rest * c.weight / weights)) for c in free}
        order = sorted(free, key=lambda c: -c.weight)
        position = 0
        while sum(counts.values()) != rest:
            alias = order[position % len(order)].alias
            if sum(counts.values()) < rest:
                counts[alias] += 1
            elif counts[alias] > 2:
                counts[alias] -= 1
            position += 1
        return {c.alias: fixed.get(c.alias, counts.get(c.alias, 0)) for c in spec.categories}

    def _moments(self, count: int) -> list[datetime]:
        """Distinct publication times, 06:00 to 18:00 in five-minute steps, oldest first."""
        slots = 144  # five-minute steps in twelve hours
        days = (EPOCH_END - EPOCH_START).days
        picks = sorted(self.rng.sample(range(days * slots), count))
        start = EPOCH_START.replace(hour=6, minute=0)
        return [start + timedelta(days=p // slots, minutes=5 * (p % slots)) for p in picks]

    def _article(
        self, mod: _Mod, art_id: int, cats: tuple[str, ...], publ: datetime, english: bool = False
    ) -> _Art:
        rng = self.rng
        titles, leads, sentences = (
            (EN_TITLES, EN_LEADS, EN_SENTENCES) if english else (TITLE_PATTERNS, LEADS, SENTENCES)
        )
        title, ctx = self.text.title(publ.year, titles)
        event_day = publ - timedelta(days=rng.randint(0, 2))
        hometext = self.text.lead(ctx, event_day, leads)
        paragraphs = [f"{hometext} {self.text.paragraph(ctx, sentences)}"]
        paragraphs += [
            self.text.paragraph(ctx, sentences) for _ in range(rng.randint(3, 4 if english else 7))
        ]
        edit = publ + timedelta(hours=rng.randint(1, 48)) if rng.random() < 0.25 else publ
        image = ""
        if rng.random() < 0.85 and not english:
            image = f"{publ:%Y_%m}/{'-'.join(ascii_alias(title).split('-')[:5])}.jpg"
        return _Art(
            module=mod.name,
            lang=mod.lang,
            id=art_id,
            alias=ascii_alias(title),
            title=title,
            cats=cats,
            publ=publ,
            edit=publ if english else edit,
            hometext=hometext,
            paragraphs=paragraphs,
            byline=rng.choice(BYLINE_NAMES),
            tags=() if english else tuple(rng.sample(mod.tags, rng.randint(2, 4))),
            internal_author=not english and rng.random() < 0.5,
            image=image,
            views=rng.randint(40, 4000),
        )

    def _make_english(self) -> _Mod:
        cat = Category("activities", "Activities")
        count = self.rng.randint(3, 5)
        spec = Module("news", "News", "viewcat_page_new", (cat,), count, 10, 1)
        mod = _Mod(spec=spec, lang="en", cats={cat.alias: cat})
        arts = [
            self._article(mod, art_id, (cat.alias,), publ, english=True)
            for art_id, publ in enumerate(self._moments(count), start=1)
        ]
        mod.arts = sorted(arts, key=lambda a: a.publ, reverse=True)
        mod.by_cat[cat.alias] = list(mod.arts)
        return mod

    # --- URLs -----------------------------------------------------------------------------

    def art_url(self, art: _Art, via: str | None = None) -> str:
        return self.r.link(art.module, f"{via or art.cat}/{art.slug}", art.lang)

    def cat_url(self, mod: _Mod, alias: str, page: int = 1) -> str:
        return self.r.paged(mod.name, alias, page, mod.lang)

    def mod_url(self, mod: _Mod, page: int = 1) -> str:
        return self.r.paged(mod.name, "", page, mod.lang)

    def tag_url(self, mod: _Mod, tag: str, page: int = 1) -> str:
        return self.r.paged(mod.name, f"tag/{tag_alias(tag)}", page, mod.lang)

    def author_url(self, mod: _Mod, page: int = 1) -> str:
        return self.r.paged(mod.name, f"author/{mod.author[1]}", page, mod.lang)

    def abs(self, url: str) -> str:
        return self.r.absolute(url)

    # --- recording ------------------------------------------------------------------------

    def _key(self, url: str) -> str:
        key = _encoded(self.abs(url))
        if key in self.recorded:
            raise RuntimeError(f"{key} recorded twice")
        self.recorded.add(key)
        return key

    def _file(self, body: str, suffix: str) -> str:
        self.files += 1
        name = f"pages/{self.files:04d}{suffix}"
        (self.folder / name).write_bytes(body.encode("utf-8"))
        return name

    def save(self, url: str, body: str, ctype: str = "text/html; charset=utf-8") -> None:
        key = self._key(url)
        suffix = ".html" if ctype.startswith("text/html") else ".xml"
        if ctype.startswith("text/plain"):
            suffix = ".txt"
        entry: dict[str, object] = {"url": key, "status": 200}
        entry["headers"] = {"Content-Type": ctype}
        entry["file"] = self._file(body, suffix)
        self.responses.append(entry)

    def moved(self, url: str, location: str) -> None:
        key = self._key(url)
        headers = {"Location": _encoded(self.abs(location))}
        self.responses.append({"url": key, "status": 301, "headers": headers})

    # --- build ----------------------------------------------------------------------------

    def build(self) -> SiteTruth:
        (self.folder / "pages").mkdir(parents=True, exist_ok=True)
        for mod in self.mods:
            self._module_homes(mod)
            for cat in mod.cats.values():
                self._category(mod, cat)
            for art in mod.arts:
                self.save(self.art_url(art), self.detail(mod, art))
                for other in art.cats[1:]:
                    alternate = self.abs(self.art_url(art, other))
                    self.alternates[_encoded(alternate)] = _encoded(self.abs(self.art_url(art)))
                    self.moved(alternate, self.art_url(art))
            self._tags_and_author(mod)
            self._feeds(mod)
        english: list[str] = []
        if self.en is not None:
            self._english(self.en)
            english = [_encoded(self.abs(self.art_url(a))) for a in self.en.arts]
        self._robots_and_sitemaps()
        if self.cfg.routing == "lang":
            self.moved("/", self.r.home("vi"))
        manifest: dict[str, object] = {"site": self.cfg.name, "responses": self.responses}
        if self.cfg.soft_404:
            manifest["not_found"] = {
                "status": 200,
                "headers": {"Content-Type": "text/html; charset=utf-8"},
                "file": self._file(self.soft_404_page(), ".html"),
            }
        (self.folder / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        gone = [_encoded(self.abs(self.art_url(a))) for m in self.mods for a in m.gone]
        truth = SiteTruth(
            home=_encoded(self.abs(self.r.home("vi"))),
            articles=tuple(
                sorted(_encoded(self.abs(self.art_url(a))) for m in self.mods for a in m.arts)
            ),
            alternates=dict(sorted(self.alternates.items())),
            english=tuple(sorted(english)),
            gone=tuple(sorted(gone)),
            trap_listings=tuple(sorted(self.trap_listings)),
        )
        (self.folder / "truth.json").write_text(
            json.dumps(asdict(truth), ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return truth

    # --- listings -------------------------------------------------------------------------

    def _module_homes(self, mod: _Mod) -> None:
        template = mod.spec.home_template
        home_module = mod is self.mods[0]
        if template not in PAGINATED_HOMES:
            body = self.home_blocks(mod, template)
            meta = self._listing_meta(mod, mod.title, self.mod_url(mod), "main", None)
            if home_module:
                self._save_home(mod, body, meta)
            if not (home_module and self.mod_url(mod) == self.r.home(mod.lang)):
                self.save(self.mod_url(mod), self.shell(meta, body))
            # main.php: these home layouts are not paginated; page > 1 goes to the root.
            self._beyond(partial(self.mod_url, mod), 1)
            return
        items = [(a, a.cat) for a in mod.arts]
        pages = _pages(len(items), mod.per_page)
        for page in range(1, pages + 1):
            chunk = items[(page - 1) * mod.per_page : page * mod.per_page]
            after = items[page * mod.per_page : page * mod.per_page + ST_LINKS]
            pager = self.pager(mod.title, partial(self.mod_url, mod), pages, page)
            body = self.listing_body(mod, template, chunk, after, pager, page, mod.title)
            meta = self._listing_meta(mod, mod.title, self.mod_url(mod, page), "main", None)
            self._prev_next(meta, partial(self.mod_url, mod), page, pages)
            canonical = self.r.link(mod.name, f"page-{page}", mod.lang)
            if page > 1 and self.cfg.routing == "rewrite_off":
                # The pager writes "&nv=news/page-2"; the page calls itself "&op=page-2".
                meta.canonical = meta.og_url = self.abs(canonical)
            if page == 1 and home_module:
                self._save_home(mod, body, meta)
                if self.mod_url(mod) == self.r.home(mod.lang):
                    continue
            self.save(self.mod_url(mod, page), self.shell(meta, body))
            if page > 1 and self.cfg.routing == "rewrite_off":
                self.save(canonical, self.shell(meta, body))
        self._beyond(partial(self.mod_url, mod), pages)

    def _beyond(self, url_of: Callable[[int], str], last: int) -> None:
        """betweenURLs: the two pages after the last answer 301 to page 1."""
        for page in (last + 1, last + 2):
            self.moved(url_of(page), url_of(1))

    def _save_home(self, mod: _Mod, body: str, meta: _Meta) -> None:
        home = self.r.home(mod.lang)
        home_meta = replace(
            meta, canonical=self.abs(home), crumbs=[], og_url=self.abs(self.mod_url(mod))
        )
        page = self.shell(home_meta, body)
        self.save(home, page)
        if self.cfg.routing == "rewrite_off":
            self.save("/", page)

    def _listing_meta(self, mod: _Mod, title: str, url: str, func: str, cat: str | None) -> _Meta:
        crumbs = [(mod.title, self.mod_url(mod))]
        if cat is not None:
            chain = []
            alias: str | None = cat
            while alias is not None:
                chain.append(alias)
                alias = mod.cats[alias].parent
            crumbs += [(mod.cats[a].title, self.cat_url(mod, a)) for a in reversed(chain)]
        return _Meta(
            title=title,
            canonical=self.abs(url),
            lang=mod.lang,
            mod=mod,
            func=func,
            crumbs=crumbs,
            og_url=self.abs(url),
            description=title,
            cat=cat,
        )

    def _prev_next(self, meta: _Meta, url_of: Callable[[int], str], page: int, pages: int) -> None:
        meta.prev = self.abs(url_of(page - 1)) if page > 1 else None
        meta.next = self.abs(url_of(page + 1)) if page < pages else None

    def _category(self, mod: _Mod, cat: Category) -> None:
        items = [(a, cat.alias) for a in mod.by_cat[cat.alias]]
        template = cat.template
        title = cat.title
        url_of: Callable[[int], str] = partial(self.cat_url, mod, cat.alias)
        if template == "viewcat_two_column":
            body = self.two_column_category(mod, cat, items)
            meta = self._listing_meta(mod, title, url_of(1), "viewcat", cat.alias)
            self.save(url_of(1), self.shell(meta, body))
            self._beyond(url_of, 1)  # viewcat.php: page > 1 of viewcat_two_column goes to 1
            return
        real = _pages(len(items), mod.per_page)
        pages = real
        if cat.trap in ("repeat", "empty_next"):
            pages = TRAP_PAGES
        if cat.trap is not None:
            self.trap_listings.append(_encoded(self.abs(url_of(1))))
        for page in range(1, pages + 1):
            shown = min(page, real)
            chunk = items[(shown - 1) * mod.per_page : shown * mod.per_page]
            if cat.trap == "empty_next" and page > real:
                chunk = []
            after = items[shown * mod.per_page : shown * mod.per_page + ST_LINKS]
            if page == 1 and mod.gone and cat.alias == mod.gone_cat:
                chunk = list(chunk)
                chunk.insert(min(1, len(chunk)), (mod.gone[0], cat.alias))
                chunk.insert(min(4, len(chunk)), (mod.gone[1], cat.alias))
            total = pages
            if cat.trap == "loop" and page == real:
                total = real + 1
            pager = self.pager(title, url_of, total, page)
            if cat.trap == "loop" and page == real:
                pager = pager.replace(href(url_of(real + 1)), href(url_of(1)))
            if template in MAIN_TEMPLATES and page == 1:
                body = self.main_category(mod, cat, chunk, pager)
            else:
                layout = "viewcat_page_new" if template in MAIN_TEMPLATES else template
                body = self.listing_body(mod, layout, chunk, after, pager, page, title)
            meta = self._listing_meta(mod, title, url_of(page), "viewcat", cat.alias)
            self._prev_next(meta, url_of, page, total)
            if cat.trap == "loop" and page == real:
                meta.next = self.abs(url_of(1))
            self.save(url_of(page), self.shell(meta, body))
        self._beyond(url_of, pages)

    def _tags_and_author(self, mod: _Mod) -> None:
        groups: list[tuple[str, str, Callable[[int], str], list[_Art]]] = []
        for tag in mod.tags:
            tagged = [a for a in mod.arts if tag in a.tags]
            if tagged:
                groups.append(("tag", tag, partial(self.tag_url, mod, tag), tagged))
        own = [a for a in mod.arts if a.internal_author]
        if own:
            groups.append(("author", mod.author[0], partial(self.author_url, mod), own))
        for func, title, url_of, arts in groups:
            pages = _pages(len(arts), mod.per_page)
            for page in range(1, pages + 1):
                chunk = arts[(page - 1) * mod.per_page : page * mod.per_page]
                pager = self.pager(title, url_of, pages, page)
                meta = self._listing_meta(mod, title, url_of(page), func, None)
                meta.crumbs.append((title, url_of(1)))
                self._prev_next(meta, url_of, page, pages)
                self.save(url_of(page), self.shell(meta, self.topic_body(chunk, pager)))
            self._beyond(url_of, pages)

    # --- listing templates ----------------------------------------------------------------

    def _img(self, art: _Art, folder: str = "assets") -> str:
        return f"/{folder}/{art.module}/{art.image}" if art.image else ""

    def _thumb(self, art: _Art, url: str) -> str:
        if not art.image:
            return ""
        img = (
            f'<img  alt="{nv_esc(art.title)}" src="{self._img(art)}" width="100" '
            'class="img-thumbnail pull-left imghome" />'
        )
        return _a(url, art.title, text=img)

    def _tooltip(self, art: _Art) -> str:
        text = art.hometext
        if len(text) > 160:
            text = text[:156].rsplit(" ", 1)[0] + "..."
        return (
            f'data-content="{nv_esc(text)}" data-img="{self._img(art)}" data-rel="tooltip" '
            'data-placement="bottom"'
        )

    def _meta_list(self, art: _Art, fmt: str = "list") -> str:
        """The clock/views/comments line: "list" items, "two" (two_column), "main" blocks."""
        when = f"{art.publ:%d/%m/%Y %H:%M}"
        if fmt != "main":
            when = list_date(art.publ, self.cfg.clock)
        seen, said = ("Đã xem: ", "Phản hồi: ") if fmt == "list" else ("", "")
        return (
            '<div class="text-muted">\n<ul class="list-unstyled list-inline">\n'
            f'<li><em class="fa fa-clock-o">&nbsp;</em> {when}</li>\n'
            f'<li><em class="fa fa-eye">&nbsp;</em> {seen}{art.views}</li>\n'
            f'<li><em class="fa fa-comment-o">&nbsp;</em> {said}0</li>\n</ul>\n</div>'
        )

    def _page_item(self, art: _Art, via: str, featured: bool) -> str:
        url = self.art_url(art, via)
        tag, css = ("h2", "panel-body featured") if featured else ("h3", "panel-body")
        return (
            f'<div class="panel panel-default">\n<div class="{css}">\n{self._thumb(art, url)}\n'
            f"<{tag}>\n{_a(url, art.title)}\n</{tag}>\n{self._meta_list(art)}\n"
            f"{html.escape(art.hometext)}\n</div>\n</div>"
        )

    def _other_news(self, after: list[tuple[_Art, str]]) -> str:
        if not after:
            return ""
        square = " related-square" if self.cfg.theme == "egov" else ""
        rows = "".join(
            '<li>\n<em class="fa fa-angle-right">&nbsp;</em>'
            + _a(
                self.art_url(a, via),
                a.title,
                text=f"{nv_esc(a.title)} <em>({a.publ:%d/%m/%Y}) </em>",
            )
            + "\n</li>\n"
            for a, via in after
        )
        return f'<hr/>\n<h4>Các tin khác</h4>\n<ul class="related{square} list-items">\n{rows}</ul>'

    def _wrap_pager(self, pager: str) -> str:
        if not pager:
            return ""
        if self.cfg.theme == "egov":
            return f'<div class="text-right genpage_nobottom genpage_cute">\n{pager}\n</div>'
        return f'<div class="clearfix"></div>\n<div class="text-center">\n{pager}\n</div>'

    def listing_body(
        self,
        mod: _Mod,
        template: str,
        chunk: list[tuple[_Art, str]],
        after: list[tuple[_Art, str]],
        pager: str,
        page: int,
        title: str,
    ) -> str:
        """A paginated listing page: viewcat_page (default), _list, _grid or _top."""
        if template == "viewcat_list_new":
            return self.list_body(chunk, pager, (page - 1) * mod.per_page)
        if template == "viewcat_grid_new":
            return self.grid_body(chunk, pager)
        if template == "viewcat_top":
            return self.top_body(chunk, pager)
        items = "\n".join(self._page_item(a, via, i == 0) for i, (a, via) in enumerate(chunk))
        if self.cfg.theme == "egov":
            return (
                '<div class="box-icon-title box-icon-title-notop">'
                f"<h2>{nv_esc(title)}</h2></div>\n"
                f'<div class="news_column listpage">\n{items}\n</div>\n'
                f"{self._wrap_pager(pager)}\n{self._other_news(after)}"
            )
        return (
            f'<div class="news_column">\n{items}\n</div>\n{self._other_news(after)}\n'
            f"{self._wrap_pager(pager)}"
        )

    def list_body(self, chunk: list[tuple[_Art, str]], pager: str, start: int) -> str:
        rows = "".join(
            f'<a class="show h4" href="{href(self.art_url(a, via))}" {self._tooltip(a)} '
            f'title="{nv_esc(a.title)}">\n<h4 class="list-group-item-heading">\n'
            f'<span class="label label-default">{start + i + 1}</span>&nbsp;&nbsp;'
            f"{nv_esc(a.title)}\n</h4>\n</a>\n"
            for i, (a, via) in enumerate(chunk)
        )
        return f'<div class="list-group">\n{rows}</div>\n{self._wrap_pager(pager)}'

    def _featured(self, art: _Art, via: str, extra: str = "") -> str:
        url = self.art_url(art, via)
        return (
            '<div class="news_column">\n<div class="panel panel-default">\n'
            f'<div class="panel-body featured">\n{self._thumb(art, url)}\n'
            f"<h2>{_a(url, art.title)}</h2>\n{self._meta_list(art)}\n"
            f'<div class="text-justify">{html.escape(art.hometext)}</div>\n{extra}'
            "</div>\n</div>\n</div>"
        )

    def grid_body(self, chunk: list[tuple[_Art, str]], pager: str) -> str:
        if not chunk:
            return self._wrap_pager(pager)
        egov = self.cfg.theme == "egov"
        cells = []
        for art, via in chunk[1:]:
            url = self.art_url(art, via)
            src = self._img(art) or "/themes/default/images/no_image.gif"
            image = _a(
                url,
                art.title,
                text=f'<img alt="{nv_esc(art.title)}" src="{src}" '
                'width="183" class="img-thumbnail"/>',
            )
            link = (
                f'<h4><a class="show" href="{href(url)}" {self._tooltip(art)} '
                f'title="{nv_esc(art.title)}">{nv_esc(art.title)}</a></h4>'
            )
            caption = "caption" if egov else "caption text-center"
            cells.append(
                '<div class="col-sm-12 col-md-8">\n<div class="thumbnail">\n'
                f'{image}\n<div class="{caption}">\n{link}\n</div>\n</div>\n</div>'
            )
        row = "row news_column news_grid" if egov else "row"
        return (
            f"{self._featured(*chunk[0])}\n"
            f'<div class="{row}">\n' + "\n".join(cells) + "\n</div>\n"
            f'<div class="clear">&nbsp;</div>\n{self._wrap_pager(pager)}'
        )

    def top_body(self, chunk: list[tuple[_Art, str]], pager: str) -> str:
        """viewcat_top: the first item with its date, the others as a plain list."""
        if not chunk:
            return self._wrap_pager(pager)
        rows = "".join(
            '<li>\n<em class="fa fa-angle-right">&nbsp;</em>\n'
            f"{_a(self.art_url(a, via), a.title)}\n</li>\n"
            for a, via in chunk[1:]
        )
        related = f'<ul class="related">\n{rows}</ul>\n'
        return f"{self._featured(*chunk[0], extra=related)}\n{self._wrap_pager(pager)}"

    def _related_items(self, arts: list[_Art], via: str) -> str:
        rows = "".join(
            f'<li class="icon_list">\n<a class="show h4" href="{href(self.art_url(a, via))}" '
            f'{self._tooltip(a)} title="{nv_esc(a.title)}">{nv_esc(a.title)}</a>\n</li>\n'
            for a in arts
        )
        return f'<ul class="related list-items">\n{rows}</ul>'

    def main_panel(self, mod: _Mod, cat: Category, variant: str) -> str:
        """One category block of viewcat_main_left/right/bottom (viewsubcat_main)."""
        url = self.cat_url(mod, cat.alias)
        sub = "".join(
            f'\n<li class="hidden-xs"><h4><a class="dimgray" title="{nv_esc(k.title)}" '
            f'href="{href(self.cat_url(mod, k.alias))}">{nv_esc(k.title)}</a></h4></li>'
            for k in mod.children(cat.alias)
        )
        if self.cfg.theme == "egov":
            heading = (
                '<div class="viewcat-main-style">\n<ul class="list-inline">\n'
                f"<li><h2>{_a(url, cat.title)}</h2></li>{sub}\n</ul>\n</div>"
            )
        else:
            heading = (
                '<div class="panel-heading">\n'
                '<ul class="list-inline sub-list-icon" style="margin: 0">\n'
                f"<li><h4>{_a(url, cat.title, text=f'<span>{nv_esc(cat.title)}</span>')}</h4></li>"
                f"{sub}\n</ul>\n</div>"
            )
        items = mod.by_cat[cat.alias][:NUMLINKS]
        inner = ""
        if items:
            lead = items[0]
            lead_url = self.art_url(lead, cat.alias)
            lead_html = (
                f"{self._thumb(lead, lead_url)}\n<h3>\n{_a(lead_url, lead.title)}\n</h3>\n"
                f"{self._meta_list(lead, 'main')}\n{html.escape(lead.hometext)}"
            )
            related = self._related_items(items[1:], cat.alias)
            if variant == "viewcat_main_bottom":
                cols = ((24, lead_html), (24, related))
            elif variant == "viewcat_main_left":
                cols = ((8, related), (16, lead_html))
            else:
                cols = ((16, lead_html), (8, related))
            inner = "\n".join(f'<div class="col-md-{w}">\n{c}\n</div>' for w, c in cols)
        body_css = "panel-body panel-body-left" if self.cfg.theme == "egov" else "panel-body"
        return (
            f'<div class="news_column">\n<div class="panel panel-default clearfix">\n{heading}\n'
            f'<div class="{body_css}">\n<div class="row">\n{inner}\n</div>\n</div>\n</div>\n</div>'
        )

    def two_column_box(self, mod: _Mod, cat: Category, arts: list[_Art]) -> str:
        url = self.cat_url(mod, cat.alias)
        link = _a(url, cat.title, text=f"<span>{nv_esc(cat.title)}</span>")
        body = ""
        if arts:
            lead = arts[0]
            lead_url = self.art_url(lead, cat.alias)
            body = (
                f"<h3>\n{_a(lead_url, lead.title)}\n</h3>\n{self._meta_list(lead, 'two')}\n"
                f"{self._thumb(lead, lead_url)}\n<p>{html.escape(lead.hometext)}</p>\n"
                f"{self._related_items(arts[1:], cat.alias)}"
            )
        return (
            '<div class="news_column two_column col-md-12">\n'
            '<div class="panel panel-default clearfix">\n'
            f'<div class="panel-heading">\n<h4 class="cat-icon">{link}</h4>\n</div>\n'
            f'<div class="panel-body">\n{body}\n</div>\n</div>\n</div>'
        )

    def home_blocks(self, mod: _Mod, template: str) -> str:
        """A module home that is not paginated: one block per top-level category."""
        if template == "viewcat_two_column":
            boxes = "\n".join(
                self.two_column_box(mod, c, mod.by_cat[c.alias][:NUMLINKS]) for c in mod.top()
            )
            return (
                '<div class="news_column">\n</div>\n'
                f'<div class="row">\n{boxes}\n</div>\n<div class="clear"></div>'
            )
        return "\n".join(self.main_panel(mod, c, template) for c in mod.top())

    def main_category(
        self, mod: _Mod, cat: Category, chunk: list[tuple[_Art, str]], pager: str
    ) -> str:
        """Page 1 of a viewcat_main_* category: viewcat_top, then a block per child."""
        panels = "\n".join(self.main_panel(mod, k, cat.template) for k in mod.children(cat.alias))
        return f"{self.top_body(chunk, pager)}\n{panels}"

    def two_column_category(self, mod: _Mod, cat: Category, items: list[tuple[_Art, str]]) -> str:
        own = self.two_column_box(mod, cat, [a for a, _ in items])
        kids = "\n".join(
            self.two_column_box(mod, k, mod.by_cat[k.alias][:NUMLINKS])
            for k in mod.children(cat.alias)
        )
        return f'<div class="row">\n{own}\n{kids}\n</div>\n<div class="clear"></div>'

    def topic_body(self, arts: list[_Art], pager: str) -> str:
        """topic.tpl: tag, author, topic and group pages."""
        blocks = [
            '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
            f"{self._thumb(art, self.art_url(art))}\n<h3>{_a(self.art_url(art), art.title)}</h3>\n"
            f'<p>\n<em class="fa fa-clock-o">&nbsp;</em><em>{art.publ:%H:%M %d/%m/%Y}</em>\n</p>\n'
            f'<div class="text-justify">\n{html.escape(art.hometext)}\n</div>\n</div>\n</div>'
            for art in arts
        ]
        return "\n".join(blocks) + "\n" + self._wrap_pager(pager)

    def pager(self, title: str, url_of: Callable[[int], str], total: int, on: int) -> str:
        """nv_alias_page (4.x): numbered links, rel prev/next, « », the ≤ 7 pages "<li>" slip."""
        if total < 2:
            return ""
        plain = self.cfg.pager == "plain"
        li = "" if plain else ' class="page-item"'
        a = "" if plain else ' class="page-link"'
        active = ' class="active"' if plain else ' class="page-item active"'
        disabled = ' class="disabled"' if plain else ' class="page-item disabled"'
        dead = "javascript:void(0)" if plain else "#"
        label = f"{nv_esc(title)} - Trang"
        gap = f"<li{disabled}><span>...</span></li>"

        def link(i: int, text: str = "", rel: str = "") -> str:
            if i == on and not text:
                return f'<li{active}><a{a} href="{dead}">{i}</a></li>'
            rel = rel or ("next" if i > on else "prev")
            return (
                f'<li{li}><a{a} rel="{rel}" title="{label} {i}" '
                f'href="{href(url_of(i))}">{text or i}</a></li>'
            )

        out = link(1)
        if total > 7:
            if on < 4:
                out += link(2)
            if 1 < on < total:
                out += gap if on > 3 else ""
                low = on if on > 3 else 4
                high = on if on < total - 3 else total - 3
                out += "".join(link(i) for i in range(low - 1, high + 2))
                out += gap if on < total - 3 else ""
            else:
                out += gap
            start = total if total - on > 3 else total - 1
            out += "".join(link(i) for i in range(start, total + 1))
        else:
            for i in range(2, total + 1):
                item = link(i)
                out += item.replace("</a></li>", "</a><li>") if i == on else item
        if on > 1:
            out = link(on - 1, "&laquo;", "prev") + out
        else:
            out = f'<li{disabled}><a{a} href="{dead}">&laquo;</a></li>' + out
        if on < total:
            out += link(on + 1, "&raquo;", "next")
        else:
            out += f'<li{disabled}><a{a} href="{dead}">&raquo;</a></li>'
        return f'<ul class="pagination">{out}</ul>'

    # --- article pages --------------------------------------------------------------------

    def _tools(self, art: _Art) -> str:
        def op(func: str) -> str:
            return href(self.r.link(art.module, f"{func}/{art.cat}/{art.slug}", art.lang))

        popup = "'',840,500,'resizable=yes,scrollbars=yes,toolbar=no,location=no,status=no'"
        return (
            '<li><a class="dimgray" title="Giới thiệu bài viết cho bạn bè" '
            'href="javascript:void(0);" onclick="newsSendMailModal('
            f"'#newsSendMailModal', '{op('sendmail')}', '{self.token[:32]}');\">"
            '<em class="fa fa-envelope fa-lg">&nbsp;</em></a></li>\n'
            '<li><a class="dimgray" rel="nofollow" title="In ra" href="javascript: void(0)" '
            f"onclick=\"nv_open_browse('{op('print')}',{popup});return false\">"
            '<em class="fa fa-print fa-lg">&nbsp;</em></a></li>\n'
            '<li><a class="dimgray" rel="nofollow" title="Lưu bài viết này" '
            f'href="{op("savefile")}"><em class="fa fa-save fa-lg">&nbsp;</em></a></li>\n'
        )

    def _bodytext(self, art: _Art) -> str:
        paragraphs = [
            f'<p style="text-align: justify;">{html.escape(p)}</p>' for p in art.paragraphs
        ]
        if art.image and len(paragraphs) > 2:
            alt = html.escape(art.alias.replace("-", " "))
            paragraphs.insert(
                1,
                f'<p style="text-align: center;"><img alt="{alt}" '
                f'src="{self._img(art, "uploads")}" style="width: 800px; height: 533px;" /></p>',
            )
        credit = "Photo and text" if art.lang == "en" else "Tin, ảnh"
        byline = f"{credit}: {html.escape(art.byline)}"
        paragraphs.append(f'<p style="text-align: right;"><strong>{byline}</strong></p>')
        return "\n".join(paragraphs)

    def _hidden_schema(self, art: _Art) -> str:
        span = '<span class="hidden hide d-none" itemprop="{}">{}</span>\n'
        image = self._img(art, "uploads")
        return (
            '<div class="hidden hide d-none" itemprop="author" '
            'itemtype="http://schema.org/Person" itemscope>\n'
            '<span itemprop="name">admin</span>\n</div>\n'
            # NukeViet 4.5 assigns both spans the same variable: both show the edit time.
            + span.format("datePublished", iso(art.edit))
            + span.format("dateModified", iso(art.edit))
            + span.format("mainEntityOfPage", self.abs(self.art_url(art)))
            + (span.format("image", self.abs(image)) if image else "")
            + '<div class="hidden hide d-none" itemprop="publisher" '
            'itemtype="http://schema.org/Organization" itemscope>\n'
            f'<span itemprop="name">{SITE_NAME}</span>\n</div>'
        )

    def detail(self, mod: _Mod, art: _Art) -> str:
        english = art.lang == "en"
        egov = self.cfg.theme == "egov"
        weekday = (WEEKDAYS_EN if english else WEEKDAYS_VI)[art.publ.weekday()]
        visible = f"{weekday} - {art.publ:%d/%m/%Y %H:%M}"
        image = self._img(art, "uploads")
        figure = ""
        if image:
            figure = (
                f'<figure class="article center">\n<img alt="{nv_esc(art.title)}" src="{image}" '
                'width="460" class="img-thumbnail"/>\n</figure>'
            )
        author = html.escape(art.byline)
        if art.internal_author:
            name = mod.author[0]
            link = f'<a href="{href(self.author_url(mod))}">{html.escape(name)}</a>'
            author = link if name == art.byline else f"{link}, {author}"
        author_html = (
            '<div class="margin-bottom-lg">\n<p class="h5 text-right">\n'
            f"<strong>{'Author' if english else 'Tác giả'}: </strong>{author}\n</p>\n</div>"
        )
        main = (
            '<div class="clearfix">\n<div class="hometext m-bottom" itemprop="description">'
            f"{html.escape(art.hometext)}</div>\n{figure}\n</div>\n"
            '<div id="news-bodyhtml" class="bodytext margin-bottom-lg">\n'
            f"{self._bodytext(art)}\n</div>\n{author_html}\n</div>\n</div>\n"
        )
        schema = 'itemtype="http://schema.org/NewsArticle" itemscope'
        tools = f'<ul class="list-inline text-right">\n{self._tools(art)}</ul>'
        if egov:
            article = (
                f'<div class="news_column panel panel-default newsdetail" {schema}>\n'
                '<div class="panel-body">\n'
                f'<h1 class="title margin-bottom-lg">{nv_esc(art.title)}</h1>\n'
                f"{self._hidden_schema(art)}\n"
                '<div class="newsdetailmetatop clearfix">\n'
                f'<span class="h5"><em class="fa fa-clock-o">&nbsp;</em>{visible}</span>\n'
                f'<span class="h5"><em class="fa fa-eye">&nbsp;</em>{art.views}</span>\n'
                f"{tools}\n</div>\n{main}"
            )
        else:
            article = (
                f'<div class="news_column panel panel-default" {schema}>\n'
                '<div class="panel-body">\n'
                f'<h1 class="title margin-bottom-lg" itemprop="headline">{nv_esc(art.title)}</h1>\n'
                f'{self._hidden_schema(art)}\n<div class="row margin-bottom-lg">\n'
                f'<div class="col-md-12">\n<span class="h5">{visible}</span>\n</div>\n'
                f'<div class="col-md-12">\n{tools}\n</div>\n</div>\n{main}'
            )
        tags = ", ".join(
            f'<a title="{html.escape(t)}" href="{href(self.tag_url(mod, t))}">'
            f"<em>{html.escape(t)}</em></a>"
            for t in art.tags
        )
        if tags:
            tag_line = (
                f'<div class="h5">\n<em class="fa fa-tags">&nbsp;</em><strong>Tags: </strong>'
                f"{tags}\n</div>"
            )
            if egov:
                article += f'<div class="newsdetailbox">\n{tag_line}\n</div>\n'
            else:
                article += (
                    '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
                    f"{tag_line}\n</div>\n</div>\n"
                )
        same = mod.by_cat[art.cat]
        newer = sorted((a for a in same if a.publ > art.publ), key=lambda a: a.publ)[:RELATED]
        older = [a for a in same if a.publ < art.publ][:RELATED]
        labels = ("Newer articles", "Older articles")
        if not english:
            labels = ("Những tin mới hơn", "Những tin cũ hơn")
        if egov:
            article += self._egov_related(art, labels, newer, older)
        elif newer or older:
            article += (
                '<div class="news_column panel panel-default">\n'
                '<div class="panel-body other-news">\n'
                f"{self._related(art, labels[0], newer)}{self._related(art, labels[1], older)}"
                "</div>\n</div>"
            )
        meta = self._listing_meta(mod, art.title, self.art_url(art), "detail", art.cat)
        meta.og_type = "article"
        meta.description = art.hometext
        meta.art = art
        return self.shell(meta, article)

    def _related(self, art: _Art, heading: str, arts: list[_Art]) -> str:
        """Default theme: "newer" / "older" lists, linked under this page's category."""
        if not arts:
            return ""
        rows = "".join(
            '<li>\n<em class="fa fa-angle-right">&nbsp;</em>\n'
            f'<h4><a href="{href(self.art_url(a, art.cat))}" {self._tooltip(a)} '
            f'title="{nv_esc(a.title)}">{nv_esc(a.title)}</a></h4>\n'
            f"<em>({a.publ:%d/%m/%Y})</em>\n</li>\n"
            for a in arts
        )
        return (
            f'<p class="h3"><strong>{heading}</strong></p>\n<div class="clearfix">\n'
            f'<ul class="detail-related related list-none list-items">\n{rows}</ul>\n</div>\n'
        )

    def _egov_related(
        self, art: _Art, labels: tuple[str, str], newer: list[_Art], older: list[_Art]
    ) -> str:
        """eGov theme: the two lists in tabs, "h4" inside the link."""

        def tab(ident: str, arts: list[_Art]) -> str:
            rows = "".join(
                '<li><em class="fa fa-angle-right">&nbsp;</em>'
                + _a(self.art_url(a, art.cat), a.title, text=f"<h4>{nv_esc(a.title)}</h4>")
                + f" <em>({a.publ:%d/%m/%Y})</em></li>\n"
                for a in arts
            )
            return (
                f'<div class="tptabcontent" id="{ident}">\n'
                f'<ul class="related related-square">\n{rows}</ul>\n</div>'
            )

        return (
            '<div class="faqopinion">\n<ul class="optabs list-inline">\n'
            f'<li><a href="#news-relatednew">{labels[0]}</a></li>'
            f'<li><a href="#news-related">{labels[1]}</a></li>\n</ul>\n'
            f'<div class="optabarea">\n{tab("news-relatednew", newer)}\n'
            f"{tab('news-related', older)}\n</div>\n</div>"
        )

    def soft_404_page(self) -> str:
        mod = self.mods[0]
        body = (
            '<div class="news_column panel panel-default">\n<div class="panel-body">\n'
            '<h1 class="title margin-bottom-lg">Thông báo</h1>\n'
            '<div class="alert alert-danger">Không tìm thấy bài viết</div>\n'
            f'<div id="news-bodyhtml" class="bodytext">\n<p>{NOT_FOUND_TEXT}</p>\n</div>\n'
            f'<p class="text-center"><a href="{href(self.mod_url(mod))}">'
            "Quay lại trang chủ chuyên mục</a></p>\n</div>\n</div>"
        )
        meta = self._listing_meta(mod, "Thông báo", self.mod_url(mod), "main", None)
        return self.shell(meta, body)

    # --- English side ---------------------------------------------------------------------

    def _english(self, mod: _Mod) -> None:
        (cat,) = mod.cats.values()
        chunk = [(a, cat.alias) for a in mod.arts]
        body = self.listing_body(mod, "viewcat_page_new", chunk, [], "", 1, mod.title)
        home_meta = self._listing_meta(mod, mod.title, self.r.home("en"), "main", None)
        home_meta.crumbs = []
        self.save(self.r.home("en"), self.shell(home_meta, body))
        meta = self._listing_meta(mod, mod.title, self.mod_url(mod), "main", None)
        self.save(self.mod_url(mod), self.shell(meta, body))
        cat_url = self.cat_url(mod, cat.alias)
        cat_meta = self._listing_meta(mod, cat.title, cat_url, "viewcat", cat.alias)
        self.save(cat_url, self.shell(cat_meta, body))
        for art in mod.arts:
            self.save(self.art_url(art), self.detail(mod, art))

    # --- feeds, robots, sitemaps ----------------------------------------------------------

    def _feeds(self, mod: _Mod) -> None:
        feeds = [("rss", mod.title, mod.arts)]
        feeds += [
            (f"rss/{c.alias}", f"{mod.title} - {c.title}", mod.by_cat[c.alias])
            for c in mod.cats.values()
        ]
        for op, title, arts in feeds:
            self.save(self.r.link(mod.name, op, mod.lang), self.rss(mod, title, arts), XML)

    def rss(self, mod: _Mod, title: str, arts: list[_Art]) -> str:
        def stamp(moment: datetime) -> str:
            utc = moment - timedelta(hours=7)
            # nv_rss_generate writes "H:m:s": the minutes field is the month number.
            return (
                f"{DOW_RSS[utc.weekday()]}, {utc.day} {MON_RSS[utc.month - 1]} {utc.year} "
                f"{utc.hour:02d}:{utc.month:02d}:{utc.second:02d} GMT"
            )

        items = []
        for art in arts[:30]:
            img = ""
            if art.image:
                img = f'<img src="{self.abs(self._img(art))}" width="100" align="left" border="0">'
            items.append(
                f"<item>\n<title>{nv_esc(art.title)}</title>\n"
                f"<link>{href(self.abs(self.art_url(art)))}</link>\n"
                f'<guid isPermaLink="false"><![CDATA[{art.module}_{art.id}]]></guid>\n'
                f"<pubDate>{stamp(art.publ)}</pubDate>\n"
                f"<description><![CDATA[{img}{art.hometext}]]></description>\n</item>"
            )
        newest = stamp(arts[0].publ if arts else EPOCH_START)
        feed = href(self.abs(self.r.link(mod.name, "rss", mod.lang)))
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<?xml-stylesheet type="text/xsl" href="/assets/css/rss.xsl" media="screen"?>\n'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
            f"<channel>\n<title>{nv_esc(title)}</title>\n"
            f"<link>{href(self.abs(self.mod_url(mod)))}</link>\n"
            f'<atom:link href="{feed}" rel="self" />\n'
            f"<description><![CDATA[{SITE_DESCRIPTION}]]></description>\n"
            f"<language>{mod.lang}</language>\n"
            f"<pubDate>{newest}</pubDate>\n<lastBuildDate>{newest}</lastBuildDate>\n"
            f"<copyright><![CDATA[{SITE_NAME}]]></copyright>\n"
            f"<docs>{self.abs('/rss/')}</docs>\n"
            "<generator><![CDATA[NukeViet v4.0]]></generator>\n"
            + "\n".join(items)
            + "\n</channel>\n</rss>"
        )

    def _sitemap_url(self, lang: str, module: str) -> str:
        if self.cfg.routing == "rewrite_off":
            return f"/index.php?language={lang}&nv={module}&op=sitemap"
        if self.cfg.routing == "index_php":
            return f"/index.php/{module}/sitemap/"
        return f"/sitemap-{lang}.{module}.xml"

    def _urlset(self, urls: list[tuple[str, datetime]]) -> str:
        body = "".join(
            f"<url><loc>{html.escape(self.abs(u))}</loc><lastmod>{iso(m)}</lastmod>"
            "<changefreq>daily</changefreq><priority>0.8</priority></url>"
            for u, m in urls
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<?xml-stylesheet type="text/xsl" href="/assets/css/sitemap.xsl"?>\n'
            f'<urlset {SITEMAP_NS}sitemap.xsd">{body}</urlset>'
        )

    def _robots_and_sitemaps(self) -> None:
        folders = ("admin", "data", "includes", "install", "modules", "users", "statistics")
        lines = ["User-agent: *", *(f"Disallow: /{d}/" for d in folders)]
        index_url = {
            "rewrite_off": "/index.php?language=vi&nv=SitemapIndex",
            "index_php": "/index.php/SitemapIndex/",
        }.get(self.cfg.routing, "/sitemap.xml")
        if self.cfg.sitemap:
            lines.append(f"Sitemap: {self.abs(index_url)}")
        self.save("/robots.txt", "\n".join(lines) + "\n", "text/plain; charset=utf-8")
        if not self.cfg.sitemap:
            return
        about = self._sitemap_url("vi", "about")
        stamp = datetime(2026, 11, 20, 9, 0)
        self.save(
            about,
            self._urlset(
                [(self.r.link("about", f"{slug}.html"), stamp) for slug, _ in ABOUT_PAGES]
            ),
            XML,
        )
        entries = [about]
        for mod in [*self.mods, *([self.en] if self.en else [])]:
            url = self._sitemap_url(mod.lang, mod.name)
            self.save(url, self._urlset([(self.art_url(a), a.publ) for a in mod.arts]), XML)
            entries.append(url)
        index = "".join(
            f"<sitemap><loc>{html.escape(self.abs(e))}</loc></sitemap>" for e in entries
        )
        self.save(
            index_url,
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<?xml-stylesheet type="text/xsl" href="/assets/css/sitemapindex.xsl"?>\n'
            f'<sitemapindex {SITEMAP_NS}siteindex.xsd">{index}</sitemapindex>',
            XML,
        )

    # --- the page shell -------------------------------------------------------------------

    def _head(self, meta: _Meta) -> list[str]:
        mod, art = meta.mod, meta.art
        title = nv_esc(meta.title) if meta.title else SITE_NAME
        head = [
            f"<title>{title}</title>",
            f'<meta name="description" content="{nv_esc(meta.description or SITE_DESCRIPTION)}">',
            f'<meta name="author" content="{SITE_NAME}">',
            f'<meta name="copyright" content="{SITE_NAME} [admin@{self.cfg.host}]">',
            '<meta name="generator" content="NukeViet v4.5">',
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',
            f'<meta property="og:title" content="{title}">',
            f'<meta property="og:type" content="{meta.og_type}">',
            f'<meta property="og:site_name" content="{SITE_NAME}">',
            f'<meta property="og:url" content="{href(meta.og_url or meta.canonical)}">',
        ]
        if art is not None and mod is not None:
            if art.image:
                image = self.abs(self._img(art, "uploads"))
                head.append(f'<meta property="og:image" content="{image}">')
            # PHP date('Y-m-dTH:i:s'): the "T" prints the zone abbreviation.
            for name, moment in (("published", art.publ), ("modified", art.edit)):
                head.append(
                    f'<meta property="article:{name}_time" '
                    f'content="{moment:%Y-%m-%d}+07{moment:%H:%M:%S}">'
                )
            section = nv_esc(mod.cats[art.cat].title)
            head.append(f'<meta property="article:section" content="{section}">')
        head.append('<link rel="shortcut icon" href="/favicon.ico">')
        head.append(f'<link rel="canonical" href="{href(meta.canonical)}">')
        for rel, url in (("prev", meta.prev), ("next", meta.next)):
            if url:
                head.append(f'<link rel="{rel}" href="{href(url)}">')
        if mod is not None and mod.lang == "vi":
            feeds = [("rss", mod.title)]
            feeds += [(f"rss/{c.alias}", f"{mod.title} - {c.title}") for c in mod.cats.values()]
            head += [
                f'<link rel="alternate" href="{href(self.r.link(mod.name, op))}" '
                f'title="{nv_esc(t)}" type="application/rss+xml">'
                for op, t in feeds
            ]
        theme = f"/themes/{self.cfg.theme}"
        head += [
            f'<link rel="stylesheet" href="/assets/css/font-awesome.min.css?{STAMP}">',
            f'<link rel="stylesheet" href="{theme}/css/bootstrap.non-responsive.css?{STAMP}">',
            f'<link rel="stylesheet" href="{theme}/css/style.css?{STAMP}">',
            f'<link rel="StyleSheet" href="{theme}/css/news.css?{STAMP}">',
        ]
        return head

    def _scripts(self, meta: _Meta) -> str:
        func = meta.func if meta.func in ("main", "viewcat", "detail", "tag", "author") else "main"
        module = meta.mod.name if meta.mod is not None else "news"
        lang = meta.lang
        responsive = 1 if self.cfg.theme == "egov" else 0
        variables = (
            f'var nv_base_siteurl="/",nv_lang_data="{lang}",nv_lang_interface="{lang}",'
            'nv_name_variable="nv",nv_fc_variable="op",nv_lang_variable="language",'
            f'nv_module_name="{module}",nv_func_name="{func}",nv_is_user=0, nv_my_ofs=7,'
            'nv_my_abbr="+07",nv_cookie_prefix="nv4",nv_check_pass_mstime=1738000,'
            f"nv_area_admin=0,nv_safemode=0,theme_responsive={responsive},nv_recaptcha_ver=2,"
            'nv_recaptcha_sitekey="",nv_recaptcha_type="image",XSSsanitize=1;'
        )
        sources = (
            "/assets/js/jquery/jquery.min.js",
            "",
            f"/assets/js/language/{lang}.js",
            "/assets/js/DOMPurify/purify3.js",
            "/assets/js/global.js",
            "/assets/js/site.js",
            f"/themes/{self.cfg.theme}/js/news.js",
            f"/themes/{self.cfg.theme}/js/main.js",
        )
        return "\n".join(
            f'<script src="{s}?{STAMP}"></script>' if s else f"<script>{variables}</script>"
            for s in sources
        )

    def shell(self, meta: _Meta, centre: str) -> str:
        """The page around the module's content: head, header, menu, columns, footer."""
        body = [
            '<noscript>\n<div class="alert alert-danger">Trình duyệt của bạn đã tắt chức năng hỗ '
            "trợ JavaScript.<br />Website chỉ làm việc khi bạn bật nó trở lại.</div>\n</noscript>",
            self._header(meta.lang),
            self._menu(meta.lang),
            self._breadcrumbs(meta),
            '<div class="row">\n</div>\n<div class="row">',
            f'<div class="col-sm-12 col-md-13 col-sm-push-6 col-md-push-5">\n{centre}\n</div>',
            '<div class="col-sm-6 col-md-6 col-sm-push-6 col-md-push-5">\n'
            f"{self._right(meta.lang)}\n</div>",
            '<div class="col-sm-6 col-md-5 col-sm-pull-18 col-md-pull-19">\n'
            f"{self._left(meta)}\n</div>",
            "</div>",
            "</div>\n</section>\n</div>\n</div>",
            self._footer(meta),
            self._scripts(meta),
        ]
        return (
            "<!DOCTYPE html>\n    "
            f'<html lang="{meta.lang}" xmlns="http://www.w3.org/1999/xhtml" '
            'prefix="og: http://ogp.me/ns#">\n    <head>\n'
            + "\n".join(self._head(meta))
            + "\n    </head>\n    <body>\n"
            + "\n".join(body)
            + "\n</body>\n</html>\n"
        )

    def _header(self, lang: str) -> str:
        home = href(self.r.home(lang) if self.cfg.routing == "lang" else "/")
        if self.cfg.theme == "egov":
            return (
                '<div class="body-bg">\n<div class="wraper">\n<header>\n<div class="container">\n'
                '<div id="header" class="row">\n<div class="logo col-xs-24 col-sm-24 col-md-8">\n'
                f'<a title="{SITE_NAME}" href="{home}">'
                f'<img src="/uploads/logo-egov.png" alt="{SITE_NAME}"></a>\n'
                f'<span class="site_name">{SITE_NAME}</span>\n</div>\n</div>\n</div>\n</header>'
            )
        return (
            '<header>\n<div class="site-banner" '
            "style=\"background-image: url('/themes/default/images/header.png');\"></div>\n"
            '<div class="section-header">\n<div class="wraper">\n<div id="header">\n'
            f'<div class="logo">\n<a title="{SITE_NAME}" href="{home}">'
            f'<img src="/assets/images/logo.png" alt="{SITE_NAME}"></a>\n'
            f'<span class="site_name">{SITE_NAME}</span>\n'
            f'<span class="site_description">{SITE_DESCRIPTION}</span>\n'
            "</div>\n</div>\n</div>\n</div>\n</header>"
        )

    def _menu_items(self, lang: str) -> list[str]:
        r = self.r

        def entry(url: str, title: str, sub: list[tuple[str, str]] | None = None) -> str:
            css = ' class="dropdown"' if sub else ""
            caret = ' <strong class="caret">&nbsp;</strong>' if sub else ""
            drop = ""
            if sub:
                rows = "".join(f"<li>{_a(u, t)}</li>\n" for u, t in sub)
                drop = f'\n<ul class="dropdown-menu">\n{rows}</ul>'
            return (
                f'<li{css} role="presentation"><a class="dropdown-toggle" href="{href(url)}" '
                f'role="button" aria-expanded="false" title="{nv_esc(title)}"> '
                f"{nv_esc(title)}{caret}</a>{drop}</li>"
            )

        if lang == "en":
            assert self.en is not None
            cats = [(self.cat_url(self.en, c.alias), c.title) for c in self.en.top()]
            return [
                f'<li><a class="home" title="Home" href="{href(r.home("en"))}">'
                '<em class="fa fa-lg fa-home">&nbsp;</em></a></li>',
                entry(self.mod_url(self.en), self.en.title, cats),
                entry(r.link("contact", "", "en"), "Contact"),
            ]
        home = self.mods[0]
        about = [(r.link("about", f"{slug}.html"), t) for slug, t in ABOUT_PAGES]
        cats = [(self.cat_url(home, c.alias), c.title) for c in home.top()]
        cats += [
            (r.link(home.name, "rss"), "Rss"),
            (r.link(home.name, "content"), "Quản lý bài viết"),
            (r.link(home.name, "search"), "Tìm kiếm"),
        ]
        items = [
            f'<li><a class="home" title="Trang nhất" href="{href(r.home("vi"))}">'
            '<em class="fa fa-lg fa-home">&nbsp;</em>'
            '<span class="visible-xs-inline-block"> Trang nhất</span></a></li>',
            entry(r.link("about"), "Giới thiệu", about),
            entry(self.mod_url(home), home.title, cats),
        ]
        items += [
            entry(r.link(name), title)
            for name, title in (
                ("users", "Thành viên"),
                ("voting", "Thăm dò ý kiến"),
                ("seek", "Tìm kiếm"),
                ("contact", "Liên hệ"),
            )
        ]
        items += [entry(self.mod_url(m), m.title) for m in self.mods[1:]]
        return items

    def _menu(self, lang: str) -> str:
        navbar = (
            '<div class="navbar navbar-default navbar-static-top" role="navigation">\n'
            '<div class="navbar-header">\n<button type="button" class="navbar-toggle" '
            'data-toggle="collapse" data-target="#menu-site-default">'
            '<span class="sr-only">&nbsp;</span></button>\n</div>\n'
            '<div class="collapse navbar-collapse" id="menu-site-default">\n'
            '<ul class="nav navbar-nav">\n'
            + "\n".join(self._menu_items(lang))
            + "\n</ul>\n</div>\n</div>"
        )
        nav = '<nav class="second-nav" id="menusite">\n<div class="container">\n'
        if self.cfg.theme == "egov":
            return f"{nav}{navbar}\n</div>\n</nav>"
        return (
            f'<div class="section-nav">\n<div class="wraper">\n{nav}'
            f'<div class="row">\n<div class="bg box-shadow">\n{navbar}\n'
            "</div>\n</div>\n</div>\n</nav>\n</div>\n</div>"
        )

    def _breadcrumbs(self, meta: _Meta) -> str:
        home_title = "Home" if meta.lang == "en" else "Trang nhất"
        crumbs = [(home_title, self.r.home(meta.lang)), *meta.crumbs]
        if self.cfg.theme == "egov":
            schema = ""
            items = "".join(
                '<li itemscope itemtype="http://data-vocabulary.org/Breadcrumb">'
                f'<a href="{href(url)}" itemprop="url" title="{nv_esc(t)}">'
                f'<span itemprop="title">{nv_esc(t)}</span></a></li>'
                for t, url in crumbs
            )
        else:
            schema = ' itemscope itemtype="https://schema.org/BreadcrumbList"'
            items = "".join(
                '<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem">'
                f'<a href="{href(url)}" itemprop="item" title="{nv_esc(t)}">'
                f'<span class="txt" itemprop="name">{nv_esc(t)}</span></a>'
                f'<i class="hidden" itemprop="position" content="{i}"></i></li>'
                for i, (t, url) in enumerate(crumbs, start=1)
            )
        seek = self.r.link("seek", "", meta.lang)
        seek += "&q=" if "?" in seek else "?q="
        return (
            '<div class="section-body">\n<div class="wraper">\n<section>\n'
            '<div class="container" id="body">\n<nav class="third-nav">\n<div class="row">\n'
            '<div class="bg">\n<div class="clearfix">\n'
            '<div class="col-xs-24 col-sm-18 col-md-18">\n<div class="breadcrumbs-wrap">\n'
            '<div class="display">\n<ul class="breadcrumbs list-none"></ul>\n</div>\n'
            f'<ul class="temp-breadcrumbs hidden"{schema}>\n{items}\n</ul>\n</div>\n</div>\n'
            '<div class="headerSearch col-xs-24 col-sm-6 col-md-6">\n<div class="input-group">\n'
            '<input type="text" class="form-control" maxlength="60" placeholder="Tìm kiếm...">'
            '<span class="input-group-btn"><button type="button" class="btn btn-info" '
            f'data-url="{href(seek)}" data-minlength="3" data-click="y">'
            '<em class="fa fa-search fa-lg"></em></button></span>\n'
            "</div>\n</div>\n</div>\n</div>\n</div>\n</nav>"
        )

    def _right(self, lang: str) -> str:
        """Side blocks: "Tin xem nhiều" (and the language switch on bilingual sites)."""
        arts, heading = self.tophits, "Tin xem nhiều"
        if lang == "en" and self.en is not None:
            arts, heading = self.en.arts[:5], "Most viewed"
        rows = []
        for art in arts:
            url = self.art_url(art)
            img = ""
            if art.image:
                img = _a(
                    url,
                    art.title,
                    text=f'<img src="{self._img(art)}" '
                    f'alt="{nv_esc(art.title)}" width="70" class="img-thumbnail pull-left mr-1"/>',
                )
            rows.append(
                f'<li class="clearfix">\n{img}\n<a  class="show" href="{href(url)}"  '
                f'data-content="{nv_esc(art.hometext)}" data-img="{self._img(art)}" '
                f'data-rel="block_news_tooltip">{nv_esc(art.title)}</a>\n</li>'
            )
        block = (
            f'<div class="panel panel-primary">\n<div class="panel-heading">\n{heading}\n</div>\n'
            '<div class="panel-body">\n<ul class="block_tophits list-none list-items">\n'
            + "\n".join(rows)
            + "\n</ul>\n</div>\n</div>"
        )
        if self.en is None:
            return block
        switch = (
            '<div class="panel panel-primary">\n<div class="panel-heading">\n'
            'Ngôn ngữ / Language\n</div>\n<div class="panel-body">\n'
            '<ul class="list-none nv-language">\n'
            f"<li>{_a(self.r.home('vi'), 'Tiếng Việt')}</li>\n"
            f"<li>{_a(self.r.home('en'), 'English')}</li>\n</ul>\n</div>\n</div>"
        )
        return f"{switch}\n{block}"

    def _left(self, meta: _Meta) -> str:
        """$nv_vertical_menu: the module's top categories, the current one's children open."""
        mod = meta.mod
        if mod is None:
            return ""
        active = meta.cat
        while active is not None and mod.cats[active].parent is not None:
            active = mod.cats[active].parent
        rows = []
        for cat in mod.top():
            sub = ""
            kids = mod.children(cat.alias)
            if cat.alias == active and kids:
                links = "".join(
                    f"<li>\n{_a(self.cat_url(mod, k.alias), k.title)}\n</li>\n" for k in kids
                )
                sub = f"<ul>\n{links}</ul>"
            rows.append(f"<li>\n{_a(self.cat_url(mod, cat.alias), cat.title)}\n{sub}</li>")
        return (
            '<div class="clearfix panel metismenu">\n<aside class="sidebar">\n'
            '<nav class="sidebar-nav">\n<ul id="menu_3">\n'
            + "\n".join(rows)
            + "\n</ul>\n</nav>\n</aside>\n</div>"
        )

    def _footer(self, meta: _Meta) -> str:
        r, lang = self.r, meta.lang
        switch_base = self.mod_url(meta.mod or self.mods[0])
        joiner = "&" if "?" in switch_base else "?"
        theme_links = "".join(
            f'<a href="{href(f"{switch_base}{joiner}nv{lang}themever={mode}")}'
            f'&amp;nv_redirect={self.token}" rel="nofollow" title="{title}">'
            f'<i class="fa fa-{icon}"></i></a>\n'
            for mode, title, icon in (
                ("r", "Click để chuyển sang giao diện Tự động", "random"),
                ("m", "Click để chuyển sang giao diện Di động", "mobile"),
            )
        )
        main_links = "".join(
            f'<li>\n<a href="{href(url)}">{t}</a>\n</li>\n'
            for t, url in (
                ("Giới thiệu", r.link("about", "", lang)),
                (self.mods[0].title, self.mod_url(self.mods[0])),
                ("Thành viên", r.link("users", "", lang)),
                ("Liên hệ", r.link("contact", "", lang)),
                ("RSS-feeds", r.link("feeds", "", lang)),
            )
        )
        offsite = (
            '<span>Mã nguồn <a href="http://nukeviet.vn/" target="_blank" rel="dofollow">'
            "NukeViet CMS</a>.&nbsp; </span>\n"
            '<span>Thiết kế bởi <a href="http://vinades.vn/" target="_blank" rel="dofollow">'
            "VINADES.,JSC</a>.&nbsp; </span>\n"
            '<span><a href="http://www.facebook.com/nukeviet" target="_blank">'
            '<i class="fa fa-facebook"></i></a></span>\n'
        )
        return (
            '<footer class="section-footer-top" id="footer">\n<div class="wraper">\n'
            '<div class="container">\n<div class="row">\n'
            '<div class="col-xs-24 col-sm-24 col-md-6">\n<div class="panel-body">\n'
            f'<h3>Các chuyên mục chính</h3>\n<section><ul class="menu">\n{main_links}'
            "</ul></section>\n</div>\n</div>\n"
            '<div class="col-xs-24 col-sm-24 col-md-16">\n<div class="copyright">\n'
            f'<span>&copy;&nbsp;Bản quyền thuộc về <a href="{r.base}">{SITE_NAME}</a>.&nbsp; '
            f"</span>\n{offsite}"
            f'<span>&nbsp;|&nbsp;&nbsp;<a href="{href(r.link("siteterms", "", lang))}">'
            "Điều khoản sử dụng</a></span>\n"
            "</div>\n</div>\n</div>\n</div>\n</div>\n</footer>\n"
            '<nav class="section-footer-bottom footerNav2">\n<div class="wraper">\n'
            f'<div class="container">\n<div class="theme-change">\n{theme_links}'
            '<span title="Chế độ giao diện đang hiển thị: Máy Tính">'
            '<i class="fa fa-desktop"></i></span>\n</div>\n</div>\n</div>\n</nav>'
        )


def _pages(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


def _check(config: SiteConfig) -> None:
    if config.routing not in ROUTINGS:
        raise ValueError(f"unknown routing {config.routing!r}")
    if config.theme not in ("default", "egov") or config.clock not in ("24h", "12h"):
        raise ValueError("theme must be default|egov and clock 24h|12h")
    if config.pager not in ("page-item", "plain"):
        raise ValueError("pager must be page-item|plain")
    if config.english_section and config.routing != "lang":
        raise ValueError("an English section needs the multi-language routing ('lang')")
    if not config.modules:
        raise ValueError("a site needs a module")
    names = [m.name for m in config.modules]
    if len(set(names)) != len(names):
        raise ValueError("module names must differ")
    for module in config.modules:
        if module.home_template not in HOME_TEMPLATES:
            raise ValueError(f"{module.name}: unknown home template {module.home_template!r}")
        if module.per_page < 2:
            raise ValueError(f"{module.name}: per_page must be at least 2")
        aliases = [c.alias for c in module.categories]
        if not aliases or len(set(aliases)) != len(aliases):
            raise ValueError(f"{module.name}: categories must be distinct and non-empty")
        for cat in module.categories:
            if cat.template not in CATEGORY_TEMPLATES:
                raise ValueError(f"{cat.alias}: unknown template {cat.template!r}")
            if cat.trap not in (None, *TRAPS):
                raise ValueError(f"{cat.alias}: unknown trap {cat.trap!r}")
            if cat.trap and cat.template in ("viewcat_two_column", *MAIN_TEMPLATES):
                raise ValueError(f"{cat.alias}: traps need a paginated template")
            if cat.parent is not None and cat.parent not in aliases:
                raise ValueError(f"{cat.alias}: unknown parent {cat.parent!r}")
            if config.routing == "root" and module is config.modules[0] and cat.alias in names:
                raise ValueError(
                    f"{cat.alias}: a root-module category cannot be named like a module"
                )
    if config.soft_404 and all(c.trap for c in config.modules[0].categories):
        raise ValueError("a soft-404 site needs a category without a trap")


def build_site(config: SiteConfig, folder: Path) -> SiteTruth:
    """Write the site into ``folder`` (manifest.json, pages/, truth.json); return its truth."""
    return _Site(config, Path(folder)).build()


# --- presets --------------------------------------------------------------------------------

_NEWS_NAMED = Module(
    name="news",
    title="Tin Tức",
    home_template="viewcat_main_left",
    categories=(
        Category("hoat-dong-dan-van", "Hoạt động dân vận", "viewcat_page_new", weight=1.6),
        Category("dan-van-chinh-quyen", "Dân vận chính quyền", "viewcat_list_new", weight=1.3),
        Category("phong-trao-thi-dua", "Phong trào thi đua", "viewcat_grid_new", weight=1.3),
        Category(
            "mo-hinh-cach-lam-hay", "Mô hình, cách làm hay", parent="phong-trao-thi-dua", weight=0.6
        ),
        Category("dan-toc-ton-giao", "Dân tộc - Tôn giáo", "viewcat_page_new"),
    ),
    articles=120,
    per_page=10,
)
_PARTY_BRANCHES = Module(
    name="hoat-dong-cac-dang-bo",
    title="Hoạt động các Đảng bộ",
    home_template="viewcat_two_column",
    categories=(
        Category("huyen-thi-thanh-uy", "Huyện, thị, thành ủy"),
        Category("dang-bo-khoi", "Đảng bộ khối"),
    ),
    articles=36,
    per_page=10,
)


def _news(home: str, articles: int, per_page: int = 10, templates: Sequence[str] = ()) -> Module:
    cats = (
        ("tin-hoat-dong", "Tin hoạt động", 1.5),
        ("dan-van-chinh-quyen", "Dân vận chính quyền", 1.0),
        ("dan-van-kheo", "Dân vận khéo", 1.0),
        ("dan-toc-ton-giao", "Dân tộc - Tôn giáo", 0.8),
    )
    chosen = list(templates) + ["viewcat_page_new"] * len(cats)
    return Module(
        name="news",
        title="Tin tức",
        home_template=home,
        categories=tuple(
            Category(alias, title, chosen[i], weight=w) for i, (alias, title, w) in enumerate(cats)
        ),
        articles=articles,
        per_page=per_page,
    )


def _local(name: str, home: str, articles: int) -> Module:
    return Module(
        name=name,
        title="Tin cơ sở",
        home_template=home,
        categories=(
            Category("cap-huyen", "Cấp huyện"),
            Category("cap-xa", "Cấp xã", "viewcat_list_new"),
        ),
        articles=articles,
        per_page=10,
    )


PRESETS: dict[str, SiteConfig] = {
    "named": SiteConfig("named", "named", (_NEWS_NAMED, _PARTY_BRANCHES), pager="plain"),
    "named-nositemap": SiteConfig(
        "named-nositemap", "named", (_NEWS_NAMED, _PARTY_BRANCHES), sitemap=False, pager="plain"
    ),
    "root": SiteConfig(
        "root",
        "root",
        (
            _news(
                "viewcat_page_new",
                115,
                10,
                ("viewcat_page_new", "viewcat_list_new", "viewcat_grid_new"),
            ),
            _local("tin-co-so", "viewcat_main_right", 36),
        ),
        sitemap=False,
    ),
    "lang": SiteConfig(
        "lang",
        "lang",
        (
            _news(
                "viewcat_two_column",
                120,
                12,
                ("viewcat_page_new", "viewcat_grid_new", "viewcat_list_new"),
            ),
            _local("tin-co-so", "viewcat_main_bottom", 30),
        ),
        theme="egov",
        clock="12h",
        sitemap=True,
        english_section=True,
    ),
    "rewrite-off": SiteConfig(
        "rewrite-off",
        "rewrite_off",
        (
            _news(
                "viewcat_list_new",
                110,
                10,
                ("viewcat_page_new", "viewcat_list_new", "viewcat_grid_new"),
            ),
            _local("tin-co-so", "viewcat_main_left", 30),
        ),
        sitemap=False,
    ),
    "index-php": SiteConfig(
        "index-php",
        "index_php",
        (
            _news(
                "viewcat_grid_new",
                120,
                12,
                ("viewcat_page_new", "viewcat_grid_new", "viewcat_list_new"),
            ),
            _local("tin-co-so", "viewcat_two_column", 30),
        ),
        sitemap=False,
    ),
    "templates": SiteConfig(
        "templates",
        "named",
        (
            Module(
                name="news",
                title="Tin tức",
                home_template="viewcat_main_bottom",
                categories=(
                    Category("thoi-su", "Thời sự", "viewcat_page_new", weight=2.0),
                    Category(
                        "dan-van-chinh-quyen", "Dân vận chính quyền", "viewcat_list_new", weight=2.0
                    ),
                    Category("dan-van-kheo", "Dân vận khéo", "viewcat_grid_new", weight=2.5),
                    Category("mat-tran", "Mặt trận và đoàn thể", "viewcat_main_left", weight=2.3),
                    Category("hoi-nong-dan", "Hội Nông dân", parent="mat-tran", weight=0.5),
                    Category("dan-toc", "Dân tộc", "viewcat_main_right", weight=1.2),
                    Category("nguoi-co-uy-tin", "Người có uy tín", parent="dan-toc", weight=0.5),
                    Category("ton-giao", "Tôn giáo", "viewcat_main_bottom", weight=1.2),
                    Category("chuc-sac", "Chức sắc, chức việc", parent="ton-giao", weight=0.5),
                    Category(
                        "guong-dien-hinh", "Gương điển hình", "viewcat_two_column", weight=0.6
                    ),
                    Category("tieu-diem", "Tiêu điểm", "viewcat_top", weight=2.0),
                ),
                articles=180,
                per_page=10,
            ),
        ),
        clock="12h",
        sitemap=False,
    ),
    "traps": SiteConfig(
        "traps",
        "named",
        (
            Module(
                name="news",
                title="Tin tức",
                home_template="viewcat_page_new",
                categories=(
                    Category("tin-hoat-dong", "Tin hoạt động"),
                    Category("lap-lai", "Hội nghị, hội thảo", trap="repeat"),
                    Category("trang-rong", "Tập huấn", trap="empty_next"),
                    Category("vong-lap", "Hòa giải cơ sở", "viewcat_list_new", trap="loop"),
                    Category("dan-van-kheo", "Dân vận khéo", "viewcat_grid_new"),
                ),
                articles=120,
                per_page=10,
            ),
        ),
        sitemap=False,
        soft_404=True,
    ),
}
