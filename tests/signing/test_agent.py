"""The local signing agent (vanthu-signer) over real HTTP on 127.0.0.1 against the session's
SoftHSM2 tokens: an imported RSA key and an EC P-256 key generated on the token."""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import Encoding

from tests.signing.conftest import PIN, SOFTHSM_MODULE
from vanthu.signer_agent import VERSION
from vanthu.signer_agent.cli import make_server

ORIGIN = "https://vanthu.example.gov.vn"
FOREIGN = "https://trang-la.example.com"


@pytest.fixture(scope="module")
def agent(softhsm):
    server = make_server("127.0.0.1", 0, SOFTHSM_MODULE, [ORIGIN])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def call(server_or_port, method, path, body=None, *, origin=ORIGIN, headers=None):
    port = server_or_port if isinstance(server_or_port, int) else server_or_port.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = dict(headers or {})
    if origin is not None:
        sent["Origin"] = origin
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    conn.request(method, path, body=payload, headers=sent)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    data = json.loads(raw) if raw else None
    return response.status, dict(response.getheaders()), data


def _fingerprint(token) -> str:
    return hashlib.sha256(_cert(token).public_bytes(Encoding.DER)).hexdigest()


def _cert(token) -> x509.Certificate:
    return token.issued.cert


def _sign(agent, token, digest: bytes, pin: str = PIN, **extra):
    body = {
        "digest": base64.b64encode(digest).decode(),
        "hash_algorithm": "sha256",
        "certificate_sha256": _fingerprint(token),
        "pin": pin,
    } | extra
    return call(agent, "POST", "/sign", body)


def test_status_lists_the_initialised_tokens(agent):
    status, headers, data = call(agent, "GET", "/status")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN
    assert data["version"] == VERSION and data["token_present"] is True
    assert {t["label"] for t in data["tokens"]} == {"vanthu-rsa", "vanthu-ec"}


def test_certificates_are_listed_with_fingerprints_without_pin(agent, softhsm):
    status, _, data = call(agent, "GET", "/certificates")
    assert status == 200
    by_fp = {c["sha256"]: c for c in data["certificates"]}
    assert set(by_fp) == {_fingerprint(softhsm["rsa"]), _fingerprint(softhsm["ec"])}
    assert "Nguyễn Văn An" in by_fp[_fingerprint(softhsm["rsa"])]["subject"]
    assert by_fp[_fingerprint(softhsm["ec"])]["token_label"] == "vanthu-ec"


def test_rsa_key_signs_the_digest_pkcs1_v15(agent, softhsm):
    digest = hashlib.sha256(b"thuoc tinh ky CMS").digest()
    status, _, data = _sign(agent, softhsm["rsa"], digest)
    assert status == 200, data
    assert data["signature_algorithm"] == "rsassa_pkcs1v15"
    cert = x509.load_der_x509_certificate(base64.b64decode(data["certificate"]))
    assert cert == _cert(softhsm["rsa"])
    # Raises InvalidSignature when the value does not match the digest and the key.
    cert.public_key().verify(
        base64.b64decode(data["signature"]), digest, padding.PKCS1v15(), Prehashed(hashes.SHA256())
    )


def test_ec_key_signs_the_digest_as_der_ecdsa(agent, softhsm):
    digest = hashlib.sha256(b"du lieu can ky").digest()
    status, _, data = _sign(agent, softhsm["ec"], digest)
    assert status == 200, data
    assert data["signature_algorithm"] == "ecdsa"
    signature = base64.b64decode(data["signature"])
    assert signature[0] == 0x30  # DER SEQUENCE { r, s }, not PKCS#11's raw r‖s
    _cert(softhsm["ec"]).public_key().verify(
        signature, digest, ec.ECDSA(Prehashed(hashes.SHA256()))
    )


def test_wrong_pin_is_a_structured_vietnamese_error(agent, softhsm):
    status, _, data = _sign(agent, softhsm["rsa"], bytes(32), pin="000000")
    assert status == 403
    assert data["error"]["code"] == "wrong_pin"
    assert "Mã PIN của USB token không đúng" in data["error"]["message"]


def test_certificate_not_on_the_token(agent, test_pki):
    body = {
        "digest": base64.b64encode(bytes(32)).decode(),
        "hash_algorithm": "sha256",
        "certificate_sha256": hashlib.sha256(test_pki.agency.cert_der).hexdigest(),
        "pin": PIN,
    }
    status, _, data = call(agent, "POST", "/sign", body)
    assert status == 404 and data["error"]["code"] == "certificate_not_found"
    assert "không chứa chứng thư số đã đăng ký" in data["error"]["message"]


def test_malformed_requests_are_refused(agent, softhsm):
    status, _, data = _sign(agent, softhsm["rsa"], b"short")
    assert status == 400 and "độ dài" in data["error"]["message"]
    status, _, data = call(agent, "POST", "/sign", {"digest": "***", "pin": ""})
    assert status == 400 and data["error"]["code"] == "bad_request"
    assert "base64" in data["error"]["message"] and "mã PIN" in data["error"]["message"]
    status, _, data = _sign(agent, softhsm["rsa"], bytes(32), hash_algorithm="md5")
    assert status == 400 and data["error"]["code"] == "unsupported_algorithm"


def test_foreign_origin_gets_no_cors_and_no_signature(agent, softhsm):
    status, headers, data = _sign(agent, softhsm["rsa"], bytes(32))
    assert status == 200  # the allowed origin, for contrast
    conn_status, headers, data = call(
        agent,
        "POST",
        "/sign",
        {
            "digest": base64.b64encode(bytes(32)).decode(),
            "certificate_sha256": _fingerprint(softhsm["rsa"]),
            "pin": PIN,
        },
        origin=FOREIGN,
    )
    assert conn_status == 403 and data["error"]["code"] == "origin_not_allowed"
    assert "signature" not in data
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, _ = call(agent, "GET", "/certificates", origin=FOREIGN)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_preflight_allows_only_the_vanthu_origin_and_private_network(agent):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        "Access-Control-Request-Private-Network": "true",
    }
    status, headers, _ = call(agent, "OPTIONS", "/sign", headers=preflight)
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Private-Network"] == "true"
    assert "POST" in headers["Access-Control-Allow-Methods"]
    status, headers, _ = call(agent, "OPTIONS", "/sign", origin=FOREIGN, headers=preflight)
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


def test_dns_rebinding_host_is_refused(agent):
    status, _, data = call(agent, "GET", "/status", headers={"Host": "ky.example.com:8765"})
    assert status == 403 and data["error"]["code"] == "host_not_allowed"


def test_it_refuses_to_listen_beyond_loopback():
    with pytest.raises(SystemExit, match="loopback"):
        make_server("0.0.0.0", 0, SOFTHSM_MODULE, [ORIGIN])  # noqa: S104 (the point of the test)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_listening(proc, port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("vanthu-signer did not start")


def test_command_without_a_token_plugged_in(tmp_path, softhsm):
    """The command-line agent in its own process, its SoftHSM with no initialised token: the
    state of a computer whose USB token is unplugged."""
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    port = _free_port()
    env = os.environ | {"SOFTHSM2_CONF": str(conf)}
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "vanthu.signer_agent", "--port", str(port),
         "--module", SOFTHSM_MODULE, "--allow-origin", ORIGIN],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_until_listening(proc, port)
        status, _, data = call(port, "GET", "/status")
        assert status == 200 and data["module_loaded"] is True
        assert data["token_present"] is False and data["tokens"] == []
        status, _, data = call(port, "GET", "/certificates")
        assert status == 503 and data["error"]["code"] == "token_absent"
        assert "hãy cắm thiết bị" in data["error"]["message"]
        status, _, data = call(
            port,
            "POST",
            "/sign",
            {
                "digest": base64.b64encode(bytes(32)).decode(),
                "certificate_sha256": "a" * 64,
                "pin": PIN,
            },
        )
        assert status == 503 and data["error"]["code"] == "token_absent"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_command_with_a_missing_pkcs11_module(softhsm):
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "vanthu.signer_agent", "--port", str(port),
         "--module", "/khong/co/libtoken.so", "--allow-origin", ORIGIN],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_until_listening(proc, port)
        status, _, data = call(port, "GET", "/status")
        assert status == 200 and data["module_loaded"] is False
        assert data["error"]["code"] == "module_unavailable"
        status, _, data = call(port, "GET", "/certificates")
        assert status == 503 and "/khong/co/libtoken.so" in data["error"]["message"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
