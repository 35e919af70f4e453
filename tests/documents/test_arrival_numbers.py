"""Số đến (Decree 30/2020 Art. 22.2): one continuous series per agency and year, in the order
documents are registered, shared by paper and electronic documents."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.documents.helpers import arrived_at_stc, register
from vanthu.documents import actions
from vanthu.documents.models import Document, NumberCounter

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_it_shares_one_series_between_paper_and_electronic(world):
    arrived = arrived_at_stc(world)
    paper = register(world, user=world.clerk_stc, agency=world.stc, channel="paper")
    accepted = actions.accept_arrival(world.clerk_stc, arrived)
    scanned_email = register(
        world, user=world.clerk_stc, agency=world.stc, channel="electronic", number_text="16"
    )
    assert [paper.arrival_number, accepted.arrival_number, scanned_email.arrival_number] == [
        1,
        2,
        3,
    ]


def test_it_numbers_each_agency_separately(world):
    ubnd = [register(world, number_text=str(n)) for n in (1, 2)]
    stc = register(world, user=world.clerk_stc, agency=world.stc)
    assert [d.arrival_number for d in ubnd] == [1, 2]
    assert stc.arrival_number == 1


def test_it_does_not_number_refused_arrivals(world):
    refused = actions.refuse_arrival(world.clerk_stc, arrived_at_stc(world), "Gửi nhầm nơi nhận.")
    paper = register(world, user=world.clerk_stc, agency=world.stc)
    assert refused.arrival_number is None
    assert paper.arrival_number == 1


def test_it_restarts_at_01_on_the_first_of_january_in_vietnam(world):
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, tzinfo=VN), tick=False):
        old = [register(world, number_text=str(n)) for n in (1, 2)]
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=VN), tick=False):
        new = register(world, number_text="3", issued_on=date(2026, 12, 31))
    assert [(d.year, d.arrival_number) for d in old] == [(2026, 1), (2026, 2)]
    assert (new.year, new.arrival_number) == (2027, 1)


def test_it_leaves_no_gap_when_registration_fails(world, monkeypatch):
    register(world, number_text="1")

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("vanthu.documents.actions.incoming.audit", broken_audit)
    with pytest.raises(RuntimeError):
        register(world, number_text="2")
    monkeypatch.undo()

    assert Document.objects.count() == 1
    assert NumberCounter.objects.get(agency=world.ubnd, series="incoming").last_value == 1
    assert register(world, number_text="2").arrival_number == 2
