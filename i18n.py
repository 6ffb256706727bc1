"""The one translation table and the Vietnamese/English formatting helpers.

Vietnamese is the default. Numbers and dates follow each language's conventions
(vi: 1.234,5 · 25/11/2026 14:05; en: 1,234.5 · 25 Nov 2026 14:05); times are shown in
Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"
LANG_COOKIE = "ioc_lang"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

T: dict[str, dict[str, str]] = {
    "app.title": {
        "vi": "Trung tâm Điều hành thông minh",
        "en": "Intelligent Operations Centre",
    },
    "app.province": {"vi": "tỉnh Bắc Ninh", "en": "Bắc Ninh province"},
    "nav.overview": {"vi": "Tổng quan", "en": "Overview"},
    "nav.economy": {"vi": "Kinh tế thông minh", "en": "Smart economy"},
    "nav.citizens": {"vi": "Cư dân thông minh", "en": "Smart citizens"},
    "nav.governance": {"vi": "Quản trị thông minh", "en": "Smart governance"},
    "nav.mobility": {"vi": "Dịch chuyển thông minh", "en": "Smart mobility"},
    "nav.environment": {"vi": "Môi trường thông minh", "en": "Smart environment"},
    "nav.living": {"vi": "Cuộc sống thông minh", "en": "Smart living"},
    "nav.cameras": {"vi": "Camera", "en": "Cameras"},
    "nav.sensors": {"vi": "Cảm biến", "en": "Sensors"},
    "nav.alerts": {"vi": "Cảnh báo", "en": "Alerts"},
    "nav.documents": {"vi": "Văn bản", "en": "Documents"},
    "nav.press": {"vi": "Báo chí & mạng xã hội", "en": "Press & social media"},
    "nav.feedback": {"vi": "Ý kiến người dân", "en": "Citizens' feedback"},
    "nav.services": {"vi": "Hành chính công", "en": "Public services"},
    "nav.cyber": {"vi": "An ninh mạng", "en": "Cyber security"},
    "nav.directives": {"vi": "Chỉ đạo điều hành", "en": "Directives"},
    "nav.meetings": {"vi": "Họp & lịch làm việc", "en": "Meetings & calendar"},
    "nav.reports": {"vi": "Báo cáo", "en": "Reports"},
    "nav.sources": {"vi": "Nguồn dữ liệu", "en": "Data sources"},
    "nav.menu": {"vi": "Danh mục", "en": "Menu"},
    "navgroup.overview": {"vi": "Chung", "en": "General"},
    "navgroup.domains": {"vi": "Lĩnh vực thông minh", "en": "Smart domains"},
    "navgroup.watch": {"vi": "Giám sát", "en": "Monitoring"},
    "navgroup.operate": {"vi": "Điều hành", "en": "Operations"},
    "navgroup.system": {"vi": "Hệ thống", "en": "System"},
    "theme.toggle": {"vi": "Giao diện sáng / tối", "en": "Light / dark theme"},
    "pending.title": {"vi": "Chưa kết nối", "en": "Not yet connected"},
    "pending.body": {
        "vi": "Trang này chưa được kết nối với nguồn dữ liệu. Khi kết nối, "
        "dữ liệu thật sẽ hiển thị tại đây; hiện chưa có số liệu nào được hiển thị.",
        "en": "This page is not yet connected to its data source. Once it is, "
        "real data will show here; no figures are shown until then.",
    },
    "lang.switch": {"vi": "English", "en": "Tiếng Việt"},
    "common.data_as_of": {"vi": "Dữ liệu lúc {when}", "en": "Data as of {when}"},
    "common.no_data": {"vi": "Chưa có dữ liệu", "en": "No data yet"},
    "common.store_down": {
        "vi": "Không đọc được kho dữ liệu: {error}",
        "en": "Cannot read the data store: {error}",
    },
    "kpi.environment": {"vi": "PM2.5 trung bình hiện tại", "en": "Current mean PM2.5"},
    "kpi.living": {"vi": "Độ ồn trung bình hiện tại", "en": "Current mean noise"},
    "kpi.mobility": {
        "vi": "Tốc độ xe trung bình tại nút",
        "en": "Mean speed at junctions",
    },
    "kpi.citizens": {
        "vi": "Phản ánh đã xử lý (7 ngày)",
        "en": "Reports handled (7 days)",
    },
    "kpi.economy": {"vi": "Chỉ tiêu kinh tế", "en": "Economic indicators"},
    "kpi.governance": {
        "vi": "Hồ sơ, văn bản đúng hạn",
        "en": "Files and documents on time",
    },
    "kpi.not_connected": {
        "vi": "Chưa kết nối nguồn dữ liệu",
        "en": "No data source yet",
    },
    "kpi.no_fresh": {"vi": "Không có số liệu mới", "en": "No fresh data"},
    "kpi.target_lower": {"vi": "Mục tiêu ≤ {target}", "en": "Target ≤ {target}"},
    "kpi.target_higher": {"vi": "Mục tiêu ≥ {target}", "en": "Target ≥ {target}"},
    "kpi.sources": {"vi": "{n} nguồn", "en": "{n} sources"},
    "status.good": {"vi": "Đạt", "en": "On target"},
    "status.warn": {"vi": "Cần chú ý", "en": "Watch"},
    "status.bad": {"vi": "Không đạt", "en": "Off target"},
    "status.nodata": {"vi": "Không có số liệu", "en": "No data"},
    "overview.exceed": {
        "vi": "Đang vượt ngưỡng: {n} chỉ số",
        "en": "Over threshold: {n}",
    },
    "overview.no_exceed": {
        "vi": "Không có chỉ số nào vượt ngưỡng",
        "en": "No reading over its threshold",
    },
    "overview.exceed_item": {
        "vi": "{level}: {metric} {value} tại {name}",
        "en": "{level}: {metric} {value} at {name}",
    },
    "level.alarm": {"vi": "Báo động", "en": "Alarm"},
    "level.warn": {"vi": "Cảnh báo", "en": "Warning"},
    "overview.map": {"vi": "Bản đồ tỉnh", "en": "Province map"},
    "overview.system": {
        "vi": "Cảm biến hoạt động: {ok}/{total} · Bản tin lỗi: {dead}",
        "en": "Sensors reporting: {ok}/{total} · Rejected messages: {dead}",
    },
    "map.reports": {"vi": "Phản ánh đang mở", "en": "Open reports"},
    "unit.%": {"vi": "%", "en": "%"},
    "overview.sensors": {"vi": "Cảm biến", "en": "Sensors"},
    "overview.online": {"vi": "Đang hoạt động", "en": "Reporting"},
    "overview.stale": {"vi": "Chậm / mất tín hiệu", "en": "Stale / offline"},
    "overview.dead": {"vi": "Bản tin lỗi", "en": "Rejected messages"},
    "overview.latest": {"vi": "Số đo mới nhất", "en": "Latest readings"},
    "overview.press": {"vi": "Tin báo chí mới", "en": "Latest press"},
    "col.sensor": {"vi": "Cảm biến", "en": "Sensor"},
    "col.kind": {"vi": "Loại", "en": "Kind"},
    "col.area": {"vi": "Khu vực", "en": "Area"},
    "col.metric": {"vi": "Chỉ số", "en": "Metric"},
    "col.value": {"vi": "Giá trị", "en": "Value"},
    "col.time": {"vi": "Thời điểm", "en": "Time"},
    "col.state": {"vi": "Trạng thái", "en": "State"},
    "col.age": {"vi": "Cập nhật cách đây", "en": "Updated"},
    "col.source": {"vi": "Nguồn", "en": "Source"},
    "col.last_ok": {"vi": "Lần tốt gần nhất", "en": "Last success"},
    "col.last_error": {"vi": "Lỗi gần nhất", "en": "Last error"},
    "col.counts": {"vi": "Tốt / lỗi", "en": "OK / errors"},
    "col.reason": {"vi": "Lý do", "en": "Reason"},
    "col.payload": {"vi": "Nội dung", "en": "Payload"},
    "sources.health": {"vi": "Tình trạng các nguồn", "en": "Source health"},
    "sources.dead": {
        "vi": "Bản tin bị từ chối (mới nhất)",
        "en": "Rejected messages (newest)",
    },
    "filter.kind": {"vi": "Loại cảm biến", "en": "Sensor kind"},
    "filter.district": {"vi": "Khu vực", "en": "Area"},
    "filter.state": {"vi": "Trạng thái", "en": "State"},
    "filter.invalid": {
        "vi": "Bỏ qua bộ lọc không hợp lệ: {values}",
        "en": "Ignored invalid filters: {values}",
    },
    "state.ok": {"vi": "Bình thường", "en": "OK"},
    "state.stale": {"vi": "Chậm", "en": "Stale"},
    "state.offline": {"vi": "Mất kết nối", "en": "Offline"},
    "state.never": {"vi": "Chưa có số đo", "en": "Never reported"},
    "state.error": {"vi": "Lỗi", "en": "Error"},
    "state.unknown": {"vi": "Chưa rõ", "en": "Unknown"},
    "metric.pm25": {"vi": "Bụi PM2.5", "en": "PM2.5"},
    "metric.pm10": {"vi": "Bụi PM10", "en": "PM10"},
    "metric.no2": {"vi": "NO₂", "en": "NO₂"},
    "metric.so2": {"vi": "SO₂", "en": "SO₂"},
    "metric.co": {"vi": "CO", "en": "CO"},
    "metric.o3": {"vi": "O₃", "en": "O₃"},
    "metric.water_level": {"vi": "Mực nước", "en": "Water level"},
    "metric.ph": {"vi": "pH", "en": "pH"},
    "metric.do": {"vi": "Oxy hòa tan", "en": "Dissolved oxygen"},
    "metric.turbidity": {"vi": "Độ đục", "en": "Turbidity"},
    "metric.water_temp": {"vi": "Nhiệt độ nước", "en": "Water temperature"},
    "metric.laeq": {"vi": "Độ ồn (LAeq)", "en": "Noise (LAeq)"},
    "metric.temperature": {"vi": "Nhiệt độ", "en": "Temperature"},
    "metric.humidity": {"vi": "Độ ẩm", "en": "Humidity"},
    "metric.rainfall": {"vi": "Lượng mưa", "en": "Rainfall"},
    "metric.wind_speed": {"vi": "Tốc độ gió", "en": "Wind speed"},
    "metric.pressure": {"vi": "Áp suất", "en": "Pressure"},
    "metric.vehicle_count": {"vi": "Lưu lượng xe", "en": "Traffic flow"},
    "metric.avg_speed": {"vi": "Tốc độ trung bình", "en": "Average speed"},
    "metric.power": {"vi": "Công suất", "en": "Power"},
    "metric.energy": {"vi": "Điện năng", "en": "Energy"},
    "metric.occupancy": {"vi": "Tỷ lệ lấp đầy", "en": "Occupancy"},
    "metric.free_spaces": {"vi": "Chỗ trống", "en": "Free spaces"},
    "metric.voltage": {"vi": "Điện áp", "en": "Voltage"},
    "metric.current": {"vi": "Dòng điện", "en": "Current"},
    "unit.veh/min": {"vi": "xe/phút", "en": "veh/min"},
    "unit.count": {"vi": "chỗ", "en": "spaces"},
    "kind.air": {"vi": "Không khí", "en": "Air quality"},
    "kind.water": {"vi": "Sông, nước", "en": "River"},
    "kind.noise": {"vi": "Tiếng ồn", "en": "Noise"},
    "kind.weather": {"vi": "Thời tiết", "en": "Weather"},
    "kind.traffic": {"vi": "Giao thông", "en": "Traffic"},
    "kind.streetlight": {"vi": "Chiếu sáng", "en": "Street lights"},
    "kind.parking": {"vi": "Bãi đỗ xe", "en": "Parking"},
}


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


def fmt_number(
    value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 1
) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None/NaN -> '–'."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    s = f"{value:,.{decimals}f}"
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def to_local(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC).astimezone(TZ)


def fmt_datetime(
    ms: int | None, lang: str = DEFAULT_LANG, seconds: bool = False
) -> str:
    """Epoch ms -> '25/11/2026 14:05' (vi) or '25 Nov 2026 14:05' (en), Vietnam time."""
    if ms is None:
        return "–"
    dt = to_local(int(ms))
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if lang == "vi":
        return dt.strftime(f"%d/%m/%Y {clock}")
    return dt.strftime(f"%d %b %Y {clock}")


def fmt_age(seconds: float | None, lang: str = DEFAULT_LANG) -> str:
    """How long ago, briefly: '12 giây' / '12 s', '5 phút' / '5 min', '3 giờ' / '3
    h'."""
    if seconds is None or (isinstance(seconds, float) and not math.isfinite(seconds)):
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
