"""/api/v1/exports/<table>.<fmt>: a page's table (sensors, alerts, press) as CSV or
Excel, with the page's own filters as query parameters: the rows that page shows the
caller. The pages' download links and automation use the same route; the use case
(usecases.exports) checks the role, the page's rule and the filters, and audits."""

from __future__ import annotations

from flask import Response, request

from api.alerts import use_case_error
from api.base import bp
from api.params import parse_choice
from security import session
from store.runtime import get_engine
from usecases import UseCaseError
from usecases import exports as export_usecases


@bp.get("/exports/<table>.<fmt>")
def export_table(table: str, fmt: str) -> Response:
    lang = parse_choice("lang", request.args.get("lang"), {"vi", "en"}) or "vi"
    query = {k: v for k, v in request.args.items() if k != "lang"}
    try:
        name, content, media = export_usecases.export(
            get_engine(), session.caller(), table, fmt, query, lang
        )
    except UseCaseError as exc:
        return use_case_error(exc, f"no table {table} as {fmt}")
    resp = Response(content, mimetype=media.split(";")[0])
    resp.headers["Content-Type"] = media
    # The name is the server's (ioc-<table>.<fmt> of a checked table and format).
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return resp
