"""The outgoing flow (Decree 30/2020 Art. 10–16): each step belongs to one role and starts
from one status; anything else is refused without changing the document."""

from __future__ import annotations

import pytest

from tests import files
from tests.documents.helpers import advance, make_approved, make_draft
from vanthu.documents import actions
from vanthu.documents.files import current_main
from vanthu.documents.models import Document, NumberCounter, ReviewComment, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed

OUTGOING_STATUSES = [
    Status.DRAFT,
    Status.CONTENT_REVIEW,
    Status.FORM_CHECK,
    Status.AWAITING_SIGNATURE,
    Status.APPROVED,
    Status.ISSUED,
]

# step name → (status it starts from, persona who may take it, call)
STEPS = {
    "submit_draft": (Status.DRAFT, "specialist_ubnd", lambda u, d: actions.submit_draft(u, d)),
    "review_content": (
        Status.CONTENT_REVIEW,
        "dept_leader_ubnd",
        lambda u, d: actions.review_content(u, d, approve=True),
    ),
    "check_form": (
        Status.FORM_CHECK,
        "clerk_ubnd",
        lambda u, d: actions.check_form(u, d, approve=True),
    ),
    "approve_signature": (
        Status.AWAITING_SIGNATURE,
        "leader_ubnd",
        lambda u, d: actions.approve_signature(u, d, approve=True),
    ),
    "issue_document": (Status.APPROVED, "clerk_ubnd", lambda u, d: actions.issue_document(u, d)),
}

WRONG_ROLES = {
    "submit_draft": [
        "specialist2_ubnd",
        "dept_leader_ubnd",
        "clerk_ubnd",
        "leader_ubnd",
        "outsider",
    ],
    "review_content": [
        "specialist_ubnd",
        "clerk_ubnd",
        "dept_leader_stc",
        "leader_stc",
        "outsider",
    ],
    "check_form": ["specialist_ubnd", "dept_leader_ubnd", "leader_ubnd", "clerk_stc", "outsider"],
    # Only the designated signer signs, not another leader of the same agency.
    "approve_signature": [
        "deputy_ubnd",
        "clerk_ubnd",
        "dept_leader_ubnd",
        "leader_stc",
        "outsider",
    ],
    "issue_document": [
        "specialist_ubnd",
        "leader_ubnd",
        "dept_leader_ubnd",
        "clerk_stc",
        "outsider",
    ],
}


@pytest.mark.parametrize("step", list(STEPS))
def test_it_refuses_a_step_to_the_wrong_role(world, step):
    status, _, call = STEPS[step]
    doc = advance(world, make_draft(world, recipients=[world.stc]), status)
    for persona in WRONG_ROLES[step]:
        with pytest.raises(PermissionDenied) as caught:
            call(getattr(world, persona), doc)
        assert caught.value.message, persona
        doc.refresh_from_db()
        assert (doc.status, doc.number) == (status, None), persona


@pytest.mark.parametrize("step", list(STEPS))
def test_it_refuses_a_step_from_the_wrong_status(world, step):
    start, persona, call = STEPS[step]
    doc = make_draft(world, recipients=[world.stc])
    for status in OUTGOING_STATUSES:
        if status == start:
            continue
        Document.objects.filter(pk=doc.pk).update(status=status)
        doc.refresh_from_db()
        with pytest.raises(InvalidTransition) as caught:
            call(getattr(world, persona), doc)
        # "…không thể thực hiện thao tác này." / "Văn bản không còn là dự thảo."
        assert "không" in caught.value.message, status
        doc.refresh_from_db()
        assert (doc.status, doc.number) == (status, None), status


def test_it_walks_the_whole_flow(world):
    doc = make_draft(world, recipients=[world.stc])
    for expected in OUTGOING_STATUSES[1:]:
        doc = advance(world, doc, expected)
        assert Document.objects.get(pk=doc.pk).status == expected
    assert doc.reference == "01/UBND-KT"


def test_it_skips_content_review_without_a_drafting_department(world):
    doc = make_draft(world, user=world.leader_ubnd, department=None)
    actions.submit_draft(world.leader_ubnd, doc)
    assert doc.status == Status.FORM_CHECK


def test_an_agency_leader_may_review_content(world):
    doc = advance(world, make_draft(world), Status.CONTENT_REVIEW)
    actions.review_content(world.deputy_ubnd, doc, approve=True)
    assert doc.status == Status.FORM_CHECK


@pytest.mark.parametrize(
    "step,persona",
    [
        ("review_content", "dept_leader_ubnd"),
        ("check_form", "clerk_ubnd"),
        ("approve_signature", "leader_ubnd"),
    ],
)
def test_it_requires_a_comment_to_return_a_draft(world, step, persona):
    status = STEPS[step][0]
    doc = advance(world, make_draft(world), status)
    act = getattr(actions, step)
    with pytest.raises(ValidationFailed) as caught:
        act(getattr(world, persona), doc, approve=False, comment="   ")
    assert caught.value.errors == {"comment": "Hãy ghi rõ nội dung cần sửa khi trả lại dự thảo."}
    doc.refresh_from_db()
    assert doc.status == status
    assert not ReviewComment.objects.exists()

    act(getattr(world, persona), doc, approve=False, comment="Sửa lại căn cứ pháp lý.")
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT
    comment = ReviewComment.objects.get()
    assert (comment.author, comment.text) == (getattr(world, persona), "Sửa lại căn cứ pháp lý.")


def test_a_returned_draft_can_be_revised_and_resubmitted(world):
    doc = advance(world, make_draft(world), Status.CONTENT_REVIEW)
    actions.review_content(world.dept_leader_ubnd, doc, approve=False, comment="Bổ sung số liệu.")
    version = actions.replace_draft_file(
        world.specialist_ubnd, doc, "du-thao-2.pdf", files.pdf(["Dự thảo lần 2"])
    )
    assert version.version == 2
    actions.submit_draft(world.specialist_ubnd, doc)
    assert doc.status == Status.CONTENT_REVIEW


def test_it_refuses_to_replace_the_file_of_someone_elses_or_a_submitted_draft(world):
    doc = make_draft(world)
    with pytest.raises(PermissionDenied):
        actions.replace_draft_file(world.dept_leader_ubnd, doc, "x.pdf", files.pdf())
    actions.submit_draft(world.specialist_ubnd, doc)
    with pytest.raises(InvalidTransition):
        actions.replace_draft_file(world.specialist_ubnd, doc, "x.pdf", files.pdf())
    assert doc.files.count() == 1


def test_it_issues_a_document_only_once(world):
    doc = make_approved(world, recipients=[world.stc])
    stale = Document.objects.get(pk=doc.pk)
    actions.issue_document(world.clerk_ubnd, doc)

    with pytest.raises(InvalidTransition):
        actions.issue_document(world.clerk_ubnd, stale)

    doc.refresh_from_db()
    assert (doc.number, doc.reference) == (1, "01/UBND-KT")
    assert NumberCounter.objects.get(agency=world.ubnd).last_value == 1
    assert doc.deliveries.count() == 1


def test_it_refuses_a_step_already_taken_by_someone_else(world):
    """Compare-and-set on the status: two reviewers holding the same page."""
    doc = advance(world, make_draft(world), Status.CONTENT_REVIEW)
    stale = Document.objects.get(pk=doc.pk)
    actions.review_content(world.dept_leader_ubnd, doc, approve=True)

    with pytest.raises(InvalidTransition) as caught:
        actions.review_content(world.leader_ubnd, stale, approve=False, comment="Trả lại.")
    assert caught.value.message == "Văn bản vừa được người khác xử lý; hãy tải lại trang."
    assert Document.objects.get(pk=doc.pk).status == Status.FORM_CHECK
    assert not ReviewComment.objects.exists()


def test_it_delivers_the_issued_document_to_each_recipient(world):
    doc = make_approved(world, recipients=[world.stc, world.xa])
    doc = actions.issue_document(world.clerk_ubnd, doc)
    copies = Document.objects.filter(direction="incoming").order_by("agency__name")
    assert {c.agency for c in copies} == {world.stc, world.xa}
    for copy in copies:
        assert (copy.status, copy.reference, copy.subject) == (
            Status.ARRIVED,
            doc.reference,
            doc.subject,
        )
        assert copy.arrival_number is None
        # The recipients get the issued PDF: the approved one with the QR code stamped on.
        assert [f.sha256 for f in copy.files.all()] == [current_main(doc).sha256]


def test_outgoing_queues_show_each_step_to_its_actor(world):
    reviewing = advance(world, make_draft(world), Status.CONTENT_REVIEW)
    checking = advance(world, make_draft(world), Status.FORM_CHECK)
    signing = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    issuing = advance(world, make_draft(world), Status.APPROVED)
    assert list(actions.outgoing_queue_for(world.dept_leader_ubnd)["content_review"]) == [reviewing]
    assert list(actions.outgoing_queue_for(world.clerk_ubnd)["form_check"]) == [checking]
    assert list(actions.outgoing_queue_for(world.leader_ubnd)["awaiting_signature"]) == [signing]
    assert list(actions.outgoing_queue_for(world.clerk_ubnd)["to_issue"]) == [issuing]
    assert not any(q.exists() for q in actions.outgoing_queue_for(world.clerk_stc).values())
