"""Files are immutable, content-addressed versions (STYLE rule 6): stored once per content,
named by their SHA-256, typed from their bytes."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest

from tests import files
from tests.documents.helpers import make_draft, register, stored_files
from vanthu.documents import actions
from vanthu.documents.files import (
    ANY_TYPES,
    DOCX,
    ODT,
    PDF,
    PNG,
    check_upload,
    read_bytes,
    sniff_mime,
    storage_name_for,
    verify_stored,
)
from vanthu.documents.models import FileVersion
from vanthu.errors import ValidationFailed


def test_it_stores_identical_content_once(world):
    pdf = files.pdf(["Cùng một nội dung"])
    first = make_draft(world, file_content=pdf).files.get()
    second = register(world, file_content=pdf).files.get()
    digest = hashlib.sha256(pdf).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert first.storage_name == second.storage_name == storage_name_for(digest)
    assert first.size == len(pdf)
    assert len(stored_files()) == 1
    assert read_bytes(first.storage_name) == pdf
    assert verify_stored(first.storage_name, digest) is None


def test_a_new_version_keeps_the_old_one(world):
    doc = make_draft(world)
    old = doc.files.get()
    new = actions.replace_draft_file(
        world.specialist_ubnd, doc, "du-thao-v2.pdf", files.pdf(["Lần hai"])
    )
    assert [v.version for v in doc.files.order_by("version")] == [1, 2]
    assert read_bytes(old.storage_name) != read_bytes(new.storage_name)
    assert len(stored_files()) == 2


def test_it_detects_tampering_with_stored_bytes(world):
    version = make_draft(world).files.get()
    (path,) = stored_files()
    path.write_bytes(b"%PDF-1.4 altered")
    assert verify_stored(version.storage_name, version.sha256) == "checksum mismatch"
    path.unlink()
    assert verify_stored(version.storage_name, version.sha256) == "missing"


@pytest.mark.parametrize(
    "name,content,mime",
    [
        ("du-thao.docx", files.docx(), DOCX),
        ("DU THAO.DOCX", files.docx("Tờ trình"), DOCX),
        ("scan.png", files.PNG_1PX, PNG),
        ("van-ban.pdf", None, PDF),
    ],
)
def test_it_types_a_file_from_its_content(name, content, mime):
    content = files.pdf() if content is None else content
    checked = check_upload(name, content, allowed=ANY_TYPES)
    assert checked.mime_type == mime
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.page_count == (1 if mime == PDF else None)


def test_it_records_the_sniffed_type_not_the_name(world):
    doc = make_draft(world, file_name="Du thao.docx", file_content=files.docx())
    assert doc.files.get().mime_type == DOCX
    assert FileVersion.objects.get().original_name == "Du thao.docx"


def test_it_detects_odt_from_its_mimetype_entry():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", ODT)
        z.writestr("content.xml", "<office:document-content/>")
    assert sniff_mime(buf.getvalue()[:2048], buf.getvalue()) == ODT


def test_it_does_not_take_any_zip_for_a_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.exe", b"MZ")
    with pytest.raises(ValidationFailed) as caught:
        check_upload("du-thao.docx", buf.getvalue(), allowed=ANY_TYPES)
    assert "Không nhận dạng được định dạng" in caught.value.errors["file"]


def test_it_refuses_a_damaged_archive_instead_of_crashing():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", ODT)
        z.writestr("content.xml", "<office:document-content/>")
    damaged = bytearray(buf.getvalue())
    start = damaged.index(b"mimetype") + len(b"mimetype")
    damaged[start : start + 6] = b"\xff" * 6  # the deflated bytes: zlib.error when read
    with pytest.raises(ValidationFailed) as caught:
        check_upload("van-ban.odt", bytes(damaged), allowed=ANY_TYPES)
    assert "Không nhận dạng được định dạng" in caught.value.errors["file"]


def test_it_keeps_only_the_file_name_of_a_path():
    checked = check_upload("C:\\Users\\vanthu\\..\\du-thao.pdf", files.pdf(), allowed=ANY_TYPES)
    assert checked.name == "du-thao.pdf"
