"""Issue 5 item 7 end to end with the real channels: an electronic arrival reaches the
agency's exchange contact by SMS (loopback gateway) and e-mail (aiosmtpd) once
`notifications_send` runs; reviewers of a circuit and the members of an agency whose
weekly calendar is published are told; the daily digest lists what is still unread."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.circuits.helpers import make_circuit
from tests.documents.helpers import arrived_at_stc, make_draft
from tests.schedule.helpers import WEEK, YEAR, add_entry
from vanthu.circuits import actions as circuit_actions
from vanthu.circuits.models import Decision, Review
from vanthu.delegation.actions import DelegationInput, create_delegation
from vanthu.delegation.models import Power
from vanthu.documents import actions as doc_actions
from vanthu.documents.numbering import local_today
from vanthu.notifications.actions import queue_digests, update_preferences
from vanthu.notifications.contacts import add_contact
from vanthu.notifications.models import Notification, OutboxMessage, OutboxStatus
from vanthu.schedule import actions as schedule_actions


def _give_phone(user, phone):
    user.phone = phone
    user.save(update_fields=["phone"])


def _send() -> str:
    out = StringIO()
    call_command("notifications_send", stdout=out)
    return out.getvalue()


def _mail_to(mailbox, address):
    return [
        m for m, rcpt in zip(mailbox.messages, mailbox.recipients, strict=True) if address in rcpt
    ]


def test_an_arrival_at_stc_reaches_its_contact_by_sms_and_email(mailbox, gateway, world):
    _give_phone(world.leader_stc, "0912 000 111")
    add_contact(world.clerk_stc, world.stc, world.leader_stc)

    incoming = arrived_at_stc(world)

    title = f"Văn bản đến: {incoming.reference} — Ủy ban nhân dân tỉnh Nghệ An"
    alert = Notification.objects.get(kind="arrival")
    assert (alert.recipient, alert.title) == (world.leader_stc, title)
    queued = OutboxMessage.objects.filter(notification=alert).order_by("channel")
    assert [(m.channel, m.address, m.status) for m in queued] == [
        ("email", "leader_stc@example.gov.vn", OutboxStatus.PENDING),
        ("sms", "0912000111", OutboxStatus.PENDING),
    ]
    assert not gateway.messages  # queued with the arrival, sent by the worker

    assert "không thành công 0" in _send()

    (sms,) = gateway.messages
    assert sms["to"] == "0912000111"
    assert sms["text"].startswith(
        f"VanThu: Văn bản điện tử đến {incoming.reference} của Ủy ban nhân dân tỉnh Nghệ An: "
    )
    assert len(sms["text"]) <= 160
    (mail,) = _mail_to(mailbox, "leader_stc@example.gov.vn")
    assert mail["Subject"] == f"[VanThu] {title}"
    body = mail.get_content()
    assert incoming.subject in body
    page = reverse("web:document_detail", args=[incoming.public_id])
    assert f"http://127.0.0.1:8000{page}" in body
    assert set(queued.values_list("status", flat=True)) == {OutboxStatus.SENT}
    # The clerks were not alerted: the agency named its contact.
    assert not _mail_to(mailbox, "clerk_stc@example.gov.vn")


def test_a_contact_who_muted_arrival_texts_gets_the_email_only(mailbox, gateway, world):
    _give_phone(world.leader_stc, "0912000111")
    update_preferences(
        world.leader_stc,
        email_enabled=True,
        sms_enabled=True,
        sms_phone="",
        digest_enabled=False,
        muted={"sms": ["arrival"]},
    )
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    arrived_at_stc(world)
    _send()
    assert gateway.messages == []
    assert len(_mail_to(mailbox, "leader_stc@example.gov.vn")) == 1


def _submitted(world):
    doc = make_draft(world, recipients=[world.stc])
    return doc_actions.submit_draft(world.specialist_ubnd, doc)


def _review_notes(user):
    return list(
        Notification.objects.filter(recipient=user, kind="review")
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_reviewers_and_the_drafter_are_told_at_each_step(mailbox, gateway, world):
    make_circuit(world)  # department leader → a deputy chairman → the chairman
    # The chairman is away: his deputy handles for him, so the last step reaches both.
    create_delegation(
        world.leader_ubnd,
        world.ubnd,
        DelegationInput(
            principal=world.leader_ubnd,
            delegate=world.specialist2_ubnd,
            power=Power.HANDLE,
            capacity="TUQ.",
            valid_from=local_today(),
            valid_to=local_today() + timedelta(days=3),
            reason="Đi công tác",
        ),
    )
    doc = _submitted(world)
    waiting = f"Dự thảo chờ ông/bà duyệt: {doc.subject}"
    assert _review_notes(world.dept_leader_ubnd) == [waiting]
    assert _review_notes(world.deputy_ubnd) == []  # later steps are not open yet
    body = Notification.objects.get(recipient=world.dept_leader_ubnd).body
    assert "Duyệt công văn" in body and "Hoàng Văn Chuyên" in body

    review = Review.objects.get(document=doc)

    def decide(user, **kwargs):
        task = review.tasks.get(decision=Decision.PENDING)
        circuit_actions.decide(user, task, **kwargs)

    decide(world.dept_leader_ubnd, approve=True)
    assert _review_notes(world.deputy_ubnd) == [waiting]
    decide(world.deputy_ubnd, approve=False, opinion="Bổ sung số liệu quý I vào mục 2.")
    (returned,) = Notification.objects.filter(recipient=world.specialist_ubnd, kind="review")
    assert returned.title == f"Dự thảo bị trả lại để chỉnh sửa: {doc.subject}"
    assert returned.body == (
        "Lê Thị Phó (Lãnh đạo cơ quan (Phó Chủ tịch)): Bổ sung số liệu quý I vào mục 2."
    )

    doc.refresh_from_db()
    doc = doc_actions.submit_draft(world.specialist_ubnd, doc)  # a new run starts
    review = Review.objects.get(document=doc, finished_at__isnull=True)
    assert _review_notes(world.dept_leader_ubnd) == [waiting, waiting]
    decide(world.dept_leader_ubnd, approve=True)
    decide(world.deputy_ubnd, approve=True)
    assert _review_notes(world.leader_ubnd) == [waiting]
    assert _review_notes(world.specialist2_ubnd) == [waiting]  # the substitute
    decide(world.specialist2_ubnd, approve=True)
    assert _review_notes(world.specialist_ubnd)[-1] == f"Dự thảo đã được duyệt xong: {doc.subject}"

    _send()
    subjects = [m["Subject"] for m in _mail_to(mailbox, "deputy_ubnd@example.gov.vn")]
    # Compared without spaces: Python's e-mail header folding drops the space where it
    # splits this subject into two encoded words (reported to the lead, not ours to fix).
    assert [s.replace(" ", "") for s in subjects] == [f"[VanThu]{waiting}".replace(" ", "")] * 2
    assert gateway.messages == []  # review notices are not worth a text


def test_publishing_the_week_tells_each_member_once(mailbox, gateway, world):
    add_entry(world)
    schedule_actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    notes = Notification.objects.filter(kind="schedule")
    told = {n.recipient for n in notes}
    assert told == {
        world.leader_ubnd,
        world.deputy_ubnd,
        world.dept_leader_ubnd,
        world.specialist_ubnd,
        world.specialist2_ubnd,
        world.admin,
    }  # the clerk published it; nobody of Sở Tài chính or the commune
    assert notes.count() == len(told)
    first = notes.first()
    assert first.title == "Lịch công tác tuần 36 (31/08–06/09/2026) đã được công bố"
    assert first.url == f"/lich-cong-tac/2026/36/?agency={world.ubnd.code}"
    assert first.body == "Ủy ban nhân dân tỉnh Nghệ An: 1 mục lịch công tác."

    add_entry(world, content="Tiếp công dân định kỳ")
    schedule_actions.publish_week(world.leader_ubnd, world.ubnd, YEAR, WEEK)
    second = Notification.objects.filter(kind="schedule", recipient=world.specialist_ubnd)
    assert [n.title for n in second.order_by("id")][1] == (
        "Lịch công tác tuần 36 (31/08–06/09/2026) điều chỉnh lần 1"
    )
    assert Notification.objects.filter(kind="schedule").count() == 2 * len(told)
    _send()
    assert len(_mail_to(mailbox, "specialist_ubnd@example.gov.vn")) == 2
    assert gateway.messages == []


def test_the_digest_lists_the_unread_alerts(mailbox, gateway, world):
    # The contact reads nothing during the day and asked for the digest only.
    update_preferences(
        world.leader_stc, email_enabled=False, sms_enabled=False, sms_phone="", digest_enabled=True
    )
    add_contact(world.clerk_stc, world.stc, world.leader_stc)
    first = arrived_at_stc(world)
    second = arrived_at_stc(world, subject="Về việc thẩm định dự toán bổ sung")
    Notification.objects.filter(title__contains=first.reference).update(read_at=timezone.now())

    assert queue_digests() == 1
    _send()
    (digest,) = _mail_to(mailbox, "leader_stc@example.gov.vn")
    assert digest["Subject"].startswith("[VanThu] 1 thông báo chưa đọc")
    body = digest.get_content()
    assert f"Văn bản đến: {second.reference} — Ủy ban nhân dân tỉnh Nghệ An" in body
    assert f"Văn bản đến: {first.reference} —" not in body
    assert reverse("web:document_detail", args=[second.public_id]) in body
