"""Who may read which page and do which action: the one table to review.

Roles (a user may hold several):
  leader        reads everything, issues directives
  duty_officer  watches everything, acknowledges alerts, reviews violations
  staff         reads the pages of its own domains, exports reports
  admin         users, roles, API keys, alert rules, data sources, the audit trail;
                reads every page, but takes no operational action (it is not on duty)

A staff member's domains may be narrowed further to departments and areas of the
province profile (an area covers the areas under it: a region its wards). Empty means
not narrowed. Roles that watch the whole province are never narrowed.
"""

from __future__ import annotations

from dataclasses import dataclass

import catalogue
import province
from catalogue import DOMAINS
from store.accounts import ROLES, Principal

__all__ = [
    "DOMAINS",
    "ROLES",
    "can",
    "can_view",
    "page_rule",
    "ACTIONS",
    "visible_domains",
    "visible_areas",
    "visible_departments",
    "sees",
]

ALERTS_ACK = "alerts.ack"
ALERTS_RULES = "alerts.rules"

# Actions (server-side checks in the callbacks and API routes that write). A write
# is audited under the name of the action it needed: one vocabulary for both
# (store.audit.RENAMED maps the older audit names on display).
ACTIONS: dict[str, frozenset[str]] = {
    ALERTS_ACK: frozenset({"duty_officer"}),
    ALERTS_RULES: frozenset({"admin"}),
    # Reading the accounts and keys sections; each write has its own action.
    "users.manage": frozenset({"admin"}),
    "users.create": frozenset({"admin"}),
    "users.update": frozenset({"admin"}),
    "apikeys.manage": frozenset({"admin"}),
    "apikeys.issue": frozenset({"admin"}),
    "apikeys.revoke": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    "reports.export": frozenset(ROLES),
    # The daily and weekly briefings' schedules (time, domains, language).
    "reports.schedule": frozenset({"admin"}),
    "directives.issue": frozenset({"leader"}),
    # Filing a citizen's report through Open311 (a citizen app's key: staff of the
    # citizens domain, which the page rule of /y-kien checks).
    "feedback.submit": frozenset({"leader", "duty_officer", "staff"}),
}

# What the audit trail records that is no policy action: anyone's sign-in and
# sign-out, one's own password, and the refusals themselves.
ACCESS_DENIED = "access.denied"
EVENTS = frozenset({"login", "logout", "user.password", ACCESS_DENIED})

_WATCH = frozenset({"leader", "duty_officer", "admin"})
_READERS = {
    "everyone": frozenset(ROLES),
    "watch": _WATCH,
    "admin": frozenset({"admin"}),
}


@dataclass(frozen=True)
class PageRule:
    """Roles that always read the page, and the domains that let staff read it
    (staff holding any one of them)."""

    roles: frozenset[str]
    staff_domains: frozenset[str] = frozenset()


# Every page's rule, from the catalogue. A path missing here is refused to everyone.
PAGES: dict[str, PageRule] = {
    p.path: PageRule(_READERS[p.readers], frozenset(p.staff_domains))
    for p in catalogue.PAGES
}

# REST API paths and the page whose rule they follow.
API: tuple[tuple[str, str], ...] = (
    ("/api/v1/sensors", "/cam-bien"),
    ("/api/v1/series", "/cam-bien"),
    ("/api/v1/alerts", "/canh-bao"),
    ("/api/v1/aqi", "/moi-truong"),
    # Reports follow /bao-cao (every role); each domain's report is checked by
    # usecases.reports against the caller's domains.
    ("/api/v1/reports", "/bao-cao"),
    # Each table follows its page's rule (usecases.exports checks it per table).
    ("/api/v1/exports", "/"),
    ("/api/v1/openapi.json", "/"),
    ("/open311/v2", "/y-kien"),
)


def page_rule(path: str) -> PageRule | None:
    """The rule of the page at exactly ``path`` (case-sensitive, no trailing
    slash); None when no page is there."""
    return PAGES.get(path)


def can_view(who: Principal | None, path: str) -> bool:
    rule = page_rule(path)
    if who is None or rule is None:
        return False
    if who.roles & rule.roles:
        return True
    return "staff" in who.roles and bool(who.domains & rule.staff_domains)


def api_page(path: str) -> str | None:
    for prefix, page in API:
        if path == prefix or path.startswith(prefix + "/"):
            return page
    return None


def can(who: Principal | None, action: str) -> bool:
    return who is not None and bool(who.roles & ACTIONS.get(action, frozenset()))


def visible_domains(who: Principal | None) -> frozenset[str] | None:
    """Domains whose data ``who`` reads: None for all, else a (maybe empty) set."""
    if who is None:
        return frozenset()
    if who.roles & _WATCH:
        return None
    return who.domains if "staff" in who.roles else frozenset()


def readable_kinds(who: Principal | None) -> frozenset[str] | None:
    """Sensor kinds whose readings ``who`` reads: None for all, else the kinds of
    their domains (each kind's domain is in the province profile)."""
    domains = visible_domains(who)
    if domains is None:
        return None
    kinds = province.current().kind_domains
    return frozenset(k for k, d in kinds.items() if d in domains)


def reads_kind(who: Principal | None, kind: str | None) -> bool:
    kinds = readable_kinds(who)
    return kinds is None or kind in kinds


def reads_sensor(who: Principal | None, kind: str | None, area: str | None) -> bool:
    """Whether ``who`` reads a sensor of ``kind`` in ``area`` (sensors carry an area,
    no department)."""
    return reads_kind(who, kind) and sees_area(who, area or "")


def sees_area(who: Principal | None, area: str) -> bool:
    areas = visible_areas(who)
    return areas is None or area in areas


def visible_areas(who: Principal | None) -> frozenset[str] | None:
    """Areas whose rows ``who`` reads: None for all, else the areas of its scope and
    every area under them in the profile's hierarchy (a region: its wards)."""
    if who is None:
        return frozenset()
    if who.roles & _WATCH or not who.areas:
        return None
    return province.current().descendants(who.areas)


def visible_departments(who: Principal | None) -> frozenset[str] | None:
    """Departments whose rows ``who`` reads: None for all, else its departments."""
    if who is None:
        return frozenset()
    if who.roles & _WATCH or not who.departments:
        return None
    return who.departments


def visible_services(who: Principal | None) -> list[str] | None:
    """Codes of the services (kinds of citizen's report) whose reports ``who`` reads
    by department: None for all, else those its departments handle."""
    departments = visible_departments(who)
    if departments is None:
        return None
    return province.current().services_of(departments)


def sees(
    who: Principal | None,
    domain: str | None,
    area: str | None = None,
    department: str | None = None,
) -> bool:
    """Whether ``who`` may see a row of ``domain``, ``area`` and ``department``.

    Pass ``area`` or ``department`` as None for data that carries no such thing (a
    sensor has no department): that scope then does not apply. A row that carries
    one but has none (``''``) is seen only by those the scope does not narrow, as a
    row with no domain is seen only by those who read every domain."""
    if who is None:
        return False
    domains = visible_domains(who)
    if domains is not None and not (domain and domain in domains):
        return False
    if area is not None:
        areas = visible_areas(who)
        if areas is not None and area not in areas:
            return False
    if department is not None:
        departments = visible_departments(who)
        if departments is not None and department not in departments:
            return False
    return True
