from dvcrawl.sites.families.danvan import FAMILY
from dvcrawl.sites.profile import SiteProfile

PROFILE = SiteProfile(
    key="danvan",
    name="Ban Dân vận Trung ương (danvan.vn, former portal)",
    province=None,
    domains=("danvan.vn",),
    start_urls=(
        "http://www.danvan.vn/Home/Tin-hoat-dong/Dia-phuong-don-vi",
        "http://www.danvan.vn/Home/Dan-van-kheo",
    ),
    family=FAMILY,
    notes="Merged into tuyengiaodanvan.vn in 2025; archive only.",
)
