"""Reminders before the deadline and escalation after it, swept by a worker.

The sweep reads only what the indexes hand it: open lines due between today and the end of
the reminder window ((status, due_on) index, a short range), and open lines past their date
not yet escalated (a partial index holding exactly those). Each line found is stamped in the
same transaction as its notification is queued, so a second run — or a second worker, which
skips rows the first has locked — sends nothing again: reminded_on remembers the day,
escalated_at that the assigner was told.

At province scale one day's sweep finds about 12,000 lines for about a thousand people
(docs/PERFORMANCE.md), so it works in sets: the lines are read as plain rows (values(), not
model instances with five related rows each), the people and department leaders in one
query each, the notifications written by notify_many() and the escalation events by
record_events() — a fixed number of statements per phase, however many lines.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_events
from vanthu.directory.models import Department, Membership, Role, User
from vanthu.documents.models import Document
from vanthu.documents.numbering import VIETNAM
from vanthu.notifications.actions import Message, notify_many
from vanthu.processing.deadlines import reminder_days, work_calendar
from vanthu.processing.models import OPEN_STATUSES, Assignment, AssignmentRole

# Stamps are written in chunks of this many primary keys (SQLite's parameter limit).
CHUNK = 5000
# A digest names this many lines; the rest are counted ("và N việc khác").
LISTED = 5

# What a message or an audit line says about a line, read in the locking query…
LINE_FIELDS = (
    "pk",
    "public_id",
    "role",
    "due_on",
    "document_id",
    "assignee_user_id",
    "assignee_department_id",
    "assigned_by_id",
    "on_behalf_of_id",
)
# …and about its document, read after it by primary key. Not joined in the locking query:
# PostgreSQL misjudges how few lines are overdue and not yet escalated (two correlated
# conditions) and merge-joined the whole documents table, 2.4 s for 3,000 lines.
DOCUMENT_FIELDS = (
    "pk",
    "public_id",
    "agency_id",
    "number_text",
    "notation",
    "arrival_number",
    "subject",
)

Line = dict  # one row of LINE_FIELDS


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    seconds: float = 0.0
    notified: int = 0  # notifications queued: one per person and kind, however many lines

    def __str__(self) -> str:
        return (
            f"Đã nhắc {self.reminded} việc sắp đến hạn, báo {self.escalated} việc quá hạn "
            f"({self.seconds:.2f} giây)."
        )


def _locked(queryset) -> list[Line]:
    # One transaction per phase holds every line it found: the stamps and the notifications
    # commit together, and a second worker sweeping at once skips these rows (skip_locked)
    # instead of sending them again. (SQLite has no row locks; its writes are serialised.)
    lines = list(
        queryset.select_for_update(skip_locked=True).order_by("due_on", "pk").values(*LINE_FIELDS)
    )
    ids = sorted({line["document_id"] for line in lines})
    documents = {}
    for i in range(0, len(ids), CHUNK):
        for doc in Document.objects.filter(pk__in=ids[i : i + CHUNK]).values(*DOCUMENT_FIELDS):
            documents[doc["pk"]] = doc
    for line in lines:
        line["document"] = documents[line["document_id"]]
    return lines


def _stamp(lines: list[Line], **values) -> None:
    pks = [line["pk"] for line in lines]
    for i in range(0, len(pks), CHUNK):
        Assignment.objects.filter(pk__in=pks[i : i + CHUNK]).update(**values)


class _People:
    """The users and department names the messages of one phase need, each read once."""

    def __init__(self, lines: list[Line], *extra_user_fields: str) -> None:
        departments = {line["assignee_department_id"] for line in lines} - {None}
        # Who answers for a department's line: its current leaders (as people_to_tell).
        self.leaders: dict[int, list[int]] = {}
        for dept, user in (
            Membership.objects.current()
            .filter(department_id__in=departments, role=Role.DEPARTMENT_LEADER)
            .order_by("pk")
            .values_list("department_id", "user_id")
        ):
            if user not in self.leaders.setdefault(dept, []):
                self.leaders[dept].append(user)
        ids = {uid for ids in self.leaders.values() for uid in ids}
        for field in ("assignee_user_id", *extra_user_fields):
            ids |= {line[field] for line in lines} - {None}
        self.users: dict[int, User] = User.objects.in_bulk(ids)
        self.department_names = dict(
            Department.objects.filter(pk__in=departments).values_list("pk", "name")
        )

    def answering_for(self, line: Line) -> list[int]:
        if line["assignee_user_id"]:
            return [line["assignee_user_id"]]
        return self.leaders.get(line["assignee_department_id"], [])

    def assigners_of(self, line: Line) -> list[int]:
        return [uid for uid in (line["assigned_by_id"], line["on_behalf_of_id"]) if uid]

    def assignee_name(self, line: Line) -> str:
        # As Assignment.assignee_name.
        user = self.users.get(line["assignee_user_id"])
        if user is not None:
            return user.full_name or user.username
        return self.department_names.get(line["assignee_department_id"], "")


def _by_person(
    lines: list[Line], people: _People, ids_of: Callable[[Line], list[int]]
) -> dict[User, list[Line]]:
    """{user: [lines]}: a person told about forty lines gets one message."""
    grouped: dict[int, list[Line]] = {}
    for line in lines:
        for uid in dict.fromkeys(ids_of(line)):
            grouped.setdefault(uid, []).append(line)
    return {people.users[uid]: theirs for uid, theirs in grouped.items() if uid in people.users}


def _document_reference(line: Line) -> str:
    # Document.reference is a property over two columns: its own rule, applied to the row.
    doc = line["document"]
    row = SimpleNamespace(number_text=doc["number_text"], notation=doc["notation"])
    return Document.reference.fget(row)


def _reference(line: Line) -> str:
    # As processing.actions._reference, from the row.
    ref = _document_reference(line) or "(không số)"
    number = line["document"]["arrival_number"]
    return f"{ref} (số đến {number:02d})" if number else ref


def _role(line: Line) -> str:
    return AssignmentRole(line["role"]).label


def _url(line: Line) -> str:
    return reverse("processing:assignment_detail", args=[line["public_id"]])


def _more(lines: list[Line]) -> list[str]:
    return [f"… và {len(lines) - LISTED} việc khác."] if len(lines) > LISTED else []


def _reminder(person: User, lines: list[Line]) -> Message:
    first = lines[0]
    if len(lines) == 1:
        return Message(
            person,
            kind="reminder",
            title=f"Sắp đến hạn ({first['due_on']:%d/%m/%Y}): văn bản {_reference(first)}",
            body=f"{_role(first)}: {first['document']['subject']}",
            url=_url(first),
        )
    shown = [
        f"- {_reference(a)}, hạn {a['due_on']:%d/%m/%Y}: {a['document']['subject']}"
        for a in lines[:LISTED]
    ]
    return Message(
        person,
        kind="processing.reminder",
        title=f"Sắp đến hạn: {len(lines)} việc, sớm nhất ngày {first['due_on']:%d/%m/%Y}",
        body="\n".join(shown + _more(lines)),
        url=reverse("processing:my_tasks"),
    )


def _escalation(person: User, lines: list[Line], people: _People, leads_agency: bool) -> Message:
    first = lines[0]
    if len(lines) == 1:
        name = people.assignee_name(first)
        return Message(
            person,
            kind="overdue",
            title=f"Quá hạn: văn bản {_reference(first)} — {name}",
            body=f"{_role(first)}: {name}, hạn {first['due_on']:%d/%m/%Y}.\n"
            f"{first['document']['subject']}",
            url=_url(first),
        )
    shown = [
        f"{people.assignee_name(a)}: {_document_reference(a) or '(không số)'}"
        for a in lines[:LISTED]
    ]
    # An agency leader has the overdue list; a department leader who re-assigned is sent
    # to the first line (the list would refuse them).
    return Message(
        person,
        kind="processing.escalated",
        title=f"Quá hạn: {len(lines)} việc đã giao chưa xong",
        body="\n".join(shown + _more(lines)),
        url=reverse("processing:overdue") if leads_agency else _url(first),
    )


def _agency_leaders(user_ids) -> set[int]:
    """Who of these may read an overdue list (processing.selectors.overdue_agencies)."""
    return set(
        Membership.objects.current()
        .filter(user_id__in=user_ids, role=Role.AGENCY_LEADER)
        .values_list("user_id", flat=True)
    )


def _remind(lines: list[Line], result: SweepResult) -> None:
    people = _People(lines)
    grouped = _by_person(lines, people, people.answering_for)
    result.notified += notify_many(_reminder(p, theirs) for p, theirs in grouped.items())
    result.reminded = len(lines)


def _escalate(lines: list[Line], result: SweepResult) -> None:
    people = _People(lines, "assigned_by_id", "on_behalf_of_id")

    def assigner(line: Line) -> User:
        return people.users[line["assigned_by_id"]]

    record_events(
        "processing.escalated",
        Document,
        (
            {
                "object_id": line["document"]["public_id"],
                "agency_id": line["document"]["agency_id"],
                "note": f"{people.assignee_name(line)} ({_role(line)}) quá hạn "
                f"{line['due_on']:%d/%m/%Y}; đã báo {assigner(line).full_name}",
            }
            for line in lines
        ),
    )
    grouped = _by_person(lines, people, people.assigners_of)
    leaders = _agency_leaders([p.pk for p in grouped])
    result.notified += notify_many(
        _escalation(p, theirs, people, p.pk in leaders) for p, theirs in grouped.items()
    )
    result.escalated = len(lines)


def sweep_due(now: datetime | None = None) -> SweepResult:
    """Remind and escalate what is due, telling each person once per sweep: at province
    scale a day's sweep finds about ten thousand lines for about a thousand people, and one
    message per line (each a notification row, its preferences, perhaps an e-mail) took
    51 s where one per person, written in bulk, takes about a second (docs/PERFORMANCE.md)."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=VIETNAM)
    calendar = work_calendar()
    # Due "within N working days": up to the day before the (N+1)-th working day, so a
    # deadline falling on the weekend after the N-th working day is included too.
    horizon = calendar.add_working_days(today, reminder_days() + 1) - timedelta(days=1)
    result = SweepResult()

    due_soon = Assignment.objects.filter(
        status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=horizon
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    with transaction.atomic():
        lines = _locked(due_soon)
        if lines:
            _stamp(lines, reminded_on=today)
            _remind(lines, result)

    overdue = Assignment.objects.filter(
        status__in=OPEN_STATUSES, due_on__lt=today, escalated_at__isnull=True
    )
    with transaction.atomic():
        lines = _locked(overdue)
        if lines:
            _stamp(lines, escalated_at=now)
            _escalate(lines, result)
    result.seconds = time.perf_counter() - started
    return result
