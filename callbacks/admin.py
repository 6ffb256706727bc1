"""Admin page: accounts, API keys, audit trail. Every write checks the role here on
the server (require) and lands in the audit trail (record)."""

from __future__ import annotations

import json
import logging

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

import catalogue
import config
import province
from components.tables import table
from i18n import T, fmt_datetime, t
from layouts._filters import clean_key, clean_text
from layouts._shell import current_lang
from layouts.admin import RANGES, Ids
from security.session import record, require
from store import accounts, audit, frames
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
RANGE_MS = {"24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000}


def _roles_text(roles: list[str], lang: str) -> str:
    return ", ".join(t(f"role.{r}", lang) for r in roles if r in accounts.ROLES)


def _domains_text(domains: list[str], lang: str) -> str:
    return ", ".join(t(f"nav.{d}", lang) for d in domains if d in catalogue.DOMAINS)


def _profile() -> province.Profile:
    return province.cached(str(config.load().profile))


def _departments_text(codes: list[str], lang: str) -> str:
    names = []
    for code in codes:
        d = _profile().department(code)
        names.append(code if d is None else d.name if lang == "vi" else d.name_en)
    return ", ".join(names)


def _areas_text(codes: list[str], lang: str) -> str:
    areas = _profile().areas
    return ", ".join(
        code
        if code not in areas
        else areas[code].name
        if lang == "vi"
        else areas[code].name_en
        for code in codes
    )


def _strings(values: object) -> list[str]:
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


@callback(
    Output(Ids.USERS, "children"),
    Input(Ids.USER_DONE, "data"),
    Input(Ids.INTERVAL, "n_intervals"),
)
def users_table(_done: object, _n: int | None) -> object:
    require("users.manage")
    lang = current_lang()
    rows = [
        [
            dbc.Button(
                html.I(className="bi bi-pencil"),
                id={"type": Ids.USER_EDIT, "id": u["id"]},
                color="secondary",
                outline=True,
                size="sm",
                className="ioc-touch",
                title=t("common.edit", lang),
            ),
            u["username"],
            u["display_name"],
            _roles_text(u["roles"], lang),
            _domains_text(u["domains"], lang),
            _departments_text(u["departments"], lang),
            _areas_text(u["areas"], lang),
            t("common.yes" if u["active"] else "common.no", lang),
            fmt_datetime(u["last_login_ms"], lang) if u["last_login_ms"] else "–",
        ]
        for u in accounts.users(get_engine())
    ]
    return table(
        [
            "",
            t("login.username", lang),
            t("admin.user.name", lang),
            t("admin.roles", lang),
            t("admin.domains", lang),
            t("admin.col.departments", lang),
            t("admin.col.areas", lang),
            t("admin.user.active", lang),
            t("admin.user.last_login", lang),
        ],
        rows,
        id="admin-users-list",
    )


@callback(
    Output(Ids.NEW_RESULT, "children"),
    Output(Ids.NEW_RESULT, "color"),
    Output(Ids.NEW_RESULT, "is_open"),
    Output(Ids.USER_DONE, "data"),
    Output(Ids.NEW_PASSWORD, "value"),
    Input(Ids.NEW_SUBMIT, "n_clicks"),
    State(Ids.NEW_USERNAME, "value"),
    State(Ids.NEW_NAME, "value"),
    State(Ids.NEW_PASSWORD, "value"),
    State(Ids.NEW_ROLES, "value"),
    State(Ids.NEW_DOMAINS, "value"),
    State(Ids.NEW_DEPARTMENTS, "value"),
    State(Ids.NEW_AREAS, "value"),
    prevent_initial_call=True,
)
def create_user(
    _n: int | None,
    username: str | None,
    name: str | None,
    password: str | None,
    roles: list | None,
    domains: list | None,
    departments: list | None = None,
    areas: list | None = None,
) -> tuple:
    require("users.create")
    lang = current_lang()
    username = clean_text(username).strip().lower()
    roles, domains = _strings(roles), _strings(domains)
    departments, areas = _strings(departments), _strings(areas)
    try:
        accounts.create_user(
            get_engine(),
            username,
            clean_text(password),
            roles,
            clean_text(name),
            domains,
            departments,
            areas,
            profile=_profile(),
        )
    except accounts.AccountError as exc:
        record("users.create", username[:64], {"error": exc.key}, outcome="refused")
        return t(exc.key, lang), "danger", True, no_update, no_update
    detail = {
        "roles": roles,
        "domains": domains,
        "departments": departments,
        "areas": areas,
    }
    record("users.create", username, detail)
    done = t("admin.user.created", lang, user=username)
    return done, "success", True, now_ms(), ""


@callback(
    Output(Ids.EDIT_MODAL, "is_open"),
    Output(Ids.EDIT_TARGET, "data"),
    Output(Ids.EDIT_TITLE, "children"),
    Output(Ids.EDIT_NAME, "value"),
    Output(Ids.EDIT_ROLES, "value"),
    Output(Ids.EDIT_DOMAINS, "value"),
    Output(Ids.EDIT_DEPARTMENTS, "value"),
    Output(Ids.EDIT_AREAS, "value"),
    Output(Ids.EDIT_ACTIVE, "value"),
    Output(Ids.EDIT_PASSWORD, "value"),
    Output(Ids.EDIT_ERROR, "children"),
    Output(Ids.EDIT_ERROR, "is_open"),
    Output(Ids.USER_DONE, "data", allow_duplicate=True),
    Input({"type": Ids.USER_EDIT, "id": ALL}, "n_clicks"),
    Input(Ids.EDIT_CANCEL, "n_clicks"),
    Input(Ids.EDIT_SAVE, "n_clicks"),
    State(Ids.EDIT_TARGET, "data"),
    State(Ids.EDIT_NAME, "value"),
    State(Ids.EDIT_ROLES, "value"),
    State(Ids.EDIT_DOMAINS, "value"),
    State(Ids.EDIT_ACTIVE, "value"),
    State(Ids.EDIT_PASSWORD, "value"),
    State(Ids.EDIT_DEPARTMENTS, "value"),
    State(Ids.EDIT_AREAS, "value"),
    prevent_initial_call=True,
)
def edit_user(
    clicks: list[int | None],
    _cancel: int | None,
    _save: int | None,
    target: int | None,
    name: str | None,
    roles: list | None,
    domains: list | None,
    active: bool | None,
    password: str | None,
    departments: list | None = None,
    areas: list | None = None,
) -> tuple:
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(clicks):
        raise PreventUpdate
    who = require("users.update")
    lang = current_lang()
    keep = (no_update,) * 8
    if trigger == Ids.EDIT_CANCEL:
        return False, None, *keep, "", False, no_update
    if trigger == Ids.EDIT_SAVE:
        target = clean_key(target)
        if target is None:
            raise PreventUpdate
        roles, domains = _strings(roles), _strings(domains)
        # An admin cannot lock themself out: their own admin role and account stay.
        if target == who.id and who.kind == "user":
            if "admin" not in roles or not active:
                msg = t("admin.user.not_self", lang)
                return True, target, *keep, msg, True, no_update
        try:
            changed = accounts.update_user(
                get_engine(),
                target,
                roles=roles,
                domains=domains,
                # None from a client that sent no such field: left as it is.
                departments=None if departments is None else _strings(departments),
                areas=None if areas is None else _strings(areas),
                profile=_profile(),
                active=bool(active),
                display_name=clean_text(name),
                password=clean_text(password) or None,
            )
        except accounts.AccountError as exc:
            record("users.update", target, {"error": exc.key}, outcome="refused")
            return True, target, *keep, t(exc.key, lang), True, no_update
        record("users.update", target, changed)
        return False, None, *keep, "", False, now_ms()
    uid = clean_key(trigger.get("id")) if isinstance(trigger, dict) else None
    if uid is None:
        raise PreventUpdate
    user = next((u for u in accounts.users(get_engine()) if u["id"] == uid), None)
    if user is None:
        raise PreventUpdate
    return (
        True,
        uid,
        user["username"],
        user["display_name"],
        user["roles"],
        user["domains"],
        user["departments"],
        user["areas"],
        user["active"],
        "",
        "",
        False,
        no_update,
    )


@callback(
    Output(Ids.KEYS, "children"),
    Input(Ids.KEY_DONE, "data"),
    Input(Ids.INTERVAL, "n_intervals"),
)
def keys_table(_done: object, _n: int | None) -> object:
    require("apikeys.manage")
    lang = current_lang()
    rows = []
    for k in accounts.api_keys(get_engine()):
        revoked = k["revoked_ms"] is not None
        rows.append(
            [
                k["name"],
                k["prefix"] + "…",
                _roles_text(k["roles"], lang),
                _domains_text(k["domains"], lang),
                _departments_text(k["departments"], lang),
                _areas_text(k["areas"], lang),
                f"{k['created_by']} · {fmt_datetime(k['created_ms'], lang)}",
                fmt_datetime(k["last_used_ms"], lang) if k["last_used_ms"] else "–",
                t(
                    "admin.key.revoked_at",
                    lang,
                    when=fmt_datetime(k["revoked_ms"], lang),
                )
                if revoked
                else dbc.Button(
                    t("admin.key.revoke", lang),
                    id={"type": Ids.KEY_REVOKE, "id": k["id"]},
                    color="danger",
                    outline=True,
                    size="sm",
                    className="ioc-touch",
                ),
            ]
        )
    if not rows:
        return html.P(t("admin.key.none", lang), className="p-3 mb-0")
    return table(
        [
            t("admin.key.name", lang),
            t("admin.key.prefix", lang),
            t("admin.roles", lang),
            t("admin.domains", lang),
            t("admin.col.departments", lang),
            t("admin.col.areas", lang),
            t("admin.key.created", lang),
            t("admin.key.last_used", lang),
            "",
        ],
        rows,
        id="admin-keys-list",
    )


@callback(
    Output(Ids.KEY_RESULT, "children"),
    Output(Ids.KEY_RESULT, "color"),
    Output(Ids.KEY_RESULT, "is_open"),
    Output(Ids.KEY_DONE, "data"),
    Input(Ids.KEY_SUBMIT, "n_clicks"),
    Input({"type": Ids.KEY_REVOKE, "id": ALL}, "n_clicks"),
    State(Ids.KEY_NAME, "value"),
    State(Ids.KEY_ROLES, "value"),
    State(Ids.KEY_DOMAINS, "value"),
    State(Ids.KEY_DEPARTMENTS, "value"),
    State(Ids.KEY_AREAS, "value"),
    prevent_initial_call=True,
)
def issue_or_revoke_key(
    _n: int | None,
    revokes: list[int | None],
    name: str | None,
    roles: list | None,
    domains: list | None,
    departments: list | None = None,
    areas: list | None = None,
) -> tuple:
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(revokes):
        raise PreventUpdate
    revoke = isinstance(trigger, dict)
    who = require("apikeys.revoke" if revoke else "apikeys.issue")
    lang = current_lang()
    if revoke:
        key_id = clean_key(trigger.get("id"))
        if key_id is None:
            raise PreventUpdate
        if accounts.revoke_api_key(get_engine(), key_id):
            record("apikeys.revoke", key_id)
        return t("admin.key.revoked", lang), "warning", True, now_ms()
    roles, domains, name = _strings(roles), _strings(domains), clean_text(name)
    departments, areas = _strings(departments), _strings(areas)
    try:
        key_id, key = accounts.issue_api_key(
            get_engine(),
            name or "",
            roles,
            who.name,
            domains,
            departments=departments,
            areas=areas,
            profile=_profile(),
        )
    except accounts.AccountError as exc:
        record("apikeys.issue", (name or "")[:100], {"error": exc.key}, "refused")
        return t(exc.key, lang), "danger", True, no_update
    detail = {
        "name": name,
        "roles": roles,
        "domains": domains,
        "departments": departments,
        "areas": areas,
    }
    record("apikeys.issue", key_id, detail)
    shown = [
        html.P(t("admin.key.once", lang), className="mb-1"),
        html.Code(key, id="admin-key-value", className="user-select-all fs-6"),
    ]
    return shown, "success", True, now_ms()


def _bad_audit_filters(action: object, actor: object) -> list[str]:
    """The audit filters that cannot name an action or an actor (not text, too long,
    control characters, which PostgreSQL refuses in a parameter), as 'key=value'."""
    return [
        f"{key}={str(value)[:40]}"
        for key, value in (("action", action), ("actor", actor))
        if value is not None
        and not (
            isinstance(value, str)
            and len(value) <= 64
            and not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value)
        )
    ]


def _audit_frame(action: str | None, actor: str | None, rng: str | None):
    span = RANGE_MS.get(rng or "7d")
    return audit.entries(
        get_engine(),
        action=action or None,
        actor=(actor or "").strip() or None,
        since_ms=now_ms() - span if span else None,
        limit=500,
    )


@callback(
    Output(Ids.AUDIT, "children"),
    Output(Ids.AUDIT_ACTION, "options"),
    Input(Ids.AUDIT_ACTION, "value"),
    Input(Ids.AUDIT_ACTOR, "value"),
    Input(Ids.AUDIT_RANGE, "value"),
    Input(Ids.INTERVAL, "n_intervals"),
    Input(Ids.USER_DONE, "data"),
    Input(Ids.KEY_DONE, "data"),
)
def audit_table(
    action: str | None,
    actor: str | None,
    rng: str | None,
    *_ticks: object,
) -> tuple:
    require("audit.read")
    lang = current_lang()
    if rng not in RANGES:
        rng = "7d"
    bad = _bad_audit_filters(action, actor)
    if bad:
        msg = t("filter.invalid", lang, values=", ".join(bad))
        return html.P(msg, className="p-3 mb-0"), no_update
    df = _audit_frame(action, actor, rng)
    options = [
        {"label": action_label(a, lang), "value": a}
        for a in audit.actions(get_engine())
    ]
    if df.empty:
        return html.P(t("common.no_data", lang), className="p-3 mb-0"), options
    rows = [
        [
            fmt_datetime(int(r.at_ms), lang, seconds=True),
            r.actor,
            action_label(r.action, lang),
            r.target,
            _detail(r.detail),
            r.ip,
            dbc.Badge(
                t(f"admin.audit.{r.outcome}", lang)
                if r.outcome in ("ok", "refused")
                else r.outcome,
                color="success" if r.outcome == "ok" else "danger",
                className="ioc-badge",
            ),
        ]
        for r in frames.rows(df)
    ]
    headers = [
        t("admin.audit.when", lang),
        t("admin.audit.actor", lang),
        t("admin.audit.action", lang),
        t("admin.audit.target", lang),
        t("admin.audit.detail", lang),
        t("admin.audit.ip", lang),
        t("admin.audit.outcome", lang),
    ]
    return table(headers, rows, id="admin-audit-list"), options


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ (or a tab or
    carriage return) gets a leading apostrophe (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def action_label(action: str, lang: str) -> str:
    key = f"audit.action.{action}"
    return t(key, lang) if key in T else action


def _detail(detail: object) -> str:
    if not isinstance(detail, dict) or not detail:
        return ""
    return "; ".join(
        f"{k}={v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
        for k, v in detail.items()
    )[:300]


@callback(
    Output(Ids.AUDIT_DOWNLOAD, "data"),
    Input(Ids.AUDIT_EXPORT, "n_clicks"),
    State(Ids.AUDIT_ACTION, "value"),
    State(Ids.AUDIT_ACTOR, "value"),
    State(Ids.AUDIT_RANGE, "value"),
    prevent_initial_call=True,
)
def export_audit(
    _n: int | None, action: str | None, actor: str | None, rng: str | None
) -> dict:
    require("audit.read")
    if _bad_audit_filters(action, actor):
        raise PreventUpdate
    df = _audit_frame(action, actor, rng if rng in RANGES else "7d")
    out = df.assign(
        at=pd.to_datetime(df["at_ms"], unit="ms", utc=True).dt.strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        ),
        detail=df["detail"].map(_detail),
    ).drop(columns=["at_ms"])
    for col in ("actor", "target", "detail", "user_agent"):
        out[col] = out[col].map(csv_safe)
    record("reports.export", "audit_log.csv", {"rows": len(out), "range": rng})
    # Excel opens UTF-8 CSV with a BOM with Vietnamese names intact.
    return dcc.send_string(
        "\ufeff" + out.to_csv(index=False), f"nhat-ky-{now_ms()}.csv"
    )
