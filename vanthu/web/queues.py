"""Counts for the navigation bar and the dashboard: what waits for this user."""

from __future__ import annotations

from django.db.models import Q

from vanthu.circuits.actions import pending_tasks_for
from vanthu.delegation.queues import substitute_presented
from vanthu.directory.access import roles_of
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions import outgoing_queue_for
from vanthu.documents.models import Direction, Forward, Status
from vanthu.processing.selectors import open_assignment_count


def inbox_for(user):
    roles = roles_of(user)
    departments = set().union(*roles.departments.values()) if roles.departments else set()
    forwarded = Forward.objects.filter(Q(to_user=user) | Q(to_department__in=departments)).values(
        "document_id"
    )
    return documents_visible_to(user).filter(pk__in=forwarded)


def queue_counts(user) -> dict:
    roles = roles_of(user)
    clerk_agencies = roles.agencies_with(Role.CLERK)
    led_agencies = roles.agencies_with(Role.AGENCY_LEADER)
    visible = documents_visible_to(user)
    incoming = (
        visible.filter(
            direction=Direction.INCOMING, status=Status.ARRIVED, agency_id__in=clerk_agencies
        ).count()
        if clerk_agencies
        else 0
    )
    approvals = sum(qs.count() for qs in outgoing_queue_for(user).values())
    approvals += visible.filter(
        direction=Direction.INCOMING, status=Status.PRESENTED, presented_to=user
    ).count()
    # Incoming documents presented to a leader this user handles for (delegation register).
    approvals += substitute_presented(user).count()
    # Review-circuit tasks waiting for this user ("Chờ tôi duyệt").
    approvals += pending_tasks_for(user).count()
    unread = Forward.objects.filter(to_user=user, read_at__isnull=True).count()
    return {
        "incoming": incoming,
        "approvals": approvals,
        "inbox": unread,
        "is_admin": roles.is_admin,
        "can_monitor": roles.is_admin or bool(led_agencies),
        "my_tasks": open_assignment_count(user),
        "sees_overdue": bool(led_agencies),  # processing.selectors.overdue_agencies
        "reads_handling_log": bool(clerk_agencies) or bool(led_agencies),
        # Decree 30 Art. 33.2: the văn thư keeps the agency's seal and its signing key.
        "manages_seal": bool(clerk_agencies) or roles.is_admin,
        "can_set_policy": roles.is_admin
        or bool(led_agencies)
        or bool(roles.agencies_with(Role.ADMIN)),
    }
