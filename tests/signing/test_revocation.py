"""Revocation and timestamps: revoked certificates found through the loopback OCSP responder
and CRLs, signing refused with a revoked, expired or wrongly-usable certificate (nothing
stored), B-T in the document flow with the loopback TSA, and B-LTA output."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import PdfSignatureValidationSpec, SignatureValidationSpec
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from tests.documents.helpers import advance, make_draft
from tests.signing import tools
from vanthu.documents import actions as documents
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Status
from vanthu.errors import ValidationFailed
from vanthu.signing import actions as signing
from vanthu.signing import pades, trust
from vanthu.signing.appearance import iso_vn
from vanthu.signing.backends.pkcs12 import signer_from_key
from vanthu.signing.errors import SigningError
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.profile import signature_level, signature_profile
from vanthu.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db

REVOKED = "Chứng thư số của người ký đã bị thu hồi"


@pytest.fixture
def revoked(test_pki):
    test_pki.pki.revoke(test_pki.revoked)
    return test_pki.revoked


@pytest.fixture
def store(settings, test_pki):
    """The test PKI's root trusted through the settings file, revocation soft-fail."""
    settings.VANTHU_TRUST_ROOTS = [str(test_pki.directory / "root.pem")]
    settings.VANTHU_REVOCATION_MODE = "soft-fail"
    settings.VANTHU_TSA_URL = ""
    settings.VANTHU_SIGNATURE_LEVEL = ""
    return test_pki


def _signed_by(issued, test_pki, sample) -> bytes:
    signer = signer_from_key(issued.key, issued.cert, test_pki.pki.chain)
    return pades.sign_attachment(sample.pdf, signer, reference="12/UBND-VP")


def test_revoked_certificate_found_by_the_loopback_ocsp_responder(store, revoked, sample, services):
    pdf = _signed_by(revoked, store, sample)
    before = services.hits["ocsp"]
    report = verify_pdf(pdf, context=trust.validation_context)
    assert services.hits["ocsp"] > before
    assert report["verdict"] == "invalid"
    (sig,) = report["signatures"]
    assert sig["signer"] == "Lê Văn Cường" and not sig["trusted"]
    assert any(r.startswith(REVOKED) for r in sig["reasons"]), sig["reasons"]


def test_revoked_certificate_found_in_a_crl(store, revoked, sample):
    pdf = _signed_by(revoked, store, sample)
    report = verify_pdf(pdf, trust_roots=[store.pki.root.cert], crls=[store.pki.crl(store.pki.ca)])
    assert report["verdict"] == "invalid"
    assert any(r.startswith(REVOKED) for r in report["signatures"][0]["reasons"])


def test_a_good_certificate_stays_valid_with_live_revocation_checks(store, sample, services):
    pdf = _signed_by(store.person, store, sample)
    report = verify_pdf(pdf, trust_roots=[store.pki.root.cert], ocsp_fetching=True)
    assert report["verdict"] == "valid", report


# -- at signing time -----------------------------------------------------------------------


def test_sign_time_check_names_each_problem(store, revoked, test_pki):
    chain = test_pki.pki.chain
    assert trust.signing_certificate_problem(test_pki.person.cert, chain) is None
    assert "đã bị thu hồi" in trust.signing_certificate_problem(revoked.cert, chain)
    assert "đã hết hiệu lực" in trust.signing_certificate_problem(test_pki.expired.cert, chain)

    ca = test_pki.pki.ca
    now = dt.datetime.now(dt.UTC)
    encipher_only = (
        x509.CertificateBuilder()
        .subject_name(test_pki.person.cert.subject)
        .issuer_name(ca.cert.subject)
        .public_key(test_pki.person.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(False, False, True, False, False, False, False, False, False), True
        )
        .sign(ca.key, hashes.SHA256())
    )
    assert "digitalSignature/nonRepudiation" in trust.signing_certificate_problem(
        encipher_only, chain
    )


@pytest.mark.parametrize("slug", ["thu-hoi", "het-han"])
def test_registering_a_revoked_or_expired_key_stores_nothing(world, store, revoked, slug):
    with pytest.raises((SigningError, ValidationFailed)) as caught:
        signing.register_credential(
            world.admin,
            user=world.leader_ubnd,
            kind="pkcs12",
            params={"path": str(store.directory / f"{slug}.p12")},
            image_png=tools.signature_png(),
            secret=DEFAULT_PASSWORD,
        )
    assert "không thể ký số" in str(caught.value.message)
    assert not SigningCredential.objects.exists()


def test_signing_with_a_key_revoked_after_registration_stores_nothing(world, store, test_pki):
    late = test_pki.pki.issue_person(
        "thu-hoi-sau", "Trần Văn Chủ Tịch", agency="UBND", citizen_id="040080009999"
    )
    path = store.directory / "thu-hoi-sau.p12"
    path.write_bytes(late.pkcs12(DEFAULT_PASSWORD, test_pki.pki.chain))
    signing.register_credential(
        world.admin,
        user=world.leader_ubnd,
        kind="pkcs12",
        params={"path": str(path)},
        image_png=tools.signature_png(),
        secret=DEFAULT_PASSWORD,
    )
    doc = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    versions = doc.files.count()
    test_pki.pki.revoke(late)
    with pytest.raises(SigningError, match="đã bị thu hồi"):
        documents.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE and doc.files.count() == versions


# -- timestamps and long-term validation ---------------------------------------------------


def test_the_flow_signs_b_t_with_the_loopback_tsa(world, store, settings, services, test_pki):
    settings.VANTHU_TSA_URL = services.tsa_url
    assert signature_level() == "B-T"
    for slug, owner in (("nguyen-van-an", {"user": world.leader_ubnd}), ("ubnd-tinh", {})):
        signing.register_credential(
            world.admin,
            **(owner or {"agency": world.ubnd}),
            kind="pkcs12",
            params={"path": str(store.directory / f"{slug}.p12")},
            image_png=tools.signature_png(),
            secret=DEFAULT_PASSWORD,
        )
    before = services.hits["tsa"]
    doc = advance(world, make_draft(world), Status.AWAITING_SIGNATURE)
    documents.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    settings_env = "VANTHU_TEST_TRUST_SEAL"
    SigningCredential.objects.filter(agency=world.ubnd).update(
        params={"path": str(store.directory / "ubnd-tinh.p12"), "password_env": settings_env}
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(settings_env, DEFAULT_PASSWORD)
        doc = documents.issue_document(world.clerk_ubnd, doc)
    assert services.hits["tsa"] >= before + 2
    content = read_bytes(current_main(doc).storage_name)

    report = verify_pdf(content, context=trust.validation_context)
    assert report["verdict"] == "valid", report
    for embedded, sig in zip(
        PdfFileReader(io.BytesIO(content)).embedded_signatures, report["signatures"], strict=True
    ):
        timestamp = validate_pdf_signature(embedded, trust.validation_context()).timestamp_validity
        assert timestamp is not None, "no RFC 3161 timestamp on the signature"
        assert timestamp.intact and timestamp.valid and timestamp.trusted
        assert sig["signed_at"] == iso_vn(timestamp.timestamp)

    path = tools.ARTIFACTS / "flow-b-t.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    signed = [s for s in tools.pdfsig(path) if s["signed"]]
    assert len(signed) == 2
    assert all(s["Signature Validation"] == "Signature is Valid." for s in signed)


def test_b_lta_output_validates_with_pyhanko(store, settings, services, person_signer, sample):
    settings.VANTHU_TSA_URL = services.tsa_url
    settings.VANTHU_SIGNATURE_LEVEL = "B-LTA"
    profile = signature_profile(person_signer.certificate, store.pki.chain)
    assert profile.lta and profile.validation_context is not None
    pdf = pades.sign_attachment(sample.pdf, person_signer, reference="05/QĐ-UBND", profile=profile)

    reader = PdfFileReader(io.BytesIO(pdf))
    assert "/DSS" in reader.root
    dss = reader.root["/DSS"]
    assert dss["/Certs"] and (dss.get("/OCSPs") or dss.get("/CRLs"))
    kinds = [s.sig_object_type for s in reader.embedded_signatures]
    assert kinds == ["/Sig", "/DocTimeStamp"]

    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=trust.trust_roots()),
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy(
                        RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                        RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                    )
                ),
            )
        )
    )
    result = asyncio.run(ades_lta_validation(reader.embedded_signatures[0], spec))
    assert result.ades_subindic == AdESPassed.OK, result.ades_subindic
    assert result.api_status.bottom_line


def test_b_lta_falls_back_to_b_t_when_the_chain_is_not_trusted(settings, services, test_pki):
    settings.VANTHU_TRUST_ROOTS = []
    settings.VANTHU_TSA_URL = services.tsa_url
    settings.VANTHU_SIGNATURE_LEVEL = "B-LTA"
    settings.VANTHU_REVOCATION_MODE = "off"
    profile = signature_profile(test_pki.untrusted_person.cert, test_pki.untrusted.chain)
    assert profile.timestamper is not None and not profile.lta


def test_a_level_above_b_b_needs_a_tsa(settings):
    settings.VANTHU_TSA_URL = ""
    settings.VANTHU_SIGNATURE_LEVEL = "B-T"
    with pytest.raises(SigningError, match="VANTHU_TSA_URL"):
        signature_profile()
    settings.VANTHU_SIGNATURE_LEVEL = ""
    assert signature_level() == "B-B" and signature_profile().timestamper is None
