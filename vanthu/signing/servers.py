"""Loopback PKI services for tests and the demo: an RFC 3161 TSA, CRL distribution and an OCSP
responder, all on one stdlib HTTP server bound to 127.0.0.1 on a free port.

    with PkiServices() as services:            # listening, nothing configured yet
        pki = DemoPki(base_url=services.base_url)  # certificates point at the server
        services.attach(pki)
        ... sign with timestamp_url=services.tsa_url, verify with ocsp_fetching=True ...

Routes: ``POST /tsa`` (application/timestamp-query), ``GET /crl/root.crl`` and
``GET /crl/ca.crl`` (DER, application/pkix-crl), ``POST /ocsp`` and ``GET /ocsp/<base64>``
(RFC 6960). ``hits`` counts requests per route so tests can prove the validator fetched.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import threading
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vanthu.loopback import LoopbackServer
from vanthu.signing.pki import DemoPki, Issued

UTC = dt.UTC
MAX_BODY = 64 * 1024


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _key_hash(cert: x509.Certificate, algorithm: hashes.HashAlgorithm) -> bytes | None:
    """RFC 6960 issuerKeyHash: the hash of the issuer's subjectPublicKey bit string."""
    public_key = asn1_x509.Certificate.load(_der(cert)).public_key
    return {"sha1": public_key.sha1, "sha256": public_key.sha256}.get(algorithm.name)


class PkiServices(LoopbackServer):
    def __init__(self, *, port: int = 0) -> None:
        """Listen on 127.0.0.1:``port`` (0: any free port; the demo uses a fixed one because
        its certificates name the CRL and OCSP addresses)."""
        self.pki: DemoPki | None = None
        self.hits: Counter[str] = Counter()
        self._tsa: DummyTimeStamper | None = None
        self._lock = threading.Lock()
        self._listen(_handler_for(self), port, "pki-services")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def tsa_url(self) -> str:
        return self.base_url + "/tsa"

    def attach(self, pki: DemoPki) -> None:
        """Serve this PKI: its TSA signs timestamps, its CAs' CRLs and OCSP answers are live."""
        tsa = pki.tsa
        assert tsa.key is not None
        key_der = tsa.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._tsa = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(tsa.cert_der),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=SimpleCertificateStore.from_certs(
                [asn1_x509.Certificate.load(_der(c)) for c in pki.chain]
            ),
        )
        self.pki = pki

    # -- responders ------------------------------------------------------------------------

    def timestamp(self, body: bytes) -> bytes:
        assert self._tsa is not None
        request = tsp.TimeStampReq.load(body)
        with self._lock:  # DummyTimeStamper is not documented as thread-safe
            return self._tsa.request_tsa_response(request).dump()

    def crl(self, name: str) -> bytes | None:
        assert self.pki is not None
        issuer = {"root.crl": self.pki.root, "ca.crl": self.pki.ca}.get(name)
        if issuer is None:
            return None
        return self.pki.crl(issuer).public_bytes(serialization.Encoding.DER)

    def ocsp(self, body: bytes) -> bytes:
        assert self.pki is not None
        pki = self.pki
        try:
            request = ocsp.load_der_ocsp_request(body)
        except ValueError:
            return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        issuer = pki.ca
        if request.issuer_key_hash != _key_hash(issuer.cert, request.hash_algorithm):
            return _unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)
        now = dt.datetime.now(UTC)
        revoked = pki.revocation_of(request.serial_number)
        known = {leaf.cert.serial_number for leaf in _issued_by_ca(pki)}
        if revoked is not None:
            status = ocsp.OCSPCertStatus.REVOKED
        elif request.serial_number in known:
            status = ocsp.OCSPCertStatus.GOOD
        else:
            status = ocsp.OCSPCertStatus.UNKNOWN
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=status,
            this_update=now - dt.timedelta(minutes=1),
            next_update=now + dt.timedelta(hours=1),
            revocation_time=revoked[0] if revoked else None,
            revocation_reason=revoked[1] if revoked else None,
        )
        responder = pki.ocsp
        assert responder.key is not None
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, responder.cert)
        builder = builder.certificates([responder.cert])
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce)
            builder = builder.add_extension(nonce.value, critical=False)
        except x509.ExtensionNotFound:
            pass
        response = builder.sign(responder.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)


def _issued_by_ca(pki: DemoPki) -> list[Issued]:
    return [pki.tsa, pki.ocsp, *pki.leaves.values()]


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )


def _handler_for(services: PkiServices) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return  # keep test output clean

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._reply(413, b"", "text/plain")
                return None
            return self.rfile.read(length)

        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/crl/") and services.pki is not None:
                services.hits["crl"] += 1
                data = services.crl(path.removeprefix("/crl/"))
                if data is not None:
                    self._reply(200, data, "application/pkix-crl")
                    return
            elif path.startswith("/ocsp/") and services.pki is not None:
                services.hits["ocsp"] += 1
                raw = urllib.parse.unquote(path.removeprefix("/ocsp/"))
                try:
                    request = base64.b64decode(raw, validate=True)
                except binascii.Error:
                    self._reply(400, b"", "text/plain")
                    return
                self._reply(200, services.ocsp(request), "application/ocsp-response")
                return
            self._reply(404, b"", "text/plain")

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            body = self._body()
            if body is None:
                return
            if path == "/tsa" and services._tsa is not None:
                services.hits["tsa"] += 1
                try:
                    reply = services.timestamp(body)
                except ValueError:
                    self._reply(400, b"", "text/plain")
                    return
                self._reply(200, reply, "application/timestamp-reply")
            elif path == "/ocsp" and services.pki is not None:
                services.hits["ocsp"] += 1
                self._reply(200, services.ocsp(body), "application/ocsp-response")
            else:
                self._reply(404, b"", "text/plain")

    return Handler
