"""What the work-file actions refuse, each with a Vietnamese message and nothing written."""

from __future__ import annotations

import pytest

from tests.documents.helpers import arrived_at_stc, make_draft, register
from tests.workfiles.helpers import draft_reply, incoming_for_specialist, open_file
from vanthu.audit.models import AuditEvent
from vanthu.directory.models import Membership, Role
from vanthu.documents.models import Secrecy
from vanthu.errors import PermissionDenied, ValidationFailed
from vanthu.workfiles import actions
from vanthu.workfiles.models import ReplyLink, WorkFile, WorkFileItem


@pytest.fixture
def wf(world):
    return open_file(world)


def _nothing_filed():
    assert not WorkFileItem.objects.exists()
    assert not AuditEvent.objects.filter(action="workfile.document_added").exists()


def test_it_refuses_a_document_the_user_cannot_see(world, wf):
    not_forwarded = register(world)  # registered by the clerk, never forwarded
    with pytest.raises(PermissionDenied, match="không có quyền xem văn bản"):
        actions.add_document(world.specialist_ubnd, wf, not_forwarded)
    _nothing_filed()


def test_it_refuses_a_secret_document_even_to_the_department_leader(world, wf):
    secret = make_draft(world, secrecy=Secrecy.CONFIDENTIAL, named_readers=[world.specialist_ubnd])
    with pytest.raises(PermissionDenied):
        actions.add_document(world.dept_leader_ubnd, wf, secret)
    _nothing_filed()


def test_it_refuses_a_document_of_another_agency(world, wf):
    stc_draft = make_draft(
        world,
        user=world.specialist_stc,
        agency=world.stc,
        department=world.ns_stc,
        signer=world.leader_stc,
    )
    with pytest.raises(ValidationFailed, match="cùng cơ quan"):
        actions.add_document(world.specialist_ubnd, wf, stc_draft)
    _nothing_filed()


def test_it_refuses_an_unregistered_arrival(world):
    arrival = arrived_at_stc(world)
    # A deputy director who also heads a department sees the agency's arrivals.
    Membership.objects.create(user=world.dept_leader_stc, agency=world.stc, role=Role.AGENCY_LEADER)
    wf_stc = open_file(world, user=world.dept_leader_stc, department=world.ns_stc, code="NS-01")
    with pytest.raises(ValidationFailed, match="chưa được vào sổ"):
        actions.add_document(world.dept_leader_stc, wf_stc, arrival)
    assert not wf_stc.items.exists()


def test_it_refuses_the_same_document_twice(world, wf):
    request = incoming_for_specialist(world)
    actions.add_document(world.specialist_ubnd, wf, request)
    with pytest.raises(ValidationFailed, match="đã có trong hồ sơ"):
        actions.add_document(world.specialist_ubnd, wf, request)
    assert wf.items.count() == 1


def test_it_refuses_changes_by_someone_who_is_not_the_owner(world, wf):
    request = register(world)  # visible to the chairman and the clerk
    for other in (world.leader_ubnd, world.clerk_ubnd, world.specialist2_ubnd):
        with pytest.raises(PermissionDenied, match="người lập hồ sơ hoặc lãnh đạo phòng"):
            actions.add_document(other, wf, request)
    with pytest.raises(PermissionDenied, match="ý kiến"):
        actions.add_note(world.specialist2_ubnd, wf, "Không được")
    with pytest.raises(PermissionDenied):
        actions.add_note(world.leader_stc, wf, "Không được")
    _nothing_filed()


def test_it_refuses_to_open_for_people_outside_the_department(world):
    for user, dept in [
        (world.clerk_ubnd, world.vp_ubnd),  # a clerk, not a specialist
        (world.leader_ubnd, world.kt_ubnd),  # an agency leader holds no department role
        (world.specialist2_ubnd, world.kt_ubnd),  # a specialist of another department
        (world.specialist_stc, world.kt_ubnd),  # another agency
        (world.outsider, world.kt_ubnd),
    ]:
        with pytest.raises(PermissionDenied, match="Chỉ chuyên viên hoặc lãnh đạo"):
            open_file(world, user=user, department=dept)
    assert not WorkFile.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": ""}, "code", "Hãy nhập số và ký hiệu"),
        ({"code": "KT 2026"}, "code", "chỉ gồm chữ, số"),
        ({"code": "K" * 31}, "code", "tối đa 30"),
        ({"title": "   "}, "title", "Hãy nhập tiêu đề"),
        ({"retention": "0"}, "retention", "từ 1 đến 100"),
    ],
)
def test_it_refuses_bad_fields(world, fields, field, message):
    with pytest.raises(ValidationFailed) as exc:
        open_file(world, **fields)
    assert message in exc.value.errors[field]
    assert not WorkFile.objects.exists()


def test_codes_are_unique_per_agency_and_suggested(world, wf):
    with pytest.raises(ValidationFailed, match="đã được dùng"):
        open_file(world, user=world.dept_leader_ubnd)
    # The same code in another agency is another file.
    open_file(world, user=world.specialist_stc, department=world.ns_stc)
    assert actions.suggest_code(world.kt_ubnd, 2026) == "KT-2026-06"
    assert actions.suggest_code(world.kt_ubnd, 2027) == "KT-2027-01"
    open_file(world, code="KT-2026-11")
    assert actions.suggest_code(world.kt_ubnd, 2026) == "KT-2026-12"
    assert open_file(world, code="KT-2026-09", retention="vĩnh viễn").retention == "Vĩnh viễn"


def test_link_reply_refusals(world, wf):
    request, draft = incoming_for_specialist(world), draft_reply(world)
    other_request = incoming_for_specialist(world, number_text="16")
    actions.add_document(world.specialist_ubnd, wf, request)
    actions.add_document(world.specialist_ubnd, wf, draft)
    with pytest.raises(ValidationFailed) as exc:
        actions.link_reply(world.specialist_ubnd, wf, request, draft)  # the wrong way round
    assert set(exc.value.errors) == {"reply", "answers"}
    with pytest.raises(ValidationFailed, match="chưa có trong hồ sơ"):
        actions.link_reply(world.specialist_ubnd, wf, draft, other_request)
    with pytest.raises(PermissionDenied):
        actions.link_reply(world.leader_ubnd, wf, draft, request)
    actions.link_reply(world.specialist_ubnd, wf, draft, request)
    with pytest.raises(ValidationFailed, match="đã được liên kết"):
        actions.link_reply(world.specialist_ubnd, wf, draft, request)
    assert ReplyLink.objects.count() == 1
