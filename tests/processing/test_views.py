"""Every processing page: allowed for the right persona, 404 for the others."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.processing.helpers import registered_at_ubnd
from vanthu.documents.numbering import local_today
from vanthu.processing.actions import assign
from vanthu.processing.models import Assignment
from vanthu.processing.selectors import document_panel, open_assignment_count

pytestmark = pytest.mark.django_db


def _slip(world, **kwargs):
    doc = registered_at_ubnd(world)
    options = {"lead": world.specialist_ubnd, "due_on": local_today() + timedelta(days=1)}
    options.update(kwargs)
    return doc, assign(world.leader_ubnd, doc, **options)


def test_assign_page_for_the_leader_only(world, login):
    doc = registered_at_ubnd(world)
    url = reverse("processing:assign", args=[doc.public_id])
    for user in (world.specialist_ubnd, world.clerk_ubnd, world.leader_stc, world.outsider):
        assert login(user).get(url).status_code == 404
    client = login(world.leader_ubnd)
    page = client.get(url)
    assert page.status_code == 200 and "Phiếu giải quyết" in page.content.decode()
    response = client.post(
        url,
        {
            "lead": "d:KT",
            "co": [f"u:{world.specialist2_ubnd.public_id}"],
            "due_working_days": "5",
            "directive": "Tham mưu trả lời trước hạn.",
        },
    )
    assert response.status_code == 302
    lead = Assignment.objects.get(role="lead")
    assert lead.assignee_department == world.kt_ubnd and lead.due_on is not None
    # The slip is filled: the page is no longer offered.
    assert client.get(url).status_code == 404


def test_assign_page_shows_refusals_in_vietnamese(world, login):
    doc = registered_at_ubnd(world)
    client = login(world.leader_ubnd)
    url = reverse("processing:assign", args=[doc.public_id])
    past = (local_today() - timedelta(days=3)).isoformat()
    response = client.post(url, {"lead": "d:KT", "due_on": past})
    assert response.status_code == 400
    assert "Hạn xử lý không được trước ngày hôm nay." in response.content.decode()
    assert client.post(url, {"due_on": ""}).status_code == 400
    assert not Assignment.objects.exists()


def test_my_tasks_lists_my_open_work_with_markers(world, login):
    _doc, (lead,) = _slip(world)
    page = login(world.specialist_ubnd).get(reverse("processing:my_tasks"))
    html = page.content.decode()
    assert page.status_code == 200 and str(lead.public_id) in html and "Sắp đến hạn" in html
    other = login(world.specialist2_ubnd).get(reverse("processing:my_tasks"))
    assert str(lead.public_id) not in other.content.decode()
    assert open_assignment_count(world.specialist_ubnd) == 1
    assert open_assignment_count(world.specialist2_ubnd) == 0


def test_overdue_list_for_agency_leaders_only(world, login):
    _doc, (lead,) = _slip(world)
    Assignment.objects.filter(pk=lead.pk).update(due_on=local_today() - timedelta(days=2))
    url = reverse("processing:overdue")
    page = login(world.leader_ubnd).get(url)
    assert page.status_code == 200 and "Quá hạn" in page.content.decode()
    assert str(lead.public_id) in page.content.decode()
    stc = login(world.leader_stc).get(url)
    assert str(lead.public_id) not in stc.content.decode()
    for user in (world.specialist_ubnd, world.dept_leader_ubnd, world.outsider):
        assert login(user).get(url).status_code == 404


def test_assignment_detail_progress_and_completion(world, login):
    _doc, (lead,) = _slip(world)
    detail = reverse("processing:assignment_detail", args=[lead.public_id])
    for user in (world.outsider, world.leader_stc, world.specialist_stc):
        assert login(user).get(detail).status_code == 404
    assert login(world.leader_ubnd).get(detail).status_code == 200  # sees, cannot act
    client = login(world.specialist_ubnd)
    assert "Báo cáo hoàn thành" in client.get(detail).content.decode()
    client.post(reverse("processing:progress", args=[lead.public_id]), {"text": "Đang làm"})
    lead.refresh_from_db()
    assert lead.status == "in_progress"
    # Someone who sees the document but was not assigned: refused, nothing changes.
    login(world.leader_ubnd).post(
        reverse("processing:complete", args=[lead.public_id]), {"result_note": "Xong"}
    )
    lead.refresh_from_db()
    assert lead.status == "in_progress"
    client = login(world.specialist_ubnd)
    client.post(reverse("processing:complete", args=[lead.public_id]), {"result_note": "Xong"})
    lead.refresh_from_db()
    assert lead.status == "done"


def test_reassign_page_for_the_department_leader(world, login):
    _doc, (lead,) = _slip(world, lead=world.kt_ubnd)
    url = reverse("processing:reassign", args=[lead.public_id])
    for user in (world.specialist_ubnd, world.leader_ubnd, world.dept_leader_stc):
        assert login(user).get(url).status_code == 404
    client = login(world.dept_leader_ubnd)
    assert client.get(url).status_code == 200
    response = client.post(url, {"lead": f"u:{world.specialist_ubnd.public_id}"})
    assert response.status_code == 302
    child = Assignment.objects.get(parent=lead)
    assert child.assignee_user == world.specialist_ubnd and child.due_on == lead.due_on


def test_document_panel_shows_the_slip_and_the_users_actions(world):
    doc, (lead,) = _slip(world)
    panel = document_panel(world.specialist_ubnd, doc)
    assert [line.pk for line in panel["lines"]] == [lead.pk]
    assert panel["lines"][0].can == {"progress", "complete"}
    assert panel["can_assign"] is False
    fresh = registered_at_ubnd(world)
    assert document_panel(world.leader_ubnd, fresh)["can_assign"] is True
    from django.template.loader import render_to_string

    html = render_to_string("processing/_document_panel.html", {"panel": panel})
    assert "Hoàng Văn Chuyên" in html and "Sắp đến hạn" in html


def test_the_document_page_shows_the_slips_deadline_beside_the_documents(world, login):
    doc = registered_at_ubnd(world, due_on=local_today() + timedelta(days=10))
    page = login(world.leader_ubnd).get(reverse("web:document_detail", args=[doc.public_id]))
    text = page.content.decode()
    assert "Hạn xử lý theo văn bản" in text and "Hạn giải quyết (phiếu giao việc)" not in text
    due = local_today() + timedelta(days=1)
    assign(world.leader_ubnd, doc, lead=world.specialist_ubnd, due_on=due)
    page = login(world.leader_ubnd).get(reverse("web:document_detail", args=[doc.public_id]))
    text = page.content.decode()
    shown = text.split('<dd id="slip-due">')[1].split("</dd>")[0]
    assert f"{due:%d/%m/%Y}" in shown and "Sắp đến hạn" in shown
    assert world.specialist_ubnd.full_name in shown
    assert f"{doc.due_on:%d/%m/%Y}" in text  # the document's own deadline stays


def test_handling_log_page_and_xlsx(world, login):
    doc, (lead,) = _slip(world)
    url = reverse("processing:handling_log")
    for user in (world.specialist_ubnd, world.dept_leader_ubnd, world.outsider):
        assert login(user).get(url).status_code == 404
    client = login(world.clerk_ubnd)
    page = client.get(url)
    assert page.status_code == 200 and "Hoàng Văn Chuyên" in page.content.decode()
    today = local_today()
    query = {"agency": world.ubnd.code, "date_from": today.replace(day=1), "date_to": today}
    export = client.get(url, {**query, "format": "xlsx"})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content)).active
    values = [c.value for c in list(sheet.iter_rows(min_row=6, max_row=6))[0]]
    assert values[0] == doc.arrival_number and values[2] == doc.reference
    assert values[4] == "Hoàng Văn Chuyên" and values[6] == "Chưa giải quyết"
    bad = client.get(url, {**query, "date_to": today - timedelta(days=400)})
    assert bad.status_code == 400
