"""The handling slip and the handler's work through the API: assign, list, progress and
complete, and the ways they must refuse (bad input, the wrong person, an invisible line)."""

from __future__ import annotations

from datetime import timedelta

from tests.processing.helpers import registered_at_ubnd
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Status
from vanthu.documents.numbering import local_today
from vanthu.processing.models import Assignment


def _slip(world, **overrides) -> dict:
    body = {
        "lead": {"user": str(world.specialist_ubnd.public_id)},
        "co": [{"department": "KT"}],
        "due_working_days": 5,
        "directive": "Tham mưu văn bản trả lời trước hạn.",
    }
    body.update(overrides)
    return body


def test_the_leader_assigns_and_the_handler_reports_progress_and_completion(world, api):
    doc = registered_at_ubnd(world)
    response = api(world.leader_ubnd).post(f"/documents/{doc.public_id}/assignments", _slip(world))
    assert response.status_code == 201, response.content
    lines = response.json()
    assert [(line["role"], line["assignee"]["kind"]) for line in lines] == [
        ("lead", "user"),
        ("co", "department"),
    ]
    lead = lines[0]
    assert lead["assignee"]["name"] == world.specialist_ubnd.full_name
    assert lead["assigned_by"]["full_name"] == world.leader_ubnd.full_name
    assert lead["directive"] == "Tham mưu văn bản trả lời trước hạn."
    assert lead["due_on"] > local_today().isoformat() and lead["overdue"] is False
    doc.refresh_from_db()
    assert doc.status == Status.FORWARDED

    handler = api(world.specialist_ubnd)
    mine = handler.get("/assignments").json()
    assert [item["id"] for item in mine["items"]] == [lead["id"]]
    assert mine["items"][0]["document"]["id"] == str(doc.public_id)
    # The department's line goes to its leader's list, not the specialist's.
    department_line = api(world.dept_leader_ubnd).get("/assignments").json()["items"]
    assert [item["id"] for item in department_line] == [lines[1]["id"]]

    progress = handler.post(f"/assignments/{lead['id']}/progress", {"text": "Đã dự thảo"})
    assert progress.status_code == 200 and progress.json()["status"] == "in_progress"
    done = handler.post(f"/assignments/{lead['id']}/complete", {"result_note": "Đã trả lời"})
    assert done.status_code == 200
    assert done.json()["status"] == "done" and done.json()["result_note"] == "Đã trả lời"
    # The lead's completion closes the slip: nothing is left open for anyone.
    assert not Assignment.objects.filter(document=doc, status__in=["open", "in_progress"])
    assert handler.get("/assignments").json()["count"] == 0
    actions = AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list(
        "action", flat=True
    )
    assert {"processing.assigned", "processing.progress"} <= set(actions)


def test_bad_slips_are_refused_field_by_field_and_create_nothing(world, api):
    doc = registered_at_ubnd(world)
    leader = api(world.leader_ubnd)
    path = f"/documents/{doc.public_id}/assignments"

    both = leader.post(path, _slip(world, due_on=local_today().isoformat()))
    assert both.status_code == 400
    assert "due_on" in both.json()["error"]["fields"]

    unknown = leader.post(
        path,
        _slip(
            world,
            lead={"user": "00000000-0000-0000-0000-000000000000"},
            co=[{"department": "KHONG-CO"}],
        ),
    )
    assert unknown.status_code == 400
    fields = unknown.json()["error"]["fields"]
    assert fields["lead"].startswith("Không tìm thấy người dùng")
    assert "không có phòng, ban mã: KHONG-CO" in fields["co"]

    neither = leader.post(path, _slip(world, lead={}))
    assert neither.status_code == 400
    assert "đúng một trong hai" in neither.json()["error"]["fields"]["lead"]

    past = leader.post(
        path,
        _slip(world, due_working_days=None, due_on=(local_today() - timedelta(days=1)).isoformat()),
    )
    assert past.status_code == 400
    assert past.json()["error"]["fields"]["due_on"] == "Hạn xử lý không được trước ngày hôm nay."

    outsider_lead = leader.post(path, _slip(world, lead={"user": str(world.clerk_stc.public_id)}))
    assert outsider_lead.status_code == 400
    assert "không phải cán bộ" in outsider_lead.json()["error"]["fields"]["lead"]

    assert not Assignment.objects.filter(document=doc).exists()
    doc.refresh_from_db()
    assert doc.status == Status.REGISTERED


def test_only_those_allowed_may_assign_report_or_read(world, api):
    doc = registered_at_ubnd(world)
    path = f"/documents/{doc.public_id}/assignments"
    # The clerk who registered it sees the document, but handling slips are the leader's.
    assert api(world.clerk_ubnd).post(path, _slip(world)).status_code == 403
    # A specialist it was not forwarded to does not see it at all.
    assert api(world.specialist_ubnd).post(path, _slip(world)).status_code == 404
    # Another agency's people do not even see it.
    assert api(world.leader_stc).post(path, _slip(world)).status_code == 404
    assert api(world.outsider).post(path, _slip(world)).status_code == 404
    assert not Assignment.objects.filter(document=doc).exists()

    (lead, _co) = api(world.leader_ubnd).post(path, _slip(world)).json()
    # The co-handling department's leader sees the document, not the lead's line to report.
    refused = api(world.dept_leader_ubnd).post(
        f"/assignments/{lead['id']}/progress", {"text": "Thử"}
    )
    assert refused.status_code == 403
    # A colleague the document never reached does not see the line at all.
    other = api(world.specialist2_ubnd).post(f"/assignments/{lead['id']}/progress", {"text": "Thử"})
    assert other.status_code == 404
    assert api(world.leader_stc).get(f"/assignments/{lead['id']}").status_code == 404
    assert (
        api(world.leader_stc)
        .post(f"/assignments/{lead['id']}/complete", {"result_note": "x"})
        .status_code
        == 404
    )
    empty = api(world.specialist_ubnd).post(f"/assignments/{lead['id']}/progress", {"text": " "})
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {"text": "Hãy nhập nội dung tiến độ."}
    missing = api(world.specialist_ubnd).post(
        f"/assignments/{lead['id']}/complete",
        {"result_note": "Xong", "result_document": "00000000-0000-0000-0000-000000000000"},
    )
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {
        "result_document": "Không tìm thấy văn bản trả lời."
    }
    assert Assignment.objects.get(public_id=lead["id"]).status == "open"
