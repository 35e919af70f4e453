"""XML-DSig: sign, verify against a throwaway CA, detect tampering, report absence."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as methods
from signxml.signer import XMLSigner

from vanthu.edxml import Attachment, EdxmlError, build_edoc, build_status, parse
from vanthu.edxml.constants import DSIG_NS, NS
from vanthu.edxml.signature import sign, verify
from vanthu.edxml.validate import validate

from .factories import make_edoc, make_pki, make_status


@pytest.fixture(scope="module")
def pki():
    return make_pki()


@pytest.fixture(scope="module")
def signed(pki):
    return sign(build_edoc(make_edoc()), key_pem=pki.key_pem, cert_pem=pki.cert_pem)


def test_signed_package_verifies(pki, signed):
    report = verify(signed, ca_pem=pki.ca_pem)
    assert report.status == "valid", report.reason
    assert report.signer_subject == "CN=Văn thư UBND tỉnh Nghệ An"


def test_signature_sits_at_the_end_of_the_header(signed):
    root = etree.fromstring(signed)
    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    last = header[-1]
    assert last.tag == f"{{{DSIG_NS}}}Signature"
    assert last.prefix is None  # unprefixed, as in axis-delivered packages
    assert "Id" not in last.attrib
    assert [etree.QName(c).localname for c in header] == [
        "MessageHeader",
        "TraceHeaderList",
        "Signature",
    ]
    assert len(list(root.iter(f"{{{DSIG_NS}}}Signature"))) == 1


def test_signed_package_still_parses_and_validates(signed):
    assert parse(signed) == make_edoc()
    assert validate(signed) == []


def test_tampered_content_is_detected(pki, signed):
    tampered = signed.replace("Lê Văn Ạ".encode(), "Lê Văn B".encode())
    report = verify(tampered, ca_pem=pki.ca_pem)
    assert report.status == "invalid"
    assert "Digest mismatch" in report.reason


def test_tampered_attachment_is_detected(pki):
    edoc = make_edoc(attachments=[Attachment(name="a.pdf", content_id="1", data=b"A" * 300)])
    data = sign(build_edoc(edoc), key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    tampered = data.replace(b"QUFBQUFB", b"QkFBQUFB", 1)
    assert verify(tampered, ca_pem=pki.ca_pem).status == "invalid"


def test_tampered_signature_value_is_detected(pki, signed):
    root = etree.fromstring(signed)
    value = root.find(f".//{{{DSIG_NS}}}SignatureValue")
    value.text = ("B" if value.text[0] == "A" else "A") + value.text[1:]
    assert verify(etree.tostring(root), ca_pem=pki.ca_pem).status == "invalid"


def test_absent_signature_is_reported(pki):
    report = verify(build_status(make_status()), ca_pem=pki.ca_pem)
    assert report.status == "absent"
    assert not report.is_valid


def test_other_ca_is_untrusted(signed):
    assert verify(signed, ca_pem=[make_pki().ca_pem]).status == "untrusted"


def test_expired_certificate_is_untrusted(pki, signed):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    assert verify(signed, ca_pem=pki.ca_pem, at=later).status == "untrusted"


def test_resigning_replaces_the_signature(pki, signed):
    again = sign(signed, key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    assert len(list(etree.fromstring(again).iter(f"{{{DSIG_NS}}}Signature"))) == 1
    assert verify(again, ca_pem=pki.ca_pem).is_valid


def test_sdk_placeholder_signature_is_invalid_and_replaced_on_signing(pki):
    data = build_status(make_status()).replace(
        b"</edXML:MessageHeader>",
        b"</edXML:MessageHeader><Signature><SignatureValue>MIIF</SignatureValue></Signature>",
    )
    assert verify(data, ca_pem=pki.ca_pem).status == "invalid"
    resigned = sign(data, key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    assert verify(resigned, ca_pem=pki.ca_pem).is_valid


def test_status_messages_can_be_signed(pki):
    data = sign(build_status(make_status()), key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    assert verify(data, ca_pem=pki.ca_pem).is_valid
    assert parse(data) == make_status()


def test_sha1_signatures_need_an_explicit_opt_in(pki):
    # The SDK signs with RSA-SHA1; such packages verify only with allow_sha1=True.
    class LegacySigner(XMLSigner):
        def check_deprecated_methods(self):
            pass  # signxml refuses to create SHA1 signatures; the SDK still does

    root = etree.fromstring(build_status(make_status()))
    signer = LegacySigner(
        method=methods.enveloped,
        signature_algorithm=SignatureMethod.RSA_SHA1,
        digest_algorithm=DigestAlgorithm.SHA1,
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    data = etree.tostring(signer.sign(root, key=pki.key_pem, cert=pki.cert_pem.decode()))
    assert verify(data, ca_pem=pki.ca_pem).status == "invalid"
    assert verify(data, ca_pem=pki.ca_pem, allow_sha1=True).is_valid


def test_packages_over_ten_megabytes_sign_and_verify(pki):
    big = bytes(range(256)) * (11 * 4096)
    edoc = make_edoc(attachments=[Attachment(name="scan.pdf", content_id="1", data=big)])
    data = sign(build_edoc(edoc), key_pem=pki.key_pem, cert_pem=pki.cert_pem)
    assert verify(data, ca_pem=pki.ca_pem).is_valid


def test_bad_key_is_an_edxml_error(pki):
    with pytest.raises(EdxmlError, match="signing key"):
        sign(build_status(make_status()), key_pem=b"not a key", cert_pem=pki.cert_pem)
