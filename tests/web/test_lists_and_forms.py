"""Lists, search and the two entry forms, through the views, with allowed and denied users."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import files
from vanthu.documents import actions
from vanthu.documents.models import Document
from vanthu.documents.validation import Metadata


def _register(world, subject="Quyết định phê duyệt đề án đường giao thông", **kw):
    meta = Metadata(
        doc_type_code="QD",
        subject=subject,
        number_text="15",
        notation="QĐ-UBND",
        issued_on=date(2026, 3, 2),
        issuer_name="Ủy ban nhân dân tỉnh Hà Tĩnh",
        **kw,
    )
    return actions.register_incoming(
        world.clerk_ubnd, world.ubnd, meta, file_name="qd.pdf", file_content=files.pdf()
    )


def test_incoming_list_finds_without_diacritics(client, world):
    _register(world)
    client.force_login(world.clerk_ubnd)
    body = client.get(reverse("web:incoming_list"), {"q": "de an duong"}).content.decode()
    assert "Quyết định phê duyệt đề án đường giao thông" in body
    body = client.get(reverse("web:incoming_list"), {"q": "khong co gi"}).content.decode()
    assert "Không có văn bản nào phù hợp" in body


def test_incoming_list_hides_other_agencies_documents(client, world):
    _register(world)
    client.force_login(world.clerk_stc)
    assert "đường giao thông" not in client.get(reverse("web:incoming_list")).content.decode()
    client.force_login(world.outsider)
    assert "đường giao thông" not in client.get(reverse("web:incoming_list")).content.decode()


def test_list_filter_reports_a_bad_period(client, world):
    client.force_login(world.clerk_ubnd)
    body = client.get(
        reverse("web:incoming_list"), {"from": "2026-05-01", "to": "2026-04-01"}
    ).content.decode()
    assert "«Từ ngày» phải trước «Đến ngày»." in body


def test_htmx_filter_returns_only_the_rows(client, world):
    _register(world)
    client.force_login(world.clerk_ubnd)
    response = client.get(
        reverse("web:incoming_list"),
        {"q": "quyet dinh"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )
    body = response.content.decode()
    assert "<html" not in body and "đường giao thông" in body


def test_register_form_shows_vietnamese_errors_and_saves_nothing(client, world):
    client.force_login(world.clerk_ubnd)
    response = client.post(
        reverse("web:incoming_new"),
        {
            "channel": "paper",
            "doc_type": "QD",
            "subject": "Thử",
            "issuer_name": "UBND tỉnh Hà Tĩnh",
            "issued_on": "2099-01-01",
            "urgency": "normal",
            "secrecy": "normal",
            "file": SimpleUploadedFile("scan.pdf", files.PNG_1PX),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ngày ban hành không thể ở tương lai." in body
    assert "không khớp nội dung" in body
    assert Document.objects.count() == 0


def test_register_form_warns_on_duplicates_then_accepts_confirmation(client, world):
    _register(world)
    client.force_login(world.clerk_ubnd)
    data = {
        "channel": "paper",
        "doc_type": "QD",
        "subject": "Quyết định phê duyệt đề án",
        "number_text": "15",
        "notation": "QĐ-UBND",
        "issuer_name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "issued_on": "2026-03-02",
        "urgency": "normal",
        "secrecy": "normal",
    }
    response = client.post(
        reverse("web:incoming_new"), {**data, "file": SimpleUploadedFile("a.pdf", files.pdf())}
    )
    assert response.status_code == 400 and "Có thể trùng văn bản" in response.content.decode()
    response = client.post(
        reverse("web:incoming_new"),
        {**data, "confirm_duplicate": "on", "file": SimpleUploadedFile("a.pdf", files.pdf())},
    )
    assert response.status_code == 302
    assert list(
        Document.objects.order_by("arrival_number").values_list("arrival_number", flat=True)
    ) == [1, 2]


def test_register_form_is_denied_to_non_clerks(client, world):
    for persona in (world.specialist_ubnd, world.outsider):
        client.force_login(persona)
        assert client.get(reverse("web:incoming_new")).status_code == 404


def test_draft_form_is_denied_to_outsiders_and_renders_for_staff(client, world):
    client.force_login(world.outsider)
    assert client.get(reverse("web:outgoing_new")).status_code == 404
    client.force_login(world.specialist_ubnd)
    body = client.get(reverse("web:outgoing_new")).content.decode()
    assert "Trần Văn Chủ Tịch" in body and "Phòng Kinh tế" in body


def test_file_download_is_permission_checked(client, world):
    doc = _register(world)
    version = doc.files.get()
    url = reverse("web:document_file", args=[doc.public_id, version.public_id])
    client.force_login(world.clerk_ubnd)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(world.clerk_stc)
    assert client.get(url).status_code == 404


def test_dashboard_and_queues_render_for_each_role(client, world):
    for persona in (
        world.clerk_ubnd,
        world.leader_ubnd,
        world.dept_leader_ubnd,
        world.specialist_ubnd,
        world.outsider,
    ):
        client.force_login(persona)
        for name in ("web:dashboard", "web:approvals", "web:inbox", "web:outgoing_list"):
            assert client.get(reverse(name)).status_code == 200, (persona.username, name)
