"""PAdES signing of a decree: personal certification, number/date fill and agency seal,
attachments and electronic copies. Each output is checked by pyHanko, by Poppler's pdfsig
and by looking at the rendered page."""

from __future__ import annotations

import io
import re
import socket
import subprocess

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import read_certification_data, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tests.signing import tools
from vanthu.signing import pades
from vanthu.signing.appearance import mm, seal_box_for
from vanthu.signing.backends.pkcs12 import to_asn1
from vanthu.signing.errors import DocumentStateError, TimestampError
from vanthu.signing.verify import verify_pdf

ISO_VN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")


def _statuses(pdf: bytes, root):
    reader = PdfFileReader(io.BytesIO(pdf))
    return [
        validate_pdf_signature(
            sig, ValidationContext(trust_roots=[to_asn1(root)], allow_fetching=False)
        )
        for sig in reader.embedded_signatures
    ]


def _pdfsig(pdf: bytes, name: str):
    path = tools.ARTIFACTS / f"{name}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return tools.pdfsig(path)


def _text(pdf: bytes, page: int) -> str:
    tool = tools.require_tool("pdftotext")
    args = [tool, "-f", str(page), "-l", str(page), "-layout", "-", "-"]
    return subprocess.run(
        args, input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()


def test_personal_signature_certifies_with_form_filling_allowed(personally_signed, test_pki):
    reader = PdfFileReader(io.BytesIO(personally_signed))
    assert read_certification_data(reader).permission == MDPPerm.FILL_FORMS
    names = {ref.get_object()["/T"] for ref in reader.root["/AcroForm"]["/Fields"]}
    assert names == {"ChuKyCaNhan", "ChuKyCoQuan", "SoKyHieu", "NgayBanHanh"}
    [status] = _statuses(personally_signed, test_pki.pki.root.cert)
    assert status.bottom_line and status.modification_level == ModificationLevel.NONE
    assert reader.embedded_signatures[0].sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "KT. CHỦ TỊCH PHÓ CHỦ TỊCH" in reader.embedded_signatures[0].sig_object["/Reason"]

    sig, seal_field = _pdfsig(personally_signed, "personal-only")
    assert seal_field["Signature Field Name"] == "ChuKyCoQuan" and seal_field["signed"] is False
    assert sig["Signature Validation"] == "Signature is Valid."
    assert sig["Signature Type"] == "ETSI.CAdES.detached" and sig["total"] is True


def test_personal_image_is_centred_blue_in_the_signer_block(personally_signed, sample):
    page = tools.rasterise(personally_signed, 2, "personal-only")
    assert tools.count_pixels(page, sample.personal_box, "blue") > 500
    before = tools.rasterise(sample.pdf, 2, "unsigned")
    assert tools.count_pixels(before, sample.personal_box, "blue") == 0
    x1, y1, x2, y2 = sample.personal_box
    # centred: as much ink in the left half as in the right half, give or take
    left = tools.count_pixels(page, (x1, y1, (x1 + x2) / 2, y2), "blue")
    right = tools.count_pixels(page, ((x1 + x2) / 2, y1, x2, y2), "blue")
    assert 0.5 < left / right < 2


def test_issued_document_has_both_signatures_valid_in_pdfsig(issued):
    personal, agency = _pdfsig(issued, "issued")
    for sig in (personal, agency):
        assert sig["Signature Validation"] == "Signature is Valid."
        assert sig["Signature Type"] == "ETSI.CAdES.detached"
    assert personal["Signature Field Name"] == "ChuKyCaNhan" and personal["total"] is False
    assert agency["Signature Field Name"] == "ChuKyCoQuan" and agency["total"] is True
    assert agency["Signer Certificate Common Name"] == "Ủy ban nhân dân tỉnh Thử nghiệm"


def test_issued_document_validates_in_pyhanko_with_form_filling_only(issued, test_pki):
    personal, agency = _statuses(issued, test_pki.pki.root.cert)
    assert personal.bottom_line and agency.bottom_line
    assert personal.modification_level == ModificationLevel.FORM_FILLING
    assert personal.docmdp_ok
    assert agency.modification_level == ModificationLevel.NONE
    assert personal.timestamp_validity is None  # B-B
    assert agency.timestamp_validity is not None and agency.timestamp_validity.trusted  # B-T


def test_number_and_date_are_filled_in_the_fields(issued, sample):
    text = _text(issued, 1)
    assert "05/QĐ-UBND" in text
    assert "Thử nghiệm, ngày 05 tháng 3 năm 2026" in text
    reader = PdfFileReader(io.BytesIO(issued))
    values = {
        ref.get_object()["/T"]: ref.get_object().get("/V")
        for ref in reader.root["/AcroForm"]["/Fields"]
    }
    assert values["SoKyHieu"] == "05/QĐ-UBND"
    page = tools.rasterise(issued, 1, "issued")
    assert tools.count_pixels(page, sample.fields.number_box, "ink") > 50


def test_seal_is_real_size_over_the_left_third_of_the_signature(issued, sample):
    reader = PdfFileReader(io.BytesIO(issued))
    fields = {
        ref.get_object()["/T"]: ref.get_object() for ref in reader.root["/AcroForm"]["/Fields"]
    }
    x1, y1, x2, y2 = (float(v) for v in fields["ChuKyCoQuan"]["/Rect"])
    assert x2 - x1 == pytest.approx(mm(36), abs=1.5)
    assert y2 - y1 == pytest.approx(mm(36), abs=1.5)
    px1, _, px2, _ = sample.personal_box
    assert x2 == pytest.approx(px1 + (px2 - px1) / 3, abs=1.5)

    page = tools.rasterise(issued, 2, "issued")
    seal = seal_box_for(sample.personal_box)
    assert tools.count_pixels(page, seal, "red") > 800
    overlap = (px1, seal[1], seal[2], seal[3])
    assert tools.count_pixels(page, overlap, "red") > 50
    assert tools.count_pixels(page, sample.personal_box, "blue") > 300


def test_agency_signature_needs_the_personal_one_first(sample, agency_signer, images):
    with pytest.raises(DocumentStateError, match="chưa có chữ ký của người có thẩm quyền"):
        pades.fill_number_and_sign_agency(
            sample.pdf,
            agency_signer,
            number_text="1/QĐ-UBND",
            date_text="ngày 1",
            seal_png=images["seal"],
        )


def test_document_cannot_be_issued_twice(issued, agency_signer, images):
    with pytest.raises(DocumentStateError, match="đã được ký số của cơ quan"):
        pades.fill_number_and_sign_agency(
            issued, agency_signer, number_text="6", date_text="x", seal_png=images["seal"]
        )


def test_personal_signature_refuses_a_non_transparent_image(sample, person_signer):
    jpeg_like = tools._png(tools.Image.new("RGB", (10, 10), (255, 255, 255)))
    with pytest.raises(DocumentStateError, match="nền trong suốt"):
        pades.sign_personal(sample.pdf, person_signer, image_png=jpeg_like, box=sample.personal_box)


def test_attachment_gets_reference_and_iso_time_top_right(
    sample, agency_signer, services, test_pki
):
    signed = pades.sign_attachment(
        sample.pdf, agency_signer, reference="05/QĐ-UBND", timestamp_url=services.tsa_url
    )
    [sig] = _pdfsig(signed, "attachment")
    assert sig["Signature Validation"] == "Signature is Valid." and sig["total"] is True
    top = _text(signed, 1).splitlines()[:3]
    assert any("05/QĐ-UBND" in line for line in top)
    assert any(ISO_VN.search(line) for line in top)
    page = tools.rasterise(signed, 1, "attachment")
    width, height = page.size
    assert tools.count_pixels(page, (width / 2, height - mm(20), width, height), "ink") > 100
    assert tools.count_pixels(page, (width / 2, height - mm(20), width, height), "red") == 0
    assert verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])["verdict"] == "valid"


def test_electronic_copy_shows_form_agency_and_time(sample, agency_signer):
    signed = pades.sign_copy(
        sample.pdf, agency_signer, copy_form="sao y", agency_name="Sở Tài chính tỉnh Thử nghiệm"
    )
    [sig] = _pdfsig(signed, "copy")
    assert sig["Signature Validation"] == "Signature is Valid."
    top = "\n".join(_text(signed, 1).splitlines()[:4])
    assert "SAO Y" in top and "Sở Tài chính tỉnh Thử nghiệm" in top and ISO_VN.search(top)
    page = tools.rasterise(signed, 1, "copy")
    width, height = page.size
    assert tools.count_pixels(page, (width / 2, height - mm(20), width, height), "ink") > 100


def test_copy_form_must_be_one_of_the_decree(sample, agency_signer):
    with pytest.raises(DocumentStateError, match="SAO Y, TRÍCH SAO, SAO LỤC"):
        pades.sign_copy(sample.pdf, agency_signer, copy_form="BẢN CHỤP", agency_name="X")


def test_personal_signature_is_b_t_with_a_timestamper_object(
    sample, images, person_signer, test_pki
):
    tsa = test_pki.pki.tsa
    key_der = tsa.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    stamper = DummyTimeStamper(
        to_asn1(tsa.cert),
        asn1_keys.PrivateKeyInfo.load(key_der),
        certs_to_embed=SimpleCertificateStore.from_certs([to_asn1(test_pki.pki.ca.cert)]),
    )
    signed = pades.sign_personal(
        sample.pdf,
        person_signer,
        image_png=images["signature"],
        box=sample.personal_box,
        timestamper=stamper,
    )
    [status] = _statuses(signed, test_pki.pki.root.cert)
    assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_unreachable_tsa_signs_nothing(sample, agency_signer, unused_port):
    with pytest.raises(TimestampError, match="dấu thời gian"):
        pades.sign_attachment(
            sample.pdf,
            agency_signer,
            reference="01/UBND",
            timestamp_url=f"http://127.0.0.1:{unused_port}/tsa",
        )


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
