"""The metadata an issued document may correct by an update (edXML business type 2).

Only what the sender may change after issue without issuing a new document: the number,
notation, date, type and issuer identify the document and never change (a wrong one calls
for a replacing document, Decree 30 Art. 18 and STANDARDS 3.7). Values travel as JSON: dates
as ISO strings, so the same dict goes into the sender's row, the hub package and the
recipient's row.
"""

from __future__ import annotations

from datetime import date

from vanthu.documents.models import SigningCapacity, Urgency
from vanthu.documents.numbering import local_today

UPDATABLE_FIELDS = {
    "subject": "Trích yếu",
    "due_on": "Hạn xử lý",
    "urgency": "Độ khẩn",
    "page_amount": "Số trang",
    "signer_name": "Người ký",
    "signer_position": "Chức vụ người ký",
    "signing_capacity": "Thẩm quyền ký",
}
REASON_MAX = 2000
_TEXT_LIMITS = {"subject": 500, "signer_name": 50, "signer_position": 100}


def _as_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _parse_date(value) -> date | None:
    try:
        return _as_date(value)
    except (TypeError, ValueError):
        raise ValueError("Hạn xử lý không phải là ngày hợp lệ.") from None


def _as_int(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    return int(value)


def _clean_one(name: str, value):
    """The value in its model type; ValueError with a Vietnamese message when invalid."""
    if name in _TEXT_LIMITS:
        text = " ".join(str(value or "").split())
        if name == "subject" and not text:
            raise ValueError("Trích yếu không được để trống.")
        if len(text) > _TEXT_LIMITS[name]:
            raise ValueError(f"Trường này dài tối đa {_TEXT_LIMITS[name]} ký tự.")
        return text
    if name == "due_on":
        day = _parse_date(value)
        if day is not None and day < local_today():
            raise ValueError("Hạn xử lý không thể ở quá khứ.")
        return day
    if name == "urgency":
        if value not in Urgency.values:
            raise ValueError("Độ khẩn không hợp lệ.")
        return value
    if name == "signing_capacity":
        value = value or ""
        if value not in SigningCapacity.values:
            raise ValueError("Thẩm quyền ký không hợp lệ (TM., KT., TL., TUQ., Q.).")
        return value
    if name == "page_amount":
        try:
            pages = _as_int(value)
        except (TypeError, ValueError):
            raise ValueError("Số trang phải là số nguyên.") from None
        if pages is not None and not 0 < pages < 1000:
            raise ValueError("Giá trị phải từ 1 đến 999.")
        return pages
    raise AssertionError(name)


def to_json(value):
    return value.isoformat() if isinstance(value, date) else value


def clean_changes(doc, proposed: dict) -> tuple[dict, dict[str, str]]:
    """Check the sender's proposed values against the whitelist and the field rules.

    Returns (changes, errors): changes holds only the fields whose value really differs
    from ``doc``'s, JSON-ready; errors is per field, in Vietnamese."""
    changes: dict = {}
    errors: dict[str, str] = {}
    for name, value in proposed.items():
        if name not in UPDATABLE_FIELDS:
            errors[name] = (
                f"Không được sửa «{name}» sau khi phát hành; hãy ban hành văn bản thay thế."
            )
            continue
        try:
            if name == "due_on" and _parse_date(value) == doc.due_on:
                continue  # unchanged: a date already past stays as it is
            clean = _clean_one(name, value)
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if clean != getattr(doc, name):
            changes[name] = to_json(clean)
    return changes, errors


def parse_received(changes: dict | None) -> dict:
    """What the recipient applies from a received update: the whitelisted fields whose value
    it can read, in model types. A package from another vendor may carry more; the rest is
    ignored rather than refused, the clerk sees the differences before agreeing. The date
    rule (not in the past) is the sender's to check: by the time a clerk answers, a due date
    may have passed and is still the sender's word."""
    parsed = {}
    for name, value in (changes or {}).items():
        if name not in UPDATABLE_FIELDS:
            continue
        try:
            if name == "due_on":
                parsed[name] = _as_date(value)
            else:
                parsed[name] = _clean_one(name, value)
        except (TypeError, ValueError):
            continue
    return parsed


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "due_on":
        return value.strftime("%d/%m/%Y")
    if name == "urgency":
        return Urgency(value).label
    if name == "signing_capacity":
        return value
    return str(value)


def differences(doc, changes: dict | None) -> list[dict]:
    """The rows the recipient sees before answering: field, value on its copy, new value."""
    rows = []
    for name, new in parse_received(changes).items():
        old = getattr(doc, name)
        rows.append(
            {
                "field": name,
                "label": UPDATABLE_FIELDS[name],
                "old": _shown(name, old),
                "new": _shown(name, new),
                "changed": old != new,
            }
        )
    return rows
