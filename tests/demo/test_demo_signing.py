"""The demo's signing setup: every leader and every agency gets a key, the demo root is
trusted, and a document signed and issued in the demo is valid for the verifier."""

from __future__ import annotations

import pytest

from tests.demo.test_seed import NOW
from vanthu.demo import DEMO_PASSWORD
from vanthu.demo import signing as demo_signing
from vanthu.demo.seed import seed_demo
from vanthu.directory.models import Agency, Membership, Role
from vanthu.documents import actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Document, Status
from vanthu.signing.models import SigningCredential, TrustedCertificate
from vanthu.signing.verify import verify_pdf


@pytest.fixture
def demo_pki(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    seed_demo(12, now=NOW)
    done = demo_signing.set_up_signing()
    return done


def test_leaders_and_agencies_get_keys_and_a_document_signed_in_the_demo_is_valid(demo_pki):
    agencies = Agency.objects.filter(valid_to__isnull=True).count()
    leaders = (
        Membership.objects.current()
        .filter(role=Role.AGENCY_LEADER)
        .values("user")
        .distinct()
        .count()
    )
    assert demo_pki.agencies == agencies > 0
    assert demo_pki.people == leaders > 0
    assert SigningCredential.objects.filter(agency__isnull=False, active=True).count() == agencies
    assert SigningCredential.objects.filter(user__isnull=False, active=True).count() == leaders
    assert set(TrustedCertificate.objects.values_list("role", flat=True)) == {
        "root",
        "intermediate",
    }
    assert demo_signing.is_set_up()
    pki = demo_signing.load_pki()  # what the demo's TSA/CRL/OCSP services run on
    assert pki.ca.cert.issuer == pki.root.cert.subject and pki.tsa.key is not None
    assert (demo_signing.pki_dir() / "tsa.key").stat().st_mode & 0o777 == 0o600

    # A leader approves with the demo password; the clerk issues with the server-held seal.
    doc = (
        Document.objects.filter(
            status=Status.AWAITING_SIGNATURE,
            signer__signing_credentials__kind="pkcs12",
            signer__signing_credentials__active=True,
        )
        .select_related("signer")
        .first()
    )
    assert doc is not None, "the demo seeds documents awaiting signature"
    actions.approve_signature(doc.signer, doc, approve=True, secret=DEMO_PASSWORD)
    clerk = Membership.objects.current().filter(agency=doc.agency, role=Role.CLERK).first().user
    doc = actions.issue_document(clerk, Document.objects.get(pk=doc.pk))
    report = verify_pdf(
        read_bytes(current_main(doc).storage_name),
        trust_roots=[(demo_signing.pki_dir() / "root.pem").read_bytes()],
    )
    assert report["verdict"] == "valid", report
    assert report["has_personal"] and report["has_agency"]
