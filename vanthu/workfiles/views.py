"""Pages of the work files (/ho-so/): the list, opening a file, its page with the actions, the
printable mục lục văn bản, and filing a document from the document's own page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vanthu.audit.events import history_of
from vanthu.documents.access import documents_visible_to, get_document_for_user
from vanthu.documents.models import Document
from vanthu.documents.numbering import local_today
from vanthu.errors import DomainError
from vanthu.web.views.common import attach_errors, paginate
from vanthu.workfiles import actions, queries
from vanthu.workfiles.access import (
    get_workfile_for_user,
    leads_department,
    may_comment,
    may_edit,
    workfiles_visible_to,
)
from vanthu.workfiles.forms import OpenWorkFileForm
from vanthu.workfiles.models import ItemKind, WorkFileStatus


@login_required
def workfile_list(request):
    params = request.GET
    qs = workfiles_visible_to(request.user)
    if params.get("status") in WorkFileStatus.values:
        qs = qs.filter(status=params["status"])
    if params.get("scope") == "mine":
        qs = qs.filter(owner=request.user)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q))
    qs = (
        qs.select_related("owner", "department", "agency")
        .annotate(item_count=Count("items"))
        .order_by("-opened_at", "-id")
    )
    page, query = paginate(request, qs)
    can_open = actions.eligible_departments(request.user).exists()
    return render(
        request,
        "workfiles/list.html",
        {
            "page": page,
            "query": query,
            "params": params,
            "statuses": WorkFileStatus.choices,
            "can_open": can_open,
        },
    )


@login_required
def workfile_create(request):
    departments = actions.eligible_departments(request.user)
    if not departments.exists():
        raise Http404("Chỉ chuyên viên hoặc lãnh đạo phòng được mở hồ sơ công việc.")
    form = OpenWorkFileForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            wf = actions.open_workfile(
                request.user,
                d["department"],
                code=d["code"],
                title=d["title"],
                retention=d["retention"],
                note=d["note"],
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã mở hồ sơ {wf.code}.")
            return redirect("workfiles:detail", public_id=wf.public_id)
    elif request.method != "POST":
        first = departments.first()
        form.initial = {
            "department": first,
            "code": actions.suggest_code(first, local_today().year),
        }
    return render(request, "workfiles/form.html", {"form": form})


@login_required
def workfile_detail(request, public_id):
    wf = get_workfile_for_user(request.user, public_id)
    shown = queries.shown_items(request.user, wf)
    replies, answered = queries.reply_choices(shown)
    editable = wf.is_open and may_edit(request.user, wf)
    context = {
        "wf": wf,
        "groups": queries.grouped_items(shown),
        "links": queries.links_of(request.user, wf),
        "replies": replies,
        "answered": answered,
        "can_edit": editable,
        "can_comment": wf.is_open and may_comment(request.user, wf),
        "can_reopen": not wf.is_open and leads_department(request.user, wf),
        "candidates": queries.candidate_documents(request.user, wf) if editable else [],
        "history": history_of(wf),
        "user_id": request.user.pk,
    }
    return render(request, "workfiles/detail.html", context)


@login_required
def workfile_search(request, public_id):
    """HTMX: documents matching a reference or subject that could be filed here."""
    wf = get_workfile_for_user(request.user, public_id)
    if not (wf.is_open and may_edit(request.user, wf)):
        raise Http404("Hồ sơ không nhận thêm văn bản.")
    candidates = queries.candidate_documents(request.user, wf, request.GET.get("q", ""))
    return render(request, "workfiles/_candidates.html", {"wf": wf, "candidates": candidates})


@login_required
def workfile_catalogue(request, public_id):
    wf = get_workfile_for_user(request.user, public_id)
    if wf.is_open:
        messages.warning(request, "Mục lục văn bản chỉ in được khi hồ sơ đã kết thúc.")
        return redirect("workfiles:detail", public_id=wf.public_id)
    rows = queries.catalogue_rows(request.user, wf)
    return render(request, "workfiles/catalogue.html", {"wf": wf, "rows": rows})


def _visible_document(user, public_id):
    """A document named in a form, looked up through the one visibility rule."""
    try:
        return documents_visible_to(user).select_related("doc_type").get(public_id=public_id)
    except (Document.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        # A malformed id, an unknown one and an invisible one get the same answer.
        raise DomainError("Không tìm thấy văn bản hoặc bạn không có quyền xem.") from None


def _run_action(request, wf, action: str) -> str:
    user, post = request.user, request.POST
    if action == "add_document":
        actions.add_document(user, wf, _visible_document(user, post.get("document")))
        return "Đã đưa văn bản vào hồ sơ."
    if action == "add_note":
        kind = post.get("kind", ItemKind.NOTE)
        actions.add_note(user, wf, post.get("text", ""), kind=kind)
        return "Đã ghi ý kiến vào hồ sơ." if kind == ItemKind.OPINION else "Đã thêm ghi chú."
    if action == "remove_item":
        actions.remove_item(user, wf, post.get("item") or None)
        return "Đã bỏ mục khỏi hồ sơ."
    if action == "link_reply":
        reply = _visible_document(user, post.get("reply"))
        answers = _visible_document(user, post.get("answers"))
        actions.link_reply(user, wf, reply, answers)
        return "Đã liên kết văn bản trả lời."
    if action == "unlink_reply":
        actions.unlink_reply(user, wf, post.get("link"))
        return "Đã bỏ liên kết trả lời."
    if action == "close":
        actions.close_workfile(user, wf)
        return "Đã kết thúc hồ sơ."
    if action == "reopen":
        actions.reopen_workfile(user, wf, post.get("reason", ""))
        return "Đã mở lại hồ sơ."
    raise Http404("Thao tác không tồn tại.")


@require_POST
@login_required
def workfile_action(request, public_id, action):
    wf = get_workfile_for_user(request.user, public_id)
    try:
        success = _run_action(request, wf, action)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect("workfiles:detail", public_id=wf.public_id)


@require_POST
@login_required
def file_document(request, document_id):
    """The "add to a work file" form of the document page."""
    doc = get_document_for_user(request.user, document_id)
    target = request.POST.get("work_file")
    try:
        wf = get_workfile_for_user(request.user, target) if target else None
        if wf is None:
            raise DomainError("Hãy chọn hồ sơ công việc.")
        actions.add_document(request.user, wf, doc)
    except Http404:
        messages.error(request, "Không tìm thấy hồ sơ hoặc bạn không có quyền với hồ sơ đó.")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã đưa văn bản vào hồ sơ {wf.code}.")
    return redirect("web:document_detail", public_id=doc.public_id)
