"""Every change to a weekly calendar: add, edit and delete an entry, publish the week.

Each action checks the permission, validates (Vietnamese messages per field), changes the
data in one transaction under a lock on the week's row and records an audit event. The
week's row is the lock: an entry saved while the week is being published either makes it
into that publication or marks the week as changed again, never half of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from vanthu.audit.events import record_event
from vanthu.directory.models import Agency, Department, Membership, Role, User
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.schedule.access import can_edit
from vanthu.schedule.models import Entry, Week, WeekStatus
from vanthu.schedule.rows import entry_row

MAX_CONTENT = 2000
MAX_PLACE = 300
MAX_CHAIR = 200
MAX_PREPARING = 300
MAX_TEXT = 2000


@dataclass
class EntryData:
    day: date | None
    start_time: time | None
    content: str
    end_time: time | None = None
    place: str = ""
    chair_user: User | None = None
    chair_text: str = ""
    participants: str = ""
    preparing_department: Department | None = None
    preparing_text: str = ""
    note: str = ""


def chair_candidates(agency: Agency):
    """Who may be chosen as chair (chủ trì): the agency's leaders and department leaders."""
    current = Membership.objects.current().filter(
        agency=agency, role__in=(Role.AGENCY_LEADER, Role.DEPARTMENT_LEADER)
    )
    return User.objects.filter(memberships__in=current).distinct().order_by("full_name")


def _require_editor(user, agency: Agency) -> None:
    if not can_edit(user, agency):
        raise PermissionDenied("Chỉ văn thư và lãnh đạo cơ quan được sửa lịch công tác.")


def validate(agency: Agency, monday: date, data: EntryData) -> EntryData:
    """The cleaned data, or ValidationFailed with every problem found (field -> message)."""
    errors: dict[str, str] = {}
    data.content = (data.content or "").strip()
    for name in ("place", "chair_text", "participants", "preparing_text", "note"):
        setattr(data, name, (getattr(data, name) or "").strip())
    sunday = monday + timedelta(days=6)
    if data.day is None:
        errors["day"] = "Nhập ngày làm việc."
    elif not monday <= data.day <= sunday:
        errors["day"] = (
            f"Ngày {data.day:%d/%m/%Y} không thuộc tuần này "
            f"(từ ngày {monday:%d/%m/%Y} đến ngày {sunday:%d/%m/%Y})."
        )
    if data.start_time is None:
        errors["start_time"] = "Nhập giờ bắt đầu."
    elif data.end_time is not None and data.end_time <= data.start_time:
        errors["end_time"] = "Giờ kết thúc phải sau giờ bắt đầu."
    if not data.content:
        errors["content"] = "Nhập nội dung công việc."
    limits = {
        "content": (MAX_CONTENT, "Nội dung"),
        "place": (MAX_PLACE, "Địa điểm"),
        "chair_text": (MAX_CHAIR, "Chủ trì"),
        "participants": (MAX_TEXT, "Thành phần"),
        "preparing_text": (MAX_PREPARING, "Đơn vị chuẩn bị"),
        "note": (MAX_TEXT, "Ghi chú"),
    }
    for name, (limit, label) in limits.items():
        if len(getattr(data, name)) > limit and name not in errors:
            errors[name] = f"{label} dài quá {limit} ký tự."
    if data.chair_user is not None:
        if data.chair_text:
            errors["chair_text"] = "Chọn lãnh đạo chủ trì hoặc ghi tên người chủ trì, không cả hai."
        elif not chair_candidates(agency).filter(pk=data.chair_user.pk).exists():
            errors["chair_user"] = "Người chủ trì phải là lãnh đạo đương nhiệm của cơ quan."
    if data.preparing_department is not None:
        if data.preparing_text:
            errors["preparing_text"] = (
                "Chọn phòng, ban chuẩn bị hoặc ghi tên đơn vị chuẩn bị, không cả hai."
            )
        elif data.preparing_department.agency_id != agency.pk:
            errors["preparing_department"] = "Phòng, ban chuẩn bị không thuộc cơ quan này."
    if errors:
        raise ValidationFailed(errors)
    return data


def _locked_week(agency: Agency, year: int, week: int) -> Week:
    """The week's row, created if needed, locked for the rest of the transaction."""
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator wins the race cleanly
            Week.objects.get_or_create(agency=agency, iso_year=year, iso_week=week)
    except IntegrityError:
        pass  # created meanwhile by another request; the lock below waits for it
    return Week.objects.select_for_update().get(agency=agency, iso_year=year, iso_week=week)


def _fields(data: EntryData) -> dict:
    return {
        "day": data.day,
        "start_time": data.start_time,
        "end_time": data.end_time,
        "content": data.content,
        "place": data.place,
        "chair_user": data.chair_user,
        "chair_text": data.chair_text,
        "participants": data.participants,
        "preparing_department": data.preparing_department,
        "preparing_text": data.preparing_text,
        "note": data.note,
    }


def _existing(queryset) -> Entry:
    entry = queryset.first()
    if entry is None:  # deleted by someone else since the page was opened
        raise InvalidTransition("Mục lịch công tác này đã bị xóa.")
    return entry


def _mark_changed(week: Week) -> None:
    if not week.has_changes:
        Week.objects.filter(pk=week.pk).update(has_changes=True, updated_at=timezone.now())
        week.has_changes = True


def create_entry(user, agency: Agency, year: int, week: int, data: EntryData) -> Entry:
    _require_editor(user, agency)
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValidationFailed({"day": f"Năm {year} không có tuần {week}."}) from exc
    data = validate(agency, monday, data)
    with transaction.atomic():
        locked = _locked_week(agency, year, week)
        entry = Entry.objects.create(week=locked, created_by=user, **_fields(data))
        _mark_changed(locked)
        record_event(
            "schedule.entry_created",
            entry,
            actor=user,
            agency=agency,
            after=entry_row(entry),
            note=f"Tuần {week}/{year}",
        )
    return entry


def update_entry(user, entry: Entry, data: EntryData) -> Entry:
    week = entry.week
    agency = week.agency
    _require_editor(user, agency)
    data = validate(agency, week.monday, data)
    with transaction.atomic():
        # The locked row, not entry.week: a stale copy could still say has_changes.
        week = Week.objects.select_for_update().get(pk=week.pk)
        entry = _existing(Entry.objects.select_for_update().filter(pk=entry.pk))
        before = entry_row(entry)
        for name, value in _fields(data).items():
            setattr(entry, name, value)
        entry.save()
        _mark_changed(week)
        record_event(
            "schedule.entry_updated",
            entry,
            actor=user,
            agency=agency,
            before=before,
            after=entry_row(entry),
            note=f"Tuần {week.iso_week}/{week.iso_year}",
        )
    return entry


def delete_entry(user, entry: Entry) -> None:
    week = entry.week
    agency = week.agency
    _require_editor(user, agency)
    with transaction.atomic():
        week = Week.objects.select_for_update().get(pk=week.pk)
        # Re-read: the caller's copy may predate an edit, and the audit keeps what is deleted.
        entry = _existing(
            Entry.objects.select_related("chair_user", "preparing_department").filter(pk=entry.pk)
        )
        before = entry_row(entry)
        record_event(
            "schedule.entry_deleted",
            entry,
            actor=user,
            agency=agency,
            before=before,
            note=f"Tuần {week.iso_week}/{week.iso_year}",
        )
        Entry.objects.filter(pk=entry.pk).delete()
        _mark_changed(week)


def publish_week(user, agency: Agency, year: int, week: int) -> Week:
    """Publish the working copy as the next version: 1, then "điều chỉnh lần 1", 2, …"""
    _require_editor(user, agency)
    with transaction.atomic():
        locked = (
            Week.objects.select_for_update()
            .filter(agency=agency, iso_year=year, iso_week=week)
            .first()
        )
        if locked is None:
            raise InvalidTransition("Tuần này chưa có lịch công tác để công bố.")
        if not locked.has_changes:
            raise InvalidTransition("Lịch tuần này không có thay đổi nào chưa công bố.")
        entries = locked.entries.select_related("chair_user", "preparing_department")
        rows = [entry_row(e) for e in entries]
        if not rows and locked.version == 0:
            raise InvalidTransition("Tuần này chưa có lịch công tác để công bố.")
        locked.status = WeekStatus.PUBLISHED
        locked.version += 1
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.published_rows = rows
        locked.has_changes = False
        locked.save()
        record_event(
            "schedule.week_published",
            locked,
            actor=user,
            agency=agency,
            after={"version": locked.version, "entries": len(rows)},
            note=f"Tuần {week}/{year}"
            + (f", điều chỉnh lần {locked.revision}" if locked.revision else ""),
        )
        _announce_publication(user, agency, locked, len(rows))
    return locked


def _announce_publication(user, agency: Agency, week: Week, entries: int) -> None:
    """Every member of the agency hears of each publication once (in the app and by e-mail
    as they chose), in the transaction that publishes it."""
    from django.urls import reverse

    from vanthu.notifications.actions import notify

    title = f"Lịch công tác tuần {week.iso_week} ({week.monday:%d/%m}–{week.sunday:%d/%m/%Y}) " + (
        f"điều chỉnh lần {week.revision}" if week.revision else "đã được công bố"
    )
    body = f"{agency.name}: {entries} mục lịch công tác."
    url = reverse("schedule:week", kwargs={"year": week.iso_year, "week": week.iso_week})
    members = (
        User.objects.filter(
            is_active=True, memberships__in=Membership.objects.current().filter(agency=agency)
        )
        .distinct()
        .order_by("pk")
    )
    for member in members:
        notify(
            member,
            kind="schedule",
            title=title,
            body=body,
            url=f"{url}?agency={agency.code}",
            actor=user,
        )
