"""Signing in and changing one's password."""

T: dict[str, dict[str, str]] = {
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
}
