"""Personal signatures made with a key the server never touches: the signer's USB token on
their own computer, driven by the local agent ``vanthu-signer``.

Two steps around the browser (pyHanko interrupted signing):

1. ``prepare_personal`` adds the same revision as ``pades.sign_personal`` (signature image,
   seal and number/date fields, certification) with an empty signature, stores it in a
   ``PendingSignature`` and returns what the token must sign: the digest of the CMS signed
   attributes, its hash algorithm and the fingerprint of the registered certificate.
2. The page hands that digest and the PIN to the agent on 127.0.0.1; the PIN goes from the
   signer's keyboard to the agent only.
3. ``finish_personal`` checks the session (owner, expiry, single use, document unchanged),
   verifies the returned value against the registered certificate's public key, then
   assembles the CMS and writes it into the prepared PDF. The approval action stores it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from vanthu.delegation.signing import apply_substitute, require_sign_authority
from vanthu.documents.models import Document, Status
from vanthu.errors import InvalidTransition
from vanthu.signing import pades
from vanthu.signing.actions import (
    SignedPdf,
    _image_of,
    active_credential,
    personal_layout,
    personal_signing_input,
    signable_pdf,
)
from vanthu.signing.errors import DocumentStateError, SignerConfigError, SigningError
from vanthu.signing.identity import common_name
from vanthu.signing.models import PendingSignature, SigningCredential, TrustedCertificate
from vanthu.signing.profile import signature_profile

# Long enough to type a PIN and for a slow token, short enough that a prepared revision
# (its signing time is already written) is not signed much later than it claims.
PENDING_LIFETIME = dt.timedelta(minutes=5)
DEFAULT_AGENT_URL = "http://127.0.0.1:8765"
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}


def agent_url() -> str:
    """Where the page finds the agent (``VANTHU_SIGNER_AGENT_URL``; loopback port 8765)."""
    return getattr(settings, "VANTHU_SIGNER_AGENT_URL", None) or DEFAULT_AGENT_URL


def fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def _agent_credential(user) -> SigningCredential:
    credential = active_credential(user=user)
    if credential is None or credential.kind != SigningCredential.Kind.AGENT:
        raise SignerConfigError(
            "Ông/bà chưa đăng ký ký số bằng USB token qua phần mềm vanthu-signer; hãy dùng "
            "cách ký đã đăng ký hoặc liên hệ quản trị."
        )
    return credential


def _check_signer(user, document: Document) -> None:
    delegation = require_sign_authority(user, document)
    if delegation is not None:
        # The signature block shows the substitute, in the capacity of the delegation.
        apply_substitute(document, delegation)
    if document.status != Status.AWAITING_SIGNATURE:
        raise InvalidTransition(
            f"Văn bản đang ở trạng thái «{document.get_status_display()}», không thể ký duyệt."
        )


def prepare_personal(user, document: Document) -> PendingSignature:
    """Prepare the signer's revision and open a five-minute signing session.

    Runs outside any transaction except the short one that stores the session: preparing the
    PDF (image, fields, byte ranges) takes a few hundred milliseconds."""
    _check_signer(user, document)
    credential = _agent_credential(user)
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
    now = timezone.now()
    if cert.not_valid_after_utc < now:
        raise SignerConfigError(
            "Chứng thư số đã đăng ký của ông/bà đã hết hạn; hãy đăng ký chứng thư số mới."
        )
    source, pdf_bytes = personal_signing_input(document)
    prepared = pades.prepare_personal(
        pdf_bytes,
        cert,
        image_png=_image_of(credential),
        capacity_text=document.signing_capacity,
        position=document.signer_position,
        name=document.signer_name or common_name(cert),
        **personal_layout(document, source, pdf_bytes),
    )
    state = prepared.state() | {
        "tbs_digest": base64.b64encode(prepared.tbs_digest).decode(),
        "certificate_sha256": fingerprint(cert),
        "credential": str(credential.public_id),
    }
    with transaction.atomic():
        # One open session per signer and document: a second click replaces the first.
        PendingSignature.objects.filter(
            user=user, document=document, consumed_at__isnull=True
        ).delete()
        PendingSignature.objects.filter(expires_at__lt=now - PENDING_LIFETIME).delete()
        return PendingSignature.objects.create(
            user=user,
            document=document,
            source=source,
            purpose=PendingSignature.Purpose.PERSONAL,
            prepared_pdf=prepared.prepared_pdf,
            state=state,
            certificate_pem=credential.certificate_pem,
            expires_at=now + PENDING_LIFETIME,
        )


def signing_request(pending: PendingSignature) -> dict[str, str]:
    """What the page passes to the agent (the PIN is added by the page, never here)."""
    return {
        "pending_id": str(pending.public_id),
        "digest": pending.state["tbs_digest"],
        "hash_algorithm": pending.state["md_algorithm"],
        "certificate_sha256": pending.state["certificate_sha256"],
        "expires_at": pending.expires_at.isoformat(),
        "agent_url": agent_url(),
    }


def _pending_for(user, pending_id) -> PendingSignature:
    try:
        pending = (
            PendingSignature.objects.select_related("document", "source")
            .filter(public_id=pending_id, user=user, purpose=PendingSignature.Purpose.PERSONAL)
            .first()
        )
    except (DjangoValidationError, ValueError, TypeError):
        pending = None
    if pending is None:
        # Another user's session answers exactly like one that never existed.
        raise SigningError("Không tìm thấy phiên ký số này; hãy bấm ký lại.")
    return pending


def _verify(cert: x509.Certificate, signature: bytes, signed: bytes, md_algorithm: str) -> None:
    key = cert.public_key()
    algorithm = _HASHES[md_algorithm]()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signed, padding.PKCS1v15(), algorithm)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed, ec.ECDSA(algorithm))
        else:
            raise SigningError("Chỉ hỗ trợ chứng thư số có khóa RSA hoặc EC.")
    except InvalidSignature as exc:
        raise SigningError(
            "Chữ ký do USB token trả về không khớp với chứng thư số đã đăng ký; văn bản chưa "
            "được ký. Hãy kiểm tra đúng thiết bị ký số của ông/bà rồi ký lại."
        ) from exc


def _decode(value: str, what: str) -> bytes:
    try:
        decoded = base64.b64decode(value or "", validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise SigningError(f"{what} không đúng định dạng base64.") from exc
    if not decoded:
        raise SigningError(f"Thiếu {what[0].lower() + what[1:]}.")
    return decoded


def _issuing_chain(cert: x509.Certificate, offered: list[bytes]) -> list[x509.Certificate]:
    """The CA certificates to embed for validators: those the agent read from the token and
    the intermediates of the trust store, kept only when they issue the chain of ``cert``."""
    pool = [
        x509.load_pem_x509_certificate(pem.encode())
        for pem in TrustedCertificate.objects.filter(active=True).values_list(
            "certificate_pem", flat=True
        )
    ]
    for der in offered:
        try:
            pool.append(x509.load_der_x509_certificate(der))
        except ValueError:
            continue
    chain: list[x509.Certificate] = []
    current = cert
    while current.issuer != current.subject and len(chain) < 5:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain), None)
        if issuer is None:
            break
        try:
            current.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature):
            pool.remove(issuer)
            continue
        chain.append(issuer)
        current = issuer
    return chain


def finish_personal(
    user,
    pending_id,
    signature_b64: str,
    *,
    document: Document | None = None,
    certificate_b64: str | None = None,
    chain_b64: list[str] | tuple[str, ...] = (),
) -> SignedPdf:
    """Check the session and the signature value, then finish the PDF (not stored yet: the
    caller passes the result to ``approve_signature(..., signed=...)``).

    Every refusal leaves the session untouched and nothing stored; a session is consumed only
    once its signature has been verified."""
    pending = _pending_for(user, pending_id)
    doc = pending.document
    if document is not None and document.pk != doc.pk:
        raise SigningError("Phiên ký số này thuộc văn bản khác; hãy tải lại trang và ký lại.")
    if pending.consumed_at is not None:
        raise SigningError("Phiên ký số này đã được sử dụng; hãy bấm ký lại nếu cần.")
    now = timezone.now()
    if pending.expires_at <= now:
        raise SigningError("Phiên ký số đã hết hạn (quá 5 phút kể từ khi bấm ký); hãy bấm ký lại.")
    _check_signer(user, doc)
    current = signable_pdf(doc)
    if current is None or current.pk != pending.source_id:
        raise DocumentStateError("Văn bản đã thay đổi từ khi bắt đầu ký; hãy bấm ký lại.")
    credential = _agent_credential(user)
    if credential.certificate_pem.strip() != pending.certificate_pem.strip():
        raise SignerConfigError("Chứng thư số đã đăng ký vừa thay đổi; hãy bấm ký lại.")

    cert = x509.load_pem_x509_certificate(pending.certificate_pem.encode())
    if certificate_b64:
        returned = _decode(certificate_b64, "Chứng thư số do USB token trả về")
        if hashlib.sha256(returned).hexdigest() != pending.state["certificate_sha256"]:
            raise SigningError(
                "USB token đã ký bằng chứng thư số khác với chứng thư số đã đăng ký; văn bản "
                "chưa được ký."
            )
    prepared = pades.PreparedSignature.from_state(pending.prepared_pdf, pending.state)
    signature = _decode(signature_b64, "Chữ ký do USB token trả về")
    _verify(cert, signature, prepared.signed_attrs, prepared.md_algorithm)
    chain = _issuing_chain(cert, [_decode(c, "Chứng thư CA") for c in chain_b64 if c])
    # B-T when a TSA is configured: the timestamp covers the token's signature value. (B-LTA's
    # document timestamp is not added on this two-step path; the signature stays B-T.)
    timestamper = signature_profile(cert, list(chain)).timestamper
    content = pades.finish_prepared(prepared, signature, cert, chain=chain, timestamper=timestamper)

    # Compare-and-set: of two finishes of one session (a double click, a replay), one wins.
    used = PendingSignature.objects.filter(pk=pending.pk, consumed_at__isnull=True).update(
        consumed_at=now
    )
    if used != 1:
        raise SigningError("Phiên ký số này đã được sử dụng; hãy bấm ký lại nếu cần.")
    return SignedPdf(doc, pending.source, content, "document.signed_personal", common_name(cert))
