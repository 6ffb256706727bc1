"""The catalogue of metric types the store accepts: canonical unit, SenML unit aliases
and the physically plausible range. A value outside the range is a faulty device, not a
reading.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    unit: str
    low: float
    high: float
    # Units (SenML / RFC 8428 registry names and common spellings) accepted for this
    # metric.
    aliases: tuple[str, ...] = ()

    def accepts_unit(self, unit: str | None) -> bool:
        return unit is None or unit == self.unit or unit in self.aliases


_M = Metric
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        # Air quality, µg/m³ as VN_AQI (QĐ 1459/QĐ-TCMT) uses for every pollutant.
        _M("pm25", "µg/m3", 0, 2000, ("ug/m3",)),
        _M("pm10", "µg/m3", 0, 3000, ("ug/m3",)),
        _M("no2", "µg/m3", 0, 5000, ("ug/m3",)),
        _M("so2", "µg/m3", 0, 5000, ("ug/m3",)),
        _M("co", "µg/m3", 0, 200000, ("ug/m3",)),
        _M("o3", "µg/m3", 0, 2000, ("ug/m3",)),
        # Rivers: level above the gauge datum, quality.
        _M("water_level", "m", -10, 30),
        _M("ph", "pH", 0, 14),
        _M("do", "mg/L", 0, 30, ("mg/l",)),
        _M("turbidity", "NTU", 0, 4000),
        _M("water_temp", "Cel", -5, 50, ("°C",)),
        # Noise, A-weighted equivalent level.
        _M("laeq", "dBA", 0, 150, ("dB",)),
        # Weather.
        _M("temperature", "Cel", -30, 60, ("°C",)),
        _M("humidity", "%RH", 0, 100),
        _M("rainfall", "mm", 0, 500),
        _M("wind_speed", "m/s", 0, 100),
        _M("pressure", "hPa", 800, 1100),
        # Traffic counters: vehicles per minute through the junction, mean speed.
        _M("vehicle_count", "veh/min", 0, 2000),
        _M("avg_speed", "km/h", 0, 200),
        # Smart street lights.
        _M("power", "W", 0, 1_000_000),
        _M("energy", "kWh", 0, 1_000_000_000),
        # Parking.
        _M("occupancy", "%", 0, 100),
        _M("free_spaces", "count", 0, 100_000),
        # Electrical quantities (SenML examples of RFC 8428 §5 use these).
        _M("voltage", "V", 0, 1_000_000),
        _M("current", "A", -100_000, 100_000),
    )
}

# When a SenML record's name is the bare device name, its unit says what it measured.
METRIC_BY_UNIT: dict[str, str] = {
    "Cel": "temperature",
    "%RH": "humidity",
    "V": "voltage",
    "A": "current",
    "W": "power",
    "dBA": "laeq",
    "hPa": "pressure",
    "m/s": "wind_speed",
    "NTU": "turbidity",
    "pH": "ph",
}


def get(name: str) -> Metric | None:
    return METRICS.get(name)
