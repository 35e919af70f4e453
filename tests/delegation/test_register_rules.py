"""The rules of the delegation register: who registers, for whom, for how long."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.delegation.helpers import delegate, delegation_input
from vanthu.audit.models import AuditEvent
from vanthu.delegation.actions import create_delegation, revoke_delegation
from vanthu.delegation.models import Delegation, Power
from vanthu.directory.models import Membership
from vanthu.documents.numbering import local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed


def test_the_principal_registers_and_it_is_audited_with_both_names(world):
    d = delegate(world)
    assert (d.principal, d.delegate, d.power, d.capacity) == (
        world.leader_ubnd,
        world.deputy_ubnd,
        Power.SIGN,
        "KT.",
    )
    event = AuditEvent.objects.get(action="delegation.created")
    assert event.actor == world.leader_ubnd
    assert event.agency == world.ubnd
    assert "Trần Văn Chủ Tịch" in event.note and "Lê Thị Phó" in event.note
    assert event.after["capacity"] == "KT."


def test_an_agency_leader_or_admin_registers_for_someone_else(world):
    delegate(
        world,
        world.dept_leader_ubnd,
        world.specialist_ubnd,
        by=world.leader_ubnd,
        power=Power.HANDLE,
        capacity="",
    )
    delegate(world, by=world.admin)
    assert Delegation.objects.count() == 2


def test_it_refuses_a_specialist_registering_for_the_leader(world):
    with pytest.raises(PermissionDenied, match="Chỉ người ủy quyền"):
        delegate(world, by=world.specialist_ubnd)
    assert not Delegation.objects.exists()
    assert not AuditEvent.objects.filter(action="delegation.created").exists()


def test_it_refuses_a_tuq_delegate_re_delegating(world):
    # The chairman authorises his deputy (TUQ.); the deputy, although a leader herself,
    # may not pass that authority on to the head of department.
    delegate(world, capacity="TUQ.", days=10)
    with pytest.raises(PermissionDenied, match="không được ủy quyền lại"):
        delegate(world, to=world.dept_leader_ubnd, by=world.deputy_ubnd, start=11, days=2)
    assert Delegation.objects.count() == 1


def test_a_kt_delegate_who_is_a_leader_may_still_register(world):
    delegate(world, capacity="KT.", days=2)
    delegate(world, to=world.dept_leader_ubnd, by=world.deputy_ubnd, start=3, days=2)
    assert Delegation.objects.count() == 2


def test_it_refuses_overlapping_delegations_of_one_principal(world):
    delegate(world, days=5)
    with pytest.raises(ValidationFailed) as exc:
        delegate(world, to=world.dept_leader_ubnd, start=5, days=2)  # shares the 5th day
    assert "chỉ có một người được ủy quyền" in exc.value.errors["valid_from"]
    assert "Lê Thị Phó" in exc.value.errors["valid_from"]
    # Another power, or the day after the last, is fine.
    delegate(world, to=world.dept_leader_ubnd, start=6, days=2)
    delegate(world, to=world.dept_leader_ubnd, power=Power.HANDLE, capacity="", days=5)
    assert Delegation.objects.count() == 3


def test_a_revoked_delegation_does_not_block_a_new_one(world):
    first = delegate(world, days=5)
    revoke_delegation(world.leader_ubnd, first, reason="Về sớm")
    delegate(world, to=world.dept_leader_ubnd, days=5)
    assert Delegation.objects.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("who", ["outsider", "leader_stc"])
def test_it_refuses_a_delegate_outside_the_agency(world, who):
    with pytest.raises(ValidationFailed) as exc:
        delegate(world, to=getattr(world, who))
    assert exc.value.errors["delegate"] == (
        "Người được ủy quyền không phải là cán bộ hiện tại của cơ quan."
    )


def test_it_refuses_a_former_member(world):
    Membership.objects.filter(user=world.deputy_ubnd).update(
        valid_to=local_today() - timedelta(days=1)
    )
    with pytest.raises(ValidationFailed) as exc:
        delegate(world)
    assert "delegate" in exc.value.errors


def test_signing_is_delegated_by_an_agency_leader_only(world):
    with pytest.raises(ValidationFailed) as exc:
        delegate(world, world.specialist_ubnd, world.specialist2_ubnd, by=world.leader_ubnd)
    assert "Chỉ lãnh đạo cơ quan" in exc.value.errors["principal"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start": 3, "days": -1}, "valid_to", "Ngày kết thúc phải từ ngày bắt đầu trở đi."),
        ({"start": -1}, "valid_from", "Không đăng ký ủy quyền bắt đầu từ một ngày đã qua."),
        ({"days": 400}, "valid_to", "Mỗi lần ủy quyền dài tối đa một năm."),
        ({"valid_from": None}, "valid_from", "Chưa nhập ngày bắt đầu."),
        ({"reason": "  "}, "reason", "Hãy ghi lý do ủy quyền (ví dụ: đi công tác, nghỉ phép)."),
        (
            {"capacity": ""},
            "capacity",
            "Ủy quyền ký phải ghi thẩm quyền ký (KT., TUQ., TL., TM. hoặc Q.).",
        ),
        ({"capacity": "XX."}, "capacity", "Thẩm quyền ký không hợp lệ."),
        ({"power": "approve"}, "power", "Chưa chọn nội dung ủy quyền (ký hoặc xử lý văn bản)."),
    ],
)
def test_it_refuses_bad_input_with_a_message(world, fields, field, message):
    with pytest.raises(ValidationFailed) as exc:
        delegate(world, **fields)
    assert exc.value.errors[field] == message
    assert not Delegation.objects.exists()


def test_it_refuses_a_delegation_to_oneself(world):
    with pytest.raises(ValidationFailed) as exc:
        delegate(world, to=world.leader_ubnd)
    assert exc.value.errors["delegate"] == "Không thể tự ủy quyền cho chính mình."


def test_the_database_refuses_reversed_dates_and_self_delegation(world):
    from django.db import IntegrityError, transaction

    today = local_today()
    base = {
        "agency": world.ubnd,
        "principal": world.leader_ubnd,
        "power": Power.SIGN,
        "reason": "x",
        "created_by": world.leader_ubnd,
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(
            **base, delegate=world.deputy_ubnd, valid_from=today, valid_to=today - timedelta(1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Delegation.objects.create(
            **base, delegate=world.leader_ubnd, valid_from=today, valid_to=today
        )


def test_revoke_is_audited_and_happens_once(world):
    d = delegate(world)
    with pytest.raises(PermissionDenied):
        revoke_delegation(world.specialist_ubnd, d)
    revoke_delegation(world.deputy_ubnd, d, reason="Chủ tịch đã về")  # a leader of the agency
    d.refresh_from_db()
    assert d.revoked_by == world.deputy_ubnd and d.revoke_reason == "Chủ tịch đã về"
    event = AuditEvent.objects.get(action="delegation.revoked")
    assert event.before["revoked"] is False and event.after["revoked"] is True
    with pytest.raises(InvalidTransition, match="đã được thu hồi"):
        revoke_delegation(world.leader_ubnd, d)


def test_an_expired_delegation_cannot_be_revoked(world):
    d = delegate(world)
    Delegation.objects.filter(pk=d.pk).update(
        valid_from=local_today() - timedelta(days=5), valid_to=local_today() - timedelta(days=1)
    )
    d.refresh_from_db()
    with pytest.raises(InvalidTransition, match="đã hết hạn"):
        revoke_delegation(world.leader_ubnd, d)


def test_create_input_builder_defaults_are_valid(world):
    # Guards the helper the other tests rely on: today, four days, KT., a reason.
    data = delegation_input(world.leader_ubnd, world.deputy_ubnd)
    assert create_delegation(world.leader_ubnd, world.ubnd, data).valid_from == local_today()
