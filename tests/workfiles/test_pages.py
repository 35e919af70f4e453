"""The permission matrix of every work-file URL, in the shape of tests/test_meta.py PAGES (the
same entries are proposed for that table): the persona is let in, an outsider gets 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests import files
from tests.test_meta import _named_patterns
from vanthu.documents import actions as doc_actions
from vanthu.documents.validation import Metadata
from vanthu.workfiles import actions


def _workfile_kwargs(ctx):
    world = ctx["world"]
    wf = actions.open_workfile(
        world.specialist_ubnd, world.kt_ubnd, code="KT-2026-01", title="Hồ sơ kiểm tra"
    )
    return {"public_id": wf.public_id}


def _closed_workfile_kwargs(ctx):
    world = ctx["world"]
    wf = actions.open_workfile(
        world.specialist_ubnd, world.kt_ubnd, code="KT-2026-02", title="Hồ sơ đã xong"
    )
    actions.add_note(world.specialist_ubnd, wf, "Đã trả lời.")
    actions.close_workfile(world.specialist_ubnd, wf)
    return {"public_id": wf.public_id}


PAGES = {
    "workfiles:list": ("specialist_ubnd", None, "get", 200),
    "workfiles:create": ("specialist_ubnd", None, "get", 200),
    "workfiles:detail": ("specialist_ubnd", _workfile_kwargs, "get", 200),
    "workfiles:search": ("specialist_ubnd", _workfile_kwargs, "get", 200),
    "workfiles:catalogue": ("specialist_ubnd", _closed_workfile_kwargs, "get", 200),
    # An empty opinion is refused with a message and a redirect to the file.
    "workfiles:action": (
        "specialist_ubnd",
        lambda c: {**_workfile_kwargs(c), "action": "add_note"},
        "post",
        302,
    ),
    # The clerk sees ctx's document but chose no work file: a message and back to the page.
    "workfiles:file_document": (
        "clerk_ubnd",
        lambda c: {"document_id": c["doc"].public_id},
        "post",
        302,
    ),
}
OPEN_TO_ANY_USER = {"workfiles:list"}  # shows only the reader's own and supervised files


@pytest.fixture
def ctx(world):
    meta = Metadata(
        doc_type_code="CV",
        subject="Về việc kiểm tra",
        issuer_name="Sở Y tế",
        issued_on=date(2026, 1, 5),
    )
    doc = doc_actions.register_incoming(
        world.clerk_ubnd, world.ubnd, meta, file_name="a.pdf", file_content=files.pdf()
    )
    return {"world": world, "doc": doc}


def test_every_workfiles_url_has_an_entry():
    ours = {n for n in _named_patterns() if n.startswith("workfiles:")}
    assert ours == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_allows_its_persona_and_denies_an_outsider(client, ctx, name):
    persona, kwargs_builder, method, allowed_status = PAGES[name]
    url = reverse(name, kwargs=kwargs_builder(ctx) if kwargs_builder else None)
    world = ctx["world"]
    client.force_login(getattr(world, persona))
    assert getattr(client, method)(url, {}).status_code == allowed_status
    client.force_login(world.outsider)
    denied = getattr(client, method)(url, {}).status_code
    assert denied == (200 if name in OPEN_TO_ANY_USER else 404)
