"""Builders for the weekly calendar tests. They call the actions only, so a calendar made
here is in exactly the state a clerk or a leader would have put it in."""

from __future__ import annotations

from datetime import date, time

from vanthu.schedule import actions
from vanthu.schedule.actions import EntryData

# ISO week 36 of 2026: Monday 31/08 (the day swapped for Saturday 22/08) to Sunday 06/09,
# with the two Quốc khánh days 01/09 and 02/09.
YEAR, WEEK = 2026, 36
MONDAY = date(2026, 8, 31)
CONTENT = "Họp giao ban Thường trực Ủy ban nhân dân tỉnh về công tác phòng, chống bão lũ"


def entry_data(**fields) -> EntryData:
    values = {
        "day": date(2026, 9, 3),
        "start_time": time(7, 30),
        "end_time": time(11, 0),
        "content": CONTENT,
        "place": "Phòng họp số 1, trụ sở Ủy ban nhân dân tỉnh",
        "participants": "Lãnh đạo các sở, ngành; Chánh Văn phòng",
    }
    values.update(fields)
    return EntryData(**values)


def add_entry(world, user=None, **fields):
    data = entry_data(**{"chair_user": world.leader_ubnd, **fields})
    return actions.create_entry(user or world.clerk_ubnd, world.ubnd, YEAR, WEEK, data)
