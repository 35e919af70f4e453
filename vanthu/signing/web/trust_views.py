"""The trust store page (system administrators) and the agency's arrival policy page
(its leaders, or a system administrator). Logic lives in ``vanthu.signing.trust`` and
``vanthu.signing.policy``; these views only bind forms and show errors.

Both answer 403 to anyone else: the pages are named in the navigation for their users, and a
clerk opening the address should be told they lack the right, not that it does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.errors import DomainError
from vanthu.signing import policy, trust
from vanthu.signing.models import TrustedCertificate
from vanthu.web.views.common import attach_errors


class CertificateUploadForm(forms.Form):
    certificate = forms.FileField(
        label="Tệp chứng thư số CA",
        help_text="PEM, DER hoặc CER; một chứng thư mỗi lần.",
        error_messages={"required": "Hãy chọn tệp chứng thư số."},
    )
    note = forms.CharField(label="Ghi chú", max_length=300, required=False)


class PolicyForm(forms.Form):
    refuse_unsigned = forms.BooleanField(
        label="Tự động từ chối văn bản điện tử chưa ký số", required=False
    )
    refuse_invalid = forms.BooleanField(
        label="Tự động từ chối văn bản có chữ ký số không hợp lệ", required=False
    )


def _require_admin(user) -> None:
    if not roles_of(user).is_admin:
        raise DjangoPermissionDenied(
            "Chỉ quản trị hệ thống mới được quản lý kho chứng thư tin cậy."
        )


@login_required
def trust_list(request):
    _require_admin(request.user)
    form = CertificateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["certificate"]
        try:
            record = trust.add_trusted_certificate(
                request.user, upload.read(trust.MAX_CERTIFICATE_BYTES + 1),
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm vào kho chứng thư tin cậy: {record.subject}.")
            return redirect("trust:index")
    context = {"form": form, "certificates": trust.list_trusted_certificates()}
    return render(request, "signing/trust_list.html", context, status=400 if form.errors else 200)


@login_required
def trust_deactivate(request, public_id):
    _require_admin(request.user)
    try:
        record = trust.get_trusted_certificate_for_admin(request.user, public_id)
    except TrustedCertificate.DoesNotExist:
        raise Http404 from None
    error = None
    if request.method == "POST":
        try:
            trust.deactivate_trusted_certificate(request.user, record)
        except DomainError as exc:
            error = exc.message if not hasattr(exc, "errors") else " ".join(exc.errors.values())
        else:
            messages.success(request, f"Đã ngừng tin cậy: {record.subject}.")
            return redirect("trust:index")
    return render(request, "signing/trust_deactivate.html", {"record": record, "error": error})


def _policy_agency(request) -> Agency:
    """The agency whose policy is shown: ?agency=<code> among those the user may manage."""
    roles = roles_of(request.user)
    allowed = Agency.objects.all()
    if not roles.is_admin:
        allowed = allowed.filter(pk__in=roles.agencies_with(Role.AGENCY_LEADER, Role.ADMIN))
    wanted = request.GET.get("agency") or request.POST.get("agency")
    agency = (allowed.filter(code=wanted) if wanted else allowed.order_by("pk")).first()
    if agency is None:
        raise DjangoPermissionDenied(
            "Chỉ lãnh đạo cơ quan hoặc quản trị hệ thống mới được xem quy định tiếp nhận."
        )
    return agency


@login_required
def policy_edit(request):
    agency = _policy_agency(request)
    current = policy.policy_for(agency)
    initial = {"refuse_unsigned": current.refuse_unsigned, "refuse_invalid": current.refuse_invalid}
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy.update_policy(request.user, agency, **form.cleaned_data)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã lưu quy định tiếp nhận văn bản ký số.")
            return redirect(f"{request.path}?agency={agency.code}")
    return render(request, "signing/trust_policy.html", {"form": form, "agency": agency})
