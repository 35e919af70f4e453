"""What real senders produce (STANDARDS §1.9) is read, and validate says what was tolerated."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zipfile

import pytest
from lxml import etree

from vanthu.edxml import Attachment, EdxmlError, build_edoc, build_status, parse
from vanthu.edxml.constants import NS
from vanthu.edxml.validate import validate

from .factories import PDF_BYTES, make_edoc, make_status, zip_single

E = f"{{{NS}}}"


def edit(data: bytes, change) -> bytes:
    root = etree.fromstring(data)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def levels(data: bytes) -> list[tuple[str, str]]:
    return [(f.level, f.message) for f in validate(data)]


def test_junk_before_the_declaration_is_skipped():
    data = build_edoc(make_edoc())
    assert parse(b"1212" + data) == parse(data)
    assert levels(b"1212" + data) == [("warning", "4 byte(s) before the XML declaration ignored")]


def test_utf8_bom_is_not_junk():
    data = b"\xef\xbb\xbf" + build_status(make_status())
    assert parse(data) == make_status()
    assert validate(data) == []


def test_crlf_line_ends_are_fine():
    data = build_edoc(make_edoc())
    assert parse(data.replace(b"\n", b"\r\n")) == make_edoc()


def test_children_in_any_order():
    data = build_edoc(make_edoc())

    def shuffle(root):
        # Reverse the order of element names; repeated ones (To) keep their relative order.
        for element in root.iter(f"{E}MessageHeader", f"{E}TraceHeaderList", f"{E}From"):
            names = list(dict.fromkeys(child.tag for child in element))
            element[:] = sorted(element, key=lambda child: -names.index(child.tag))

    reordered = edit(data, shuffle)
    assert reordered != data
    assert parse(reordered) == make_edoc()
    assert [f for f in validate(reordered) if f.level == "error"] == []


def test_empty_response_for_is_ignored():
    def add_empty(root):
        header = root.find(f".//{E}MessageHeader")
        etree.SubElement(header, f"{E}ResponseFor")

    data = edit(build_edoc(make_edoc()), add_empty)
    assert parse(data).response_for == []
    assert ("warning", "ResponseFor is empty") in levels(data)


def test_organ_id_null_reads_as_none_and_is_an_error():
    def nullify(root):
        root.find(f".//{E}From/{E}OrganId").text = "null"

    data = edit(build_edoc(make_edoc()), nullify)
    assert parse(data).from_.organ_id is None
    assert ("error", "OrganId is 'null'") in levels(data)


def test_missing_organization_names_are_tolerated():
    def strip_names(root):
        for name in ("OrganName", "OrganizationInCharge"):
            for element in root.iter(f"{E}{name}"):
                element.getparent().remove(element)

    edoc = parse(edit(build_edoc(make_edoc()), strip_names))
    assert edoc.from_.name is None
    assert edoc.from_.in_charge is None


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("2026/03/09", None),
        ("2026/3/9", None),
        ("2026-03-09", "warning"),
        ("09/03/2026", "warning"),
    ],
)
def test_date_forms(written, level):
    def set_date(root):
        root.find(f".//{E}PromulgationInfo/{E}PromulgationDate").text = written

    data = edit(build_edoc(make_edoc()), set_date)
    assert parse(data).promulgation_info.date == dt.date(2026, 3, 9)
    found = [f.level for f in validate(data) if "PromulgationDate" in f.path]
    assert found == ([level] if level else [])


def test_unreadable_date_is_an_error_not_a_crash():
    def set_date(root):
        root.find(f".//{E}DueDate").text = "cuối tháng"

    data = edit(build_edoc(make_edoc()), set_date)
    assert parse(data).due_date is None
    assert any(f.level == "error" and "DueDate" in f.path for f in validate(data))


def test_iso_timestamp_with_offset():
    def set_time(root):
        root.find(f".//{E}Timestamp").text = "2026-03-09T07:02:00Z"

    status = parse(edit(build_status(make_status()), set_time))
    assert status.timestamp == dt.datetime(
        2026, 3, 9, 14, 2, tzinfo=dt.timezone(dt.timedelta(hours=7))
    )


def _with_payload(payload: bytes, name: str = "văn bản.pdf") -> bytes:
    edoc = make_edoc(attachments=[Attachment(name=name, content_type="application/pdf", data=b"")])
    return build_edoc(edoc).replace(
        b"></edXML:ContentTransferEncoded>",
        b">" + base64.b64encode(payload) + b"</edXML:ContentTransferEncoded>",
    )


def test_zip_wrapped_and_raw_base64_give_the_same_file():
    raw = parse(_with_payload(PDF_BYTES)).attachments[0]
    wrapped = parse(_with_payload(zip_single("3f2a.pdf", PDF_BYTES))).attachments[0]
    assert raw.read() == wrapped.read() == PDF_BYTES
    assert raw.name == wrapped.name == "văn bản.pdf"


def test_multi_entry_archives_and_zip_files_are_left_alone():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    docx = buffer.getvalue()
    assert parse(_with_payload(docx, "tờ trình.docx")).attachments[0].read() == docx
    wrapped = zip_single("bảng.xlsx", b"cells")
    assert parse(_with_payload(wrapped, "hồ sơ.zip")).attachments[0].read() == wrapped


def test_damaged_zip_wrapper_is_reported():
    archive = bytearray(zip_single("a.pdf", PDF_BYTES * 50))
    archive[40:60] = b"\x00" * 20  # inside the compressed data; the directory stays intact
    data = _with_payload(bytes(archive))
    [attachment] = parse(data).attachments
    with pytest.raises(EdxmlError, match="damaged ZIP|Bad CRC|Error"):
        attachment.read()
    assert any(f.level == "error" and "Attachment[1]" in f.path for f in validate(data))


def test_base64_with_line_breaks_and_missing_padding():
    encoded = base64.b64encode(b"abcd\x00\x01").decode().rstrip("=")
    wrapped = "\n".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))
    data = _with_payload(b"").replace(
        b"></edXML:ContentTransferEncoded>", f">{wrapped}</edXML:ContentTransferEncoded>".encode()
    )
    assert parse(data).attachments[0].read() == b"abcd\x00\x01"


def test_cid_forms_are_matched():
    def vary(root):
        root.find(f".//{E}Attachment/{E}ContentId").text = "<7C6F0E54-3b0a>"
        root.find(f".//{E}Reference/{E}ContentId").text = "cid:7C6F0E54-3b0a"
        root.find(f".//{E}Attachment").remove(root.find(f".//{E}Attachment/{E}Description"))

    [attachment] = parse(edit(build_edoc(make_edoc()), vary)).attachments
    assert attachment.content_id == "7C6F0E54-3b0a"
    assert attachment.description == "Văn bản ký số"  # taken from the manifest Reference


def test_attachment_elements_without_namespace():
    data = build_edoc(make_edoc()).replace(b"<AttachmentEncoded>", b'<AttachmentEncoded xmlns="">')
    [attachment] = parse(data).attachments
    assert attachment.read() == PDF_BYTES
    assert any("outside the edXML namespace" in f.message for f in validate(data))


def test_undeclared_edxml_prefix_outside_the_envelope():
    # The SDK's edoc.edxml writes edXML:AttachmentEncoded where the prefix is not in scope.
    data = build_edoc(make_edoc())
    data = data.replace(b"<AttachmentEncoded>", b"<edXML:AttachmentEncoded>")
    data = data.replace(b"</AttachmentEncoded>", b"</edXML:AttachmentEncoded>")
    [attachment] = parse(data).attachments
    assert attachment.read() == PDF_BYTES
    assert [f.level for f in validate(data)] == ["warning", "warning"]


def test_attachment_without_manifest_entry():
    def drop_manifest(root):
        manifest = root.find(f".//{E}edXMLManifest")
        manifest.remove(manifest.find(f"{E}Reference"))

    data = edit(build_edoc(make_edoc()), drop_manifest)
    assert parse(data).attachments[0].name == "125-UBND-VX.pdf"
    assert any("not in the manifest" in f.message for f in validate(data))


def test_payload_over_ten_megabytes_needs_and_gets_huge_tree():
    big = bytes(range(256)) * (11 * 4096)  # 11.5 MB, 15 MB of Base64 in one text node
    edoc = make_edoc(
        attachments=[Attachment(name="scan.pdf", content_type="application/pdf", data=big)]
    )
    [attachment] = parse(build_edoc(edoc)).attachments
    assert attachment.read() == big


def test_an_earlier_failure_does_not_poison_the_next_parse():
    # lxml keeps a thread-wide error log; a stale fatal error once made a later, recoverable
    # package look malformed.
    with pytest.raises(EdxmlError):
        parse(b"<edXML><broken>")
    data = build_edoc(make_edoc()).replace(b"<AttachmentEncoded>", b"<edXML:AttachmentEncoded>")
    data = data.replace(b"</AttachmentEncoded>", b"</edXML:AttachmentEncoded>")
    assert parse(data).attachments[0].read() == PDF_BYTES
