"""Pages of the processing app. Each view finds its object through a permission-checked
getter (404 for what the user may not see or do) and calls one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from vanthu.directory.models import Agency, Membership, User
from vanthu.documents.access import documents_visible_to, get_document_for_user
from vanthu.documents.models import Direction, Status
from vanthu.errors import DomainError
from vanthu.processing import actions
from vanthu.processing.forms import AssignForm, CompleteForm, ProgressForm, ReassignForm
from vanthu.processing.paging import paginate_lines
from vanthu.processing.selectors import (
    allowed_actions,
    decorate,
    get_assignment_for_user,
    may_fill_slip,
    my_open_assignments,
    overdue_agencies,
    overdue_for_agency,
    prepare_rows,
)
from vanthu.web.views.common import attach_errors, staff_of


def _run(request, fn, success: str) -> bool:
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


@login_required
def assign_document(request, public_id):
    doc = get_document_for_user(request.user, public_id)
    if not may_fill_slip(request.user, doc):
        raise Http404("Bạn không giao xử lý được văn bản này.")
    options = {"departments": list(doc.agency.departments.all()), "people": staff_of(doc.agency)}
    form = AssignForm(request.POST or None, **options)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.assign(
                request.user,
                doc,
                **form.targets(),
                due_on=d["due_on"],
                due_working_days=d["due_working_days"],
                directive=d["directive"],
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã giao xử lý văn bản.")
            return redirect("web:document_detail", public_id=doc.public_id)
    status = 400 if form.errors else 200
    return render(request, "processing/assign.html", {"doc": doc, "form": form}, status=status)


def _replies(user, line):
    # Candidate reply documents: the agency's recent outgoing documents the user can see.
    return list(
        documents_visible_to(user)
        .filter(agency_id=line.agency_id, direction=Direction.OUTGOING)
        .exclude(status=Status.DRAFT)
        .order_by("-created_at")[:30]
    )


@login_required
def assignment_detail(request, public_id):
    line = get_assignment_for_user(request.user, public_id)
    decorate([line])
    can = allowed_actions(request.user, line)
    context = {
        "line": line,
        "doc": line.document,
        "can": can,
        "notes": line.notes.select_related("author"),
        "children": decorate(
            list(line.children.select_related("assignee_user", "assignee_department"))
        ),
        "progress_form": ProgressForm(),
        "complete_form": CompleteForm(replies=_replies(request.user, line))
        if "complete" in can
        else None,
    }
    return render(request, "processing/assignment_detail.html", context)


@require_POST
@login_required
def assignment_progress(request, public_id):
    line = get_assignment_for_user(request.user, public_id)
    _run(
        request,
        lambda: actions.add_progress(request.user, line, request.POST.get("text", "")),
        "Đã cập nhật tiến độ.",
    )
    return redirect("processing:assignment_detail", public_id=line.public_id)


@require_POST
@login_required
def assignment_complete(request, public_id):
    line = get_assignment_for_user(request.user, public_id)
    form = CompleteForm(request.POST, replies=_replies(request.user, line))
    if not form.is_valid():
        messages.error(request, "Văn bản trả lời không hợp lệ.")
    else:
        _run(
            request,
            lambda: actions.complete(
                request.user,
                line,
                result_note=form.cleaned_data["result_note"],
                result_document=form.reply(),
            ),
            "Đã báo cáo hoàn thành.",
        )
    return redirect("processing:assignment_detail", public_id=line.public_id)


@login_required
def assignment_reassign(request, public_id):
    line = get_assignment_for_user(request.user, public_id)
    within = actions.departments_to_reassign_in(request.user, line)
    if not within or "reassign" not in allowed_actions(request.user, line):
        raise Http404("Bạn không giao lại được việc này.")
    people = (
        User.objects.filter(
            memberships__in=Membership.objects.current().filter(department_id__in=within)
        )
        .exclude(pk=request.user.pk)
        .distinct()
        .order_by("full_name")
    )
    form = ReassignForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.reassign(
                request.user, line, **form.targets(), due_on=d["due_on"], directive=d["directive"]
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã giao lại việc trong phòng.")
            return redirect("processing:assignment_detail", public_id=line.public_id)
    status = 400 if form.errors else 200
    context = {"line": line, "doc": line.document, "form": form}
    return render(request, "processing/reassign.html", context, status=status)


@login_required
def my_tasks(request):
    page, query = paginate_lines(request, my_open_assignments(request.user))
    prepare_rows(page.object_list)
    return render(request, "processing/my_tasks.html", {"page": page, "query": query})


@login_required
def overdue(request):
    allowed = overdue_agencies(request.user)
    if not allowed:
        raise Http404("Chỉ lãnh đạo cơ quan mới xem danh sách việc quá hạn.")
    agencies = list(Agency.objects.filter(pk__in=allowed).order_by("name"))
    chosen = request.GET.get("agency")
    agency = next((a for a in agencies if a.code == chosen), agencies[0])
    page, query = paginate_lines(request, overdue_for_agency(agency.pk))
    prepare_rows(page.object_list)
    context = {"page": page, "query": query, "agency": agency, "agencies": agencies}
    return render(request, "processing/overdue.html", context)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from vanthu.reports.exports import XLSX_TYPE

    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
