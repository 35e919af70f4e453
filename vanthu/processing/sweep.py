"""Reminders before the deadline and escalation after it, swept by a worker.

The sweep reads only what the indexes hand it: open lines due between today and the end of
the reminder window ((status, due_on) index, a short range), and open lines past their date
not yet escalated (a partial index holding exactly those). Each line found is stamped in the
same transaction as its notification is queued, so a second run — or a second worker, which
skips rows the first has locked — sends nothing again: reminded_on remembers the day,
escalated_at that the assigner was told.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.documents.numbering import VIETNAM
from vanthu.processing.actions import _notify, _reference, assignment_url, department_leaders
from vanthu.processing.deadlines import reminder_days, work_calendar
from vanthu.processing.models import OPEN_STATUSES, Assignment
from vanthu.processing.selectors import overdue_agencies

# Stamps are written in chunks of this many primary keys (SQLite's parameter limit).
CHUNK = 5000
# A digest names this many lines; the rest are counted ("và N việc khác").
LISTED = 5


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


def _locked(queryset) -> list[Assignment]:
    # One transaction per phase holds every line it found: the stamps and the notifications
    # commit together, and a second worker sweeping at once skips these rows (skip_locked)
    # instead of sending them again. (SQLite has no row locks; its writes are serialised.)
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "document__agency",
            "assignee_user",
            "assignee_department",
            "assigned_by",
            "on_behalf_of",
        )
        .order_by("due_on", "pk")
    )


def _stamp(lines: list[Assignment], **values) -> None:
    pks = [a.pk for a in lines]
    for i in range(0, len(pks), CHUNK):
        Assignment.objects.filter(pk__in=pks[i : i + CHUNK]).update(**values)


class _Recipients:
    """Who answers for a line, with department leaders looked up once per department."""

    def __init__(self) -> None:
        self._departments: dict[int, list] = {}

    def of(self, line: Assignment) -> list:
        if line.assignee_user_id:
            return [line.assignee_user]
        dept = line.assignee_department_id
        if dept not in self._departments:
            self._departments[dept] = department_leaders(dept)
        return self._departments[dept]


def _by_person(lines: list[Assignment], people_of) -> dict[int, tuple]:
    """{user id: (user, [lines])}: a person told about forty lines gets one message."""
    grouped: dict[int, tuple] = {}
    for line in lines:
        for person in people_of(line):
            if person is not None:
                grouped.setdefault(person.pk, (person, []))[1].append(line)
    return grouped


def _listing(lines: list[Assignment]) -> str:
    shown = [
        f"- {_reference(a.document)}, hạn {a.due_on:%d/%m/%Y}: {a.document.subject}"
        for a in lines[:LISTED]
    ]
    if len(lines) > LISTED:
        shown.append(f"… và {len(lines) - LISTED} việc khác.")
    return "\n".join(shown)


def _remind(person, lines: list[Assignment]) -> None:
    if len(lines) == 1:
        line = lines[0]
        _notify(
            [person],
            kind="reminder",
            title=f"Sắp đến hạn ({line.due_on:%d/%m/%Y}): văn bản {_reference(line.document)}",
            body=f"{line.get_role_display()}: {line.document.subject}",
            url=assignment_url(line),
        )
        return
    _notify(
        [person],
        kind="processing.reminder",
        title=f"Sắp đến hạn: {len(lines)} việc, sớm nhất ngày {lines[0].due_on:%d/%m/%Y}",
        body=_listing(lines),
        url=reverse("processing:my_tasks"),
    )


def _escalate(person, lines: list[Assignment]) -> None:
    if len(lines) == 1:
        line = lines[0]
        name = line.assignee_name
        _notify(
            [person],
            kind="overdue",
            title=f"Quá hạn: văn bản {_reference(line.document)} — {name}",
            body=f"{line.get_role_display()}: {name}, hạn {line.due_on:%d/%m/%Y}.\n"
            f"{line.document.subject}",
            url=assignment_url(line),
        )
        return
    # An agency leader has the overdue list; a department leader who re-assigned is sent
    # to the first line (the list would refuse them).
    url = reverse("processing:overdue") if overdue_agencies(person) else assignment_url(lines[0])
    _notify(
        [person],
        kind="processing.escalated",
        title=f"Quá hạn: {len(lines)} việc đã giao chưa xong",
        body="\n".join(
            [f"{a.assignee_name}: {a.document.reference or '(không số)'}" for a in lines[:LISTED]]
            + ([f"… và {len(lines) - LISTED} việc khác."] if len(lines) > LISTED else [])
        ),
        url=url,
    )


def sweep_due(now: datetime | None = None) -> SweepResult:
    """Remind and escalate what is due, telling each person once per sweep: at province
    scale a day's sweep finds about ten thousand lines for about a thousand people, and one
    message per line (each a notification row, its preferences, perhaps an e-mail) took
    51 s where one per person takes a few (docs/PERFORMANCE.md)."""
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=VIETNAM)
    calendar = work_calendar()
    # Due "within N working days": up to the day before the (N+1)-th working day, so a
    # deadline falling on the weekend after the N-th working day is included too.
    horizon = calendar.add_working_days(today, reminder_days() + 1) - timedelta(days=1)
    result = SweepResult()
    recipients = _Recipients()

    due_soon = Assignment.objects.filter(
        status__in=OPEN_STATUSES, due_on__gte=today, due_on__lte=horizon
    ).filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
    with transaction.atomic():
        lines = _locked(due_soon)
        _stamp(lines, reminded_on=today)
        for person, theirs in _by_person(lines, recipients.of).values():
            _remind(person, theirs)
            result.notified += 1
        result.reminded = len(lines)

    overdue = Assignment.objects.filter(
        status__in=OPEN_STATUSES, due_on__lt=today, escalated_at__isnull=True
    )
    with transaction.atomic():
        lines = _locked(overdue)
        _stamp(lines, escalated_at=now)
        for line in lines:
            doc = line.document
            record_event(
                "processing.escalated",
                doc,
                agency=doc.agency,
                note=f"{line.assignee_name} ({line.get_role_display()}) quá hạn "
                f"{line.due_on:%d/%m/%Y}; đã báo {line.assigned_by.full_name}",
            )
        assigners = _by_person(lines, lambda a: [a.assigned_by, a.on_behalf_of])
        for person, theirs in assigners.values():
            _escalate(person, theirs)
            result.notified += 1
        result.escalated = len(lines)
    result.seconds = time.perf_counter() - started
    return result
