"""Registering an incoming document and drafting an outgoing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from vanthu.directory.access import leaders_of, roles_of
from vanthu.directory.models import Role
from vanthu.documents import actions
from vanthu.errors import DomainError
from vanthu.web.forms import IncomingForm, OutgoingForm
from vanthu.web.views.common import acting_agency, attach_errors, staff_of


@login_required
def incoming_new(request):
    agency = acting_agency(request, Role.CLERK)
    form = IncomingForm(request.POST or None, request.FILES or None)
    duplicate = False
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            doc = actions.register_incoming(
                request.user,
                agency,
                form.metadata(),
                file_name=upload.name,
                file_content=upload.read(),
                channel=form.cleaned_data["channel"],
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except actions.DuplicateSuspected as exc:
            duplicate = True
            form.add_error("confirm_duplicate", exc.message)
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, f"Đã vào sổ văn bản đến, số đến {doc.arrival_number:02d}.")
            return redirect("web:document_detail", public_id=doc.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/incoming_form.html",
        {"form": form, "agency": agency, "duplicate": duplicate},
        status=status,
    )


@login_required
def outgoing_new(request):
    agency = acting_agency(
        request, Role.SPECIALIST, Role.DEPARTMENT_LEADER, Role.AGENCY_LEADER, Role.CLERK
    )
    roles = roles_of(request.user)
    my_departments = roles.departments.get(agency.pk, set())
    initial = {"department": next(iter(sorted(my_departments)), None)}
    form = OutgoingForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        agency=agency,
        signers=leaders_of(agency),
        staff=staff_of(agency),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meta = form.metadata()
        signer = d["signer"]
        upload = d["file"]
        try:
            doc = actions.create_draft(
                request.user,
                agency,
                meta,
                department=d["department"],
                signer=signer,
                recipients=list(d["recipients"]),
                file_name=upload.name,
                file_content=upload.read(),
                named_readers=list(d["named_readers"]),
            )
        except DomainError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Đã lưu dự thảo. Kiểm tra lại rồi bấm «Trình» để gửi duyệt.")
            return redirect("web:document_detail", public_id=doc.public_id)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/outgoing_form.html", {"form": form, "agency": agency}, status=status
    )
