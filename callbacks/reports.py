"""Report page: ask for a report (usecases.reports, then a worker process), watch
its progress by polling its row, cancel it, list the archive, and (admins) edit
the schedules. Thin: the use cases check and audit, reports.* make the files."""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, State, callback, dcc, html, no_update
from dash.exceptions import PreventUpdate

from i18n import fmt_datetime, t
from layouts._shell import current_lang
from layouts.reports import Ids
from reports import build, jobs, periods, text
from security import session
from store import reports as store_reports
from store.runtime import get_engine
from usecases import UseCaseError
from usecases import reports as report_usecases

log = logging.getLogger(__name__)
TERMINAL = ("done", "failed", "cancelled")


def _texts(value: object) -> list[str]:
    """The strings of a checklist's or dropdown's value (anything else: none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@callback(Output(Ids.TO, "disabled"), Input(Ids.PERIOD, "value"))
def custom_only(period: str | None) -> bool:
    return period != "custom"


@callback(
    Output(Ids.RUN, "data"),
    Output(Ids.ERROR, "children"),
    Output(Ids.ERROR, "is_open"),
    Input(Ids.MAKE, "n_clicks"),
    State(Ids.DOMAINS, "value"),
    State(Ids.PERIOD, "value"),
    State(Ids.FROM, "value"),
    State(Ids.TO, "value"),
    State(Ids.AREAS, "value"),
    State(Ids.LANG, "value"),
    State(Ids.FORMATS, "value"),
    prevent_initial_call=True,
)
def make(n, domains, period, first, last, areas, lang, formats):  # noqa: ANN001, ANN201
    if not n:
        raise PreventUpdate
    ui = current_lang()
    try:
        req = report_usecases.Request(
            domains=_texts(domains),
            period=period if isinstance(period, str) else "",
            first=periods.parse_date(first if isinstance(first, str) else None),
            last=periods.parse_date(last if isinstance(last, str) else None),
            areas=_texts(areas),
            lang=lang if isinstance(lang, str) else "",
            formats=_texts(formats),
        )
        engine = get_engine()
        run_id = report_usecases.request(engine, session.caller(), req)
    except periods.PeriodError as exc:
        return no_update, t(exc.key, ui), True
    except UseCaseError as exc:
        return no_update, t(exc.key, ui), True
    jobs.submit(engine, run_id)
    return {"id": run_id}, "", False


@callback(
    Output(Ids.ERROR, "children", allow_duplicate=True),
    Output(Ids.ERROR, "is_open", allow_duplicate=True),
    Input(Ids.CANCEL, "n_clicks"),
    State(Ids.RUN, "data"),
    prevent_initial_call=True,
)
def cancel(n, run):  # noqa: ANN001, ANN201
    if not n or not isinstance(run, dict) or not isinstance(run.get("id"), int):
        raise PreventUpdate
    try:
        report_usecases.cancel(get_engine(), session.caller(), run["id"])
    except UseCaseError as exc:
        return t(exc.key, current_lang()), True
    return "", False


@callback(
    Output(Ids.PROGRESS, "value"),
    Output(Ids.PROGRESS, "label"),
    Output(Ids.STATUS, "children"),
    Output(Ids.RESULT, "children"),
    Output(Ids.POLL, "disabled"),
    Output(Ids.CANCEL, "disabled"),
    Output(Ids.ARCHIVE, "children"),
    Input(Ids.RUN, "data"),
    Input(Ids.POLL, "n_intervals"),
)
def watch(run, _n):  # noqa: ANN001, ANN201
    lang = current_lang()
    engine = get_engine()
    caller = session.caller()
    if not isinstance(run, dict) or not isinstance(run.get("id"), int):
        return 0, "", "", "", True, True, archive(engine, caller.who, lang)
    try:
        row = report_usecases.status(engine, caller, run["id"])
    except UseCaseError as exc:
        return 0, "", t(exc.key, lang), "", True, True, no_update
    state, progress = row["state"], int(row["progress"])
    if state not in TERMINAL:
        key = "reports.queued" if state == "queued" else "reports.running"
        msg = t(key, lang, p=progress)
        return progress, f"{progress}%", msg, "", False, False, no_update
    result = ""
    if state == "done":
        msg = t("reports.done", lang)
        result = _links(row)
    else:
        msg = t(f"reports.{state}", lang)
    return (
        100 if state == "done" else progress,
        "100%" if state == "done" else "",
        msg,
        result,
        True,
        True,
        archive(engine, caller.who, lang),
    )


def _links(row: dict) -> html.Div:
    return html.Div(
        [
            html.A(
                [html.I(className="bi bi-download me-1"), fmt.upper()],
                href=f"/api/v1/reports/{int(row['id'])}/{fmt}",
                className="btn btn-outline-primary ioc-touch me-2 mb-1",
            )
            for fmt in store_reports.FORMATS
            if fmt in (row.get("files") or {})
        ]
    )


def archive(engine, who, lang: str):  # noqa: ANN001, ANN201
    rows = report_usecases.runs(engine, who, limit=50)
    if not rows:
        return html.P(t("reports.archive.empty", lang), className="mb-0")
    head = html.Thead(
        html.Tr(
            [
                html.Th(t(k, lang))
                for k in (
                    "reports.col.made",
                    "reports.col.period",
                    "reports.col.domain",
                    "reports.col.origin",
                    "reports.col.state",
                    "reports.col.files",
                )
            ]
        )
    )
    body = []
    for r in rows:
        spec = build.spec_of(r)
        files = store_reports.FORMATS if r["state"] == "done" else ()
        body.append(
            html.Tr(
                [
                    html.Td(fmt_datetime(int(r["created_ms"]), lang)),
                    html.Td(text.period_label(build.spec_period(spec), lang)),
                    html.Td(", ".join(t(f"nav.{d}", lang) for d in r["domains"])),
                    html.Td(t(f"reports.origin.{r['origin']}", lang)),
                    html.Td(t(f"reports.state.{r['state']}", lang)),
                    html.Td(
                        [
                            html.A(
                                f.upper(),
                                href=f"/api/v1/reports/{int(r['id'])}/{f}",
                                className="me-2",
                            )
                            for f in files
                            if f in r["formats"]
                        ]
                    ),
                ]
            )
        )
    return html.Div(
        dbc.Table([head, html.Tbody(body)], size="sm", hover=True, className="mb-0"),
        className="table-responsive",
    )


@callback(Output(Ids.SCHEDULES, "children"), Input(Ids.SCHEDULES, "id"))
def schedules(_id):  # noqa: ANN001, ANN201
    lang = current_lang()
    rows = []
    for s in store_reports.schedules(get_engine()):
        key = s["key"]
        if key == "weekly":
            weekday = dbc.Select(
                id={"type": Ids.SCHED_WEEKDAY, "key": key},
                options=[
                    {"label": t(f"reports.wd.{i}", lang), "value": str(i)}
                    for i in range(7)
                ],
                value=str(s["weekday"]),
                className="ioc-touch",
            )
        else:
            weekday = dcc.Store(id={"type": Ids.SCHED_WEEKDAY, "key": key}, data="0")
        rows.append(
            dbc.Row(
                [
                    dbc.Col(t(f"reports.sched.{key}", lang), xs=12, lg=4),
                    dbc.Col(
                        dbc.Switch(
                            id={"type": Ids.SCHED_ENABLED, "key": key},
                            label=t("reports.sched.enabled", lang),
                            value=bool(s["enabled"]),
                        ),
                        xs=3,
                        lg=1,
                    ),
                    dbc.Col(
                        dbc.Input(
                            id={"type": Ids.SCHED_TIME, "key": key},
                            type="time",
                            value=f"{int(s['hour']):02d}:{int(s['minute']):02d}",
                            className="ioc-touch",
                        ),
                        xs=4,
                        lg=2,
                    ),
                    dbc.Col(weekday, xs=5, lg=2),
                    dbc.Col(
                        [
                            dbc.Button(
                                t("reports.sched.save", lang),
                                id={"type": Ids.SCHED_SAVE, "key": key},
                                color="primary",
                                outline=True,
                                className="ioc-touch",
                            ),
                            html.Span(
                                id={"type": Ids.SCHED_MSG, "key": key},
                                className="small ms-2",
                            ),
                        ],
                        xs=12,
                        lg=3,
                    ),
                ],
                className="align-items-center mb-2 g-2",
            )
        )
    return rows


@callback(
    Output({"type": Ids.SCHED_MSG, "key": MATCH}, "children"),
    Input({"type": Ids.SCHED_SAVE, "key": MATCH}, "n_clicks"),
    State({"type": Ids.SCHED_SAVE, "key": MATCH}, "id"),
    State({"type": Ids.SCHED_ENABLED, "key": MATCH}, "value"),
    State({"type": Ids.SCHED_TIME, "key": MATCH}, "value"),
    State({"type": Ids.SCHED_WEEKDAY, "key": MATCH}, "value"),
    prevent_initial_call=True,
)
def save_schedule(n, id_, enabled, at, weekday):  # noqa: ANN001, ANN201
    if not n:
        raise PreventUpdate
    lang = current_lang()
    key = id_.get("key") if isinstance(id_, dict) else None
    changes: dict[str, object] = {"enabled": enabled is True}
    try:
        hour, minute = (int(x) for x in str(at or "").split(":")[:2])
        changes |= {"hour": hour, "minute": minute}
        if key == "weekly":
            changes["weekday"] = int(str(weekday))
    except ValueError:
        return t("reports.err.schedule", lang)
    if not isinstance(key, str):
        raise PreventUpdate
    try:
        report_usecases.update_schedule(get_engine(), session.caller(), key, changes)
    except UseCaseError as exc:
        return t(exc.key, lang)
    return t("reports.sched.saved", lang)
