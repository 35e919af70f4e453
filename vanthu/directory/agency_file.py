"""Reading the national axis agency list (as exported by the VXP `getAgenciesList` call):
rows with keys id, code (QĐ 20/2020 code), code102 (13-character QCVN 102 code), pid (the
parent's id), name and mail, in CSV or JSON. Parsing only; import_agencies writes."""

from __future__ import annotations

import csv
import io
import json

from vanthu.directory.validation import email_error, validate_agency_fields
from vanthu.errors import ValidationFailed

REQUIRED_COLUMNS = ("code102", "name")
# pid values the axis uses for "no parent" (root agencies such as ministries and provinces).
ROOT_PIDS = {"", "0", "-1", "null", "None"}


def _is_json(name: str, text: str) -> bool:
    return name.lower().endswith(".json") or text.lstrip().startswith(("[", "{"))


def first_row_number(name: str, content: bytes) -> int:
    """Row numbers as a person sees them: CSV data starts on line 2 (after the header),
    JSON items count from 1."""
    head = content[:64].decode("utf-8-sig", errors="ignore")
    return 1 if _is_json(name, head) else 2


def parse_agency_file(name: str, content: bytes) -> list[dict]:
    try:
        text = content.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError:
        raise ValidationFailed(
            {"file": "Tệp không dùng bảng mã UTF-8. Hãy lưu lại tệp với bảng mã UTF-8 rồi tải lên."}
        ) from None
    if _is_json(name, text):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(
                {"file": f"Tệp JSON không hợp lệ (dòng {exc.lineno}, cột {exc.colno})."}
            ) from None
        if isinstance(data, dict):
            data = data.get("data") or data.get("agencies") or []
        if not isinstance(data, list):
            raise ValidationFailed({"file": "Tệp JSON phải là một danh sách cơ quan."})
        return [row if isinstance(row, dict) else {} for row in data]
    try:
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed({"file": f"Tệp CSV thiếu cột: {', '.join(missing)}."})
        return list(reader)
    except csv.Error as exc:
        raise ValidationFailed({"file": f"Tệp CSV không hợp lệ: {exc}."}) from None


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def clean_row(row: dict) -> tuple[dict, dict[str, str]]:
    """The fields of one row and the reasons it cannot be saved (empty when it can)."""
    data = {
        "code": _text(row, "code102"),
        "code_qd20": _text(row, "code"),
        "name": _text(row, "name"),
        "mail": _text(row, "mail"),
        "id": _text(row, "id"),
        "pid": _text(row, "pid"),
    }
    errors = validate_agency_fields(data["code"], data["code_qd20"], data["name"])
    if err := email_error(data["mail"]):
        errors["mail"] = err
    # The columns behind these limits would make PostgreSQL abort the whole import.
    if len(data["id"]) > 64:
        errors["id"] = "Mã trên trục (id) dài tối đa 64 ký tự."
    if len(data["mail"]) > 254:
        errors["mail"] = "Địa chỉ thư điện tử dài tối đa 254 ký tự."
    if data["pid"] in ROOT_PIDS:
        data["pid"] = ""
    return data, errors


def abbreviation_for(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w]
    if name.lower().startswith(("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")):
        return "UBND"
    initials = "".join(w[0] for w in words if w[0].isalpha())
    return (initials.upper() or "CQ")[:20]
