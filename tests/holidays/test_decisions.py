"""Administrators enter the government's yearly holiday decision; deadlines follow it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vanthu.audit.models import AuditEvent
from vanthu.errors import ValidationFailed
from vanthu.holidays import actions, calendar
from vanthu.holidays.actions import DecisionInput
from vanthu.holidays.models import YearDecisionRecord


@pytest.fixture(autouse=True)
def fresh_calendar():
    calendar.refresh()
    yield
    calendar.refresh()


def test_an_entered_decision_changes_working_days_and_deadlines(world):
    # 2027 has no shipped decision: Friday 31/12/2027 is an ordinary working day.
    before = calendar.work_calendar()
    assert before.is_working_day(date(2027, 12, 31))
    assert before.add_working_days(date(2027, 12, 30), 1) == date(2027, 12, 31)
    actions.save_decision(
        world.admin,
        DecisionInput(
            year=2027,
            days_off=[(date(2027, 12, 31), "Nghỉ hoán đổi dịp Tết Dương lịch 2028")],
            working_days=[date(2027, 12, 18)],
            note="Hoán đổi 31/12/2027 với thứ Bảy 18/12/2027",
        ),
    )
    calendar.refresh()  # on_commit does it in production; tests run inside one transaction
    after = calendar.work_calendar()
    assert not after.is_working_day(date(2027, 12, 31))
    assert after.is_working_day(date(2027, 12, 18))  # a Saturday worked in exchange
    # 1/1/2028 is a Saturday, so Monday 3/1 is its compensatory day off: next is Tuesday.
    assert after.add_working_days(date(2027, 12, 30), 1) == date(2028, 1, 4)
    assert ("Nghỉ hoán đổi dịp Tết Dương lịch 2028") in dict(after.holidays(2027)).values()
    assert AuditEvent.objects.filter(action="holidays.decision_saved").count() == 1

    actions.delete_decision(world.admin, 2027)
    calendar.refresh()
    assert calendar.work_calendar().is_working_day(date(2027, 12, 31))


def test_an_entered_year_replaces_the_shipped_decision(world):
    shipped = calendar.work_calendar()
    assert not shipped.is_working_day(date(2025, 5, 2))  # the shipped 2025 swap
    actions.save_decision(world.admin, DecisionInput(year=2025))
    calendar.refresh()
    assert calendar.work_calendar().is_working_day(date(2025, 5, 2))
    # Tết and the statutory days are derived, never entered: still off.
    assert not calendar.work_calendar().is_working_day(date(2025, 1, 29))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (DecisionInput(year=2027, days_off=[(date(2026, 12, 31), "")]), "days_off"),
        (DecisionInput(year=2027, working_days=[date(2028, 1, 8)]), "working_days"),
        (
            DecisionInput(
                year=2027, days_off=[(date(2027, 5, 3), "")], working_days=[date(2027, 5, 3)]
            ),
            "working_days",
        ),
        (DecisionInput(year=2027, national_day_adjacent=date(2027, 9, 4)), "national_day_adjacent"),
        (DecisionInput(year=2099), "year"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_saved(world, data, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.save_decision(world.admin, data)
    assert field in refused.value.errors
    assert not YearDecisionRecord.objects.exists()


def test_only_administrators_enter_decisions(world, client):
    from django.http import Http404

    with pytest.raises(Http404):
        actions.save_decision(world.leader_ubnd, DecisionInput(year=2027))
    client.force_login(world.leader_ubnd)
    assert client.get(reverse("holidays:index")).status_code == 404
    client.force_login(world.admin)
    page = client.get(reverse("holidays:index")).content.decode()
    assert "Tết Nguyên đán" in page or "Tết" in page


def test_the_form_reads_lines_and_explains_mistakes(world, client):
    client.force_login(world.admin)
    url = reverse("holidays:edit", args=[2027])
    bad = client.post(url, {"days_off": "31-12-2027 Nghỉ bù"})
    assert bad.status_code == 400 and "dd/mm/yyyy" in bad.content.decode()
    bad = client.post(url, {"days_off": "31/02/2027 Nghỉ"})
    assert bad.status_code == 400 and "không phải ngày có thật" in bad.content.decode()
    ok = client.post(
        url,
        {
            "days_off": "31/12/2027 Nghỉ hoán đổi\n",
            "working_days": "18/12/2027",
            "national_day_adjacent": "3",
            "note": "Thử nghiệm",
        },
    )
    assert ok.status_code == 302
    record = YearDecisionRecord.objects.get(year=2027)
    assert record.national_day_adjacent == date(2027, 9, 3)
    assert [(d.day, d.kind) for d in record.days.all()] == [
        (date(2027, 12, 18), "working"),
        (date(2027, 12, 31), "off"),
    ]
