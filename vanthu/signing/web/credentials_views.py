"""Screens: a person's signing key and signature image, an agency's seal, and the list of every
credential for administrators. Rules and permissions live in ``vanthu.signing.credentials``;
these views parse forms, call it and render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency
from vanthu.errors import DomainError
from vanthu.signing import credentials as creds
from vanthu.signing.actions import active_credential
from vanthu.signing.models import SigningCredential
from vanthu.web.views.common import attach_errors, paginate

Kind = SigningCredential.Kind
REQUIRED = {"required": "Hãy chọn tệp."}
IMAGE_HELP = (
    "Ảnh PNG nền trong suốt (Phụ lục I Nghị định 30/2020): chữ ký màu xanh; con dấu màu đỏ, "
    "đúng kích thước thật."
)


def _file(label, accept, help_text=""):
    return forms.FileField(
        label=label,
        help_text=help_text,
        error_messages=REQUIRED,
        widget=forms.FileInput(attrs={"accept": accept}),
    )


def _text(label, help_text="", required=False, **attrs):
    return forms.CharField(
        label=label, help_text=help_text, required=required, widget=forms.TextInput(attrs=attrs)
    )


def _secret(label, help_text=""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class ImageForm(forms.Form):
    image = _file("Ảnh chữ ký / con dấu", "image/png", IMAGE_HELP)


class Pkcs12Form(ImageForm):
    key_file = _file(
        "Tệp khóa (.p12, .pfx)",
        ".p12,.pfx",
        "Tệp do tổ chức cung cấp dịch vụ chứng thực cấp. Tệp được lưu trên máy chủ, chỉ "
        "máy chủ đọc được.",
    )
    password = _secret(
        "Mật khẩu tệp khóa",
        "Dùng một lần để đọc chứng thư số; hệ thống không lưu mật khẩu, bạn nhập lại mỗi khi ký.",
    )
    password_env = _text(
        "Hoặc: biến môi trường chứa mật khẩu (quản trị)",
        "Để máy chủ tự mở khóa con dấu khi phát hành, ví dụ VANTHU_SEAL_UBND.",
        autocomplete="off",
    )
    field_order = ["key_file", "password", "password_env", "image"]


class Pkcs11Form(ImageForm):
    module = forms.ChoiceField(label="Thư viện PKCS#11 trên máy chủ")
    token_label = _text("Tên thiết bị (token label)", required=True, autocomplete="off")
    key_label = _text("Tên khóa trên thiết bị (key label)", required=True, autocomplete="off")
    pin = _secret(
        "Mã PIN", "Dùng một lần để đọc chứng thư số; hệ thống không lưu mã PIN, bạn nhập khi ký."
    )
    pin_env = _text(
        "Hoặc: biến môi trường chứa mã PIN (quản trị)",
        "Để máy chủ tự mở khóa con dấu trên HSM khi phát hành.",
        autocomplete="off",
    )
    field_order = ["module", "token_label", "key_label", "pin", "pin_env", "image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [(m, m) for m in creds.pkcs11_modules()]


class AgentForm(ImageForm):
    certificate = _file(
        "Chứng thư số (.cer, .crt, .der, .pem)",
        ".cer,.crt,.der,.pem",
        "Xuất chứng thư số từ USB token bằng phần mềm của nhà cung cấp (không có khóa bí mật). "
        "Khi ký, phần mềm vanthu-signer trên máy của bạn dùng USB token; máy chủ chỉ giữ "
        "chứng thư để đối chiếu.",
    )
    field_order = ["certificate", "image"]


class CscForm(ImageForm):
    service_url = _text(
        "Địa chỉ dịch vụ ký số từ xa", "Ví dụ https://ca.example.vn/csc/v2", required=True
    )
    credential_id = _text("Mã khóa (credential ID)", "Do dịch vụ cấp cho bạn.", required=True)
    client_id = _text("Mã ứng dụng (client ID)", required=True)
    client_secret_env = _text(
        "Biến môi trường chứa khóa bí mật của ứng dụng",
        "Tên biến trên máy chủ, ví dụ VANTHU_CSC_SECRET; quản trị hệ thống cấu hình giá trị.",
        required=True,
    )
    field_order = ["service_url", "credential_id", "client_id", "client_secret_env", "image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        services = creds.csc_services()
        if services:  # the operator's list: chosen, not typed
            self.fields["service_url"] = forms.ChoiceField(
                label=self.fields["service_url"].label, choices=[(u, u) for u in services]
            )


FORMS = {Kind.PKCS12: Pkcs12Form, Kind.PKCS11: Pkcs11Form, Kind.AGENT: AgentForm, Kind.CSC: CscForm}


def _read(upload, limit=None) -> bytes:
    if upload is None:
        return b""
    return upload.read((limit or settings.VANTHU_MAX_UPLOAD_BYTES) + 1)


def _register(actor, kind, d, owner):
    image = _read(d["image"])
    if kind == Kind.PKCS12:
        return creds.register_pkcs12_upload(
            actor,
            **owner,
            key_file=_read(d["key_file"], creds.KEY_FILE_LIMIT),
            password=d["password"],
            password_env=d.get("password_env", ""),
            image_png=image,
        )
    if kind == Kind.PKCS11:
        return creds.register_pkcs11(
            actor,
            **owner,
            module=d["module"],
            token_label=d["token_label"],
            key_label=d["key_label"],
            pin=d["pin"],
            pin_env=d.get("pin_env", ""),
            image_png=image,
        )
    if kind == Kind.AGENT:
        certificate = _read(d["certificate"], creds.CERT_FILE_LIMIT)
        return creds.register_agent(actor, **owner, certificate=certificate, image_png=image)
    fields = ("service_url", "credential_id", "client_id", "client_secret_env")
    return creds.register_csc(actor, **owner, **{f: d[f] for f in fields}, image_png=image)


def _forms(request, bound_kind=None, bound=None):
    """One form per kind; the server-secret fields only for administrators."""
    admin = roles_of(request.user).is_admin
    result = {}
    for kind, form_class in FORMS.items():
        form = bound if kind == bound_kind else form_class(prefix=kind)
        if not admin:
            form.fields.pop("password_env", None)
            form.fields.pop("pin_env", None)
        result[kind] = form
    return result


def _render_owner(request, *, agency=None, bound_kind=None, bound=None, status=200):
    owner = {"agency": agency} if agency else {"user": request.user}
    credential = active_credential(**owner)
    context = {
        "agency": agency,
        "credential": credential,
        "facts": creds.facts_of(credential.certificate_pem) if credential else None,
        "forms": _forms(request, bound_kind, bound),
        "bound_kind": bound_kind,
        "kinds": Kind,
        "image_form": ImageForm(prefix="image"),
        "seal_agencies": creds.seal_agencies(request.user)[:50] if agency else None,
    }
    return render(request, "signing/credentials_owner.html", context, status=status)


def _handle_register(request, kind, agency=None):
    if kind not in FORMS:
        raise Http404
    form = FORMS[kind](request.POST, request.FILES, prefix=kind)
    if not roles_of(request.user).is_admin:
        form.fields.pop("password_env", None)
        form.fields.pop("pin_env", None)
    if form.is_valid():
        owner = {"agency": agency} if agency else {"user": request.user}
        try:
            _register(request.user, kind, form.cleaned_data, owner)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã đăng ký khóa ký số và ảnh chữ ký.")
            return _back_to_owner(agency)
    return _render_owner(request, agency=agency, bound_kind=kind, bound=form, status=400)


def _back_to_owner(agency):
    if agency is not None:
        return redirect("credentials:seal", code=agency.code)
    return redirect("credentials:mine")


def _seal_agency(request, code) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not creds.can_manage_seal(request.user, agency):
        raise Http404
    return agency


@login_required
@require_GET
def mine(request):
    return _render_owner(request)


@login_required
@require_POST
def register(request, kind):
    return _handle_register(request, kind)


@login_required
@require_GET
def seal_index(request):
    agency = creds.seal_agencies(request.user).first()
    if agency is None:
        raise Http404
    return redirect("credentials:seal", code=agency.code)


@login_required
@require_GET
def seal(request, code):
    return _render_owner(request, agency=_seal_agency(request, code))


@login_required
@require_POST
def seal_register(request, code, kind):
    return _handle_register(request, kind, _seal_agency(request, code))


@login_required
@require_GET
def image(request, public_id):
    credential = creds.get_credential_for_user(request.user, public_id)
    try:
        content = creds.image_of(credential)
    except (DomainError, OSError):
        raise Http404 from None
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _after_change(request, credential):
    if credential.agency_id is not None:
        return _back_to_owner(credential.agency)
    if credential.user_id == request.user.pk:
        return redirect("credentials:mine")
    return redirect("credentials:all")


@login_required
@require_POST
def image_replace(request, public_id):
    credential = creds.get_credential_for_user(request.user, public_id)
    form = ImageForm(request.POST, request.FILES, prefix="image")
    if not form.is_valid():
        messages.error(request, "Hãy chọn ảnh PNG mới.")
        return _after_change(request, credential)
    try:
        creds.replace_image(request.user, credential, _read(form.cleaned_data["image"]))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã thay ảnh chữ ký.")
    return _after_change(request, credential)


@login_required
@require_POST
def deactivate(request, public_id):
    credential = creds.get_credential_for_user(request.user, public_id)
    if request.POST.get("confirm") != "1":
        messages.error(request, "Hãy đánh dấu ô xác nhận trước khi ngừng sử dụng khóa ký số.")
        return _after_change(request, credential)
    try:
        creds.deactivate_credential(request.user, credential)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã ngừng sử dụng khóa ký số.")
    return _after_change(request, credential)


@login_required
@require_GET
def all_credentials(request):
    code = request.GET.get("agency", "").strip()
    agency = Agency.objects.filter(code=code).first() if code else None
    include_inactive = request.GET.get("state") == "all"
    qs = creds.credentials_for_admin(request.user, agency=agency, include_inactive=include_inactive)
    if code and agency is None:
        qs = qs.none()
    page, query = paginate(request, qs)
    rows = [(c, creds.facts_of(c.certificate_pem)) for c in page.object_list]
    context = {
        "page": page,
        "query": query,
        "rows": rows,
        "code": code,
        "unknown_code": bool(code) and agency is None,
        "include_inactive": include_inactive,
    }
    return render(request, "signing/credentials_list.html", context)
