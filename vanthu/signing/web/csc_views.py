"""Remote signing (CSC): the signer asks the service to text them the OTP for a document.

The OTP itself is then typed into the approval form (``signing_secret``) and spent by
``vanthu.signing.actions.open_signer``; this view only triggers the SMS. Answers are small
HTML fragments for HTMX: the approval form swaps them under its «Gửi mã OTP» button.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from vanthu.audit.events import record_event
from vanthu.delegation.signing import may_sign_for
from vanthu.documents.access import get_document_for_user
from vanthu.documents.models import Document, Status
from vanthu.errors import PermissionDenied
from vanthu.signing.actions import active_credential
from vanthu.signing.backends import csc
from vanthu.signing.errors import SigningError
from vanthu.signing.models import SigningCredential


def send_signing_otp(user, doc: Document) -> SigningCredential:
    """Ask the remote signing service for the OTP that will approve ``doc``.

    Only the designated signer, while the document awaits their signature, and only with an
    active remote-signing credential: an OTP request costs an SMS and alerts the signer."""
    may_sign = doc.signer_id == user.pk or may_sign_for(user, doc) is not None
    if not may_sign or doc.status != Status.AWAITING_SIGNATURE:
        raise PermissionDenied("Chỉ người ký được chỉ định mới được yêu cầu mã OTP ký văn bản này.")
    credential = active_credential(user=user)
    if credential is None or credential.kind != SigningCredential.Kind.CSC:
        raise PermissionDenied("Bạn chưa đăng ký khóa ký số từ xa nên không cần mã OTP.")
    csc.send_otp(**credential.params)
    record_event(
        "signing.csc_otp_sent",
        doc,
        actor=user,
        agency=doc.agency,
        after={"credential": str(credential.public_id)},
    )
    return credential


@require_POST
@login_required
def send_otp(request, public_id):
    doc = get_document_for_user(request.user, public_id)
    try:
        send_signing_otp(request.user, doc)
    except PermissionDenied as exc:
        return _fragment(request, exc.message, ok=False, status=403)
    except SigningError as exc:
        # Shown in place (HTMX swaps 2xx only): the signer reads why and may retry.
        return _fragment(request, exc.message, ok=False)
    return _fragment(
        request,
        "Đã gửi mã OTP tới điện thoại của bạn. Mã gồm 6 chữ số, có hiệu lực trong 5 phút; "
        "nhập mã vào ô «Mã OTP» rồi bấm «Ký số và ký duyệt».",
        ok=True,
    )


def _fragment(request, message: str, *, ok: bool, status: int = 200):
    return render(
        request, "signing/csc_otp_result.html", {"message": message, "ok": ok}, status=status
    )
