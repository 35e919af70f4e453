"""Managing signing credentials from the screens: who may, and the actions beyond
``actions.register_credential`` (an uploaded PKCS#12 file, a certificate of a USB token driven
by ``vanthu-signer``, a remote-signing credential, a new signature image, deactivation).

Who manages what:

* a person manages their own personal credential; administrators (``Role.ADMIN``, which
  ``roles_of`` treats as system-wide) manage anyone's;
* an agency's seal is managed by its văn thư (``Role.CLERK``) and by administrators. Decree
  30/2020 Art. 33.2 makes the văn thư the keeper of the seal *and of the device holding the
  agency's private key*, so installing or replacing that key is theirs to do; nobody else of
  the agency, and nobody of another agency.
* anything that makes the server reach for its own configuration (an environment variable
  unlocking a key without anyone typing) is an administrator's decision: a văn thư registers
  a seal whose password is typed at each issuance.

Every check of the certificate happens before anything is written; each action is one
transaction with one audit event, and a stored ``.p12`` file is removed when registration fails.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Membership, Role
from vanthu.documents.files import PNG, check_upload, read_bytes, store
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.signing import actions as signing
from vanthu.signing.backends import csc
from vanthu.signing.errors import SigningError, WrongPinError
from vanthu.signing.identity import agency_code, classify, common_name
from vanthu.signing.models import SigningCredential
from vanthu.textfold import fold

Kind = SigningCredential.Kind
EXPIRY_WARNING_DAYS = 30
KEY_FILE_LIMIT = 256 * 1024  # a PKCS#12 with a full chain is a few KB
CERT_FILE_LIMIT = 64 * 1024
# Names of server environment variables a credential may point at.
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")


# -- settings ------------------------------------------------------------------------------------


def key_dir() -> Path:
    """Where uploaded PKCS#12 files live (``VANTHU_KEY_DIR``, by default ``<var>/keys``)."""
    configured = getattr(settings, "VANTHU_KEY_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "keys"


def pkcs11_modules() -> list[str]:
    """The PKCS#11 libraries the operator installed. Loading a library runs its code inside
    the server, so a path typed by a user is never loaded: only these."""
    return list(getattr(settings, "VANTHU_PKCS11_MODULES", ["/usr/lib/softhsm/libsofthsm2.so"]))


def csc_services() -> list[str]:
    """The remote-signing services the operator allows (``VANTHU_CSC_SERVICES``): the server
    sends a client secret there, so users choose among them rather than type a URL."""
    return list(getattr(settings, "VANTHU_CSC_SERVICES", []))


# -- permissions ---------------------------------------------------------------------------------


def can_manage_personal(actor, user) -> bool:
    return bool(actor.is_authenticated) and (actor.pk == user.pk or roles_of(actor).is_admin)


def can_manage_seal(actor, agency: Agency) -> bool:
    roles = roles_of(actor)
    return roles.is_admin or roles.has(agency.pk, Role.CLERK)


def seal_agencies(actor):
    """The agencies whose seal ``actor`` manages, for the seal page's choice."""
    roles = roles_of(actor)
    qs = Agency.objects.order_by("name")
    if roles.is_admin:
        return qs
    return qs.filter(pk__in=roles.agencies_with(Role.CLERK))


def can_manage(actor, credential: SigningCredential) -> bool:
    if credential.user_id is not None:
        return can_manage_personal(actor, credential.user)
    return can_manage_seal(actor, credential.agency)


def _require_owner_rights(actor, *, user=None, agency=None) -> None:
    allowed = (
        can_manage_personal(actor, user) if user is not None else can_manage_seal(actor, agency)
    )
    if not allowed:
        raise PermissionDenied("Bạn không có quyền quản lý khóa ký số này.")


def get_credential_for_user(user, public_id) -> SigningCredential:
    """The credential if ``user`` may see it, else 404 (never revealing that it exists)."""
    credential = (
        SigningCredential.objects.select_related("user", "agency")
        .filter(public_id=public_id)
        .first()
    )
    if credential is None or not user.is_authenticated or not can_manage(user, credential):
        raise Http404
    return credential


def credentials_for_admin(user, *, agency: Agency | None = None, include_inactive=False):
    """Every credential, for administrators only; ``agency`` keeps its seal and its people's."""
    if not roles_of(user).is_admin:
        raise Http404
    qs = SigningCredential.objects.select_related("user", "agency").order_by("-created_at", "-id")
    if not include_inactive:
        qs = qs.filter(active=True)
    if agency is not None:
        members = Membership.objects.current().filter(agency=agency).values("user_id")
        qs = qs.filter(agency=agency) | qs.filter(user__in=members)
    return qs


def image_of(credential: SigningCredential) -> bytes:
    """The stored signature or seal image, refused if the stored bytes no longer match."""
    content = read_bytes(credential.image_storage_name)
    if hashlib.sha256(content).hexdigest() != credential.image_sha256:
        raise SigningError("Ảnh chữ ký/con dấu đã lưu bị thay đổi; hãy đăng ký lại ảnh.")
    return content


# -- certificates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateFacts:
    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def expiring_soon(self) -> bool:
        return 0 <= self.days_left < EXPIRY_WARNING_DAYS


def facts_of(cert: x509.Certificate | str) -> CertificateFacts:
    if isinstance(cert, str):
        cert = x509.load_pem_x509_certificate(cert.encode())
    left = cert.not_valid_after_utc - timezone.now()
    return CertificateFacts(
        subject=cert.subject.rfc4514_string(),
        common_name=common_name(cert),
        issuer=cert.issuer.rfc4514_string(),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        days_left=left.days,
    )


def parse_certificate(content: bytes) -> x509.Certificate:
    """A certificate file as exported from a token: PEM or DER (.cer/.crt/.der/.pem)."""
    if not content:
        raise ValidationFailed({"certificate": "Chưa chọn tệp chứng thư số."})
    if len(content) > CERT_FILE_LIMIT:
        raise ValidationFailed({"certificate": "Tệp chứng thư số quá lớn (tối đa 64 KB)."})
    try:
        if b"-----BEGIN CERTIFICATE-----" in content:
            return x509.load_pem_x509_certificate(content)
        return x509.load_der_x509_certificate(content)
    except ValueError:
        raise ValidationFailed(
            {
                "certificate": "Tệp không phải chứng thư số X.509 (định dạng .cer, .crt, .der "
                "hoặc .pem). Hãy xuất chứng thư từ USB token bằng phần mềm của nhà cung cấp."
            }
        ) from None


def check_certificate(cert: x509.Certificate, *, user=None, agency=None) -> None:
    """The certificate is of the right kind, for this owner, and valid today."""
    expected = "personal" if user is not None else "agency"
    if classify(cert) != expected:
        raise ValidationFailed(
            {
                "certificate": "Chứng thư số không phải của "
                + ("cá nhân." if expected == "personal" else "cơ quan, tổ chức.")
            }
        )
    now = timezone.now()
    if cert.not_valid_after_utc <= now:
        raise ValidationFailed(
            {
                "certificate": "Chứng thư số đã hết hạn ngày "
                + timezone.localtime(cert.not_valid_after_utc).strftime("%d/%m/%Y")
                + "; hãy gia hạn với tổ chức cung cấp dịch vụ chứng thực."
            }
        )
    if cert.not_valid_before_utc > now:
        raise ValidationFailed({"certificate": "Chứng thư số chưa đến thời gian có hiệu lực."})
    name = common_name(cert)
    if user is not None and fold(name) != fold(user.full_name):
        # A document signed with another person's certificate carries that person's name:
        # refused rather than warned. Names compare without diacritics or case, since
        # certificates often spell them in capitals without marks.
        raise ValidationFailed(
            {
                "certificate": f"Chứng thư số cấp cho «{name}», không phải cho "
                f"«{user.full_name or user.username}». Nếu họ tên trong hệ thống bị sai, hãy "
                "đề nghị quản trị hệ thống sửa lại."
            }
        )
    if agency is not None:
        code = agency_code(cert)
        if code not in {agency.code, agency.code_qd20} - {""}:
            raise ValidationFailed(
                {
                    "certificate": f"Chứng thư số cấp cho cơ quan có mã định danh «{code}», "
                    f"không phải {agency.name} ({agency.code})."
                }
            )


def _check_env_name(actor, field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if not roles_of(actor).is_admin:
        raise ValidationFailed(
            {field: "Chỉ quản trị hệ thống được cấu hình mật khẩu lưu trên máy chủ."}
        )
    if not ENV_NAME.match(value):
        raise ValidationFailed(
            {field: "Tên biến môi trường chỉ gồm chữ in hoa, chữ số và dấu gạch dưới."}
        )
    return value


# -- registration --------------------------------------------------------------------------------


def _write_key_file(content: bytes) -> Path:
    directory = key_dir()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{uuid.uuid4().hex}.p12"
    # Created 0600 from the start (not chmod afterwards): the file is never readable by others.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return path


def _discard_key_files(credentials) -> None:
    """Remove the uploaded PKCS#12 files of credentials no longer in use, after commit."""
    base = key_dir().resolve()
    paths = []
    for credential in credentials:
        raw = credential.params.get("path") if credential.kind == Kind.PKCS12 else None
        if raw and Path(raw).resolve().parent == base:
            paths.append(Path(raw))

    def remove():
        for path in paths:
            path.unlink(missing_ok=True)

    if paths:
        transaction.on_commit(remove)


def _register_with_key(actor, *, user, agency, kind, params, image_png, secret):
    """``register_credential`` plus the owner and expiry checks, rolled back together."""
    previous = list(SigningCredential.objects.filter(active=True, user=user, agency=agency))
    with transaction.atomic():
        credential = signing.register_credential(
            actor,
            user=user,
            agency=agency,
            kind=kind,
            params=params,
            image_png=image_png,
            secret=secret,
        )
        check_certificate(
            x509.load_pem_x509_certificate(credential.certificate_pem.encode()),
            user=user,
            agency=agency,
        )
        _discard_key_files(previous)
    return credential


def register_pkcs12_upload(
    actor,
    *,
    user=None,
    agency=None,
    key_file: bytes,
    password: str,
    image_png: bytes,
    password_env: str = "",
) -> SigningCredential:
    """Store an uploaded .p12/.pfx under ``key_dir()`` (0600) and register it. The password
    is not stored: typed at each signature, or (administrators, agency seal on the server)
    read from the environment variable ``password_env``."""
    _require_owner_rights(actor, user=user, agency=agency)
    password_env = _check_env_name(actor, "password_env", password_env)
    if not key_file:
        raise ValidationFailed({"key_file": "Chưa chọn tệp khóa PKCS#12 (.p12, .pfx)."})
    if len(key_file) > KEY_FILE_LIMIT or key_file[:1] != b"\x30":
        # PKCS#12 is a DER SEQUENCE: anything else is the wrong file, not a wrong password.
        raise ValidationFailed({"key_file": "Tệp không phải tệp khóa PKCS#12 (.p12, .pfx)."})
    if password_env:
        password = os.environ.get(password_env, "")
        if not password:
            raise ValidationFailed(
                {"password_env": f"Máy chủ chưa có biến môi trường {password_env}."}
            )
    if not password:
        raise ValidationFailed({"password": "Hãy nhập mật khẩu của tệp khóa."})
    # Read the certificate and check it before anything is written to disk; the key itself
    # is opened again by ``register_credential`` from the stored file.
    check_certificate(_pkcs12_certificate(key_file, password), user=user, agency=agency)
    path = _write_key_file(key_file)
    params = {"path": str(path)}
    if password_env:
        params["password_env"] = password_env
    try:
        return _register_with_key(
            actor,
            user=user,
            agency=agency,
            kind=Kind.PKCS12,
            params=params,
            image_png=image_png,
            secret=password,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _pkcs12_certificate(content: bytes, password: str) -> x509.Certificate:
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(content, password.encode())
    except ValueError:
        raise ValidationFailed(
            {"password": "Không mở được tệp khóa: sai mật khẩu hoặc tệp bị hỏng."}
        ) from None
    if key is None or cert is None:
        raise ValidationFailed(
            {"key_file": "Tệp PKCS#12 không chứa khóa bí mật và chứng thư số đi kèm."}
        )
    return cert


def register_pkcs11(
    actor,
    *,
    user=None,
    agency=None,
    module: str,
    token_label: str,
    key_label: str,
    pin: str,
    image_png: bytes,
    pin_env: str = "",
) -> SigningCredential:
    """A key on a token or HSM the server reaches through an operator-installed module."""
    _require_owner_rights(actor, user=user, agency=agency)
    pin_env = _check_env_name(actor, "pin_env", pin_env)
    if module not in pkcs11_modules():
        raise ValidationFailed({"module": "Thư viện PKCS#11 này không được cài đặt trên máy chủ."})
    errors = {}
    if not token_label.strip():
        errors["token_label"] = "Hãy nhập tên thiết bị (token label)."
    if not key_label.strip():
        errors["key_label"] = "Hãy nhập tên khóa trên thiết bị."
    if pin_env:
        pin = os.environ.get(pin_env, "")
        if not pin:
            errors["pin_env"] = f"Máy chủ chưa có biến môi trường {pin_env}."
    elif not pin:
        errors["pin"] = "Hãy nhập mã PIN của thiết bị."
    if errors:
        raise ValidationFailed(errors)
    params = {"module": module, "token_label": token_label.strip(), "key_label": key_label.strip()}
    if pin_env:
        params["pin_env"] = pin_env
    try:
        return _register_with_key(
            actor,
            user=user,
            agency=agency,
            kind=Kind.PKCS11,
            params=params,
            image_png=image_png,
            secret=pin,
        )
    except WrongPinError as exc:
        raise ValidationFailed({"pin_env" if pin_env else "pin": exc.message}) from exc


def _register_certificate_only(actor, *, user, agency, kind, params, cert, image_png):
    """Agent and remote credentials: the server never holds the key, only the certificate."""
    check_certificate(cert, user=user, agency=agency)
    image = check_upload("chu-ky.png", image_png, allowed={PNG}, field="image")
    previous = list(SigningCredential.objects.filter(active=True, user=user, agency=agency))
    with transaction.atomic():
        SigningCredential.objects.filter(active=True, user=user, agency=agency).update(active=False)
        credential = SigningCredential.objects.create(
            user=user,
            agency=agency,
            kind=kind,
            params=params,
            certificate_pem=cert.public_bytes(Encoding.PEM).decode(),
            image_storage_name=store(image),
            image_sha256=image.sha256,
        )
        record_event(
            "signing.credential_registered",
            credential,
            actor=actor,
            agency=agency,
            after={"kind": kind, "subject": cert.subject.rfc4514_string()},
        )
        _discard_key_files(previous)
    return credential


def register_agent(
    actor, *, user=None, agency=None, certificate: bytes, image_png: bytes
) -> SigningCredential:
    """A USB token on the signer's computer: signatures come from ``vanthu-signer``, the
    server keeps the certificate exported from the token to check them against."""
    _require_owner_rights(actor, user=user, agency=agency)
    cert = parse_certificate(certificate)
    return _register_certificate_only(
        actor, user=user, agency=agency, kind=Kind.AGENT, params={}, cert=cert, image_png=image_png
    )


def register_csc(
    actor,
    *,
    user=None,
    agency=None,
    service_url: str,
    credential_id: str,
    client_id: str,
    client_secret_env: str,
    image_png: bytes,
) -> SigningCredential:
    """A credential held by a remote signing service (CSC API v2); its certificate is read
    from the service, so what is registered is what the service will sign with."""
    _require_owner_rights(actor, user=user, agency=agency)
    errors = {}
    allowed = csc_services()
    if allowed and service_url not in allowed:
        errors["service_url"] = "Dịch vụ ký số từ xa này chưa được quản trị hệ thống cho phép."
    elif not allowed and not roles_of(actor).is_admin:
        errors["service_url"] = "Máy chủ chưa được cấu hình dịch vụ ký số từ xa nào."
    elif not service_url.startswith(("https://", "http://")):
        errors["service_url"] = "Địa chỉ dịch vụ phải bắt đầu bằng https://."
    if not credential_id.strip():
        errors["credential_id"] = "Hãy nhập mã khóa (credential ID) do dịch vụ cấp."
    if not client_id.strip():
        errors["client_id"] = "Hãy nhập mã ứng dụng (client ID)."
    if not ENV_NAME.match(client_secret_env or ""):
        errors["client_secret_env"] = (
            "Hãy nhập tên biến môi trường chứa khóa bí mật của ứng dụng (chữ in hoa, chữ số, "
            "dấu gạch dưới)."
        )
    if errors:
        raise ValidationFailed(errors)
    params = {
        "service_url": service_url,
        "credential_id": credential_id.strip(),
        "client_id": client_id.strip(),
        "client_secret_env": client_secret_env,
    }
    # The remote-signing backend reads the certificate from the service; until a deployment
    # ships it, registration says so instead of failing obscurely.
    read_certificate = getattr(csc, "credential_certificate", None)
    if read_certificate is None:
        raise ValidationFailed({"service_url": "Máy chủ chưa hỗ trợ ký số từ xa."})
    cert = read_certificate(**params)
    return _register_certificate_only(
        actor,
        user=user,
        agency=agency,
        kind=Kind.CSC,
        params=params,
        cert=cert,
        image_png=image_png,
    )


# -- changes -------------------------------------------------------------------------------------


def replace_image(actor, credential: SigningCredential, image_png: bytes) -> SigningCredential:
    """A new signature or seal image for the same key (Appendix I: transparent PNG)."""
    if not can_manage(actor, credential):
        raise PermissionDenied("Bạn không có quyền quản lý khóa ký số này.")
    image = check_upload("chu-ky.png", image_png, allowed={PNG}, field="image")
    before = credential.image_sha256
    with transaction.atomic():
        changed = SigningCredential.objects.filter(pk=credential.pk, active=True).update(
            image_storage_name=store(image), image_sha256=image.sha256
        )
        if changed != 1:
            raise InvalidTransition("Khóa ký số này đã ngừng sử dụng.")
        credential.refresh_from_db()
        record_event(
            "signing.credential_image_replaced",
            credential,
            actor=actor,
            agency=credential.agency,
            before={"image_sha256": before},
            after={"image_sha256": image.sha256},
        )
    return credential


def deactivate_credential(actor, credential: SigningCredential) -> SigningCredential:
    """Stop using a credential (lost token, person left). The record and its certificate
    stay, so signatures already made can still be traced to it."""
    if not can_manage(actor, credential):
        raise PermissionDenied("Bạn không có quyền quản lý khóa ký số này.")
    with transaction.atomic():
        if (
            SigningCredential.objects.filter(pk=credential.pk, active=True).update(active=False)
            != 1
        ):
            raise InvalidTransition("Khóa ký số này đã ngừng sử dụng.")
        credential.active = False
        record_event(
            "signing.credential_deactivated",
            credential,
            actor=actor,
            agency=credential.agency,
            before={"active": True},
            after={"active": False},
        )
        _discard_key_files([credential])
    return credential
