"""Two-step personal signature with the signer's USB token (vanthu.signing.remote): the
server prepares, the real SoftHSM2 token signs the digest (through the agent's PKCS#11 code),
the server finishes; plus every refusal, and the JSON endpoints the page script calls."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.urls import reverse
from django.utils import timezone

from tests.documents.helpers import advance, make_draft
from tests.signing import tools
from tests.signing.conftest import PIN, SOFTHSM_MODULE
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import check_upload, current_main, read_bytes, store
from vanthu.documents.models import Status
from vanthu.errors import PermissionDenied, ValidationFailed
from vanthu.signer_agent.token import TokenAccess
from vanthu.signing import remote
from vanthu.signing.errors import SignerConfigError, SigningError
from vanthu.signing.models import PendingSignature, SigningCredential, TrustedCertificate
from vanthu.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def token_access(softhsm):
    return TokenAccess(SOFTHSM_MODULE)


def _agent_credential(user, issued) -> SigningCredential:
    image = check_upload("chu-ky.png", tools.signature_png(), allowed={"image/png"})
    return SigningCredential.objects.create(
        user=user,
        kind=SigningCredential.Kind.AGENT,
        params={},
        certificate_pem=issued.cert_pem.decode(),
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )


@pytest.fixture
def intermediate(test_pki):
    """The government CA as a trusted intermediate: the server embeds it in the CMS."""
    ca = test_pki.pki.ca.cert
    return TrustedCertificate.objects.create(
        role=TrustedCertificate.Role.INTERMEDIATE,
        certificate_pem=ca.public_bytes(Encoding.PEM).decode(),
        sha256=hashlib.sha256(ca.public_bytes(Encoding.DER)).hexdigest(),
        subject=ca.subject.rfc4514_string(),
        issuer=ca.issuer.rfc4514_string(),
        not_before=ca.not_valid_before_utc,
        not_after=ca.not_valid_after_utc,
    )


@pytest.fixture
def awaiting(world):
    return advance(world, make_draft(world, recipients=[world.stc]), Status.AWAITING_SIGNATURE)


@pytest.fixture
def rsa_credential(world, softhsm):
    return _agent_credential(world.leader_ubnd, softhsm["rsa"].issued)


def _token_sign(token_access, request: dict, pin: str = PIN):
    return token_access.sign(
        base64.b64decode(request["digest"]),
        request["hash_algorithm"],
        request["certificate_sha256"],
        pin,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _sign_with_token(world, doc, token_access, *, comment=""):
    pending = remote.prepare_personal(world.leader_ubnd, doc)
    request = remote.signing_request(pending)
    result = _token_sign(token_access, request)
    signed = remote.finish_personal(
        world.leader_ubnd,
        request["pending_id"],
        _b64(result.value),
        certificate_b64=_b64(result.certificate),
    )
    return actions.approve_signature(
        world.leader_ubnd, doc, approve=True, comment=comment, signed=signed
    )


def _check_valid(content: bytes, test_pki, name: str, signer: str) -> None:
    report = verify_pdf(content, trust_roots=[test_pki.pki.root.cert])
    assert report["verdict"] == "valid", report
    assert [(s["signer"], s["kind"]) for s in report["signatures"]] == [(signer, "personal")]
    path = tools.ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    signed = [s for s in tools.pdfsig(path) if s["signed"]]
    assert [s["Signature Validation"] for s in signed] == ["Signature is Valid."]


def test_prepare_returns_what_the_agent_signs(world, awaiting, rsa_credential, softhsm):
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    request = remote.signing_request(pending)
    prepared = bytes(pending.prepared_pdf)
    signed_attrs = base64.b64decode(pending.state["signed_attrs"])
    assert base64.b64decode(request["digest"]) == hashlib.sha256(signed_attrs).digest()
    assert request["hash_algorithm"] == "sha256"
    assert (
        request["certificate_sha256"] == hashlib.sha256(softhsm["rsa"].issued.cert_der).hexdigest()
    )
    assert request["agent_url"] == "http://127.0.0.1:8765"
    assert pending.expires_at - timezone.now() <= dt.timedelta(minutes=5)
    assert prepared.startswith(b"%PDF") and b"/ByteRange" in prepared
    # A second click replaces the first session instead of piling them up.
    again = remote.prepare_personal(world.leader_ubnd, awaiting)
    assert list(PendingSignature.objects.values_list("pk", flat=True)) == [again.pk]


def test_rsa_token_signature_approves_with_a_valid_pdf(
    world, awaiting, rsa_credential, token_access, test_pki, intermediate
):
    unsigned = current_main(awaiting)
    doc = _sign_with_token(world, awaiting, token_access, comment="Đồng ý ban hành.")
    assert doc.status == Status.APPROVED
    personal = current_main(doc)
    assert personal.version == unsigned.version + 1 and personal.derived_from == unsigned
    _check_valid(read_bytes(personal.storage_name), test_pki, "agent-rsa.pdf", "Nguyễn Văn An")
    events = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert events[-2:] == ["document.approved_step", "document.signed_personal"]
    assert PendingSignature.objects.get().consumed_at is not None


def test_ec_key_generated_on_the_token(
    world, awaiting, softhsm, token_access, test_pki, intermediate
):
    _agent_credential(world.leader_ubnd, softhsm["ec"].issued)
    doc = _sign_with_token(world, awaiting, token_access)
    content = read_bytes(current_main(doc).storage_name)
    _check_valid(content, test_pki, "agent-ec.pdf", "Phạm Thị Dung")


def _refused_leaves_nothing(doc, versions_before: int) -> None:
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE
    assert doc.files.count() == versions_before


def test_expired_session_is_refused(world, awaiting, rsa_credential, token_access):
    before = awaiting.files.count()
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    result = _token_sign(token_access, remote.signing_request(pending))
    PendingSignature.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(SigningError, match="đã hết hạn"):
        remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(result.value))
    _refused_leaves_nothing(awaiting, before)
    assert PendingSignature.objects.get().consumed_at is None


def test_session_is_single_use(world, awaiting, rsa_credential, token_access):
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    result = _token_sign(token_access, remote.signing_request(pending))
    signed = remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(result.value))
    with pytest.raises(SigningError, match="đã được sử dụng"):
        remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(result.value))
    actions.approve_signature(world.leader_ubnd, awaiting, approve=True, signed=signed)
    with pytest.raises(SigningError, match="đã được sử dụng"):
        remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(result.value))


def test_signature_not_matching_the_certificate_is_refused(
    world, awaiting, rsa_credential, token_access, softhsm
):
    before = awaiting.files.count()
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    request = remote.signing_request(pending)
    other_digest = _b64(hashlib.sha256(b"van ban khac").digest())
    wrong = _token_sign(token_access, request | {"digest": other_digest})
    with pytest.raises(SigningError, match="không khớp với chứng thư số đã đăng ký"):
        remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(wrong.value))
    # The EC token's key over the right digest: a valid signature, but not by this certificate.
    ec_fp = hashlib.sha256(softhsm["ec"].issued.cert_der).hexdigest()
    foreign = _token_sign(token_access, request | {"certificate_sha256": ec_fp})
    with pytest.raises(SigningError, match="chứng thư số khác"):
        remote.finish_personal(
            world.leader_ubnd,
            pending.public_id,
            _b64(foreign.value),
            certificate_b64=_b64(foreign.certificate),
        )
    with pytest.raises(SigningError, match="base64"):
        remote.finish_personal(world.leader_ubnd, pending.public_id, "không-phải-base64")
    _refused_leaves_nothing(awaiting, before)
    # Nothing was consumed: the right signature still finishes the same session.
    right = _token_sign(token_access, request)
    assert remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(right.value))


def test_another_users_session_is_not_found(world, awaiting, rsa_credential, token_access):
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    result = _token_sign(token_access, remote.signing_request(pending))
    for intruder in (world.clerk_ubnd, world.outsider):
        with pytest.raises(SigningError, match="Không tìm thấy phiên ký số"):
            remote.finish_personal(intruder, pending.public_id, _b64(result.value))
    with pytest.raises(SigningError, match="Không tìm thấy phiên ký số"):
        remote.finish_personal(world.leader_ubnd, "khong-phai-uuid", _b64(result.value))
    assert PendingSignature.objects.get().consumed_at is None


def test_only_the_designated_signer_with_an_agent_credential_prepares(world, awaiting, softhsm):
    with pytest.raises(SignerConfigError, match="vanthu-signer"):
        remote.prepare_personal(world.leader_ubnd, awaiting)
    _agent_credential(world.specialist_ubnd, softhsm["rsa"].issued)
    with pytest.raises(PermissionDenied, match="người ký được chỉ định"):
        remote.prepare_personal(world.specialist_ubnd, awaiting)
    assert not PendingSignature.objects.exists()


def test_approval_refuses_a_signature_of_another_document(
    world, awaiting, rsa_credential, token_access
):
    pending = remote.prepare_personal(world.leader_ubnd, awaiting)
    result = _token_sign(token_access, remote.signing_request(pending))
    signed = remote.finish_personal(world.leader_ubnd, pending.public_id, _b64(result.value))
    other = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    with pytest.raises(ValidationFailed, match="không thuộc văn bản"):
        actions.approve_signature(world.leader_ubnd, other, approve=True, signed=signed)
    other.refresh_from_db()
    assert other.status == Status.AWAITING_SIGNATURE


# -- the JSON endpoints ------------------------------------------------------------------------


def test_endpoints_prepare_and_finish_approve_the_document(
    world, awaiting, rsa_credential, token_access, login, test_pki, intermediate
):
    client = login(world.leader_ubnd)
    response = client.post(reverse("signsession:prepare", args=[awaiting.public_id]))
    assert response.status_code == 200
    request = response.json()
    result = _token_sign(token_access, request)
    response = client.post(
        reverse("signsession:finish", args=[awaiting.public_id]),
        {
            "pending_id": request["pending_id"],
            "signature": _b64(result.value),
            "certificate": _b64(result.certificate),
            "chain": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["redirect"] == reverse("web:document_detail", args=[awaiting.public_id])
    awaiting.refresh_from_db()
    assert awaiting.status == Status.APPROVED
    _check_valid(
        read_bytes(current_main(awaiting).storage_name), test_pki, "agent-web.pdf", "Nguyễn Văn An"
    )


def test_endpoints_answer_structured_errors(world, awaiting, rsa_credential, login, client):
    prepare = reverse("signsession:prepare", args=[awaiting.public_id])
    finish = reverse("signsession:finish", args=[awaiting.public_id])
    assert client.post(prepare).json()["error"]["code"] == "login_required"

    outsider = login(world.outsider)
    response = outsider.post(prepare)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"

    clerk = login(world.clerk_ubnd)  # sees the document, is not its signer
    response = clerk.post(prepare)
    assert (
        response.status_code == 403
        and "người ký được chỉ định" in response.json()["error"]["message"]
    )

    leader = login(world.leader_ubnd)
    assert leader.get(prepare).status_code == 405
    response = leader.post(
        finish, {"pending_id": "x", "signature": "AAAA"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Không tìm thấy phiên ký số này; hãy bấm ký lại."
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_SIGNATURE
