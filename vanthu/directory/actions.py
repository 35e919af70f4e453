"""State changes of the directory: agencies, imports, logins, API tokens."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.codes import qcvn102_error, qd20_error
from vanthu.directory.models import Agency, ApiToken, User
from vanthu.errors import PermissionDenied, ValidationFailed


def require_admin(user) -> None:
    if not roles_of(user).is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống mới được thực hiện thao tác này.")


def validate_agency_fields(code: str, code_qd20: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if err := qcvn102_error(code):
        errors["code"] = err
    if err := qd20_error(code_qd20):
        errors["code_qd20"] = err
    if not name.strip():
        errors["name"] = "Chưa nhập tên cơ quan."
    elif len(name) > 200:
        errors["name"] = "Tên cơ quan dài tối đa 200 ký tự."
    return errors


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (row, code, reason)


def _abbreviation_for(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w]
    if name.lower().startswith(("ủy ban nhân dân", "uỷ ban nhân dân", "ubnd")):
        return "UBND"
    initials = "".join(w[0] for w in words if w[0].isalpha())
    return (initials.upper() or "CQ")[:20]


def parse_agency_file(name: str, content: bytes) -> list[dict]:
    """Rows of the national axis agency list (id, code, code102, pid, name, mail), as CSV or JSON."""
    text = content.decode("utf-8-sig", errors="strict")
    if name.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("data") or data.get("agencies") or []
        if not isinstance(data, list):
            raise ValidationFailed({"file": "Tệp JSON phải là một danh sách cơ quan."})
        return [row if isinstance(row, dict) else {} for row in data]
    return list(csv.DictReader(io.StringIO(text)))


def import_agencies(user, name: str, content: bytes) -> ImportReport:
    """Create or update agencies from the axis list; every bad row is reported, good rows are
    saved together (one transaction), and parents are resolved by `pid` or by code."""
    require_admin(user)
    try:
        rows = parse_agency_file(name, content)
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as exc:
        raise ValidationFailed({"file": f"Không đọc được tệp: {exc.__class__.__name__}."}) from None
    if not rows:
        raise ValidationFailed({"file": "Tệp không có dòng dữ liệu nào."})
    report = ImportReport()
    seen: set[str] = set()
    good: list[tuple[int, dict]] = []
    for index, row in enumerate(rows, start=2 if not name.lower().endswith(".json") else 1):
        code = str(row.get("code102") or "").strip()
        code_qd20 = str(row.get("code") or "").strip()
        agency_name = str(row.get("name") or "").strip()
        errors = validate_agency_fields(code, code_qd20, agency_name)
        if code in seen:
            errors["code"] = "Mã định danh bị lặp trong tệp."
        mail = str(row.get("mail") or "").strip()
        if mail and ("@" not in mail or " " in mail):
            errors["mail"] = "Địa chỉ thư điện tử không hợp lệ."
        if errors:
            report.rejected.append((index, code, " ".join(errors.values())))
            continue
        seen.add(code)
        good.append(
            (
                index,
                {
                    "code": code,
                    "code_qd20": code_qd20,
                    "name": agency_name,
                    "mail": mail,
                    "id": str(row.get("id") or "").strip(),
                    "pid": str(row.get("pid") or "").strip(),
                },
            )
        )
    with transaction.atomic():
        by_external: dict[str, Agency] = {}
        for _, data in good:
            agency, created = Agency.objects.update_or_create(
                code=data["code"],
                defaults={
                    "code_qd20": data["code_qd20"],
                    "name": data["name"],
                    "email": data["mail"],
                    "external_id": data["id"],
                },
                create_defaults={
                    "code_qd20": data["code_qd20"],
                    "name": data["name"],
                    "email": data["mail"],
                    "external_id": data["id"],
                    "abbreviation": _abbreviation_for(data["name"]),
                },
            )
            (report.created if created else report.updated).append(agency.code)
            if data["id"]:
                by_external[data["id"]] = agency
        for _, data in good:
            pid = data["pid"]
            if pid and pid not in {"0", "-1", "null"}:
                parent = by_external.get(pid) or Agency.objects.filter(external_id=pid).first()
                if parent is not None and parent.code != data["code"]:
                    Agency.objects.filter(code=data["code"]).update(parent=parent)
        record_event(
            "directory.agencies_imported",
            user,
            actor=user,
            after={
                "created": len(report.created),
                "updated": len(report.updated),
                "rejected": len(report.rejected),
            },
            note=name,
        )
    return report


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
