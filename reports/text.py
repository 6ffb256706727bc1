"""Words and numbers as a report shows them (the translation table, Vietnamese
conventions), shared by the PDF, the workbook and the CSV."""

from __future__ import annotations

from datetime import date, datetime

from i18n import TZ, fmt_number, metric_label, t, unit_label  # noqa: F401 - re-exported
from reports.periods import Period
from store.kpis import KpiProvider

_ROMAN = ("I", "II", "III", "IV")


def day(d: date, lang: str) -> str:
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.strftime("%d %b %Y")


def period_label(p: Period, lang: str) -> str:
    if p.kind == "day":
        return t("reports.label.day", lang, day=day(p.first, lang))
    if p.kind == "month":
        return t("reports.label.month", lang, m=p.first.month, y=p.first.year)
    if p.kind == "quarter":
        q = (p.first.month - 1) // 3
        return t("reports.label.quarter", lang, q=_ROMAN[q], n=q + 1, y=p.first.year)
    return t(f"reports.label.{p.kind}", lang, a=day(p.first, lang), b=day(p.last, lang))


def figure(value: float | None, provider: KpiProvider, lang: str) -> str:
    """A KPI value as the overview tile shows it: number and unit."""
    if value is None:
        return t("reports.no_data", lang)
    unit = unit_label(provider.unit, lang)
    return f"{fmt_number(value, lang, provider.decimals)} {unit}".strip()


def kpi_name(provider: KpiProvider, lang: str) -> str:
    key = f"reports.kpi.{provider.metric}"
    return t(key, lang) if _has(key) else metric_label(provider.metric, lang)


def status(name: str, lang: str) -> str:
    return t(f"reports.status.{name}", lang)


def local(ms: int) -> datetime:
    """Vietnam wall-clock time without a zone (what a spreadsheet cell holds)."""
    return datetime.fromtimestamp(ms / 1000, TZ).replace(tzinfo=None)


def _has(key: str) -> bool:
    from i18n import T

    return key in T


def area_names(lang: str) -> dict[str, str]:
    """Every area of the profile by code, named in ``lang``."""
    import province

    return {
        a.code: a.name if lang == "vi" else a.name_en
        for a in province.current().areas.values()
    }
