"""Check every signature of a PDF and explain the result in Vietnamese.

``verify_pdf`` returns a plain dict (JSON-ready) shaped as::

    {"verdict": "valid" | "invalid" | "untrusted" | "unsigned",
     "signatures": [{"signer", "kind", "intact", "trusted", "covers_whole_file",
                     "modification_level", "signed_at", "reasons": [...]}],
     "has_personal": bool, "has_agency": bool, "registered": <lookup result> | None}

* ``kind`` follows ``vanthu.signing.identity.classify`` (subject serialNumber ``MDDT:`` →
  agency, ``CCCD:``/``CMND:``/``HC:`` → personal, otherwise unknown).
* ``covers_whole_file`` is true for a signature over the whole file, and for an earlier one
  whose later revisions pyHanko's difference analysis judged to be only what its permissions
  allow (``modification_level`` ``none``, ``lta_updates`` or ``form_filling``, with DocMDP
  respected).
* ``verdict``: ``invalid`` when any signature is broken (content changed, bad cryptography,
  revoked certificate, certificate expired before signing, modifications beyond what was
  permitted); otherwise ``untrusted`` when any certificate does not chain to ``trust_roots``
  or its status cannot be established; otherwise ``valid``.
* ``has_personal`` / ``has_agency``: an intact signature of that kind is present.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic as _pdf_generic
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from vanthu.signing.appearance import iso_vn
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.identity import classify, common_name

type CertLike = x509.Certificate | asn1_x509.Certificate | bytes
type CrlLike = x509.CertificateRevocationList | asn1_crl.CertificateList | bytes

_ALLOWED_LATER = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)
_UNTRUSTED_CHAIN = (
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
    AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE,
)
_REVOKED = (
    AdESFailure.REVOKED,
    AdESIndeterminate.REVOKED_NO_POE,
    AdESIndeterminate.REVOKED_CA_NO_POE,
)
_EXPIRED = (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE)
_NO_REVINFO = (AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE)


# -- faster parsing of the signature value ------------------------------------------------
#
# pyHanko reads a PDF hex string (``<...>``) one byte at a time in Python. The /Contents of a
# signature is such a string of about 16,000 hex digits (the reserved space for the CMS), read
# several times per check: that loop was about 40 % of the time of ``verify_pdf``. The
# replacement below reads the same bytes in one slice and produces the same object; anything
# unusual (a comment inside the string, no closing ``>``) goes to pyHanko's own reader.
# Installed only over the exact function it was written against.

_HEX_DIGITS = b"0123456789abcdefABCDEF"
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_HEX_CHUNK = 64 * 1024


def _fast_read_hex_string(stream: Any) -> Any:
    start = stream.tell()
    stream.read(1)  # the "<"
    collected = bytearray()
    while True:
        chunk = stream.read(_HEX_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            collected += chunk[:end]
            stream.seek(end + 1 - len(chunk), io.SEEK_CUR)
            break
        collected += chunk
        if not chunk:
            break
    digits = bytes(collected).translate(None, _PDF_WHITESPACE)
    if end < 0 or b"%" in digits or digits.translate(None, _HEX_DIGITS):
        stream.seek(start)
        return _PYHANKO_READ_HEX(stream)
    if len(digits) % 2:
        digits += b"0"
    return _pdf_generic.pdf_string(binascii.unhexlify(digits))


_PYHANKO_READ_HEX = _pdf_generic.read_hex_string_from_stream
if getattr(_PYHANKO_READ_HEX, "__qualname__", "") == "read_hex_string_from_stream" and (
    _PYHANKO_READ_HEX.__module__ == "pyhanko.pdf_utils.generic"
):
    _pdf_generic.read_hex_string_from_stream = _fast_read_hex_string


def _asn1_cert(cert: CertLike) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))
    if cert.lstrip().startswith(b"-----BEGIN"):
        cert = x509.load_pem_x509_certificate(cert).public_bytes(Encoding.DER)
    return asn1_x509.Certificate.load(cert)


def _crl_der(item: CrlLike) -> bytes:
    if isinstance(item, asn1_crl.CertificateList):
        return item.dump()
    if isinstance(item, x509.CertificateRevocationList):
        return item.public_bytes(Encoding.DER)
    return item


def verify_pdf(
    pdf_bytes: bytes,
    *,
    trust_roots: Iterable[CertLike] = (),
    crls: Iterable[CrlLike] = (),
    ocsp_fetching: bool = False,
    registered_lookup: Callable[[str], Any] | None = None,
    context: Callable[[], ValidationContext] | None = None,
) -> dict[str, Any]:
    """Validate all signatures. ``ocsp_fetching`` lets the validator fetch OCSP responses and
    CRLs from the URLs in the certificates and then requires revocation information
    (hard-fail); without it, only the given ``crls`` are used (soft-fail).

    ``context`` (e.g. ``vanthu.signing.trust.validation_context``) builds the validation
    context instead, from the trust store and its revocation mode; ``trust_roots``, ``crls``
    and ``ocsp_fetching`` are then ignored."""
    sha256 = hashlib.sha256(pdf_bytes).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError) as exc:
        raise DocumentStateError("Tệp không phải PDF hợp lệ hoặc bị hỏng.") from exc

    results: list[dict[str, Any]] = []
    broken = distrusted = False
    if embedded:
        # One context for all signatures of the file: the personal and the agency
        # signature share their CA, whose path and revocation status are then checked once.
        if context is not None:
            shared = context()
        else:
            shared = ValidationContext(
                trust_roots=[_asn1_cert(c) for c in trust_roots],
                crls=[_crl_der(c) for c in crls],
                allow_fetching=ocsp_fetching,
                revocation_mode="hard-fail" if ocsp_fetching else "soft-fail",
            )
    for sig in embedded:
        entry, is_broken = _check_one(sig, shared)
        broken |= is_broken
        distrusted |= not entry["trusted"]
        results.append(entry)

    if not results:
        verdict = "unsigned"
    elif broken:
        verdict = "invalid"
    elif distrusted:
        verdict = "untrusted"
    else:
        verdict = "valid"
    return {
        "verdict": verdict,
        "signatures": results,
        "has_personal": any(r["kind"] == "personal" and r["intact"] for r in results),
        "has_agency": any(r["kind"] == "agency" and r["intact"] for r in results),
        "registered": registered_lookup(sha256) if registered_lookup is not None else None,
    }


def _check_one(sig: Any, context: ValidationContext) -> tuple[dict[str, Any], bool]:
    entry: dict[str, Any] = {
        "signer": None,
        "kind": "unknown",
        "intact": False,
        "trusted": False,
        "covers_whole_file": False,
        "modification_level": None,
        "signed_at": None,
        "reasons": [],
    }
    # Whatever a malformed signature makes pyHanko raise, it is "not a valid signature".
    try:
        cert = x509.load_der_x509_certificate(sig.signer_cert.dump())
        entry["signer"], entry["kind"] = common_name(cert), classify(cert)
        status = validate_pdf_signature(sig, context)
    except Exception as exc:
        entry["reasons"].append(f"Không kiểm tra được chữ ký: {exc}")
        return entry, True
    return _describe(status, cert, entry)


def _describe(
    status: PdfSignatureStatus, cert: x509.Certificate, entry: dict[str, Any]
) -> tuple[dict[str, Any], bool]:
    reasons: list[str] = entry["reasons"]
    broken = False
    ts = status.timestamp_validity
    signed_at: dt.datetime | None = ts.timestamp if ts is not None else status.signer_reported_dt
    entry["signed_at"] = iso_vn(signed_at) if signed_at else None
    entry["intact"] = bool(status.intact and status.valid)
    entry["trusted"] = bool(status.trusted)
    if not status.intact:
        reasons.append("Nội dung đã bị thay đổi sau khi ký: giá trị băm không khớp.")
        broken = True
    elif not status.valid:
        reasons.append("Chữ ký số không hợp lệ về mặt mật mã.")
        broken = True

    level = status.modification_level
    entry["modification_level"] = level.name.lower() if level is not None else None
    coverage = status.coverage
    allowed_later = level in _ALLOWED_LATER and status.docmdp_ok is not False
    entry["covers_whole_file"] = coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        coverage == SignatureCoverageLevel.ENTIRE_REVISION and allowed_later
    )
    if coverage is not None and coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        reasons.append("Chữ ký không bao phủ trọn vẹn phiên bản tài liệu mà nó ký.")
        broken = True
    elif not entry["covers_whole_file"]:
        reasons.append(
            "Tài liệu đã bị sửa đổi sau khi ký ngoài phạm vi cho phép "
            "(ví dụ: thêm trang, sửa nội dung, thêm chú thích)."
        )
        broken = True

    indic = status.trust_problem_indic
    if status.revoked or indic in _REVOKED:
        details = status.revocation_details
        when = f" từ {iso_vn(details.revocation_date)}" if details else ""
        reasons.append(f"Chứng thư số của người ký đã bị thu hồi{when}.")
        broken = True
    elif indic in _EXPIRED or indic == AdESIndeterminate.NOT_YET_VALID:
        if signed_at is not None and not (
            cert.not_valid_before_utc <= signed_at <= cert.not_valid_after_utc
        ):
            reasons.append("Chứng thư số không còn hiệu lực tại thời điểm ký.")
            broken = True
        else:
            reasons.append(
                "Chứng thư số đã hết hiệu lực; cần thông tin kiểm tra dài hạn (LTV) để xác nhận."
            )
    elif indic in _UNTRUSTED_CHAIN:
        reasons.append("Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực tin cậy cấp.")
    elif indic in _NO_REVINFO:
        reasons.append("Không kiểm tra được tình trạng thu hồi của chứng thư số (OCSP/CRL).")
    elif indic is not None or (not status.trusted and not broken):
        reasons.append(f"Chứng thư số không được tin cậy ({getattr(indic, 'name', 'không rõ')}).")

    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        reasons.append("Dấu thời gian không hợp lệ hoặc không do đơn vị tin cậy cấp.")
        entry["trusted"] = False
    return entry, broken
