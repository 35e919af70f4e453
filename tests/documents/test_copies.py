"""Electronic copies (sao y, trích sao, sao lục — Decree 30/2020 Art. 25–27): who may copy
what, the copy series, page extraction, and the copying agency's signature checked by
pyHanko, Poppler's pdfsig and pdftotext."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from tests.documents.helpers import advance, counts, make_draft, register
from tests.signing import tools
from tests.signing_flow import conftest as signing_flow
from vanthu.audit.models import AuditEvent
from vanthu.documents.actions.copies import make_electronic_copy, parse_pages
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import CopyForm, Document, NumberCounter, Status
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.signing.errors import SignerConfigError
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.verify import verify_pdf

ISO_VN = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00")
AGENCY = "Ủy ban nhân dân tỉnh Nghệ An"
SEAL_ENV = signing_flow.SEAL_ENV

# The PKCS#12 credentials of UBND tỉnh's chairman and of UBND tỉnh itself (DemoPki).
flow_pki = signing_flow.flow_pki
trusted = signing_flow.trusted
personal_credential = signing_flow.personal_credential
agency_credential = signing_flow.agency_credential


def three_pages() -> bytes:
    from weasyprint import HTML

    body = "".join(
        f"<p style='page-break-after: always'>Nội dung trang {word}</p>"
        for word in ("thứ nhất", "thứ hai", "thứ ba")
    )
    return HTML(
        string=f"<html><body style='font-family: Noto Serif'>{body}</body></html>"
    ).write_pdf()


def _signed_issued(world, **kwargs) -> Document:
    doc = advance(world, make_draft(world, **kwargs), Status.AWAITING_SIGNATURE)
    from vanthu.documents import actions

    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    return actions.issue_document(world.clerk_ubnd, doc)


def _text(pdf: bytes, page: int | None = None) -> str:
    tool = tools.require_tool("pdftotext")
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        [tool, *pages, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()


def _copy_counter(world) -> int | None:
    counter = NumberCounter.objects.filter(agency=world.ubnd, series="copy").first()
    return counter.last_value if counter else None


@pytest.fixture
def issued(world, trusted, personal_credential, agency_credential):
    return _signed_issued(world, file_content=three_pages())


def test_it_numbers_copies_in_their_own_series(world, issued):
    first = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)
    second = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)

    assert (first.number_text, second.number_text) == ("01", "02")
    assert first.series == second.series == "copy"
    assert first.reference == "01/BSY-UBND" and first.year == first.issued_on.year
    assert first.status == Status.ISSUED and first.direction == "outgoing"
    assert first.copy_of == issued and first.copy_form == CopyForm.FULL and first.copy_pages == ""
    assert first.subject == issued.subject and first.doc_type.code == "BSY"
    assert first.page_amount == 3
    # The outgoing series only ever saw the original.
    outgoing = NumberCounter.objects.get(agency=world.ubnd, series="outgoing")
    assert outgoing.last_value == issued.number == 1


def test_it_signs_the_copy_with_the_agency_text_at_the_top(world, issued, trusted):
    copy = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)
    stored = current_main(copy)
    assert stored.derived_from == current_main(issued) and stored.version == 1
    content = read_bytes(stored.storage_name)

    path = tools.ARTIFACTS / "copy-sao-y.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    # Only the copying agency's signature: the original's are painted, not carried along.
    [sig] = tools.pdfsig(path)
    assert sig["Signature Validation"] == "Signature is Valid." and sig["total"] is True
    report = verify_pdf(content, trust_roots=[trusted.root_pem.read_bytes()])
    assert report["verdict"] == "valid" and report["has_agency"]

    top = "\n".join(_text(content, 1).splitlines()[:4])
    assert "SAO Y" in top and AGENCY in top and ISO_VN.search(top)
    # The original's number, filled into its form field, is still visible on the copy.
    assert issued.reference in _text(content)
    assert len(PdfReader(io.BytesIO(content)).pages) == 3
    # So are the chairman's signature and the seal, painted on the last page.
    page = tools.rasterise(content, 3, "copy-sao-y")
    assert tools.count_pixels(page, (295, 181, 397, 284), "red") > 200
    assert tools.count_pixels(page, (330, 190, 530, 275), "blue") > 200


def test_it_records_the_copy_on_both_documents(world, issued):
    copy = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)
    on_copy = list(
        AuditEvent.objects.filter(object_id=str(copy.public_id)).values_list("action", flat=True)
    )
    assert on_copy == ["document.copied", "document.signed_agency"]
    on_original = AuditEvent.objects.filter(
        object_id=str(issued.public_id), action="document.copied"
    ).get()
    assert on_original.after["reference"] == "01/BSY-UBND"
    assert on_original.actor == world.clerk_ubnd


def test_trich_sao_keeps_only_the_listed_pages(world, issued):
    copy = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.EXTRACT, pages=" 2 ")
    content = read_bytes(current_main(copy).storage_name)
    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    text = _text(content)
    assert "trang thứ hai" in text and "thứ nhất" not in text and "thứ ba" not in text
    assert "TRÍCH SAO" in "\n".join(text.splitlines()[:4])
    assert copy.reference == "01/BTS-UBND" and copy.copy_pages == "2" and copy.page_amount == 1


@pytest.mark.parametrize(
    ("pages", "message"),
    [
        ("", "Hãy nhập các trang"),
        ("0", "không hợp lệ"),
        ("4", "chỉ có 3 trang"),
        ("2-5", "chỉ có 3 trang"),
        ("3-2", "không hợp lệ"),
        ("một", "không phải trang"),
        ("1,,2", "không phải trang"),
        ("1-2-3", "không phải trang"),
    ],
)
def test_it_refuses_bad_page_ranges(world, issued, pages, message):
    before = counts()
    with pytest.raises(ValidationFailed) as exc:
        make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.EXTRACT, pages=pages)
    assert message in exc.value.errors["pages"]
    assert counts() == before and _copy_counter(world) is None


def test_page_ranges_are_normalised():
    assert parse_pages("5, 1-2, 2,3", 5) == ([0, 1, 2, 4], "1-3,5")


def test_sao_y_takes_no_pages(world, issued):
    with pytest.raises(ValidationFailed, match="Chỉ trích sao"):
        make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL, pages="1")


def test_sao_luc_is_made_from_a_sao_y_only(world, issued):
    with pytest.raises(ValidationFailed, match="Sao lục chỉ thực hiện từ bản sao y"):
        make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.TRANSCRIPT)
    sao_y = make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)
    with pytest.raises(ValidationFailed, match="Văn bản này là bản sao"):
        make_electronic_copy(world.clerk_ubnd, sao_y, form=CopyForm.FULL)

    sao_luc = make_electronic_copy(world.clerk_ubnd, sao_y, form=CopyForm.TRANSCRIPT)
    # One series for every kind of copy (Appendix I Part II): sao y 01, sao lục 02.
    assert sao_luc.reference == "02/BSL-UBND" and sao_luc.copy_of == sao_y
    content = read_bytes(current_main(sao_luc).storage_name)
    assert "SAO LỤC" in "\n".join(_text(content, 1).splitlines()[:4])


def test_it_copies_a_registered_incoming_document(world, agency_credential):
    incoming = register(world, file_content=three_pages())
    copy = make_electronic_copy(world.clerk_ubnd, incoming, form=CopyForm.FULL)
    assert copy.reference == "01/BSY-UBND" and copy.agency == world.ubnd
    assert copy.copy_of == incoming and copy.subject == incoming.subject


def test_it_delivers_the_copy_to_recipient_agencies(world, issued, trusted):
    copy = make_electronic_copy(
        world.clerk_ubnd, issued, form=CopyForm.FULL, recipients=[world.stc], recipients_text="STC"
    )
    arrived = copy.deliveries.get().incoming_document
    assert arrived.agency == world.stc and arrived.doc_type.code == "BSY"
    assert arrived.notation == "BSY-UBND" and arrived.recipients_text == "STC"
    assert current_main(arrived).signature_checks.get().verdict == "valid"


def test_it_refuses_a_secret_original(world, agency_credential):
    secret = register(world, secrecy="confidential")
    before = counts()
    with pytest.raises(ValidationFailed, match="Văn bản mật không được sao"):
        make_electronic_copy(world.clerk_ubnd, secret, form=CopyForm.FULL)
    assert counts() == before


def test_it_refuses_a_document_not_yet_registered(world, agency_credential):
    draft = make_draft(world)
    with pytest.raises(InvalidTransition, match="đã phát hành hoặc văn bản đến đã vào sổ"):
        make_electronic_copy(world.clerk_ubnd, draft, form=CopyForm.FULL)


@pytest.mark.parametrize("persona", ["specialist_ubnd", "leader_ubnd", "clerk_stc", "outsider"])
def test_only_the_holding_agency_clerk_may_copy(world, issued, persona):
    before = counts()
    with pytest.raises(PermissionDenied):
        make_electronic_copy(getattr(world, persona), issued, form=CopyForm.FULL)
    assert counts() == before


def test_it_refuses_without_an_agency_seal_and_takes_no_number(world):
    unsigned = advance(world, make_draft(world), Status.ISSUED)
    before = counts()
    with pytest.raises(SignerConfigError, match="Cơ quan chưa có chữ ký số để ký bản sao điện tử"):
        make_electronic_copy(world.clerk_ubnd, unsigned, form=CopyForm.FULL)
    assert counts() == before and _copy_counter(world) is None
    assert not AuditEvent.objects.filter(action="document.copied").exists()


def test_a_seal_that_cannot_be_opened_saves_nothing(world, issued, monkeypatch):
    monkeypatch.delenv(SEAL_ENV)
    before = counts()
    with pytest.raises(SignerConfigError, match=SEAL_ENV):
        make_electronic_copy(world.clerk_ubnd, issued, form=CopyForm.FULL)
    assert counts() == before and _copy_counter(world) is None
