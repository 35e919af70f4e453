"""The circuit pages: allowed and denied, the configuration form, the decision posted from
the panel, "Chờ tôi duyệt", and the panel the document page includes."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.circuits.helpers import make_circuit
from tests.documents.helpers import make_draft
from vanthu.audit.models import AuditEvent
from vanthu.circuits import actions
from vanthu.circuits.models import Circuit, Decision, Review, ReviewTask
from vanthu.circuits.panel import has_open_review, review_panel
from vanthu.documents import actions as doc_actions
from vanthu.documents.models import Status


def _submitted(world):
    make_circuit(world)
    doc = make_draft(world)
    return doc_actions.submit_draft(world.specialist_ubnd, doc)


def _steps_post(rows, **fields):
    data = {
        "steps-TOTAL_FORMS": str(len(rows)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "20",
        **fields,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"steps-{i}-{key}"] = value
    return data


def test_the_list_shows_the_agency_circuits_to_its_staff(world, login):
    make_circuit(world)
    page = login(world.specialist_ubnd).get(reverse("circuits:index"))
    assert page.status_code == 200
    assert "Duyệt công văn" in page.text
    assert "Đang áp dụng" in page.text
    assert "Tạo quy trình" not in page.text  # read-only for a specialist


def test_outsiders_and_other_agencies_get_404(world, login):
    circuit = make_circuit(world)
    assert login(world.outsider).get(reverse("circuits:index")).status_code == 404
    client = login(world.leader_stc)
    assert "Duyệt công văn" not in client.get(reverse("circuits:index")).text
    for name in ("circuits:detail", "circuits:edit"):
        url = reverse(name, kwargs={"public_id": circuit.public_id})
        assert client.get(url).status_code == 404
    url = reverse("circuits:set_active", kwargs={"public_id": circuit.public_id})
    assert client.post(url, {"active": "0"}).status_code == 404
    assert Circuit.objects.get().active


def test_a_specialist_cannot_open_the_configuration(world, login):
    circuit = make_circuit(world)
    client = login(world.specialist_ubnd)
    assert client.get(reverse("circuits:create")).status_code == 404
    assert client.get(reverse("circuits:detail", args=[circuit.public_id])).status_code == 200
    assert client.get(reverse("circuits:edit", args=[circuit.public_id])).status_code == 404


def test_a_leader_creates_edits_and_activates_a_circuit(world, login):
    client = login(world.leader_ubnd)
    assert client.get(reverse("circuits:create")).status_code == 200
    data = _steps_post(
        [
            {"role": "department_leader"},
            {"reviewer": str(world.deputy_ubnd.pk), "parallel_group": "1"},
            {"reviewer": str(world.specialist2_ubnd.pk), "parallel_group": "1"},
            {},
        ],
        name="Duyệt báo cáo",
    )
    response = client.post(reverse("circuits:create"), data)
    assert response.status_code == 302
    circuit = Circuit.objects.get()
    assert [s.mode for s in circuit.steps.all()] == ["sequential", "parallel:1", "parallel:1"]

    edit_url = reverse("circuits:edit", args=[circuit.public_id])
    page = client.get(edit_url)
    assert page.status_code == 200
    assert 'value="Duyệt báo cáo"' in page.text

    bad = client.post(edit_url, _steps_post([{"parallel_group": "2"}], name="Duyệt báo cáo"))
    assert bad.status_code == 400
    assert "chọn một vai trò hoặc một người" in bad.text
    assert circuit.steps.count() == 3

    client.post(reverse("circuits:set_active", args=[circuit.public_id]), {"active": "1"})
    circuit.refresh_from_db()
    assert circuit.active
    detail = client.get(reverse("circuits:detail", args=[circuit.public_id]))
    assert "Duyệt song song" in detail.text
    assert AuditEvent.objects.filter(action="circuits.activated", actor=world.leader_ubnd).exists()


def test_the_reviewer_sees_the_task_and_decides_it(world, login):
    doc = _submitted(world)
    client = login(world.dept_leader_ubnd)
    page = client.get(reverse("circuits:pending"))
    assert page.status_code == 200
    assert doc.subject in page.text
    task = ReviewTask.objects.get()
    response = client.post(
        reverse("circuits:decide", args=[task.public_id]),
        {"decision": "approve", "opinion": "Đồng ý.", "next": reverse("circuits:pending")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("circuits:pending")
    task.refresh_from_db()
    assert (task.decision, task.opinion) == (Decision.APPROVED, "Đồng ý.")
    assert doc.subject not in client.get(reverse("circuits:pending")).text
    # Next in the chain: the deputy.
    assert doc.subject in login(world.deputy_ubnd).get(reverse("circuits:pending")).text


def test_a_return_without_opinion_is_refused_with_a_message(world, login):
    doc = _submitted(world)
    task = ReviewTask.objects.get()
    client = login(world.dept_leader_ubnd)
    response = client.post(
        reverse("circuits:decide", args=[task.public_id]), {"decision": "return"}, follow=True
    )
    assert "Hãy ghi rõ nội dung cần sửa" in response.text
    task.refresh_from_db()
    doc.refresh_from_db()
    assert (task.decision, doc.status) == (Decision.PENDING, Status.CONTENT_REVIEW)


@pytest.mark.parametrize(
    "persona,status", [("outsider", 404), ("leader_stc", 404), ("clerk_ubnd", 302)]
)
def test_a_non_reviewer_cannot_decide_through_the_page(world, login, persona, status):
    _submitted(world)
    task = ReviewTask.objects.get()
    response = login(getattr(world, persona)).post(
        reverse("circuits:decide", args=[task.public_id]), {"decision": "approve"}
    )
    # The clerk sees the document, so gets the action's refusal as a message; others a 404.
    assert response.status_code == status
    task.refresh_from_db()
    assert task.decision == Decision.PENDING


def test_the_pending_page_is_empty_for_others(world, login):
    doc = _submitted(world)
    for persona in ("outsider", "leader_ubnd", "specialist_ubnd"):
        page = login(getattr(world, persona)).get(reverse("circuits:pending"))
        assert page.status_code == 200
        assert doc.subject not in page.text


def test_the_document_panel_shows_steps_decisions_and_the_form(world, rf):
    doc = _submitted(world)
    task = ReviewTask.objects.get()
    request = rf.get("/")
    request.user = world.dept_leader_ubnd
    html = render_to_string(
        "circuits/_document_panel.html",
        {"panel": review_panel(world.dept_leader_ubnd, doc)},
        request=request,
    )
    assert "Lãnh đạo phòng đơn vị soạn thảo" in html
    assert "Trần Văn Chủ Tịch" in html and "Chưa đến lượt" in html
    assert reverse("circuits:decide", args=[task.public_id]) in html
    assert has_open_review(doc)

    # The drafter sees the run but no decision form; after a return, the opinion and v1.
    actions.decide(world.dept_leader_ubnd, task, approve=False, opinion="Viết lại mục 2.")
    panel = review_panel(world.specialist_ubnd, doc)
    assert panel["my_tasks"] == []
    html = render_to_string("circuits/_document_panel.html", {"panel": panel})
    assert "Viết lại mục 2." in html and ">v1<" in html and "Trả lại để sửa" in html
    assert not has_open_review(doc)
    assert Review.objects.get().outcome == "returned"
