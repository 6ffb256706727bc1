"""The PDF briefing (fpdf2): a cover with the province and period, a summary of
every chosen domain's KPI against its target and the period before, then per
domain its chart and its notable items; page numbers on every page. Text is set in
DejaVu Sans from the matplotlib package (reports.fonts), embedded as a subset, so
Vietnamese reads exactly on any machine."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from i18n import fmt_datetime, fmt_number, t
from reports import charts, fonts, text
from reports.content import Content, Section

FONT = "DejaVu"
_STATUS_RGB = {
    "good": (25, 135, 84),
    "warn": (255, 193, 7),
    "bad": (220, 53, 69),
    "nodata": (108, 117, 125),
}


def _nfc(s: object) -> str:
    # Composed forms: the font has a glyph for every precomposed Vietnamese letter.
    return unicodedata.normalize("NFC", "" if s is None else str(s))


class _Pdf(FPDF):
    def __init__(self, lang: str, title: str) -> None:
        super().__init__(format="A4")
        self.lang = lang
        self.title_text = title
        self.add_font(FONT, "", str(fonts.ttf()))
        self.add_font(FONT, "B", str(fonts.ttf(bold=True)))
        self.set_auto_page_break(True, margin=18)
        self.set_margins(16, 16, 16)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        self.set_text_color(108, 117, 125)
        self.cell(0, 6, _nfc(self.title_text), align="L")
        self.set_x(self.l_margin)
        page = t("reports.page", self.lang, n=self.page_no(), total="{nb}")
        self.cell(0, 6, _nfc(page), align="R")
        self.set_text_color(0, 0, 0)

    def line_text(self, s: str, size: float = 10, bold: bool = False, h: float = 6):
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, h, _nfc(s), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render(content: Content, step: Callable[[int], bool] = lambda _p: True) -> bytes:
    """The PDF of ``content``; ``step(progress)`` after each domain (62-85)."""
    lang = content.spec.lang
    period = text.period_label(content.period, lang)
    title = t("reports.pdf.title", lang)
    pdf = _Pdf(lang, f"{title} · {period}")
    pdf.set_title(_nfc(f"{title} {period}"))
    pdf.set_author(_nfc(content.province))
    pdf.set_creator("IOC")
    _cover(pdf, content, title, period)
    _summary(pdf, content)
    for i, section in enumerate(content.sections):
        _section(pdf, content, section)
        step(62 + 23 * (i + 1) // max(1, len(content.sections)))
    return bytes(pdf.output())


def _cover(pdf: _Pdf, c: Content, title: str, period: str) -> None:
    lang = c.spec.lang
    pdf.add_page()
    pdf.ln(40)
    pdf.set_text_color(13, 110, 253)
    pdf.line_text(c.province if lang == "vi" else c.province_en, 16, True, 9)
    pdf.set_text_color(0, 0, 0)
    pdf.line_text(t("reports.pdf.centre", lang), 12, False, 8)
    pdf.ln(16)
    pdf.line_text(title, 26, True, 13)
    pdf.line_text(period, 16, False, 9)
    pdf.ln(10)
    domains = ", ".join(t(f"nav.{d}", lang) for d in c.spec.domains)
    areas = ", ".join(vi if lang == "vi" else en for vi, en in c.area_names) or t(
        "reports.whole_province", lang
    )
    for label, value in (
        ("reports.domains", domains),
        ("reports.areas", areas),
        ("reports.compared_with", text.period_label(c.previous, lang)),
        ("reports.made", fmt_datetime(c.made_ms, lang)),
        ("reports.made_by", c.made_by),
    ):
        pdf.set_font(FONT, "B", 10)
        pdf.cell(45, 7, _nfc(t(label, lang)))
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 7, _nfc(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _summary(pdf: _Pdf, c: Content) -> None:
    lang = c.spec.lang
    pdf.add_page()
    pdf.line_text(t("reports.summary", lang), 16, True, 10)
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    heads = [
        t(k, lang)
        for k in (
            "reports.col.domain",
            "reports.col.kpi",
            "reports.col.value",
            "reports.col.previous",
            "reports.col.target",
            "reports.col.status",
            "reports.col.alerts",
        )
    ]
    with pdf.table(
        col_widths=(24, 40, 24, 24, 22, 24, 18),
        text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT", "RIGHT"),
        line_height=6,
        first_row_as_headings=True,
    ) as table:
        row = table.row()
        for h in heads:
            row.cell(_nfc(h))
        for s in c.sections:
            row = table.row()
            row.cell(_nfc(t(f"nav.{s.domain}", lang)))
            p = s.provider
            if p is None:
                row.cell(_nfc(t("reports.not_connected", lang)), colspan=5)
            else:
                row.cell(_nfc(text.kpi_name(p, lang)))
                row.cell(_nfc(text.figure(s.value, p, lang)))
                row.cell(_nfc(text.figure(s.previous, p, lang)))
                goal = "≤" if p.better == "lower" else "≥"
                row.cell(_nfc(f"{goal} {text.figure(p.target, p, lang)}"))
                row.cell(_nfc(text.status(s.status, lang)))
            count = len(s.alerts)
            row.cell(f"{count}+" if s.alerts_more else str(count))


def _section(pdf: _Pdf, c: Content, s: Section) -> None:
    lang = c.spec.lang
    pdf.add_page()
    r, g, b = _STATUS_RGB[s.status]
    pdf.set_fill_color(r, g, b)
    pdf.rect(pdf.l_margin, pdf.get_y() + 1, 3, 8, style="F")
    pdf.set_x(pdf.l_margin + 5)
    pdf.line_text(t(f"nav.{s.domain}", lang), 16, True, 10)
    pdf.ln(1)
    p = s.provider
    if p is None:
        pdf.line_text(t("reports.not_connected_long", lang), 10)
    else:
        pdf.line_text(
            t(
                "reports.kpi_line",
                lang,
                kpi=text.kpi_name(p, lang),
                value=text.figure(s.value, p, lang),
                target=text.figure(p.target, p, lang),
                goal=t(f"reports.goal.{p.better}", lang),
                status=text.status(s.status, lang),
            ),
            10,
        )
        pdf.line_text(
            t(
                "reports.previous_line",
                lang,
                value=text.figure(s.previous, p, lang),
                change=_change(s, lang),
                sources=s.sources,
            ),
            10,
        )
        png = charts.trend_png(s.trend, p, lang)
        if png is not None:
            pdf.ln(2)
            pdf.image(io.BytesIO(png), w=pdf.epw)
        else:
            pdf.line_text(t("reports.no_series", lang), 9)
    pdf.ln(3)
    pdf.line_text(t("reports.notable", lang), 12, True, 8)
    if s.alerts.empty:
        pdf.line_text(t("reports.no_alerts", lang), 9)
        return
    pdf.set_font(FONT, "", 8)
    with pdf.table(
        col_widths=(28, 24, 54, 30, 24, 18),
        text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
        line_height=5,
    ) as table:
        row = table.row()
        for k in (
            "reports.col.raised",
            "reports.col.severity",
            "reports.col.subject",
            "reports.col.area",
            "reports.col.value_limit",
            "reports.col.state",
        ):
            row.cell(_nfc(t(k, lang)))
        names = text.area_names(lang)
        for a in s.alerts.itertuples():
            row = table.row()
            row.cell(_nfc(fmt_datetime(int(a.raised_ms), lang)))
            row.cell(_nfc(t(f"alerts.sev.{a.severity}", lang)))
            row.cell(_nfc(a.subject if lang == "vi" else (a.subject_en or a.subject)))
            row.cell(_nfc(names.get(a.area, a.area or "–")))
            row.cell(_nfc(f"{fmt_number(a.value, lang)} / {fmt_number(a.limit, lang)}"))
            row.cell(_nfc(t(f"alerts.state.{a.state}", lang)))
    if s.alerts_more:
        pdf.line_text(t("reports.more_alerts", lang, n=len(s.alerts)), 8)


def _change(s: Section, lang: str) -> str:
    if s.value is None or s.previous is None or s.provider is None:
        return "–"
    d = s.value - s.previous
    sign = "+" if d > 0 else ""
    return f"{sign}{fmt_number(d, lang, s.provider.decimals)}"
