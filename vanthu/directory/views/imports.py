"""Import of the national axis agency list, with a report of what was saved and refused."""

from __future__ import annotations

from django.shortcuts import render

from vanthu.directory import actions
from vanthu.directory.forms import ImportForm
from vanthu.directory.views.common import admin_view, attach_errors, posted
from vanthu.errors import DomainError


@admin_view
def agency_import(request):
    form = ImportForm(posted(request), posted(request, files=True))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = actions.import_agencies(request.user, upload.name, upload.read())
        except DomainError as exc:
            attach_errors(form, exc)
    status = 400 if request.method == "POST" and report is None else 200
    context = {"form": form, "report": report}
    return render(request, "directory/import.html", context, status=status)
