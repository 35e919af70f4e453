"""The indicators counted over a small province: which cases count, which do not."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.monitoring.province import PERIOD, at, build_province
from vanthu.monitoring import queries
from vanthu.monitoring.period import Period
from vanthu.monitoring.scope import scope_for
from vanthu.monitoring.tables import build_dashboard, build_officials, item_list

APRIL_MAY = Period(date.fromisoformat(PERIOD["from"]), date.fromisoformat(PERIOD["to"]))


@pytest.fixture
def province(world):
    return build_province(world)


def _board(world):
    board = build_dashboard(scope_for(world.admin), APRIL_MAY, timezone.now())
    return {row.code: row.cells for row in board.rows}, board


def test_the_deadline_is_the_end_of_the_next_working_day(db):  # the calendar reads /ngay-nghi/
    deadline = queries.registration_deadline(APRIL_MAY)
    # One branch per run of days sharing a deadline: no more branches than days.
    assert 30 <= len(deadline.cases) <= 61
    # Wed 29/4 → 30/4 and 1/5 are holidays, then a weekend: due by the end of Mon 4/5.
    then = {c.condition.children[0][1]: c.result.value for c in deadline.cases}
    assert then[at(date(2026, 5, 4), 0)] == at(date(2026, 5, 5), 0)
    # Fri 24/4 to Mon 27/4 (Sunday Giỗ Tổ made up on Monday) → the end of Tue 28/4.
    assert then[at(date(2026, 4, 28), 0)] == at(date(2026, 4, 29), 0)


def test_late_registrations_across_weekends_and_holidays_are_counted(world, province):
    cells, _ = _board(world)
    stc = cells[world.stc.code][queries.LATE_REGISTRATION]
    # Four arrivals at STC: two registered late, one never registered, one on time.
    assert (stc.count, stc.total) == (3, 4)
    items = item_list(queries.LATE_REGISTRATION, APRIL_MAY, [world.stc.pk], timezone.now())
    found = {d.pk for d in items.items}
    assert found == {province.late_weekend.pk, province.late_holiday.pk, province.left_at_01.pk}
    assert province.on_time.pk not in found
    late = next(d for d in items.items if d.pk == province.late_holiday.pk)
    assert items.row(late)[4].date() == date(2026, 5, 5)  # hạn: midnight after Mon 4/5
    assert items.row(late)[5].date() == date(2026, 5, 5)


def test_paper_and_electronic_shares(world, province):
    cells, board = _board(world)
    ubnd = cells[world.ubnd.code][queries.PAPER]
    assert (ubnd.count, ubnd.total, ubnd.percent) == (1, 2, 50.0)
    assert cells[world.stc.code][queries.PAPER].count == 0
    assert board.total.cells[queries.PAPER].total == 6
    items = item_list(queries.PAPER, APRIL_MAY, [world.ubnd.pk], timezone.now())
    assert [d.pk for d in items.items] == [province.paper.pk]


def test_issued_without_signatures_and_unchecked_are_told_apart(world, province):
    cells, _ = _board(world)
    ubnd = cells[world.ubnd.code][queries.UNSIGNED]
    assert (ubnd.count, ubnd.unchecked, ubnd.total) == (1, 1, 2)
    items = item_list(queries.UNSIGNED, APRIL_MAY, [world.ubnd.pk], timezone.now())
    verdicts = {d.pk: items.row(d)[5] for d in items.items}
    assert verdicts == {
        province.unsigned.pk: "Thiếu cả chữ ký cá nhân và chữ ký cơ quan",
        province.unchecked.pk: "Chưa kiểm tra",
    }


def test_arrivals_left_at_01_are_not_reported(world, province):
    cells, _ = _board(world)
    stc = cells[world.stc.code][queries.UNREPORTED]
    assert (stc.count, stc.total) == (1, 4)
    items = item_list(queries.UNREPORTED, APRIL_MAY, [world.stc.pk], timezone.now())
    (delivery,) = items.items
    assert delivery.incoming_document_id == province.left_at_01.pk
    assert items.row(delivery)[3] == world.ubnd.name  # the sender left uninformed


def test_an_arrival_still_within_its_deadline_is_not_counted(world, province):
    # Seen on Monday 20/4 at noon, that morning's arrival still has until Tuesday night.
    monday = at(date(2026, 4, 20), 12)
    late = queries.late_registrations(APRIL_MAY, [world.stc.pk], monday)
    assert province.left_at_01.pk not in {d.pk for d in late}
    assert queries.count_unreported(APRIL_MAY, [world.stc.pk], monday)[world.stc.pk].count == 0
    # Registered late stays late, whenever one looks.
    assert province.late_holiday.pk in {d.pk for d in late}


def test_overdue_assignments(world, province):
    cells, board = _board(world)
    if queries.assignment_model() is None:
        assert cells[world.stc.code][queries.OVERDUE] is None and not board.has_assignments
        return
    stc = cells[world.stc.code][queries.OVERDUE]
    assert (stc.count, stc.total) == (1, 2)
    items = item_list(queries.OVERDUE, APRIL_MAY, [world.stc.pk], timezone.now())
    assert [a.pk for a in items.items] == [province.overdue.pk]
    rows, has_assignments = build_officials(world.stc, APRIL_MAY, timezone.now())
    specialist = next(r for r in rows if r.user == world.specialist_stc)
    assert has_assignments and (specialist.overdue.count, specialist.overdue.total) == (1, 2)


def test_per_official_counts(world, province):
    rows, _ = build_officials(world.stc, APRIL_MAY, timezone.now())
    clerk = next(r for r in rows if r.user == world.clerk_stc)
    assert clerk.late.count == 2  # the two late registrations were hers
    rows, _ = build_officials(world.ubnd, APRIL_MAY, timezone.now())
    leader = next(r for r in rows if r.user == world.leader_ubnd)
    assert (leader.unsigned.count, leader.unsigned.unchecked, leader.unsigned.total) == (1, 1, 2)


def test_each_indicator_is_one_query(world, province, django_assert_max_num_queries):
    scope = scope_for(world.admin)
    # One per indicator, plus the agency tree and the roles of the user (already cached).
    with django_assert_max_num_queries(5):
        build_dashboard(scope, APRIL_MAY, timezone.now())
