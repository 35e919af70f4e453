"""Project-wide guarantees: migrations match the models, and every page is covered by an
allowed and a denied request (a new URL without an entry here fails the suite)."""

from __future__ import annotations

from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests import files
from tests.delegation.helpers import delegate
from tests.recalls.helpers import meta_issued_kwargs, meta_received_kwargs
from tests.signing import tools
from vanthu.circuits import actions as circuit_actions
from vanthu.circuits.actions import StepSpec
from vanthu.directory.models import Role
from vanthu.documents import actions
from vanthu.documents.files import check_upload, store
from vanthu.documents.validation import Metadata
from vanthu.notifications.models import ExchangeContact, Notification, OutboxMessage
from vanthu.processing import actions as processing_actions
from vanthu.schedule.actions import EntryData, create_entry
from vanthu.signing import trust
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DemoPki
from vanthu.workfiles import actions as workfile_actions


def test_no_missing_migrations(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when changes are pending
        pytest.fail(f"missing migrations:\n{out.getvalue()} ({exc})")


def _named_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue  # Django's admin guards itself; the API has its own matrix (tests/api)
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}"


# name -> (persona allowed, kwargs builder, method, allowed status, denied personas)
def _doc_kwargs(ctx):
    return {"public_id": ctx["doc"].public_id}


def _notification_kwargs(ctx):
    n = Notification.objects.create(
        recipient=ctx["world"].specialist_ubnd, kind="assignment", title="Được giao xử lý"
    )
    return {"public_id": n.public_id}


def _outbox_kwargs(ctx):
    m = OutboxMessage.objects.create(
        recipient=ctx["world"].specialist_ubnd,
        channel="sms",
        address="0912345678",
        payload={"text": "[VanThu] Chỉ đạo"},
        status="failed",
        attempts=6,
        next_attempt_at=timezone.now(),
    )
    return {"public_id": m.public_id}


def _schedule_week(ctx):
    return {"year": 2026, "week": 36}


def _schedule_entry_kwargs(ctx):
    w = ctx["world"]
    entry = create_entry(
        w.clerk_ubnd,
        w.ubnd,
        2026,
        36,
        EntryData(day=date(2026, 9, 3), start_time=time(8, 0), content="Họp giao ban"),
    )
    return {"public_id": entry.public_id}


def _circuit(ctx):
    w = ctx["world"]
    c = circuit_actions.create_circuit(
        w.leader_ubnd, w.ubnd, name="Duyệt", steps=[StepSpec(role=Role.DEPARTMENT_LEADER)]
    )
    return circuit_actions.set_active(w.leader_ubnd, c, True)


def _circuit_kwargs(ctx):
    return {"public_id": _circuit(ctx).public_id}


def _task_kwargs(ctx):
    w = ctx["world"]
    _circuit(ctx)
    d = actions.create_draft(
        w.specialist_ubnd,
        w.ubnd,
        Metadata(doc_type_code="CV", subject="Dự thảo", recipients_text="Lưu: VT."),
        department=w.kt_ubnd,
        signer=w.leader_ubnd,
        recipients=[],
        file_name="d.pdf",
        file_content=files.pdf(),
    )
    actions.submit_draft(w.specialist_ubnd, d)
    return {"public_id": d.circuit_reviews.get().tasks.get().public_id}


def _delegation_kwargs(ctx):
    return {"public_id": delegate(ctx["world"]).public_id}


def _workfile_kwargs(ctx):
    w = ctx["world"]
    wf = workfile_actions.open_workfile(
        w.specialist_ubnd, w.kt_ubnd, code="KT-2026-01", title="Hồ sơ kiểm tra"
    )
    return {"public_id": wf.public_id}


def _closed_workfile_kwargs(ctx):
    w = ctx["world"]
    wf = workfile_actions.open_workfile(
        w.specialist_ubnd, w.kt_ubnd, code="KT-2026-02", title="Hồ sơ đã xong"
    )
    workfile_actions.add_note(w.specialist_ubnd, wf, "Đã trả lời.")
    workfile_actions.close_workfile(w.specialist_ubnd, wf)
    return {"public_id": wf.public_id}


def _assignment_kwargs(ctx, lead="specialist_ubnd"):
    w = ctx["world"]
    lead_obj = w.kt_ubnd if lead == "kt" else getattr(w, lead)
    return {
        "public_id": processing_actions.assign(w.leader_ubnd, ctx["doc"], lead=lead_obj)[
            0
        ].public_id
    }


def _contact_kwargs(ctx):
    c = ExchangeContact.objects.create(
        agency=ctx["world"].ubnd, user=ctx["world"].clerk_ubnd, added_at=timezone.now()
    )
    return {"public_id": c.public_id}


def _credential_kwargs(ctx):
    image = check_upload("a.png", tools.signature_png(), allowed={"image/png"})
    credential = SigningCredential.objects.create(
        user=ctx["world"].clerk_ubnd,
        kind="agent",
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )
    return {"public_id": credential.public_id}


def _outbound_kwargs(ctx):
    from vanthu.exchange.outbox import enqueue

    package = enqueue(
        agency=ctx["world"].ubnd,
        kind="status",
        to_organ="000.00.00.G09",
        data=b"<edXML/>",
        edxml_id="",
        status_code="03",
    )
    return {"public_id": package.public_id}


PAGES = {
    "web:dashboard": ("clerk_ubnd", None, "get", 200),
    "web:login": ("outsider", None, "get", 302),  # a logged-in user is sent to the dashboard
    "web:logout": ("clerk_ubnd", None, "post", 302),
    "web:healthz": ("outsider", None, "get", 200),
    "web:incoming_list": ("clerk_ubnd", None, "get", 200),
    "web:incoming_new": ("clerk_ubnd", None, "get", 200),
    "web:outgoing_list": ("clerk_ubnd", None, "get", 200),
    "web:outgoing_new": ("specialist_ubnd", None, "get", 200),
    "web:inbox": ("specialist_ubnd", None, "get", 200),
    "web:approvals": ("leader_ubnd", None, "get", 200),
    "web:document_detail": ("clerk_ubnd", _doc_kwargs, "get", 200),
    "web:document_file": (
        "clerk_ubnd",
        lambda c: {**_doc_kwargs(c), "file_id": c["doc"].files.get().public_id},
        "get",
        200,
    ),
    "web:document_action": (
        "clerk_ubnd",
        lambda c: {**_doc_kwargs(c), "action": "present"},
        "post",
        302,
    ),
    # The clerk sees ctx's document but is not its signer: refused. The allowed path (the
    # signer of a document awaiting signature) is in tests/signing_flow/test_csc_flow.py.
    "csc:send_otp": ("clerk_ubnd", _doc_kwargs, "post", 403),
    "credentials:mine": ("specialist_ubnd", None, "get", 200),
    "credentials:register": ("specialist_ubnd", lambda c: {"kind": "agent"}, "post", 400),
    "credentials:seal_index": ("clerk_ubnd", None, "get", 302),
    "credentials:seal": ("clerk_ubnd", lambda c: {"code": c["world"].ubnd.code}, "get", 200),
    "credentials:seal_register": (
        "clerk_ubnd",
        lambda c: {"code": c["world"].ubnd.code, "kind": "agent"},
        "post",
        400,
    ),
    "credentials:all": ("admin", None, "get", 200),
    "credentials:image": ("clerk_ubnd", _credential_kwargs, "get", 200),
    "credentials:image_replace": ("clerk_ubnd", _credential_kwargs, "post", 302),
    "credentials:deactivate": ("clerk_ubnd", _credential_kwargs, "post", 302),
    # The clerk sees ctx's document but is not its signer: prepare refuses (403); finish finds
    # no session (400). The allowed path is in tests/signing/test_remote.py.
    "signsession:prepare": ("clerk_ubnd", _doc_kwargs, "post", 403),
    "signsession:finish": ("clerk_ubnd", _doc_kwargs, "post", 400),
    "copies:create": ("clerk_ubnd", _doc_kwargs, "get", 200),
    "trust:index": ("admin", None, "get", 200),
    "trust:policy": ("leader_ubnd", None, "get", 200),
    "trust:deactivate": (
        "admin",
        lambda c: {
            "public_id": trust.add_trusted_certificate(
                c["world"].admin, DemoPki().root.cert_pem
            ).public_id
        },
        "get",
        200,
    ),
    "verify:index": ("outsider", None, "get", 200),
    "verify:document": ("outsider", lambda c: {"code": "ZZZZ-ZZZZ"}, "get", 404),
    "verify:document_json": ("outsider", lambda c: {"code": "ZZZZ-ZZZZ"}, "get", 404),
    "verify:check_file": ("outsider", None, "post", 400),
    "notifications:list": ("specialist_ubnd", None, "get", 200),
    "notifications:unread_count": ("specialist_ubnd", None, "get", 200),
    "notifications:mark_all_read": ("specialist_ubnd", None, "post", 302),
    "notifications:preferences": ("specialist_ubnd", None, "get", 200),
    "notifications:open": ("specialist_ubnd", _notification_kwargs, "get", 200),
    "notifications:outbox_admin": ("admin", None, "get", 200),
    "notifications:outbox_retry": ("admin", _outbox_kwargs, "post", 302),
    "schedule:current": ("specialist_ubnd", None, "get", 200),
    "schedule:week": ("specialist_ubnd", _schedule_week, "get", 200),
    "schedule:entry_new": ("clerk_ubnd", _schedule_week, "get", 200),
    # An empty week: publishing is refused with a message and a redirect back.
    "schedule:publish": ("clerk_ubnd", _schedule_week, "post", 302),
    "schedule:pdf": ("clerk_ubnd", _schedule_week, "get", 200),
    "schedule:entry_edit": ("clerk_ubnd", _schedule_entry_kwargs, "get", 200),
    "schedule:entry_delete": ("clerk_ubnd", _schedule_entry_kwargs, "post", 302),
    "circuits:index": ("clerk_ubnd", None, "get", 200),
    "circuits:create": ("leader_ubnd", None, "get", 200),
    "circuits:pending": ("specialist_ubnd", None, "get", 200),
    "circuits:detail": ("clerk_ubnd", _circuit_kwargs, "get", 200),
    "circuits:edit": ("leader_ubnd", _circuit_kwargs, "get", 200),
    "circuits:set_active": ("leader_ubnd", _circuit_kwargs, "post", 302),
    # The clerk sees the draft but has no task in the circuit: refused with a message.
    "circuits:decide": ("clerk_ubnd", _task_kwargs, "post", 302),
    "delegation:register": ("clerk_ubnd", None, "get", 200),
    "delegation:create": ("leader_ubnd", None, "get", 200),
    "delegation:revoke": ("leader_ubnd", _delegation_kwargs, "get", 200),
    "workfiles:list": ("specialist_ubnd", None, "get", 200),
    "workfiles:create": ("specialist_ubnd", None, "get", 200),
    "workfiles:detail": ("specialist_ubnd", _workfile_kwargs, "get", 200),
    "workfiles:search": ("specialist_ubnd", _workfile_kwargs, "get", 200),
    "workfiles:catalogue": ("specialist_ubnd", _closed_workfile_kwargs, "get", 200),
    "workfiles:action": (
        "specialist_ubnd",
        lambda c: {**_workfile_kwargs(c), "action": "add_note"},
        "post",
        302,
    ),
    "workfiles:file_document": (
        "clerk_ubnd",
        lambda c: {"document_id": c["doc"].public_id},
        "post",
        302,
    ),
    "processing:assign": ("leader_ubnd", _doc_kwargs, "get", 200),
    "processing:my_tasks": ("specialist_ubnd", None, "get", 200),
    "processing:overdue": ("leader_ubnd", None, "get", 200),
    "processing:assignment_detail": ("specialist_ubnd", _assignment_kwargs, "get", 200),
    "processing:progress": ("specialist_ubnd", _assignment_kwargs, "post", 302),
    "processing:complete": ("specialist_ubnd", _assignment_kwargs, "post", 302),
    "processing:reassign": (
        "dept_leader_ubnd",
        lambda c: _assignment_kwargs(c, lead="kt"),
        "get",
        200,
    ),
    "processing:handling_log": ("clerk_ubnd", None, "get", 200),
    "monitoring:dashboard": ("leader_ubnd", None, "get", 200),
    "monitoring:indicator": ("leader_ubnd", lambda c: {"slug": "ban-giay"}, "get", 200),
    "monitoring:officials": ("leader_ubnd", None, "get", 200),
    "holidays:index": ("admin", None, "get", 200),
    "holidays:edit": ("admin", lambda c: {"year": 2027}, "get", 200),
    # Nothing entered for 2027: refused with a message and a redirect back.
    "holidays:delete": ("admin", lambda c: {"year": 2027}, "post", 302),
    "notifications:contacts": ("clerk_ubnd", None, "get", 200),
    "notifications:contact_add": ("clerk_ubnd", None, "post", 400),  # empty form
    "notifications:contact_remove": ("clerk_ubnd", _contact_kwargs, "post", 302),
    "reports:index": ("clerk_ubnd", None, "get", 200),
    "reports:register": ("clerk_ubnd", None, "get", 200),
    "directory:index": ("admin", None, "get", 200),
    "directory:agency_create": ("admin", None, "get", 200),
    "directory:agency_import": ("admin", None, "get", 200),
    "directory:user_list": ("admin", None, "get", 200),
    "directory:user_create": ("admin", None, "get", 200),
    "directory:agency_detail": ("admin", lambda c: {"code": c["world"].ubnd.code}, "get", 200),
    "directory:agency_edit": ("admin", lambda c: {"code": c["world"].ubnd.code}, "get", 200),
    "directory:department_create": ("admin", lambda c: {"code": c["world"].ubnd.code}, "get", 200),
    "directory:department_edit": (
        "admin",
        lambda c: {"code": c["world"].ubnd.code, "department_code": "VP"},
        "get",
        200,
    ),
    "directory:user_detail": (
        "admin",
        lambda c: {"public_id": c["world"].clerk_ubnd.public_id},
        "get",
        200,
    ),
    "directory:membership_add": (
        "admin",
        lambda c: {"public_id": c["world"].clerk_ubnd.public_id},
        "post",
        400,
    ),
    "directory:membership_end": (
        "admin",
        lambda c: {"public_id": c["world"].clerk_ubnd.public_id},
        "post",
        302,
    ),
    "directory:user_set_active": (
        "admin",
        lambda c: {"public_id": c["world"].clerk_ubnd.public_id},
        "post",
        302,
    ),
    # Recall, update, replace (tests/recalls): the issuing agency's clerk on an issued
    # document; the receiving clerk on a request about its copy; the clerk's list.
    "recalls:recall": ("clerk_ubnd", meta_issued_kwargs, "get", 200),
    "recalls:update": ("clerk_ubnd", meta_issued_kwargs, "get", 200),
    "recalls:replace": ("clerk_ubnd", meta_issued_kwargs, "get", 200),
    "recalls:answer": ("clerk_ubnd", meta_received_kwargs, "get", 200),
    "recalls:pending": ("clerk_ubnd", None, "get", 200),
    # The exchange page (/lien-thong/): the agency's clerks and the administrators.
    "exchange:index": ("clerk_ubnd", None, "get", 200),
    "exchange:retry": ("clerk_ubnd", _outbound_kwargs, "post", 302),
}
# Pages any logged-in person may open (they show only that person's own data).
OPEN_TO_ANY_USER = {
    "web:dashboard",
    "web:login",
    "web:logout",
    "web:healthz",
    "web:incoming_list",
    "web:outgoing_list",
    "web:inbox",
    "web:approvals",
    "credentials:mine",  # each person's own signing key
    "credentials:register",
    # Each shows only the person's own notifications, tasks or settings.
    "notifications:list",
    "notifications:unread_count",
    "notifications:mark_all_read",
    "notifications:preferences",
    "circuits:pending",
    "workfiles:list",
    "processing:my_tasks",
    # The public verification pages (no login at all).
    "verify:index",
    "verify:document",
    "verify:document_json",
    "verify:check_file",
}


@pytest.fixture
def ctx(world):
    meta = Metadata(
        doc_type_code="CV",
        subject="Về việc kiểm tra",
        issuer_name="Sở Y tế",
        issued_on=date(2026, 1, 5),
    )
    doc = actions.register_incoming(
        world.clerk_ubnd, world.ubnd, meta, file_name="a.pdf", file_content=files.pdf()
    )
    return {"world": world, "doc": doc}


def test_every_page_has_an_entry():
    missing = sorted(set(_named_patterns()) - set(PAGES))
    assert not missing, f"add these URLs to tests/test_meta.py PAGES: {missing}"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_allows_its_persona_and_denies_an_outsider(client, ctx, name):
    persona, kwargs_builder, method, allowed_status = PAGES[name]
    url = reverse(name, kwargs=kwargs_builder(ctx) if kwargs_builder else None)
    world = ctx["world"]
    client.force_login(getattr(world, persona))
    data = {"leader": world.leader_ubnd.pk} if name == "web:document_action" else {}
    response = getattr(client, method)(url, data)
    assert response.status_code == allowed_status, (name, response.status_code)
    if name in OPEN_TO_ANY_USER:
        return
    client.force_login(world.outsider)
    denied = getattr(client, method)(url, data)
    # 404 where the object's existence is hidden (documents), 403 on administration pages.
    assert denied.status_code in (403, 404), (name, denied.status_code)
