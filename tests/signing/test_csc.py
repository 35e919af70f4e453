"""Remote signing (CSC API v2): the loopback service and the ``csc`` backend against it."""

from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.signing import tools
from vanthu.signing import pades
from vanthu.signing.backends import csc, get_signer
from vanthu.signing.csc_server import CscServer
from vanthu.signing.errors import SignerConfigError, SigningError
from vanthu.signing.verify import verify_pdf

CLIENT_ID = "vanthu-thu-nghiem"
SECRET_ENV = "VANTHU_TEST_CSC_SECRET"
# Throw-away client secret of a loopback test service.
SECRET = "bi-mat-thu-nghiem-csc"  # noqa: S105


class Clock:
    """The service's time source, moved forward by the test instead of sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def ec_person(test_pki):
    return test_pki.pki.issue_person(
        "csc-ec",
        "Phạm Thị Dung",
        agency="Sở Tài chính tỉnh Thử nghiệm",
        citizen_id="001190000014",
        key_kind="ec",
    )


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def server(test_pki, ec_person, clock):
    delivered: list[tuple[str, str]] = []
    with CscServer(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        clock=clock,
        deliver_otp=lambda credential, otp: delivered.append((credential.credential_id, otp)),
    ) as running:
        chain = test_pki.pki.chain
        running.add_credential("an", test_pki.person.key, test_pki.person.cert, chain)
        running.add_credential("dung-ec", ec_person.key, ec_person.cert, chain)
        running.add_credential("thu-hoi", test_pki.revoked.key, test_pki.revoked.cert, chain)
        running.disable("thu-hoi", "revoked")
        running.delivered = delivered  # type: ignore[attr-defined]
        yield running


@pytest.fixture
def params(server, monkeypatch):
    monkeypatch.setenv(SECRET_ENV, SECRET)

    def make(credential_id: str = "an", **extra: object) -> dict:
        return {
            "service_url": server.base_url,
            "credential_id": credential_id,
            "client_id": CLIENT_ID,
            "client_secret_env": SECRET_ENV,
            **extra,
        }

    return make


def _sign(sample, images, loaded) -> bytes:
    return pades.sign_personal(
        sample.pdf,
        loaded,
        image_png=images["signature"],
        box=sample.personal_box,
        page=1,
        field_layout=sample.fields,
    )


def _otp(server, params: dict) -> str:
    csc.send_otp(**params)
    otp = server.last_otp(params["credential_id"])
    assert otp is not None and len(otp) == 6 and otp.isdigit()
    return otp


def test_it_signs_a_pdf_that_pdfsig_and_the_verifier_accept(
    server, params, test_pki, sample, images
):
    p = params()
    loaded = get_signer("csc", otp=_otp(server, p), **p)
    assert loaded.backend == "csc" and loaded.certificate == test_pki.person.cert
    assert loaded.display_name == "Nguyễn Văn An"
    # the chain comes from credentials/info and is embedded with the signature
    assert len(list(loaded.signer.cert_registry)) == 3
    signed = _sign(sample, images, loaded)

    report = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert report["verdict"] == "valid" and report["has_personal"]
    assert report["signatures"][0]["signer"] == "Nguyễn Văn An"
    path = tools.ARTIFACTS / "csc-personal.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signed)
    done = [s for s in tools.pdfsig(path) if s["signed"]]
    assert len(done) == 1
    assert done[0]["Signature Validation"] == "Signature is Valid."
    # the OTP went through the delivery callback, like an SMS
    assert server.delivered[-1][0] == "an"


def test_it_signs_with_an_ec_key(server, params, test_pki, ec_person, sample, images):
    p = params("dung-ec")
    loaded = get_signer("csc", otp=_otp(server, p), **p)
    signed = _sign(sample, images, loaded)
    report = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert report["verdict"] == "valid"
    assert report["signatures"][0]["signer"] == "Phạm Thị Dung"
    path = tools.ARTIFACTS / "csc-ec.pdf"
    path.write_bytes(signed)
    assert [s["Signature Validation"] for s in tools.pdfsig(path) if s["signed"]] == [
        "Signature is Valid."
    ]


def test_a_wrong_otp_is_refused_and_nothing_is_signed(server, params, sample, images):
    p = params()
    right = _otp(server, p)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    loaded = get_signer("csc", otp=wrong, **p)
    with pytest.raises(csc.WrongOtpError, match="Mã OTP không đúng hoặc đã hết hạn"):
        _sign(sample, images, loaded)
    # The right code still works after one mistake…
    signed = _sign(sample, images, get_signer("csc", otp=right, **p))
    assert signed.startswith(b"%PDF")


def test_too_many_wrong_otps_burn_the_code(server, params, sample, images):
    p = params()
    right = _otp(server, p)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    for _ in range(server.otp_attempts):
        with pytest.raises(csc.WrongOtpError):
            _sign(sample, images, get_signer("csc", otp=wrong, **p))
    with pytest.raises(csc.WrongOtpError, match="Mã OTP không đúng"):
        _sign(sample, images, get_signer("csc", otp=right, **p))


def test_an_expired_otp_is_refused(server, params, clock, sample, images):
    p = params()
    otp = _otp(server, p)
    clock.now += server.otp_ttl + 1
    with pytest.raises(csc.WrongOtpError, match="hết hạn"):
        _sign(sample, images, get_signer("csc", otp=otp, **p))


def test_an_otp_authorizes_one_signature_only(server, params, sample, images):
    p = params()
    otp = _otp(server, p)
    _sign(sample, images, get_signer("csc", otp=otp, **p))
    with pytest.raises(csc.WrongOtpError):
        _sign(sample, images, get_signer("csc", otp=otp, **p))


def test_a_loaded_signer_does_not_reuse_its_otp(server, params, sample, images):
    p = params()
    loaded = get_signer("csc", otp=_otp(server, p), **p)
    _sign(sample, images, loaded)
    with pytest.raises(csc.WrongOtpError, match="đã được dùng"):
        _sign(sample, images, loaded)


def test_the_sad_is_bound_to_its_hash_and_used_once(server, params):
    p = params()
    client = csc._client(**p)
    otp = _otp(server, p)
    digest = base64.b64encode(hashlib.sha256(b"van ban").digest()).decode()
    other = base64.b64encode(hashlib.sha256(b"van ban khac").digest()).decode()
    sad = client.call(
        "credentials/authorize",
        {"credentialID": "an", "numSignatures": 1, "hashes": [digest], "OTP": otp},
    )["SAD"]
    sign = {"credentialID": "an", "SAD": sad, "signAlgo": "1.2.840.113549.1.1.11"}
    with pytest.raises(csc.CscServiceError, match="do not authorize|does not authorize"):
        client.call("signatures/signHash", {**sign, "hashes": [other]})
    with pytest.raises(csc.CscServiceError, match="signAlgo"):
        client.call("signatures/signHash", {**sign, "hashes": [digest], "signAlgo": "1.2.3"})
    answer = client.call("signatures/signHash", {**sign, "hashes": [digest]})
    assert len(base64.b64decode(answer["signatures"][0])) == 256  # RSA-2048
    with pytest.raises(csc.CscServiceError, match="Invalid or expired SAD"):
        client.call("signatures/signHash", {**sign, "hashes": [digest]})


def test_an_expired_sad_is_refused(server, params, clock):
    p = params()
    client = csc._client(**p)
    digest = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
    sad = client.call(
        "credentials/authorize",
        {"credentialID": "an", "numSignatures": 1, "hashes": [digest], "OTP": _otp(server, p)},
    )["SAD"]
    clock.now += server.sad_ttl + 1
    with pytest.raises(csc.CscServiceError, match="expired SAD"):
        client.call(
            "signatures/signHash",
            {
                "credentialID": "an",
                "SAD": sad,
                "hashes": [digest],
                "signAlgo": "1.2.840.113549.1.1.11",
            },
        )


def test_a_disabled_credential_is_refused_before_signing(server, params, test_pki):
    p = params("thu-hoi")
    with pytest.raises(csc.CredentialDisabledError, match="bị khóa hoặc đã bị thu hồi"):
        get_signer("csc", otp="123456", **p)
    with pytest.raises(csc.CredentialDisabledError):
        csc.send_otp(**p)
    assert server.last_otp("thu-hoi") is None


def test_a_credential_disabled_after_loading_is_refused_when_signing(
    server, params, sample, images
):
    p = params("dung-ec")
    loaded = get_signer("csc", otp=_otp(server, p), **p)
    server.disable("dung-ec")
    try:
        with pytest.raises(csc.CredentialDisabledError):
            _sign(sample, images, loaded)
    finally:
        server.enable("dung-ec")


def test_an_unknown_credential(params):
    with pytest.raises(csc.CredentialNotFoundError, match="«khong-co»"):
        csc.credential_certificate(**params("khong-co"))


def test_a_wrong_client_secret(params):
    with pytest.raises(csc.CscClientError, match="client_secret"):
        csc.credential_certificate(**params(client_secret="sai", client_secret_env=None))


def test_missing_configuration_is_reported(params, monkeypatch):
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(SignerConfigError, match=SECRET_ENV):
        csc.send_otp(**params())
    with pytest.raises(SignerConfigError, match="thiếu tham số"):
        csc.send_otp(**params(service_url=""))
    with pytest.raises(SignerConfigError, match="thiếu tham số"):
        get_signer("csc")


def test_a_malformed_otp_never_reaches_the_service(server, params):
    before = len(server.delivered)
    with pytest.raises(csc.WrongOtpError, match="6 chữ số"):
        get_signer("csc", otp="12a45", **params())
    assert len(server.delivered) == before


def test_credential_certificate_reads_credentials_info(params, ec_person):
    assert csc.credential_certificate(**params("dung-ec")) == ec_person.cert


def test_a_service_that_is_down(params):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(csc.CscServiceError, match="Không kết nối được dịch vụ ký số từ xa"):
        get_signer("csc", otp="123456", **params(service_url=f"http://127.0.0.1:{port}/csc/v2"))


def test_a_service_that_does_not_answer(params):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)  # accepts the connection in the kernel, never answers
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/csc/v2"
        started = time.monotonic()
        with pytest.raises(csc.CscServiceError, match="không trả lời trong 0.5 giây"):
            csc.send_otp(**params(service_url=url, timeout=0.5))
        assert time.monotonic() - started < 5


def test_errors_are_signing_errors(params):
    with pytest.raises(SigningError):
        csc.credential_certificate(**params("khong-co"))


def test_the_command_serves_keys_and_prints_otps(test_pki, sample, images, monkeypatch):
    """``vanthu manage csc_server`` as the demo runs it: a process of its own."""
    env = {**os.environ, "VANTHU_CSC_CLIENT_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    vanthu = Path(sys.executable).with_name("vanthu")
    proc = subprocess.Popen(  # noqa: S603 (fixed argv)
        [
            str(vanthu),
            "manage",
            "csc_server",
            "--port",
            "0",
            "--keys",
            str(test_pki.directory),
            "--client-id",
            CLIENT_ID,
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        ready = proc.stdout.readline()  # type: ignore[union-attr]
        assert "Dịch vụ ký số từ xa đang chạy tại http://127.0.0.1:" in ready, (
            ready + proc.stderr.read()  # type: ignore[union-attr]
        )
        url = ready.split(" tại ", 1)[1].split(" ", 1)[0]
        assert "nguyen-van-an" in ready and "tsa" not in ready.split("chứng thư:")[1]
        monkeypatch.setenv(SECRET_ENV, SECRET)
        p = {
            "service_url": url,
            "credential_id": "nguyen-van-an",
            "client_id": CLIENT_ID,
            "client_secret_env": SECRET_ENV,
        }
        csc.send_otp(**p)
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("[SMS] Mã OTP ký số cho «nguyen-van-an»: ")
        otp = line.rsplit(" ", 1)[1].strip()
        signed = _sign(sample, images, get_signer("csc", otp=otp, **p))
        assert verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])["verdict"] == "valid"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
