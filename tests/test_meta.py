"""Project-wide guarantees: migrations match the models, and every page is covered by an
allowed and a denied request (a new URL without an entry here fails the suite)."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import files
from tests.signing import tools
from vanthu.documents import actions
from vanthu.documents.files import check_upload, store
from vanthu.documents.validation import Metadata
from vanthu.signing import trust
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DemoPki


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


def _credential_kwargs(ctx):
    image = check_upload("a.png", tools.signature_png(), allowed={"image/png"})
    credential = SigningCredential.objects.create(
        user=ctx["world"].clerk_ubnd,
        kind="agent",
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )
    return {"public_id": credential.public_id}


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
