"""The generated test PKI mimics the real hierarchy and follows the person/agency rule."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vanthu.signing.identity import agency_code, classify, common_name
from vanthu.signing.pki import DEFAULT_PASSWORD


def _ext(cert, cls):
    return cert.extensions.get_extension_for_class(cls)


def test_hierarchy_root_government_ca_leaves(test_pki):
    pki = test_pki.pki
    for child, parent in [(pki.ca, pki.root), (test_pki.person, pki.ca), (pki.tsa, pki.ca)]:
        child.cert.verify_directly_issued_by(parent.cert)
    assert "Ban Cơ yếu Chính phủ" in pki.ca.cert.subject.rfc4514_string()
    assert _ext(pki.ca.cert, x509.BasicConstraints).value.path_length == 0
    assert _ext(pki.root.cert, x509.BasicConstraints).value.ca


def test_person_certificate(test_pki):
    cert = test_pki.person.cert
    assert common_name(cert) == "Nguyễn Văn An"
    usage = _ext(cert, x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert classify(cert) == "personal"
    urls = [d.full_name[0].value for d in _ext(cert, x509.CRLDistributionPoints).value]
    assert urls == [test_pki.pki.base_url + "/crl/ca.crl"]
    ocsp = _ext(cert, x509.AuthorityInformationAccess).value[0]
    assert ocsp.access_location.value == test_pki.pki.base_url + "/ocsp"


def test_agency_certificate_carries_its_code(test_pki):
    cert = test_pki.agency.cert
    org = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert org == "Ủy ban nhân dân tỉnh Thử nghiệm"
    assert classify(cert) == "agency" and agency_code(cert) == "000.00.00.H99"


def test_tsa_and_ocsp_certificates(test_pki):
    tsa = _ext(test_pki.pki.tsa.cert, x509.ExtendedKeyUsage)
    assert tsa.critical and list(tsa.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    ocsp_cert = test_pki.pki.ocsp.cert
    assert list(_ext(ocsp_cert, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.OCSP_SIGNING]
    assert _ext(ocsp_cert, x509.OCSPNoCheck)
    assert classify(test_pki.pki.tsa.cert) == "unknown"


def test_expired_and_untrusted_helpers(test_pki):
    assert test_pki.expired.cert.not_valid_after_utc < dt.datetime.now(dt.UTC)
    with pytest.raises((ValueError, TypeError)):
        test_pki.untrusted_person.cert.verify_directly_issued_by(test_pki.pki.ca.cert)
    assert test_pki.untrusted.root.cert.subject != test_pki.pki.root.cert.subject


def test_crl_lists_revoked_certificates(test_pki):
    pki = test_pki.pki
    leaf = pki.issue_person("tam-thoi", "Đỗ Văn Em", agency="UBND", citizen_id="001190000009")
    assert pki.crl(pki.ca).get_revoked_certificate_by_serial_number(leaf.cert.serial_number) is None
    pki.revoke(leaf, reason=x509.ReasonFlags.cessation_of_operation)
    entry = pki.crl(pki.ca).get_revoked_certificate_by_serial_number(leaf.cert.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == (
        x509.ReasonFlags.cessation_of_operation
    )
    assert pki.crl(pki.ca).is_signature_valid(pki.ca.key.public_key())


def test_written_files_are_pem_and_password_protected_pkcs12(test_pki):
    directory = test_pki.directory
    assert {"root.pem", "ca.pem", "chain.pem", "root.crl", "ca.crl", "ubnd-tinh.p12"} <= {
        p.name for p in directory.iterdir()
    }
    assert x509.load_pem_x509_certificate((directory / "root.pem").read_bytes()) == (
        test_pki.pki.root.cert
    )
    data = (directory / "ubnd-tinh.p12").read_bytes()
    key, cert, chain = pkcs12.load_key_and_certificates(data, DEFAULT_PASSWORD.encode())
    assert cert == test_pki.agency.cert and len(chain) == 2
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)
