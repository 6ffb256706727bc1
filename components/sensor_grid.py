"""The live sensor grid: its columns, its rows (display text built from store frames)
and the transaction a tick sends (only the rows that changed)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from i18n import T, fmt_age, fmt_number, metric_label, t, unit_label
from store.live import sparkline_text
from store.metrics import METRICS

STATES = ("ok", "warning", "alarm", "stale", "offline", "never")

# The grid follows Bootstrap's light/dark theme through its CSS variables, so a theme
# switch needs no callback. 44 px rows: touch targets on an iPad.
THEME = (
    "themeQuartz.withParams({"
    "backgroundColor: 'var(--bs-body-bg)',"
    "foregroundColor: 'var(--bs-body-color)',"
    "headerBackgroundColor: 'var(--bs-tertiary-bg)',"
    "borderColor: 'var(--bs-border-color)',"
    "accentColor: 'var(--bs-primary)',"
    "fontFamily: 'inherit',"
    "fontSize: 15,"
    "rowHeight: 44,"
    "headerHeight: 44,"
    "wrapperBorderRadius: 6"
    "})"
)


def state_label(state: str, lang: str) -> str:
    key = f"state.{state}"
    return t(key, lang) if key in T else state


def age_units(lang: str) -> list[str]:
    """The words fmt_age uses (seconds, minutes, hours, days), for the browser's own
    age count between ticks."""
    return [fmt_age(s, lang).split(" ", 1)[1] for s in (0, 60, 3600, 86400)]


def column_defs(lang: str) -> list[dict]:
    rules = {
        f"ioc-cell-{s}": {"function": f"params.data && params.data.state === '{s}'"}
        for s in STATES
    }
    return [
        {
            "field": "name",
            "headerName": t("col.sensor", lang),
            "flex": 3,
            "minWidth": 180,
            "sort": "asc",
            "tooltipField": "name",
        },
        {
            "field": "kind",
            "headerName": t("col.kind", lang),
            "flex": 1,
            "minWidth": 105,
        },
        {
            "field": "area",
            "headerName": t("col.area", lang),
            "flex": 2,
            "minWidth": 130,
        },
        {
            "field": "values",
            "headerName": t("col.value", lang),
            "flex": 5,
            "minWidth": 200,
            "tooltipField": "values",
            "cellClass": "ioc-num",
        },
        {
            "field": "trend",
            "headerName": t("col.trend", lang),
            "width": 115,
            "sortable": False,
            "cellClass": "ioc-spark-text",
        },
        {
            "colId": "age",
            "headerName": t("col.age", lang),
            "valueGetter": {"function": "iocSensorAge(params)"},
            "valueFormatter": {"function": "iocSensorAgeText(params)"},
            "width": 115,
        },
        {
            "field": "state_label",
            "colId": "state",
            "headerName": t("col.state", lang),
            "width": 150,
            "cellClassRules": rules,
        },
    ]


def grid_options(lang: str) -> dict:
    return {
        "theme": {"function": THEME},
        "rowHeight": 44,
        "headerHeight": 44,
        "animateRows": False,
        "suppressCellFocus": True,
        "rowBuffer": 10,
        "tooltipShowDelay": 400,
        "localeText": {
            "noRowsToShow": t("common.no_data", lang),
            "loadingOoo": t("common.loading", lang),
        },
        "context": {"ageUnits": age_units(lang)},
    }


def values_text(latest: Sequence[tuple[str, float]], lang: str) -> str:
    """'Bụi PM2.5 42,5 µg/m³ · Bụi PM10 60,1 µg/m³' from one sensor's (metric, value)
    pairs."""
    parts = []
    for metric, value in latest:
        m = METRICS.get(metric)
        unit = unit_label(m.unit, lang) if m else ""
        text = fmt_number(value, lang, 1)
        parts.append(f"{metric_label(metric, lang)} {text} {unit}".strip())
    return " · ".join(parts)


def grid_rows(
    panel: pd.DataFrame,
    latest: pd.DataFrame,
    trends: pd.DataFrame,
    lang: str,
    area_names: Mapping[str, str],
) -> list[dict]:
    """One row per sensor of ``store.live.panel``; the trend is the sensor's first
    metric over the last hour (``store.live.trends``). Plain loops: this runs for
    every sensor on a full load."""
    values: dict[str, list[tuple[str, float]]] = {}
    for sid, metric, value in zip(
        latest["sensor_id"], latest["metric"], latest["value"], strict=True
    ):
        values.setdefault(sid, []).append((metric, value))
    trend_of: dict[tuple[str, str], list[float]] = {}
    for sid, metric, mean in zip(
        trends["sensor_id"], trends["metric"], trends["mean"], strict=True
    ):
        trend_of.setdefault((sid, metric), []).append(mean)
    kinds = {
        k: t(f"kind.{k}", lang) for k in panel["kind"].unique() if f"kind.{k}" in T
    }
    labels = {s: state_label(s, lang) for s in STATES}
    rows = []
    cols = ["id", "name", "name_en", "kind", "area", "metrics", "last_seen_ms"]
    for sid, name, name_en, kind, area, metrics, seen, ver, state in zip(
        *(panel[c].tolist() for c in cols + ["ver", "state"]), strict=True
    ):
        rows.append(
            {
                "id": sid,
                "name": name if lang == "vi" else name_en or name,
                "kind": kinds.get(kind, kind),
                "area": area_names.get(area, area),
                "values": values_text(values.get(sid, ()), lang),
                "trend": sparkline_text(trend_of.get((sid, first_metric(metrics)), [])),
                "ts": None if pd.isna(seen) else int(seen),
                "ver": int(ver),
                "state": state,
                "state_label": labels.get(state) or state_label(state, lang),
            }
        )
    return rows


def first_metric(metrics: object) -> str | None:
    return metrics[0] if isinstance(metrics, list) and metrics else None


def trend_pairs(panel: pd.DataFrame) -> list[tuple[str, str]]:
    return [
        (s, m)
        for s, m in zip(panel["id"], map(first_metric, panel["metrics"]), strict=True)
        if m
    ]


def changes(
    panel: pd.DataFrame, known: Mapping[str, list], state: str | None = None
) -> tuple[list[str], list[str]]:
    """Which of the rows a browser holds (``known``: id -> [ver, state]) to update and
    which to remove: updated when the reading (``ver``) or the state differ, removed
    when the sensor is gone from the store or has left the state filter."""
    update, remove = [], []
    seen = set()
    for sid, ver, st in zip(panel["id"], panel["ver"], panel["state"], strict=True):
        seen.add(sid)
        if state and st != state:
            remove.append(sid)
        elif list(known.get(sid) or [])[:2] != [int(ver), st]:
            update.append(sid)
    remove += [i for i in known if i not in seen]
    return update, remove
