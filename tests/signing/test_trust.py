"""The trust store: adding CA certificates (PEM/DER, CA only, not expired, no duplicates),
deactivating them, what verification trusts, and the faster signature-value parsing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from vanthu.audit.models import AuditEvent
from vanthu.errors import PermissionDenied, ValidationFailed
from vanthu.signing import trust, verify
from vanthu.signing.models import TrustedCertificate
from vanthu.signing.pki import DemoPki
from vanthu.signing.verify import verify_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline_revocation(settings):
    # These tests are about the store; revocation has its own module.
    settings.VANTHU_REVOCATION_MODE = "off"
    settings.VANTHU_TRUST_ROOTS = []


def _check(pdf: bytes) -> dict:
    return verify_pdf(pdf, context=trust.validation_context)


def test_a_document_becomes_valid_when_its_root_is_added_and_untrusted_again_after(
    world, issued, test_pki
):
    assert _check(issued)["verdict"] == "untrusted"
    reasons = _check(issued)["signatures"][0]["reasons"]
    assert "Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực tin cậy cấp." in reasons

    record = trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_pem, note="Thử")
    assert record.role == TrustedCertificate.Role.ROOT and record.active
    assert "CN=Root CA Quốc gia (Thử nghiệm)" in record.subject
    assert _check(issued)["verdict"] == "valid"

    trust.deactivate_trusted_certificate(world.admin, record)
    assert TrustedCertificate.objects.get(pk=record.pk).active is False
    assert _check(issued)["verdict"] == "untrusted"
    assert list(
        AuditEvent.objects.filter(object_id=str(record.public_id)).values_list("action", flat=True)
    ) == ["signing.trust_added", "signing.trust_deactivated"]


def test_an_intermediate_alone_does_not_make_a_document_trusted(world, issued, test_pki):
    record = trust.add_trusted_certificate(world.admin, test_pki.pki.ca.cert_der)
    assert record.role == TrustedCertificate.Role.INTERMEDIATE
    assert trust.trust_material().intermediates and not trust.trust_roots()
    assert _check(issued)["verdict"] == "untrusted"


def test_settings_roots_and_store_roots_are_both_trusted(world, settings, test_pki, tmp_path):
    other = DemoPki()
    path = tmp_path / "national.pem"
    path.write_bytes(other.root.cert_pem)
    settings.VANTHU_TRUST_ROOTS = [str(path)]
    trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_pem)
    assert {c.dump() for c in trust.trust_roots()} == {
        other.root.cert_der,
        test_pki.pki.root.cert_der,
    }


def test_the_cache_follows_changes_made_elsewhere(world, test_pki):
    assert trust.trust_roots() == []
    # Written as another process would, without going through the actions.
    record = trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_pem)
    TrustedCertificate.objects.filter(pk=record.pk).update(active=False)
    assert trust.trust_roots() == []
    TrustedCertificate.objects.filter(pk=record.pk).update(active=True)
    assert len(trust.trust_roots()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Hãy chọn tệp chứng thư số."),
        (b"day khong phai chung thu", "Tệp không phải chứng thư số X.509"),
        (b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n", "Tệp không phải"),
    ],
)
def test_it_refuses_what_is_not_a_certificate(world, content, message):
    with pytest.raises(ValidationFailed) as caught:
        trust.add_trusted_certificate(world.admin, content)
    assert message in caught.value.errors["certificate"]
    assert not TrustedCertificate.objects.exists()


def test_it_refuses_a_signer_certificate(world, test_pki):
    with pytest.raises(ValidationFailed) as caught:
        trust.add_trusted_certificate(world.admin, test_pki.person.cert_pem)
    assert (
        "không phải chứng thư số của tổ chức cung cấp dịch vụ chứng thực"
        in (caught.value.errors["certificate"])
    )
    assert not TrustedCertificate.objects.exists()


def test_it_refuses_an_expired_ca_and_a_ca_that_cannot_sign_certificates(world, test_pki):
    root = test_pki.pki.root
    now = dt.datetime.now(dt.UTC)

    def ca_cert(*, not_after, key_cert_sign=True):
        builder = (
            x509.CertificateBuilder()
            .subject_name(root.cert.subject)
            .issuer_name(root.cert.subject)
            .public_key(root.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=400))
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .add_extension(
                x509.KeyUsage(True, False, False, False, False, key_cert_sign, True, False, False),
                True,
            )
        )
        return builder.sign(root.key, hashes.SHA256()).public_bytes(Encoding.PEM)

    with pytest.raises(ValidationFailed, match="đã hết hiệu lực"):
        trust.add_trusted_certificate(world.admin, ca_cert(not_after=now - dt.timedelta(days=1)))
    with pytest.raises(ValidationFailed, match="keyCertSign"):
        trust.add_trusted_certificate(
            world.admin, ca_cert(not_after=now + dt.timedelta(days=9), key_cert_sign=False)
        )
    assert not TrustedCertificate.objects.exists()


def test_it_refuses_a_duplicate_even_in_another_encoding(world, test_pki):
    trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_pem)
    with pytest.raises(ValidationFailed, match="đã có trong kho \\(đang được tin cậy\\)"):
        trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_der)
    assert TrustedCertificate.objects.count() == 1


def test_only_administrators_change_the_store(world, test_pki):
    with pytest.raises(PermissionDenied):
        trust.add_trusted_certificate(world.clerk_ubnd, test_pki.pki.root.cert_pem)
    record = trust.add_trusted_certificate(world.admin, test_pki.pki.root.cert_pem)
    with pytest.raises(PermissionDenied):
        trust.deactivate_trusted_certificate(world.leader_ubnd, record)
    trust.deactivate_trusted_certificate(world.admin, record)
    with pytest.raises(ValidationFailed, match="đã bị ngừng tin cậy"):
        trust.deactivate_trusted_certificate(world.admin, record)


def test_revocation_mode_is_checked(settings):
    settings.VANTHU_REVOCATION_MODE = "sometimes"
    with pytest.raises(ValueError, match="VANTHU_REVOCATION_MODE"):
        trust.validation_context()


# -- the faster hex-string reader ----------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [b"<48656C6C6F> rest", b"<48 65\n6c\r6C 6f> rest", b"<486> rest", b"<> rest", b"<4% c\n8> x"],
)
def test_the_hex_reader_reads_exactly_what_pyhanko_reads(raw):
    assert generic.read_hex_string_from_stream is verify._fast_read_hex_string
    fast, slow = io.BytesIO(raw), io.BytesIO(raw)
    got, expected = verify._fast_read_hex_string(fast), verify._PYHANKO_READ_HEX(slow)
    assert got == expected and type(got) is type(expected)
    assert fast.tell() == slow.tell()


def test_the_hex_reader_refuses_what_pyhanko_refuses():
    with pytest.raises(PdfStreamError):
        verify._fast_read_hex_string(io.BytesIO(b"<48zz> rest"))
    with pytest.raises(PdfStreamError):
        verify._fast_read_hex_string(io.BytesIO(b"<4865"))
