"""Vietnamese labels for persisted codes (audit actions, statuses)."""

from django import template

from vanthu.documents.models import Status

register = template.Library()

EVENT_LABELS = {
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
}
_STATUS = dict(Status.choices)


@register.filter
def event_label(code: str) -> str:
    return EVENT_LABELS.get(code, code)


@register.filter
def status_label(code: str) -> str:
    return _STATUS.get(code, code)
