"""Accept, refuse, present and forward an incoming document through the API."""

from __future__ import annotations

from tests.api.conftest import arrival_at_stc, register
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document, Forward, Status
from vanthu.exchange.models import Delivery, StatusCode


def test_the_recipient_clerk_accepts_an_arrival(world, api):
    incoming = arrival_at_stc(world)
    response = api(world.clerk_stc).act(incoming, "accept")
    assert response.status_code == 200
    assert response.json()["arrival_number"] == 1
    assert Delivery.objects.get(incoming_document=incoming).status == StatusCode.ACCEPTED


def test_accepting_is_404_outside_and_403_for_a_non_clerk(world, api):
    incoming = arrival_at_stc(world)
    assert api(world.outsider).act(incoming, "accept").status_code == 404
    assert api(world.clerk_ubnd).act(incoming, "accept").status_code == 404
    # The director sees the agency's documents, but registering is the clerk's job.
    response = api(world.leader_stc).act(incoming, "accept")
    assert response.status_code == 403
    incoming.refresh_from_db()
    assert incoming.status == Status.ARRIVED and incoming.arrival_number is None


def test_accepting_twice_is_an_invalid_transition(world, api):
    incoming = arrival_at_stc(world)
    clerk = api(world.clerk_stc)
    clerk.act(incoming, "accept")
    response = clerk.act(incoming, "accept")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_transition"


def test_the_recipient_clerk_refuses_with_a_reason(world, api):
    incoming = arrival_at_stc(world)
    clerk = api(world.clerk_stc)
    no_reason = clerk.act(incoming, "refuse")
    assert no_reason.status_code == 400
    assert no_reason.json()["error"]["fields"] == {
        "reason": "Hãy nêu lý do từ chối để gửi lại cơ quan gửi."
    }
    response = clerk.act(incoming, "refuse", reason="Gửi nhầm cơ quan")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refused" and body["refusal_reason"] == "Gửi nhầm cơ quan"
    assert Delivery.objects.get(incoming_document=incoming).status == StatusCode.REJECTED
    assert AuditEvent.objects.filter(action="document.refused", note="Gửi nhầm cơ quan").exists()


def test_refusing_is_404_for_an_outsider(world, api):
    incoming = arrival_at_stc(world)
    assert api(world.outsider).act(incoming, "refuse", reason="x").status_code == 404
    assert Document.objects.get(pk=incoming.pk).status == Status.ARRIVED


def test_the_clerk_presents_to_a_leader_who_forwards(world, api):
    doc = register(world)
    presented = api(world.clerk_ubnd).act(doc, "present", leader=str(world.leader_ubnd.public_id))
    assert presented.status_code == 200
    assert presented.json()["status"] == "presented"
    assert presented.json()["presented_to"]["full_name"] == "Trần Văn Chủ Tịch"

    leader = api(world.leader_ubnd)
    assert leader.get(f"/documents/{doc.public_id}").status_code == 200
    forwarded = leader.act(
        doc,
        "forward",
        departments=["KT"],
        users=[str(world.specialist2_ubnd.public_id)],
        note="Phòng Kinh tế chủ trì, báo cáo trước 20/01",
    )
    assert forwarded.status_code == 200
    body = forwarded.json()
    assert body["status"] == "forwarded"
    targets = {
        (f["to_department"] or {}).get("code") or f["to_user"]["id"] for f in body["forwards"]
    }
    assert targets == {"KT", str(world.specialist2_ubnd.public_id)}
    assert Forward.objects.count() == 2
    # The people it was forwarded to can now read it.
    assert api(world.specialist_ubnd).get(f"/documents/{doc.public_id}").status_code == 200
    assert api(world.specialist2_ubnd).get(f"/documents/{doc.public_id}").status_code == 200
    actions = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert actions == ["document.registered", "document.presented", "document.forwarded"]


def test_presenting_to_someone_who_is_not_a_leader_is_refused(world, api):
    doc = register(world)
    client = api(world.clerk_ubnd)
    response = client.act(doc, "present", leader=str(world.specialist_ubnd.public_id))
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "leader": "Người được trình phải là lãnh đạo của cơ quan."
    }
    unknown = client.act(doc, "present", leader="00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 400
    assert api(world.outsider).act(
        doc, "present", leader=str(world.leader_ubnd.public_id)
    ).status_code == (404)


def test_forwarding_is_for_leaders_and_to_the_agency_only(world, api):
    doc = register(world)
    clerk = api(world.clerk_ubnd)
    response = clerk.act(doc, "forward", departments=["KT"])
    assert response.status_code == 403
    leader = api(world.leader_ubnd)
    nobody = leader.act(doc, "forward")
    assert nobody.json()["error"]["fields"] == {
        "recipients": "Hãy chọn ít nhất một phòng, ban hoặc người nhận."
    }
    foreign = leader.act(doc, "forward", users=[str(world.specialist_stc.public_id)])
    assert foreign.json()["error"]["fields"] == {
        "users": "Người nhận phải là cán bộ của cơ quan này."
    }
    other_agency_department = leader.act(doc, "forward", departments=["NS"])
    assert other_agency_department.status_code == 400
    assert api(world.leader_stc).act(doc, "forward", departments=["NS"]).status_code == 404
    assert not Forward.objects.exists()


def test_accept_needs_no_body_and_answers_readable_utf8(world, api):
    incoming = arrival_at_stc(world)
    client = api(world.clerk_stc)
    response = client.client.post(
        f"/api/v1/documents/{incoming.public_id}/actions/accept",
        b"",
        content_type="application/octet-stream",
        headers=client.headers,
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "Đã vào sổ".encode() in response.content


def test_a_body_that_is_not_json_is_400_and_a_missing_one_422(world, api):
    incoming = arrival_at_stc(world)
    client = api(world.clerk_stc)
    path = f"/api/v1/documents/{incoming.public_id}/actions/refuse"
    broken = client.client.post(
        path, "{lý do", content_type="application/json", headers=client.headers
    )
    assert broken.status_code == 400
    assert broken.json()["error"]["code"] == "invalid_json"
    empty = client.client.post(path, "", content_type="application/json", headers=client.headers)
    assert empty.status_code == 422
    assert empty.json()["error"]["fields"] == {"body": "Thiếu trường bắt buộc."}
    assert Document.objects.get(pk=incoming.pk).status == Status.ARRIVED
