from dvcrawl.sites.families.nukeviet import FAMILY
from dvcrawl.sites.profile import SiteProfile

PROFILE = SiteProfile(
    key="binh-phuoc",
    name="Tỉnh ủy Bình Phước",
    province="Bình Phước",
    domains=("tinhuybinhphuoc.vn",),
    start_urls=("https://tinhuybinhphuoc.vn/news/Dua-nghi-quyet-vao-cuoc-song/",),
    family=FAMILY,
    notes=(
        "Bình Phước merged into Đồng Nai in 2025; the portal may be retired, archive only. "
        "NukeViet news module at /news/; Dua-nghi-quyet-vao-cuoc-song is the only category "
        "evidenced (sites.md §3.5). Dates print as '19/05/2024  08:53' (double space)."
    ),
)
