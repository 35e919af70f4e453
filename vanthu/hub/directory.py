"""Connected systems and the agencies they host: the operator's commands, registerAgency
(the systems' own way), and the per-process copies the API reads on every call."""

from __future__ import annotations

import time

from django.db import IntegrityError, transaction

from vanthu.vxp import ErrorCode

from . import routing, sql
from .calls import Caller, Seen, replayed
from .errors import HubError
from .models import Agency, SeenSignature, System
from .routing import normalise_code


def add_system(systemid: str, secret: str, name: str) -> tuple[System, bool]:
    if not systemid.strip() or not secret:
        raise HubError(ErrorCode.BAD_REQUEST, "Cần mã hệ thống và khóa bí mật.")
    with transaction.atomic():
        system, created = System.objects.select_for_update().get_or_create(
            systemid=systemid.strip(), defaults={"name": name, "secret": secret}
        )
        if not created:
            system.name, system.secret, system.is_active = name, secret, True
            system.save(update_fields=["name", "secret", "is_active"])
    return system, created


def add_agency(systemid: str, code: str, name: str, *, code_qd20: str = "") -> tuple[Agency, bool]:
    code, code_qd20 = normalise_code(code), normalise_code(code_qd20)
    if not code or len(code) > 35:
        raise HubError(ErrorCode.BAD_REQUEST, "Mã cơ quan không hợp lệ.")
    with transaction.atomic():
        system = System.objects.filter(systemid=systemid).first()
        if system is None:
            raise HubError(ErrorCode.BAD_REQUEST, f"Chưa có hệ thống {systemid}.")
        agency, created = Agency.objects.select_for_update().get_or_create(
            code=code, defaults={"name": name, "system": system, "code_qd20": code_qd20 or None}
        )
        if not created:
            agency.name, agency.system = name, system
            agency.code_qd20 = code_qd20 or agency.code_qd20
            agency.save()
    return agency, created


_CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.")


def register_agency(caller: Caller, payload: dict[str, object], seen: Seen) -> Agency:
    """registerAgency: the calling system declares (or updates) an agency it hosts."""
    code = normalise_code(str(payload.get("code") or ""))
    name = str(payload.get("name") or "").strip()
    if not code or not name or len(code) > 35 or not _CODE_CHARS.issuperset(code):
        raise HubError(ErrorCode.BAD_REQUEST, "Cần code (chữ in hoa, số, dấu chấm) và name.")
    qd20 = normalise_code(str(payload.get("codeQD20") or payload.get("code_qd20") or ""))
    with transaction.atomic():
        try:
            with transaction.atomic():
                SeenSignature.objects.create(signature=seen.signature, expires_at=seen.expires_at)
        except IntegrityError:
            raise replayed() from None
        agency = Agency.objects.select_for_update().filter(code=code).first()
        if agency is not None and agency.system_id != caller.pk:
            raise HubError(ErrorCode.BAD_REQUEST, f"Cơ quan {code} thuộc một hệ thống khác.")
        agency = agency or Agency(code=code, system_id=caller.pk)
        agency.name = name[:255]
        agency.code_qd20 = qd20 or agency.code_qd20
        agency.parent_code = str(payload.get("pcode") or "")[:35]
        agency.mail = str(payload.get("mail") or "")[:255]
        agency.mobile = str(payload.get("mobile") or "")[:50]
        agency.fax = str(payload.get("fax") or "")[:50]
        try:
            with transaction.atomic():
                agency.save()
        except IntegrityError:
            raise HubError(
                ErrorCode.BAD_REQUEST, f"Mã QĐ 20 {qd20} đã dùng cho cơ quan khác."
            ) from None
    return agency


# Secrets are read on every request; a short-lived per-process copy saves a query each time.
# A new system, a changed secret or a deactivation takes effect within this many seconds.
SYSTEM_CACHE_SECONDS = 5.0
_systems: dict[str, tuple[float, tuple[int, str, str, bool] | None]] = {}


def system_secret(systemid: str) -> tuple[Caller, str] | None:
    """The caller and its HMAC secret, or None for an unknown, inactive or upstream id."""
    now = time.monotonic()
    cached = _systems.get(systemid)
    if cached is None or now - cached[0] > SYSTEM_CACHE_SECONDS:
        cached = (now, sql.system_by_id(systemid))
        if len(_systems) > 10000:
            _systems.clear()
        _systems[systemid] = cached
    row = cached[1]
    if row is None:
        return None
    pk, secret, kind, active = row
    if not active or kind == System.Kind.UPSTREAM or not secret:
        return None
    return Caller(pk, systemid), secret


# Agencies seldom change hosts; a per-process copy of the rows found saves a query per
# package. Only agencies found are kept (an unknown code is always looked up again), and a
# refusal is re-checked against the database (accept_upload), so the copy can only be stale
# for an agency moved to another system, for at most this many seconds.
HOSTS_CACHE_SECONDS = 5.0
_hosts: dict[str, tuple[float, tuple[str, str | None, str, str, int]]] = {}


def hosts_for(
    codes: list[str], *, fresh: bool = False
) -> tuple[dict[str, routing.Host], dict[str, int]]:
    """Both code forms of the named agencies → their host; systemid → system pk."""
    now = time.monotonic()
    rows = []
    missing = []
    for code in dict.fromkeys(c for c in codes if c):
        cached = None if fresh else _hosts.get(code)
        if cached is not None and now - cached[0] < HOSTS_CACHE_SECONDS:
            rows.append(cached[1])
        else:
            missing.append(code)
    if missing:
        if len(_hosts) > 100_000:
            _hosts.clear()
        for row in sql.hosts(missing):
            rows.append(row)
            _hosts[row[0]] = (now, row)
            if row[1]:
                _hosts[row[1]] = (now, row)
    hosts: dict[str, routing.Host] = {}
    system_pks: dict[str, int] = {}
    for code, code_qd20, systemid, kind, system_pk in rows:
        host = routing.Host(code, systemid, kind == System.Kind.UPSTREAM)
        hosts[code] = host
        if code_qd20:
            hosts[code_qd20] = host
        system_pks[systemid] = int(system_pk)
    return hosts, system_pks
