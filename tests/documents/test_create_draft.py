"""Drafting an outgoing document: bad input is refused with a Vietnamese message and nothing
is saved, neither a row nor a stored file."""

from __future__ import annotations

import pytest

from tests import files
from tests.documents.helpers import counts, make_draft
from vanthu.documents.files import DOCX, PDF
from vanthu.documents.models import Status
from vanthu.errors import PermissionDenied, ValidationFailed


def _refused(world, **kwargs) -> ValidationFailed:
    before = counts()
    with pytest.raises(ValidationFailed) as caught:
        make_draft(world, **kwargs)
    assert counts() == before
    return caught.value


def test_it_creates_a_draft_with_its_file(world):
    doc = make_draft(world, recipients=[world.stc])
    assert doc.status == Status.DRAFT and doc.direction == "outgoing"
    assert doc.issuer_name == world.ubnd.name and doc.issuer_code == world.ubnd.code
    assert doc.number is None and doc.reference == ""
    assert list(doc.recipient_agencies.all()) == [world.stc]
    main = doc.files.get()
    assert (main.kind, main.mime_type, main.version) == ("main", PDF, 1)


def test_it_rejects_png_bytes_named_pdf(world):
    error = _refused(world, file_name="du-thao.pdf", file_content=files.PNG_1PX)
    assert "ảnh PNG không được dùng ở đây" in error.errors["file"]


def test_it_rejects_a_docx_named_pdf(world):
    error = _refused(world, file_name="du-thao.pdf", file_content=files.docx())
    assert "không khớp nội dung" in error.errors["file"]


def test_it_rejects_an_empty_file(world):
    error = _refused(world, file_content=b"")
    assert "rỗng" in error.errors["file"]


def test_it_rejects_an_oversized_file(world, settings):
    settings.VANTHU_MAX_UPLOAD_BYTES = 1000
    error = _refused(world, file_content=files.pdf())
    assert "vượt quá dung lượng cho phép" in error.errors["file"]
    # The limit is stated in a unit the reader can use, not rounded down to "(0 MB)".
    assert "(1000 byte)" in error.errors["file"]


def test_it_rejects_an_encrypted_pdf(world):
    error = _refused(world, file_content=files.encrypted_pdf())
    assert "mã hóa" in error.errors["file"]


def test_it_rejects_a_corrupt_pdf(world):
    pdf = files.pdf()
    error = _refused(world, file_content=pdf[: len(pdf) // 2])
    assert "Tệp PDF bị hỏng" in error.errors["file"]


def test_it_rejects_an_unknown_format(world):
    error = _refused(world, file_name="du-thao.txt", file_content="Công văn".encode())
    assert "Không nhận dạng được định dạng" in error.errors["file"]


def test_it_rejects_missing_subject_and_unknown_type(world):
    error = _refused(world, subject="   ", doc_type_code="XYZ")
    assert error.errors["subject"] == "Chưa nhập trích yếu nội dung."
    assert "XYZ" in error.errors["doc_type"] and "không tồn tại" in error.errors["doc_type"]


def test_it_rejects_a_missing_type(world):
    error = _refused(world, doc_type_code="")
    assert error.errors["doc_type"] == "Chưa chọn loại văn bản."


def test_it_rejects_a_signer_who_is_not_an_agency_leader(world):
    error = _refused(world, signer=world.dept_leader_ubnd)
    assert error.errors["signer"] == "Người ký phải là lãnh đạo của cơ quan."


def test_it_rejects_a_leader_of_another_agency_as_signer(world):
    error = _refused(world, signer=world.leader_stc)
    assert "lãnh đạo của cơ quan" in error.errors["signer"]


def test_it_rejects_a_missing_signer(world):
    error = _refused(world, signer=None)
    assert error.errors["signer"] == "Chưa chọn người ký."


def test_it_rejects_a_secret_document_addressed_to_electronic_recipients(world):
    error = _refused(world, secrecy="confidential", recipients=[world.stc])
    assert "Văn bản mật không được gửi điện tử" in error.errors["recipients"]


def test_it_rejects_a_secret_reader_from_outside_the_agency(world):
    error = _refused(world, secrecy="confidential", named_readers=[world.outsider])
    assert error.errors["named_readers"] == "Người được xem văn bản mật phải là cán bộ của cơ quan."
    error = _refused(world, secrecy="confidential", named_readers=[world.clerk_stc])
    assert "named_readers" in error.errors


def test_it_names_creator_signer_and_readers_of_a_secret_draft(world):
    doc = make_draft(world, secrecy="confidential", named_readers=[world.clerk_ubnd])
    assert set(doc.named_readers.all()) == {
        world.specialist_ubnd,
        world.leader_ubnd,
        world.clerk_ubnd,
    }


def test_it_rejects_a_department_of_another_agency(world):
    error = _refused(world, department=world.ns_stc)
    assert "Đơn vị soạn thảo" in error.errors["department"]


def test_it_rejects_a_draft_without_recipients(world):
    error = _refused(world, recipients_text="  ")
    assert error.errors["recipients"] == "Chưa nhập nơi nhận."


def test_it_reports_every_error_at_once(world):
    error = _refused(world, subject="", signer=world.specialist_ubnd, file_content=b"")
    assert set(error.errors) == {"subject", "signer", "file"}


def test_it_refuses_a_person_without_a_role_in_the_agency(world):
    before = counts()
    with pytest.raises(PermissionDenied):
        make_draft(world, user=world.outsider)
    with pytest.raises(PermissionDenied):
        make_draft(world, user=world.specialist_stc)
    assert counts() == before


def test_it_accepts_a_docx_draft(world):
    doc = make_draft(world, file_name="Du thao.DOCX", file_content=files.docx())
    assert doc.files.get().mime_type == DOCX
