"""An update carrying a replacing PDF that was signed elsewhere: both sides verify it, and
the recipient's clerk sees the verdict before agreeing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.documents.helpers import advance, make_draft
from tests.recalls.helpers import fresh
from vanthu.documents import actions as doc_actions
from vanthu.documents.files import current_main, read_bytes
from vanthu.documents.models import Status
from vanthu.recalls import actions
from vanthu.recalls.models import ReceivedRequest
from vanthu.signing.pki import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def _signed_and_issued(world, subject):
    doc = advance(
        world, make_draft(world, recipients=[world.stc], subject=subject), Status.AWAITING_SIGNATURE
    )
    doc_actions.approve_signature(world.leader_ubnd, doc, approve=True, secret=DEFAULT_PASSWORD)
    return doc_actions.issue_document(world.clerk_ubnd, doc)


def test_the_signed_replacing_pdf_is_verified_on_both_sides(
    world, client, trusted, personal_credential, agency_credential
):
    doc = _signed_and_issued(world, "Về việc bổ sung kinh phí")
    corrected = _signed_and_issued(world, "Về việc bổ sung kinh phí (bản đính chính)")
    content = read_bytes(current_main(corrected).storage_name)

    (request,) = actions.request_update(
        world.clerk_ubnd, doc, {}, ("dinh-chinh.pdf", content), reason="Thay tệp đã ký số."
    )
    assert request.new_file.signature_checks.get().verdict == "valid"
    incoming = doc.deliveries.get().incoming_document
    received = ReceivedRequest.objects.get(incoming=incoming)
    assert received.new_file.signature_checks.get().verdict == "valid"

    client.force_login(world.clerk_stc)
    page = client.get(reverse("web:document_detail", args=[incoming.public_id])).content.decode()
    assert "Hợp lệ: có chữ ký cá nhân và chữ ký cơ quan" in page
    actions.answer_request(world.clerk_stc, received, agree=True)
    assert current_main(fresh(incoming)).sha256 == request.new_file.sha256
