"""verify_pdf: the verdict, per-signature facts and Vietnamese reasons, including tampering,
untrusted and revoked certificates, and revocation data fetched from the loopback services."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter

from vanthu.signing import appearance, pades
from vanthu.signing.backends.pkcs12 import signer_from_key
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.verify import verify_pdf

ISO_VN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def _sign_attachment_as(issued_cert, pki, pdf: bytes) -> bytes:
    signer = signer_from_key(issued_cert.key, issued_cert.cert, pki.chain)
    return pades.sign_attachment(pdf, signer, reference="12/UBND-VP")


def test_unsigned_pdf(sample, test_pki):
    result = verify_pdf(sample.pdf, trust_roots=[test_pki.pki.root.cert])
    assert result == {
        "verdict": "unsigned",
        "signatures": [],
        "has_personal": False,
        "has_agency": False,
        "registered": None,
    }


def test_not_a_pdf_is_refused(test_pki):
    with pytest.raises(DocumentStateError):
        verify_pdf(b"not a pdf at all", trust_roots=[test_pki.pki.root.cert])


def test_issued_document_is_valid_with_both_kinds(issued, test_pki):
    seen = []
    result = verify_pdf(
        issued,
        trust_roots=[test_pki.pki.root.cert],
        registered_lookup=lambda sha: seen.append(sha) or {"document": "05/QĐ-UBND"},
    )
    assert result["verdict"] == "valid"
    assert result["has_personal"] and result["has_agency"]
    assert result["registered"] == {"document": "05/QĐ-UBND"}
    assert seen == [hashlib.sha256(issued).hexdigest()]
    personal, agency = result["signatures"]
    assert personal | {"signed_at": None} == {
        "signer": "Nguyễn Văn An",
        "kind": "personal",
        "intact": True,
        "trusted": True,
        "covers_whole_file": True,
        "modification_level": "form_filling",
        "signed_at": None,
        "reasons": [],
    }
    assert agency["signer"] == "Ủy ban nhân dân tỉnh Thử nghiệm" and agency["kind"] == "agency"
    assert agency["covers_whole_file"] and agency["modification_level"] == "none"
    for sig in (personal, agency):
        assert ISO_VN.match(sig["signed_at"])
    signed_at = dt.datetime.fromisoformat(agency["signed_at"])
    assert abs(dt.datetime.now(dt.UTC) - signed_at) < dt.timedelta(minutes=10)


def test_issued_document_with_live_ocsp_and_crl(issued, test_pki, services):
    before = dict(services.hits)
    result = verify_pdf(issued, trust_roots=[test_pki.pki.root.cert], ocsp_fetching=True)
    assert result["verdict"] == "valid", result
    assert services.hits["ocsp"] > before.get("ocsp", 0)
    assert services.hits["crl"] > before.get("crl", 0)


def test_one_changed_byte_makes_it_invalid(issued, test_pki):
    tampered = bytearray(issued)
    offset = issued.index(b"stream") + 40  # inside the first content stream, still parseable
    tampered[offset] ^= 0x01
    result = verify_pdf(bytes(tampered), trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "invalid"
    assert all(not sig["intact"] for sig in result["signatures"])
    assert any("bị thay đổi" in r for sig in result["signatures"] for r in sig["reasons"])
    assert not result["has_personal"] and not result["has_agency"]


def test_page_appended_after_the_agency_signature_is_reported(issued, test_pki):
    writer = PdfWriter(io.BytesIO(issued), incremental=True)
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    appended = out.getvalue()
    assert appended.startswith(issued)

    result = verify_pdf(appended, trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "invalid"
    for sig in result["signatures"]:
        assert sig["intact"] and not sig["covers_whole_file"]
        assert sig["modification_level"] == "other"
        assert any("sửa đổi sau khi ký" in r for r in sig["reasons"])


def test_certificate_from_an_untrusted_root(sample, test_pki):
    signed = _sign_attachment_as(test_pki.untrusted_person, test_pki.untrusted, sample.pdf)
    result = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "untrusted"
    [sig] = result["signatures"]
    assert sig["intact"] and not sig["trusted"] and sig["kind"] == "personal"
    assert any("tin cậy" in r for r in sig["reasons"])
    # the same file is fine for whoever trusts that other root
    assert verify_pdf(signed, trust_roots=[test_pki.untrusted.root.cert])["verdict"] == "valid"


def test_expired_certificate(sample, test_pki):
    signed = _sign_attachment_as(test_pki.expired, test_pki.pki, sample.pdf)
    result = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "invalid"
    [sig] = result["signatures"]
    assert not sig["trusted"]
    assert any("không còn hiệu lực" in r for r in sig["reasons"])


@pytest.fixture(scope="module")
def revoked_signed(sample, test_pki):
    test_pki.pki.revoke(test_pki.revoked)
    return _sign_attachment_as(test_pki.revoked, test_pki.pki, sample.pdf)


def test_revoked_certificate_with_a_given_crl(revoked_signed, test_pki):
    pki = test_pki.pki
    result = verify_pdf(
        revoked_signed, trust_roots=[pki.root.cert], crls=[pki.crl(pki.ca), pki.crl(pki.root)]
    )
    assert result["verdict"] == "invalid"
    [sig] = result["signatures"]
    assert any("bị thu hồi" in r for r in sig["reasons"])


def test_revoked_certificate_found_over_ocsp(revoked_signed, test_pki, services):
    before = services.hits["ocsp"]
    result = verify_pdf(revoked_signed, trust_roots=[test_pki.pki.root.cert], ocsp_fetching=True)
    assert result["verdict"] == "invalid"
    assert any("bị thu hồi" in r for r in result["signatures"][0]["reasons"])
    assert services.hits["ocsp"] > before


def test_number_changed_after_issuance_is_reported(issued, test_pki):
    # Form filling is what the personal certification allows; the agency signature's field
    # lock is what forbids touching số/ngày once the document is issued.
    writer = IncrementalPdfFileWriter(io.BytesIO(issued))
    appearance.fill_text_field(writer, pades.NUMBER_FIELD, "99/QĐ-UBND")
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "invalid"
    agency = result["signatures"][1]
    assert not agency["covers_whole_file"]
    assert any("sửa đổi sau khi ký" in r for r in agency["reasons"])
