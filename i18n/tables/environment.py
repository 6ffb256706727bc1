"""The environment page."""

T: dict[str, dict[str, str]] = {
    "env.map": {
        "vi": "VN_AQI giờ tại các trạm không khí",
        "en": "Hourly VN_AQI at the air stations",
    },
    "env.aqi_card": {"vi": "Chỉ số chất lượng không khí", "en": "Air quality index"},
    "env.pollutants": {
        "vi": "Nồng độ các chất ô nhiễm (µg/m³)",
        "en": "Pollutant concentrations (µg/m³)",
    },
    "env.station": {"vi": "Trạm quan trắc không khí", "en": "Air station"},
    "env.range_24h": {"vi": "24 giờ qua", "en": "Last 24 hours"},
    "env.range_7d": {"vi": "7 ngày qua", "en": "Last 7 days"},
    "env.range_30d": {"vi": "30 ngày qua", "en": "Last 30 days"},
    "env.hour": {"vi": "VN_AQI giờ, {when}", "en": "Hourly VN_AQI, {when}"},
    "env.dominant": {"vi": "Chất ô nhiễm chính: {p}", "en": "Main pollutant: {p}"},
    "env.sub_indices": {"vi": "Chỉ số thành phần", "en": "Sub-indices"},
    "env.daily": {
        "vi": "AQI ngày (24 giờ qua): {v}",
        "en": "Daily AQI (last 24 h): {v}",
    },
    "env.us": {
        "vi": "Thang US EPA: giờ {h} · ngày {d}",
        "en": "US EPA scale: hourly {h} · daily {d}",
    },
    "env.no_aqi": {
        "vi": "Chưa đủ số liệu để tính AQI",
        "en": "Not enough data for an AQI yet",
    },
    "env.no_aqi_short": {"vi": "Chưa có AQI", "en": "No AQI"},
    "env.no_station": {
        "vi": "Không có trạm không khí trong khu vực này",
        "en": "No air station in this area",
    },
    "env.river": {"vi": "Mực nước sông", "en": "River level"},
    "env.gauge": {"vi": "Trạm thủy văn", "en": "River gauge"},
    "env.no_gauge": {
        "vi": "Không có trạm thủy văn trong khu vực này",
        "en": "No river gauge in this area",
    },
    "env.alarm_level": {"vi": "Báo động {n}", "en": "Alarm level {n}"},
    "env.noise": {
        "vi": "Tiếng ồn so với QCVN 26:2010/BTNMT",
        "en": "Noise against QCVN 26:2010/BTNMT",
    },
    "env.noise_limit": {
        "vi": "Giới hạn khu vực thông thường",
        "en": "Limit, ordinary areas",
    },
    "env.weather": {"vi": "Thời tiết hiện tại", "en": "Current weather"},
    "env.station_alarm": {
        "vi": "Đang có cảnh báo nghiêm trọng",
        "en": "Critical alert in progress",
    },
}
