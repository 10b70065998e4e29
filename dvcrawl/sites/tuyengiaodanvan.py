from dvcrawl.sites.families.tuyengiaodanvan import FAMILY
from dvcrawl.sites.profile import SiteProfile

LISTING = "https://tuyengiaodanvan.vn/blogs/category/type"

PROFILE = SiteProfile(
    key="tuyengiaodanvan",
    name="Ban Tuyên giáo và Dân vận Trung ương",
    province=None,
    domains=("tuyengiaodanvan.vn",),
    start_urls=(
        f"{LISTING}/tin-tuc-su-kien?&categoryId=67f4cbf848ad87279a8a7695",
        f"{LISTING}/chi-dao-dinh-huong?&categoryId=67f4d38460777e499c87d272",
        f"{LISTING}/nghien-cuu-trao-doi?&categoryId=67f4d34160777e499c87d26d",
        f"{LISTING}/nghien-cuu-trao-doi?&categoryId=67f4d35760777e499c87d26f",
        f"{LISTING}/tin-tuc-su-kien?&categoryId=67f4cc0348ad87279a8a7696",
    ),
    family=FAMILY,
    notes="Merged Ban Tuyên giáo và Dân vận since 2025: Dân vận and Mặt trận listings only.",
)
