"""The frame around every page: top bar, grouped menu, language and theme switches."""

from __future__ import annotations

from collections import defaultdict

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html
from flask import has_request_context, request

from i18n import DEFAULT_LANG, LANG_COOKIE, LANGS, t
from security import policy
from security.session import LOGOUT_PATH, PASSWORD_PATH, current

GROUPS = ("overview", "domains", "watch", "operate", "system")
# Pages pinned to the top bar on wide screens (the menu has them all).
PINNED = ("/", "/canh-bao", "/cam-bien", "/nguon-du-lieu")


class Ids:
    LANG_BUTTON = "shell-lang-button"
    LANG_TARGET = "shell-lang-target"
    THEME_BUTTON = "shell-theme-button"
    THEME_STORE = "shell-theme"
    MENU_BUTTON = "shell-menu-button"
    MENU = "shell-menu"
    NAVBAR = "shell-navbar"
    ALERT_INTERVAL = "shell-alert-interval"
    ALERT_SEEN = "shell-alert-seen"
    ALERT_BADGE = "shell-alert-badge"
    ALERT_COUNT = "shell-alert-count"
    ALERT_TOAST = "shell-alert-toast"
    ALERT_TEXT = "shell-alert-text"
    ALERT_SOUND = "shell-alert-sound"
    USER_MENU = "shell-user-menu"
    # On the wall: a lasting banner with the count of open critical alerts, and the
    # pages a kiosk may cycle through (an unknown entry of ?pages= is skipped).
    BANNER = "shell-critical-banner"
    BANNER_TEXT = "shell-critical-banner-text"
    KIOSK_PAGES = "shell-kiosk-pages"


ALERT_POLL_MS = 5000


def current_lang() -> str:
    """The browser's language (a cookie set by the switch), Vietnamese by default."""
    if has_request_context():
        lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANG)
        if lang in LANGS:
            return lang
    return DEFAULT_LANG


def _link(page: dict, lang: str, cls: str = "") -> dbc.NavLink:
    return dbc.NavLink(
        [
            html.I(className=f"bi {page.get('icon', 'bi-circle')} me-2"),
            t(page["name"], lang),
        ],
        href=page["relative_path"],
        active="exact",
        className=f"ioc-touch {cls}",
    )


def visible_pages() -> list[dict]:
    """The pages the signed-in user may read (the server refuses the others anyway;
    this only keeps the menu honest)."""
    who = current()
    return [p for p in dash.page_registry.values() if policy.can_view(who, p["path"])]


def menu(lang: str) -> dbc.Offcanvas:
    groups: dict[str, list] = defaultdict(list)
    for page in visible_pages():
        groups[page.get("group", "system")].append(page)
    body = []
    for g in GROUPS:
        if not groups[g]:
            continue
        body.append(html.Div(t(f"navgroup.{g}", lang), className="ioc-menu-group"))
        body.append(
            dbc.Nav([_link(p, lang) for p in groups[g]], vertical=True, pills=True)
        )
    return dbc.Offcanvas(body, id=Ids.MENU, title=t("nav.menu", lang), is_open=False)


def navbar() -> html.Div:
    lang = current_lang()
    other = "en" if lang == "vi" else "vi"
    by_path = {p["relative_path"]: p for p in visible_pages()}
    pinned = [_link(by_path[p], lang) for p in PINNED if p in by_path]
    bar = dbc.Navbar(
        dbc.Container(
            [
                dbc.Button(
                    html.I(className="bi bi-list fs-4"),
                    id=Ids.MENU_BUTTON,
                    color="link",
                    className="ioc-touch me-1 px-2",
                    title=t("nav.menu", lang),
                ),
                dbc.NavbarBrand(
                    [
                        html.Span(t("app.title", lang), className="ioc-brand-title"),
                        html.Small(
                            " · " + t("app.province", lang),
                            className="ms-1 text-body-secondary ioc-brand-province",
                        ),
                    ],
                    href="/",
                    className="me-auto text-truncate",
                ),
                dbc.Nav(pinned, navbar=True, className="ioc-pinned d-none d-xl-flex"),
                html.A(
                    [
                        html.I(className="bi bi-bell-fill"),
                        dbc.Badge(
                            "",
                            id=Ids.ALERT_COUNT,
                            color="danger",
                            pill=True,
                            className="ms-1",
                        ),
                    ],
                    id=Ids.ALERT_BADGE,
                    href="/canh-bao?state=open&severity=critical",
                    title=t("shell.alert.badge", lang),
                    className="ioc-touch ms-2 btn btn-outline-danger d-none",
                ),
                dbc.Button(
                    html.I(className="bi bi-circle-half"),
                    id=Ids.THEME_BUTTON,
                    color="secondary",
                    outline=True,
                    className="ioc-touch ms-2",
                    title=t("theme.toggle", lang),
                ),
                dbc.Button(
                    t("lang.switch", lang),
                    id=Ids.LANG_BUTTON,
                    color="secondary",
                    outline=True,
                    className="ioc-touch ms-2",
                ),
                dcc.Store(id=Ids.LANG_TARGET, data=other),
                user_menu(lang),
            ],
            fluid=True,
        ),
        color=None,
        dark=False,
        expand=True,
        className="border-bottom bg-body-tertiary py-1",
    )
    return html.Div([bar, menu(lang)], id=Ids.NAVBAR, className="mb-3 ioc-chrome")


def user_menu(lang: str) -> dbc.DropdownMenu | html.Span:
    """Who is signed in, with which roles, and the sign-out button (a form post with
    the session's CSRF token)."""
    who = current()
    if who is None:
        return html.Span()
    from flask import g

    roles = ", ".join(t(f"role.{r}", lang) for r in sorted(who.roles))
    return dbc.DropdownMenu(
        [
            dbc.DropdownMenuItem(who.display_name, header=True),
            dbc.DropdownMenuItem(roles, disabled=True, className="small"),
            dbc.DropdownMenuItem(divider=True),
            dbc.DropdownMenuItem(
                [html.I(className="bi bi-key me-2"), t("password.title", lang)],
                href=PASSWORD_PATH,
                external_link=True,
                className="ioc-touch",
            ),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf", value=g.get("csrf", "")),
                    html.Button(
                        [
                            html.I(className="bi bi-box-arrow-right me-2"),
                            t("shell.logout", lang),
                        ],
                        type="submit",
                        className="dropdown-item ioc-touch",
                    ),
                ],
                method="POST",
                action=LOGOUT_PATH,
            ),
        ],
        id=Ids.USER_MENU,
        label=html.I(className="bi bi-person-circle", title=t("shell.user", lang)),
        color="secondary",
        align_end=True,
        className="ms-2 ioc-user-menu",
        toggle_class_name="ioc-touch",
    )


def forbidden_panel() -> html.Div:
    """What the Dash router shows instead of a page the user may not read."""
    lang = current_lang()
    return html.Div(
        dbc.Alert(
            [
                html.H1(
                    [
                        html.I(className="bi bi-shield-lock me-2"),
                        t("forbidden.title", lang),
                    ],
                    className="h5",
                ),
                html.P(t("forbidden.body", lang), className="mb-0"),
            ],
            color="warning",
        ),
        className="ioc-forbidden",
    )


def alert_toast() -> dbc.Toast:
    lang = current_lang()
    return dbc.Toast(
        [
            html.P(id=Ids.ALERT_TEXT, className="mb-2"),
            dcc.Link(
                t("shell.alert.open", lang),
                href="/canh-bao?state=open&severity=critical",
                className="btn btn-danger btn-sm ioc-touch",
            ),
        ],
        id=Ids.ALERT_TOAST,
        header=t("shell.alert.title", lang),
        icon="danger",
        is_open=False,
        dismissable=True,
        className="ioc-alert-toast",
    )


def critical_banner() -> html.Div:
    """The wall's banner (kiosk only, assets/ioc.css): shown while open critical
    alerts exist, with their count (filled in the browser from the badge's count)."""
    lang = current_lang()
    paths = ",".join(p["relative_path"] for p in visible_pages())
    return html.Div(
        [
            html.I(className="bi bi-exclamation-octagon-fill me-3"),
            html.Span(id=Ids.BANNER_TEXT),
            dcc.Store(id=Ids.KIOSK_PAGES, data=paths),
        ],
        id=Ids.BANNER,
        className="ioc-critical-banner",
        role="alert",
        **{"data-template": t("shell.banner.critical", lang), "data-paths": paths},
    )


def shell() -> html.Div:
    """The app's root layout (a function, so the language is read per request)."""
    return html.Div(
        [
            dcc.Store(id=Ids.THEME_STORE, storage_type="local"),
            # The newest critical alert this browser tab has been told of.
            dcc.Store(id=Ids.ALERT_SEEN, storage_type="session"),
            dcc.Store(id=Ids.ALERT_SOUND),
            dcc.Interval(id=Ids.ALERT_INTERVAL, interval=ALERT_POLL_MS),
            navbar(),
            critical_banner(),
            alert_toast(),
            dbc.Container(dash.page_container, fluid=True, className="pb-3"),
        ]
    )
