"""The work-file pages: who may open which page (others get 404), and the forms calling the
actions with Vietnamese messages."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from tests.documents.helpers import register
from tests.workfiles.helpers import draft_reply, incoming_for_specialist, open_file
from vanthu.audit.models import AuditEvent
from vanthu.workfiles import actions
from vanthu.workfiles.models import ReplyLink, WorkFile
from vanthu.workfiles.queries import workfile_panel_context


@pytest.fixture
def wf(world):
    return open_file(world)


def _detail(wf) -> str:
    return reverse("workfiles:detail", args=[wf.public_id])


def _action(wf, name: str) -> str:
    return reverse("workfiles:action", args=[wf.public_id, name])


def test_detail_is_shown_to_the_owner_and_leaders_only(client, world, wf):
    for allowed in (world.specialist_ubnd, world.dept_leader_ubnd, world.leader_ubnd):
        client.force_login(allowed)
        page = client.get(_detail(wf))
        assert page.status_code == 200, allowed
        assert "KT-2026-05" in page.content.decode()
    for denied in (world.specialist2_ubnd, world.clerk_ubnd, world.leader_stc, world.outsider):
        client.force_login(denied)
        assert client.get(_detail(wf)).status_code == 404, denied
        assert client.post(_action(wf, "add_note"), {"text": "x"}).status_code == 404
        assert client.get(reverse("workfiles:catalogue", args=[wf.public_id])).status_code == 404
    assert not wf.items.exists()


def test_list_shows_my_files_and_my_departments(client, world, wf):
    other = open_file(world, user=world.specialist2_ubnd, department=world.vp_ubnd, code="VP-01")
    client.force_login(world.specialist_ubnd)
    html = client.get(reverse("workfiles:list")).content.decode()
    assert "KT-2026-05" in html and "VP-01" not in html
    client.force_login(world.dept_leader_ubnd)
    html = client.get(reverse("workfiles:list")).content.decode()
    assert "KT-2026-05" in html and "VP-01" not in html
    client.force_login(world.leader_ubnd)
    html = client.get(reverse("workfiles:list"), {"status": "open"}).content.decode()
    assert "KT-2026-05" in html and "VP-01" in html
    actions.add_note(world.specialist2_ubnd, other, "Ghi chú")
    actions.close_workfile(world.specialist2_ubnd, other)
    html = client.get(reverse("workfiles:list"), {"status": "closed"}).content.decode()
    assert "VP-01" in html and "KT-2026-05" not in html
    client.force_login(world.outsider)
    html = client.get(reverse("workfiles:list")).content.decode()
    assert "Chưa có hồ sơ nào" in html and "Mở hồ sơ mới" not in html


def test_create_form_opens_a_file(client, world):
    client.force_login(world.specialist_ubnd)
    page = client.get(reverse("workfiles:create"))
    assert page.status_code == 200 and 'value="KT-2026-01"' in page.content.decode()
    bad = client.post(
        reverse("workfiles:create"),
        {"department": world.kt_ubnd.pk, "code": "KT 01", "title": "Hồ sơ"},
    )
    assert bad.status_code == 200 and "chỉ gồm chữ, số" in bad.content.decode()
    assert not WorkFile.objects.exists()
    response = client.post(
        reverse("workfiles:create"),
        {"department": world.kt_ubnd.pk, "code": "KT-2026-01", "title": "Hồ sơ thu ngân sách"},
    )
    wf = WorkFile.objects.get()
    assert response.status_code == 302 and response["Location"] == _detail(wf)
    assert AuditEvent.objects.filter(action="workfile.opened", actor=world.specialist_ubnd).exists()
    # Someone else's department is not offered and not accepted.
    refused = client.post(
        reverse("workfiles:create"),
        {"department": world.vp_ubnd.pk, "code": "VP-02", "title": "Hồ sơ"},
    )
    assert refused.status_code == 200 and WorkFile.objects.count() == 1


def test_create_form_is_hidden_from_people_who_cannot_open_files(client, world):
    for user in (world.clerk_ubnd, world.leader_ubnd, world.outsider):
        client.force_login(user)
        assert client.get(reverse("workfiles:create")).status_code == 404


def test_the_whole_file_through_the_pages(client, world, wf):
    request, draft = incoming_for_specialist(world), draft_reply(world)
    client.force_login(world.specialist_ubnd)
    search = client.get(
        reverse("workfiles:search", args=[wf.public_id]), {"q": "15/STC"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert str(request.public_id) in search and str(draft.public_id) not in search
    for doc in (request, draft):
        response = client.post(_action(wf, "add_document"), {"document": doc.public_id})
        assert response.status_code == 302
    client.post(_action(wf, "add_note"), {"kind": "opinion", "text": "Thống nhất số liệu."})
    client.post(_action(wf, "link_reply"), {"reply": draft.public_id, "answers": request.public_id})
    assert ReplyLink.objects.filter(reply=draft, answers=request).exists()
    page = client.get(_detail(wf)).content.decode()
    assert "Thống nhất số liệu." in page and "15/STC-NS" in page and "trả lời" in page

    client.post(_action(wf, "close"))
    wf.refresh_from_db()
    assert wf.status == "closed"
    refused = client.post(_action(wf, "add_note"), {"text": "Muộn"}, follow=True)
    assert "Hồ sơ đã kết thúc" in refused.content.decode()
    catalogue = client.get(reverse("workfiles:catalogue", args=[wf.public_id])).content.decode()
    assert "Mục lục văn bản" in catalogue and "15/STC-NS" in catalogue
    assert "báo cáo thu ngân sách" not in catalogue  # the draft is not part of the index


def test_catalogue_of_an_open_file_sends_back_to_the_file(client, world, wf):
    client.force_login(world.specialist_ubnd)
    response = client.get(reverse("workfiles:catalogue", args=[wf.public_id]))
    assert response.status_code == 302 and response["Location"] == _detail(wf)


def test_an_invisible_document_is_masked_for_the_department_leader(client, world, wf):
    request = incoming_for_specialist(world, subject="Về việc riêng của chuyên viên")
    actions.add_document(world.specialist_ubnd, wf, request)
    client.force_login(world.dept_leader_ubnd)
    html = client.get(_detail(wf)).content.decode()
    assert "văn bản bạn không có quyền xem" in html and "việc riêng" not in html


def test_refusals_are_shown_as_messages(client, world, wf):
    client.force_login(world.specialist_ubnd)
    hidden = register(world, number_text="77")
    shown = client.post(_action(wf, "add_document"), {"document": hidden.public_id}, follow=True)
    assert "Không tìm thấy văn bản hoặc bạn không có quyền xem." in shown.content.decode()
    empty = client.post(_action(wf, "close"), follow=True).content.decode()
    assert "Hồ sơ chưa có văn bản" in empty
    assert client.post(_action(wf, "no_such_thing")).status_code == 404
    assert not wf.items.exists()


def test_document_page_panel_and_form(client, world, wf):
    request = incoming_for_specialist(world)
    rf = RequestFactory().get("/")
    rf.user = world.specialist_ubnd
    context = workfile_panel_context(world.specialist_ubnd, request)
    html = render_to_string(
        "workfiles/_document_panel.html", {"panel": context["workfile_panel"]}, request=rf
    )
    assert "Thêm vào hồ sơ" in html and str(wf.public_id) in html

    client.force_login(world.specialist_ubnd)
    url = reverse("workfiles:file_document", args=[request.public_id])
    response = client.post(url, {"work_file": wf.public_id})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:document_detail", args=[request.public_id])
    assert wf.items.get().document == request
    context = workfile_panel_context(world.specialist_ubnd, request)["workfile_panel"]
    assert context["files"] == [wf] and context["targets"] == []

    # Someone who cannot see the document gets 404; one who sees it but not the file, a message.
    client.force_login(world.specialist2_ubnd)
    assert client.post(url, {"work_file": wf.public_id}).status_code == 404
    client.force_login(world.clerk_ubnd)
    assert client.post(url, {"work_file": wf.public_id}).status_code == 302
    # Read the message on a page of ours (the document page is the lead's).
    shown = client.get(reverse("workfiles:list")).content.decode()
    assert "Không tìm thấy hồ sơ hoặc bạn không có quyền với hồ sơ đó." in shown
    assert wf.items.count() == 1


def test_panel_lists_the_reply_links(world, wf):
    request, draft = incoming_for_specialist(world), draft_reply(world)
    actions.add_document(world.specialist_ubnd, wf, request)
    actions.add_document(world.specialist_ubnd, wf, draft)
    actions.link_reply(world.specialist_ubnd, wf, draft, request)
    on_request = workfile_panel_context(world.specialist_ubnd, request)["workfile_panel"]
    on_draft = workfile_panel_context(world.specialist_ubnd, draft)["workfile_panel"]
    assert on_request["replies"] == [draft] and on_draft["answers"] == [request]
    # The department leader sees the draft of the department but not the request.
    assert workfile_panel_context(world.dept_leader_ubnd, draft)["workfile_panel"]["answers"] == []
