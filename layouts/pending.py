"""Pages whose data sources are not connected yet: final titles and URLs, an honest
panel
and no figures. Each moves to a module of its own when its issue connects it."""

from __future__ import annotations

from functools import partial

import dash
import dash_bootstrap_components as dbc
from dash import html

from i18n import t
from layouts._shell import current_lang

# key, path, order, group, icon
PENDING = (
    ("economy", "/kinh-te", 10, "domains", "bi-graph-up-arrow"),
    ("citizens", "/cu-dan", 11, "domains", "bi-people"),
    ("governance", "/quan-tri", 12, "domains", "bi-bank"),
    ("mobility", "/dich-chuyen", 13, "domains", "bi-signpost-split"),
    ("living", "/cuoc-song", 15, "domains", "bi-house-heart"),
    ("cameras", "/camera", 20, "watch", "bi-camera-video"),
    ("documents", "/van-ban", 30, "operate", "bi-file-earmark-text"),
    ("feedback", "/y-kien", 32, "operate", "bi-chat-left-text"),
    ("services", "/hanh-chinh-cong", 33, "operate", "bi-person-vcard"),
    ("cyber", "/an-ninh-mang", 34, "operate", "bi-shield-lock"),
    ("directives", "/chi-dao", 35, "operate", "bi-send"),
    ("meetings", "/lich-hop", 36, "operate", "bi-calendar-week"),
    ("reports", "/bao-cao", 37, "operate", "bi-file-earmark-bar-graph"),
)


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


for _key, _path, _order, _group, _icon in PENDING:
    dash.register_page(
        f"pending.{_key}",
        path=_path,
        name=f"nav.{_key}",
        title=_key,
        order=_order,
        group=_group,
        icon=_icon,
        layout=partial(pending_layout, _key),
    )
