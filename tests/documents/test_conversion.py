"""A .docx draft is rendered to PDF with LibreOffice when it is submitted (the reviewers and
the signer read a PDF), and that PDF is what gets issued and delivered."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from tests import files
from tests.documents.helpers import advance, make_draft
from vanthu.documents import actions
from vanthu.documents.convert import ConversionFailed
from vanthu.documents.files import DOCX, PDF, current_main, read_bytes
from vanthu.documents.models import Document, FileVersion, Status


def test_it_renders_a_docx_to_pdf_and_issues_the_pdf(world):
    doc = make_draft(
        world,
        recipients=[world.stc],
        file_name="Tờ trình.docx",
        file_content=files.docx("Tờ trình về việc phê duyệt đề án"),
    )
    source = doc.files.get()

    actions.submit_draft(world.specialist_ubnd, doc)

    rendition = doc.files.get(kind=FileVersion.Kind.RENDITION)
    assert rendition.derived_from == source
    assert (rendition.mime_type, rendition.original_name) == (PDF, "Tờ trình.pdf")
    pdf = read_bytes(rendition.storage_name)
    assert pdf.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "phê duyệt đề án" in text
    assert rendition.page_count == 1
    # The draft itself is untouched: a rendition is a new version, never an overwrite.
    assert hashlib.sha256(read_bytes(source.storage_name)).hexdigest() == source.sha256
    assert source.mime_type == DOCX

    doc = advance(world, doc, Status.ISSUED)

    # The approved rendition is promoted to main version 2, then stamped with the QR code
    # as version 3 (issued without a personal signature).
    issued = current_main(doc)
    assert (issued.kind, issued.version, issued.mime_type) == ("main", 3, PDF)
    promoted = issued.derived_from
    assert (promoted.version, promoted.derived_from) == (2, rendition)
    assert promoted.sha256 == rendition.sha256
    assert doc.page_amount == 1
    copy = Document.objects.get(direction="incoming")
    assert [f.mime_type for f in copy.files.all()] == [PDF]


def test_it_keeps_the_draft_when_libreoffice_is_missing(world, settings):
    settings.VANTHU_SOFFICE = "/nonexistent/bin/soffice"
    doc = make_draft(world, file_name="du-thao.docx", file_content=files.docx())

    with pytest.raises(ConversionFailed) as caught:
        actions.submit_draft(world.specialist_ubnd, doc)

    assert caught.value.message == (
        "Máy chủ chưa cài LibreOffice nên không chuyển được tệp Word sang PDF."
    )
    doc.refresh_from_db()
    assert doc.status == Status.DRAFT
    assert [f.mime_type for f in doc.files.all()] == [DOCX]


def test_it_keeps_the_draft_when_libreoffice_cannot_run(world, settings, tmp_path):
    not_executable = tmp_path / "soffice"
    not_executable.write_text("#!/bin/sh\nexit 0\n")  # no execute bit: PermissionError
    settings.VANTHU_SOFFICE = str(not_executable)
    doc = make_draft(world, file_name="du-thao.docx", file_content=files.docx())

    with pytest.raises(ConversionFailed) as caught:
        actions.submit_draft(world.specialist_ubnd, doc)

    assert "LibreOffice" in caught.value.message
    assert Document.objects.get(pk=doc.pk).status == Status.DRAFT


def test_it_reports_a_conversion_that_produces_nothing(world, settings, tmp_path):
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    settings.VANTHU_SOFFICE = str(fake)
    doc = make_draft(world, file_name="du-thao.docx", file_content=files.docx())

    with pytest.raises(ConversionFailed) as caught:
        actions.submit_draft(world.specialist_ubnd, doc)

    assert caught.value.message.startswith("Không chuyển được tệp sang PDF")
    assert Document.objects.get(pk=doc.pk).status == Status.DRAFT
    assert not doc.files.filter(kind=FileVersion.Kind.RENDITION).exists()


def test_it_does_not_convert_a_pdf_draft(world, settings):
    settings.VANTHU_SOFFICE = "/nonexistent/bin/soffice"
    doc = make_draft(world)
    actions.submit_draft(world.specialist_ubnd, doc)
    assert doc.status == Status.CONTENT_REVIEW
    assert not doc.files.filter(kind=FileVersion.Kind.RENDITION).exists()
