"""/api/v1/reports: the briefing as PDF, workbook or CSV for automation (made in a
report worker process and waited for), the caller's runs and the archive, and a
run's files. The same rules as the page (usecases.reports): a staff key reports on
its own domains only, and a run it may not see is a 404."""

from __future__ import annotations

import concurrent.futures

from flask import Response, jsonify, request

from api.alerts import use_case_error
from api.base import bp, error, iso
from api.params import ParamError, parse_choice
from reports import jobs, periods
from security import session
from store.reports import FORMATS
from store.runtime import get_engine
from usecases import UseCaseError
from usecases import reports as report_usecases

API_WAIT_S = 120.0  # a quarter's briefing takes seconds; past this the run goes on
API_PERIODS = ("day", "week", "month", "quarter", "custom")


def _list(name: str, value: str | None, max_items: int = 50) -> list[str]:
    if not value:
        return []
    if len(value) > 2000:
        raise ParamError(name, "too long")
    items = [v.strip() for v in value.split(",") if v.strip()]
    if len(items) > max_items:
        raise ParamError(name, f"at most {max_items} values")
    return items


def _date(name: str, value: str | None):  # noqa: ANN202 - date | None
    try:
        return periods.parse_date(value)
    except periods.PeriodError as exc:
        raise ParamError(name, "must be a date, YYYY-MM-DD") from exc


def _briefing(fmt: str) -> Response:
    args = request.args
    period = parse_choice("period", args.get("period"), set(API_PERIODS)) or "day"
    first, last = _date("from", args.get("from")), _date("to", args.get("to"))
    who = session.current()
    domains = _list("domains", args.get("domains")) or list(
        report_usecases.allowed_domains(who)
    )
    lang = parse_choice("lang", args.get("lang"), set(report_usecases.LANGS)) or "vi"
    req = report_usecases.Request(
        domains=domains,
        period=period,
        first=first,
        last=last,
        areas=_list("areas", args.get("areas")),
        lang=lang,
        formats=(fmt,),
    )
    engine, caller = get_engine(), session.caller()
    try:
        run_id = report_usecases.request(engine, caller, req, origin="api")
    except UseCaseError as exc:
        if exc.reason == "invalid":
            return error(400, "bad_parameter", exc.key)
        return use_case_error(exc, "no such report")
    future = jobs.submit(engine, run_id)
    try:
        state = future.result(timeout=API_WAIT_S)
    except concurrent.futures.TimeoutError:
        return error(
            504,
            "still_running",
            f"report {run_id} is still being made; GET "
            f"/api/v1/reports/{run_id}/{fmt} later",
        )
    if state != "done":
        return error(500, "report_failed", f"report {run_id} ended {state}")
    return _file(run_id, fmt)


@bp.get("/reports/briefing.pdf")
def briefing_pdf() -> Response:
    return _briefing("pdf")


@bp.get("/reports/briefing.xlsx")
def briefing_xlsx() -> Response:
    return _briefing("xlsx")


@bp.get("/reports/briefing.csv")
def briefing_csv() -> Response:
    return _briefing("csv")


def _file(run_id: int, fmt: str) -> Response:
    try:
        name, content, media = report_usecases.download(
            get_engine(), session.caller(), run_id, fmt
        )
    except UseCaseError as exc:
        return use_case_error(exc, f"no report {run_id} as {fmt}")
    resp = Response(content, mimetype=media.split(";")[0])
    if media.startswith("text/"):
        resp.headers["Content-Type"] = media
    # The name is the server's (reports.build.filename): ASCII, no path, no quote.
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp


@bp.get("/reports/<int:run_id>/<fmt>")
def run_file(run_id: int, fmt: str) -> Response:
    """A made run's file (pdf, xlsx or csv): one's own, or an archived briefing of
    one's domains."""
    if fmt not in FORMATS:
        raise ParamError("fmt", f"must be one of {', '.join(FORMATS)}")
    return _file(run_id, fmt)


def run_json(row: dict) -> dict:
    return {
        "id": int(row["id"]),
        "origin": row["origin"],
        "schedule": row["schedule_key"] or None,
        "requested_by": row["requested_by"],
        "domains": list(row["domains"]),
        "areas": list(row["areas"]),
        "period": row["period"],
        "from": iso(int(row["start_ms"])),
        "to": iso(int(row["end_ms"])),
        "lang": row["lang"],
        "formats": list(row["formats"]),
        "state": row["state"],
        "progress": int(row["progress"]),
        "created": iso(int(row["created_ms"])),
        "finished": iso(
            None
            if row["finished_ms"] != row["finished_ms"] or row["finished_ms"] is None
            else int(row["finished_ms"])
        ),
    }


@bp.get("/reports")
def report_runs() -> Response:
    rows = report_usecases.runs(get_engine(), session.current())
    return jsonify({"count": len(rows), "reports": [run_json(r) for r in rows]})
