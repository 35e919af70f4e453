"""Registering and revoking delegations. Each is atomic and audited.

Rules (Decree 30/2020 Appendix I.II.7 and the agencies' working regulations):
* only the principal, a leader of the agency or an administrator registers;
* both people hold a role in the agency on the day of registration;
* "TUQ." (thừa ủy quyền) cannot be delegated on: someone holding a TUQ. delegation from a
  principal cannot register another delegation for that principal;
* one substitute at a time: no two delegations of the same principal and power overlap;
* signing is delegated by an agency leader only (only they are designated signers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.delegation.access import may_manage
from vanthu.delegation.models import Delegation, Power
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Membership, Role, User
from vanthu.documents.models import SigningCapacity
from vanthu.documents.numbering import local_today
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed

# A delegation covers an absence or a standing authorisation; beyond a year it should be
# a change of roles in the directory instead, and a typo in the year is caught early.
MAX_DAYS = 366
MAX_REASON = 500


@dataclass(frozen=True)
class DelegationInput:
    principal: User | None
    delegate: User | None
    power: str
    capacity: str
    valid_from: date | None
    valid_to: date | None
    reason: str


def _snapshot(d: Delegation) -> dict:
    return {
        "principal": d.principal.full_name or d.principal.username,
        "delegate": d.delegate.full_name or d.delegate.username,
        "power": d.power,
        "capacity": d.capacity,
        "valid_from": d.valid_from.isoformat(),
        "valid_to": d.valid_to.isoformat(),
        "revoked": d.revoked_at is not None,
    }


def _is_member(user: User, agency: Agency, day: date) -> bool:
    return Membership.objects.current(day).filter(user=user, agency=agency).exists()


def _check(agency: Agency, data: DelegationInput, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.power not in Power.values:
        errors["power"] = "Chưa chọn nội dung ủy quyền (ký hoặc xử lý văn bản)."
    if data.capacity not in SigningCapacity.values:
        errors["capacity"] = "Thẩm quyền ký không hợp lệ."
    elif data.power == Power.SIGN and not data.capacity:
        errors["capacity"] = "Ủy quyền ký phải ghi thẩm quyền ký (KT., TUQ., TL., TM. hoặc Q.)."
    if not data.reason.strip():
        errors["reason"] = "Hãy ghi lý do ủy quyền (ví dụ: đi công tác, nghỉ phép)."
    elif len(data.reason) > MAX_REASON:
        errors["reason"] = f"Lý do dài tối đa {MAX_REASON} ký tự."
    if data.valid_from is None:
        errors["valid_from"] = "Chưa nhập ngày bắt đầu."
    if data.valid_to is None:
        errors["valid_to"] = "Chưa nhập ngày kết thúc."
    if data.valid_from and data.valid_to:
        if data.valid_to < data.valid_from:
            errors["valid_to"] = "Ngày kết thúc phải từ ngày bắt đầu trở đi."
        elif data.valid_from < today:
            # Backdating would make past actions look authorised after the fact.
            errors["valid_from"] = "Không đăng ký ủy quyền bắt đầu từ một ngày đã qua."
        elif (data.valid_to - data.valid_from).days >= MAX_DAYS:
            errors["valid_to"] = "Mỗi lần ủy quyền dài tối đa một năm."
    if data.principal is None:
        errors["principal"] = "Chưa chọn người ủy quyền."
    elif not _is_member(data.principal, agency, today):
        errors["principal"] = "Người ủy quyền không phải là cán bộ hiện tại của cơ quan."
    elif data.power == Power.SIGN and not roles_of(data.principal).has(
        agency.pk, Role.AGENCY_LEADER
    ):
        errors["principal"] = "Chỉ lãnh đạo cơ quan (người ký văn bản) mới ủy quyền ký."
    if data.delegate is None:
        errors["delegate"] = "Chưa chọn người được ủy quyền."
    elif not _is_member(data.delegate, agency, today):
        errors["delegate"] = "Người được ủy quyền không phải là cán bộ hiện tại của cơ quan."
    elif data.principal is not None and data.delegate.pk == data.principal.pk:
        errors["delegate"] = "Không thể tự ủy quyền cho chính mình."
    return errors


def _check_not_redelegated(user: User, agency: Agency, principal: User, today: date) -> None:
    """TUQ. cannot be delegated on (Decree 30 Appendix I.II.7): whoever holds a TUQ.
    delegation from `principal` that is current or still to come may not register another
    for them, whatever other role they hold."""
    held = Delegation.objects.filter(
        agency=agency,
        principal=principal,
        delegate=user,
        capacity=SigningCapacity.TUQ,
        revoked_at__isnull=True,
        valid_to__gte=today,
    )
    if held.exists():
        raise PermissionDenied(
            "Ông/bà đang được ủy quyền theo hình thức thừa ủy quyền (TUQ.) của "
            f"{principal.full_name}; người thừa ủy quyền không được ủy quyền lại."
        )


def create_delegation(user: User, agency: Agency, data: DelegationInput) -> Delegation:
    principal_id = data.principal.pk if data.principal else None
    if not may_manage(user, agency.pk, principal_id):
        raise PermissionDenied(
            "Chỉ người ủy quyền, lãnh đạo cơ quan hoặc quản trị mới được đăng ký ủy quyền."
        )
    today = local_today()
    errors = _check(agency, data, today)
    if errors:
        raise ValidationFailed(errors)
    principal, delegate = data.principal, data.delegate
    if user.pk != principal.pk:
        _check_not_redelegated(user, agency, principal, today)
    with transaction.atomic():
        # Serialises registrations for one principal, so two leaders clicking at once cannot
        # both pass the overlap check below (PostgreSQL row lock; SQLite writes one at a time).
        User.objects.select_for_update().filter(pk=principal.pk).first()
        clash = (
            Delegation.objects.filter(principal=principal, power=data.power)
            .overlapping(data.valid_from, data.valid_to)
            .select_related("delegate")
            .order_by("valid_from")
            .first()
        )
        if clash is not None:
            raise ValidationFailed(
                {
                    "valid_from": (
                        f"{principal.full_name} đã ủy quyền {clash.get_power_display().lower()} "
                        f"cho {clash.delegate.full_name} từ {clash.valid_from:%d/%m/%Y} đến "
                        f"{clash.valid_to:%d/%m/%Y}; mỗi thời điểm chỉ có một người được ủy "
                        "quyền. Hãy thu hồi ủy quyền đó trước hoặc chọn thời gian khác."
                    )
                }
            )
        delegation = Delegation.objects.create(
            agency=agency,
            principal=principal,
            delegate=delegate,
            power=data.power,
            capacity=data.capacity,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            reason=data.reason.strip(),
            created_by=user,
        )
        record_event(
            "delegation.created",
            delegation,
            actor=user,
            agency=agency,
            after=_snapshot(delegation),
            note=describe(delegation),
        )
    return delegation


def revoke_delegation(user: User, delegation: Delegation, *, reason: str = "") -> Delegation:
    if not may_manage(user, delegation.agency_id, delegation.principal_id):
        raise PermissionDenied(
            "Chỉ người ủy quyền, lãnh đạo cơ quan hoặc quản trị mới được thu hồi ủy quyền."
        )
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": f"Lý do dài tối đa {MAX_REASON} ký tự."})
    if delegation.revoked_at is not None:
        raise InvalidTransition("Ủy quyền này đã được thu hồi.")
    if delegation.valid_to < local_today():
        raise InvalidTransition("Ủy quyền này đã hết hạn, không cần thu hồi.")
    before = _snapshot(delegation)
    now = timezone.now()
    with transaction.atomic():
        # Compare-and-set: of two revocations at once, one wins and the other is told.
        changed = Delegation.objects.filter(pk=delegation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=user, revoke_reason=reason
        )
        if changed != 1:
            raise InvalidTransition("Ủy quyền vừa được người khác thu hồi; hãy tải lại trang.")
        delegation.revoked_at, delegation.revoked_by, delegation.revoke_reason = now, user, reason
        record_event(
            "delegation.revoked",
            delegation,
            actor=user,
            agency=delegation.agency,
            before=before,
            after=_snapshot(delegation),
            note=reason,
        )
    return delegation


def describe(d: Delegation) -> str:
    capacity = f" ({d.capacity})" if d.capacity else ""
    return (
        f"{d.principal.full_name} ủy quyền {d.get_power_display().lower()}{capacity} cho "
        f"{d.delegate.full_name} từ {d.valid_from:%d/%m/%Y} đến hết {d.valid_to:%d/%m/%Y}"
    )
