"""The "download what I filtered" links of a table page: CSV and Excel, pointing at
/api/v1/exports/<table>.<fmt> with the page's current filters (the route applies the
same filters and the reader's scope, and audits the download)."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from i18n import t

FORMATS = ("csv", "xlsx")


def export_href(table: str, fmt: str, filters: dict, lang: str) -> str:
    query = {k: v for k, v in filters.items() if isinstance(v, str) and v}
    query["lang"] = lang
    return f"/api/v1/exports/{table}.{fmt}?{urlencode(query)}"


def export_links(ids: dict[str, str], table: str, filters: dict, lang: str) -> html.Div:
    """``ids``: the page's id of each format's link (its callback keeps the hrefs
    in step with the filters)."""
    return html.Div(
        [
            html.A(
                [html.I(className="bi bi-download me-1"), t(f"export.{fmt}", lang)],
                id=ids[fmt],
                href=export_href(table, fmt, filters, lang),
                download="",
                title=t("export.hint", lang),
                className="btn btn-outline-secondary btn-sm ioc-touch",
            )
            for fmt in FORMATS
        ],
        className="d-flex gap-2 ms-auto",
    )
