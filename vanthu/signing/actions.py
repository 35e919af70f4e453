"""Digital signatures in the document flow (Decree 30/2020 Art. 13, 15 and Appendix I).

Opt-in: a person or an agency without an active ``SigningCredential`` goes through the flow
exactly as before. With one:

* approval (``approve_signature``) certifies the PDF with the signer's personal signature;
* issuance (``issue_document``) fills số/ký hiệu and the date and applies the agency seal;
* arrival checks the signatures of the incoming main file and stores a ``SignatureCheck``.

Each signed PDF is stored as the next main ``FileVersion``, derived from the PDF it signs;
the unsigned versions stay for the record. Signing is slow (key loading, RSA, PDF writing),
so callers prepare the signed bytes before their transaction where the step allows it and
only store them inside it.

The documents actions call into this module, never the other way round: this module only
uses the documents models and file storage, so importing it never imports them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.db import DatabaseError, transaction

from vanthu.audit.events import record_event
from vanthu.documents.files import PDF, check_upload, current_main, read_bytes, store
from vanthu.documents.models import Document, FileVersion
from vanthu.errors import ValidationFailed
from vanthu.signing import pades
from vanthu.signing.appearance import Box
from vanthu.signing.backends import LoadedSigner, get_signer
from vanthu.signing.errors import DocumentStateError, SignerConfigError, SigningError
from vanthu.signing.identity import classify
from vanthu.signing.models import SignatureCheck, SigningCredential
from vanthu.signing.summary import signature_rows
from vanthu.signing.verify import verify_pdf

# Where the personal signature goes when the template does not say: the signer block of an
# A4 page laid out per Appendix I sits right of centre below the body, on the last page.
# (PDF points from the bottom-left corner.)
DEFAULT_SIGNATURE_BOX: Box = (330.0, 190.0, 530.0, 275.0)


@dataclass(frozen=True)
class SignedPdf:
    """Signed bytes ready to be stored as the next main version of ``document``."""

    document: Document
    source: FileVersion
    content: bytes
    event: str
    signer_name: str


# -- credentials -------------------------------------------------------------------------------


def active_credential(*, user=None, agency=None) -> SigningCredential | None:
    if (user is None) == (agency is None):
        raise ValueError("pass exactly one of user or agency")
    owner = {"user": user} if user is not None else {"agency": agency}
    return SigningCredential.objects.filter(active=True, **owner).first()


def register_credential(
    actor,
    *,
    user=None,
    agency=None,
    kind: str,
    params: dict,
    image_png: bytes,
    secret: str = "",
) -> SigningCredential:
    """Record a person's or an agency's key. The key is opened once (with ``secret`` or the
    configured environment variable) to read its certificate and check whose it is."""
    if (user is None) == (agency is None):
        raise ValidationFailed({"owner": "Khóa ký số phải thuộc đúng một người hoặc một cơ quan."})
    if kind not in SigningCredential.Kind.values:
        raise ValidationFailed({"kind": f"Loại khóa «{kind}» không được hỗ trợ."})
    draft = SigningCredential(user=user, agency=agency, kind=kind, params=dict(params))
    image = check_upload("chu-ky.png", image_png, allowed={"image/png"}, field="image")
    with open_signer(draft, secret) as loaded:
        cert = loaded.certificate
    expected = "personal" if user is not None else "agency"
    if classify(cert) != expected:
        raise ValidationFailed(
            {
                "certificate": "Chứng thư số không phải của "
                + ("cá nhân." if expected == "personal" else "cơ quan, tổ chức.")
            }
        )
    with transaction.atomic():
        SigningCredential.objects.filter(active=True, user=user, agency=agency).update(active=False)
        draft.certificate_pem = cert.public_bytes(Encoding.PEM).decode()
        draft.image_storage_name = store(image)
        draft.image_sha256 = image.sha256
        draft.save()
        record_event(
            "signing.credential_registered",
            draft,
            actor=actor,
            agency=agency,
            after={"kind": kind, "subject": cert.subject.rfc4514_string()},
        )
    return draft


def _secret_of(credential: SigningCredential, typed: str) -> str:
    env_name = credential.secret_env
    if env_name is None:
        if not typed:
            what = "mật khẩu tệp khóa" if credential.kind == "pkcs12" else "mã PIN thiết bị"
            raise SignerConfigError(f"Hãy nhập {what} ký số để ký văn bản.")
        return typed
    value = os.environ.get(env_name)
    if value is None:
        raise SignerConfigError(
            f"Máy chủ chưa được cấu hình mật khẩu khóa ký số (biến môi trường {env_name})."
        )
    return value


def open_signer(credential: SigningCredential, typed_secret: str = "") -> LoadedSigner:
    """Load the credential's key; a wrong password or PIN fails here, before any PDF work."""
    params = credential.params
    secret = _secret_of(credential, typed_secret)
    if credential.kind == SigningCredential.Kind.PKCS12:
        loaded = get_signer("pkcs12", path=params.get("path"), password=secret)
    else:
        loaded = get_signer(
            "pkcs11",
            pin=secret,
            key_label=params.get("key_label", ""),
            token_label=params.get("token_label"),
            slot=params.get("slot"),
            module=params.get("module") or "/usr/lib/softhsm/libsofthsm2.so",
        )
    if credential.certificate_pem:
        registered = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
        if registered != loaded.certificate:
            raise SignerConfigError(
                "Khóa ký số không khớp với chứng thư số đã đăng ký; hãy đăng ký lại khóa."
            )
    return loaded


def _image_of(credential: SigningCredential) -> bytes:
    content = read_bytes(credential.image_storage_name)
    if hashlib.sha256(content).hexdigest() != credential.image_sha256:
        raise SigningError("Ảnh chữ ký/con dấu đã lưu bị thay đổi; hãy đăng ký lại khóa ký số.")
    return content


# -- the PDF being signed ----------------------------------------------------------------------


def signable_pdf(document: Document) -> FileVersion | None:
    """The PDF of the current main version: itself, or the rendition of a .docx draft."""
    main = current_main(document)
    if main is None or main.mime_type == PDF:
        return main
    return main.renditions.filter(mime_type=PDF).order_by("-version").first()


def store_signed(user, signed: SignedPdf) -> FileVersion:
    """Store the signed bytes as the next main version. Call inside the caller's transaction."""
    doc = signed.document
    checked = check_upload(signed.source.original_name, signed.content, allowed={PDF})
    last = (
        doc.files.filter(kind=FileVersion.Kind.MAIN)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    version = FileVersion.objects.create(
        document=doc,
        kind=FileVersion.Kind.MAIN,
        version=(last or 0) + 1,
        original_name=checked.name,
        storage_name=store(checked),
        sha256=checked.sha256,
        size=checked.size,
        mime_type=checked.mime_type,
        page_count=checked.page_count,
        derived_from=signed.source,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    record_event(
        signed.event,
        doc,
        actor=user,
        agency=doc.agency,
        after={"status": doc.status, "version": version.version, "sha256": version.sha256},
        note=f"Ký số: {signed.signer_name}",
    )
    return version


# -- personal signature at approval ------------------------------------------------------------


def prepare_personal_signature(user, document: Document, *, secret: str = "") -> SignedPdf | None:
    """The signed PDF of the approving person, or None when they have no credential.

    Runs outside any transaction: loading the key and signing take most of a second."""
    credential = active_credential(user=user)
    if credential is None:
        return None
    source = signable_pdf(document)
    if source is None:
        raise DocumentStateError("Văn bản chưa có bản PDF để ký số.")
    with open_signer(credential, secret) as loaded:
        content = pades.sign_personal(
            read_bytes(source.storage_name),
            loaded,
            image_png=_image_of(credential),
            box=DEFAULT_SIGNATURE_BOX,
            capacity_text=document.signing_capacity,
            position=document.signer_position,
            name=document.signer_name or loaded.display_name,
        )
    return SignedPdf(document, source, content, "document.signed_personal", loaded.display_name)


def sign_as_person(user, document: Document, *, secret: str = "") -> FileVersion | None:
    """Sign and store in one go (the approval action splits the two around its transaction)."""
    signed = prepare_personal_signature(user, document, secret=secret)
    if signed is None:
        return None
    with transaction.atomic():
        return store_signed(user, signed)


# -- agency signature at issuance --------------------------------------------------------------


@dataclass(frozen=True)
class AgencySeal:
    credential: SigningCredential
    signer: LoadedSigner
    image: bytes


def open_agency_seal(agency, *, secret: str = "") -> AgencySeal | None:
    """Load the agency's key before the issuing transaction, so a bad password fails early."""
    credential = active_credential(agency=agency)
    if credential is None:
        return None
    return AgencySeal(credential, open_signer(credential, secret), _image_of(credential))


def sign_as_agency(
    user, document: Document, *, seal: AgencySeal | None = None
) -> FileVersion | None:
    """Fill số/ký hiệu and the date into the PDF and apply the agency seal.

    Runs inside the issuing transaction: the number it prints exists only there, and an
    error here rolls the number back with everything else."""
    seal = seal or open_agency_seal(document.agency)
    if seal is None:
        return None
    source = signable_pdf(document)
    if source is None:
        raise DocumentStateError("Văn bản chưa có bản PDF để ký số.")
    if document.issued_on is None or not document.reference:
        raise DocumentStateError("Văn bản chưa được cấp số và ngày ban hành.")
    try:
        content = pades.fill_number_and_sign_agency(
            read_bytes(source.storage_name),
            seal.signer,
            number_text=document.reference,
            date_text=document.issued_on.strftime("%d/%m/%Y"),
            seal_png=seal.image,
        )
    except DocumentStateError as exc:
        raise DocumentStateError(f"Không ký số được văn bản của cơ quan: {exc.message}") from exc
    signed = SignedPdf(
        document, source, content, "document.signed_agency", seal.signer.display_name
    )
    return store_signed(user, signed)


# -- verification ------------------------------------------------------------------------------


def trust_roots() -> list[bytes]:
    """The PEM certificates listed in ``VANTHU_TRUST_ROOTS`` (paths; none by default)."""
    roots = []
    for path in getattr(settings, "VANTHU_TRUST_ROOTS", ()) or ():
        roots.extend(_pem_blocks(Path(path).read_bytes()))
    return roots


def _pem_blocks(data: bytes) -> list[bytes]:
    return [cert.public_bytes(Encoding.PEM) for cert in x509.load_pem_x509_certificates(data)]


def check_signatures(file_version: FileVersion) -> SignatureCheck:
    """Verify the file's signatures against the configured trust roots and store the result.

    A file that cannot be parsed as a PDF is recorded as invalid rather than raised: the
    check describes what arrived, it does not decide the flow."""
    content = read_bytes(file_version.storage_name)
    try:
        report = verify_pdf(content, trust_roots=trust_roots())
    except DocumentStateError as exc:
        report = {
            "verdict": "invalid",
            "signatures": [{"reasons": [exc.message]}],
            "has_personal": False,
            "has_agency": False,
            "registered": None,
        }
    return SignatureCheck.objects.create(
        file_version=file_version, verdict=report["verdict"], report=report
    )


def checks_for(files: Iterable[FileVersion]) -> dict[int, SignatureCheck]:
    """The latest check of each PDF among ``files``; PDFs never checked are checked now."""
    pdfs = [f for f in files if f.mime_type == PDF]
    latest: dict[int, SignatureCheck] = {}
    for check in SignatureCheck.objects.filter(file_version__in=pdfs).order_by("checked_at", "id"):
        latest[check.file_version_id] = check
    for f in pdfs:
        if f.pk not in latest:
            latest[f.pk] = check_signatures(f)
    return latest


def registered_file(sha256: str) -> dict | None:
    """What the system knows of a PDF by its checksum: the issued document it belongs to.
    None when unknown, or when this machine has no VanThu database to ask (the command-line
    verifier also serves people who only hold a file)."""
    try:
        version = (
            FileVersion.objects.filter(sha256=sha256, document__direction="outgoing")
            .select_related("document__agency")
            .order_by("-document__issued_at", "-id")
            .first()
        )
    except DatabaseError:
        return None
    if version is None:
        return None
    doc = version.document
    return {
        "reference": doc.reference,
        "agency": doc.agency.name,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "sha256_match": True,
    }


def signature_panels(files: Iterable[FileVersion]) -> list[dict]:
    """What the document page shows per PDF: the file, its latest check in one sentence,
    and one row per signature."""
    files = list(files)
    checks = checks_for(files)
    return [
        {
            "file": f,
            "check": checks[f.pk],
            "summary": checks[f.pk].summary,
            "rows": signature_rows(checks[f.pk].report),
        }
        for f in files
        if f.pk in checks
    ]
