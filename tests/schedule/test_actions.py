"""Adding, editing, deleting entries and publishing a week: permissions, Vietnamese
validation messages, nothing half-saved, versions and the audit trail."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.schedule.helpers import CONTENT, WEEK, YEAR, add_entry, entry_data
from vanthu.audit.models import AuditEvent
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.schedule import actions
from vanthu.schedule.models import Entry, Week, WeekStatus


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_the_clerk_adds_an_entry_to_a_draft_week_and_it_is_audited(world):
    entry = add_entry(world)
    week = entry.week
    assert (week.agency, week.iso_year, week.iso_week) == (world.ubnd, YEAR, WEEK)
    assert week.status == WeekStatus.DRAFT and week.has_changes and week.version == 0
    [event] = _events("schedule.entry_created")
    assert event.actor == world.clerk_ubnd and event.agency == world.ubnd
    assert event.object_id == str(entry.public_id)
    assert event.after["content"] == CONTENT
    assert event.after["chair"] == "Trần Văn Chủ Tịch"
    assert event.after["session"] == "Sáng"


def test_an_agency_leader_may_edit_the_calendar_too(world):
    entry = add_entry(world, user=world.deputy_ubnd, chair_user=None, chair_text="Sở Y tế")
    assert entry.created_by == world.deputy_ubnd


@pytest.mark.parametrize(
    "persona", ["specialist_ubnd", "dept_leader_ubnd", "clerk_stc", "leader_xa", "outsider"]
)
def test_it_refuses_people_who_do_not_keep_the_agencys_calendar(world, persona):
    with pytest.raises(PermissionDenied):
        add_entry(world, user=getattr(world, persona))
    assert not Week.objects.exists() and not Entry.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="schedule.").exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"end_time": time(7, 0)}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
        ({"end_time": time(7, 30)}, "end_time", "Giờ kết thúc phải sau giờ bắt đầu."),
        (
            {"day": date(2026, 9, 7)},
            "day",
            "Ngày 07/09/2026 không thuộc tuần này (từ ngày 31/08/2026 đến ngày 06/09/2026).",
        ),
        ({"day": None}, "day", "Nhập ngày làm việc."),
        ({"content": "   "}, "content", "Nhập nội dung công việc."),
        ({"start_time": None}, "start_time", "Nhập giờ bắt đầu."),
        ({"place": "x" * 301}, "place", "Địa điểm dài quá 300 ký tự."),
        (
            {"chair_text": "Ông A"},
            "chair_text",
            "Chọn lãnh đạo chủ trì hoặc ghi tên người chủ trì, không cả hai.",
        ),
    ],
)
def test_it_rejects_bad_entries_with_vietnamese_messages(world, fields, field, message):
    with pytest.raises(ValidationFailed) as caught:
        add_entry(world, **fields)
    assert caught.value.errors[field] == message
    assert not Week.objects.exists() and not Entry.objects.exists()


def test_it_rejects_a_chair_or_a_preparing_department_of_another_agency(world):
    with pytest.raises(ValidationFailed) as caught:
        add_entry(world, chair_user=world.leader_stc, preparing_department=world.ns_stc)
    assert caught.value.errors == {
        "chair_user": "Người chủ trì phải là lãnh đạo đương nhiệm của cơ quan.",
        "preparing_department": "Phòng, ban chuẩn bị không thuộc cơ quan này.",
    }


def test_a_department_leader_may_chair_and_a_department_may_prepare(world):
    entry = add_entry(world, chair_user=world.dept_leader_ubnd, preparing_department=world.kt_ubnd)
    assert entry.chair_user == world.dept_leader_ubnd
    assert entry.preparing_department == world.kt_ubnd


def test_editing_keeps_the_entry_in_its_week_and_records_before_and_after(world):
    entry = add_entry(world)
    with pytest.raises(ValidationFailed):
        actions.update_entry(world.clerk_ubnd, entry, entry_data(day=date(2026, 8, 30)))
    actions.update_entry(world.clerk_ubnd, entry, entry_data(start_time=time(14, 0), end_time=None))
    entry.refresh_from_db()
    assert entry.start_time == time(14, 0) and entry.end_time is None
    [event] = _events("schedule.entry_updated")
    assert event.before["session"] == "Sáng" and event.after["session"] == "Chiều"
    assert event.before["chair"] == "Trần Văn Chủ Tịch" and event.after["chair"] == ""


def test_a_specialist_may_not_edit_or_delete(world):
    entry = add_entry(world)
    with pytest.raises(PermissionDenied):
        actions.update_entry(world.specialist_ubnd, entry, entry_data(content="Khác"))
    with pytest.raises(PermissionDenied):
        actions.delete_entry(world.specialist_ubnd, entry)
    entry.refresh_from_db()
    assert entry.content == CONTENT


def test_publishing_freezes_the_week_and_later_changes_make_a_new_version(world):
    entry = add_entry(world)
    week = actions.publish_week(world.leader_ubnd, world.ubnd, YEAR, WEEK)
    assert week.status == WeekStatus.PUBLISHED
    assert (week.version, week.revision, week.has_changes) == (1, 0, False)
    assert week.published_by == world.leader_ubnd and week.published_at is not None
    assert [r["content"] for r in week.published_rows] == [CONTENT]

    with pytest.raises(InvalidTransition, match="không có thay đổi"):
        actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)

    actions.update_entry(world.clerk_ubnd, entry, entry_data(content="Họp Ban Chỉ đạo"))
    week.refresh_from_db()
    # What staff were given stays as published until the adjustment is published.
    assert week.has_changes and [r["content"] for r in week.published_rows] == [CONTENT]

    week = actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    assert (week.version, week.revision) == (2, 1)
    assert [r["content"] for r in week.published_rows] == ["Họp Ban Chỉ đạo"]

    actions.delete_entry(world.clerk_ubnd, entry)
    week = actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    assert (week.version, week.published_rows) == (3, [])
    events = _events("schedule.week_published")
    assert [e.after["version"] for e in events] == [1, 2, 3]
    assert events[1].note == "Tuần 36/2026, điều chỉnh lần 1"
    assert _events("schedule.entry_deleted")[0].before["content"] == "Họp Ban Chỉ đạo"


def test_it_refuses_to_publish_an_empty_or_foreign_week(world):
    with pytest.raises(InvalidTransition, match="chưa có lịch"):
        actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    add_entry(world)
    for persona in ("specialist_ubnd", "clerk_stc"):
        with pytest.raises(PermissionDenied):
            actions.publish_week(getattr(world, persona), world.ubnd, YEAR, WEEK)
    assert Week.objects.get().status == WeekStatus.DRAFT
    assert not _events("schedule.week_published")


def test_a_week_number_the_year_does_not_have_is_refused(world):
    # 2025 began on a Wednesday: 52 ISO weeks (2026, which began on a Thursday, has 53).
    with pytest.raises(ValidationFailed, match="Năm 2025 không có tuần 53"):
        actions.create_entry(world.clerk_ubnd, world.ubnd, 2025, 53, entry_data())
