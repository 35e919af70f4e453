"""The document page and the actions a user can take from it."""

from __future__ import annotations

from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vanthu.audit.events import history_of
from vanthu.circuits.panel import has_open_review, review_panel
from vanthu.delegation.signing import may_sign_for
from vanthu.directory.access import leaders_of, roles_of
from vanthu.directory.models import Role
from vanthu.documents import actions
from vanthu.documents.access import get_document_for_user
from vanthu.documents.actions.copies import may_copy
from vanthu.documents.files import read_bytes
from vanthu.documents.models import Direction, Status
from vanthu.errors import DomainError
from vanthu.processing.selectors import document_panel
from vanthu.signing.actions import active_credential, signature_panels
from vanthu.web.forms import ForwardForm, PresentForm, RefuseForm, ReplaceFileForm, ReviewForm
from vanthu.web.views.common import staff_of
from vanthu.workfiles.queries import workfile_panel_context

REVIEW_STEPS = [
    ("review_content", "Kiểm tra nội dung (lãnh đạo đơn vị soạn thảo)"),
    ("check_form", "Kiểm tra thể thức, kỹ thuật trình bày (văn thư)"),
    ("approve_signature", "Ký duyệt (người có thẩm quyền)"),
]


def _available_actions(user, doc) -> set[str]:
    roles = roles_of(user)
    is_clerk = roles.has(doc.agency_id, Role.CLERK)
    is_leader = roles.has(doc.agency_id, Role.AGENCY_LEADER)
    can = set()
    if doc.direction == Direction.INCOMING:
        if doc.status == Status.ARRIVED and is_clerk:
            can |= {"accept", "refuse"}
        if doc.status in (Status.REGISTERED, Status.PRESENTED) and is_clerk:
            can.add("present")
        if doc.status in (Status.REGISTERED, Status.PRESENTED, Status.FORWARDED) and (
            is_leader or doc.presented_to_id == user.pk
        ):
            can.add("forward")
    else:
        if doc.status == Status.DRAFT and doc.created_by_id == user.pk:
            can |= {"submit", "replace_file"}
        if doc.status == Status.CONTENT_REVIEW and (
            doc.drafting_department_id in roles.led_departments or is_leader
        ):
            can.add("review_content")
        if doc.status == Status.FORM_CHECK and is_clerk:
            can.add("check_form")
        if doc.status == Status.AWAITING_SIGNATURE and (
            doc.signer_id == user.pk or may_sign_for(user, doc)
        ):
            can.add("approve_signature")
        if doc.status == Status.APPROVED and is_clerk:
            can.add("issue")
    if "review_content" in can and has_open_review(doc):
        can.discard("review_content")  # the circuit's own panel decides while a run is open
    if may_copy(user, doc):  # the holding agency's clerk, and the document may be copied
        can.add("copy")
    return can


def _context(request, doc, **forms):
    can = _available_actions(request.user, doc)
    files = list(doc.files.select_related("created_by").order_by("kind", "-version"))
    # With a personal credential the approval form is the signing form (it may ask for the
    # key's password), drawn by the page itself instead of the generic review form.
    personal = active_credential(user=request.user) if "approve_signature" in can else None
    seal = active_credential(agency=doc.agency) if "issue" in can else None
    context = {
        "doc": doc,
        "can": can,
        "files": files,
        "signature_panels": signature_panels(files),
        "personal_credential": personal,
        "signer_agent_url": settings.VANTHU_SIGNER_AGENT_URL,
        "processing_panel": document_panel(request.user, doc),  # None for outgoing
        "circuit_panel": review_panel(request.user, doc)
        if doc.direction == Direction.OUTGOING
        else None,
        "agency_credential": seal,
        "history": history_of(doc),
        "comments": doc.comments.select_related("author"),
        "forwards": doc.forwards.select_related("to_user", "to_department", "by").order_by("at"),
        "deliveries": doc.deliveries.select_related("recipient")
        .prefetch_related("events")
        .order_by("recipient__name")
        if doc.direction == Direction.OUTGOING
        else [],
        "source_delivery": getattr(doc, "source_delivery", None),
        "review_form": forms.get("review_form") or ReviewForm(),
        "review_steps": [s for s in REVIEW_STEPS if not (personal and s[0] == "approve_signature")],
        "refuse_form": forms.get("refuse_form") or RefuseForm(),
        "replace_form": forms.get("replace_form") or ReplaceFileForm(),
    }
    context.update(workfile_panel_context(request.user, doc))
    if "present" in can:
        context["present_form"] = forms.get("present_form") or PresentForm(
            leaders=leaders_of(doc.agency)
        )
    if "forward" in can:
        context["forward_form"] = forms.get("forward_form") or ForwardForm(
            agency=doc.agency, staff=staff_of(doc.agency)
        )
    return context


@login_required
def document_detail(request, public_id):
    doc = get_document_for_user(request.user, public_id)
    if doc.direction == Direction.INCOMING:
        actions.mark_read(request.user, doc)
    return render(request, "web/document_detail.html", _context(request, doc))


@login_required
def document_file(request, public_id, file_id):
    doc = get_document_for_user(request.user, public_id)
    version = doc.files.filter(public_id=file_id).first()
    if version is None:
        raise Http404("Không tìm thấy tệp.")
    return FileResponse(
        BytesIO(read_bytes(version.storage_name)),
        content_type=version.mime_type,
        as_attachment=request.GET.get("download") == "1",
        filename=version.original_name,
    )


def _run(request, doc, fn, success: str) -> None:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)


@sensitive_post_parameters("signing_secret")
@require_POST
@login_required
def document_action(request, public_id, action):
    doc = get_document_for_user(request.user, public_id)
    user = request.user
    post = request.POST
    if action == "accept":
        _run(
            request,
            doc,
            lambda: actions.accept_arrival(
                user, doc, confirm_duplicate=post.get("confirm_duplicate") == "on"
            ),
            "Đã tiếp nhận và vào sổ văn bản đến.",
        )
    elif action == "refuse":
        _run(
            request,
            doc,
            lambda: actions.refuse_arrival(user, doc, post.get("reason", "")),
            "Đã từ chối văn bản và báo lại cơ quan gửi.",
        )
    elif action == "present":
        form = PresentForm(post, leaders=leaders_of(doc.agency))
        if not form.is_valid():
            messages.error(request, "Hãy chọn lãnh đạo để trình.")
            return redirect("web:document_detail", public_id=doc.public_id)
        _run(
            request,
            doc,
            lambda: actions.present_to_leader(user, doc, form.cleaned_data["leader"]),
            "Đã trình lãnh đạo.",
        )
    elif action == "forward":
        form = ForwardForm(post, agency=doc.agency, staff=staff_of(doc.agency))
        if not form.is_valid():
            messages.error(request, "Dữ liệu chuyển văn bản không hợp lệ.")
            return redirect("web:document_detail", public_id=doc.public_id)
        d = form.cleaned_data
        _run(
            request,
            doc,
            lambda: actions.forward_document(
                user,
                doc,
                users=list(d["users"]),
                departments=list(d["departments"]),
                note=d["note"],
            ),
            "Đã chuyển văn bản.",
        )
    elif action == "submit":
        _run(request, doc, lambda: actions.submit_draft(user, doc), "Đã trình dự thảo.")
    elif action in ("review_content", "check_form", "approve_signature"):
        fn = getattr(actions, action)
        approve = post.get("decision") == "approve"
        # Only the signer's step takes a key password; it is used once and never stored.
        extra = {"secret": post.get("signing_secret", "")} if action == "approve_signature" else {}
        if not approve:
            success = "Đã ghi nhận ý kiến."
        elif action == "approve_signature" and active_credential(user=user) is not None:
            success = "Đã ký số và ký duyệt văn bản; văn bản chờ văn thư cấp số, phát hành."
        else:
            success = "Đã đồng ý, chuyển bước tiếp theo."
        _run(
            request,
            doc,
            lambda: fn(user, doc, approve=approve, comment=post.get("comment", ""), **extra),
            success,
        )
    elif action == "issue":
        _run(
            request,
            doc,
            lambda: actions.issue_document(user, doc, secret=post.get("signing_secret", "")),
            "Đã cấp số và phát hành văn bản.",
        )
    elif action == "replace_file":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Hãy chọn tệp dự thảo mới.")
            return redirect("web:document_detail", public_id=doc.public_id)
        _run(
            request,
            doc,
            lambda: actions.replace_draft_file(user, doc, upload.name, upload.read()),
            "Đã cập nhật tệp dự thảo.",
        )
    elif action == "add_attachment":
        upload = request.FILES.get("attachment")
        if upload is None:
            messages.error(request, "Hãy chọn tệp PDF phụ lục, kèm theo.")
            return redirect("web:document_detail", public_id=doc.public_id)
        _run(
            request,
            doc,
            lambda: actions.add_attachment(user, doc, upload.name, upload.read()),
            "Đã thêm tệp phụ lục, kèm theo.",
        )
    elif action == "remove_attachment":
        _run(
            request,
            doc,
            lambda: actions.remove_attachment(user, doc, post.get("file_id", "")),
            "Đã bỏ tệp phụ lục khỏi dự thảo.",
        )
    else:
        raise Http404("Thao tác không tồn tại.")
    return redirect("web:document_detail", public_id=doc.public_id)
