"""Who sees which document (STYLE rule 5): documents_visible_to() for lists and
get_document_for_user() for single documents, answering 404 for anything not visible."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tests.documents.helpers import make_draft, register
from vanthu.directory.models import Membership, Role, User
from vanthu.documents import actions
from vanthu.documents.access import documents_visible_to, get_document_for_user


@pytest.fixture
def docs(world):
    """A draft of each UBND department, an incoming UBND document and an STC draft."""
    return {
        "kt_draft": make_draft(world, user=world.specialist_ubnd, department=world.kt_ubnd),
        "vp_draft": make_draft(world, user=world.specialist2_ubnd, department=world.vp_ubnd),
        "incoming": register(world),
        "stc_draft": make_draft(
            world,
            user=world.specialist_stc,
            agency=world.stc,
            department=world.ns_stc,
            signer=world.leader_stc,
        ),
    }


def _visible(world, docs, persona) -> set[str]:
    visible = set(documents_visible_to(getattr(world, persona)))
    return {name for name, doc in docs.items() if doc in visible}


def test_each_persona_sees_what_their_role_allows(world, docs):
    ubnd_all = {"kt_draft", "vp_draft", "incoming"}
    expected = {
        "clerk_ubnd": ubnd_all,
        # The chairman is also the designated signer of every UBND draft here.
        "leader_ubnd": ubnd_all,
        "deputy_ubnd": ubnd_all,
        "dept_leader_ubnd": {"kt_draft"},  # his department's drafts only
        "specialist_ubnd": {"kt_draft"},  # his own draft only
        "specialist2_ubnd": {"vp_draft"},
        "clerk_stc": {"stc_draft"},
        "dept_leader_stc": {"stc_draft"},
        "specialist_stc": {"stc_draft"},
        "clerk_xa": set(),
        "admin": set(),
        "outsider": set(),
    }
    assert {persona: _visible(world, docs, persona) for persona in expected} == expected


def test_an_anonymous_user_sees_nothing(world, docs):
    assert not documents_visible_to(AnonymousUser()).exists()


def test_a_specialist_sees_documents_forwarded_to_them(world, docs):
    actions.forward_document(
        world.leader_ubnd, docs["incoming"], users=[world.specialist_ubnd], departments=[]
    )
    assert _visible(world, docs, "specialist_ubnd") == {"kt_draft", "incoming"}
    assert _visible(world, docs, "specialist2_ubnd") == {"vp_draft"}


def test_a_secret_document_is_visible_to_its_named_readers_and_creator_only(world):
    secret = make_draft(world, secrecy="confidential", named_readers=[world.specialist2_ubnd])
    readers = {"specialist_ubnd", "leader_ubnd", "specialist2_ubnd"}  # creator, signer, named
    for persona in (
        "specialist_ubnd",
        "leader_ubnd",
        "specialist2_ubnd",
        "clerk_ubnd",
        "deputy_ubnd",
        "dept_leader_ubnd",
        "clerk_stc",
        "outsider",
    ):
        visible = secret in documents_visible_to(getattr(world, persona))
        assert visible == (persona in readers), persona


def test_a_secret_incoming_document_is_hidden_from_other_clerks(world):
    secret = register(world, secrecy="secret")
    other_clerk = User.objects.create(username="clerk2", full_name="Văn Thư Hai")
    Membership.objects.create(user=other_clerk, agency=world.ubnd, role=Role.CLERK)
    assert secret in documents_visible_to(world.clerk_ubnd)
    assert secret not in documents_visible_to(other_clerk)
    assert secret not in documents_visible_to(world.leader_ubnd)


def test_it_returns_a_visible_document(world, docs):
    doc = get_document_for_user(world.clerk_ubnd, docs["incoming"].public_id)
    assert doc == docs["incoming"]
    assert get_document_for_user(world.clerk_ubnd, str(docs["incoming"].public_id)) == doc


# A fixed unknown UUID: random parameters would differ between pytest-xdist workers.
@pytest.mark.parametrize(
    "bad_id", ["abc", "", None, 42, "1; DROP TABLE", "0b9f3c1e-5a57-4c8e-9d1a-2f7e6b1c0d42"]
)
def test_it_answers_404_for_a_malformed_or_unknown_id(world, docs, bad_id):
    with pytest.raises(Http404):
        get_document_for_user(world.clerk_ubnd, bad_id)


@pytest.mark.parametrize("persona", ["specialist2_ubnd", "clerk_stc", "outsider"])
def test_it_answers_404_for_an_invisible_document(world, docs, persona):
    with pytest.raises(Http404) as caught:
        get_document_for_user(getattr(world, persona), docs["kt_draft"].public_id)
    assert "không có quyền xem" in str(caught.value)


def test_it_answers_404_to_an_anonymous_user(world, docs):
    with pytest.raises(Http404):
        get_document_for_user(AnonymousUser(), docs["kt_draft"].public_id)
