"""The registry of site profiles and platform families.

Adding a province: write ``dvcrawl/sites/<province>.py`` with one ``PROFILE``, import it
here and add it to ``register(...)``; then add its fixtures under ``tests/fixtures``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypeVar
from urllib.parse import urlsplit

from dvcrawl.discovery.grammar import PatternGrammar
from dvcrawl.sites import binh_phuoc, danvan, tuyengiaodanvan
from dvcrawl.sites.families import danvan as danvan_family
from dvcrawl.sites.families import nukeviet as nukeviet_family
from dvcrawl.sites.families import tuyengiaodanvan as tuyengiaodanvan_family
from dvcrawl.sites.profile import ArticleRules, Family, ListingRules, SiteProfile


class UnknownSite(KeyError):
    """No profile has this key."""

    def __str__(self) -> str:
        return str(self.args[0])


class UnknownFamily(KeyError):
    """No platform family has this name."""

    def __str__(self) -> str:
        return str(self.args[0])


def register(*profiles: SiteProfile) -> dict[str, SiteProfile]:
    """Index profiles by key; a repeated key or domain is a mistake worth failing on."""
    sites: dict[str, SiteProfile] = {}
    owners: dict[str, str] = {}
    for profile in profiles:
        if profile.key in sites:
            raise ValueError(f"duplicate site key {profile.key!r}")
        for domain in profile.all_domains:
            if domain in owners:
                raise ValueError(f"domain {domain!r} is in {owners[domain]!r} and {profile.key!r}")
            owners[domain] = profile.key
        sites[profile.key] = profile
    return sites


SITES: dict[str, SiteProfile] = register(
    danvan.PROFILE,
    tuyengiaodanvan.PROFILE,
    binh_phuoc.PROFILE,
)

FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (danvan_family.FAMILY, tuyengiaodanvan_family.FAMILY, nukeviet_family.FAMILY)
}


_NOTHING = re.compile(r"(?!)")
# The family of a site named by its URL alone, until the crawl reads its front door and
# ``dvcrawl.discovery.detect`` names the real one. It recognises no URL and no markup.
UNDETECTED = Family(
    name="undetected",
    description="a site whose platform family is not known yet",
    grammar=PatternGrammar(article=_NOTHING, listing=_NOTHING, page=lambda url, number: url),
    listing=ListingRules(),
    article=ArticleRules(title=()),
)


def get_site(key: str) -> SiteProfile:
    return _lookup(SITES, key, ("site", "sites"), UnknownSite)


def get_family(name: str) -> Family:
    return _lookup(FAMILIES, name, ("family", "families"), UnknownFamily)


T = TypeVar("T")


def _lookup(table: dict[str, T], key: str, kind: tuple[str, str], error: type[KeyError]) -> T:
    if key in table:
        return table[key]
    raise error(f"unknown {kind[0]} {key!r}; known {kind[1]}: {', '.join(sorted(table))}")


def site_for_url(url: str) -> SiteProfile | None:
    """The registered site whose current or former domains serve ``url``."""
    host = (urlsplit(url).hostname or "").lower()
    for profile in SITES.values():
        if any(host == d or host.endswith("." + d) for d in profile.all_domains):
            return profile
    return None


def with_seeds(profile: SiteProfile, urls: tuple[str, ...]) -> SiteProfile:
    """``profile`` starting at ``urls`` too (before its own start URLs)."""
    return replace(profile, start_urls=tuple(dict.fromkeys((*urls, *profile.start_urls))))


def adhoc_profile(
    family_name: str | Family, start_urls: list[str], key: str | None = None
) -> SiteProfile:
    """A profile for a site of a known family that has none yet, built from its start URLs.

    Its key is the host of the first start URL unless given; its domains are the hosts of
    all start URLs. The family may be ``UNDETECTED``: the crawl then names it from the
    site's front door.
    """
    family = family_name if isinstance(family_name, Family) else get_family(family_name)
    if not start_urls:
        raise ValueError("an ad-hoc crawl needs at least one start URL")
    hosts: list[str] = []
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        host = parts.hostname.lower().removeprefix("www.")
        if host not in hosts:
            hosts.append(host)
    return SiteProfile(
        key=key or hosts[0],
        name=f"{hosts[0]} (ad hoc, {family.name})",
        province=None,
        domains=tuple(hosts),
        start_urls=tuple(start_urls),
        family=family,
        adhoc=True,
    )
