"""Screens of recall, update and replace. Objects come from the permission-checked getters
(404 for what the user may not see or do); each POST calls one action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from vanthu.directory.access import roles_of
from vanthu.documents.access import get_document_for_user
from vanthu.documents.models import Status
from vanthu.errors import DomainError
from vanthu.recalls import actions
from vanthu.recalls.fields import differences
from vanthu.recalls.forms import AnswerForm, RecallForm, ReplaceForm, UpdateForm
from vanthu.recalls.models import Kind, State
from vanthu.recalls.selectors import (
    SENDER_ROLES,
    delivery_options,
    get_received_for_user,
    may_answer,
    may_request,
    pending_lists,
    replacement_candidates,
)
from vanthu.signing.actions import checks_for
from vanthu.web.views.common import attach_errors

CANDIDATES_SHOWN = 50


def _sender_document(request, public_id):
    doc = get_document_for_user(request.user, public_id)
    if not may_request(request.user, doc):
        raise Http404("Bạn không có quyền thu hồi, cập nhật hoặc thay thế văn bản này.")
    if doc.status != Status.ISSUED:
        messages.error(
            request, "Chỉ văn bản đi đã phát hành mới thu hồi, cập nhật hoặc thay thế được."
        )
        return doc, redirect("web:document_detail", public_id=doc.public_id)
    return doc, None


def _submit(request, form, fn, success) -> bool:
    try:
        result = fn()
    except DomainError as exc:
        attach_errors(form, exc)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def _page(request, template, context, form):
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, template, context, status=status)


def _sent_to(requests) -> str:
    return ", ".join(r.delivery.recipient.name for r in requests)


@login_required
@require_http_methods(["GET", "POST"])
def recall_document(request, public_id):
    doc, refused = _sender_document(request, public_id)
    if refused:
        return refused
    options = delivery_options(doc, Kind.RECALL)
    form = RecallForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _submit(
            request,
            form,
            lambda: actions.request_recall(
                request.user, doc, d["reason"], recipients=list(d["recipients"])
            ),
            lambda sent: f"Đã gửi yêu cầu thu hồi văn bản đến {_sent_to(sent)}.",
        ):
            return redirect("web:document_detail", public_id=doc.public_id)
    context = {"doc": doc, "form": form, "options": options, "kind": Kind.RECALL}
    return _page(request, "recalls/recall_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def update_document(request, public_id):
    doc, refused = _sender_document(request, public_id)
    if refused:
        return refused
    options = delivery_options(doc, Kind.UPDATE)
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        options=options,
        initial=UpdateForm.initial_for(doc),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d.get("file")

        def done(sent):
            text = f"Đã cập nhật văn bản và gửi yêu cầu cập nhật đến {_sent_to(sent)}."
            new_file = sent[0].new_file if sent else None
            if new_file is not None:
                check = checks_for([new_file]).get(new_file.pk)
                if check is not None:
                    text += f" Tệp mới: {check.summary}"
            return text

        if _submit(
            request,
            form,
            lambda: actions.request_update(
                request.user,
                doc,
                form.proposed(),
                (upload.name, upload.read()) if upload else None,
                reason=d["reason"],
                recipients=list(d["recipients"]),
            ),
            done,
        ):
            return redirect("web:document_detail", public_id=doc.public_id)
    context = {"doc": doc, "form": form, "options": options, "kind": Kind.UPDATE}
    return _page(request, "recalls/update_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def replace_document(request, public_id):
    doc, refused = _sender_document(request, public_id)
    if refused:
        return refused
    query = request.GET.get("q", "").strip()
    candidates = replacement_candidates(request.user, doc, query)
    shown = list(candidates[:CANDIDATES_SHOWN])
    if request.htmx and request.htmx.target == "id_replacement":
        return render(request, "recalls/_replacement_options.html", {"candidates": shown})
    options = delivery_options(doc, Kind.REPLACE)
    form = ReplaceForm(
        request.POST or None,
        options=options,
        candidates=replacement_candidates(request.user, doc),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _submit(
            request,
            form,
            lambda: actions.request_replace(
                request.user,
                doc,
                d["replacement"],
                d["reason"],
                recipients=list(d["recipients"]),
            ),
            lambda sent: (
                f"Đã gửi văn bản {d['replacement'].reference} thay thế đến {_sent_to(sent)}."
            ),
        ):
            return redirect("web:document_detail", public_id=doc.public_id)
    picked = getattr(form, "cleaned_data", {}).get("replacement")
    if picked is not None and picked not in shown:
        # The document picked after a search stays in the list the page is drawn again with.
        shown.insert(0, picked)
    context = {
        "doc": doc,
        "form": form,
        "options": options,
        "kind": Kind.REPLACE,
        "candidates": shown,
        "chosen": str(picked.public_id) if picked else "",
        "query": query,
    }
    return _page(request, "recalls/replace_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def answer_request(request, public_id):
    received = get_received_for_user(request.user, public_id)
    doc = received.incoming
    form = AnswerForm(request.POST or None)
    if request.method == "POST":
        if not may_answer(request.user, doc):
            raise Http404("Chỉ văn thư của cơ quan nhận mới trả lời yêu cầu này.")
        agree = request.POST.get("decision") == "agree"
        if form.is_valid():
            if _submit(
                request,
                form,
                lambda: actions.answer_request(
                    request.user, received, agree, form.cleaned_data["note"]
                ),
                _answer_message(received.kind, agree),
            ):
                return redirect("web:document_detail", public_id=doc.public_id)
    new_file = received.new_file
    context = {
        "received": received,
        "doc": doc,
        "form": form,
        "diff": differences(doc, received.changes) if received.kind == Kind.UPDATE else [],
        "file_check": checks_for([new_file]).get(new_file.pk) if new_file else None,
        "can_answer": received.state == State.PENDING and may_answer(request.user, doc),
        "sender": getattr(getattr(doc, "source_delivery", None), "document", None),
    }
    return _page(request, "recalls/answer.html", context, form)


def _answer_message(kind: str, agree: bool) -> str:
    if not agree:
        return "Đã từ chối yêu cầu và báo lại cơ quan gửi."
    return {
        Kind.RECALL: "Đã đồng ý thu hồi: văn bản và tệp đã được hủy, cơ quan gửi đã được báo.",
        Kind.UPDATE: "Đã đồng ý và cập nhật văn bản theo yêu cầu của cơ quan gửi.",
        Kind.REPLACE: "Đã đồng ý: văn bản được đánh dấu đã bị thay thế.",
    }[kind]


@login_required
def pending_requests(request):
    if not roles_of(request.user).agencies_with(*SENDER_ROLES):
        raise Http404("Chỉ văn thư và lãnh đạo cơ quan xem được trang này.")
    return render(request, "recalls/pending.html", pending_lists(request.user))
