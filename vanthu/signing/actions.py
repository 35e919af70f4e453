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
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import DatabaseError, transaction

from vanthu.audit.events import record_event
from vanthu.documents.files import (
    PDF,
    add_version,
    check_upload,
    current_attachments,
    current_main,
    read_bytes,
    store,
)
from vanthu.documents.models import Document, FileVersion
from vanthu.errors import ValidationFailed
from vanthu.signing import layout, pades, trust
from vanthu.signing.appearance import Box
from vanthu.signing.backends import LoadedSigner, get_signer
from vanthu.signing.errors import DocumentStateError, SignerConfigError, SigningError
from vanthu.signing.identity import classify
from vanthu.signing.models import SignatureCheck, SigningCredential
from vanthu.signing.profile import signature_profile
from vanthu.signing.qr import (
    has_signature,
    new_verification_code,
    stamp_verification,
    verification_url,
)
from vanthu.signing.summary import signature_rows
from vanthu.signing.trust import signing_certificate_problem
from vanthu.signing.verify import verify_pdf

# Where the personal signature goes when the template does not say: the signer block of an
# A4 page laid out per Appendix I sits right of centre below the body, on the last page.
# (PDF points from the bottom-left corner.)
logger = logging.getLogger(__name__)

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
    if credential.kind == SigningCredential.Kind.CSC:
        if not typed:
            raise SignerConfigError("Hãy nhập mã OTP do dịch vụ ký số từ xa gửi tới để ký.")
        return typed
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
    elif credential.kind == SigningCredential.Kind.CSC:
        # The typed secret of a remote-signing credential is the one-time password the
        # service sent to the signer's phone; it authorizes this one signature.
        loaded = get_signer("csc", otp=secret, **params)
    elif credential.kind == SigningCredential.Kind.AGENT:
        raise SignerConfigError(
            "Khóa ký số này nằm trên USB token ở máy của người ký: hãy ký trên trình duyệt "
            "với phần mềm vanthu-signer đang chạy."
        )
    else:
        loaded = get_signer(
            "pkcs11",
            pin=secret,
            key_label=params.get("key_label", ""),
            token_label=params.get("token_label"),
            slot=params.get("slot"),
            module=params.get("module") or "/usr/lib/softhsm/libsofthsm2.so",
        )
    try:
        if credential.certificate_pem:
            registered = x509.load_pem_x509_certificate(credential.certificate_pem.encode())
            if registered != loaded.certificate:
                raise SignerConfigError(
                    "Khóa ký số không khớp với chứng thư số đã đăng ký; hãy đăng ký lại khóa."
                )
        # Expired, not yet valid, wrong key usage or revoked: refused before any PDF work,
        # so nothing signed with it is ever stored.
        problem = signing_certificate_problem(loaded.certificate, signer_chain(loaded))
        if problem:
            raise SigningError(problem)
    except SigningError:
        loaded.close()
        raise
    return loaded


def signer_chain(loaded: LoadedSigner) -> list[x509.Certificate]:
    """The CA certificates the key file or token carries next to the signer's certificate."""
    registry = getattr(loaded.signer, "cert_registry", None) or ()
    own = loaded.certificate.public_bytes(Encoding.DER)
    chain = []
    for cert in registry:
        der = cert.dump()
        if der != own:
            chain.append(x509.load_der_x509_certificate(der))
    return chain


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
    version = add_version(doc, checked, FileVersion.Kind.MAIN, user, signed.source)
    record_event(
        signed.event,
        doc,
        actor=user,
        agency=doc.agency,
        after={"status": doc.status, "version": version.version, "sha256": version.sha256},
        note=f"Ký số: {signed.signer_name}" if signed.signer_name else "",
    )
    return version


# -- personal signature at approval ------------------------------------------------------------


def personal_signing_input(document: Document) -> tuple[FileVersion, bytes]:
    """The PDF version the approving person signs and the exact bytes they sign.

    Every personal-signature path (server-held key, token, local agent, remote service)
    starts here, so whatever must be in the certified revision is added in one place."""
    source = signable_pdf(document)
    if source is None:
        raise DocumentStateError("Văn bản chưa có bản PDF để ký số.")
    content = read_bytes(source.storage_name)
    if document.is_secret:
        return source, content  # never looked up publicly: no code, no QR
    # The QR code must be in the certified revision: after it only form filling is allowed.
    code = ensure_verification_code(document)
    return source, stamp_verification(content, code=code, url=verification_url(code))


def personal_layout(document: Document, source: FileVersion, pdf_bytes: bytes) -> dict:
    """Where this draft's signature, number and date go (``box``, ``page``, ``field_layout``
    for ``pades``), read from its own text; the defaults when it has no anchors."""
    placement = layout.find_placement(
        pdf_bytes, page_count=source.page_count or 1, signer_name=document.signer_name
    )
    return {
        "box": placement.signature_box or DEFAULT_SIGNATURE_BOX,
        "page": placement.signature_page if placement.signature_page is not None else -1,
        "field_layout": placement.fields or pades.FieldLayout(),
    }


def ensure_verification_code(document: Document) -> str:
    """The document's verification code, assigned once.

    Saved at once (compare-and-set), not in the approval transaction: token and remote
    signing finish in a later request and must print the same code. A code on a document
    that is never issued is harmless: the public lookup only finds issued documents."""
    if not document.verification_code:
        Document.objects.filter(pk=document.pk, verification_code__isnull=True).update(
            verification_code=new_verification_code()
        )
        document.verification_code = Document.objects.values_list(
            "verification_code", flat=True
        ).get(pk=document.pk)
    return document.verification_code


def stamp_for_issue(user, document: Document) -> FileVersion | None:
    """A document issued without a personal signature gets its QR code at issuance, inside
    the issuing transaction (a failure rolls it back with the number). A signed PDF was
    stamped before its personal signature and is left alone."""
    if document.is_secret:
        return None
    source = signable_pdf(document)
    if source is None or source.mime_type != PDF:
        return None
    content = read_bytes(source.storage_name)
    if has_signature(content):
        return None
    code = ensure_verification_code(document)
    try:
        stamped = stamp_verification(content, code=code, url=verification_url(code))
    except DocumentStateError:
        # An unusual but accepted PDF the stamper cannot draw on: issue it without the QR
        # code (the code page still finds it) rather than refuse to issue.
        logger.warning("no QR stamp on document %s", document.pk, exc_info=True)
        return None
    return store_signed(
        user, SignedPdf(document, source, stamped, "document.verification_stamped", "")
    )


def prepare_personal_signature(user, document: Document, *, secret: str = "") -> SignedPdf | None:
    """The signed PDF of the approving person, or None when they have no credential.

    Runs outside any transaction: loading the key and signing take most of a second."""
    credential = active_credential(user=user)
    if credential is None:
        return None
    source, pdf_bytes = personal_signing_input(document)
    with open_signer(credential, secret) as loaded:
        content = pades.sign_personal(
            pdf_bytes,
            loaded,
            image_png=_image_of(credential),
            capacity_text=document.signing_capacity,
            position=document.signer_position,
            name=document.signer_name or loaded.display_name,
            profile=signature_profile(loaded.certificate, signer_chain(loaded)),
            **personal_layout(document, source, pdf_bytes),
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
    pdf_bytes = read_bytes(source.storage_name)
    number_text, date_text = layout.issue_texts(
        pdf_bytes,
        reference=document.reference,
        number_text=document.number_text,
        issued_on=document.issued_on,
    )
    try:
        content = pades.fill_number_and_sign_agency(
            pdf_bytes,
            seal.signer,
            number_text=number_text,
            date_text=date_text,
            seal_png=seal.image,
            profile=signature_profile(seal.signer.certificate, signer_chain(seal.signer)),
        )
    except DocumentStateError as exc:
        raise DocumentStateError(f"Không ký số được văn bản của cơ quan: {exc.message}") from exc
    signed = SignedPdf(
        document, source, content, "document.signed_agency", seal.signer.display_name
    )
    return store_signed(user, signed)


def sign_attachments_as_agency(user, document: Document, *, seal: AgencySeal) -> list[FileVersion]:
    """Sign each PDF attachment issued as a separate file (Appendix I): no image, the
    document's số/ký hiệu and the signing time top right of page 1. Inside the issuing
    transaction, like the main file; each signed file supersedes the unsigned one."""
    signed_versions = []
    for attachment in current_attachments(document):
        if attachment.mime_type != PDF:
            continue
        try:
            content = pades.sign_attachment(
                read_bytes(attachment.storage_name),
                seal.signer,
                reference=document.reference,
                profile=signature_profile(seal.signer.certificate, signer_chain(seal.signer)),
            )
        except DocumentStateError as exc:
            raise DocumentStateError(
                f"Không ký số được tệp kèm theo «{attachment.original_name}»: {exc.message}"
            ) from exc
        checked = check_upload(attachment.original_name, content, allowed={PDF})
        version = add_version(
            document, checked, FileVersion.Kind.ATTACHMENT, user, derived_from=attachment
        )
        record_event(
            "document.attachment_signed",
            document,
            actor=user,
            agency=document.agency,
            after={"file": checked.name, "sha256": checked.sha256},
            note=f"Ký số: {seal.signer.display_name}",
        )
        signed_versions.append(version)
    return signed_versions


# -- verification ------------------------------------------------------------------------------


def trust_roots() -> list[bytes]:
    """The trust anchors as DER: active roots of the trust store and the certificates of the
    ``VANTHU_TRUST_ROOTS`` files (see ``vanthu.signing.trust``)."""
    return [cert.dump() for cert in trust.trust_roots()]


def check_signatures(file_version: FileVersion) -> SignatureCheck:
    """Verify the file's signatures against the configured trust roots and store the result.

    A file that cannot be parsed as a PDF is recorded as invalid rather than raised: the
    check describes what arrived, it does not decide the flow."""
    content = read_bytes(file_version.storage_name)
    try:
        report = verify_pdf(content, context=trust.validation_context)
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
