"""Validation of document metadata shared by the web forms, the API and the importers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from vanthu.documents.models import DocumentType, Secrecy, SigningCapacity, Urgency
from vanthu.documents.numbering import local_today


@dataclass
class Metadata:
    """Appendix VI fields as entered by a user (incoming) or a drafter (outgoing)."""

    doc_type_code: str = ""
    subject: str = ""
    number_text: str = ""
    notation: str = ""
    issued_on: date | None = None
    issuer_name: str = ""
    issuer_code: str = ""
    signer_name: str = ""
    signer_position: str = ""
    signing_capacity: str = ""
    urgency: str = Urgency.NORMAL
    secrecy: str = Secrecy.NORMAL
    due_on: date | None = None
    page_amount: int | None = None
    issued_amount: int | None = None
    description: str = ""
    recipients_text: str = ""
    is_normative: bool = False
    extra: dict = field(default_factory=dict)


def check_common(meta: Metadata, errors: dict[str, str]) -> DocumentType | None:
    doc_type = None
    if not meta.doc_type_code:
        errors["doc_type"] = "Chưa chọn loại văn bản."
    else:
        doc_type = DocumentType.objects.filter(code=meta.doc_type_code).first()
        if doc_type is None:
            errors["doc_type"] = f"Loại văn bản «{meta.doc_type_code}» không tồn tại."
    meta.subject = " ".join(meta.subject.split())
    if not meta.subject:
        errors["subject"] = "Chưa nhập trích yếu nội dung."
    elif len(meta.subject) > 500:
        errors["subject"] = "Trích yếu dài tối đa 500 ký tự."
    if meta.urgency not in Urgency.values:
        errors["urgency"] = "Độ khẩn không hợp lệ."
    if meta.secrecy not in Secrecy.values:
        errors["secrecy"] = "Độ mật không hợp lệ."
    if meta.signing_capacity not in SigningCapacity.values:
        errors["signing_capacity"] = "Thẩm quyền ký không hợp lệ (TM., KT., TL., TUQ., Q.)."
    for name, limit in (
        ("number_text", 11),
        ("notation", 30),
        ("issuer_name", 200),
        ("signer_name", 50),
        ("signer_position", 100),
        ("description", 500),
        ("recipients_text", 1000),
    ):
        if len(getattr(meta, name)) > limit:
            errors[name] = f"Trường này dài tối đa {limit} ký tự."
    for name in ("page_amount", "issued_amount"):
        value = getattr(meta, name)
        if value is not None and not (0 < value < 1000):
            errors[name] = "Giá trị phải từ 1 đến 999."
    return doc_type


def check_incoming(meta: Metadata) -> tuple[DocumentType | None, dict[str, str]]:
    errors: dict[str, str] = {}
    doc_type = check_common(meta, errors)
    meta.issuer_name = meta.issuer_name.strip()
    if not meta.issuer_name:
        errors["issuer_name"] = "Chưa nhập cơ quan ban hành."
    if meta.issued_on is None:
        errors["issued_on"] = "Chưa nhập ngày ban hành."
    elif meta.issued_on > local_today():
        errors["issued_on"] = "Ngày ban hành không thể ở tương lai."
    elif meta.issued_on.year < 1945:
        errors["issued_on"] = "Ngày ban hành không hợp lệ."
    meta.number_text = meta.number_text.strip()
    meta.notation = meta.notation.strip().upper() if meta.notation else ""
    if meta.number_text and not meta.number_text.isdigit():
        errors["number_text"] = "Số văn bản chỉ gồm chữ số."
    return doc_type, errors


# Local authorities promulgate legal normative documents only as Nghị quyết (People's Council)
# and Quyết định (People's Committee).
NORMATIVE_TYPES = {"NQ", "QD"}


def check_outgoing(meta: Metadata) -> tuple[DocumentType | None, dict[str, str]]:
    errors: dict[str, str] = {}
    doc_type = check_common(meta, errors)
    if meta.is_normative and meta.doc_type_code not in NORMATIVE_TYPES:
        errors["is_normative"] = (
            "Chỉ Nghị quyết và Quyết định mới có thể là văn bản quy phạm pháp luật."
        )
    if meta.due_on is not None and meta.due_on < local_today():
        errors["due_on"] = "Hạn xử lý không thể ở quá khứ."
    return doc_type, errors
