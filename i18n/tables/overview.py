"""The overview and its KPI tiles."""

T: dict[str, dict[str, str]] = {
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
    # What a KPI's value covers (store.kpis.PERIODS), on hover over the value.
    "kpi.period_now": {
        "vi": "Hiện tại (số đo mới nhất)",
        "en": "Now (latest readings)",
    },
    "kpi.period_day": {"vi": "Hôm nay", "en": "Today"},
    "kpi.period_7d": {"vi": "7 ngày gần nhất", "en": "Last 7 days"},
    "kpi.period_month": {"vi": "Tháng gần nhất", "en": "Latest month"},
    "kpi.period_quarter": {"vi": "Quý gần nhất", "en": "Latest quarter"},
    "overview.alerts": {
        "vi": "{n} cảnh báo chưa xác nhận, {c} nghiêm trọng",
        "en": "{n} unacknowledged alerts, {c} critical",
    },
    "overview.no_alerts": {
        "vi": "Không có cảnh báo nào chưa xác nhận",
        "en": "No unacknowledged alert",
    },
    "overview.map": {"vi": "Bản đồ tỉnh", "en": "Province map"},
    "overview.not_your_domain": {
        "vi": "Ngoài lĩnh vực được giao cho tài khoản",
        "en": "Outside your account's domains",
    },
    "overview.system": {
        "vi": "Cảm biến hoạt động: {ok}/{total} · Bản tin lỗi: {dead}",
        "en": "Sensors reporting: {ok}/{total} · Rejected messages: {dead}",
    },
    "overview.system_sensors": {
        "vi": "Cảm biến hoạt động: {ok}/{total}",
        "en": "Sensors reporting: {ok}/{total}",
    },
    "overview.sensors": {"vi": "Cảm biến", "en": "Sensors"},
    "overview.online": {"vi": "Đang hoạt động", "en": "Reporting"},
    "overview.stale": {"vi": "Chậm / mất tín hiệu", "en": "Stale / offline"},
    "overview.dead": {"vi": "Bản tin lỗi", "en": "Rejected messages"},
    "overview.latest": {"vi": "Số đo mới nhất", "en": "Latest readings"},
    "overview.press": {"vi": "Tin báo chí mới", "en": "Latest press"},
    # The map's layers of sensors with an unresolved alert, and its tap panel.
    "map.alert.critical": {"vi": "Báo động (nghiêm trọng)", "en": "Alarm (critical)"},
    "map.alert.warning": {"vi": "Vượt ngưỡng cảnh báo", "en": "Over warning level"},
    "overview.alert_for": {"vi": "đã kéo dài {age}", "en": "for {age}"},
    "overview.point.open": {"vi": "Mở cảm biến", "en": "Open the sensor"},
    "overview.point.close": {"vi": "Đóng", "en": "Close"},
}
