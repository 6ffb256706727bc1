"""Words every page uses: data as of, no data, errors, filters, statuses."""

T: dict[str, dict[str, str]] = {
    "common.data_as_of": {"vi": "Dữ liệu lúc {when}", "en": "Data as of {when}"},
    "common.no_data": {"vi": "Chưa có dữ liệu", "en": "No data yet"},
    "common.store_down": {
        "vi": "Không đọc được kho dữ liệu: {error}",
        "en": "Cannot read the data store: {error}",
    },
    # A KPI against its target (store.kpis.status_of): met; not met, within 20 % of
    # the target; not met by more than that.
    "status.good": {"vi": "Đạt mục tiêu", "en": "Target met"},
    "status.warn": {"vi": "Chưa đạt mục tiêu", "en": "Target not met"},
    "status.bad": {
        "vi": "Không đạt mục tiêu (lệch quá 20%)",
        "en": "Target not met (off by over 20%)",
    },
    "status.nodata": {"vi": "Không có số liệu", "en": "No data"},
    "map.reports": {"vi": "Phản ánh đang mở", "en": "Open reports"},
    "filter.kind": {"vi": "Loại cảm biến", "en": "Sensor kind"},
    "filter.district": {"vi": "Khu vực", "en": "Area"},
    "filter.state": {"vi": "Trạng thái", "en": "State"},
    "filter.invalid": {
        "vi": "Bỏ qua bộ lọc không hợp lệ: {values}",
        "en": "Ignored invalid filters: {values}",
    },
    "common.loading": {"vi": "Đang tải…", "en": "Loading…"},
    "common.cancel": {"vi": "Hủy", "en": "Cancel"},
    "common.save": {"vi": "Lưu", "en": "Save"},
    "common.edit": {"vi": "Sửa", "en": "Edit"},
    "common.yes": {"vi": "Có", "en": "Yes"},
    "common.no": {"vi": "Không", "en": "No"},
    "common.forbidden": {
        "vi": "Bạn không có quyền thực hiện thao tác này.",
        "en": "You may not do this.",
    },
    "forbidden.title": {"vi": "Không có quyền", "en": "Not allowed"},
    "error.busy": {
        "vi": "Phiên làm việc này đang có quá nhiều yêu cầu cùng lúc; "
        "vui lòng thử lại sau giây lát.",
        "en": "This session has too many requests at once; please try again in "
        "a moment.",
    },
    "forbidden.body": {
        "vi": "Tài khoản của bạn không có quyền xem trang này. "
        "Liên hệ quản trị hệ thống nếu bạn cần quyền.",
        "en": "Your account may not see this page. "
        "Ask an administrator if you need it.",
    },
}
