"""Hệ thống: accounts and roles, API keys and the audit trail (admins only; the
server refuses everyone else, see security/policy.py)."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
import config
import province
from catalogue import DOMAINS
from i18n import t
from layouts._shell import current_lang
from store.accounts import ROLES

dash.register_page(__name__, **catalogue.page("admin").register_kwargs())

RANGES = ("24h", "7d", "30d", "all")


class Ids:
    TABS = "admin-tabs"
    USERS = "admin-users"
    USER_EDIT = "admin-user-edit"  # pattern: {"type": USER_EDIT, "id": user id}
    NEW_USERNAME = "admin-new-username"
    NEW_NAME = "admin-new-name"
    NEW_PASSWORD = "admin-new-password"
    NEW_ROLES = "admin-new-roles"
    NEW_DOMAINS = "admin-new-domains"
    NEW_DEPARTMENTS = "admin-new-departments"
    NEW_AREAS = "admin-new-areas"
    NEW_SUBMIT = "admin-new-submit"
    NEW_RESULT = "admin-new-result"
    USER_DONE = "admin-user-done"
    EDIT_MODAL = "admin-edit-modal"
    EDIT_TARGET = "admin-edit-target"
    EDIT_TITLE = "admin-edit-title"
    EDIT_NAME = "admin-edit-name"
    EDIT_ROLES = "admin-edit-roles"
    EDIT_DOMAINS = "admin-edit-domains"
    EDIT_DEPARTMENTS = "admin-edit-departments"
    EDIT_AREAS = "admin-edit-areas"
    EDIT_ACTIVE = "admin-edit-active"
    EDIT_PASSWORD = "admin-edit-password"
    EDIT_SAVE = "admin-edit-save"
    EDIT_CANCEL = "admin-edit-cancel"
    EDIT_ERROR = "admin-edit-error"
    KEYS = "admin-keys"
    KEY_REVOKE = "admin-key-revoke"  # pattern: {"type": KEY_REVOKE, "id": key id}
    KEY_NAME = "admin-key-name"
    KEY_ROLES = "admin-key-roles"
    KEY_DOMAINS = "admin-key-domains"
    KEY_DEPARTMENTS = "admin-key-departments"
    KEY_AREAS = "admin-key-areas"
    KEY_SUBMIT = "admin-key-submit"
    KEY_RESULT = "admin-key-result"
    KEY_DONE = "admin-key-done"
    AUDIT = "admin-audit"
    AUDIT_ACTION = "admin-audit-action"
    AUDIT_ACTOR = "admin-audit-actor"
    AUDIT_RANGE = "admin-audit-range"
    AUDIT_EXPORT = "admin-audit-export"
    AUDIT_DOWNLOAD = "admin-audit-download"
    INTERVAL = "admin-interval"


def role_options(lang: str) -> list[dict]:
    return [{"label": t(f"role.{r}", lang), "value": r} for r in ROLES]


def domain_options(lang: str) -> list[dict]:
    return [{"label": t(f"nav.{d}", lang), "value": d} for d in DOMAINS]


def _profile() -> province.Profile:
    return province.cached(str(config.load().profile))


def department_options(lang: str) -> list[dict]:
    """The profile's departments, named in ``lang``."""
    return [
        {"label": d.name if lang == "vi" else d.name_en, "value": d.code}
        for d in _profile().departments
    ]


def area_options(lang: str) -> list[dict]:
    """The profile's areas, each followed by the areas under it (a region, then its
    wards, indented), named in ``lang``."""
    profile = _profile()
    children: dict[str | None, list[province.Area]] = {}
    for a in profile.areas.values():
        children.setdefault(a.parent, []).append(a)
    out: list[dict] = []

    def walk(parent: str | None, depth: int) -> None:
        for a in children.get(parent, ()):
            name = a.name if lang == "vi" else a.name_en
            out.append({"label": "\u2003" * depth + name, "value": a.code})
            walk(a.code, depth + 1)

    walk(None, 0)
    return out


def _scope_pickers(departments_id: str, areas_id: str, lang: str) -> list:
    """Departments and areas that narrow a staff member's domains (none: all),
    folded away: most accounts are not narrowed."""

    def picker(label: str, cid: str, options: list[dict]) -> dbc.Col:
        return dbc.Col(
            [
                dbc.Label(t(label, lang), html_for=cid),
                dcc.Dropdown(
                    id=cid,
                    options=options,
                    value=[],
                    multi=True,
                    placeholder=t("admin.scope.any", lang),
                    className="ioc-filter",
                ),
            ],
            md=6,
        )

    pickers = [
        picker("admin.departments", departments_id, department_options(lang)),
        picker("admin.areas", areas_id, area_options(lang)),
    ]
    return [
        html.Details(
            [
                html.Summary(t("admin.scope.more", lang)),
                dbc.Row(pickers, className="g-2 mt-1"),
            ],
            className="mt-2",
        )
    ]


def _checks(id_: str, options: list[dict], value: list[str]) -> dbc.Checklist:
    return dbc.Checklist(
        id=id_, options=options, value=value, inline=True, className="ioc-checks"
    )


def _users_tab(lang: str) -> html.Div:
    new_user = dbc.Card(
        [
            dbc.CardHeader(t("admin.user.new", lang)),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label(
                                        t("login.username", lang),
                                        html_for=Ids.NEW_USERNAME,
                                    ),
                                    dbc.Input(
                                        id=Ids.NEW_USERNAME,
                                        maxLength=64,
                                        autoComplete="off",
                                    ),
                                ],
                                md=4,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(
                                        t("admin.user.name", lang),
                                        html_for=Ids.NEW_NAME,
                                    ),
                                    dbc.Input(id=Ids.NEW_NAME, maxLength=120),
                                ],
                                md=4,
                            ),
                            dbc.Col(
                                [
                                    dbc.Label(
                                        t("login.password", lang),
                                        html_for=Ids.NEW_PASSWORD,
                                    ),
                                    dbc.Input(
                                        id=Ids.NEW_PASSWORD,
                                        type="password",
                                        maxLength=256,
                                        autoComplete="new-password",
                                    ),
                                ],
                                md=4,
                            ),
                        ],
                        className="g-2 mb-2",
                    ),
                    dbc.Label(t("admin.roles", lang)),
                    _checks(Ids.NEW_ROLES, role_options(lang), []),
                    dbc.Label(t("admin.domains", lang), className="mt-2"),
                    _checks(Ids.NEW_DOMAINS, domain_options(lang), []),
                    *_scope_pickers(Ids.NEW_DEPARTMENTS, Ids.NEW_AREAS, lang),
                    html.Div(
                        dbc.Button(
                            t("admin.user.create", lang),
                            id=Ids.NEW_SUBMIT,
                            color="primary",
                            className="ioc-touch mt-2",
                        )
                    ),
                    dbc.Alert(id=Ids.NEW_RESULT, is_open=False, className="mt-2"),
                ]
            ),
        ],
        className="mb-3",
    )
    return html.Div(
        [
            dbc.Card(
                [
                    dbc.CardHeader(t("admin.users", lang)),
                    dbc.CardBody(html.Div(id=Ids.USERS), className="p-0 ioc-scroll"),
                ],
                className="mb-3",
            ),
            new_user,
            _edit_modal(lang),
            dcc.Store(id=Ids.USER_DONE),
        ]
    )


def _edit_modal(lang: str) -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(id=Ids.EDIT_TITLE)),
            dbc.ModalBody(
                [
                    dbc.Label(t("admin.user.name", lang), html_for=Ids.EDIT_NAME),
                    dbc.Input(id=Ids.EDIT_NAME, maxLength=120, className="mb-2"),
                    dbc.Label(t("admin.roles", lang)),
                    _checks(Ids.EDIT_ROLES, role_options(lang), []),
                    dbc.Label(t("admin.domains", lang), className="mt-2"),
                    _checks(Ids.EDIT_DOMAINS, domain_options(lang), []),
                    *_scope_pickers(Ids.EDIT_DEPARTMENTS, Ids.EDIT_AREAS, lang),
                    dbc.Switch(
                        id=Ids.EDIT_ACTIVE,
                        label=t("admin.user.active", lang),
                        className="mt-2",
                    ),
                    dbc.Label(
                        t("admin.user.new_password", lang), html_for=Ids.EDIT_PASSWORD
                    ),
                    dbc.Input(
                        id=Ids.EDIT_PASSWORD,
                        type="password",
                        maxLength=256,
                        autoComplete="new-password",
                    ),
                    dbc.Alert(
                        id=Ids.EDIT_ERROR,
                        color="danger",
                        is_open=False,
                        className="mt-2",
                    ),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        t("common.cancel", lang),
                        id=Ids.EDIT_CANCEL,
                        color="secondary",
                        className="ioc-touch",
                    ),
                    dbc.Button(
                        t("common.save", lang),
                        id=Ids.EDIT_SAVE,
                        color="primary",
                        className="ioc-touch",
                    ),
                ]
            ),
            dcc.Store(id=Ids.EDIT_TARGET),
        ],
        id=Ids.EDIT_MODAL,
        is_open=False,
    )


def _keys_tab(lang: str) -> html.Div:
    return html.Div(
        [
            dbc.Card(
                [
                    dbc.CardHeader(t("admin.keys", lang)),
                    dbc.CardBody(html.Div(id=Ids.KEYS), className="p-0 ioc-scroll"),
                ],
                className="mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader(t("admin.key.new", lang)),
                    dbc.CardBody(
                        [
                            dbc.Label(t("admin.key.name", lang), html_for=Ids.KEY_NAME),
                            dbc.Input(id=Ids.KEY_NAME, maxLength=100, className="mb-2"),
                            dbc.Label(t("admin.roles", lang)),
                            _checks(Ids.KEY_ROLES, role_options(lang), ["leader"]),
                            dbc.Label(t("admin.domains", lang), className="mt-2"),
                            _checks(Ids.KEY_DOMAINS, domain_options(lang), []),
                            *_scope_pickers(Ids.KEY_DEPARTMENTS, Ids.KEY_AREAS, lang),
                            html.Div(
                                dbc.Button(
                                    t("admin.key.issue", lang),
                                    id=Ids.KEY_SUBMIT,
                                    color="primary",
                                    className="ioc-touch mt-2",
                                )
                            ),
                            dbc.Alert(
                                id=Ids.KEY_RESULT, is_open=False, className="mt-2"
                            ),
                        ]
                    ),
                ]
            ),
            dcc.Store(id=Ids.KEY_DONE),
        ]
    )


def _audit_tab(lang: str) -> html.Div:
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.AUDIT_ACTION,
                            placeholder=t("admin.audit.action", lang),
                            clearable=True,
                        ),
                        md=4,
                    ),
                    dbc.Col(
                        dbc.Input(
                            id=Ids.AUDIT_ACTOR,
                            placeholder=t("admin.audit.actor", lang),
                            maxLength=64,
                            debounce=True,
                        ),
                        md=3,
                    ),
                    dbc.Col(
                        dbc.RadioItems(
                            id=Ids.AUDIT_RANGE,
                            options=[
                                {"label": t(f"admin.range.{r}", lang), "value": r}
                                for r in RANGES
                            ],
                            value="7d",
                            inline=True,
                        ),
                        md=3,
                        className="d-flex align-items-center",
                    ),
                    dbc.Col(
                        [
                            dbc.Button(
                                [
                                    html.I(className="bi bi-download me-2"),
                                    t("admin.audit.export", lang),
                                ],
                                id=Ids.AUDIT_EXPORT,
                                color="secondary",
                                outline=True,
                                className="ioc-touch w-100",
                            ),
                            dcc.Download(id=Ids.AUDIT_DOWNLOAD),
                        ],
                        md=2,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Card(
                dbc.CardBody(html.Div(id=Ids.AUDIT), className="p-0 ioc-scroll"),
            ),
        ]
    )


def layout(**_kwargs: object) -> html.Div:
    lang = current_lang()
    return html.Div(
        [
            html.H1(t("nav.admin", lang), className="h3 mb-3"),
            dcc.Interval(id=Ids.INTERVAL, interval=15000),
            dbc.Tabs(
                [
                    dbc.Tab(
                        _users_tab(lang), label=t("admin.users", lang), tab_id="users"
                    ),
                    dbc.Tab(
                        _keys_tab(lang), label=t("admin.keys", lang), tab_id="keys"
                    ),
                    dbc.Tab(
                        _audit_tab(lang), label=t("admin.audit", lang), tab_id="audit"
                    ),
                ],
                id=Ids.TABS,
                active_tab="users",
                className="mb-3 ioc-tabs",
            ),
        ]
    )
