"""PAdES signatures of an issued document (subfilter ETSI.CAdES.detached).

Flow of a main document (Decree 30/2020, Art. 13 and Appendix I):

1. ``sign_personal`` — when the competent person approves. One revision adds the empty
   fields for the number (``SoKyHieu``) and the date (``NgayBanHanh``), an empty signature
   field for the agency seal (``ChuKyCoQuan``, at real size over the left third of the
   personal signature, locking the two text fields once signed), and then certifies the
   document with DocMDP level 2 (form filling and signing allowed, nothing else).
2. ``fill_number_and_sign_agency`` — at issuance. One incremental update fills the number and
   date (allowed by level 2), a second one applies the agency's approval signature with the
   red seal image.

Attachments in separate files (``sign_attachment``) and electronic copies (``sign_copy``) get
an agency signature with a text block top-right of page 1 and no image.

With a timestamper (or a TSA URL) the signatures are PAdES B-T, otherwise B-B.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import io

from asn1crypto import cms
from cryptography import x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.signers import Signer
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.stamp import BaseStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vanthu.signing import appearance
from vanthu.signing.appearance import Box
from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.backends.pkcs12 import to_asn1
from vanthu.signing.errors import DocumentStateError, SigningError, TimestampError
from vanthu.signing.identity import common_name

PERSONAL_FIELD = "ChuKyCaNhan"
AGENCY_FIELD = "ChuKyCoQuan"
NUMBER_FIELD = "SoKyHieu"
DATE_FIELD = "NgayBanHanh"
COPY_FORMS = ("SAO Y", "TRÍCH SAO", "SAO LỤC")


@dataclasses.dataclass(frozen=True)
class FieldLayout:
    """Where the number (cell 3) and the date (cell 4) are filled in, in PDF points.

    The defaults fit an A4 page laid out per Appendix I with 30 mm / 15 mm side margins:
    the number after "Số:" under the issuing body, the date line under the national motto.
    Templates that place them elsewhere pass their own layout.
    """

    page: int = 0
    number_box: Box = (110.0, 696.0, 250.0, 716.0)
    date_box: Box = (300.0, 696.0, 552.0, 716.0)


SignerLike = Signer | LoadedSigner


@dataclasses.dataclass(frozen=True)
class SignatureProfile:
    """How much evidence a signature carries (ETSI EN 319 142 levels).

    * nothing set: PAdES B-B;
    * ``timestamper``: B-T (an RFC 3161 timestamp on the signature value);
    * plus ``validation_context`` and ``lta``: the certificates, OCSP responses and CRLs are
      embedded (DSS) and a document timestamp is added: B-LTA, verifiable after the
      certificates expire or the responders disappear.
    """

    timestamper: TimeStamper | None = None
    validation_context: object | None = None  # pyhanko_certvalidator.ValidationContext
    lta: bool = False


def _pyhanko_signer(signer: SignerLike) -> Signer:
    return signer.signer if isinstance(signer, LoadedSigner) else signer


def _signer_name(signer: SignerLike) -> str | None:
    if isinstance(signer, LoadedSigner):
        return signer.display_name
    return None


def _timestamper(timestamper: TimeStamper | None, timestamp_url: str | None) -> TimeStamper | None:
    if timestamper is not None and timestamp_url is not None:
        raise SigningError("Chỉ truyền một trong hai: timestamper hoặc timestamp_url.")
    if timestamp_url is not None:
        return HTTPTimeStamper(timestamp_url, timeout=10)
    return timestamper


def _writer(pdf_bytes: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    except (PdfError, ValueError) as exc:
        raise DocumentStateError("Tệp không phải PDF hợp lệ hoặc bị hỏng.") from exc


def _sign(
    writer: IncrementalPdfFileWriter,
    signer: SignerLike,
    meta: signers.PdfSignatureMetadata,
    *,
    timestamper: TimeStamper | None,
    stamp_style: BaseStampStyle | None,
    new_field: fields.SigFieldSpec | None = None,
    text: str | None = None,
    profile: SignatureProfile | None = None,
) -> bytes:
    if profile is not None:
        timestamper = timestamper or profile.timestamper
        if profile.validation_context is not None:
            meta = dataclasses.replace(
                meta,
                validation_context=profile.validation_context,  # type: ignore[arg-type]
                embed_validation_info=True,
                use_pades_lta=profile.lta and timestamper is not None,
            )
    pdf_signer = signers.PdfSigner(
        meta,
        _pyhanko_signer(signer),
        timestamper=timestamper,
        stamp_style=stamp_style,
        new_field_spec=new_field,
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            writer,
            output=out,
            existing_fields_only=new_field is None,
            appearance_text_params={"text": text} if text is not None else None,
        )
    except TimestampRequestError as exc:
        raise TimestampError(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (TSA); văn bản chưa được ký."
        ) from exc
    except (PyHankoSigningError, PdfError, RuntimeError) as exc:
        # RuntimeError covers python-pkcs11 errors raised while the token signs.
        raise SigningError(f"Ký số không thành công: {exc}") from exc
    return out.getvalue()


def _meta(field_name: str, **kwargs: object) -> signers.PdfSignatureMetadata:
    return signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        **kwargs,  # type: ignore[arg-type]
    )


def _personal_revision(
    pdf_bytes: bytes,
    *,
    image_png: bytes,
    box: Box,
    page: int,
    capacity_text: str,
    position: str,
    name: str | None,
    reason: str | None,
    location: str | None,
    field_layout: FieldLayout,
    seal_diameter_mm: float,
) -> tuple[IncrementalPdfFileWriter, signers.PdfSignatureMetadata, BaseStampStyle]:
    """The writer with the personal and seal fields and the number/date text fields added,
    the certifying metadata and the image appearance: shared by the one-step signature and
    the two-step one (key outside the server), so both produce the same revision."""
    writer = _writer(pdf_bytes)
    if appearance.find_field(writer, PERSONAL_FIELD) is not None:
        raise DocumentStateError("Văn bản đã có chữ ký của người có thẩm quyền.")
    page = appearance.absolute_page(writer, page)
    style = appearance.image_style(image_png)
    # Field order fixes the drawing order: the seal, added after the personal signature
    # field, is painted on top of it, as the red seal covers the ink on paper.
    fields.append_signature_field(
        writer, fields.SigFieldSpec(PERSONAL_FIELD, box=_int_box(box), on_page=page)
    )
    fields.append_signature_field(
        writer,
        fields.SigFieldSpec(
            AGENCY_FIELD,
            box=_int_box(appearance.seal_box_for(box, seal_diameter_mm)),
            on_page=page,
            field_mdp_spec=fields.FieldMDPSpec(
                fields.FieldMDPAction.INCLUDE, fields=[NUMBER_FIELD, DATE_FIELD]
            ),
        ),
    )
    number_page = appearance.absolute_page(writer, field_layout.page)
    for field_name, field_box in (
        (NUMBER_FIELD, field_layout.number_box),
        (DATE_FIELD, field_layout.date_box),
    ):
        if appearance.find_field(writer, field_name) is None:
            appearance.add_text_field(writer, field_name, number_page, field_box)
    role = " ".join(part for part in (capacity_text, position) if part)
    meta = _meta(
        PERSONAL_FIELD,
        certify=True,
        docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        reason=reason or (f"Phê duyệt văn bản ({role})" if role else "Phê duyệt văn bản"),
        location=location,
        name=name,
    )
    return writer, meta, style


def sign_personal(
    pdf_bytes: bytes,
    signer: SignerLike,
    *,
    image_png: bytes,
    box: Box,
    page: int = -1,
    capacity_text: str = "",
    position: str = "",
    name: str | None = None,
    timestamper: TimeStamper | None = None,
    timestamp_url: str | None = None,
    profile: SignatureProfile | None = None,
    reason: str | None = None,
    location: str | None = None,
    field_layout: FieldLayout = FieldLayout(),
    seal_diameter_mm: float = 36.0,
) -> bytes:
    """Certify the draft with the competent person's signature (blue PNG centred in ``box``).

    ``capacity_text`` (e.g. "KT. CHỦ TỊCH") and ``position`` ("PHÓ CHỦ TỊCH") are recorded in the
    signature's reason unless ``reason`` is given; the signer block text itself is already in
    the PDF. ``page`` counts from 0; negative values count from the end (default: last page).
    """
    writer, meta, style = _personal_revision(
        pdf_bytes,
        image_png=image_png,
        box=box,
        page=page,
        capacity_text=capacity_text,
        position=position,
        name=name or _signer_name(signer),
        reason=reason,
        location=location,
        field_layout=field_layout,
        seal_diameter_mm=seal_diameter_mm,
    )
    return _sign(
        writer,
        signer,
        meta,
        timestamper=_timestamper(timestamper, timestamp_url),
        stamp_style=style,
        profile=profile,
    )


# -- two-step personal signature (the key stays on the signer's token) -------------------------

# Room kept in /Contents for the CMS finished later: the certificate, its issuing CAs, a
# 4096-bit signature and an RFC 3161 token fit with a wide margin. It cannot be measured at
# preparation time because the chain and the timestamp only arrive at the finish step.
PREPARED_BYTES_RESERVED = 24 * 1024


@dataclasses.dataclass(frozen=True)
class PreparedSignature:
    """A PDF revision whose signature value is produced elsewhere (pyHanko interrupted
    signing): the bytes with an empty /Contents, where that placeholder is, the digest of the
    signed byte ranges and the CMS signed attributes the external key must sign."""

    prepared_pdf: bytes
    document_digest: bytes
    reserved_region_start: int
    reserved_region_end: int
    signed_attrs: bytes  # DER of the SET OF attributes, exactly the bytes that are signed
    md_algorithm: str = "sha256"

    @property
    def tbs_digest(self) -> bytes:
        """What the token signs: the digest of the DER-encoded signed attributes."""
        return hashlib.new(self.md_algorithm, self.signed_attrs).digest()

    def state(self) -> dict[str, object]:
        """JSON-safe description of everything but the PDF, to store between the steps."""
        return {
            "document_digest": self.document_digest.hex(),
            "reserved_region_start": self.reserved_region_start,
            "reserved_region_end": self.reserved_region_end,
            "signed_attrs": base64.b64encode(self.signed_attrs).decode(),
            "md_algorithm": self.md_algorithm,
        }

    @classmethod
    def from_state(cls, prepared_pdf: bytes, state: dict) -> PreparedSignature:
        return cls(
            prepared_pdf=bytes(prepared_pdf),
            document_digest=bytes.fromhex(state["document_digest"]),
            reserved_region_start=int(state["reserved_region_start"]),
            reserved_region_end=int(state["reserved_region_end"]),
            signed_attrs=base64.b64decode(state["signed_attrs"]),
            md_algorithm=state.get("md_algorithm", "sha256"),
        )


def prepare_personal(
    pdf_bytes: bytes,
    certificate: x509.Certificate,
    *,
    image_png: bytes,
    box: Box,
    page: int = -1,
    capacity_text: str = "",
    position: str = "",
    name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    field_layout: FieldLayout = FieldLayout(),
    seal_diameter_mm: float = 36.0,
) -> PreparedSignature:
    """First half of ``sign_personal`` for a key the server cannot use (a USB token on the
    signer's computer): the same revision, with a placeholder for the signature, and the
    signed attributes to send to the key. Finish with ``finish_prepared``."""
    writer, meta, style = _personal_revision(
        pdf_bytes,
        image_png=image_png,
        box=box,
        page=page,
        capacity_text=capacity_text,
        position=position,
        name=name or common_name(certificate),
        reason=reason,
        location=location,
        field_layout=field_layout,
        seal_diameter_mm=seal_diameter_mm,
    )
    external = signers.ExternalSigner(
        signing_cert=to_asn1(certificate), cert_registry=SimpleCertificateStore()
    )
    pdf_signer = signers.PdfSigner(meta, external, stamp_style=style)

    async def run() -> tuple[object, object, bytes]:
        out = io.BytesIO()
        digest, tbs, _ = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=PREPARED_BYTES_RESERVED, output=out
        )
        if tbs.post_sign_instructions is not None:
            # Only B-B/B-T here: a DSS or document timestamp would need a second revision.
            raise SigningError("Hồ sơ chữ ký này chưa hỗ trợ ký hai bước.")
        attrs = await external.signed_attrs(
            digest.document_digest, meta.md_algorithm or "sha256", use_pades=True
        )
        return digest, attrs, out.getvalue()

    try:
        digest, attrs, prepared = asyncio.run(run())
    except (PyHankoSigningError, PdfError) as exc:
        raise SigningError(f"Không chuẩn bị được văn bản để ký số: {exc}") from exc
    return PreparedSignature(
        prepared_pdf=prepared,
        document_digest=digest.document_digest,  # type: ignore[attr-defined]
        reserved_region_start=digest.reserved_region_start,  # type: ignore[attr-defined]
        reserved_region_end=digest.reserved_region_end,  # type: ignore[attr-defined]
        signed_attrs=attrs.dump(),  # type: ignore[attr-defined]
        md_algorithm=meta.md_algorithm or "sha256",
    )


def finish_prepared(
    prepared: PreparedSignature,
    signature_value: bytes,
    certificate: x509.Certificate,
    *,
    chain: tuple[x509.Certificate, ...] | list[x509.Certificate] = (),
    timestamper: TimeStamper | None = None,
) -> bytes:
    """Second half: wrap the external signature value into the CMS (with ``chain`` embedded
    for validators and, with a timestamper, a signature timestamp: B-T) and write it into the
    placeholder. The caller checks the value against the certificate first."""
    external = signers.ExternalSigner(
        signing_cert=to_asn1(certificate),
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),
        signature_value=signature_value,
    )
    prep = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_region_start,
        reserved_region_end=prepared.reserved_region_end,
    )

    async def run() -> bytes:
        cms_obj = await external.async_sign_prescribed_attributes(
            prepared.md_algorithm,
            signed_attrs=cms.CMSAttributes.load(prepared.signed_attrs),
            timestamper=timestamper,
        )
        out = io.BytesIO(prepared.prepared_pdf)
        await PdfTBSDocument.async_finish_signing(out, prep, cms_obj)
        return out.getvalue()

    try:
        return asyncio.run(run())
    except TimestampRequestError as exc:
        raise TimestampError(
            "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (TSA); văn bản chưa được ký."
        ) from exc
    except (PyHankoSigningError, PdfError, ValueError) as exc:
        raise SigningError(f"Không hoàn tất được chữ ký số: {exc}") from exc


def fill_number_and_sign_agency(
    pdf_bytes: bytes,
    signer: SignerLike,
    *,
    number_text: str,
    date_text: str,
    seal_png: bytes,
    seal_box: Box | None = None,
    seal_diameter_mm: float = 36.0,
    timestamper: TimeStamper | None = None,
    timestamp_url: str | None = None,
    profile: SignatureProfile | None = None,
    reason: str = "Ban hành văn bản",
    location: str | None = None,
) -> bytes:
    """Fill số/ký hiệu and ngày (one revision), then sign as the agency with the seal.

    The seal goes into the field prepared by ``sign_personal`` (its box wins over
    ``seal_box``). For a PDF certified elsewhere without that field, a new field is created
    at ``seal_box`` or, by default, over the left third of the personal signature.
    """
    writer = _writer(pdf_bytes)
    personal = appearance.widget_box(writer, PERSONAL_FIELD)
    if personal is None or not appearance.is_signed(writer, PERSONAL_FIELD):
        raise DocumentStateError("Văn bản chưa có chữ ký của người có thẩm quyền.")
    if appearance.is_signed(writer, AGENCY_FIELD):
        raise DocumentStateError("Văn bản đã được ký số của cơ quan (đã ban hành).")
    prepared_seal_field = appearance.find_field(writer, AGENCY_FIELD) is not None
    appearance.fill_text_field(writer, NUMBER_FIELD, number_text, align="left")
    appearance.fill_text_field(writer, DATE_FIELD, date_text, align="centre")
    filled = io.BytesIO()
    writer.write(filled)

    writer = _writer(filled.getvalue())
    new_field = None
    if not prepared_seal_field:
        page = int(_page_of(writer, PERSONAL_FIELD))
        box = seal_box or appearance.seal_box_for(personal, seal_diameter_mm)
        new_field = fields.SigFieldSpec(AGENCY_FIELD, box=_int_box(box), on_page=page)
    meta = _meta(AGENCY_FIELD, reason=reason, location=location, name=_signer_name(signer))
    return _sign(
        writer,
        signer,
        meta,
        timestamper=_timestamper(timestamper, timestamp_url),
        stamp_style=appearance.image_style(seal_png),
        new_field=new_field,
        profile=profile,
    )


def sign_attachment(
    pdf_bytes: bytes,
    signer: SignerLike,
    *,
    reference: str,
    signed_at: dt.datetime | None = None,
    timestamper: TimeStamper | None = None,
    timestamp_url: str | None = None,
    profile: SignatureProfile | None = None,
    reason: str = "Ký số phụ lục, tài liệu kèm theo văn bản",
) -> bytes:
    """Agency signature of an attachment in a separate file: no image; top-right of page 1,
    "<số/ký hiệu>" then the signing time in ISO 8601 with +07:00, 10 pt serif.

    ``signed_at`` (aware) is the time printed; by default the moment of signing."""
    lines = [reference, appearance.iso_vn(signed_at)]
    return _sign_text_block(pdf_bytes, signer, lines, reason, timestamper, timestamp_url, profile)


def sign_copy(
    pdf_bytes: bytes,
    signer: SignerLike,
    *,
    copy_form: str,
    agency_name: str,
    signed_at: dt.datetime | None = None,
    timestamper: TimeStamper | None = None,
    timestamp_url: str | None = None,
    profile: SignatureProfile | None = None,
    reason: str | None = None,
) -> bytes:
    """Agency signature of an electronic copy (cell 14): copy form, copying agency, ISO time."""
    form = copy_form.strip().upper()
    if form not in COPY_FORMS:
        raise DocumentStateError(
            f"Hình thức bản sao «{copy_form}» không hợp lệ; chọn một trong: "
            + ", ".join(COPY_FORMS)
        )
    lines = [form, agency_name, appearance.iso_vn(signed_at)]
    reason = reason or f"{form.capitalize()} văn bản điện tử"
    return _sign_text_block(pdf_bytes, signer, lines, reason, timestamper, timestamp_url, profile)


def _sign_text_block(
    pdf_bytes: bytes,
    signer: SignerLike,
    lines: list[str],
    reason: str,
    timestamper: TimeStamper | None,
    timestamp_url: str | None,
    profile: SignatureProfile | None = None,
) -> bytes:
    writer = _writer(pdf_bytes)
    if appearance.find_field(writer, AGENCY_FIELD) is not None:
        raise DocumentStateError("Tệp đã có chữ ký số của cơ quan.")
    box = appearance.top_right_box(writer, len(lines))
    new_field = fields.SigFieldSpec(AGENCY_FIELD, box=_int_box(box), on_page=0)
    meta = _meta(AGENCY_FIELD, reason=reason, name=_signer_name(signer))
    return _sign(
        writer,
        signer,
        meta,
        timestamper=_timestamper(timestamper, timestamp_url),
        stamp_style=appearance.text_style(font_size=10, align="right"),
        new_field=new_field,
        text="\n".join(lines),
        profile=profile,
    )


def _page_of(writer: IncrementalPdfFileWriter, field_name: str) -> int:
    ref = appearance.find_field(writer, field_name)
    assert ref is not None
    page_ref = ref.get_object().get_value_as_reference("/P")
    for index in range(appearance.page_count(writer)):
        if writer.find_page_for_modification(index)[0].reference == page_ref:
            return index
    raise DocumentStateError("Không xác định được trang của chữ ký cá nhân.")


def _int_box(box: Box) -> tuple[int, int, int, int]:
    # pyHanko's SigFieldSpec is typed with ints; rounding to whole points is invisible.
    x1, y1, x2, y2 = box
    return (round(x1), round(y1), round(x2), round(y2))


__all__ = [
    "AGENCY_FIELD",
    "COPY_FORMS",
    "DATE_FIELD",
    "NUMBER_FIELD",
    "PERSONAL_FIELD",
    "PREPARED_BYTES_RESERVED",
    "FieldLayout",
    "PreparedSignature",
    "SignatureProfile",
    "fill_number_and_sign_agency",
    "finish_prepared",
    "prepare_personal",
    "sign_attachment",
    "sign_copy",
    "sign_personal",
]
