"""Registering an incoming document (Decree 30/2020 Art. 22): the clerk's input is checked
completely before anything is written; a suspected duplicate is a warning the clerk can
override (Appendix VI Part I)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests import files
from tests.documents.helpers import arrived_at_stc, counts, register
from vanthu.documents import actions
from vanthu.documents.files import PDF, PNG
from vanthu.documents.models import Status
from vanthu.errors import PermissionDenied, ValidationFailed


def _refused(world, **kwargs) -> ValidationFailed:
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        register(world, **kwargs)
    assert counts() == before
    return caught.value


def test_it_registers_a_paper_document_with_its_scan(world):
    doc = register(world, notation="stc-ns ")
    assert (doc.status, doc.direction, doc.channel) == (Status.REGISTERED, "incoming", "paper")
    assert doc.arrival_number == 1 and doc.arrived_at is not None
    assert doc.reference == "15/STC-NS"
    assert doc.page_amount == 1
    scan = doc.files.get()
    assert (scan.kind, scan.mime_type) == ("main", PDF)


def test_it_accepts_an_image_scan(world):
    doc = register(world, file_name="scan.png", file_content=files.PNG_1PX)
    assert doc.files.get().mime_type == PNG


def test_it_rejects_png_bytes_named_pdf(world):
    error = _refused(world, file_name="scan.pdf", file_content=files.PNG_1PX)
    assert "«.pdf»" in error.errors["file"] and "không khớp nội dung" in error.errors["file"]


def test_it_rejects_a_word_file_as_a_scan(world):
    error = _refused(world, file_name="van-ban.docx", file_content=files.docx())
    assert "Word (.docx) không được dùng ở đây" in error.errors["file"]


def test_it_rejects_an_empty_file(world):
    error = _refused(world, file_content=b"")
    assert error.errors["file"] == "Tệp «scan.pdf» rỗng (0 byte)."


def test_it_rejects_an_oversized_file(world, settings):
    settings.VANTHU_MAX_UPLOAD_BYTES = 2 * 1024
    error = _refused(world, file_content=files.pdf())
    assert "vượt quá dung lượng cho phép (2 KB)" in error.errors["file"]


def test_it_rejects_an_encrypted_pdf(world):
    error = _refused(world, file_content=files.encrypted_pdf())
    assert "mã hóa" in error.errors["file"]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda pdf: pdf[: len(pdf) // 2], id="truncated"),
        pytest.param(lambda pdf: pdf.replace(b"xref", b"xxxx"), id="no-xref"),
        # Damage inside an object stream made the parser raise AssertionError and
        # NotImplementedError, which escaped as server errors.
        pytest.param(lambda pdf: pdf.replace(b"/Type /ObjStm", b"/Type /ObjStX"), id="objstm-type"),
        pytest.param(
            lambda pdf: pdf.replace(
                b"/ObjStm/N 10/First 62/Filter /FlateDecode",
                b"/ObjStm/N 10/First 62/Filter /FlateDecodX",
            ),
            id="objstm-filter",
        ),
    ],
)
def test_it_rejects_a_corrupt_pdf(world, damage):
    pdf = files.pdf(["Văn bản đến"])
    broken = damage(pdf)
    assert broken != pdf
    error = _refused(world, file_content=broken)
    assert "Tệp PDF bị hỏng" in error.errors["file"]


def _pdf_with_objects(*objects: str) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_it_rejects_a_pdf_without_pages(world):
    empty = _pdf_with_objects("<</Type/Catalog/Pages 2 0 R>>", "<</Type/Pages/Kids []/Count 0>>")
    error = _refused(world, file_content=empty)
    assert error.errors["file"] == "Tệp PDF bị hỏng, không đọc được trang nào."


def test_it_rejects_missing_mandatory_metadata(world):
    error = _refused(world, subject="", issuer_name="  ", issued_on=None, doc_type_code="XYZ")
    assert error.errors == {
        "doc_type": "Loại văn bản «XYZ» không tồn tại.",
        "subject": "Chưa nhập trích yếu nội dung.",
        "issuer_name": "Chưa nhập cơ quan ban hành.",
        "issued_on": "Chưa nhập ngày ban hành.",
    }


def test_it_rejects_an_issue_date_in_the_future(world):
    tomorrow = timezone.localdate() + timedelta(days=1)
    error = _refused(world, issued_on=tomorrow)
    assert error.errors["issued_on"] == "Ngày ban hành không thể ở tương lai."


def test_it_rejects_a_number_with_letters(world):
    error = _refused(world, number_text="15a")
    assert error.errors["number_text"] == "Số văn bản chỉ gồm chữ số."


def test_it_rejects_an_unknown_channel(world):
    error = _refused(world, channel="fax")
    assert "Hình thức nhận" in error.errors["channel"]


def test_it_refuses_anyone_but_a_clerk_of_the_agency(world):
    before = counts()
    for user in (world.specialist_ubnd, world.leader_ubnd, world.clerk_stc, world.outsider):
        with pytest.raises(PermissionDenied):
            register(world, user=user)
    assert counts() == before


def test_it_warns_of_a_duplicate_and_registers_it_when_confirmed(world):
    first = register(world)
    before = counts()
    with pytest.raises(actions.DuplicateSuspected) as caught:
        register(world, issuer_name="SỞ TÀI CHÍNH TỈNH NGHỆ AN")
    assert counts() == before
    assert caught.value.matches == [first]
    assert "Có thể trùng văn bản đã vào sổ" in caught.value.message
    assert "15/STC-NS (số đến 01)" in caught.value.message

    second = register(world, confirm_duplicate=True)
    assert second.arrival_number == 2


def test_it_warns_of_a_duplicate_written_differently(world):
    # A clerk types "5" and "ttr-ubnd" for the "05/TTr-UBND" that arrived electronically.
    register(world, number_text="05", notation="TTr-UBND")
    with pytest.raises(actions.DuplicateSuspected):
        register(world, number_text="5", notation="ttr-ubnd")


def test_it_does_not_warn_for_a_different_date_or_issuer(world):
    register(world)
    assert register(world, issued_on=date(2026, 3, 3)).arrival_number == 2
    assert register(world, issuer_name="Sở Xây dựng tỉnh Nghệ An").arrival_number == 3


def test_it_warns_when_the_electronic_copy_already_arrived(world):
    arrived = arrived_at_stc(world)
    with pytest.raises(actions.DuplicateSuspected) as caught:
        register(
            world,
            user=world.clerk_stc,
            agency=world.stc,
            number_text=arrived.number_text,
            notation=arrived.notation,
            issuer_name=arrived.issuer_name,
            issued_on=arrived.issued_on,
        )
    assert caught.value.matches == [arrived]
    assert "chưa vào sổ" in caught.value.message


def test_it_names_the_clerk_as_reader_of_a_secret_document(world):
    doc = register(world, secrecy="confidential")
    assert list(doc.named_readers.all()) == [world.clerk_ubnd]
