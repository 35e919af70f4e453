"""The verification code and its QR stamp on page 1: drawn before the personal signature,
readable by pdftotext, pixel for pixel the QR symbol of the verification address, and
refused on a PDF that is already signed."""

from __future__ import annotations

import subprocess

import pytest
import segno
from PIL import Image

from tests.signing import tools
from vanthu.signing import pades, qr
from vanthu.signing.errors import DocumentStateError
from vanthu.signing.verify import verify_pdf

CODE = "K7QM3XPD"
RENDER_DPI = 600
SCALE = RENDER_DPI / 72


@pytest.fixture(scope="module")
def stamped_and_signed(sample, images, person_signer) -> tuple[bytes, bytes, str]:
    url = "https://vanthu.nghean.gov.vn/xac-thuc/K7QM-3XPD/"
    stamped = qr.stamp_verification(sample.pdf, code=CODE, url=url)
    signed = pades.sign_personal(
        stamped,
        person_signer,
        image_png=images["signature"],
        box=sample.personal_box,
        page=1,
        capacity_text="KT. CHỦ TỊCH",
        position="PHÓ CHỦ TỊCH",
        field_layout=sample.fields,
    )
    return stamped, signed, url


def test_new_codes_are_short_unambiguous_and_random():
    codes = {qr.new_verification_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == 8
        assert set(code) <= set(qr.ALPHABET)
        assert not set(code) & set("ILOU")
    assert qr.display_code("K7QM3XPD") == "K7QM-3XPD"


@pytest.mark.parametrize(
    "typed", ["K7QM-3XPD", "k7qm-3xpd", " K7QM 3XPD ", "k7qm3xpd", "K7QM—3XPD".replace("—", "-")]
)
def test_typed_codes_are_normalised(typed):
    assert qr.normalise_code(typed) == "K7QM3XPD"


def test_look_alike_letters_are_read_as_digits():
    assert qr.normalise_code("ABCD-EFOI") == "ABCDEF01"
    assert qr.normalise_code("abcd efol") == "ABCDEF01"


@pytest.mark.parametrize(
    "typed", ["", "K7QM-3XP", "K7QM-3XPDZ", "K7QM-3XPU", "K7QM/3XPD", "ĐK7Q3XPD"]
)
def test_what_cannot_be_a_code_is_rejected(typed):
    assert qr.normalise_code(typed) is None


def test_verification_url_uses_the_public_address(settings):
    settings.VANTHU_PUBLIC_URL = "https://vanthu.nghean.gov.vn/"
    assert qr.verification_url(CODE) == "https://vanthu.nghean.gov.vn/xac-thuc/K7QM-3XPD/"
    del settings.VANTHU_PUBLIC_URL
    assert qr.verification_url(CODE) == "http://127.0.0.1:8000/xac-thuc/K7QM-3XPD/"


def test_stamp_then_personal_signature_is_valid(stamped_and_signed, sample, test_pki):
    stamped, signed, _ = stamped_and_signed
    # An incremental update: the producer's bytes stay untouched, then the signature follows.
    assert stamped.startswith(sample.pdf) and signed.startswith(stamped)

    tools.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = tools.ARTIFACTS / "qr-stamped-signed.pdf"
    path.write_bytes(signed)
    sigs = [s for s in tools.pdfsig(path) if s["signed"]]
    assert len(sigs) == 1
    assert sigs[0]["Signature Validation"] == "Signature is Valid."
    assert sigs[0]["total"] is True

    report = verify_pdf(signed, trust_roots=[(test_pki.directory / "root.pem").read_bytes()])
    assert report["verdict"] == "valid" and report["has_personal"]

    pdftotext = tools.require_tool("pdftotext")
    text = subprocess.run(
        [pdftotext, "-f", "1", "-l", "1", "-layout", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "Mã xác thực: K7QM-3XPD" in text
    assert "Kiểm tra tại: vanthu.nghean.gov.vn/xac-thuc" in text


def test_qr_area_is_drawn_on_page_one(stamped_and_signed, sample):
    _, signed, _ = stamped_and_signed
    page = tools.rasterise(signed, 1, "qr-page1")
    area = (qr.QR_LEFT, qr.QR_BOTTOM, qr.QR_LEFT + qr.QR_SIZE, qr.QR_BOTTOM + qr.QR_SIZE)
    ink = tools.count_pixels(page, area, "ink")
    total = qr.QR_SIZE * qr.QR_SIZE
    # A QR symbol is roughly half dark modules; the quiet zone keeps it under that.
    assert 0.25 * total < ink < 0.7 * total
    # The same spot of the unstamped page is blank margin.
    before = tools.rasterise(sample.pdf, 1, "qr-page1-before")
    assert tools.count_pixels(before, area, "ink") == 0


def _render_qr_region(pdf: bytes, name: str) -> tuple[Image.Image, int, int, float]:
    """Page 1 at 600 dpi, cropped around the stamp (kept under test-artifacts/): the image,
    the crop's pixel offsets and the page height in points."""
    tool = tools.require_tool("pdftoppm")
    source = tools.ARTIFACTS / f"{name}.pdf"
    source.write_bytes(pdf)
    top_pt = qr.QR_BOTTOM + qr.QR_SIZE + 2
    page_h = tools.page_box(0, 0, 0, 0)[3]  # A4 height in points
    x0, y0 = int(qr.QR_LEFT * SCALE) - 20, int((page_h - top_pt) * SCALE)
    size = int((qr.QR_SIZE + 4) * SCALE)
    prefix = tools.ARTIFACTS / f"{name}-qr"
    subprocess.run(
        [tool, "-r", str(RENDER_DPI), "-gray", "-png", "-f", "1", "-l", "1", "-singlefile",
         "-x", str(x0), "-y", str(y0), "-W", str(size), "-H", str(size), str(source), str(prefix)],
        check=True,
        timeout=60,
    )  # fmt: skip
    return Image.open(prefix.with_suffix(".png")).convert("L"), x0, y0, page_h


def test_drawn_modules_are_the_qr_code_of_the_verification_url(stamped_and_signed):
    _, signed, url = stamped_and_signed
    img, x0, y0, page_h = _render_qr_region(signed, "qr-decode")
    left, bottom, module, count = qr.qr_geometry(url)
    expected = [[bool(v) for v in row] for row in segno.make_qr(url, error="m").matrix]
    assert len(expected) == count

    seen = []
    for r in range(count):
        row = []
        centre_y = bottom + (count - 1 - r + 0.5) * module
        for c in range(count):
            centre_x = left + (c + 0.5) * module
            px = round(centre_x * SCALE) - x0
            py = round((page_h - centre_y) * SCALE) - y0
            samples = [img.getpixel((px + dx, py + dy)) for dx in (-2, 0, 2) for dy in (-2, 0, 2)]
            row.append(sum(samples) / len(samples) < 128)
        seen.append(row)
    assert seen == expected
    # The comparison discriminates: another code gives another symbol of the same size.
    other = segno.make_qr(url.replace("K7QM-3XPD", "K7QM-3XPE"), error="m").matrix
    assert [[bool(v) for v in row] for row in other] != seen


def test_it_refuses_an_already_signed_pdf(personally_signed, sample):
    assert qr.has_signature(personally_signed) and not qr.has_signature(sample.pdf)
    with pytest.raises(DocumentStateError, match="đã được ký số"):
        qr.stamp_verification(personally_signed, code=CODE, url="http://127.0.0.1:8000/")


def test_it_refuses_a_bad_code_and_a_non_pdf(sample):
    with pytest.raises(DocumentStateError, match="không hợp lệ"):
        qr.stamp_verification(sample.pdf, code="XYZ", url="http://127.0.0.1:8000/")
    with pytest.raises(DocumentStateError, match="không phải PDF"):
        qr.stamp_verification(b"GIF89a not a pdf", code=CODE, url="http://127.0.0.1:8000/")


def test_the_agency_seal_still_applies_after_the_stamp(
    stamped_and_signed, images, agency_signer, test_pki
):
    _, signed, _ = stamped_and_signed
    issued = pades.fill_number_and_sign_agency(
        signed,
        agency_signer,
        number_text="05/QĐ-UBND",
        date_text="Thử nghiệm, ngày 05 tháng 3 năm 2026",
        seal_png=images["seal"],
    )
    report = verify_pdf(issued, trust_roots=[(test_pki.directory / "root.pem").read_bytes()])
    assert report["verdict"] == "valid"
    assert report["has_personal"] and report["has_agency"]
