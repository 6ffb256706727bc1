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
    "overview.alerts": {
        "vi": "{n} cảnh báo chưa xác nhận, {c} nghiêm trọng",
        "en": "{n} unacknowledged alerts, {c} critical",
    },
    "overview.no_alerts": {
        "vi": "Không có cảnh báo nào chưa xác nhận",
        "en": "No unacknowledged alert",
    },
    "level.alarm": {"vi": "Báo động", "en": "Alarm"},
    "level.warn": {"vi": "Cảnh báo", "en": "Warning"},
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
    "sources.running_since": {
        "vi": "Đang chạy từ {time}, quá hạn {deadline} giây",
        "en": "Running since {time}, past its {deadline} s deadline",
    },
    "sources.rejected_24h": {
        "vi": "Bản tin bị từ chối trong 24 giờ: {total} "
        "(lưu {kept}, chỉ đếm {dropped})",
        "en": "Messages rejected in 24 h: {total} "
        "({kept} kept, {dropped} only counted)",
    },
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
    "state.hung": {"vi": "Treo", "en": "Hung"},
    "state.warning": {"vi": "Cảnh báo", "en": "Warning"},
    "state.alarm": {"vi": "Báo động", "en": "Alarm"},
    "col.trend": {"vi": "Xu hướng 1 giờ", "en": "Trend (1 h)"},
    "common.loading": {"vi": "Đang tải…", "en": "Loading…"},
    "sensors.thresholds": {"vi": "Ngưỡng", "en": "Thresholds"},
    "sensors.no_thresholds": {"vi": "Chưa đặt ngưỡng", "en": "No thresholds set"},
    "sensors.latest": {"vi": "Số đo mới nhất", "en": "Latest readings"},
    "sensors.last_24h": {"vi": "24 giờ qua", "en": "Last 24 hours"},
    "sensors.period": {"vi": "Chu kỳ gửi: {period}", "en": "Reports every {period}"},
    "sensors.not_found": {"vi": "Không tìm thấy cảm biến", "en": "Sensor not found"},
    "threshold.warn": {"vi": "Cảnh báo ≥", "en": "Warning ≥"},
    "threshold.alarm": {"vi": "Báo động ≥", "en": "Alarm ≥"},
    "threshold.low_warn": {"vi": "Cảnh báo ≤", "en": "Warning ≤"},
    "threshold.low_alarm": {"vi": "Báo động ≤", "en": "Alarm ≤"},
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
    "common.cancel": {"vi": "Hủy", "en": "Cancel"},
    "common.save": {"vi": "Lưu", "en": "Save"},
    "common.edit": {"vi": "Sửa", "en": "Edit"},
    "common.yes": {"vi": "Có", "en": "Yes"},
    "common.no": {"vi": "Không", "en": "No"},
    "login.title": {"vi": "Đăng nhập", "en": "Sign in"},
    "login.username": {"vi": "Tên đăng nhập", "en": "User name"},
    "login.password": {"vi": "Mật khẩu", "en": "Password"},
    "login.submit": {"vi": "Đăng nhập", "en": "Sign in"},
    "login.home": {"vi": "Về trang tổng quan", "en": "Back to the overview"},
    "login.signed_out": {"vi": "Bạn đã đăng xuất.", "en": "You have signed out."},
    "login.csrf": {
        "vi": "Phiên đăng nhập của biểu mẫu đã hết hạn. Vui lòng thử lại.",
        "en": "The form has expired. Please try again.",
    },
    "login.failed": {
        "vi": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "en": "Wrong user name or password.",
    },
    "login.too_many": {
        "vi": "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau {minutes} phút.",
        "en": "Too many failed sign-ins. Please try again in {minutes} min.",
    },
    "login.too_many_s": {
        "vi": "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau {seconds} giây.",
        "en": "Too many failed sign-ins. Please try again in {seconds} s.",
    },
    "login.not_found_title": {"vi": "Không tìm thấy trang", "en": "Page not found"},
    "login.not_found": {
        "vi": "Không tìm thấy trang này. Vui lòng kiểm tra lại đường dẫn.",
        "en": "There is no such page. Please check the address.",
    },
    "login.forbidden_title": {"vi": "Không có quyền", "en": "Not allowed"},
    "login.forbidden": {
        "vi": "Tài khoản của bạn không có quyền xem trang này.",
        "en": "Your account may not see this page.",
    },
    "shell.user": {"vi": "Tài khoản", "en": "Account"},
    "password.title": {"vi": "Đổi mật khẩu", "en": "Change password"},
    "password.current": {"vi": "Mật khẩu hiện tại", "en": "Current password"},
    "password.new": {
        "vi": "Mật khẩu mới (ít nhất 10 ký tự)",
        "en": "New password (10+ characters)",
    },
    "password.again": {"vi": "Nhập lại mật khẩu mới", "en": "New password again"},
    "password.wrong": {
        "vi": "Mật khẩu hiện tại không đúng.",
        "en": "The current password is wrong.",
    },
    "password.mismatch": {
        "vi": "Hai lần nhập mật khẩu mới không khớp.",
        "en": "The two new passwords differ.",
    },
    "password.changed": {
        "vi": "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
        "en": "Password changed. Your other sessions have ended.",
    },
    "audit.action.user.password": {"vi": "Đổi mật khẩu", "en": "Password changed"},
    "shell.logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "shell.session_ended": {
        "vi": "Phiên làm việc đã hết hạn, đang chuyển tới trang đăng nhập…",
        "en": "Your session has ended; opening the sign-in page…",
    },
    "role.leader": {"vi": "Lãnh đạo", "en": "Leader"},
    "role.duty_officer": {"vi": "Cán bộ trực", "en": "Duty officer"},
    "role.staff": {"vi": "Chuyên viên", "en": "Staff"},
    "role.admin": {"vi": "Quản trị hệ thống", "en": "Administrator"},
    "account.error.roles": {
        "vi": "Chọn ít nhất một vai trò hợp lệ.",
        "en": "Choose at least one valid role.",
    },
    "account.error.domains": {"vi": "Lĩnh vực không hợp lệ.", "en": "Unknown domain."},
    "account.error.password": {
        "vi": "Mật khẩu phải có từ 10 đến 256 ký tự.",
        "en": "The password must have 10 to 256 characters.",
    },
    "account.error.username": {
        "vi": "Tên đăng nhập gồm 2–64 ký tự a–z, 0–9, dấu chấm, gạch dưới, gạch nối.",
        "en": "User names have 2–64 characters: a–z, 0–9, dot, underscore, hyphen.",
    },
    "account.error.display_name": {
        "vi": "Họ tên dài tối đa 120 ký tự.",
        "en": "Names have at most 120 characters.",
    },
    "account.error.taken": {
        "vi": "Tên đăng nhập này đã có.",
        "en": "This user name is taken.",
    },
    "account.error.no_user": {"vi": "Không có tài khoản này.", "en": "No such user."},
    "account.error.key_name": {
        "vi": "Tên khóa dài 1–100 ký tự.",
        "en": "Key names have 1–100 characters.",
    },
    "account.error.key_short": {
        "vi": "Khóa API phải có ít nhất 24 ký tự.",
        "en": "API keys have at least 24 characters.",
    },
    "forbidden.title": {"vi": "Không có quyền", "en": "Not allowed"},
    "error.busy": {
        "vi": "Phiên làm việc này đang có quá nhiều yêu cầu cùng lúc; "
        "vui lòng thử lại sau giây lát.",
        "en": "This session has too many requests at once; please try again in "
        "a moment.",
    },
    "nav.admin": {"vi": "Quản trị hệ thống", "en": "Administration"},
    "admin.users": {"vi": "Tài khoản", "en": "Accounts"},
    "admin.roles": {"vi": "Vai trò", "en": "Roles"},
    "admin.domains": {
        "vi": "Lĩnh vực (cho chuyên viên)",
        "en": "Domains (for staff)",
    },
    "admin.user.new": {"vi": "Thêm tài khoản", "en": "New account"},
    "admin.user.name": {"vi": "Họ tên", "en": "Full name"},
    "admin.user.create": {"vi": "Tạo tài khoản", "en": "Create account"},
    "admin.user.created": {
        "vi": "Đã tạo tài khoản {user}.",
        "en": "Account {user} created.",
    },
    "admin.user.active": {"vi": "Đang hoạt động", "en": "Active"},
    "admin.user.last_login": {"vi": "Đăng nhập gần nhất", "en": "Last sign-in"},
    "admin.user.new_password": {
        "vi": "Mật khẩu mới (để trống nếu không đổi)",
        "en": "New password (leave empty to keep)",
    },
    "admin.user.not_self": {
        "vi": "Bạn không thể tự bỏ quyền quản trị hoặc khóa tài khoản của mình.",
        "en": "You cannot remove your own admin role or disable your own account.",
    },
    "admin.keys": {"vi": "Khóa API", "en": "API keys"},
    "admin.key.new": {"vi": "Cấp khóa API mới", "en": "Issue an API key"},
    "admin.key.name": {"vi": "Tên khóa (hệ thống dùng)", "en": "Key name (its user)"},
    "admin.key.issue": {"vi": "Cấp khóa", "en": "Issue key"},
    "admin.key.once": {
        "vi": "Khóa chỉ hiện một lần. Hãy sao chép và lưu giữ an toàn:",
        "en": "The key is shown only once. Copy it and keep it safe:",
    },
    "admin.key.revoke": {"vi": "Thu hồi", "en": "Revoke"},
    "admin.key.revoked": {"vi": "Đã thu hồi khóa.", "en": "Key revoked."},
    "admin.key.revoked_at": {"vi": "Đã thu hồi {when}", "en": "Revoked {when}"},
    "admin.key.none": {"vi": "Chưa có khóa API nào.", "en": "No API key yet."},
    "admin.key.prefix": {"vi": "Mã đầu", "en": "Starts with"},
    "admin.key.created": {"vi": "Người cấp · lúc", "en": "Issued by · at"},
    "admin.key.last_used": {"vi": "Dùng gần nhất", "en": "Last used"},
    "admin.audit": {"vi": "Nhật ký thao tác", "en": "Audit trail"},
    "admin.audit.when": {"vi": "Thời điểm", "en": "When"},
    "admin.audit.actor": {"vi": "Người thực hiện", "en": "Who"},
    "admin.audit.action": {"vi": "Thao tác", "en": "Action"},
    "admin.audit.target": {"vi": "Đối tượng", "en": "Target"},
    "admin.audit.detail": {"vi": "Chi tiết", "en": "Detail"},
    "admin.audit.ip": {"vi": "Địa chỉ IP", "en": "IP address"},
    "admin.audit.outcome": {"vi": "Kết quả", "en": "Outcome"},
    "admin.audit.ok": {"vi": "Thành công", "en": "Done"},
    "admin.audit.refused": {"vi": "Bị từ chối", "en": "Refused"},
    "admin.audit.export": {"vi": "Xuất CSV", "en": "Export CSV"},
    "audit.action.login": {"vi": "Đăng nhập", "en": "Sign-in"},
    "audit.action.logout": {"vi": "Đăng xuất", "en": "Sign-out"},
    "audit.action.user.create": {"vi": "Tạo tài khoản", "en": "Account created"},
    "audit.action.user.update": {"vi": "Sửa tài khoản", "en": "Account changed"},
    "audit.action.apikey.issue": {"vi": "Cấp khóa API", "en": "API key issued"},
    "audit.action.apikey.revoke": {"vi": "Thu hồi khóa API", "en": "API key revoked"},
    "audit.action.alert.ack": {"vi": "Xác nhận cảnh báo", "en": "Alert acknowledged"},
    "audit.action.rule.update": {"vi": "Sửa quy tắc cảnh báo", "en": "Rule changed"},
    "audit.action.access.denied": {"vi": "Bị từ chối quyền", "en": "Access denied"},
    "audit.action.report.download": {"vi": "Tải báo cáo", "en": "Report download"},
    "audit.action.feedback.submit": {
        "vi": "Tiếp nhận phản ánh (Open311)",
        "en": "Citizen report filed (Open311)",
    },
    "admin.range.24h": {"vi": "24 giờ", "en": "24 h"},
    "admin.range.7d": {"vi": "7 ngày", "en": "7 days"},
    "admin.range.30d": {"vi": "30 ngày", "en": "30 days"},
    "admin.range.all": {"vi": "Tất cả", "en": "All"},
    "forbidden.body": {
        "vi": "Tài khoản của bạn không có quyền xem trang này. "
        "Liên hệ quản trị hệ thống nếu bạn cần quyền.",
        "en": "Your account may not see this page. "
        "Ask an administrator if you need it.",
    },
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
    "env.station_alarm": {
        "vi": "Đang có cảnh báo nghiêm trọng",
        "en": "Critical alert in progress",
    },
    "shell.alert.title": {
        "vi": "Cảnh báo nghiêm trọng mới",
        "en": "New critical alert",
    },
    "shell.alert.open": {"vi": "Xem cảnh báo", "en": "Open alerts"},
    "shell.alert.badge": {
        "vi": "Cảnh báo nghiêm trọng chưa xác nhận",
        "en": "Unacknowledged critical alerts",
    },
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


def _missing(value: object) -> bool:
    """None, NaN, an infinity, NaT or pandas' NA: shown as a dash, never an error
    (pandas turns a NULL into any of these, by the column's other values)."""
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))  # NaN, inf; NaT and NA raise
    except (TypeError, ValueError):
        if type(value).__name__ in {"NaTType", "NAType"}:
            return True
        return bool(value != value)


def fmt_number(
    value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 1
) -> str:
    """1234.5 -> '1.234,5' (vi) or '1,234.5' (en); None/NaN/NaT/NA -> '–'."""
    if _missing(value):
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
    """Epoch ms -> '25/11/2026 14:05' (vi) or '25 Nov 2026 14:05' (en), Vietnam time;
    None/NaN/NaT/NA -> '–'."""
    if _missing(ms):
        return "–"
    dt = to_local(int(ms))
    clock = "%H:%M:%S" if seconds else "%H:%M"
    if lang == "vi":
        return dt.strftime(f"%d/%m/%Y {clock}")
    return dt.strftime(f"%d %b %Y {clock}")


def fmt_age(seconds: float | None, lang: str = DEFAULT_LANG) -> str:
    """How long ago, briefly: '12 giây' / '12 s', '5 phút' / '5 min', '3 giờ' / '3
    h'."""
    if _missing(seconds):
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
