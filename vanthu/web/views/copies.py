"""Making an electronic copy (sao y, trích sao, sao lục) of a document the agency holds."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.documents.access import get_document_for_user
from vanthu.documents.actions.copies import NO_SEAL, copyable_forms, make_electronic_copy
from vanthu.documents.models import CopyForm
from vanthu.errors import DomainError, ValidationFailed
from vanthu.signing.actions import active_credential
from vanthu.signing.errors import SigningError
from vanthu.web.views.common import attach_errors

SECRET_LABELS = {
    "pkcs12": "Mật khẩu tệp khóa ký số của cơ quan",
    "pkcs11": "Mã PIN thiết bị ký số của cơ quan",
    "csc": "Mã OTP của dịch vụ ký số từ xa",
}


class ElectronicCopyForm(forms.Form):
    copy_form = forms.ChoiceField(label="Hình thức sao", widget=forms.RadioSelect)
    pages = forms.CharField(
        label="Trang trích sao", required=False, max_length=100, help_text="ví dụ: 1-2,5"
    )
    recipients = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(), label="Gửi điện tử đến cơ quan", required=False
    )
    recipients_text = forms.CharField(
        label="Nơi nhận (ghi trên bản sao)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, original, credential, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = copyable_forms(original)
        self.fields["copy_form"].choices = [(f, CopyForm(f).label) for f in allowed]
        if len(allowed) == 1:
            self.fields["copy_form"].initial = allowed[0]
        self.fields["recipients"].queryset = Agency.objects.exclude(pk=original.agency_id).filter(
            valid_to__isnull=True
        )
        if credential is not None and (credential.needs_typed_secret or credential.kind == "csc"):
            self.fields["signing_secret"] = forms.CharField(
                label=SECRET_LABELS.get(credential.kind, "Mật khẩu khóa ký số của cơ quan"),
                widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
            )


def _show_error(form, exc: DomainError) -> None:
    if isinstance(exc, SigningError) and "signing_secret" in form.fields:
        form.add_error("signing_secret", exc.message)
    elif isinstance(exc, ValidationFailed) and "form" in exc.errors:
        form.add_error("copy_form", exc.errors["form"])
    else:
        attach_errors(form, exc)


@sensitive_post_parameters("signing_secret")
@login_required
def create_copy(request, public_id):
    original = get_document_for_user(request.user, public_id)
    # Only the clerk of the holding agency copies (Art. 27); others learn nothing more.
    if not roles_of(request.user).has(original.agency_id, Role.CLERK):
        raise Http404("Không tìm thấy văn bản hoặc bạn không có quyền sao văn bản này.")
    credential = active_credential(agency=original.agency)
    form = ElectronicCopyForm(request.POST or None, original=original, credential=credential)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = make_electronic_copy(
                request.user,
                original,
                form=data["copy_form"],
                pages=data["pages"] if data["copy_form"] == CopyForm.EXTRACT else "",
                secret=data.get("signing_secret", ""),
                recipients=list(data["recipients"]),
                recipients_text=data["recipients_text"],
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            label = CopyForm(copy.copy_form).label.lower()
            messages.success(request, f"Đã tạo bản {label} điện tử số {copy.reference}.")
            return redirect("web:document_detail", public_id=copy.public_id)
    context = {
        "form": form,
        "doc": original,
        "no_seal": NO_SEAL if credential is None else "",
        "copies": original.copies.select_related("doc_type").order_by("-issued_at"),
    }
    return render(
        request, "web/copy_form.html", context, status=400 if request.method == "POST" else 200
    )
