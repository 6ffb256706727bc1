"""The Excel workbook (openpyxl): a summary sheet, then one sheet per domain with
its days (real dates, real numbers) and its notable items (real date-times); bold
headers on a fill, the header row frozen, columns as wide as their contents."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from i18n import t, unit_label
from reports import text
from reports.content import Content, Section

HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="0D6EFD")
DATE = "DD/MM/YYYY"
DATETIME = "DD/MM/YYYY HH:MM"
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def render(content: Content) -> bytes:
    lang = content.spec.lang
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(t("reports.summary", lang))
    _summary(ws, content)
    for s in content.sections:
        _domain_sheet(wb.create_sheet(sheet_name(t(f"nav.{s.domain}", lang))), s, lang)
    wb.properties.title = (
        f"{t('reports.pdf.title', lang)} {text.period_label(content.period, lang)}"
    )
    wb.properties.creator = "IOC"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_name(name: str) -> str:
    return name.translate(_BAD_SHEET_CHARS)[:31]


def header(ws: Worksheet, row: int, col: int, names: list[str]) -> None:
    for i, name in enumerate(names):
        cell = ws.cell(row=row, column=col + i, value=name)
        cell.font = HEAD_FONT
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=False)


def _summary(ws: Worksheet, c: Content) -> None:
    lang = c.spec.lang
    keys = (
        "reports.col.domain",
        "reports.col.kpi",
        "reports.col.unit",
        "reports.col.value",
        "reports.col.previous",
        "reports.col.target",
        "reports.col.status",
        "reports.col.alerts",
        "reports.col.sources",
        "reports.col.from",
        "reports.col.to",
    )
    header(ws, 1, 1, [t(k, lang) for k in keys])
    for r, s in enumerate(c.sections, start=2):
        p = s.provider
        ws.cell(r, 1, t(f"nav.{s.domain}", lang))
        if p is not None:
            ws.cell(r, 2, text.kpi_name(p, lang))
            ws.cell(r, 3, unit_label(p.unit, lang))
            fmt = "#,##0" if p.decimals == 0 else "#,##0." + "0" * p.decimals
            for col, v in ((4, s.value), (5, s.previous), (6, p.target)):
                cell = ws.cell(r, col, None if v is None else round(float(v), 6))
                cell.number_format = fmt
        else:
            ws.cell(r, 2, t("reports.not_connected", lang))
        ws.cell(r, 7, text.status(s.status, lang))
        ws.cell(r, 8, len(s.alerts))
        ws.cell(r, 9, s.sources)
        ws.cell(r, 10, c.period.first).number_format = DATE
        ws.cell(r, 11, c.period.last).number_format = DATE
    ws.freeze_panes = "A2"
    fit(ws)


def _domain_sheet(ws: Worksheet, s: Section, lang: str) -> None:
    p = s.provider
    unit = unit_label(p.unit, lang) if p else ""
    value_head = (
        f"{text.kpi_name(p, lang)} ({unit})" if p else t("reports.col.value", lang)
    )
    header(
        ws,
        1,
        1,
        [t("reports.col.day", lang), value_head, t("reports.col.target", lang)],
    )
    fmt = "#,##0.0" if p is None or p.decimals else "#,##0"
    for r, row in enumerate(s.trend.itertuples(), start=2):
        ws.cell(r, 1, text.local(int(row.ts)).date()).number_format = DATE
        ws.cell(r, 2, float(row.value)).number_format = fmt
        if p is not None:
            ws.cell(r, 3, float(p.target)).number_format = fmt
    heads = [
        t(k, lang)
        for k in (
            "reports.col.raised",
            "reports.col.severity",
            "reports.col.subject",
            "reports.col.area",
            "reports.col.metric",
            "reports.col.value",
            "reports.col.limit",
            "reports.col.state",
        )
    ]
    header(ws, 1, 5, heads)
    names = text.area_names(lang)
    for r, a in enumerate(s.alerts.itertuples(), start=2):
        raised: datetime = text.local(int(a.raised_ms))
        ws.cell(r, 5, raised).number_format = DATETIME
        ws.cell(r, 6, t(f"alerts.sev.{a.severity}", lang))
        ws.cell(r, 7, a.subject if lang == "vi" else (a.subject_en or a.subject))
        ws.cell(r, 8, names.get(a.area, a.area or ""))
        ws.cell(r, 9, text.metric_label(a.metric, lang) if a.metric else "")
        for col, v in ((10, a.value), (11, a.limit)):
            if v is not None and v == v:
                ws.cell(r, col, float(v)).number_format = "#,##0.0"
        ws.cell(r, 12, t(f"alerts.state.{a.state}", lang))
    ws.freeze_panes = "A2"
    fit(ws)


def fit(ws: Worksheet) -> None:
    """Columns as wide as their longest shown value (dates and numbers by their
    format), within 8 to 60 characters."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            if isinstance(cell.value, datetime):
                n = 16
            elif hasattr(cell.value, "year"):
                n = 10
            elif isinstance(cell.value, float | int):
                n = len(f"{cell.value:,.1f}")
            else:
                n = len(str(cell.value))
            widths[cell.column] = max(widths.get(cell.column, 0), n)
    for col, n in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(8, min(60, n + 2))
