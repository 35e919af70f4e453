"""Update (edXML business type 2): corrected metadata and/or a replacing signed PDF; the
recipient sees the differences and agrees (applied to its copy) or refuses (nothing
changes)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader, PdfWriter

from tests import files
from tests.recalls.helpers import events_of, fresh, issue_to, timeline
from vanthu.audit.models import AuditEvent
from vanthu.documents.files import current_main, issued_files
from vanthu.documents.models import FileVersion
from vanthu.documents.numbering import local_today
from vanthu.errors import ValidationFailed
from vanthu.recalls import actions
from vanthu.recalls.fields import differences
from vanthu.recalls.models import ExchangeRequest, ReceivedRequest

pytestmark = pytest.mark.django_db

NEW_SUBJECT = "Về việc đề nghị bổ sung kinh phí năm 2026 (đính chính)"


def _corrected_pdf() -> tuple[str, bytes]:
    """A two-page PDF (the issued one has one page): the page count changes with it."""
    writer = PdfWriter()
    for text in ("Công văn đã đính chính", "Trang hai"):
        writer.add_page(PdfReader(io.BytesIO(files.pdf([text]))).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return "cong-van-dinh-chinh.pdf", out.getvalue()


def test_update_agreed_applies_the_changes_and_the_new_file(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    due = local_today() + timedelta(days=10)
    old_main = current_main(incoming)

    (request,) = actions.request_update(
        world.clerk_ubnd,
        doc,
        {"subject": NEW_SUBJECT, "due_on": due, "urgency": "urgent"},
        _corrected_pdf(),
        reason="Đính chính trích yếu và hạn xử lý.",
    )
    # The sender's own document is corrected at once, with the new main version.
    doc = fresh(doc)
    assert doc.subject == NEW_SUBJECT and doc.due_on == due and doc.urgency == "urgent"
    sender_main = current_main(doc)
    assert (
        request.new_file == sender_main and sender_main.original_name == "cong-van-dinh-chinh.pdf"
    )
    assert request.changes == {
        "subject": NEW_SUBJECT,
        "due_on": due.isoformat(),
        "urgency": "urgent",
        "page_amount": 2,
    }
    assert sender_main.signature_checks.get().verdict == "unsigned"
    # No recall status for an update: the timeline shows only the answer.
    assert timeline(doc, world.stc) == ["01"]

    received = ReceivedRequest.objects.get(incoming=incoming)
    staged = received.new_file
    assert staged.document == incoming and staged.version == 0
    assert staged.storage_name == sender_main.storage_name
    # Staged, not current: the copy still shows (and would forward) its old file.
    assert current_main(incoming) == old_main
    rows = {r["field"]: r for r in differences(incoming, received.changes)}
    assert rows["subject"]["old"] == incoming.subject and rows["subject"]["new"] == NEW_SUBJECT
    assert rows["urgency"]["new"] == "Khẩn"
    assert rows["due_on"]["new"] == due.strftime("%d/%m/%Y")

    actions.answer_request(world.clerk_stc, received, agree=True, note="Đã cập nhật.")
    copy = fresh(incoming)
    assert copy.subject == NEW_SUBJECT and copy.due_on == due and copy.urgency == "urgent"
    assert copy.page_amount == 2
    main = current_main(copy)
    assert main.pk == staged.pk and main.version == old_main.version + 1
    assert [f.pk for f in issued_files(copy)] == [main.pk]
    assert "dinh chinh" in copy.search_text
    assert timeline(doc, world.stc) == ["01", "15"]
    request.refresh_from_db()
    assert request.state == "agreed"
    updated = AuditEvent.objects.get(action="recalls.copy_updated")
    assert updated.before["subject"] != NEW_SUBJECT and updated.after["subject"] == NEW_SUBJECT
    assert updated.after["file"]["version"] == main.version
    assert events_of(doc)[-2:] == ["recalls.update_requested", "recalls.recipient_agreed"]


def test_update_refused_changes_nothing_and_drops_the_staged_file(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    before = (incoming.subject, current_main(incoming).pk)
    actions.request_update(world.clerk_ubnd, doc, {"subject": NEW_SUBJECT}, _corrected_pdf())
    received = ReceivedRequest.objects.get(incoming=incoming)
    staged_pk = received.new_file_id
    note = "Nội dung đính chính chưa đúng với bản giấy đã nhận."
    actions.answer_request(world.clerk_stc, received, agree=False, note=note)
    copy = fresh(incoming)
    assert (copy.subject, current_main(copy).pk) == before
    assert not FileVersion.objects.filter(pk=staged_pk).exists()
    assert timeline(doc, world.stc) == ["01", "16"]
    assert ExchangeRequest.objects.get().state == "refused"
    # The sender's corrected document stays corrected: it is the agency's own decision.
    assert fresh(doc).subject == NEW_SUBJECT


def test_metadata_only_update_keeps_the_file(world):
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]
    main = current_main(incoming)
    (request,) = actions.request_update(
        world.leader_ubnd, doc, {"signer_position": "Phó Chủ tịch", "signing_capacity": "KT."}
    )
    assert request.new_file is None and request.reason == "Cập nhật văn bản điện tử"
    actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=True)
    copy = fresh(incoming)
    assert (copy.signer_position, copy.signing_capacity) == ("Phó Chủ tịch", "KT.")
    assert current_main(copy) == main


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"notation": "UBND-TC"}, "notation", "Không được sửa «notation» sau khi phát hành"),
        ({"issued_on": "2026-01-01"}, "issued_on", "hãy ban hành văn bản thay thế"),
        ({"subject": "   "}, "subject", "Trích yếu không được để trống."),
        ({"urgency": "rat_khan"}, "urgency", "Độ khẩn không hợp lệ."),
        ({"due_on": "2020-01-01"}, "due_on", "Hạn xử lý không thể ở quá khứ."),
        ({"due_on": "ngày mai"}, "due_on", "Hạn xử lý không phải là ngày hợp lệ."),
        ({"page_amount": 0}, "page_amount", "Giá trị phải từ 1 đến 999."),
        ({"signing_capacity": "XX."}, "signing_capacity", "Thẩm quyền ký không hợp lệ"),
        ({}, "changes", "Chưa có thông tin nào thay đổi"),
    ],
)
def test_it_rejects_bad_changes(world, changes, field, message):
    doc, _ = issue_to(world, world.stc)
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(world.clerk_ubnd, doc, changes)
    assert message in exc.value.errors[field]
    assert not ExchangeRequest.objects.exists() and not ReceivedRequest.objects.exists()


def test_unchanged_values_are_not_changes(world):
    doc, _ = issue_to(world, world.stc)
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(
            world.clerk_ubnd, doc, {"subject": doc.subject, "urgency": doc.urgency}
        )
    assert set(exc.value.errors) == {"changes"}


def test_it_rejects_a_replacing_file_that_is_not_a_pdf(world):
    doc, _ = issue_to(world, world.stc)
    versions = FileVersion.objects.filter(document=doc).count()
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(world.clerk_ubnd, doc, {}, ("sua.docx", files.docx()))
    assert "không được dùng ở đây" in exc.value.errors["file"]
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(world.clerk_ubnd, doc, {}, ("sua.pdf", files.encrypted_pdf()))
    assert "mã hóa" in exc.value.errors["file"]
    assert FileVersion.objects.filter(document=doc).count() == versions
