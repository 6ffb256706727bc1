"""A data table of the app as a file: CSV (UTF-8 with a byte-order mark, so that
Excel reads Vietnamese right) or an Excel workbook (real numbers and dates, a bold
frozen header, columns sized to fit). What the table holds is the caller's: the rows
a page shows under its filters (usecases.exports builds them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from i18n import to_local
from reports import xlsx

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 20_000  # the bound on rows one export writes
MAX_CELL = 32_000  # Excel refuses a cell over 32,767 characters


@dataclass(frozen=True)
class Column:
    title: str  # already translated
    kind: str = "text"  # text, number or time (epoch ms, shown in Vietnam time)


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name and the file's stem (ASCII, from the server)
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[object]]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _cell(value: object, col: Column) -> object:
    """A value as the file keeps it: a local datetime for times (naive, as Excel
    wants), a float for numbers, text for the rest; None for a missing value."""
    if _missing(value):
        return None
    if col.kind == "time":
        return to_local(int(value)).replace(tzinfo=None)
    if col.kind == "number":
        return float(value)
    text = str(value)
    # A leading =, +, - or @ would be a formula in Excel (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text[:MAX_CELL]


def _rows(table: Table) -> list[list[object]]:
    return [
        [_cell(v, c) for v, c in zip(row, table.columns, strict=True)]
        for row in list(table.rows)[:MAX_ROWS]
    ]


def to_csv(table: Table) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([c.title for c in table.columns])
    for row in _rows(table):
        w.writerow(
            [
                ""
                if v is None
                else v.isoformat(sep=" ")
                if isinstance(v, datetime)
                else v
                for v in row
            ]
        )
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    """One sheet with the report workbook's header style and column fitting."""
    wb = Workbook()
    ws = wb.active
    ws.title = xlsx.sheet_name(table.name)
    xlsx.header(ws, 1, 1, [c.title for c in table.columns])
    for row in _rows(table):
        ws.append(row)
    for i, col in enumerate(table.columns, start=1):
        if col.kind == "time":
            for cell in ws[get_column_letter(i)][1:]:
                cell.number_format = "dd/mm/yyyy hh:mm"
    xlsx.fit(ws)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render(table: Table, fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
