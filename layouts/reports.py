"""Báo cáo: the report builder (domains, period, areas, language, formats), its
progress while a worker process makes it (cancel on the way), the archive of one's
own reports and of the scheduled briefings, and (admins) the schedules.
/bao-cao?period=month&domains=environment,living&lang=en opens with those chosen."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from i18n import t
from layouts._filters import district_options
from layouts._shell import current_lang
from security import policy
from security.session import current

dash.register_page(__name__, **catalogue.page("reports").register_kwargs())

PERIODS = ("day", "week", "month", "quarter", "custom")
FORMATS = ("pdf", "xlsx", "csv")
POLL_MS = 1000


class Ids:
    DOMAINS = "reports-domains"
    PERIOD = "reports-period"
    FROM = "reports-from"
    TO = "reports-to"
    AREAS = "reports-areas"
    LANG = "reports-lang"
    FORMATS = "reports-formats"
    MAKE = "reports-make"
    CANCEL = "reports-cancel"
    RUN = "reports-run"  # dcc.Store: the run being watched
    POLL = "reports-poll"
    PROGRESS = "reports-progress"
    STATUS = "reports-status"
    ERROR = "reports-error"
    RESULT = "reports-result"
    ARCHIVE = "reports-archive"
    SCHEDULES = "reports-schedules"
    SCHED_ENABLED = "reports-sched-enabled"  # pattern: {"type": ..., "key": key}
    SCHED_TIME = "reports-sched-time"  # pattern
    SCHED_WEEKDAY = "reports-sched-weekday"  # pattern
    SCHED_SAVE = "reports-sched-save"  # pattern
    SCHED_MSG = "reports-sched-msg"  # pattern


def _allowed(who: object) -> list[str]:
    seen = policy.visible_domains(who)
    return [d for d in catalogue.DOMAINS if seen is None or d in seen]


def _pick(value: object, allowed: tuple[str, ...], default: str) -> str:
    return value if isinstance(value, str) and value in allowed else default


def _field(label: str, control: object, **width: object) -> dbc.Col:
    return dbc.Col(
        [dbc.Label(label, className="fw-semibold small mb-1"), control],
        className="mb-3",
        **(width or {"xs": 12, "md": 6}),
    )


def layout(**query: object) -> html.Div:
    lang = current_lang()
    who = current()
    allowed = _allowed(who)
    asked = str(query.get("domains") or "").split(",")
    chosen = [d for d in asked if d in allowed] or allowed
    period = _pick(query.get("period"), PERIODS, "month")
    report_lang = _pick(query.get("lang"), ("vi", "en"), lang)
    builder = dbc.Card(
        dbc.CardBody(
            [
                html.H2(t("reports.builder", lang), className="h5 mb-3"),
                dbc.Row(
                    [
                        _field(
                            t("reports.f.domains", lang),
                            dbc.Checklist(
                                id=Ids.DOMAINS,
                                options=[
                                    {"label": t(f"nav.{d}", lang), "value": d}
                                    for d in allowed
                                ],
                                value=chosen,
                                inline=True,
                                className="ioc-checks",
                            ),
                            xs=12,
                        ),
                        _field(
                            t("reports.f.period", lang),
                            dbc.RadioItems(
                                id=Ids.PERIOD,
                                options=[
                                    {"label": t(f"reports.p.{p}", lang), "value": p}
                                    for p in PERIODS
                                ],
                                value=period,
                                inline=True,
                            ),
                            xs=12,
                            lg=6,
                        ),
                        _field(
                            t("reports.f.from", lang),
                            dbc.Input(id=Ids.FROM, type="date", className="ioc-touch"),
                            xs=6,
                            lg=3,
                        ),
                        _field(
                            t("reports.f.to", lang),
                            dbc.Input(
                                id=Ids.TO,
                                type="date",
                                disabled=period != "custom",
                                className="ioc-touch",
                            ),
                            xs=6,
                            lg=3,
                        ),
                        _field(
                            t("reports.f.areas", lang),
                            dcc.Dropdown(
                                id=Ids.AREAS,
                                options=district_options(lang),
                                multi=True,
                                className="ioc-filter",
                            ),
                            xs=12,
                            lg=6,
                        ),
                        _field(
                            t("reports.f.lang", lang),
                            dbc.RadioItems(
                                id=Ids.LANG,
                                options=[
                                    {"label": t(f"reports.lang.{x}", lang), "value": x}
                                    for x in ("vi", "en")
                                ],
                                value=report_lang,
                                inline=True,
                            ),
                            xs=6,
                            lg=3,
                        ),
                        _field(
                            t("reports.f.formats", lang),
                            dbc.Checklist(
                                id=Ids.FORMATS,
                                options=[
                                    {"label": f.upper(), "value": f} for f in FORMATS
                                ],
                                value=["pdf", "xlsx"],
                                inline=True,
                            ),
                            xs=6,
                            lg=3,
                        ),
                    ]
                ),
                html.Div(
                    [
                        dbc.Button(
                            [
                                html.I(className="bi bi-file-earmark-arrow-down me-2"),
                                t("reports.make", lang),
                            ],
                            id=Ids.MAKE,
                            color="primary",
                            className="ioc-touch me-2",
                        ),
                        dbc.Button(
                            t("reports.cancel", lang),
                            id=Ids.CANCEL,
                            color="secondary",
                            outline=True,
                            disabled=True,
                            className="ioc-touch",
                        ),
                    ],
                    className="mb-3",
                ),
                dbc.Progress(
                    id=Ids.PROGRESS,
                    value=0,
                    striped=True,
                    animated=True,
                    className="mb-2",
                    style={"height": "1.25rem"},
                ),
                html.Div(id=Ids.STATUS, className="mb-2", role="status"),
                dbc.Alert(id=Ids.ERROR, color="danger", is_open=False),
                html.Div(id=Ids.RESULT),
                dcc.Store(id=Ids.RUN),
                dcc.Interval(id=Ids.POLL, interval=POLL_MS, disabled=True),
            ]
        ),
        className="mb-3",
    )
    children = [
        html.H1(t("nav.reports", lang), className="h3 mb-3"),
        builder,
        dbc.Card(
            dbc.CardBody(
                [
                    html.H2(t("reports.archive", lang), className="h5 mb-3"),
                    html.Div(id=Ids.ARCHIVE),
                ]
            ),
            className="mb-3",
        ),
    ]
    if policy.can(who, "reports.schedule"):
        children.append(
            dbc.Card(
                dbc.CardBody(
                    [
                        html.H2(t("reports.schedules", lang), className="h5 mb-3"),
                        html.Div(id=Ids.SCHEDULES),
                    ]
                )
            )
        )
    return html.Div(children)
