"""Sensors page: the filtered table of sensors, and the URL kept in step with the
filters."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from dash import Input, Output, State, callback, html, no_update
from sqlalchemy.exc import SQLAlchemyError

import config
import province
from components.tables import state_badge, table
from i18n import T, fmt_age, fmt_number, metric_label, t
from layouts._filters import clean_filters
from layouts._shell import current_lang
from layouts.sensors import Ids
from store import queries
from store.runtime import get_engine

log = logging.getLogger(__name__)


@callback(
    Output(Ids.TABLE, "children"),
    Input(Ids.INTERVAL, "n_intervals"),
    Input(Ids.KIND, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.STATE, "value"),
)
def refresh(
    _n: int | None, kind: str | None, district: str | None, state: str | None
) -> html.Div:
    lang = current_lang()
    # Values come from the browser: check them again, whatever the dropdowns allowed.
    f, bad = clean_filters({"kind": kind, "district": district, "state": state}, lang)
    if bad:
        return html.P(t("filter.invalid", lang, values=", ".join(bad)), className="p-3")
    engine = get_engine()
    try:
        sensors = queries.sensors(engine, kind=f["kind"], region=f["district"])
        latest = queries.latest(engine)
    except SQLAlchemyError as exc:
        log.warning("sensors page could not read the store: %s", exc)
        return html.P(t("common.store_down", lang, error=type(exc).__name__))
    if f["state"]:
        sensors = sensors[sensors["state"] == f["state"]]
    if sensors.empty:
        return html.P(t("common.no_data", lang), className="p-3 mb-0")
    values: dict[str, list[str]] = {}
    for r in latest.itertuples():
        values.setdefault(r.sensor_id, []).append(
            f"{metric_label(r.metric, lang)} {fmt_number(r.value, lang, 1)}"
        )
    profile = province.cached(str(config.load().profile))
    area_name = {
        a.code: a.name if lang == "vi" else a.name_en for a in profile.areas.values()
    }
    rows = [
        [
            s.name if lang == "vi" else s.name_en or s.name,
            t(f"kind.{s.kind}", lang) if f"kind.{s.kind}" in T else s.kind,
            area_name.get(s.area, s.area),
            " · ".join(values.get(s.id, [])),
            fmt_age(s.age_s, lang),
            state_badge(s.state, t(f"state.{s.state}", lang)),
        ]
        for s in sensors.itertuples()
    ]
    return table(
        [
            t("col.sensor", lang),
            t("col.kind", lang),
            t("col.area", lang),
            t("col.value", lang),
            t("col.age", lang),
            t("col.state", lang),
        ],
        rows,
    )


@callback(
    Output(Ids.URL, "search"),
    Input(Ids.KIND, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.STATE, "value"),
    State(Ids.URL, "search"),
    prevent_initial_call=True,
)
def remember_filters(
    kind: str | None, district: str | None, state: str | None, current: str | None
) -> str:
    query = {
        k: v for k, v in (("kind", kind), ("district", district), ("state", state)) if v
    }
    search = f"?{urlencode(query)}" if query else ""
    return no_update if search == (current or "") else search
