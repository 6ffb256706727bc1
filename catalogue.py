"""The one catalogue of the app's smart domains and pages: the menu, the pages not yet
connected, the overview's tiles, the page rules (security.policy), the admin's
choices and the alert filters all read it. It imports nothing of the project, so any
layer may read it; which smart domain a sensor kind reports to is data about kinds
and lives in the province profile (``sensor_kinds.<kind>.domain``).

A new page is one ``Page`` entry here; its title is the translation key
``nav.<key>``. ``connected=False`` pages get the honest "not yet connected" panel
from layouts/pending.py until a module of their own registers them.
"""

from __future__ import annotations

from dataclasses import dataclass

# The six smart domains, in Bắc Ninh's order.
DOMAINS: tuple[str, ...] = (
    "economy",
    "citizens",
    "governance",
    "mobility",
    "environment",
    "living",
)

# Menu groups, in menu order (translation keys navgroup.<group>).
GROUPS: tuple[str, ...] = ("overview", "domains", "watch", "operate", "system")

# Who reads a page, besides staff of its staff_domains:
#   everyone  every role
#   watch     leaders, duty officers and admins (they watch the whole province)
#   admin     admins only
READERS: tuple[str, ...] = ("everyone", "watch", "admin")


@dataclass(frozen=True)
class Page:
    key: str
    path: str
    order: int
    group: str
    icon: str
    readers: str = "watch"
    staff_domains: tuple[str, ...] = ()
    domain: str | None = None  # the smart domain whose overview tile opens this page
    connected: bool = True

    @property
    def title_key(self) -> str:
        return f"nav.{self.key}"

    def register_kwargs(self) -> dict[str, object]:
        """What ``dash.register_page`` takes for this page (besides its module)."""
        return {
            "path": self.path,
            "name": self.title_key,
            "order": self.order,
            "group": self.group,
            "icon": self.icon,
        }


# One row a page (staff domains space-separated).
# A domain's own page is the one whose key is the domain.
# /cam-bien: staff see the sensors of their domains' kinds only (policy.readable_kinds);
# /canh-bao: staff see the alerts of their own domains only (filtered in the queries).
_ALL = " ".join(DOMAINS)
# fmt: off
_ROWS = (
    # key          path                order group       icon                          readers     staff domains                  connected
    ("overview",    "/",                 0, "overview", "bi-speedometer2",           "everyone", "",                            True),
    ("economy",     "/kinh-te",         10, "domains",  "bi-graph-up-arrow",         "watch",    "economy",                     False),
    ("citizens",    "/cu-dan",          11, "domains",  "bi-people",                 "watch",    "citizens",                    False),
    ("governance",  "/quan-tri",        12, "domains",  "bi-bank",                   "watch",    "governance",                  False),
    ("mobility",    "/dich-chuyen",     13, "domains",  "bi-signpost-split",         "watch",    "mobility",                    False),
    ("environment", "/moi-truong",      14, "domains",  "bi-tree",                   "watch",    "environment",                 True),
    ("living",      "/cuoc-song",       15, "domains",  "bi-house-heart",            "watch",    "living",                      False),
    ("cameras",     "/camera",          20, "watch",    "bi-camera-video",           "watch",    "mobility",                    False),
    ("sensors",     "/cam-bien",        21, "watch",    "bi-broadcast",              "watch",    "environment mobility living", True),
    ("alerts",      "/canh-bao",        22, "watch",    "bi-exclamation-triangle",   "watch",    _ALL,                          True),
    ("documents",   "/van-ban",         30, "operate",  "bi-file-earmark-text",      "everyone", "",                            False),
    ("press",       "/bao-chi",         31, "operate",  "bi-newspaper",              "everyone", "",                            True),
    ("feedback",    "/y-kien",          32, "operate",  "bi-chat-left-text",         "watch",    "citizens",                    False),
    ("services",    "/hanh-chinh-cong", 33, "operate",  "bi-person-vcard",           "watch",    "governance",                  False),
    ("cyber",       "/an-ninh-mang",    34, "operate",  "bi-shield-lock",            "watch",    "",                            False),
    ("directives",  "/chi-dao",         35, "operate",  "bi-send",                   "everyone", "",                            False),
    ("meetings",    "/lich-hop",        36, "operate",  "bi-calendar-week",          "everyone", "",                            False),
    ("reports",     "/bao-cao",         37, "operate",  "bi-file-earmark-bar-graph", "everyone", "",                            True),
    ("sources",     "/nguon-du-lieu",   90, "system",   "bi-hdd-network",            "watch",    "",                            True),
    ("admin",       "/he-thong",        95, "system",   "bi-person-gear",            "admin",    "",                            True),
)
# fmt: on
PAGES: tuple[Page, ...] = tuple(
    Page(
        key,
        path,
        order,
        group,
        icon,
        readers,
        tuple(staff.split()),
        key if key in DOMAINS else None,
        connected,
    )
    for key, path, order, group, icon, readers, staff, connected in _ROWS
)

_BY_KEY = {p.key: p for p in PAGES}
_BY_PATH = {p.path: p for p in PAGES}


def page(key: str) -> Page:
    """The page with ``key``; a KeyError names a page the catalogue lacks."""
    return _BY_KEY[key]


def page_at(path: str) -> Page | None:
    """The page at exactly ``path`` (case-sensitive, no trailing slash)."""
    return _BY_PATH.get(path)


def domain_pages() -> tuple[Page, ...]:
    """The six domains' pages, in the order of DOMAINS (the overview's tiles)."""
    return tuple(next(p for p in PAGES if p.domain == d) for d in DOMAINS)


def pending_pages() -> tuple[Page, ...]:
    return tuple(p for p in PAGES if not p.connected)


def check() -> None:
    """Raise ValueError on a catalogue that contradicts itself (run by the tests and
    at import, so a bad entry never reaches a user)."""
    keys = [p.key for p in PAGES]
    paths = [p.path for p in PAGES]
    for what, values in (("key", keys), ("path", paths)):
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            raise ValueError(f"catalogue: page {what} repeated: {repeated}")
    for p in PAGES:
        if p.group not in GROUPS:
            raise ValueError(f"catalogue: page {p.key}: unknown group {p.group!r}")
        if p.readers not in READERS:
            raise ValueError(f"catalogue: page {p.key}: unknown readers {p.readers!r}")
        unknown = set(p.staff_domains) - set(DOMAINS)
        if p.domain is not None:
            unknown |= {p.domain} - set(DOMAINS)
        if unknown:
            raise ValueError(f"catalogue: page {p.key}: unknown domains {unknown}")
        if not p.path.startswith("/") or (p.path != "/" and p.path.endswith("/")):
            raise ValueError(f"catalogue: page {p.key}: path {p.path!r}")
    if [p.domain for p in PAGES if p.domain] != list(DOMAINS):
        raise ValueError("catalogue: each domain needs exactly one page, in order")


check()
