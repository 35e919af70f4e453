"""The navigation counts: the same figures as counting each queue on its own, in one
statement, never a stale answer (only the kept question), a new role seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.circuits.helpers import make_circuit
from tests.delegation.helpers import delegate
from tests.documents.helpers import advance, arrived_at_stc, make_draft
from tests.processing.helpers import registered_at_ubnd
from vanthu.circuits.actions import StepSpec, pending_tasks_for
from vanthu.delegation.actions import revoke_delegation
from vanthu.delegation.models import Power
from vanthu.delegation.queues import substitute_presented
from vanthu.directory.access import forget_roles, roles_of
from vanthu.directory.models import Membership, Role
from vanthu.documents import actions as doc_actions
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions import outgoing_queue_for
from vanthu.documents.models import Direction, Forward, Status
from vanthu.notifications.actions import notify
from vanthu.notifications.models import Notification
from vanthu.processing.actions import assign, complete
from vanthu.processing.selectors import open_assignment_count
from vanthu.web import queues

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_questions():
    queues.forget_questions()
    yield
    queues.forget_questions()


def _counted_one_by_one(user) -> dict:
    """The counts as the navigation computed them before, one query per queue."""
    forget_roles(user)
    roles = roles_of(user)
    clerk = roles.agencies_with(Role.CLERK)
    visible = documents_visible_to(user)
    approvals = sum(qs.count() for qs in outgoing_queue_for(user).values())
    approvals += visible.filter(
        direction=Direction.INCOMING, status=Status.PRESENTED, presented_to=user
    ).count()
    approvals += substitute_presented(user).count() + pending_tasks_for(user).count()
    return {
        "incoming": visible.filter(
            direction=Direction.INCOMING, status=Status.ARRIVED, agency_id__in=clerk
        ).count()
        if clerk
        else 0,
        "approvals": approvals,
        "inbox": Forward.objects.filter(to_user=user, read_at__isnull=True).count(),
        "my_tasks": open_assignment_count(user),
        "notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }


def _counts(user) -> dict:
    forget_roles(user)
    figures = queues.queue_counts(user)
    return {k: figures[k] for k in ("incoming", "approvals", "inbox", "my_tasks", "notifications")}


@pytest.fixture
def busy(world):
    """Some of every queue: drafts at each step, a document presented to the chairman, one
    forwarded to the specialist, lines assigned, notifications."""
    for step in (Status.CONTENT_REVIEW, Status.FORM_CHECK, Status.AWAITING_SIGNATURE):
        advance(world, make_draft(world), step)
    presented = registered_at_ubnd(world)
    doc_actions.present_to_leader(world.clerk_ubnd, presented, world.leader_ubnd)
    forwarded = registered_at_ubnd(world)
    doc_actions.forward_document(
        world.leader_ubnd, forwarded, users=[world.specialist_ubnd], departments=[]
    )
    assign(world.leader_ubnd, registered_at_ubnd(world), lead=world.specialist_ubnd)
    assign(world.leader_ubnd, registered_at_ubnd(world), lead=world.kt_ubnd)
    arrived_at_stc(world)  # waits for Sở Tài chính's clerk to accept it
    return world


def test_the_counts_are_those_of_each_queue(busy):
    w = busy
    people = [w.clerk_ubnd, w.clerk_stc, w.leader_ubnd, w.dept_leader_ubnd, w.specialist_ubnd]
    people += [w.admin]
    for person in people:
        assert _counts(person) == _counted_one_by_one(person), person.username
    # The fixture did put something in the queues.
    assert _counts(w.specialist_ubnd)["my_tasks"] == 1
    assert _counts(w.dept_leader_ubnd)["my_tasks"] == 1
    assert _counts(w.leader_ubnd)["approvals"] >= 2
    assert _counts(w.clerk_stc)["incoming"] == 1
    assert _counts(w.specialist_ubnd)["inbox"] >= 1


def test_they_take_one_statement_besides_the_roles(busy):
    user = busy.leader_ubnd
    queues.queue_counts(user)  # the question is built and kept
    forget_roles(user)
    with CaptureQueriesContext(connection) as queries:
        queues.queue_counts(user)
    assert len(queries) == 2  # the user's roles, then every count at once
    assert queries[1]["sql"].startswith("SELECT (SELECT COUNT(*) FROM")


def test_the_answer_is_never_kept(busy):
    w = busy
    before = _counts(w.specialist_ubnd)
    (line,) = assign(w.leader_ubnd, registered_at_ubnd(w), lead=w.specialist_ubnd)
    notify(w.specialist_ubnd, kind="other", title="Thông báo thử")
    after = _counts(w.specialist_ubnd)
    assert after["my_tasks"] == before["my_tasks"] + 1
    assert after["notifications"] == before["notifications"] + 2  # the assignment's and ours
    complete(w.specialist_ubnd, line, result_note="Xong")
    assert _counts(w.specialist_ubnd)["my_tasks"] == before["my_tasks"]


def test_a_new_role_shows_at_once(busy):
    w = busy
    assert queues.queue_counts(w.specialist2_ubnd)["sees_overdue"] is False
    Membership.objects.create(user=w.specialist2_ubnd, agency=w.ubnd, role=Role.AGENCY_LEADER)
    forget_roles(w.specialist2_ubnd)
    counts = queues.queue_counts(w.specialist2_ubnd)
    assert counts["sees_overdue"] is True
    assert counts["approvals"] == _counted_one_by_one(w.specialist2_ubnd)["approvals"]


def test_a_delegation_registered_or_revoked_during_the_day_shows_at_once(busy):
    """The kept question lists the reviewers a substitute stands in for; the delegation
    register's stamp in the same statement tells that it was built before the change."""
    w = busy
    make_circuit(w, steps=[StepSpec(reviewer=w.leader_ubnd)])
    doc_actions.submit_draft(w.specialist_ubnd, make_draft(w))  # a task for the chairman
    before = _counts(w.deputy_ubnd)  # the question is built and kept
    delegation = delegate(w, power=Power.HANDLE)  # the deputy handles for the chairman
    during = _counts(w.deputy_ubnd)
    assert during == _counted_one_by_one(w.deputy_ubnd)
    # His review task and the document presented to him (busy) wait for the deputy now.
    assert during["approvals"] == before["approvals"] + 2
    revoke_delegation(w.leader_ubnd, delegation, reason="Đã về cơ quan")
    assert _counts(w.deputy_ubnd) == before == _counted_one_by_one(w.deputy_ubnd)


def test_someone_without_any_queue_costs_no_count_query(world):
    queues.queue_counts(world.outsider)
    forget_roles(world.outsider)
    with CaptureQueriesContext(connection) as queries:
        counts = queues.queue_counts(world.outsider)
    assert counts["incoming"] == counts["approvals"] == counts["my_tasks"] == 0
    assert len(queries) <= 2


def test_the_page_shows_the_counts_and_the_bell(busy, login):
    w = busy
    notify(w.specialist_ubnd, kind="other", title="Thông báo thử")
    expected = _counted_one_by_one(w.specialist_ubnd)
    page = login(w.specialist_ubnd).get(reverse("processing:my_tasks")).content.decode()
    assert f"Việc của tôi ({expected['my_tasks']})" in page
    assert f"Văn bản được chuyển ({expected['inbox']})" in page
    assert f'title="{expected["notifications"]} thông báo chưa đọc"' in page
