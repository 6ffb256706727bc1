"""KPI providers and the overview's tiles without a store: a tile shows what its KPI
says (unit, decimals, target, direction, period), whatever the metric is called."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from components.kpi_tile import period_text, tile_texts
from i18n import T
from store import kpis


@dataclass(frozen=True)
class MonthlyFigure(kpis.KpiProvider):
    """A figure entered once a month (a stand-in for an economic indicator's source):
    the latest month's value, the months before as its trend."""

    months: tuple[tuple[int, float], ...] = ()

    def measure(self, engine, at_ms, with_trend):  # noqa: ANN001, ANN201
        seen = [(ts, v) for ts, v in self.months if ts <= at_ms]
        trend = pd.DataFrame(seen if with_trend else [], columns=kpis.TREND_COLUMNS)
        return kpis.Measure(seen[-1][1] if seen else None, len(seen[-1:]), trend)


def _monthly(**kw) -> MonthlyFigure:  # noqa: ANN003
    return MonthlyFigure(
        domain="economy",
        metric="grdp_growth",
        unit="%",
        decimals=1,
        target=8.5,
        better="higher",
        period="month",
        **kw,
    )


def test_a_monthly_figure_fits_a_provider_and_its_tile():
    provider = _monthly(months=((1, 8.1), (2, 8.74)))
    out = kpis.domain_kpis(None, at_ms=10, providers={"economy": provider})
    k = out["economy"]
    assert (k.value, k.period, k.sources, len(k.trend)) == (8.74, "month", 1, 2)
    assert k.status == "good"
    assert tile_texts(k, "vi") == ("8,7 %", "Mục tiêu ≥ 8,5 % · Đạt mục tiêu", "good")
    assert tile_texts(k, "en") == ("8.7 %", "Target ≥ 8.5 % · Target met", "good")
    assert period_text(k, "vi") == "Tháng gần nhất"
    # Every other domain of the catalogue: no provider given, so no KPI.
    assert [d for d, v in out.items() if v is None] == [
        d for d in kpis.DOMAINS if d != "economy"
    ]


def test_a_month_not_entered_yet_is_no_fresh_data():
    k = _monthly().kpi(None, at_ms=10)
    assert (k.value, k.status) == (None, "nodata")
    assert tile_texts(k, "en") == ("–", "Target ≥ 8.5 % · No fresh data", "nodata")


def test_todays_tiles_read_unit_and_decimals_from_their_kpi():
    env = kpis.PROVIDERS["environment"]
    k = kpis.Kpi(
        domain="environment",
        metric="pm25",
        value=41.26,
        unit=env.unit,
        decimals=env.decimals,
        target=50.0,
        better="lower",
        period=env.period,
        status="good",
    )
    assert tile_texts(k, "vi") == (
        "41,3 µg/m³",
        "Mục tiêu ≤ 50 µg/m³ · Đạt mục tiêu",
        "good",
    )
    citizens = kpis.PROVIDERS["citizens"]
    c = kpis.Kpi(
        domain="citizens",
        metric="reports_closed",
        value=75.0,
        unit=citizens.unit,
        decimals=citizens.decimals,
        target=citizens.target,
        better=citizens.better,
        period=citizens.period,
        status="warn",
    )
    assert tile_texts(c, "en")[:2] == ("75 %", "Target ≥ 80 % · Target not met")
    assert period_text(c, "en") == "Last 7 days"


def test_a_domain_without_a_provider_says_not_connected():
    assert set(kpis.PROVIDERS) == {"environment", "living", "mobility", "citizens"}
    assert tile_texts(None, "vi") == ("–", "Chưa kết nối nguồn dữ liệu", "nodata")
    assert period_text(None, "vi") == ""


def test_the_registry_takes_one_provider_per_known_domain():
    with pytest.raises(ValueError, match="already"):
        kpis.register(MonthlyFigure(**{**_fields(), "domain": "living"}))
    with pytest.raises(ValueError, match="no domain"):
        kpis.register(MonthlyFigure(**{**_fields(), "domain": "weather"}))
    with pytest.raises(ValueError, match="period"):
        MonthlyFigure(**{**_fields(), "period": "fortnight"})
    with pytest.raises(ValueError, match="better"):
        MonthlyFigure(**{**_fields(), "better": "more"})
    assert "economy" not in kpis.PROVIDERS


def _fields() -> dict:
    p = _monthly()
    return {
        "domain": p.domain,
        "metric": p.metric,
        "unit": p.unit,
        "decimals": p.decimals,
        "target": p.target,
        "better": p.better,
        "period": p.period,
    }


def test_every_period_has_its_words():
    assert [p for p in kpis.PERIODS if f"kpi.period_{p}" not in T] == []


def _pm25(value: float) -> kpis.Kpi:
    return kpis.Kpi(
        domain="environment",
        metric="pm25",
        value=value,
        unit="µg/m3",
        decimals=1,
        target=50.0,
        better="lower",
        period="now",
        status=kpis.status_of(value, 50.0, "lower"),
    )


def test_a_value_over_its_target_says_plainly_the_target_is_not_met():
    assert tile_texts(_pm25(55.0), "vi")[1:] == (
        "Mục tiêu ≤ 50 µg/m³ · Chưa đạt mục tiêu",
        "warn",
    )
    assert tile_texts(_pm25(55.0), "en")[1] == "Target ≤ 50 µg/m³ · Target not met"
    assert tile_texts(_pm25(70.0), "en")[1].endswith("Target not met (off by over 20%)")
    assert "Cần chú ý" not in str(tile_texts(_pm25(55.0), "vi"))


def test_a_tile_does_not_flip_colour_at_every_tick_near_its_target():
    """A value hovering at the target: once over it, the tile stays 'not met' until
    the value is 5 % of the target back inside; getting worse shows at once."""
    shown = None
    seen = []
    for value in (49.0, 50.4, 49.6, 50.2, 49.2, 48.0, 47.4):
        _v, _t, shown = tile_texts(_pm25(value), "vi", shown)
        seen.append(shown)
    assert seen == ["good", "warn", "warn", "warn", "warn", "warn", "good"]
    assert kpis.steady_status(61.0, 50.0, "lower", "good") == "bad"  # worse at once
    assert kpis.steady_status(59.0, 50.0, "lower", "bad") == "bad"  # 60 - 2.5
    assert kpis.steady_status(57.0, 50.0, "lower", "bad") == "warn"
    # Higher is better: the band lies on the other side.
    assert kpis.steady_status(25.5, 25.0, "higher", "warn") == "warn"
    assert kpis.steady_status(26.5, 25.0, "higher", "warn") == "good"
