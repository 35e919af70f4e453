"""Pages of the review circuits: the agency's circuits (list, create, edit, activate), the
decision posted from the document page's panel, and "Chờ tôi duyệt"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vanthu.circuits import actions
from vanthu.circuits.access import (
    circuits_visible_to,
    get_circuit_for_user,
    get_task,
    may_configure,
)
from vanthu.circuits.forms import CircuitForm, DecisionForm, StepFormSet, initial_steps
from vanthu.circuits.models import Circuit
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.errors import DomainError
from vanthu.web.views.common import acting_agency, attach_errors, staff_of


@login_required
def index(request):
    agency = acting_agency(request)
    circuits = (
        circuits_visible_to(request.user)
        .filter(agency=agency)
        .prefetch_related("document_types", "steps__position", "steps__reviewer")
    )
    return render(
        request,
        "circuits/index.html",
        {
            "agency": agency,
            "circuits": circuits,
            "can_configure": may_configure(request.user, agency),
        },
    )


def _edit(request, agency, circuit: Circuit | None):
    staff = staff_of(agency)
    if request.method == "POST":
        form = CircuitForm(request.POST)
        steps = StepFormSet(request.POST, prefix="steps", form_kwargs={"staff": staff})
        if form.is_valid() and steps.is_valid():
            specs = [s for s in (f.spec() for f in steps.forms) if s is not None]
            d = form.cleaned_data
            fields = {"name": d["name"], "document_types": list(d["document_types"])}
            try:
                if circuit is None:
                    circuit = actions.create_circuit(request.user, agency, steps=specs, **fields)
                else:
                    circuit = actions.update_circuit(request.user, circuit, steps=specs, **fields)
            except DomainError as exc:
                attach_errors(form, exc)
            else:
                messages.success(request, "Đã lưu quy trình duyệt.")
                return redirect("circuits:detail", public_id=circuit.public_id)
        status = 400
    else:
        initial = {}
        if circuit is not None:
            initial = {"name": circuit.name, "document_types": circuit.document_types.all()}
        form = CircuitForm(initial=initial)
        steps = StepFormSet(
            prefix="steps",
            form_kwargs={"staff": staff},
            initial=initial_steps(circuit) if circuit else None,
        )
        status = 200
    context = {"agency": agency, "circuit": circuit, "form": form, "steps": steps}
    return render(request, "circuits/form.html", context, status=status)


@login_required
def create(request):
    return _edit(request, acting_agency(request, Role.AGENCY_LEADER, Role.ADMIN), None)


@login_required
def edit(request, public_id):
    circuit = get_circuit_for_user(request.user, public_id, manage=True)
    return _edit(request, circuit.agency, circuit)


@login_required
def detail(request, public_id):
    circuit = get_circuit_for_user(request.user, public_id)
    steps = list(circuit.steps.select_related("position", "reviewer"))
    reviews = circuit.reviews.select_related("document", "started_by").order_by("-started_at")
    visible = documents_visible_to(request.user).filter(circuit_reviews__circuit=circuit)
    return render(
        request,
        "circuits/detail.html",
        {
            "circuit": circuit,
            "stages": actions.stages_of(steps),
            "reviews": reviews.filter(document__in=visible)[:20],
            "can_configure": may_configure(request.user, circuit.agency),
        },
    )


@require_POST
@login_required
def set_active(request, public_id):
    circuit = get_circuit_for_user(request.user, public_id, manage=True)
    active = request.POST.get("active") == "1"
    try:
        actions.set_active(request.user, circuit, active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã áp dụng quy trình." if active else "Đã ngừng áp dụng.")
    return redirect("circuits:detail", public_id=circuit.public_id)


@login_required
def pending(request):
    tasks = actions.pending_tasks_for(request.user)
    return render(request, "circuits/pending.html", {"tasks": tasks, "form": DecisionForm()})


@require_POST
@login_required
def decide(request, public_id):
    task = get_task(public_id)
    doc = task.review.document
    # Someone who can neither decide nor see the draft learns nothing about the task.
    if not actions.may_decide(request.user, task) and not (
        documents_visible_to(request.user).filter(pk=doc.pk).exists()
    ):
        raise Http404("Không tìm thấy lượt duyệt.")
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        actions.decide(
            request.user, task, approve=approve, opinion=form.cleaned_data.get("opinion", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "Đã đồng ý dự thảo." if approve else "Đã trả lại dự thảo cho người soạn thảo."
        )
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("web:document_detail", public_id=doc.public_id)
