"""Reminders before the deadline and escalation after it, idempotent per day."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from tests.processing.helpers import MONDAY, registered_at_ubnd
from vanthu.audit.models import AuditEvent
from vanthu.documents.numbering import VIETNAM
from vanthu.processing.actions import assign, complete
from vanthu.processing.models import Assignment
from vanthu.processing.sweep import sweep_due

pytestmark = pytest.mark.django_db


def _at(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=VIETNAM)


def _slip(world, due_on: date, **kwargs):
    doc = registered_at_ubnd(world)
    return assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_on=due_on, now=MONDAY, **kwargs)


def test_reminds_once_a_day_and_escalates_once(world):
    (lead, info) = _slip(world, date(2026, 3, 3), info=[world.specialist2_ubnd])
    far = _slip(world, date(2026, 3, 20))[0]

    first = sweep_due(now=_at(date(2026, 3, 2)))
    assert (first.reminded, first.escalated) == (1, 0)
    assert sweep_due(now=_at(date(2026, 3, 2), 16)).reminded == 0  # same day: nothing again
    lead.refresh_from_db()
    assert lead.reminded_on == date(2026, 3, 2)

    assert sweep_due(now=_at(date(2026, 3, 3))).reminded == 1  # due today: reminded again

    overdue = sweep_due(now=_at(date(2026, 3, 4)))
    assert (overdue.reminded, overdue.escalated) == (0, 1)
    again = sweep_due(now=_at(date(2026, 3, 5)))
    assert (again.reminded, again.escalated) == (0, 0)
    lead.refresh_from_db()
    assert lead.escalated_at is not None
    far.refresh_from_db()
    info.refresh_from_db()
    assert far.reminded_on is None and info.reminded_on is None  # nhận để biết has no date
    event = AuditEvent.objects.get(action="processing.escalated")
    assert "Phòng Kinh tế" in event.note and world.leader_ubnd.full_name in event.note


def test_the_window_spans_the_weekend(world):
    # Friday 06/03 with a one-working-day window: due Monday 09/03 is within it.
    _slip(world, date(2026, 3, 9))
    assert sweep_due(now=_at(date(2026, 3, 6))).reminded == 1


def test_finished_work_is_neither_reminded_nor_escalated(world):
    (lead,) = _slip(world, date(2026, 3, 3))
    # The lead is a department; its leader reports completion.
    complete(world.dept_leader_ubnd, lead, result_note="Xong")
    result = sweep_due(now=_at(date(2026, 3, 10)))
    assert (result.reminded, result.escalated) == (0, 0)


def test_the_command_runs_the_sweep(world, capsys):
    _slip(world, date.today() + timedelta(days=400))  # noqa: DTZ011 - outside any window
    Assignment.objects.update(due_on=date(2020, 1, 1))
    call_command("processing_sweep")
    out = capsys.readouterr().out
    assert "báo 1 việc quá hạn" in out


def test_the_assignment_table_leaves_room_for_the_stamps():
    # PostgreSQL rewrites a stamped row in place only when its page has room (0003).
    if connection.vendor != "postgresql":
        pytest.skip("fillfactor is a PostgreSQL storage parameter; SQLite has none")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = %s", [Assignment._meta.db_table]
        )
        (options,) = cursor.fetchone()
    assert "fillfactor=85" in options
