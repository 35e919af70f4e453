"""Vietnamese labels for the persisted audit action codes, shared by every page and the API."""

EVENT_LABELS = {
    "auth.login": "Đăng nhập",
    "auth.login_failed": "Đăng nhập sai",
    "auth.locked": "Tạm khóa tài khoản",
    "auth.token_created": "Tạo khóa API",
    "document.registered": "Vào sổ văn bản đến",
    "document.refused": "Từ chối văn bản",
    "document.presented": "Trình lãnh đạo",
    "document.forwarded": "Chuyển xử lý",
    "document.read": "Xem văn bản",
    "document.drafted": "Tạo dự thảo",
    "document.file_replaced": "Cập nhật tệp dự thảo",
    "document.submitted": "Trình dự thảo",
    "document.approved_step": "Đồng ý",
    "document.returned": "Trả lại dự thảo",
    "document.issued": "Cấp số và phát hành",
    "document.signed_personal": "Ký số cá nhân",
    "document.signed_agency": "Ký số cơ quan (đóng dấu)",
    "signing.credential_registered": "Đăng ký chứng thư số",
    "directory.agencies_imported": "Nhập danh sách cơ quan",
    "directory.agency_created": "Tạo cơ quan",
    "directory.agency_updated": "Sửa thông tin cơ quan",
    "directory.department_created": "Thêm phòng, ban",
    "directory.department_updated": "Sửa phòng, ban",
    "directory.user_created": "Tạo người dùng",
    "directory.user_activated": "Mở khóa tài khoản",
    "directory.user_deactivated": "Khóa tài khoản",
    "directory.membership_added": "Giao vai trò",
    "directory.membership_ended": "Kết thúc vai trò",
}


def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code)
