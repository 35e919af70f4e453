"""Entering a year's holiday decision (administrators only): atomic, audited, validated by
the same rules vanthu.workdays applies, so a bad entry never reaches the calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from vanthu.audit.events import record_event
from vanthu.directory.access import require_admin_or_404
from vanthu.errors import ValidationFailed
from vanthu.holidays import calendar
from vanthu.holidays.models import DecisionDay, YearDecisionRecord
from vanthu.workdays.calendar import FIRST_YEAR, LAST_YEAR
from vanthu.workdays.holidays import YearDecision


@dataclass
class DecisionInput:
    year: int
    days_off: list[tuple[date, str]] = field(default_factory=list)
    working_days: list[date] = field(default_factory=list)
    national_day_adjacent: date | None = None
    note: str = ""
    sources: str = ""


def _validate(data: DecisionInput) -> None:
    errors: dict[str, str] = {}
    if not FIRST_YEAR <= data.year <= LAST_YEAR:
        errors["year"] = f"Năm phải trong khoảng {FIRST_YEAR}–{LAST_YEAR}."
    outside = [d for d, _ in data.days_off if d.year != data.year]
    if outside:
        errors["days_off"] = f"Ngày {outside[0]:%d/%m/%Y} không thuộc năm {data.year}."
    outside_w = [d for d in data.working_days if d.year != data.year]
    if outside_w:
        errors["working_days"] = f"Ngày {outside_w[0]:%d/%m/%Y} không thuộc năm {data.year}."
    offs = [d for d, _ in data.days_off]
    if len(set(offs)) != len(offs):
        errors["days_off"] = "Một ngày được nhập hai lần."
    both = set(offs) & set(data.working_days)
    if both:
        day = min(both)
        errors["working_days"] = f"Ngày {day:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm bù."
    adjacent = data.national_day_adjacent
    if adjacent is not None and (adjacent.month, adjacent.day) not in ((9, 1), (9, 3)):
        errors["national_day_adjacent"] = "Ngày nghỉ Quốc khánh thứ hai phải là 1/9 hoặc 3/9."
    if errors:
        raise ValidationFailed(errors)
    try:
        YearDecision(
            days_off=set(offs),
            working_days=set(data.working_days),
            national_day_adjacent=adjacent,
            names={d: n for d, n in data.days_off if n},
        )
    except ValueError as exc:  # the library's own rules, as a last guard
        raise ValidationFailed({"days_off": f"Quyết định không hợp lệ: {exc}"}) from exc


def save_decision(actor, data: DecisionInput) -> YearDecisionRecord:
    """Enter or replace the decision of ``data.year``; the calendar follows at once."""
    require_admin_or_404(actor)
    _validate(data)
    with transaction.atomic():
        record, created = YearDecisionRecord.objects.select_for_update().get_or_create(
            year=data.year
        )
        before = None if created else _snapshot(record)
        record.national_day_adjacent = data.national_day_adjacent
        record.note = data.note.strip()
        record.sources = data.sources.strip()
        record.updated_by = actor
        record.save()
        record.days.all().delete()
        DecisionDay.objects.bulk_create(
            [DecisionDay(decision=record, day=d, kind="off", name=n) for d, n in data.days_off]
            + [DecisionDay(decision=record, day=d, kind="working") for d in data.working_days]
        )
        record_event(
            "holidays.decision_saved",
            record,
            actor=actor,
            before=before,
            after=_snapshot(record),
            note=f"Năm {record.year}",
        )
        transaction.on_commit(calendar.refresh)
    return record


def delete_decision(actor, year: int) -> None:
    """Drop the entered decision: the year falls back to the shipped or derived days off."""
    require_admin_or_404(actor)
    with transaction.atomic():
        record = YearDecisionRecord.objects.select_for_update().filter(year=year).first()
        if record is None:
            raise ValidationFailed({"year": f"Chưa nhập quyết định nào cho năm {year}."})
        before = _snapshot(record)
        record_event(
            "holidays.decision_deleted", record, actor=actor, before=before, note=f"Năm {year}"
        )
        record.delete()
        transaction.on_commit(calendar.refresh)


def _snapshot(record: YearDecisionRecord) -> dict:
    return {
        "year": record.year,
        "national_day_adjacent": record.national_day_adjacent.isoformat()
        if record.national_day_adjacent
        else None,
        "days": [
            {"day": d.day.isoformat(), "kind": d.kind, "name": d.name}
            for d in record.days.order_by("day")
        ],
    }
