"""Pages whose data sources are not connected yet (``connected=False`` in the
catalogue): final titles and URLs, an honest panel and no figures. Each moves to a
module of its own when its issue connects it."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import html

import catalogue
from i18n import t
from layouts._shell import current_lang


def pending_layout(key: str, **_kwargs: object) -> html.Div:
    lang = current_lang()
    return html.Div(
        [
            html.H1(t(f"nav.{key}", lang), className="h3 mb-3"),
            dbc.Alert(
                [
                    html.H2(
                        [html.I(className="bi bi-plug me-2"), t("pending.title", lang)],
                        className="h5",
                    ),
                    html.P(t("pending.body", lang), className="mb-0"),
                ],
                color="secondary",
                className="ioc-pending",
            ),
        ]
    )


for _page in catalogue.pending_pages():
    dash.register_page(
        f"pending.{_page.key}",
        title=_page.key,
        layout=partial(pending_layout, _page.key),
        **_page.register_kwargs(),
    )
