"""create_user, set_user_active, add_membership, end_membership."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from vanthu.audit.models import AuditEvent
from vanthu.directory import actions
from vanthu.directory.access import roles_of
from vanthu.directory.models import ApiToken, Membership, Role, User
from vanthu.errors import PermissionDenied, ValidationFailed

GOOD_PASSWORD = "Hoa-Sen-2026-vanthu"


def _errors(call) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        call()
    return exc.value.errors


def test_it_creates_a_user_who_can_log_in(world, events):
    account = actions.create_user(
        world.admin, username="nva", full_name=" Nguyễn Văn A ", password=GOOD_PASSWORD
    )
    assert account.full_name == "Nguyễn Văn A"
    assert account.check_password(GOOD_PASSWORD)
    assert events() == ["directory.user_created"]
    event = AuditEvent.objects.get(action="directory.user_created")
    assert event.object_id == str(account.public_id)
    assert GOOD_PASSWORD not in str(event.after)


def test_it_rejects_a_taken_username_in_any_case_and_a_weak_password(world):
    errors = _errors(
        lambda: actions.create_user(
            world.admin, username="CLERK_UBND", full_name="", password="123"
        )
    )
    assert errors["username"] == "Tên đăng nhập này đã được dùng."
    assert errors["full_name"] == "Chưa nhập họ và tên."
    assert "password" in errors
    assert User.objects.filter(username__iexact="clerk_ubnd").count() == 1


def test_it_locks_an_account_and_revokes_its_tokens(world):
    actions.create_api_token(world.clerk_ubnd, "script")
    actions.set_user_active(world.admin, world.clerk_ubnd, False)
    world.clerk_ubnd.refresh_from_db()
    assert not world.clerk_ubnd.is_active
    assert not ApiToken.objects.filter(user=world.clerk_ubnd, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="directory.user_deactivated")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False, "tokens_revoked": 1}
    actions.set_user_active(world.admin, world.clerk_ubnd, True)
    assert AuditEvent.objects.filter(action="directory.user_activated").count() == 1


def test_an_administrator_cannot_lock_themselves_out(world):
    errors = _errors(lambda: actions.set_user_active(world.admin, world.admin, False))
    assert errors == {"is_active": "Không thể tự khóa tài khoản của chính mình."}


def test_it_adds_a_role_in_a_department(world):
    membership = actions.add_membership(
        world.admin, world.outsider, agency=world.stc, role=Role.SPECIALIST, department=world.ns_stc
    )
    assert membership.valid_from == timezone.localdate() and membership.valid_to is None
    assert world.stc.pk in roles_of(User.objects.get(pk=world.outsider.pk)).agencies()
    event = AuditEvent.objects.get(action="directory.membership_added")
    assert event.agency == world.stc and event.before is None
    assert event.after["department"] == "NS" and event.after["role"] == Role.SPECIALIST


def test_it_rejects_a_department_of_another_agency(world):
    errors = _errors(
        lambda: actions.add_membership(
            world.admin, world.outsider, agency=world.stc, role=Role.CLERK, department=world.vp_ubnd
        )
    )
    assert errors == {"department": "Phòng, ban này không thuộc cơ quan đã chọn."}
    assert not Membership.objects.filter(user=world.outsider).exists()


def test_it_rejects_a_role_already_held(world):
    errors = _errors(
        lambda: actions.add_membership(
            world.admin, world.clerk_stc, agency=world.stc, role=Role.CLERK
        )
    )
    assert errors == {"role": "Người dùng đang giữ vai trò này tại đơn vị này."}


def test_it_rejects_a_role_in_an_agency_that_has_ended(world):
    world.xa.valid_to = date(2025, 6, 30)
    world.xa.save()
    errors = _errors(
        lambda: actions.add_membership(
            world.admin, world.outsider, agency=world.xa, role=Role.CLERK
        )
    )
    assert errors["agency"].startswith("Cơ quan đã hết hiệu lực từ ngày 30/06/2025")


def test_ending_a_role_keeps_the_row_with_its_last_day(world):
    membership = Membership.objects.get(user=world.clerk_xa)
    yesterday = timezone.localdate() - timedelta(days=1)
    actions.end_membership(world.admin, membership, yesterday)
    membership.refresh_from_db()
    assert membership.valid_to == yesterday
    assert not Membership.objects.current().filter(user=world.clerk_xa).exists()
    event = AuditEvent.objects.get(action="directory.membership_ended")
    assert event.object_id == str(world.clerk_xa.public_id)
    assert event.before["valid_to"] is None and event.after["valid_to"] == yesterday.isoformat()
    assert (
        "đã kết thúc"
        in _errors(lambda: actions.end_membership(world.admin, membership))["valid_to"]
    )


def test_holding_a_role_again_reopens_the_ended_row(world):
    membership = Membership.objects.get(user=world.clerk_xa)
    actions.end_membership(world.admin, membership, date(2024, 12, 31))
    again = actions.add_membership(
        world.admin, world.clerk_xa, agency=world.xa, role=Role.CLERK, valid_from=date(2025, 3, 1)
    )
    assert again.pk == membership.pk and again.valid_to is None
    event = AuditEvent.objects.filter(action="directory.membership_added").get()
    assert event.before["valid_to"] == "2024-12-31" and event.after["valid_from"] == "2025-03-01"


def test_an_administrator_cannot_end_their_own_admin_role(world):
    membership = Membership.objects.get(user=world.admin, role=Role.ADMIN)
    errors = _errors(lambda: actions.end_membership(world.admin, membership))
    assert errors == {"valid_to": "Không thể tự kết thúc vai trò quản trị của chính mình."}


def test_only_administrators_manage_people(world):
    with pytest.raises(PermissionDenied):
        actions.add_membership(world.clerk_ubnd, world.outsider, agency=world.ubnd, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        actions.create_user(world.outsider, username="x", full_name="X", password=GOOD_PASSWORD)
    assert not Membership.objects.filter(user=world.outsider).exists()
