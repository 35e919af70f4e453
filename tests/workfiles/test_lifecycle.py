"""A work file from opening to closing: the specialist files the incoming request, the draft
reply and an opinion, links the reply to the request, and closes the file; every step is
audited and a closed file takes no more changes."""

from __future__ import annotations

import pytest

from tests.documents.helpers import advance, make_draft
from tests.workfiles.helpers import draft_reply, incoming_for_specialist, open_file
from vanthu.audit.models import AuditEvent
from vanthu.documents.models import Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.workfiles import actions
from vanthu.workfiles.models import ItemKind, ReplyLink, WorkFile, WorkFileItem
from vanthu.workfiles.replies import replies_to, response_for


def _events(wf) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(wf.public_id))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def test_open_add_link_close(world):
    wf = open_file(world)
    assert (wf.agency, wf.department, wf.owner) == (
        world.ubnd,
        world.kt_ubnd,
        world.specialist_ubnd,
    )
    assert wf.retention == "10 năm" and wf.is_open

    request = incoming_for_specialist(world)
    draft = draft_reply(world)
    assert actions.add_document(world.specialist_ubnd, wf, request).kind == ItemKind.INCOMING
    assert actions.add_document(world.specialist_ubnd, wf, draft).kind == ItemKind.DRAFT
    opinion = actions.add_note(
        world.dept_leader_ubnd, wf, "Đề nghị nêu rõ số liệu quý I.", kind=ItemKind.OPINION
    )
    assert opinion.document is None and opinion.added_by == world.dept_leader_ubnd

    link = actions.link_reply(world.specialist_ubnd, wf, draft, request)
    assert (link.reply, link.answers, link.work_file) == (draft, request, wf)
    assert response_for(draft) == [request] and replies_to(request) == [draft]

    actions.close_workfile(world.specialist_ubnd, wf)
    wf.refresh_from_db()
    assert wf.status == "closed" and wf.closed_at is not None
    assert _events(wf) == [
        "workfile.opened",
        "workfile.document_added",
        "workfile.document_added",
        "workfile.note_added",
        "workfile.reply_linked",
        "workfile.closed",
    ]
    closing = AuditEvent.objects.get(action="workfile.closed", object_id=str(wf.public_id))
    assert closing.actor == world.specialist_ubnd and closing.agency == world.ubnd
    assert closing.before["status"] == "open" and closing.after["status"] == "closed"
    assert closing.after["items"] == 3


def test_an_issued_draft_counts_as_outgoing(world):
    wf = open_file(world)
    draft = draft_reply(world)
    item = actions.add_document(world.specialist_ubnd, wf, draft)
    advance(world, draft, Status.ISSUED)
    item.refresh_from_db()
    assert item.kind == ItemKind.DRAFT and item.current_kind == ItemKind.OUTGOING
    issued = make_draft(world, subject="Báo cáo khác")
    advance(world, issued, Status.ISSUED)
    assert actions.add_document(world.specialist_ubnd, wf, issued).kind == ItemKind.OUTGOING


def test_a_closed_file_is_read_only_until_the_department_leader_reopens_it(world):
    wf = open_file(world)
    request = incoming_for_specialist(world)
    item = actions.add_document(world.specialist_ubnd, wf, request)
    actions.close_workfile(world.specialist_ubnd, wf)
    draft = draft_reply(world)

    refusals = [
        lambda: actions.add_document(world.specialist_ubnd, wf, draft),
        lambda: actions.add_note(world.specialist_ubnd, wf, "Bổ sung"),
        lambda: actions.remove_item(world.specialist_ubnd, wf, item.public_id),
        lambda: actions.close_workfile(world.specialist_ubnd, wf),
    ]
    for refused in refusals:
        with pytest.raises(InvalidTransition, match="Hồ sơ đã kết thúc"):
            refused()
    assert wf.items.count() == 1

    with pytest.raises(PermissionDenied, match="Chỉ lãnh đạo phòng"):
        actions.reopen_workfile(world.specialist_ubnd, wf, "Cần bổ sung")
    with pytest.raises(ValidationFailed, match="lý do"):
        actions.reopen_workfile(world.dept_leader_ubnd, wf, "  ")
    actions.reopen_workfile(world.dept_leader_ubnd, wf, "Sở Tài chính đề nghị bổ sung số liệu")
    wf.refresh_from_db()
    assert wf.is_open and wf.closed_at is None
    event = AuditEvent.objects.get(action="workfile.reopened")
    assert event.actor == world.dept_leader_ubnd
    assert event.note == "Sở Tài chính đề nghị bổ sung số liệu"
    assert event.before["status"] == "closed" and event.after["status"] == "open"
    actions.add_document(world.specialist_ubnd, wf, draft)
    with pytest.raises(InvalidTransition, match="đang mở"):
        actions.reopen_workfile(world.dept_leader_ubnd, wf, "Lần nữa")


def test_it_refuses_to_close_an_empty_file(world):
    wf = open_file(world)
    with pytest.raises(ValidationFailed, match="chưa có văn bản"):
        actions.close_workfile(world.specialist_ubnd, wf)
    wf.refresh_from_db()
    assert wf.is_open
    assert _events(wf) == ["workfile.opened"]


def test_only_the_owner_or_the_department_leader_closes(world):
    wf = open_file(world)
    actions.add_note(world.specialist_ubnd, wf, "Ghi chú")
    for other in (world.specialist2_ubnd, world.leader_ubnd, world.dept_leader_stc):
        with pytest.raises(PermissionDenied):
            actions.close_workfile(other, wf)
    actions.close_workfile(world.dept_leader_ubnd, wf)
    assert WorkFile.objects.get(pk=wf.pk).status == "closed"


def test_removing_a_document_drops_the_reply_links_made_in_the_file(world):
    wf = open_file(world)
    request, draft = incoming_for_specialist(world), draft_reply(world)
    actions.add_document(world.specialist_ubnd, wf, request)
    draft_item = actions.add_document(world.specialist_ubnd, wf, draft)
    actions.link_reply(world.specialist_ubnd, wf, draft, request)
    actions.remove_item(world.specialist_ubnd, wf, draft_item.public_id)
    assert not ReplyLink.objects.exists() and response_for(draft) == []
    event = AuditEvent.objects.get(action="workfile.item_removed")
    assert event.after["reply_links_removed"] == 1 and event.after["items"] == 1


def test_remove_item_permissions(world):
    wf = open_file(world)
    leader_note = actions.add_note(world.leader_ubnd, wf, "Ý kiến của Chủ tịch", kind="opinion")
    own_note = actions.add_note(world.specialist_ubnd, wf, "Ghi chú riêng")
    # The agency leader takes back their own opinion, not the specialist's note.
    with pytest.raises(PermissionDenied):
        actions.remove_item(world.leader_ubnd, wf, own_note.public_id)
    actions.remove_item(world.leader_ubnd, wf, leader_note.public_id)
    with pytest.raises(ValidationFailed, match="Không tìm thấy mục"):
        actions.remove_item(world.specialist_ubnd, wf, leader_note.public_id)
    assert list(WorkFileItem.objects.values_list("pk", flat=True)) == [own_note.pk]


def test_a_recalled_document_leaves_a_trace_in_the_file(world):
    wf = open_file(world)
    request = incoming_for_specialist(world)
    item = actions.add_document(world.specialist_ubnd, wf, request)
    request.delete()  # an incoming copy destroyed on recall (Decree 30 Appendix VI)
    item.refresh_from_db()
    assert item.document is None and item.kind == ItemKind.INCOMING
