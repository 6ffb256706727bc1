"""The shell: title, menu, menu groups, theme and language switches, pending pages."""

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
    "shell.user": {"vi": "Tài khoản", "en": "Account"},
    "shell.logout": {"vi": "Đăng xuất", "en": "Sign out"},
    "shell.session_ended": {
        "vi": "Phiên làm việc đã hết hạn, đang chuyển tới trang đăng nhập…",
        "en": "Your session has ended; opening the sign-in page…",
    },
    "nav.admin": {"vi": "Quản trị hệ thống", "en": "Administration"},
    "shell.alert.title": {
        "vi": "Cảnh báo nghiêm trọng mới",
        "en": "New critical alert",
    },
    "shell.banner.critical": {
        "vi": "{n} cảnh báo nghiêm trọng chưa xác nhận",
        "en": "{n} unacknowledged critical alerts",
    },
    "shell.alert.open": {"vi": "Xem cảnh báo", "en": "Open alerts"},
    "shell.alert.badge": {
        "vi": "Cảnh báo nghiêm trọng chưa xác nhận",
        "en": "Unacknowledged critical alerts",
    },
}
