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
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.documents.numbering import VIETNAM
from vanthu.processing.actions import _notify, _reference, assignment_url, department_leaders
from vanthu.processing.deadlines import reminder_days, work_calendar
from vanthu.processing.models import OPEN_STATUSES, Assignment

BATCH = 500


@dataclass
class SweepResult:
    reminded: int = 0
    escalated: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"Đã nhắc {self.reminded} việc sắp đến hạn, báo {self.escalated} việc quá hạn "
            f"({self.seconds:.2f} giây)."
        )


def _locked_batch(queryset) -> list[Assignment]:
    # skip_locked: two workers sweeping at once share the rows instead of both sending.
    # (SQLite has no row locks; its writes are serialised anyway.)
    return list(
        queryset.select_for_update(skip_locked=True, of=("self",))
        .select_related(
            "document__agency",
            "assignee_user",
            "assignee_department",
            "assigned_by",
            "on_behalf_of",
        )
        .order_by("due_on", "pk")[:BATCH]
    )


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


def sweep_due(now: datetime | None = None) -> SweepResult:
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
    while True:
        with transaction.atomic():
            lines = _locked_batch(due_soon)
            if not lines:
                break
            Assignment.objects.filter(pk__in=[a.pk for a in lines]).update(reminded_on=today)
            for line in lines:
                _notify(
                    recipients.of(line),
                    kind="processing.reminder",
                    title=f"Sắp đến hạn ({line.due_on:%d/%m/%Y}): văn bản "
                    f"{_reference(line.document)}",
                    body=f"{line.get_role_display()}: {line.document.subject}",
                    url=assignment_url(line),
                )
            result.reminded += len(lines)

    overdue = Assignment.objects.filter(
        status__in=OPEN_STATUSES, due_on__lt=today, escalated_at__isnull=True
    )
    while True:
        with transaction.atomic():
            lines = _locked_batch(overdue)
            if not lines:
                break
            Assignment.objects.filter(pk__in=[a.pk for a in lines]).update(escalated_at=now)
            for line in lines:
                doc = line.document
                name = line.assignee_name
                _notify(
                    [line.assigned_by, line.on_behalf_of],
                    kind="processing.escalated",
                    title=f"Quá hạn: văn bản {_reference(doc)} — {name}",
                    body=f"{line.get_role_display()}: {name}, hạn {line.due_on:%d/%m/%Y}.\n"
                    f"{doc.subject}",
                    url=assignment_url(line),
                )
                record_event(
                    "processing.escalated",
                    doc,
                    agency=doc.agency,
                    note=f"{name} ({line.get_role_display()}) quá hạn {line.due_on:%d/%m/%Y}; "
                    f"đã báo {line.assigned_by.full_name}",
                )
            result.escalated += len(lines)
    result.seconds = time.perf_counter() - started
    return result
