"""What a failed signature leaves behind: nothing. And without credentials nothing changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents.helpers import advance, make_draft
from vanthu.audit.models import AuditEvent
from vanthu.documents import actions
from vanthu.documents.files import current_main
from vanthu.documents.models import FileVersion, NumberCounter, Status
from vanthu.exchange.models import Delivery
from vanthu.signing.errors import DocumentStateError, KeyFileError, SignerConfigError
from vanthu.signing.pki import DEFAULT_PASSWORD

from .conftest import SEAL_ENV


def _awaiting(world):
    return advance(world, make_draft(world, recipients=[world.stc]), Status.AWAITING_SIGNATURE)


def test_it_refuses_a_wrong_password_and_leaves_the_draft_awaiting(world, personal_credential):
    doc = _awaiting(world)
    files, events = FileVersion.objects.count(), AuditEvent.objects.count()
    with pytest.raises(KeyFileError) as excinfo:
        actions.approve_signature(world.leader_ubnd, doc, approve=True, secret="sai-mat-khau")
    assert "sai mật khẩu" in excinfo.value.message
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE
    assert (FileVersion.objects.count(), AuditEvent.objects.count()) == (files, events)


def test_it_asks_for_the_password_when_none_is_typed(world, personal_credential):
    doc = _awaiting(world)
    with pytest.raises(SignerConfigError, match="Hãy nhập mật khẩu"):
        actions.approve_signature(world.leader_ubnd, doc, approve=True)
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE


def test_wrong_password_through_the_page_shows_the_error(world, personal_credential, client):
    doc = _awaiting(world)
    client.force_login(world.leader_ubnd)
    response = client.post(
        reverse("web:document_action", args=[doc.public_id, "approve_signature"]),
        {"decision": "approve", "signing_secret": "sai"},
        follow=True,
    )
    assert "Không mở được tệp khóa ký số: sai mật khẩu" in response.content.decode()
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE


def test_returning_the_draft_needs_no_password(world, personal_credential):
    doc = _awaiting(world)
    actions.approve_signature(world.leader_ubnd, doc, approve=False, comment="Sửa lại Điều 2.")
    assert doc.status == Status.DRAFT


def test_a_seal_without_its_server_password_does_not_issue(
    world, personal_credential, agency_credential, monkeypatch
):
    doc = _awaiting(world)
    actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    monkeypatch.setenv(SEAL_ENV, "sai")
    with pytest.raises(KeyFileError):
        actions.issue_document(world.clerk_ubnd, doc)
    monkeypatch.delenv(SEAL_ENV)
    with pytest.raises(SignerConfigError, match=SEAL_ENV):
        actions.issue_document(world.clerk_ubnd, doc)
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED and doc.number is None


def test_a_failed_agency_signature_rolls_the_number_back(world, agency_credential):
    # The chairman has no credential: the PDF carries no personal signature to seal.
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.APPROVED)
    files = FileVersion.objects.count()
    with pytest.raises(DocumentStateError, match="chưa có chữ ký của người có thẩm quyền"):
        actions.issue_document(world.clerk_ubnd, doc)
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    assert (doc.number, doc.number_text, doc.issued_on) == (None, "", None)
    assert not NumberCounter.objects.filter(last_value__gt=0).exists()
    assert not Delivery.objects.exists()
    assert FileVersion.objects.count() == files


def test_without_credentials_the_flow_is_unchanged(world):
    draft = make_draft(world, recipients=[world.stc])
    first = current_main(draft)
    doc = advance(world, draft, Status.ISSUED)
    assert doc.reference == "01/UBND-KT"
    # The only new version is the QR-stamped issued PDF, derived from the draft's PDF.
    issued = current_main(doc)
    assert issued.derived_from == first and issued.version == first.version + 1
    assert doc.verification_code
    events = list(
        AuditEvent.objects.filter(object_id=str(doc.public_id)).values_list("action", flat=True)
    )
    assert "document.verification_stamped" in events
    assert not [e for e in events if e.startswith("document.signed")]
    incoming = doc.deliveries.get().incoming_document
    assert current_main(incoming).signature_checks.get().verdict == "unsigned"
