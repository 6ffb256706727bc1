"""Sensors page: the grid loaded in full when the filters change, refreshed every
second for the rows on screen by transactions of the rows that changed, the URL kept in
step with the filters, and the sensor drawer."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

import pandas as pd
from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    ctx,
    no_update,
)
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

from components.export_links import FORMATS as EXPORT_FORMATS
from components.export_links import export_href
from components.sensor_drawer import drawer_body
from components.sensor_grid import changes, grid_rows, trend_pairs
from i18n import t
from layouts._filters import area_names, clean_filters, clean_id, url_search
from layouts._shell import current_lang
from layouts.sensors import TICK_MS, Ids
from security import policy
from security.session import current
from store import live, queries
from store.memo import memo
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
DAY_MS = 86_400_000
# Users on the same filters have the same rows on screen: a tick's reads are shared
# for one tick at most.
TICK_TTL_S = TICK_MS / 1000


def _filters(kind: object, district: object, state: object, lang: str) -> dict:
    # Values come from the browser: check them again, whatever the dropdowns allowed.
    f, _bad = clean_filters({"kind": kind, "district": district, "state": state}, lang)
    return f


@callback(
    Output(Ids.TABLE, "rowData"),
    Output(Ids.FILTER_ERROR, "children"),
    Output(Ids.FILTER_ERROR, "is_open"),
    Input(Ids.KIND, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.STATE, "value"),
)
def load(kind: str | None, district: str | None, state: str | None):  # noqa: ANN201
    """Every sensor the filters select, as grid rows (a full load)."""
    lang = current_lang()
    f = _filters(kind, district, state, lang)
    engine = get_engine()
    try:
        panel, latest = live.panel(
            engine,
            kind=f["kind"],
            region=f["district"],
            areas=policy.visible_areas(current()),
        )
        panel = _own(panel)
        if f["state"]:
            panel = panel[panel["state"] == f["state"]]
        trends = live.trends(
            engine, trend_pairs(panel), step_minutes=live.TREND_STEP_MINUTES
        )
    except SQLAlchemyError as exc:
        log.warning("sensors page could not read the store: %s", exc)
        return no_update, t("common.store_down", lang, error=type(exc).__name__), True
    rows = grid_rows(panel, latest, trends, lang, area_names(lang))
    return rows, no_update, no_update


# Every second the browser names the rows on screen with the version it holds...
clientside_callback(
    ClientsideFunction(namespace="iocSensors", function_name="visible"),
    Output(Ids.VISIBLE, "data"),
    Input(Ids.INTERVAL, "n_intervals"),
    State(Ids.TABLE, "id"),
)


# ...and gets back only the rows whose reading or state changed.
@callback(
    Output(Ids.TABLE, "rowTransaction"),
    Output(Ids.CLOCK, "data"),
    Input(Ids.VISIBLE, "data"),
    State(Ids.STATE, "value"),
    prevent_initial_call=True,
)
def tick(visible: dict | None, state: str | None):  # noqa: ANN201
    known = (visible or {}).get("rows") if isinstance(visible, dict) else None
    if not isinstance(known, dict) or not known:
        raise PreventUpdate
    known = dict(list(known.items())[: live.TICK_MAX])
    lang = current_lang()
    f = _filters(None, None, state, lang)
    engine = get_engine()
    at = now_ms()
    try:
        panel, latest, read_at = _panel(engine, tuple(sorted(str(i) for i in known)))
        panel = _own(panel)  # ids from the browser: of the user's domains only
        update, remove = changes(panel, known, f["state"])
        if not update and not remove:
            return no_update, at
        changed = panel[panel["id"].isin(update)]
        trends = _trends(engine, frozenset(trend_pairs(changed)), read_at)
    except SQLAlchemyError as exc:
        log.warning("sensors tick could not read the store: %s", exc)
        raise PreventUpdate from exc
    rows = grid_rows(
        changed,
        latest[latest["sensor_id"].isin(update)],
        trends,
        lang,
        area_names(lang),
    )
    transaction: dict = {}
    if rows:
        transaction["update"] = rows
    if remove:
        transaction["remove"] = [{"id": i} for i in remove]
    return transaction, at


def _own(panel: pd.DataFrame) -> pd.DataFrame:
    """The rows of sensors the user may read (staff: their domains' kinds, in their
    areas when their account names some)."""
    who = current()
    kinds, areas = policy.readable_kinds(who), policy.visible_areas(who)
    if kinds is not None:
        panel = panel[panel["kind"].isin(kinds)]
    return panel if areas is None else panel[panel["area"].isin(areas)]


@memo(TICK_TTL_S, maxsize=256)
def _panel(engine, ids: tuple[str, ...]) -> tuple:  # noqa: ANN001
    """live.panel of these sensors now, and when now was."""
    at = now_ms()
    return (*live.panel(engine, ids=list(ids), at_ms=at), at)


@memo(TICK_TTL_S, maxsize=256)
def _trends(engine, pairs: frozenset, at: int):  # noqa: ANN001, ANN202
    return live.trends(engine, sorted(pairs), at, step_minutes=live.TREND_STEP_MINUTES)


# The browser counts the age of readings between ticks on the server's clock.
clientside_callback(
    ClientsideFunction(namespace="iocSensors", function_name="skew"),
    Output(Ids.SKEW, "data"),
    Input(Ids.CLOCK, "data"),
    prevent_initial_call=True,
)


# A tap on a row selects its sensor; closing the drawer forgets it.
clientside_callback(
    """
    function(cell, isOpen) {
        var dc = window.dash_clientside;
        var trig = dc.callback_context.triggered;
        var what = trig.length ? trig[0].prop_id : "";
        if (what.indexOf("cellClicked") !== -1) {
            return cell && cell.rowId ? String(cell.rowId) : dc.no_update;
        }
        return isOpen ? dc.no_update : null;
    }
    """,
    Output(Ids.SELECTED, "data"),
    Input(Ids.TABLE, "cellClicked"),
    Input(Ids.DRAWER, "is_open"),
    prevent_initial_call=True,
)


@callback(
    Output(Ids.DRAWER, "is_open"),
    Output(Ids.DRAWER, "title"),
    Output(Ids.DRAWER_BODY, "children"),
    Input(Ids.SELECTED, "data"),
)
def open_drawer(selected: str | None):  # noqa: ANN201
    """The selected sensor's drawer (from a row, or ?sensor=<id> on arrival)."""
    sensor_id = clean_id(selected)
    if not sensor_id:
        raise PreventUpdate
    lang = current_lang()
    engine = get_engine()
    at = now_ms()
    try:
        sensor = queries.sensor(engine, str(sensor_id))
        if sensor is None or not policy.reads_sensor(
            current(), sensor.get("kind"), sensor.get("area")
        ):
            return True, t("sensors.not_found", lang), None
        latest = queries.latest(engine, sensor_id=sensor["id"])
        panel, _ = live.panel(engine, ids=[sensor["id"]], at_ms=at)
        metrics = list(sensor.get("metrics") or []) or sorted(set(latest["metric"]))
        series = {
            m: queries.series(engine, sensor["id"], m, at - DAY_MS, at)
            for m in metrics[:12]
        }
    except SQLAlchemyError as exc:
        log.warning("sensor drawer could not read the store: %s", exc)
        return True, t("common.store_down", lang, error=type(exc).__name__), None
    name = sensor["name"] if lang == "vi" else sensor["name_en"] or sensor["name"]
    state = panel["state"].iloc[0] if len(panel) else "never"
    area = area_names(lang).get(sensor["area"], sensor["area"])
    return True, name, drawer_body(sensor, state, latest, series, lang, area)


@callback(
    Output(Ids.URL, "search"),
    Input(Ids.KIND, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.STATE, "value"),
    Input(Ids.SELECTED, "data"),
    State(Ids.URL, "search"),
    prevent_initial_call=True,
)
def remember_filters(
    kind: str | None,
    district: str | None,
    state: str | None,
    selected: str | None,
    current: str | None,
) -> str:
    sensor = clean_id(selected)
    current = current if isinstance(current, str) else ""  # from the browser
    if ctx.triggered_id == Ids.SELECTED:
        # A drawer opened or closed: only the sensor parameter changes; the rest of
        # the URL stays as it is (a bad filter value there is still named).
        query = dict(parse_qsl((current or "").lstrip("?"), keep_blank_values=True))
        query.pop("sensor", None)
        if sensor:
            query["sensor"] = sensor
        search = f"?{urlencode(query)}" if query else ""
    else:
        search = url_search(
            {"kind": kind, "district": district, "state": state, "sensor": sensor}
        )
    return no_update if search == (current or "") else search


@callback(
    Output(Ids.EXPORT_CSV, "href"),
    Output(Ids.EXPORT_XLSX, "href"),
    Input(Ids.KIND, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.STATE, "value"),
    prevent_initial_call=True,
)
def export_hrefs(kind: str | None, district: str | None, state: str | None) -> tuple:
    """The download links follow the filters (the route checks them again)."""
    lang = current_lang()
    f = _filters(kind, district, state, lang)
    return tuple(export_href("sensors", fmt, f, lang) for fmt in EXPORT_FORMATS)
