"""The translation table and the Vietnamese/English formatting helpers.

The table is merged from one module per area in ``i18n/tables`` (each defines ``T``);
a key defined twice, in one module or in two, stops the import (tests/unit/test_i18n.py
also reads the modules' source, since a dict literal keeps only the last of a repeated
key). A new page adds its own table module and lists it in ``AREAS``.

Vietnamese is the default. Numbers and dates follow each language's conventions
(vi: 1.234,5 · 25/11/2026 14:05; en: 1,234.5 · 25 Nov 2026 14:05); times are shown in
Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LANG_COOKIE = "ioc_lang"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# The table modules in i18n/tables, merged in this order.
AREAS = (
    "shell",
    "common",
    "overview",
    "sensors",
    "environment",
    "alerts",
    "data_sources",
    "accounts",
    "admin",
    "reports",
    "exports",
)


def _merge(areas: tuple[str, ...]) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    owner: dict[str, str] = {}
    for area in areas:
        for key, texts in import_module(f"i18n.tables.{area}").T.items():
            if key in merged:
                raise ImportError(
                    f"translation key {key!r} is defined in i18n/tables/{owner[key]}.py"
                    f" and again in i18n/tables/{area}.py"
                )
            merged[key] = texts
            owner[key] = area
    return merged


T: dict[str, dict[str, str]] = _merge(AREAS)


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The text of ``key`` in ``lang``; a missing key raises (tests keep the table
    whole)."""
    text = T[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**fmt) if fmt else text


# How units look on screen; the store keeps SenML unit names.
UNIT_DISPLAY = {"Cel": "°C", "µg/m3": "µg/m³", "%RH": "%"}


def metric_label(metric: str, lang: str = DEFAULT_LANG) -> str:
    key = f"metric.{metric}"
    return t(key, lang) if key in T else metric


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    key = f"unit.{unit}"
    return t(key, lang) if key in T else UNIT_DISPLAY.get(unit, unit)


def _missing(value: object) -> bool:
    """None, NaN, an infinity, NaT or pandas' NA: shown as a dash, never an error
    (pandas turns a NULL into any of these, by the column's other values)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # NaN, inf; NaT and NA raise
    except (TypeError, ValueError):
        if type(value).__name__ in {"NaTType", "NAType"}:
            return True
        return bool(value != value)


def fmt_number(
    value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 1
) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None/NaN/NaT/NA -> '–'."""
    if _missing(value):
        return "–"
    s = f"{value:,.{decimals}f}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


# Units of things counted: shown without decimals ("271 chỗ", not "271,0 chỗ").
WHOLE_UNITS = frozenset({"count", "veh/min"})


def fmt_measure(
    value: float | int | None, unit: str, lang: str = DEFAULT_LANG, decimals: int = 1
) -> str:
    """A value with its unit beside it ('228,0 µg/m³', '271 chỗ'); counts are whole;
    '–' without a value."""
    if _missing(value):
        return "–"
    digits = 0 if unit in WHOLE_UNITS else decimals
    label = unit_label(unit, lang) if unit else ""
    number = fmt_number(value, lang, digits)
    return f"{number} {label}" if label else number


def to_local(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(TZ)


def fmt_datetime(
    ms: int | None, lang: str = DEFAULT_LANG, seconds: bool = False
) -> str:
    """Epoch ms -> '25/11/2026 14:05' (vi) or '25 Nov 2026 14:05' (en), Vietnam time;
    None/NaN/NaT/NA -> '–'."""
    if _missing(ms):
        return "–"
    dt = to_local(int(ms))
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if lang == "vi":
        return dt.strftime(f"%d/%m/%Y {clock}")
    return dt.strftime(f"%d %b %Y {clock}")


def fmt_age(seconds: float | None, lang: str = DEFAULT_LANG) -> str:
    """How long ago, briefly: '12 giây' / '12 s', '5 phút' / '5 min', '3 giờ' / '3
    h'."""
    if _missing(seconds):
        return "–"
    units = {"vi": ("giây", "phút", "giờ", "ngày"), "en": ("s", "min", "h", "d")}[
        lang if lang in LANGS else DEFAULT_LANG
    ]
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} {units[0]}"
    if s < 3600:
        return f"{s // 60} {units[1]}"
    if s < 86400:
        return f"{s // 3600} {units[2]}"
    return f"{s // 86400} {units[3]}"
