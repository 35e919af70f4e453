"""Hostile or broken input is refused with one clear line, and never reaches the file system."""

from __future__ import annotations

import time

import pytest
from lxml import etree

from vanthu.edxml import EdxmlError, build_edoc, build_status, parse, xmlio
from vanthu.edxml.parse import parse_file
from vanthu.edxml.validate import validate

from .factories import make_edoc, make_status, zip_single

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLEnvelope
 xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXML:edXMLHeader><edXML:MessageHeader>
<edXML:From><edXML:OrganId>000.00.00.H41</edXML:OrganId></edXML:From>
<edXML:StatusCode>01</edXML:StatusCode><edXML:Description>&secret;</edXML:Description>
</edXML:MessageHeader></edXML:edXMLHeader></edXML:edXMLEnvelope></edXML>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
 <!ENTITY a "hahahahahahahahahahaha">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&i;</edXML>"""

EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!-- x -->\n'
    b'<!DOCTYPE edXML SYSTEM "http://dtd.example.invalid/edxml.dtd">\n'
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>'
)

PARAMETER_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
    b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>'
)


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(EdxmlError) as caught:
        parse(data, **kwargs)
    reason = str(caught.value)
    assert "\n" not in reason
    assert "root:" not in reason  # nothing from /etc/passwd leaks into the message
    return reason


@pytest.fixture
def libxml2_must_not_run(monkeypatch):
    def explode(*args, **kwargs):
        raise AssertionError("the DOCTYPE reached libxml2")

    monkeypatch.setattr(xmlio.etree, "fromstring", explode)


@pytest.mark.usefixtures("libxml2_must_not_run")
@pytest.mark.parametrize("data", [XXE, LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY])
def test_doctype_is_refused_before_parsing(data):
    assert "DOCTYPE" in refusal(data)


@pytest.mark.usefixtures("libxml2_must_not_run")
def test_doctype_in_utf16_is_refused_before_parsing():
    data = XXE.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    assert "DOCTYPE" in refusal(data)


def test_the_parser_itself_never_expands_entities(tmp_path):
    # Defence in depth: even if the DOCTYPE check were bypassed, libxml2 is configured not to
    # read external entities.
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    data = XXE.replace(b"file:///etc/passwd", secret.as_uri().encode())
    root = etree.fromstring(data, xmlio.make_parser())
    assert b"TOP-SECRET-MARKER" not in etree.tostring(root)


def test_billion_laughs_is_refused_quickly():
    started = time.perf_counter()
    refusal(LAUGHS)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'<edXML xmlns="http://www.e-doc.vn/Schema/"/>', "wrong namespace: http://www.e-doc.vn/Schema/ (BKAV"),
        (b"<edXML/>", "wrong namespace: no namespace"),
        (b'<edoc xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>', "root element is <edoc>"),
    ],
)  # fmt: skip
def test_wrong_namespace_or_root(data, expected):
    assert expected in refusal(data)


@pytest.mark.parametrize(
    "data",
    [
        build_edoc(make_edoc())[:-40],  # truncated
        b"<edXML><a></edXML>",
        b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&undefined;</edXML>',
        b"not xml at all",
        b"<a>" * 5000 + b"</a>" * 5000,
    ],
)
def test_malformed_xml(data):
    assert refusal(data).startswith("malformed XML")


@pytest.mark.parametrize("data", [b"", b"   \n"])
def test_empty_input(data):
    assert refusal(data) == "input is empty"


def test_str_is_refused():
    with pytest.raises(EdxmlError, match="bytes"):
        parse(build_status(make_status()).decode())  # type: ignore[arg-type]


def test_oversized_input_is_refused_before_parsing(libxml2_must_not_run):
    data = build_status(make_status())
    assert "over the limit of 1000 bytes" in refusal(data, max_size=1000)
    with pytest.raises(EdxmlError, match="over the limit"):
        validate(data, max_size=1000)


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.edxml"
    with big.open("wb") as handle:
        handle.truncate(101 * 1024 * 1024)  # sparse: nothing is written, nothing is read
    with pytest.raises(EdxmlError, match="over the limit of 104857600 bytes"):
        parse_file(big)


def test_zip_bomb_stops_at_the_size_limit():
    bomb = zip_single("a.pdf", b"\x00" * (5 * 1024 * 1024))  # ~5 KB compressed
    edoc = make_edoc()
    edoc.attachments[0].data = bomb
    [attachment] = parse(build_edoc(edoc), max_size=1024 * 1024).attachments
    with pytest.raises(EdxmlError, match="over the limit"):
        attachment.read()


@pytest.mark.parametrize(
    ("remove", "expected"),
    [
        (b"<edXML:MessageHeader>", "edXMLHeader/MessageHeader"),
        (b"<edXML:From>", "MessageHeader/From"),
        (b"<edXML:To>", "MessageHeader/To"),
        (b"<edXML:Code>", "MessageHeader/Code"),
    ],
)
def test_missing_mandatory_parts(remove, expected):
    root = etree.fromstring(build_edoc(make_edoc()))
    tag = remove.decode().strip("<>").replace("edXML:", f"{{{xmlio.NS}}}")
    for element in list(root.iter(tag)):
        element.getparent().remove(element)
    assert refusal(etree.tostring(root)) == f"missing mandatory part: {expected}"
