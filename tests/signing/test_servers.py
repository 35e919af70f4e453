"""Loopback TSA, CRL and OCSP endpoints, spoken to over real HTTP."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import pytest
from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import HTTPTimeStamper


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback only
        return response.status, response.headers["Content-Type"], response.read()


def _ocsp_status(services, issued, pki) -> ocsp.OCSPCertStatus:
    request = (
        ocsp.OCSPRequestBuilder().add_certificate(issued.cert, pki.ca.cert, hashes.SHA1()).build()
    )
    der = request.public_bytes(serialization.Encoding.DER)
    status, ctype, body = _post(services.base_url + "/ocsp", der, "application/ocsp-request")
    assert status == 200 and ctype == "application/ocsp-response"
    response = ocsp.load_der_ocsp_response(body)
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    pki.ocsp.cert.public_key().verify(
        response.signature,
        response.tbs_response_bytes,
        PKCS1v15(),
        response.signature_hash_algorithm,
    )
    return response.certificate_status


def test_tsa_answers_rfc3161_requests(services, test_pki):
    stamper = HTTPTimeStamper(services.tsa_url)
    token = asyncio.run(stamper.async_timestamp(b"\x00" * 32, "sha256"))
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    assert isinstance(tst_info, tsp.TSTInfo)
    assert tst_info["message_imprint"]["hashed_message"].native == b"\x00" * 32


def test_crl_endpoint_serves_a_fresh_der_crl(services, test_pki):
    with urllib.request.urlopen(services.base_url + "/crl/ca.crl", timeout=10) as response:
        assert response.headers["Content-Type"] == "application/pkix-crl"
        crl = x509.load_der_x509_crl(response.read())
    assert crl.issuer == test_pki.pki.ca.cert.subject


def test_ocsp_good_revoked_and_unknown(services, test_pki):
    pki = test_pki.pki
    assert _ocsp_status(services, test_pki.agency, pki) == ocsp.OCSPCertStatus.GOOD
    gone = pki.issue_person(
        "ocsp-thu-hoi", "Vũ Thị Giang", agency="UBND", citizen_id="001190000010"
    )
    pki.revoke(gone)
    assert _ocsp_status(services, gone, pki) == ocsp.OCSPCertStatus.REVOKED
    # a certificate of another CA: its issuer key hash is not ours
    stranger = test_pki.untrusted.issue_person(
        "la", "Người Lạ", agency="X", citizen_id="001190000011"
    )
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(stranger.cert, test_pki.untrusted.ca.cert, hashes.SHA1())
        .build()
    )
    _, _, body = _post(
        services.base_url + "/ocsp",
        request.public_bytes(serialization.Encoding.DER),
        "application/ocsp-request",
    )
    assert ocsp.load_der_ocsp_response(body).response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_unknown_route_is_404(services):
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(services.base_url + "/khong-co", timeout=10)
    assert error.value.code == 404
