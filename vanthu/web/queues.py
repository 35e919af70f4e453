"""Counts for the navigation bar: what waits for this user.

Every page shows them, so they are asked in one statement and the statement is kept.
Building the queue querysets of documents, delegation, review circuits and processing costs
more than running them — about 30 ms of Python and four hidden lookups (roles, delegations
in force, the principals one stands in for, review positions), against a few milliseconds
of SQL (docs/PERFORMANCE.md). So the built statement — the question, never the answer — is
kept per user for QUESTION_SECONDS; every page runs it, and each count is as fresh as the
list it leads to.

What could make a kept question wrong is a change in its *shape*. Roles are part of the key,
and so is the date, which is when delegations start and end. A delegation registered or
revoked during the day is caught by the statement itself. It also returns the register's
stamp (its newest id and newest revocation), and a stamp other than the one the question
was built with rebuilds the question and asks again. Only a changed review position can
still take up to QUESTION_SECONDS to show.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet

from vanthu.circuits.actions import pending_tasks_for
from vanthu.delegation.models import Delegation
from vanthu.delegation.queues import substitute_presented
from vanthu.directory.access import Roles, roles_of
from vanthu.directory.models import Role
from vanthu.documents.access import documents_visible_to
from vanthu.documents.actions import outgoing_queue_for
from vanthu.documents.models import Direction, Forward, Status
from vanthu.documents.numbering import local_today
from vanthu.notifications.models import Notification
from vanthu.processing.selectors import my_open_assignments

QUESTION_SECONDS = 60.0
# Statements kept per process (a few kilobytes each): the people active in the last minute.
QUESTIONS_KEPT = 2000


def inbox_for(user):
    roles = roles_of(user)
    departments = set().union(*roles.departments.values()) if roles.departments else set()
    forwarded = Forward.objects.filter(Q(to_user=user) | Q(to_department__in=departments)).values(
        "document_id"
    )
    return documents_visible_to(user).filter(pk__in=forwarded)


@dataclass(frozen=True)
class _Question:
    using: str  # the database alias the querysets read
    sql: str  # "" when every count is certainly zero
    params: tuple
    names: tuple[str, ...]  # the count each column adds to; the stamp's columns follow
    expires: float
    stamp: tuple  # the delegation register's stamp when the querysets were built


def _stamp_sql() -> str:
    # Both are read from an index: the primary key, and revoked_at's own.
    table = connections["default"].ops.quote_name(Delegation._meta.db_table)
    return f"(SELECT MAX(id) FROM {table}), (SELECT MAX(revoked_at) FROM {table})"  # noqa: S608


def _read_stamp(using: str) -> tuple:
    """Read apart from the counts, before the querysets that depend on it are built (a
    delegation made in between then shows as a changed stamp at the first page)."""
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + _stamp_sql())
        return tuple(cursor.fetchone())


_questions: OrderedDict[tuple, _Question] = OrderedDict()
_lock = threading.Lock()


def _queues(user, roles: Roles) -> dict[str, list[QuerySet]]:
    """The querysets whose rows each count adds up (the queues' own definitions)."""
    clerk_agencies = roles.agencies_with(Role.CLERK)
    visible = documents_visible_to(user)
    incoming = visible.filter(
        direction=Direction.INCOMING, status=Status.ARRIVED, agency_id__in=clerk_agencies
    )
    return {
        "incoming": [incoming] if clerk_agencies else [],
        "approvals": [
            *outgoing_queue_for(user).values(),
            visible.filter(
                direction=Direction.INCOMING, status=Status.PRESENTED, presented_to=user
            ),
            # Incoming documents presented to a leader this user handles for (delegation).
            substitute_presented(user),
            # Review-circuit tasks waiting for this user ("Chờ tôi duyệt").
            pending_tasks_for(user),
        ],
        "inbox": [Forward.objects.filter(to_user=user, read_at__isnull=True)],
        "my_tasks": [my_open_assignments(user)],
        # The bell's first figure (htmx refreshes it from notifications:unread_count).
        "notifications": [Notification.objects.filter(recipient=user, read_at__isnull=True)],
    }


def _compile(queues: dict[str, list[QuerySet]], stamp: tuple, expires: float) -> _Question:
    # SELECT (SELECT COUNT(*) FROM (<queue 1>)), (SELECT COUNT(*) FROM (<queue 2>)), …:
    # each queue's own SQL, counted as QuerySet.count() would count it, in one round trip.
    columns: list[str] = []
    params: list = []
    names: list[str] = []
    using = "default"
    for name, querysets in queues.items():
        for qs in querysets:
            rows = qs.order_by().values("pk")
            using = rows.db
            try:
                sql, sql_params = rows.query.get_compiler(using=rows.db).as_sql()
            except EmptyResultSet:
                continue  # a filter on an empty set (no such role): nothing to count
            # The SQL is the ORM's own compilation; every value stays a parameter.
            columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS q{len(columns)})")  # noqa: S608
            params.extend(sql_params)
            names.append(name)
    sql = "SELECT " + ", ".join([*columns, _stamp_sql()]) if columns else ""
    return _Question(using, sql, tuple(params), tuple(names), expires, stamp)


def _key(user, roles: Roles) -> tuple:
    # date_joined with the id names the account, not only its row (rows of deleted test
    # accounts are reused); the roles and the day change the question.
    return (
        user.pk,
        user.date_joined,
        local_today(),
        roles.is_admin,
        frozenset((agency, frozenset(held)) for agency, held in roles.by_agency.items()),
        frozenset((agency, frozenset(depts)) for agency, depts in roles.departments.items()),
        frozenset(roles.led_departments),
    )


def _question_for(user, roles: Roles, *, rebuild: bool = False) -> _Question:
    key = _key(user, roles)
    now = time.monotonic()
    with _lock:
        question = None if rebuild else _questions.get(key)
        if question is not None and question.expires > now:
            _questions.move_to_end(key)
            return question
    stamp = _read_stamp("default")
    question = _compile(_queues(user, roles), stamp, now + QUESTION_SECONDS)
    with _lock:
        _questions[key] = question
        _questions.move_to_end(key)
        while len(_questions) > QUESTIONS_KEPT:
            _questions.popitem(last=False)
    return question


def forget_questions() -> None:
    """Drop every kept statement (tests that change a delegation between two pages)."""
    with _lock:
        _questions.clear()


def _counts(question: _Question, *, check_stamp: bool = True) -> dict[str, int] | None:
    """The counts, or None when the delegation register changed since the question was
    built (and check_stamp asks to know)."""
    totals = dict.fromkeys(("incoming", "approvals", "inbox", "my_tasks", "notifications"), 0)
    if question.sql:
        with connections[question.using].cursor() as cursor:
            cursor.execute(question.sql, question.params)
            row = cursor.fetchone()
        counted = len(question.names)
        if check_stamp and tuple(row[counted:]) != question.stamp:
            return None
        for name, value in zip(question.names, row[:counted], strict=True):
            totals[name] += value
    return totals


def _current_counts(user, roles: Roles) -> dict[str, int]:
    counts = _counts(_question_for(user, roles))
    if counts is None:
        # Built a moment ago: answered as it is, even if another change came in between
        # (the next page catches that one).
        counts = _counts(_question_for(user, roles, rebuild=True), check_stamp=False)
    assert counts is not None
    return counts


def queue_counts(user) -> dict:
    roles = roles_of(user)
    led_agencies = roles.agencies_with(Role.AGENCY_LEADER)
    clerk_agencies = roles.agencies_with(Role.CLERK)
    return {
        **_current_counts(user, roles),
        "is_admin": roles.is_admin,
        "can_monitor": roles.is_admin or bool(led_agencies),
        "sees_overdue": bool(led_agencies),  # processing.selectors.overdue_agencies
        "reads_handling_log": bool(clerk_agencies) or bool(led_agencies),
        # Decree 30 Art. 33.2: the văn thư keeps the agency's seal and its signing key.
        "manages_seal": bool(clerk_agencies) or roles.is_admin,
        "can_set_policy": roles.is_admin
        or bool(led_agencies)
        or bool(roles.agencies_with(Role.ADMIN)),
    }
