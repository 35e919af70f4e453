"""Who sees and who edits an agency's weekly calendar. Every check goes through here.

Everyone holding a current role in the agency reads its published calendar; the clerk
(văn thư, who keeps the agency's calendar in practice) and the agency's leaders edit and
publish it and also see its unpublished working copy. Anybody else gets 404, as for any
object they may not see.
"""

from __future__ import annotations

from datetime import date

from django.http import Http404

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.schedule.models import Entry, Week

EDITOR_ROLES = (Role.CLERK, Role.AGENCY_LEADER)


def can_read(user, agency: Agency) -> bool:
    return agency.pk in roles_of(user).agencies()


def can_edit(user, agency: Agency) -> bool:
    return roles_of(user).has(agency.pk, *EDITOR_ROLES)


def agency_for_user(user, code: str | None) -> Agency:
    """The agency whose calendar to show: ?agency=<code> among the user's agencies, else the
    first where the user edits the calendar, else the first where they hold any role."""
    roles = roles_of(user)
    mine = roles.agencies()
    if code:
        agency = Agency.objects.filter(code=code, pk__in=mine).first()
    else:
        preferred = roles.agencies_with(*EDITOR_ROLES) or mine
        agency = Agency.objects.filter(pk__in=preferred).order_by("pk").first()
    if agency is None:
        raise Http404("Không có lịch công tác nào bạn được xem.")
    return agency


def week_monday_or_404(year: int, week: int) -> date:
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError as exc:  # week 53 of a 52-week year, year 0, …
        raise Http404("Không có tuần này.") from exc


def find_week(agency: Agency, year: int, week: int) -> Week | None:
    return Week.objects.filter(agency=agency, iso_year=year, iso_week=week).first()


def get_entry_for_editor(user, public_id) -> Entry:
    entry = (
        Entry.objects.select_related("week__agency", "chair_user", "preparing_department")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None or not can_edit(user, entry.week.agency):
        raise Http404
    return entry
