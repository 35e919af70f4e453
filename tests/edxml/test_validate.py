"""validate(): one finding per problem, errors for what breaks exchange, warnings otherwise."""

from __future__ import annotations

import pytest
from lxml import etree

from vanthu.edxml import Attachment, Business, Organization, build_edoc, build_status
from vanthu.edxml.constants import NS
from vanthu.edxml.validate import Finding, get_schema, validate

from .factories import make_edoc, make_status

E = f"{{{NS}}}"


def errors(data: bytes) -> list[Finding]:
    return [f for f in validate(data) if f.level == "error"]


def set_text(data: bytes, path: str, value: str) -> bytes:
    root = etree.fromstring(data)
    root.find(path.replace("e:", E)).text = value
    return etree.tostring(root)


def test_schema_is_xsd_11_and_loads():
    assert get_schema().XSD_VERSION == "1.1"


@pytest.mark.parametrize(
    "organ_id", ["28.22.H17", "000.00.00.Z41", "000.00.00.h41", "000.0.00.H41"]
)
def test_recipient_organ_id_must_be_qcvn_102(organ_id):
    data = build_edoc(make_edoc(to=[Organization(organ_id=organ_id)]))
    [finding] = errors(data)
    assert finding.path.endswith("/To/OrganId")
    assert "NNN.NN.NN.XNN" in finding.message


def test_sender_organ_id_missing():
    data = build_edoc(make_edoc(from_=Organization(organ_id=None, name="Sở")))
    [finding] = errors(data)
    assert finding.path.endswith("/From/OrganId")


def test_unknown_status_code():
    [finding] = errors(build_status(make_status(status_code="14")))
    assert "unknown status code '14'" in finding.message
    assert "typo for 15" in finding.message


def test_status_without_timestamp_or_document():
    data = build_status(make_status(timestamp=None))
    assert any("Timestamp is missing" in f.message for f in errors(data))
    root = etree.fromstring(data)
    header = root.find(f".//{E}MessageHeader")
    header.remove(header.find(f"{E}ResponseFor"))
    assert any("must name its document" in f.message for f in errors(etree.tostring(root)))


def test_business_type_out_of_range():
    data = build_edoc(make_edoc(business=Business(business_doc_type=7)))
    [finding] = errors(data)
    assert finding.path.endswith("/Bussiness/BussinessDocType")


def test_revocation_without_target_is_a_warning():
    data = build_edoc(make_edoc(business=Business(business_doc_type=1)))
    assert errors(data) == []
    assert any("revocation" in f.message for f in validate(data))


def test_schema_errors_are_reported_with_a_path():
    data = set_text(build_edoc(make_edoc()), ".//e:OtherInfo/e:Priority", "cao")
    [finding] = errors(data)
    assert finding.path.endswith("/OtherInfo/Priority")
    assert finding.message.startswith("schema:")


def test_unknown_element_is_a_schema_error():
    root = etree.fromstring(build_status(make_status()))
    etree.SubElement(root.find(f".//{E}MessageHeader"), f"{E}Urgency").text = "1"
    [finding] = errors(etree.tostring(root))
    assert "Urgency" in finding.message


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        (".//e:Subject", "Subject"),
        (".//e:Code/e:CodeNumber", "CodeNumber"),
        (".//e:PromulgationInfo/e:PromulgationDate", "PromulgationDate"),
        (".//e:DocumentType/e:TypeName", "TypeName"),
    ],
)
def test_empty_mandatory_values_are_errors(path, fragment):
    [finding] = errors(set_text(build_edoc(make_edoc()), path, ""))
    assert fragment in finding.path


def test_undecodable_and_empty_attachments():
    garbage = set_text(build_edoc(make_edoc()), ".//e:ContentTransferEncoded", "${file}")
    [finding] = errors(garbage)
    assert "not valid Base64" in finding.message
    empty = build_edoc(make_edoc(attachments=[Attachment(name="a.pdf", data=b"")]))
    assert [f.message for f in validate(empty)] == ["attachment 'a.pdf' is empty"]


def test_finding_str_starts_with_the_level():
    finding = Finding("warning", "/edXML", "x")
    assert str(finding) == "warning /edXML: x"


@pytest.mark.parametrize(
    ("tag", "fragment"),
    [
        ("To", "at least one recipient"),
        ("Code", "Code (số, ký hiệu) is missing"),
        ("From", "Tag 'edXML:From' expected"),
        ("MessageHeader", "Tag 'edXML:MessageHeader' expected"),
    ],
)
def test_missing_mandatory_part_is_one_error(tag, fragment):
    root = etree.fromstring(build_edoc(make_edoc()))
    for element in list(root.iter(f"{E}{tag}")):
        element.getparent().remove(element)
    [finding] = errors(etree.tostring(root))
    assert fragment in finding.message
