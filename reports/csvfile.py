"""The CSV of a report: one table in long form (a row per KPI, per day and per
notable item), UTF-8 with a byte-order mark so that Excel reads Vietnamese right;
numbers with a '.' and ISO dates, so that any program reads them the same."""

from __future__ import annotations

import csv
import io

from i18n import metric_label, t, unit_label
from reports import text
from reports.content import Content

COLUMNS = (
    "reports.col.domain",
    "reports.col.section",
    "reports.col.time",
    "reports.col.kpi",
    "reports.col.value",
    "reports.col.unit",
    "reports.col.target",
    "reports.col.detail",
)


def render(content: Content) -> bytes:
    lang = content.spec.lang
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([t(k, lang) for k in COLUMNS])
    first = content.period.first.isoformat()
    for s in content.sections:
        domain = t(f"nav.{s.domain}", lang)
        p = s.provider
        if p is None:
            w.writerow(
                [
                    domain,
                    t("reports.sec.kpi", lang),
                    first,
                    "",
                    "",
                    "",
                    "",
                    t("reports.not_connected", lang),
                ]
            )
        else:
            name, unit = text.kpi_name(p, lang), unit_label(p.unit, lang)
            w.writerow(
                [
                    domain,
                    t("reports.sec.kpi", lang),
                    first,
                    name,
                    _num(s.value),
                    unit,
                    _num(p.target),
                    text.status(s.status, lang),
                ]
            )
            w.writerow(
                [
                    domain,
                    t("reports.sec.previous", lang),
                    content.previous.first.isoformat(),
                    name,
                    _num(s.previous),
                    unit,
                    _num(p.target),
                    "",
                ]
            )
            for row in s.trend.itertuples():
                w.writerow(
                    [
                        domain,
                        t("reports.sec.day", lang),
                        text.local(int(row.ts)).date().isoformat(),
                        name,
                        _num(row.value),
                        unit,
                        _num(p.target),
                        "",
                    ]
                )
        names = text.area_names(lang)
        for a in s.alerts.itertuples():
            subject = a.subject if lang == "vi" else (a.subject_en or a.subject)
            w.writerow(
                [
                    domain,
                    t("reports.sec.alert", lang),
                    text.local(int(a.raised_ms)).isoformat(sep=" ", timespec="minutes"),
                    metric_label(a.metric, lang) if a.metric else "",
                    _num(a.value),
                    "",
                    _num(a.limit),
                    " · ".join(
                        (
                            t(f"alerts.sev.{a.severity}", lang),
                            subject,
                            names.get(a.area, a.area or ""),
                            t(f"alerts.state.{a.state}", lang),
                        )
                    ),
                ]
            )
    return buf.getvalue().encode("utf-8-sig")


def _num(v: object) -> str:
    if v is None or v != v:  # None, NaN
        return ""
    return f"{round(float(v), 4):f}".rstrip("0").rstrip(".")
