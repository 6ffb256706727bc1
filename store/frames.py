"""The one place where store frames become plain values for display and JSON.

pandas turns a SQL NULL into NaN (numbers), NaT (times) or None (objects) depending
on the column's other values: a column that is NULL in one row and an integer in
another arrives as float NaN. Callbacks and the API read rows through here, so every
missing value is ``None`` and integers are integers again; the formatters in ``i18n``
show ``None`` as a dash.
"""

from __future__ import annotations

import math
from collections import namedtuple
from collections.abc import Iterator
from typing import Any, NamedTuple

import pandas as pd


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, dicts, arrays: present
        return False


def plain(value: object) -> Any:
    """``value`` as a plain Python value: None when missing, numpy scalars unwrapped,
    whole floats of integer columns left as floats (the caller knows its units)."""
    if is_missing(value):
        return None
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, (list, dict, str, bytes)):
        try:
            return item()
        except (TypeError, ValueError):
            return value
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts of plain values (missing -> None)."""
    cols = list(df.columns)
    return [
        {c: plain(v) for c, v in zip(cols, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def rows(df: pd.DataFrame) -> Iterator[NamedTuple]:
    """The rows of ``df`` as named tuples of plain values (missing -> None), for
    ``row.column`` access like ``DataFrame.itertuples``."""
    Row = namedtuple("Row", [str(c) for c in df.columns], rename=True)
    for row in df.itertuples(index=False, name=None):
        yield Row(*(plain(v) for v in row))
