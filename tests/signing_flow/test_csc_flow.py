"""The chairman signs through a remote signing service (CSC): asks for the OTP from the
document page, types it into the approval form, and the approved PDF carries his signature."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.template.loader import render_to_string
from django.urls import reverse

from tests.documents.helpers import advance, make_draft
from tests.signing import tools
from vanthu.audit.models import AuditEvent
from vanthu.documents.files import check_upload, current_main, read_bytes, store
from vanthu.documents.models import Status
from vanthu.signing.backends import csc
from vanthu.signing.csc_server import CscServer
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.verify import verify_pdf

CLIENT_ID = "vanthu-ubnd"
SECRET_ENV = "VANTHU_TEST_CSC_FLOW_SECRET"
SECRET = "bi-mat-csc-luong-ky"  # noqa: S105 (throw-away secret of a loopback test service)


@pytest.fixture(scope="module")
def csc_service(flow_pki):
    with CscServer(client_id=CLIENT_ID, client_secret=SECRET) as server:
        server.add_pkcs12("chu-tich-ubnd", Path(flow_pki.p12("leader-ubnd")), DEFAULT_PASSWORD)
        yield server


@pytest.fixture
def csc_credential(world, csc_service, monkeypatch):
    """What registering a remote credential records: where the key is, and its certificate
    as read from the service's credentials/info (no OTP needed to read it)."""
    monkeypatch.setenv(SECRET_ENV, SECRET)
    params = {
        "service_url": csc_service.base_url,
        "credential_id": "chu-tich-ubnd",
        "client_id": CLIENT_ID,
        "client_secret_env": SECRET_ENV,
    }
    cert = csc.credential_certificate(**params)
    image = check_upload("chu-ky.png", tools.signature_png(), allowed={"image/png"})
    return SigningCredential.objects.create(
        user=world.leader_ubnd,
        kind=SigningCredential.Kind.CSC,
        params=params,
        certificate_pem=cert.public_bytes(Encoding.PEM).decode(),
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )


def _awaiting(world):
    return advance(world, make_draft(world), Status.AWAITING_SIGNATURE)


def _send_otp(client, doc):
    return client.post(reverse("csc:send_otp", args=[doc.public_id]))


def _approve(client, doc, otp: str):
    return client.post(
        reverse("web:document_action", args=[doc.public_id, "approve_signature"]),
        {"decision": "approve", "signing_secret": otp},
    )


def test_the_signer_approves_with_the_otp_sent_by_the_service(
    world, trusted, csc_credential, csc_service, client
):
    doc = _awaiting(world)
    unsigned = current_main(doc)
    client.force_login(world.leader_ubnd)

    response = _send_otp(client, doc)
    assert response.status_code == 200
    assert "Đã gửi mã OTP" in response.content.decode()
    otp = csc_service.last_otp("chu-tich-ubnd")
    assert otp is not None

    assert _approve(client, doc, otp).status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    signed = current_main(doc)
    assert signed.derived_from == unsigned
    content = read_bytes(signed.storage_name)
    report = verify_pdf(content, trust_roots=[trusted.root_pem.read_bytes()])
    assert report["verdict"] == "valid" and report["has_personal"]
    assert report["signatures"][0]["signer"] == "Trần Văn Chủ Tịch"

    path = tools.ARTIFACTS / "csc-flow-approved.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    assert [s["Signature Validation"] for s in tools.pdfsig(path) if s["signed"]] == [
        "Signature is Valid."
    ]
    events = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert "signing.csc_otp_sent" in events
    assert events[-2:] == ["document.approved_step", "document.signed_personal"]


def test_a_wrong_otp_leaves_the_document_unsigned(world, csc_credential, csc_service, client):
    doc = _awaiting(world)
    unsigned = current_main(doc)
    client.force_login(world.leader_ubnd)
    _send_otp(client, doc)
    otp = csc_service.last_otp("chu-tich-ubnd")
    wrong = f"{(int(otp) + 1) % 10**6:06d}"

    response = _approve(client, doc, wrong)
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE
    assert current_main(doc) == unsigned
    page = client.get(response.url).content.decode()
    assert "Mã OTP không đúng hoặc đã hết hạn" in page


def test_approving_without_an_otp_asks_for_it(world, csc_credential, client):
    doc = _awaiting(world)
    client.force_login(world.leader_ubnd)
    response = _approve(client, doc, "")
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE
    assert "Hãy nhập mã OTP" in client.get(response.url).content.decode()


def test_send_otp_is_refused_to_anyone_but_the_signer(world, csc_credential, csc_service, client):
    doc = _awaiting(world)
    before = csc_service.last_otp("chu-tich-ubnd")
    client.force_login(world.clerk_ubnd)  # sees the document, is not its signer
    response = _send_otp(client, doc)
    assert response.status_code == 403
    assert "Chỉ người ký được chỉ định" in response.content.decode()
    client.force_login(world.outsider)  # does not even see it
    assert _send_otp(client, doc).status_code == 404
    assert csc_service.last_otp("chu-tich-ubnd") == before
    assert not AuditEvent.objects.filter(action="signing.csc_otp_sent").exists()


def test_send_otp_needs_a_document_awaiting_signature_and_a_csc_credential(
    world, csc_credential, client
):
    client.force_login(world.leader_ubnd)
    draft = make_draft(world)
    assert _send_otp(client, draft).status_code == 403
    doc = _awaiting(world)
    assert client.get(reverse("csc:send_otp", args=[doc.public_id])).status_code == 405
    csc_credential.active = False
    csc_credential.save()
    response = _send_otp(client, doc)
    assert response.status_code == 403
    assert "chưa đăng ký khóa ký số từ xa" in response.content.decode()


def test_send_otp_requires_login(world, client):
    doc = _awaiting(world)
    response = _send_otp(client, doc)
    assert response.status_code == 302 and "next=" in response.url


def test_send_otp_reports_a_service_that_is_down(world, csc_credential, client):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    csc_credential.params = {
        **csc_credential.params,
        "service_url": f"http://127.0.0.1:{port}/csc/v2",
    }
    csc_credential.save()
    doc = _awaiting(world)
    client.force_login(world.leader_ubnd)
    response = _send_otp(client, doc)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body and "Không kết nối được dịch vụ ký số từ xa" in body
    assert not AuditEvent.objects.filter(action="signing.csc_otp_sent").exists()


def test_the_otp_field_partial_posts_to_send_otp(world):
    doc = _awaiting(world)
    html = render_to_string("signing/csc_otp_field.html", {"doc": doc})
    assert f'hx-post="{reverse("csc:send_otp", args=[doc.public_id])}"' in html
    assert 'name="signing_secret"' in html and "Gửi mã OTP" in html
