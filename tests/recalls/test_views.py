"""The screens: the panel on the outgoing document page, the recall/update/replace forms,
the banner with Agree/Refuse on the incoming copy, the clerk's list of requests."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import files
from tests.documents.helpers import make_approved, make_issued
from tests.recalls.helpers import fresh, issue_to, timeline
from vanthu.recalls import actions
from vanthu.recalls.models import ExchangeRequest, ReceivedRequest

pytestmark = pytest.mark.django_db


def _page(client, doc) -> str:
    response = client.get(reverse("web:document_detail", args=[doc.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_outgoing_page_shows_the_panel_with_its_actions(world, login):
    doc, _ = issue_to(world, world.stc, world.xa)
    page = _page(login(world.clerk_ubnd), doc)
    assert 'id="recall-panel"' in page and "Thu hồi / Cập nhật / Thay thế" in page
    for name in ("recall", "update", "replace"):
        assert reverse(f"recalls:{name}", args=[doc.public_id]) in page
    assert page.count("Chưa có yêu cầu.") == 2
    # The drafter sees the document and its requests, not the actions.
    page = _page(login(world.specialist_ubnd), doc)
    assert 'id="recall-panel"' in page
    assert reverse("recalls:recall", args=[doc.public_id]) not in page


def test_recall_through_the_forms_from_request_to_destruction(world, client):
    doc, copies = issue_to(world, world.stc, world.xa)
    url = reverse("recalls:recall", args=[doc.public_id])
    client.force_login(world.clerk_ubnd)
    form = client.get(url).content.decode()
    assert "Lý do thu hồi" in form and 'value="000.05.00.H41" checked' in form

    refused = client.post(url, {"reason": "", "recipients": [world.stc.code]})
    assert refused.status_code == 400
    assert "Hãy nêu lý do thu hồi văn bản." in refused.content.decode()
    nobody = client.post(url, {"reason": "Sai thẩm quyền."})
    assert "Hãy chọn ít nhất một nơi nhận." in nobody.content.decode()
    assert not ExchangeRequest.objects.exists()

    done = client.post(
        url, {"reason": "Sai thẩm quyền.", "recipients": [world.stc.code]}, follow=True
    )
    assert "Đã gửi yêu cầu thu hồi văn bản đến Sở Tài chính tỉnh Nghệ An." in done.content.decode()
    assert timeline(doc, world.stc) == ["01", "13"] and timeline(doc, world.xa) == ["01"]
    page = _page(client, doc)
    assert "Sai thẩm quyền." in page and "Chờ trả lời" in page
    # The form now shows the pending recipient as unavailable, with the reason.
    assert "đang có yêu cầu thu hồi chờ trả lời" in client.get(url).content.decode()

    incoming = copies[world.stc.code]
    client.force_login(world.clerk_stc)
    banner = _page(client, incoming)
    assert "Cơ quan gửi yêu cầu thu hồi văn bản" in banner and "Sai thẩm quyền." in banner
    assert "Đồng ý thu hồi (hủy văn bản)" in banner and "Từ chối" in banner
    received = ReceivedRequest.objects.get()
    answer = reverse("recalls:answer", args=[received.public_id])
    no_note = client.post(answer, {"decision": "refuse", "note": ""})
    assert no_note.status_code == 400
    assert "Hãy nêu lý do từ chối để báo lại cơ quan gửi." in no_note.content.decode()

    agreed = client.post(answer, {"decision": "agree"}, follow=True)
    text = agreed.content.decode()
    assert "Đã đồng ý thu hồi" in text and "Văn bản đã bị thu hồi" in text
    assert fresh(incoming).status == "recalled"
    assert timeline(doc, world.stc) == ["01", "13", "15"]
    client.force_login(world.clerk_ubnd)
    assert "Đã đồng ý" in _page(client, doc)


def test_refusal_through_the_banner_reaches_the_sender(world, client):
    doc, copies = issue_to(world, world.stc)
    actions.request_recall(world.clerk_ubnd, doc, "Sai thẩm quyền.")
    client.force_login(world.clerk_stc)
    received = ReceivedRequest.objects.get()
    note = "Văn bản đã được thực hiện."
    response = client.post(
        reverse("recalls:answer", args=[received.public_id]),
        {"decision": "refuse", "note": note},
        follow=True,
    )
    assert "Đã từ chối yêu cầu và báo lại cơ quan gửi." in response.content.decode()
    client.force_login(world.leader_ubnd)
    page = _page(client, doc)
    assert "Đã từ chối" in page and f"Trả lời: {note}" in page


def test_update_form_sends_changes_and_the_recipient_sees_the_differences(world, client):
    doc, copies = issue_to(world, world.stc)
    url = reverse("recalls:update", args=[doc.public_id])
    client.force_login(world.clerk_ubnd)
    form = client.get(url).content.decode()
    assert doc.subject in form and "Tệp PDF thay thế (đã ký số)" in form

    data = {
        "subject": doc.subject,
        "urgency": doc.urgency,
        "signing_capacity": doc.signing_capacity,
        "signer_position": doc.signer_position,
        "signer_name": doc.signer_name,
        "page_amount": doc.page_amount,
        "recipients": [world.stc.code],
    }
    unchanged = client.post(url, data)
    assert unchanged.status_code == 400
    assert "Chưa có thông tin nào thay đổi và chưa chọn tệp mới." in unchanged.content.decode()
    not_pdf = client.post(url, {**data, "file": SimpleUploadedFile("sua.docx", files.docx())})
    assert "Loại tệp Word (.docx) không được dùng ở đây" in not_pdf.content.decode()

    new_subject = "Về việc bổ sung kinh phí năm 2026 (đính chính)"
    upload = SimpleUploadedFile("dinh-chinh.pdf", files.pdf(["Bản đính chính"]))
    done = client.post(
        url, {**data, "subject": new_subject, "urgency": "urgent", "file": upload}, follow=True
    )
    text = done.content.decode()
    assert "Đã cập nhật văn bản và gửi yêu cầu cập nhật đến Sở Tài chính tỉnh Nghệ An." in text
    assert "Tệp mới: Chưa ký số" in text

    client.force_login(world.clerk_stc)
    banner = _page(client, copies[world.stc.code])
    assert "Cơ quan gửi yêu cầu cập nhật văn bản" in banner
    assert f"<del>{doc.subject}</del>" in banner and f"<ins>{new_subject}</ins>" in banner
    assert "<ins>Khẩn</ins>" in banner and "dinh-chinh.pdf" in banner
    received = ReceivedRequest.objects.get()
    client.post(reverse("recalls:answer", args=[received.public_id]), {"decision": "agree"})
    assert fresh(copies[world.stc.code]).subject == new_subject


def test_replace_form_searches_and_links_the_new_document(world, client):
    old, copies = issue_to(world, world.stc)
    new = make_issued(world, recipients=[], subject="Về việc thay thế công văn số 01")
    url = reverse("recalls:replace", args=[old.public_id])
    client.force_login(world.clerk_ubnd)
    form = client.get(url).content.decode()
    options = form.split("<select")[1].split("</select>")[0]
    assert str(new.public_id) in options and str(old.public_id) not in options

    found = client.get(
        url, {"q": "thay the"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="id_replacement"
    )
    assert found.status_code == 200 and str(new.public_id) in found.content.decode()
    assert "<form" not in found.content.decode()
    nothing = client.get(
        url, {"q": "khong co"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="id_replacement"
    )
    assert "Không tìm thấy văn bản đã phát hành nào" in nothing.content.decode()

    missing = client.post(url, {"reason": "Thay thế.", "recipients": [world.stc.code]})
    assert missing.status_code == 400 and "Hãy chọn văn bản thay thế." in missing.content.decode()
    done = client.post(
        url,
        {"replacement": str(new.public_id), "reason": "Thay thế.", "recipients": [world.stc.code]},
        follow=True,
    )
    assert f"Đã gửi văn bản {new.reference} thay thế đến Sở Tài chính tỉnh Nghệ An." in (
        done.content.decode()
    )
    client.force_login(world.clerk_stc)
    received = ReceivedRequest.objects.get()
    client.post(reverse("recalls:answer", args=[received.public_id]), {"decision": "agree"})
    page = _page(client, copies[world.stc.code])
    assert "Văn bản đã bị thay thế" in page
    assert reverse("web:document_detail", args=[received.replacement.public_id]) in page


@pytest.mark.parametrize("persona", ["outsider", "specialist_stc", "clerk_stc", "specialist_ubnd"])
def test_the_forms_are_not_found_for_others(world, client, persona):
    doc, _ = issue_to(world, world.stc)
    client.force_login(getattr(world, persona))
    for name in ("recall", "update", "replace"):
        assert client.get(reverse(f"recalls:{name}", args=[doc.public_id])).status_code == 404
        assert client.post(reverse(f"recalls:{name}", args=[doc.public_id]), {}).status_code == 404
    assert not ExchangeRequest.objects.exists()


def test_a_document_not_issued_is_sent_back_with_a_message(world, client):
    approved = make_approved(world, recipients=[world.stc])
    client.force_login(world.clerk_ubnd)
    response = client.get(reverse("recalls:recall", args=[approved.public_id]), follow=True)
    assert "Chỉ văn bản đi đã phát hành mới thu hồi" in response.content.decode()


def test_only_the_recipients_clerk_answers(world, client):
    doc, copies = issue_to(world, world.stc)
    actions.request_recall(world.clerk_ubnd, doc, "Sai thẩm quyền.")
    url = reverse("recalls:answer", args=[ReceivedRequest.objects.get().public_id])
    for persona in ("clerk_ubnd", "outsider", "specialist_stc"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404
        assert client.post(url, {"decision": "agree"}).status_code == 404
    # The recipient's leader sees the copy and the request, but the clerk answers.
    client.force_login(world.leader_stc)
    page = client.get(url).content.decode()
    assert "Sai thẩm quyền." in page and 'value="agree"' not in page
    assert client.post(url, {"decision": "agree"}).status_code == 404
    assert ReceivedRequest.objects.get().state == "pending"
    assert fresh(copies[world.stc.code]).status == "arrived"


def test_the_clerks_list_shows_what_waits_on_each_side(world, client):
    doc, copies = issue_to(world, world.stc)
    actions.request_recall(world.clerk_ubnd, doc, "Sai thẩm quyền.")
    url = reverse("recalls:pending")
    client.force_login(world.clerk_stc)
    page = client.get(url).content.decode()
    received = ReceivedRequest.objects.get()
    assert reverse("recalls:answer", args=[received.public_id]) in page
    assert "Chờ cơ quan trả lời (1)" in page
    client.force_login(world.clerk_ubnd)
    page = client.get(url).content.decode()
    assert "Đã gửi, chờ nơi nhận trả lời (1)" in page and "Sở Tài chính tỉnh Nghệ An" in page
    for persona in ("outsider", "specialist_ubnd"):
        client.force_login(getattr(world, persona))
        assert client.get(url).status_code == 404
