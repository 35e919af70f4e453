"""The outgoing flow driven through the API, from draft to the recipient's register."""

from __future__ import annotations

from tests import files
from tests.api.conftest import outgoing_form, upload
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Document, Status
from vanthu.exchange.models import StatusCode


def test_draft_to_issue_to_the_recipient_clerk_accepting(world, api):
    specialist = api(world.specialist_ubnd)
    created = specialist.post_form("/documents/outgoing", outgoing_form(world))
    assert created.status_code == 201, created.content
    body = created.json()
    doc_id = body["id"]
    assert body["status"] == "draft" and body["direction"] == "outgoing"
    assert body["signer"] == {
        "id": str(world.leader_ubnd.public_id),
        "full_name": "Trần Văn Chủ Tịch",
        "position": "Chủ tịch",
        "competence": "",
    }
    assert body["drafting_department"] == {"code": "KT", "name": "Phòng Kinh tế"}
    assert body["recipient_agencies"] == [
        {"code": world.stc.code, "name": "Sở Tài chính tỉnh Nghệ An"}
    ]

    assert specialist.act(doc_id, "submit").json()["status"] == "content_review"
    step = api(world.dept_leader_ubnd).act(doc_id, "review_content", decision="approve")
    assert step.json()["status"] == "form_check"
    step = api(world.clerk_ubnd).act(doc_id, "check_form", decision="approve")
    assert step.json()["status"] == "awaiting_signature"
    step = api(world.leader_ubnd).act(doc_id, "approve_signature", decision="approve")
    assert step.json()["status"] == "approved"
    issued = api(world.clerk_ubnd).act(doc_id, "issue")
    assert issued.status_code == 200
    issued = issued.json()
    assert issued["status"] == "issued" and issued["status_label"] == "Đã phát hành"
    assert issued["reference"] == "01/UBND-KT"
    assert (issued["code_number"], issued["code_notation"]) == ("01", "UBND-KT")
    [delivery] = issued["deliveries"]
    assert delivery["recipient_code"] == world.stc.code
    assert delivery["status"] == StatusCode.ARRIVED

    clerk_stc = api(world.clerk_stc)
    arrived = clerk_stc.get("/documents", direction="incoming", status="arrived").json()
    [item] = arrived["items"]
    assert item["reference"] == "01/UBND-KT"
    assert item["issuer_code"] == world.ubnd.code
    accepted = clerk_stc.act(item["id"], "accept")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "registered"
    assert accepted.json()["arrival_number"] == 1

    sender_view = api(world.clerk_ubnd).get(f"/documents/{doc_id}").json()
    [delivery] = sender_view["deliveries"]
    assert delivery["status"] == StatusCode.ACCEPTED
    assert delivery["status_label"] == "Đã tiếp nhận"
    assert [e["status"] for e in delivery["events"]] == ["01", "03"]
    assert delivery["events"][-1]["actor_name"] == "Vũ Thị Thư Sở"

    history = api(world.clerk_ubnd).get(f"/documents/{doc_id}/history").json()
    assert [e["action"] for e in history] == [
        "document.drafted",
        "document.submitted",
        "document.approved_step",
        "document.approved_step",
        "document.approved_step",
        "document.issued",
        "document.verification_stamped",
    ]
    assert history[-1]["actor"]["id"] == str(world.clerk_ubnd.public_id)
    assert AuditEvent.objects.filter(
        action="document.registered", object_id=item["id"], actor=world.clerk_stc
    ).exists()


def test_a_returned_draft_carries_the_comment(world, api):
    doc_id = api(world.specialist_ubnd).post_form("/documents/outgoing", outgoing_form(world))
    doc_id = doc_id.json()["id"]
    api(world.specialist_ubnd).act(doc_id, "submit")
    leader = api(world.dept_leader_ubnd)
    no_comment = leader.act(doc_id, "review_content", decision="return")
    assert no_comment.status_code == 400
    assert no_comment.json()["error"]["fields"] == {
        "comment": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."
    }
    returned = leader.act(doc_id, "review_content", decision="return", comment="Bổ sung số liệu")
    assert returned.json()["status"] == "draft"
    assert returned.json()["comments"][0]["text"] == "Bổ sung số liệu"
    assert returned.json()["comments"][0]["author"]["full_name"] == "Phạm Văn Trưởng Phòng"
    assert AuditEvent.objects.filter(action="document.returned", object_id=doc_id).count() == 1


def test_a_draft_is_invisible_to_an_outsider_and_another_agency(world, api):
    doc_id = api(world.specialist_ubnd).post_form("/documents/outgoing", outgoing_form(world))
    doc_id = doc_id.json()["id"]
    for user in (world.outsider, world.clerk_stc):
        for action, body in [
            ("submit", {}),
            ("review_content", {"decision": "approve"}),
            ("check_form", {"decision": "approve"}),
            ("approve_signature", {"decision": "approve"}),
            ("issue", {}),
        ]:
            response = api(user).act(doc_id, action, **body)
            assert response.status_code == 404, (user, action)
    assert Document.objects.get().status == Status.DRAFT


def test_a_visible_document_refuses_an_action_the_user_may_not_take(world, api):
    doc_id = api(world.specialist_ubnd).post_form("/documents/outgoing", outgoing_form(world))
    doc_id = doc_id.json()["id"]
    # The clerk sees every document of the agency but only the drafter submits a draft.
    response = api(world.clerk_ubnd).act(doc_id, "submit")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "permission_denied",
        "message": "Chỉ người soạn thảo mới được trình dự thảo.",
        "fields": {},
    }
    api(world.specialist_ubnd).act(doc_id, "submit")
    assert api(world.clerk_ubnd).act(doc_id, "review_content", decision="approve").status_code == (
        403
    )
    # The department leader sees the draft of his department but may not sign it.
    response = api(world.dept_leader_ubnd).act(doc_id, "approve_signature", decision="approve")
    assert response.status_code == 403
    assert Document.objects.get().status == Status.CONTENT_REVIEW


def test_a_step_out_of_order_is_an_invalid_transition(world, api):
    doc_id = api(world.specialist_ubnd).post_form("/documents/outgoing", outgoing_form(world))
    doc_id = doc_id.json()["id"]
    response = api(world.clerk_ubnd).act(doc_id, "issue")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert error["message"] == (
        "Văn bản đang ở trạng thái «Dự thảo», không thể thực hiện thao tác này."
    )
    assert not AuditEvent.objects.filter(action="document.issued").exists()


def test_a_review_needs_a_known_decision(world, api):
    doc_id = api(world.specialist_ubnd).post_form("/documents/outgoing", outgoing_form(world))
    response = api(world.dept_leader_ubnd).act(doc_id.json()["id"], "review_content")
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"decision": "Thiếu trường bắt buộc."}


def test_a_draft_by_an_outsider_is_refused(world, api):
    response = api(world.outsider).post_form("/documents/outgoing", outgoing_form(world))
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_draft_references_are_checked_before_anything_is_saved(world, api):
    form = outgoing_form(
        world,
        signer="00000000-0000-0000-0000-000000000000",
        department="XX",
        recipients=[world.stc.code, "999.99.99.H99"],
    )
    response = api(world.specialist_ubnd).post_form("/documents/outgoing", form)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "signer": "Không tìm thấy người dùng: 00000000-0000-0000-0000-000000000000.",
        "department": "Ủy ban nhân dân tỉnh Nghệ An không có phòng, ban mã: XX.",
        "recipients": "Không có cơ quan đang hoạt động mã: 999.99.99.H99.",
    }
    assert not Document.objects.exists()


def test_draft_validation_errors_come_from_the_action(world, api):
    form = outgoing_form(
        world,
        subject="",
        signer=str(world.clerk_ubnd.public_id),
        file=upload("du-thao.pdf", files.PNG_1PX),
    )
    response = api(world.specialist_ubnd).post_form("/documents/outgoing", form)
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["subject"] == "Chưa nhập trích yếu nội dung."
    assert fields["signer"] == "Người ký phải là lãnh đạo của cơ quan."
    assert fields["file"].startswith("Loại tệp ảnh PNG không được dùng ở đây")
    assert not Document.objects.exists()
