"""Cảnh báo: the alert list for duty officers (filter, acknowledge with a note) and
the rules that raise alerts. Filters live in the URL: /canh-bao?state=open&severity=
critical&district=tu-son opens the same view."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from components.export_links import export_links
from i18n import t
from layouts._filters import check_choices, district_options, filter_dropdown
from layouts._shell import current_lang
from security.session import current

dash.register_page(__name__, **catalogue.page("alerts").register_kwargs())

STATES = ("open", "acknowledged", "resolved")
SEVERITIES = ("critical", "warning", "info")
FILTERS = ("state", "severity", "domain", "district")
REFRESH_MS = 5000


class Ids:
    URL = "alerts-url"
    EXPORT_CSV = "alerts-export-csv"
    EXPORT_XLSX = "alerts-export-xlsx"
    INTERVAL = "alerts-interval"
    COUNTS = "alerts-counts"
    TABLE = "alerts-table"
    SIGNATURE = "alerts-signature"
    FILTER_ERROR = "alerts-filter-error"
    STATE = "alerts-state"
    SEVERITY = "alerts-severity"
    DOMAIN = "alerts-domain"
    DISTRICT = "alerts-district"
    ACK_BUTTON = "alerts-ack-button"  # pattern: {"type": ACK_BUTTON, "id": alert id}
    ACK_MODAL = "alerts-ack-modal"
    ACK_TARGET = "alerts-ack-target"
    ACK_SUMMARY = "alerts-ack-summary"
    ACK_WHO = "alerts-ack-who"
    ACK_NOTE = "alerts-ack-note"
    ACK_CONFIRM = "alerts-ack-confirm"
    ACK_CANCEL = "alerts-ack-cancel"
    ACK_ERROR = "alerts-ack-error"
    ACK_DONE = "alerts-ack-done"
    RULES = "alerts-rules"
    RULE_EDIT = "alerts-rule-edit"  # pattern: {"type": RULE_EDIT, "id": rule id}
    RULE_MODAL = "alerts-rule-modal"
    RULE_TARGET = "alerts-rule-target"
    RULE_THRESHOLD = "alerts-rule-threshold"
    RULE_SEVERITY = "alerts-rule-severity"
    RULE_ESCALATE = "alerts-rule-escalate"
    RULE_ENABLED = "alerts-rule-enabled"
    RULE_WHO = "alerts-rule-who"
    RULE_SAVE = "alerts-rule-save"
    RULE_CANCEL = "alerts-rule-cancel"
    RULE_ERROR = "alerts-rule-error"
    RULE_DONE = "alerts-rule-done"


def filter_options(lang: str) -> dict[str, list[dict]]:
    return {
        "state": [{"label": t(f"alerts.state.{s}", lang), "value": s} for s in STATES],
        "severity": [
            {"label": t(f"alerts.sev.{s}", lang), "value": s} for s in SEVERITIES
        ],
        "domain": [
            {"label": t(f"nav.{d}", lang), "value": d} for d in catalogue.DOMAINS
        ],
        "district": district_options(lang),
    }


def clean_filters(query: dict, lang: str) -> tuple[dict[str, str | None], list[str]]:
    """Valid filter values from a query string or the dropdowns, and the invalid ones
    named (they are dropped, never passed on)."""
    return check_choices(query, filter_options(lang))


def _as_who(lang: str) -> str:
    who = current()
    return t("alerts.ack.as", lang, who=who.display_name if who else "")


def _ack_modal(lang: str) -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("alerts.ack.title", lang))),
            dbc.ModalBody(
                [
                    html.P(id=Ids.ACK_SUMMARY, className="fw-semibold"),
                    html.P(_as_who(lang), id=Ids.ACK_WHO, className="small"),
                    dbc.Label(t("alerts.ack.note", lang), html_for=Ids.ACK_NOTE),
                    dbc.Textarea(id=Ids.ACK_NOTE, maxLength=1000, rows=3),
                    dbc.Alert(id=Ids.ACK_ERROR, color="danger", is_open=False),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        t("common.cancel", lang),
                        id=Ids.ACK_CANCEL,
                        color="secondary",
                        className="ioc-touch",
                    ),
                    dbc.Button(
                        t("alerts.ack.confirm", lang),
                        id=Ids.ACK_CONFIRM,
                        color="primary",
                        className="ioc-touch",
                    ),
                ]
            ),
            dcc.Store(id=Ids.ACK_TARGET),
        ],
        id=Ids.ACK_MODAL,
        is_open=False,
    )


def _rule_modal(lang: str) -> dbc.Modal:
    return dbc.Modal(
        [
            dbc.ModalHeader(dbc.ModalTitle(t("alerts.rule.title", lang))),
            dbc.ModalBody(
                [
                    dbc.Label(t("alerts.rule.threshold", lang)),
                    dbc.Input(id=Ids.RULE_THRESHOLD, type="number", className="mb-2"),
                    dbc.Label(t("alerts.col.severity", lang)),
                    dbc.Select(
                        id=Ids.RULE_SEVERITY,
                        options=[
                            {"label": t(f"alerts.sev.{s}", lang), "value": s}
                            for s in SEVERITIES
                        ],
                        className="mb-2",
                    ),
                    dbc.Label(t("alerts.rule.escalate", lang)),
                    dbc.Input(
                        id=Ids.RULE_ESCALATE,
                        type="number",
                        min=1,
                        max=10080,
                        className="mb-2",
                    ),
                    dbc.Switch(
                        id=Ids.RULE_ENABLED,
                        label=t("alerts.rule.enabled", lang),
                        className="mb-2",
                    ),
                    html.P(_as_who(lang), id=Ids.RULE_WHO, className="small"),
                    dbc.Alert(id=Ids.RULE_ERROR, color="danger", is_open=False),
                ]
            ),
            dbc.ModalFooter(
                [
                    dbc.Button(
                        t("common.cancel", lang),
                        id=Ids.RULE_CANCEL,
                        color="secondary",
                        className="ioc-touch",
                    ),
                    dbc.Button(
                        t("common.save", lang),
                        id=Ids.RULE_SAVE,
                        color="primary",
                        className="ioc-touch",
                    ),
                ]
            ),
            dcc.Store(id=Ids.RULE_TARGET),
        ],
        id=Ids.RULE_MODAL,
        is_open=False,
    )


def layout(**query: object) -> html.Div:
    lang = current_lang()
    options = filter_options(lang)
    # Opened without a state, the page shows what needs a person: open alerts
    # (clearing the filter shows every state).
    if "state" not in query:
        query = {**query, "state": "open"}
    values, bad = clean_filters(query, lang)

    def dropdown(key: str, id_: str) -> dbc.Col:
        placeholder = t(f"alerts.filter.{key}", lang)
        return filter_dropdown(id_, options[key], values[key], placeholder, xs=6, lg=3)

    return html.Div(
        [
            dcc.Location(id=Ids.URL, refresh="callback-nav"),
            dcc.Interval(id=Ids.INTERVAL, interval=REFRESH_MS),
            dcc.Store(id=Ids.SIGNATURE),
            dcc.Store(id=Ids.ACK_DONE),
            dcc.Store(id=Ids.RULE_DONE),
            html.Div(
                [
                    html.H1(t("nav.alerts", lang), className="h3 mb-0 me-3"),
                    html.Div(id=Ids.COUNTS, className="d-flex flex-wrap gap-2"),
                    export_links(
                        {"csv": Ids.EXPORT_CSV, "xlsx": Ids.EXPORT_XLSX},
                        "alerts",
                        values,
                        lang,
                    ),
                ],
                className="d-flex flex-wrap align-items-center mb-2",
            ),
            dbc.Row(
                [
                    dropdown("state", Ids.STATE),
                    dropdown("severity", Ids.SEVERITY),
                    dropdown("domain", Ids.DOMAIN),
                    dropdown("district", Ids.DISTRICT),
                ],
                className="g-2 mb-2",
            ),
            dbc.Alert(
                t("filter.invalid", lang, values=", ".join(bad)),
                color="warning",
                id=Ids.FILTER_ERROR,
                is_open=bool(bad),
                dismissable=True,
            ),
            dbc.Card(
                dbc.CardBody(html.Div(id=Ids.TABLE), className="p-0 ioc-scroll"),
                className="mb-3",
            ),
            html.H2(t("alerts.rules", lang), className="h5"),
            html.P(t("alerts.rules.help", lang), className="small text-body-secondary"),
            dbc.Card(dbc.CardBody(html.Div(id=Ids.RULES), className="p-0 ioc-scroll")),
            _ack_modal(lang),
            _rule_modal(lang),
        ]
    )
