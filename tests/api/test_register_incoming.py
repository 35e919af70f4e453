"""POST /documents/incoming: a clerk registers a received document (multipart)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests import files
from tests.api.conftest import incoming_form, upload
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document, FileVersion


def test_a_clerk_registers_an_incoming_document(world, api):
    response = api(world.clerk_ubnd).post_form(
        "/documents/incoming", incoming_form(agency=world.ubnd.code)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    doc = Document.objects.get(public_id=body["id"])
    assert doc.agency == world.ubnd and doc.created_by == world.clerk_ubnd
    assert body["status"] == "registered"
    assert body["arrival_number"] == 1
    assert body["reference"] == "125/STC-NS"
    assert body["channel"] == "paper"
    assert body["files"][0]["name"] == "cong-van-125.pdf"
    assert body["files"][0]["page_count"] == 1
    event = AuditEvent.objects.get(object_id=str(doc.public_id))
    assert (event.action, event.actor, event.note) == (
        "document.registered",
        world.clerk_ubnd,
        "Số đến 01",
    )


def test_the_agency_defaults_to_the_only_one_where_the_user_is_clerk(world, api):
    response = api(world.clerk_stc).post_form("/documents/incoming", incoming_form())
    assert response.status_code == 201
    assert response.json()["agency"]["code"] == world.stc.code


def test_a_non_clerk_is_refused_and_nothing_is_saved(world, api):
    form = incoming_form(agency=world.ubnd.code)
    response = api(world.specialist_ubnd).post_form("/documents/incoming", form)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not Document.objects.exists()


def test_an_outsider_is_refused(world, api):
    response = api(world.outsider).post_form("/documents/incoming", incoming_form())
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "Bạn không có vai trò phù hợp ở cơ quan nào."
    form = incoming_form(agency=world.ubnd.code, file=upload("a.pdf", files.pdf()))
    assert api(world.outsider).post_form("/documents/incoming", form).status_code == 403
    assert not Document.objects.exists()


def test_a_clerk_cannot_register_into_another_agency(world, api):
    form = incoming_form(agency=world.stc.code)
    assert api(world.clerk_ubnd).post_form("/documents/incoming", form).status_code == 403
    assert not Document.objects.exists()


def test_an_unknown_agency_code_is_a_field_error(world, api):
    response = api(world.clerk_ubnd).post_form(
        "/documents/incoming", incoming_form(agency="999.99.99.H99")
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "agency": "Không có cơ quan mã định danh «999.99.99.H99»."
    }


def test_missing_subject_is_400_in_vietnamese_and_nothing_saved(world, api):
    before = Document.objects.count()
    response = api(world.clerk_ubnd).post_form("/documents/incoming", incoming_form(subject=None))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"] == {"subject": "Chưa nhập trích yếu nội dung."}
    assert error["message"] == "Chưa nhập trích yếu nội dung."
    assert Document.objects.count() == before
    assert not FileVersion.objects.exists()


def test_a_future_issue_date_is_refused(world, api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api(world.clerk_ubnd).post_form(
        "/documents/incoming", incoming_form(issued_on=tomorrow)
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "issued_on": "Ngày ban hành không thể ở tương lai."
    }
    assert Document.objects.count() == 0


def test_a_pdf_that_is_really_a_png_is_refused(world, api):
    form = incoming_form(file=upload("cong-van.pdf", files.PNG_1PX))
    response = api(world.clerk_ubnd).post_form("/documents/incoming", form)
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["file"]
    assert message.startswith("Phần mở rộng «.pdf» của tệp «cong-van.pdf» không khớp nội dung")
    assert Document.objects.count() == 0
    assert not FileVersion.objects.exists()


def test_field_errors_use_the_api_field_names(world, api):
    response = api(world.clerk_ubnd).post_form(
        "/documents/incoming", incoming_form(code_number="12a", doc_type="KHONGCO")
    )
    fields = response.json()["error"]["fields"]
    assert fields["code_number"] == "Số văn bản chỉ gồm chữ số."
    assert fields["doc_type"] == "Loại văn bản «KHONGCO» không tồn tại."


def test_a_likely_duplicate_needs_confirmation(world, api):
    client = api(world.clerk_ubnd)
    assert client.post_form("/documents/incoming", incoming_form()).status_code == 201
    again = client.post_form("/documents/incoming", incoming_form())
    assert again.status_code == 400
    error = again.json()["error"]
    assert error["code"] == "duplicate_suspected"
    assert "125/STC-NS (số đến 01)" in error["message"]
    assert Document.objects.count() == 1
    confirmed = client.post_form("/documents/incoming", incoming_form(confirm_duplicate="true"))
    assert confirmed.status_code == 201
    assert confirmed.json()["arrival_number"] == 2


def test_request_shape_errors_are_422_in_the_same_shape(world, api):
    client = api(world.clerk_ubnd)
    no_file = incoming_form(file=None)
    response = client.post_form("/documents/incoming", no_file)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"file": "Thiếu trường bắt buộc."}
    bad = client.post_form("/documents/incoming", incoming_form(issued_on="5/1/2026", urgency="x"))
    fields = bad.json()["error"]["fields"]
    assert fields["issued_on"].startswith("Ngày không hợp lệ")
    assert fields["urgency"].startswith("Giá trị không hợp lệ; chấp nhận:")
    assert Document.objects.count() == 0
