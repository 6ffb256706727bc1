"""Plain Bootstrap tables; every cell is text (never HTML from data)."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    id: str | None = None,
) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(h) for h in headers]))
    body = html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows])
    kwargs = {"id": id} if id else {}
    return dbc.Table(
        [head, body],
        striped=True,
        hover=True,
        size="sm",
        responsive=True,
        className="ioc-table mb-0",
        **kwargs,
    )


STATE_COLOURS = {
    "ok": "success",
    "stale": "warning",
    "offline": "danger",
    "never": "secondary",
    "error": "danger",
    "unknown": "secondary",
    "hung": "danger",
}


def state_badge(state: str, label: str) -> dbc.Badge:
    return dbc.Badge(
        label, color=STATE_COLOURS.get(state, "secondary"), className="ioc-badge"
    )
