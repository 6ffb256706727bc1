"""Alerts: the page, its filters, rules and the acknowledge dialog."""

T: dict[str, dict[str, str]] = {
    "rule.sensor_thresholds": {
        "vi": "Vượt ngưỡng của cảm biến",
        "en": "Beyond the sensor's thresholds",
    },
    "rule.no_data": {"vi": "Cảm biến mất tín hiệu", "en": "Sensor sends no data"},
    "rule.river_rising": {"vi": "Mực nước sông lên nhanh", "en": "River rising fast"},
    "alerts.state.open": {"vi": "Chưa xác nhận", "en": "Unacknowledged"},
    "alerts.state.acknowledged": {"vi": "Đã xác nhận", "en": "Acknowledged"},
    "alerts.state.resolved": {"vi": "Đã kết thúc", "en": "Resolved"},
    "alerts.sev.critical": {"vi": "Nghiêm trọng", "en": "Critical"},
    "alerts.sev.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "alerts.sev.info": {"vi": "Thông tin", "en": "Information"},
    "alerts.filter.state": {"vi": "Trạng thái", "en": "State"},
    "alerts.filter.severity": {"vi": "Mức độ", "en": "Severity"},
    "alerts.filter.domain": {"vi": "Lĩnh vực", "en": "Domain"},
    "alerts.filter.district": {"vi": "Địa bàn", "en": "District"},
    "alerts.ack": {"vi": "Xác nhận", "en": "Acknowledge"},
    "alerts.ack.title": {"vi": "Xác nhận cảnh báo", "en": "Acknowledge the alert"},
    "alerts.ack.as": {"vi": "Ghi nhận với tên: {who}", "en": "Recorded as: {who}"},
    "alerts.ack.note": {"vi": "Ghi chú xử lý", "en": "Note on the action taken"},
    "alerts.ack.confirm": {"vi": "Xác nhận", "en": "Acknowledge"},
    "alerts.acked_by": {"vi": "{who} lúc {when}", "en": "{who} at {when}"},
    "alerts.escalated": {"vi": "Đã chuyển cấp", "en": "Escalated"},
    "alerts.limit_peak": {
        "vi": "ngưỡng {limit} · đỉnh {peak}",
        "en": "limit {limit} · peak {peak}",
    },
    "alerts.resolved_at": {"vi": "kết thúc {when}", "en": "resolved {when}"},
    "alerts.list_capped": {
        "vi": "Hiện {n} cảnh báo mới nhất; lọc theo trạng thái, mức độ, lĩnh vực "
        "hoặc khu vực để xem các cảnh báo khác.",
        "en": "Showing the {n} newest alerts; filter by state, severity, domain or "
        "area to see the others.",
    },
    "alerts.none": {
        "vi": "Không có cảnh báo nào theo bộ lọc này.",
        "en": "No alert matches these filters.",
    },
    "alerts.count.open": {"vi": "{n} chưa xác nhận", "en": "{n} unacknowledged"},
    "alerts.count.critical": {"vi": "{n} nghiêm trọng", "en": "{n} critical"},
    "alerts.count.escalated": {"vi": "{n} đã chuyển cấp", "en": "{n} escalated"},
    "alerts.count.acknowledged": {
        "vi": "{n} đang xử lý",
        "en": "{n} being handled",
    },
    "alerts.col.severity": {"vi": "Mức độ", "en": "Severity"},
    "alerts.col.state": {"vi": "Trạng thái", "en": "State"},
    "alerts.col.where": {"vi": "Nơi xảy ra", "en": "Where"},
    "alerts.col.what": {"vi": "Nội dung", "en": "What"},
    "alerts.col.value": {"vi": "Giá trị", "en": "Value"},
    "alerts.col.raised": {"vi": "Phát sinh", "en": "Raised"},
    "alerts.col.ack": {"vi": "Xác nhận", "en": "Acknowledged"},
    "alerts.col.rule": {"vi": "Quy tắc", "en": "Rule"},
    "alerts.col.sensors": {"vi": "Áp dụng cho", "en": "Applies to"},
    "alerts.col.metric": {"vi": "Chỉ số", "en": "Measure"},
    "alerts.col.limit": {"vi": "Ngưỡng", "en": "Limit"},
    "alerts.col.escalate": {"vi": "Chuyển cấp sau", "en": "Escalate after"},
    "alerts.col.enabled": {"vi": "Đang bật", "en": "Enabled"},
    "alerts.rules": {"vi": "Quy tắc cảnh báo", "en": "Alert rules"},
    "alerts.rules.help": {
        "vi": "Cảnh báo nghiêm trọng chưa được xác nhận sẽ được chuyển cấp sau thời "
        "gian đặt cho quy tắc. Chỉ quản trị viên được sửa quy tắc.",
        "en": "An unacknowledged critical alert is escalated after its rule's time. "
        "Only administrators may change rules.",
    },
    "alerts.rule.title": {"vi": "Sửa quy tắc cảnh báo", "en": "Edit alert rule"},
    "alerts.rule.threshold": {"vi": "Ngưỡng", "en": "Limit"},
    "alerts.rule.escalate": {
        "vi": "Chuyển cấp sau (phút)",
        "en": "Escalate after (minutes)",
    },
    "alerts.rule.enabled": {"vi": "Bật quy tắc", "en": "Rule enabled"},
    "alerts.rule.all_sensors": {"vi": "Mọi cảm biến", "en": "Every sensor"},
    "alerts.rule.stale_limit": {
        "vi": "3 chu kỳ không có dữ liệu",
        "en": "3 periods without data",
    },
    "alerts.rule.own_levels": {
        "vi": "Ngưỡng riêng của từng cảm biến",
        "en": "Each sensor's own levels",
    },
    "alerts.rule.by_level": {
        "vi": "Theo mức (cảnh báo / báo động)",
        "en": "By level (warn / alarm)",
    },
    "alerts.err.who": {
        "vi": "Hãy nhập tên người xác nhận.",
        "en": "Please enter your name.",
    },
    "alerts.err.too_long": {
        "vi": "Tên hoặc ghi chú quá dài.",
        "en": "The name or the note is too long.",
    },
    "alerts.err.already": {
        "vi": "Cảnh báo này đã được người khác xác nhận.",
        "en": "Someone has already acknowledged this alert.",
    },
    "alerts.err.unknown": {
        "vi": "Không tìm thấy cảnh báo này.",
        "en": "This alert does not exist.",
    },
    "alerts.err.unknown_rule": {
        "vi": "Không tìm thấy quy tắc này.",
        "en": "This rule does not exist.",
    },
    "alerts.err.field": {
        "vi": "Trường này không sửa được.",
        "en": "This field cannot be changed.",
    },
    "alerts.err.severity": {"vi": "Mức độ không hợp lệ.", "en": "Unknown severity."},
    "alerts.err.value": {
        "vi": "Giá trị không hợp lệ: cần một số trong khoảng cho phép.",
        "en": "Invalid value: a number within the allowed range is needed.",
    },
}
