"""Who may ask and answer, and the requests refused for bad input: no reason, a document
not issued, a recipient already recalled, a second request while one waits."""

from __future__ import annotations

import pytest

from tests.documents.helpers import make_approved
from tests.recalls.helpers import fresh, issue_to, timeline
from vanthu.documents import actions as doc_actions
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.exchange.feedback import record_status
from vanthu.recalls import actions
from vanthu.recalls.models import ExchangeRequest, ReceivedRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world):
    return issue_to(world, world.stc)


@pytest.mark.parametrize(
    "persona", ["outsider", "specialist_ubnd", "dept_leader_ubnd", "clerk_stc"]
)
def test_only_the_issuing_agencys_clerks_and_leaders_may_ask(world, issued, persona):
    doc, _ = issued
    user = getattr(world, persona)
    with pytest.raises(PermissionDenied):
        actions.request_recall(user, doc, "Thu hồi.")
    with pytest.raises(PermissionDenied):
        actions.request_update(user, doc, {"subject": "Sửa"})
    with pytest.raises(PermissionDenied):
        actions.request_replace(user, doc, doc, "Thay thế.")
    assert not ExchangeRequest.objects.exists()


def test_the_recipient_cannot_recall(world, issued):
    doc, copies = issued
    with pytest.raises(PermissionDenied):
        actions.request_recall(world.clerk_stc, doc, "Thu hồi.")
    # Its own copy is an incoming document: there is nothing to recall from anyone.
    with pytest.raises(InvalidTransition, match="Chỉ văn bản đi đã phát hành"):
        actions.request_recall(world.clerk_stc, copies[world.stc.code], "Thu hồi.")
    assert not ExchangeRequest.objects.exists()


@pytest.mark.parametrize("persona", ["clerk_ubnd", "leader_ubnd", "leader_stc", "outsider"])
def test_only_the_recipients_clerks_may_answer(world, issued, persona):
    doc, copies = issued
    actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    received = ReceivedRequest.objects.get()
    with pytest.raises(PermissionDenied):
        actions.answer_request(getattr(world, persona), received, agree=True)
    assert ReceivedRequest.objects.get().state == "pending"
    assert fresh(copies[world.stc.code]).status == "arrived"


def test_it_requires_a_reason_to_recall(world, issued):
    doc, _ = issued
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.clerk_ubnd, doc, "   ")
    assert exc.value.errors == {"reason": "Hãy nêu lý do thu hồi văn bản."}
    assert timeline(doc, world.stc) == ["01"]


def test_it_requires_a_note_to_refuse(world, issued):
    doc, _ = issued
    actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    with pytest.raises(ValidationFailed) as exc:
        actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=False)
    assert exc.value.errors == {"note": "Hãy nêu lý do từ chối để báo lại cơ quan gửi."}


def test_it_refuses_a_document_not_issued(world):
    approved = make_approved(world, recipients=[world.stc])
    with pytest.raises(InvalidTransition, match="đã phát hành"):
        actions.request_recall(world.clerk_ubnd, approved, "Thu hồi.")


def test_it_refuses_a_second_request_while_one_waits(world, issued):
    doc, _ = issued
    actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.leader_ubnd, doc, "Thu hồi lần nữa.")
    assert exc.value.errors["recipients"] == (
        "Không nơi nhận nào nhận được yêu cầu này: "
        "Sở Tài chính tỉnh Nghệ An: đang có yêu cầu thu hồi chờ trả lời."
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.request_update(world.clerk_ubnd, doc, {"subject": "Sửa"}, recipients=[world.stc])
    assert "đang có yêu cầu thu hồi chờ trả lời" in exc.value.errors["recipients"]
    assert ExchangeRequest.objects.count() == 1
    assert timeline(doc, world.stc) == ["01", "13"]


def test_it_refuses_a_recipient_already_recalled(world, issued):
    doc, _ = issued
    actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=True)
    for attempt in (
        lambda: actions.request_recall(world.clerk_ubnd, doc, "Thu hồi lại."),
        lambda: actions.request_update(world.clerk_ubnd, doc, {"subject": "Sửa"}),
    ):
        with pytest.raises(ValidationFailed) as exc:
            attempt()
        assert (
            "Sở Tài chính tỉnh Nghệ An: văn bản đã được thu hồi." in exc.value.errors["recipients"]
        )


def test_it_refuses_recipients_that_are_not_the_documents(world, issued):
    doc, _ = issued
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.", recipients=[world.xa])
    assert exc.value.errors["recipients"] == (
        "Ủy ban nhân dân xã Hưng Nguyên: không phải nơi nhận điện tử của văn bản."
    )
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.", recipients=[])
    assert exc.value.errors["recipients"] == "Hãy chọn ít nhất một nơi nhận."


def test_a_document_sent_to_nobody_has_nobody_to_ask(world):
    lonely = make_approved(world, recipients=[])
    lonely = doc_actions.issue_document(world.clerk_ubnd, lonely)
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.clerk_ubnd, lonely, "Thu hồi.")
    assert exc.value.errors["recipients"] == "Văn bản không được gửi điện tử đến cơ quan nào."


def test_a_refused_arrival_cannot_be_asked_anything(world, issued):
    doc, copies = issued
    doc_actions.refuse_arrival(world.clerk_stc, copies[world.stc.code], "Gửi nhầm cơ quan.")
    with pytest.raises(ValidationFailed) as exc:
        actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    assert "đã từ chối tiếp nhận văn bản" in exc.value.errors["recipients"]


def test_an_answer_is_given_once(world, issued):
    doc, _ = issued
    actions.request_recall(world.clerk_ubnd, doc, "Thu hồi.")
    received = ReceivedRequest.objects.get()
    actions.answer_request(world.clerk_stc, received, agree=False, note="Không đồng ý.")
    with pytest.raises(InvalidTransition, match="đã được trả lời"):
        actions.answer_request(world.clerk_stc, ReceivedRequest.objects.get(), agree=True)
    assert timeline(doc, world.stc) == ["01", "13", "16"]


def test_an_answer_without_a_pending_request_changes_nothing(world, issued):
    """A duplicate 15 (a status message received twice) finds nothing left to settle."""
    doc, _ = issued
    delivery = doc.deliveries.get()
    record_status(delivery, "15", actor_name="Văn thư Sở")
    assert actions.request_answered(delivery, agree=True) is None
    assert not ExchangeRequest.objects.exists()
