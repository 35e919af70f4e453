"""The trust store: which CA certificates signatures must chain to, and how revocation is
checked (Decree 130/2018 on digital signatures: a signature is trusted when its certificate
was issued by a licensed CA, valid and not revoked at the time of signing).

Trust comes from two places:

* ``TrustedCertificate`` rows administrators add on the trust store page (active ones only);
* the PEM files listed in ``settings.VANTHU_TRUST_ROOTS`` (the national root shipped by the
  operator, fixed for the deployment).

Root certificates become trust anchors; intermediates are only offered to path building (a
signature still has to chain up to a root), so adding an intermediate never makes a
foreign hierarchy trusted on its own.

Revocation (``settings.VANTHU_REVOCATION_MODE``):

* ``soft-fail`` (default): CRL and OCSP are fetched from the URLs in the certificates; a
  revoked certificate fails, an unreachable responder does not;
* ``hard-fail``: revocation information must be obtained for every certificate;
* ``off``: nothing is fetched (closed networks without a responder).

The parsed certificates are cached per process and keyed by a fingerprint of the store
(active row hashes + the files' modification times), so a change made by another process
is seen on the next check. A ``ValidationContext`` itself is built fresh for each check: it
accumulates fetched OCSP responses and CRLs (a cached one would hide a new revocation) and its
HTTP fetchers belong to the event loop of the check that created them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import (
    InsufficientRevinfoError,
    PathError,
    RevokedError,
    ValidationError,
)

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.errors import PermissionDenied, ValidationFailed
from vanthu.signing.models import TrustedCertificate

REVOCATION_MODES = ("soft-fail", "hard-fail", "off")
MAX_CERTIFICATE_BYTES = 64 * 1024


# -- reading certificates ------------------------------------------------------------------


def load_certificate(data: bytes) -> x509.Certificate:
    """One certificate from PEM or DER (.pem, .crt, .cer, .der) bytes, or a field error."""
    if not data:
        raise ValidationFailed({"certificate": "Hãy chọn tệp chứng thư số."})
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise ValidationFailed({"certificate": "Tệp quá lớn để là một chứng thư số."})
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
            if len(certs) != 1:
                raise ValidationFailed(
                    {"certificate": "Tệp chứa nhiều chứng thư số; hãy tải lên từng chứng thư một."}
                )
            return certs[0]
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise ValidationFailed(
            {"certificate": "Tệp không phải chứng thư số X.509 (PEM, DER hoặc CER)."}
        ) from exc


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def is_self_signed(cert: x509.Certificate) -> bool:
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _ca_problem(cert: x509.Certificate) -> str | None:
    """Why ``cert`` cannot be a CA certificate of the store, or None."""
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is None or not basic.ca:
        return (
            "Đây không phải chứng thư số của tổ chức cung cấp dịch vụ chứng thực (CA): "
            "thiếu thuộc tính CA trong Basic Constraints. Chỉ thêm chứng thư CA gốc hoặc CA "
            "trung gian, không thêm chứng thư của người ký."
        )
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not usage.key_cert_sign:
        return "Chứng thư số CA này không được phép ký chứng thư khác (thiếu keyCertSign)."
    now = timezone.now()
    if cert.not_valid_after_utc < now:
        return f"Chứng thư số CA đã hết hiệu lực từ {timezone.localtime(cert.not_valid_after_utc):%d/%m/%Y}."
    if cert.not_valid_before_utc > now:
        return "Chứng thư số CA chưa đến thời điểm có hiệu lực."
    return None


# -- administration -----------------------------------------------------------------------


def _require_admin(actor) -> None:
    if not roles_of(actor).is_admin:
        raise PermissionDenied("Chỉ quản trị hệ thống mới được thay đổi kho chứng thư tin cậy.")


def add_trusted_certificate(actor, data: bytes, *, note: str = "") -> TrustedCertificate:
    """Trust a root or intermediate CA certificate given as PEM or DER bytes."""
    _require_admin(actor)
    cert = load_certificate(data)
    problem = _ca_problem(cert)
    if problem:
        raise ValidationFailed({"certificate": problem})
    sha256 = fingerprint(cert)
    existing = TrustedCertificate.objects.filter(sha256=sha256).first()
    if existing is not None:
        state = "đang được tin cậy" if existing.active else "đã bị ngừng tin cậy"
        raise ValidationFailed(
            {"certificate": f"Chứng thư số này đã có trong kho ({state}): {existing.subject}."}
        )
    role = (
        TrustedCertificate.Role.ROOT
        if is_self_signed(cert)
        else TrustedCertificate.Role.INTERMEDIATE
    )
    with transaction.atomic():
        record = TrustedCertificate.objects.create(
            role=role,
            certificate_pem=cert.public_bytes(Encoding.PEM).decode(),
            sha256=sha256,
            subject=cert.subject.rfc4514_string()[:500],
            issuer=cert.issuer.rfc4514_string()[:500],
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            note=note.strip()[:300],
            added_by=actor,
        )
        record_event(
            "signing.trust_added",
            record,
            actor=actor,
            after={"role": role, "subject": record.subject, "sha256": sha256},
            note=record.note,
        )
    return record


def get_trusted_certificate_for_admin(actor, public_id) -> TrustedCertificate:
    _require_admin(actor)
    record = TrustedCertificate.objects.filter(public_id=public_id).first()
    if record is None:
        raise TrustedCertificate.DoesNotExist
    return record


def deactivate_trusted_certificate(actor, record: TrustedCertificate) -> TrustedCertificate:
    """Stop trusting a CA. The row stays: checks made while it was trusted remain explained."""
    _require_admin(actor)
    with transaction.atomic():
        changed = TrustedCertificate.objects.filter(pk=record.pk, active=True).update(active=False)
        if changed != 1:
            raise ValidationFailed(
                {"certificate": "Chứng thư số này đã bị ngừng tin cậy trước đó."}
            )
        record.active = False
        record_event(
            "signing.trust_deactivated",
            record,
            actor=actor,
            before={"active": True},
            after={"active": False, "subject": record.subject, "sha256": record.sha256},
        )
    return record


def list_trusted_certificates():
    return TrustedCertificate.objects.select_related("added_by").order_by(
        "-active", "role", "subject"
    )


# -- what verification uses ---------------------------------------------------------------


@dataclass(frozen=True)
class TrustMaterial:
    roots: tuple[asn1_x509.Certificate, ...]
    intermediates: tuple[asn1_x509.Certificate, ...]


_cache_lock = threading.Lock()
_cache: dict[str, tuple[tuple, TrustMaterial]] = {}


def _settings_files() -> tuple[tuple[str, float], ...]:
    files = []
    for path in getattr(settings, "VANTHU_TRUST_ROOTS", ()) or ():
        try:
            files.append((str(path), os.stat(path).st_mtime))
        except OSError:
            files.append((str(path), -1.0))
    return tuple(files)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _load_material(*, with_database: bool) -> TrustMaterial:
    roots: dict[str, asn1_x509.Certificate] = {}
    intermediates: dict[str, asn1_x509.Certificate] = {}
    for path, _ in _settings_files():
        for cert in x509.load_pem_x509_certificates(Path(path).read_bytes()):
            roots[fingerprint(cert)] = _asn1(cert)
    rows = TrustedCertificate.objects.filter(active=True).values_list(
        "role", "sha256", "certificate_pem"
    )
    if not with_database:
        rows = []
    for role, sha256, pem in rows:
        target = roots if role == TrustedCertificate.Role.ROOT else intermediates
        target[sha256] = _asn1(x509.load_pem_x509_certificate(pem.encode()))
    return TrustMaterial(tuple(roots.values()), tuple(intermediates.values()))


def trust_material() -> TrustMaterial:
    """The parsed trust anchors and intermediates, re-read only when the store changed."""
    try:
        stored = tuple(
            TrustedCertificate.objects.filter(active=True)
            .order_by("sha256")
            .values_list("sha256", flat=True)
        )
    except DatabaseError:
        # The command-line verifier also runs where there is no VanThu database: the
        # settings files are then the whole store.
        stored = None
    key = (stored, _settings_files())
    with _cache_lock:
        cached = _cache.get("material")
        if cached is not None and cached[0] == key:
            return cached[1]
    material = _load_material(with_database=stored is not None)
    with _cache_lock:
        _cache["material"] = (key, material)
    return material


def invalidate_trust_cache() -> None:
    with _cache_lock:
        _cache.clear()


def trust_roots() -> list[asn1_x509.Certificate]:
    """Active roots of the store plus the ``VANTHU_TRUST_ROOTS`` files."""
    return list(trust_material().roots)


def revocation_mode() -> str:
    mode = getattr(settings, "VANTHU_REVOCATION_MODE", "soft-fail") or "soft-fail"
    if mode not in REVOCATION_MODES:
        raise ValueError(f"VANTHU_REVOCATION_MODE must be one of {REVOCATION_MODES}, got {mode!r}")
    return mode


def validation_context(
    *,
    extra_roots: tuple[asn1_x509.Certificate, ...] = (),
    other_certs: tuple[asn1_x509.Certificate, ...] = (),
    moment: dt.datetime | None = None,
) -> ValidationContext:
    """A fresh context over the cached trust material, fetching revocation data per the mode."""
    material = trust_material()
    mode = revocation_mode()
    fetching = mode != "off"
    return ValidationContext(
        trust_roots=[*material.roots, *extra_roots],
        other_certs=[*material.intermediates, *other_certs],
        allow_fetching=fetching,
        revocation_mode="hard-fail" if mode == "hard-fail" else "soft-fail",
        moment=moment,
    )


__all__ = [
    "REVOCATION_MODES",
    "TrustMaterial",
    "add_trusted_certificate",
    "deactivate_trusted_certificate",
    "get_trusted_certificate_for_admin",
    "invalidate_trust_cache",
    "list_trusted_certificates",
    "load_certificate",
    "revocation_mode",
    "trust_material",
    "trust_roots",
    "chains_to_trust_store",
    "signing_certificate_problem",
    "validation_context",
]


# -- certificates at signing time -----------------------------------------------------------


def _validate(validator: CertificateValidator, context: ValidationContext) -> None:
    async def run() -> None:
        try:
            await validator.async_validate_usage(set())
        finally:
            # The HTTP session of the fetchers belongs to this event loop: close it here.
            await context.aclose()

    asyncio.run(run())


def chains_to_trust_store(cert: x509.Certificate, chain: list[x509.Certificate]) -> bool:
    """Whether ``cert`` validates (path, validity, revocation per the mode) against the store."""
    context = validation_context()
    validator = CertificateValidator(
        _asn1(cert), intermediate_certs=[_asn1(c) for c in chain], validation_context=context
    )
    try:
        _validate(validator, context)
    except (ValidationError, PathError):
        return False
    return True


_USAGE_LABELS = {"personal": "cá nhân", "agency": "cơ quan, tổ chức"}


def signing_certificate_problem(
    cert: x509.Certificate, chain: list[x509.Certificate]
) -> str | None:
    """Why a key must not sign now, in Vietnamese, or None.

    Checked before anything is signed or stored: validity dates, key usage, and revocation
    when the CA's responder can be reached. Revocation is asked of the certificate's own
    issuer chain (the signer's file or token carries it) even when that CA is not in the trust
    store yet: whether the store trusts the CA is a question for verification, whether the
    key was revoked is a reason to stop now."""
    now = timezone.now()
    if cert.not_valid_after_utc < now:
        day = timezone.localtime(cert.not_valid_after_utc)
        return f"Chứng thư số đã hết hiệu lực từ ngày {day:%d/%m/%Y}; không thể ký số."
    if cert.not_valid_before_utc > now:
        day = timezone.localtime(cert.not_valid_before_utc)
        return f"Chứng thư số chưa có hiệu lực (từ ngày {day:%d/%m/%Y}); không thể ký số."
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        return (
            "Chứng thư số không được cấp cho mục đích ký số "
            "(thiếu digitalSignature/nonRepudiation trong Key Usage)."
        )
    if revocation_mode() == "off":
        return None
    own_roots = tuple(_asn1(c) for c in chain if is_self_signed(c))
    context = validation_context(extra_roots=own_roots)
    validator = CertificateValidator(
        _asn1(cert), intermediate_certs=[_asn1(c) for c in chain], validation_context=context
    )
    try:
        _validate(validator, context)
    except RevokedError as exc:
        return f"Chứng thư số đã bị thu hồi; không thể ký số. ({_revocation_detail(exc)})"
    except InsufficientRevinfoError:
        if revocation_mode() == "hard-fail":
            return (
                "Không kiểm tra được tình trạng thu hồi của chứng thư số (OCSP/CRL không "
                "phản hồi); theo quy định của hệ thống, chưa thể ký số."
            )
    except (ValidationError, PathError):
        # Not chaining anywhere known: no revocation source to ask. Trust is judged when
        # the signed document is verified.
        return None
    return None


def _revocation_detail(exc: RevokedError) -> str:
    reason = getattr(exc, "reason", None)
    when = getattr(exc, "revocation_dt", None)
    parts = []
    if when is not None:
        parts.append(f"thu hồi lúc {timezone.localtime(when):%H:%M %d/%m/%Y}")
    if reason is not None:
        parts.append(f"lý do: {getattr(reason, 'human_friendly', reason)}")
    return ", ".join(parts) or "theo thông tin của tổ chức cấp"
