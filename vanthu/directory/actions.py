"""State changes of the directory: agencies, departments, people and their roles, imports,
logins, API tokens. Each action checks permission, validates before writing, writes in one
transaction and records an audit event with the values before and after."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.agency_file import (
    abbreviation_for,
    clean_row,
    first_row_number,
    parse_agency_file,
)
from vanthu.directory.models import Agency, ApiToken, Department, Membership, Position, User
from vanthu.directory.validation import (
    AgencyInput,
    parent_error,
    validate_agency,
    validate_agency_fields,  # noqa: F401 - callers validate codes through actions
    validate_department,
    validate_membership,
    validate_membership_end,
    validate_new_user,
)
from vanthu.errors import PermissionDenied, ValidationFailed


def require_admin(user) -> None:
    if not roles_of(user).is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống mới được thực hiện thao tác này.")


def _fail_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# --- Import of the national axis list -------------------------------------------------------


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (row, code, reason)
    # Rows saved whose parent could not be linked: (row, code, reason).
    warnings: list[tuple[int, str, str]] = field(default_factory=list)


def import_agencies(user, name: str, content: bytes) -> ImportReport:
    """Create or update agencies from the axis list; every bad row is reported, good rows are
    saved together (one transaction), and parents are resolved by `pid` or by code."""
    require_admin(user)
    rows = parse_agency_file(name, content)
    if not rows:
        raise ValidationFailed({"file": "Tệp không có dòng dữ liệu nào."})
    report = ImportReport()
    seen: set[str] = set()
    good: list[tuple[int, dict]] = []
    for index, row in enumerate(rows, start=first_row_number(name, content)):
        data, errors = clean_row(row)
        if data["code"] in seen:
            errors["code"] = "Mã định danh bị lặp trong tệp."
        if errors:
            report.rejected.append((index, data["code"], " ".join(errors.values())))
            continue
        seen.add(data["code"])
        good.append((index, data))
    with transaction.atomic():
        by_external: dict[str, Agency] = {}
        for _, data in good:
            values = {
                "code_qd20": data["code_qd20"],
                "name": data["name"],
                "email": data["mail"],
                "external_id": data["id"],
            }
            agency, created = Agency.objects.update_or_create(
                code=data["code"],
                defaults=values,
                create_defaults={**values, "abbreviation": abbreviation_for(data["name"])},
            )
            (report.created if created else report.updated).append(agency.code)
            if data["id"]:
                by_external[data["id"]] = agency
        for index, data in good:
            _link_parent(report, index, data, by_external)
        record_event(
            "directory.agencies_imported",
            user,
            actor=user,
            after={
                "created": len(report.created),
                "updated": len(report.updated),
                "rejected": len(report.rejected),
                "warnings": len(report.warnings),
            },
            note=name,
        )
    return report


def _link_parent(report: ImportReport, index: int, data: dict, by_external: dict) -> None:
    pid = data["pid"]
    if not pid:
        return
    parent = by_external.get(pid) or Agency.objects.filter(external_id=pid).first()
    agency = Agency.objects.get(code=data["code"])
    if parent is None:
        reason = f"Không tìm thấy cơ quan cấp trên có id «{pid}»; chưa gắn cơ quan cấp trên."
    elif parent.pk == agency.pk or parent_error(agency, parent):
        reason = f"Cơ quan cấp trên «{pid}» tạo thành vòng lặp; chưa gắn cơ quan cấp trên."
    else:
        Agency.objects.filter(pk=agency.pk).update(parent=parent)
        return
    report.warnings.append((index, data["code"], reason))


# --- Agencies and departments ---------------------------------------------------------------


def _agency_snapshot(agency: Agency) -> dict:
    return {
        "code": agency.code,
        "code_qd20": agency.code_qd20,
        "name": agency.name,
        "abbreviation": agency.abbreviation,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent_id else None,
        "email": agency.email,
        "valid_from": _iso(agency.valid_from),
        "valid_to": _iso(agency.valid_to),
        "successor": agency.successor.code if agency.successor_id else None,
    }


def create_agency(user, data: AgencyInput) -> Agency:
    require_admin(user)
    _fail_if(validate_agency(data))
    with transaction.atomic():
        agency = Agency.objects.create(**vars(data))
        record_event(
            "directory.agency_created",
            agency,
            actor=user,
            agency=agency,
            after=_agency_snapshot(agency),
        )
    return agency


def update_agency(user, agency: Agency, data: AgencyInput) -> Agency:
    require_admin(user)
    with transaction.atomic():
        # Lock and re-read: the "before" of the audit event must be what we overwrite.
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        _fail_if(validate_agency(data, agency))
        before = _agency_snapshot(agency)
        for name, value in vars(data).items():
            setattr(agency, name, value)
        agency.save()
        old, new = _changes(before, _agency_snapshot(agency))
        if new:
            record_event(
                "directory.agency_updated", agency, actor=user, agency=agency, before=old, after=new
            )
    return agency


def _department_snapshot(department: Department) -> dict:
    return {"department": department.code, "name": department.name}


def create_department(user, agency: Agency, code: str, name: str) -> Department:
    require_admin(user)
    _fail_if(validate_department(agency, code, name))
    with transaction.atomic():
        department = Department.objects.create(agency=agency, code=code, name=name.strip())
        # Recorded on the agency: department codes (VP, KT…) repeat across agencies, so they
        # cannot identify an audit object on their own.
        record_event(
            "directory.department_created",
            agency,
            actor=user,
            agency=agency,
            after=_department_snapshot(department),
        )
    return department


def update_department(user, department: Department, code: str, name: str) -> Department:
    require_admin(user)
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        _fail_if(validate_department(department.agency, code, name, department))
        before = _department_snapshot(department)
        department.code, department.name = code, name.strip()
        department.save()
        old, new = _changes(before, _department_snapshot(department))
        if new:
            record_event(
                "directory.department_updated",
                department.agency,
                actor=user,
                agency=department.agency,
                before={"department": before["department"], **old},
                after={"department": department.code, **new},
            )
    return department


# --- People and their roles -----------------------------------------------------------------


def create_user(
    user, *, username: str, full_name: str, password: str, email: str = "", phone: str = ""
) -> User:
    require_admin(user)
    full_name = full_name.strip()
    _fail_if(validate_new_user(username, full_name, password, email))
    with transaction.atomic():
        account = User(username=username, full_name=full_name, email=email, phone=phone)
        account.set_password(password)
        account.save()
        record_event(
            "directory.user_created",
            account,
            actor=user,
            after={"username": username, "full_name": full_name, "email": email},
        )
    return account


def set_user_active(user, account: User, active: bool) -> User:
    """Lock or unlock an account. Locking also revokes its API tokens, so a locked person
    cannot keep working through a script that still holds a key."""
    require_admin(user)
    if account.pk == user.pk and not active:
        raise ValidationFailed({"is_active": "Không thể tự khóa tài khoản của chính mình."})
    with transaction.atomic():
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.is_active == active:
            return account
        account.is_active = active
        account.save(update_fields=["is_active"])
        revoked = 0
        if not active:
            revoked = ApiToken.objects.filter(user=account, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        record_event(
            "directory.user_activated" if active else "directory.user_deactivated",
            account,
            actor=user,
            before={"is_active": not active},
            after={"is_active": active, **({"tokens_revoked": revoked} if revoked else {})},
        )
    return account


def _membership_snapshot(membership: Membership) -> dict:
    return {
        "membership": membership.pk,
        "agency": membership.agency.code,
        "department": membership.department.code if membership.department_id else None,
        "role": membership.role,
        "position": membership.position.name if membership.position_id else None,
        "valid_from": _iso(membership.valid_from),
        "valid_to": _iso(membership.valid_to),
    }


def add_membership(
    user,
    account: User,
    *,
    agency: Agency,
    role: str,
    department: Department | None = None,
    position: Position | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Membership:
    require_admin(user)
    valid_from = valid_from or timezone.localdate()
    with transaction.atomic():
        # One person's roles change one admin at a time; with department left empty the
        # unique constraint cannot catch a double submit (NULLs never collide).
        User.objects.select_for_update().get(pk=account.pk)
        _fail_if(validate_membership(account, agency, role, department, valid_from, valid_to))
        key = {"user": account, "agency": agency, "department": department, "role": role}
        membership = Membership.objects.filter(**key).first()
        before = _membership_snapshot(membership) if membership else None
        if membership is None:
            membership = Membership(**key)
        # The constraint allows one row per person, unit and role, so holding a role again
        # after it ended reopens that row; the earlier period stays in the audit trail.
        membership.position = position
        membership.valid_from, membership.valid_to = valid_from, valid_to
        membership.save()
        record_event(
            "directory.membership_added",
            account,
            actor=user,
            agency=agency,
            before=before,
            after=_membership_snapshot(membership),
        )
    return membership


def end_membership(user, membership: Membership, valid_to: date | None = None) -> Membership:
    """End a role on `valid_to` (its last day, today by default). The row stays, so who held
    which role when remains answerable for documents handled in that period."""
    require_admin(user)
    valid_to = valid_to or timezone.localdate()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("agency", "department", "position", "user")
            .get(pk=membership.pk)
        )
        _fail_if(validate_membership_end(user, membership, valid_to))
        before = _membership_snapshot(membership)
        membership.valid_to = valid_to
        membership.save(update_fields=["valid_to"])
        record_event(
            "directory.membership_ended",
            membership.user,
            actor=user,
            agency=membership.agency,
            before=before,
            after=_membership_snapshot(membership),
        )
    return membership


# --- Logins and API tokens ------------------------------------------------------------------


class LoginLocked(Exception):
    def __init__(self, until):
        self.until = until
        super().__init__("locked")


def authenticate_with_lockout(request, username: str, password: str) -> User | None:
    """Authenticate; after LOGIN_MAX_FAILURES failures the account is locked for
    LOGIN_LOCKOUT_MINUTES, even for the right password, and the lock is audited."""
    now = timezone.now()
    account = User.objects.filter(username=username).first()
    if account is not None and account.locked_until and account.locked_until > now:
        raise LoginLocked(account.locked_until)
    user = authenticate(request, username=username, password=password)
    if user is not None:
        if user.failed_logins or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        record_event("auth.login", user, actor=user)
        return user
    if account is not None:
        with transaction.atomic():
            account = User.objects.select_for_update().get(pk=account.pk)
            account.failed_logins += 1
            if account.failed_logins >= settings.LOGIN_MAX_FAILURES:
                account.locked_until = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                account.failed_logins = 0
                record_event(
                    "auth.locked", account, note=f"Khóa đến {account.locked_until.isoformat()}"
                )
            account.save(update_fields=["failed_logins", "locked_until"])
            record_event("auth.login_failed", account)
        if account.locked_until and account.locked_until > now:
            raise LoginLocked(account.locked_until)
    return None


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(user: User, name: str) -> str:
    """Return the secret once; only its hash is kept."""
    secret = "vt_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name or "API", prefix=secret[:8], key_hash=hash_token(secret)
        )
        record_event("auth.token_created", token, actor=user, note=token.name)
    return secret
