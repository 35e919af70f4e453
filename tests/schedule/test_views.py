"""The weekly calendar pages: who sees what (drafts, published copies, other agencies),
the entry form with its Vietnamese errors, publishing, navigation and holiday marks."""

from __future__ import annotations

from datetime import time

from django.urls import reverse

from tests.schedule.helpers import CONTENT, MONDAY, WEEK, YEAR, add_entry
from vanthu.audit.models import AuditEvent
from vanthu.documents.numbering import local_today
from vanthu.schedule import actions
from vanthu.schedule.actions import EntryData
from vanthu.schedule.models import Entry, Week

WEEK_URL = reverse("schedule:week", kwargs={"year": YEAR, "week": WEEK})
PUBLISH_URL = reverse("schedule:publish", kwargs={"year": YEAR, "week": WEEK})
NEW_URL = reverse("schedule:entry_new", kwargs={"year": YEAR, "week": WEEK})


def _form(**fields) -> dict:
    values = {
        "day": "2026-09-03",
        "start_time": "14:00",
        "end_time": "16:30",
        "content": "Làm việc với Đoàn kiểm tra của Bộ Tài chính",
        "place": "Hội trường tầng 3",
        "chair_text": "Phó Chủ tịch phụ trách",
        "participants": "Giám đốc Sở Tài chính",
        "preparing_text": "Sở Tài chính",
    }
    values.update(fields)
    return values


def test_the_current_week_opens_for_everyone_in_the_agency(client, world):
    client.force_login(world.specialist_ubnd)
    response = client.get(reverse("schedule:current"))
    assert response.status_code == 200
    year, week = local_today().isocalendar()[:2]
    assert f"Lịch công tác tuần {week} — Ủy ban nhân dân tỉnh Nghệ An" in response.text


def test_a_draft_is_shown_to_editors_and_hidden_from_a_specialist(client, world):
    add_entry(world)
    client.force_login(world.clerk_ubnd)
    page = client.get(WEEK_URL).text
    assert CONTENT in page and "chưa được công bố: chỉ văn thư và lãnh đạo" in page
    assert "Công bố lịch tuần" in page
    client.force_login(world.specialist_ubnd)
    page = client.get(WEEK_URL).text
    assert CONTENT not in page and "Lịch công tác tuần này chưa được công bố." in page
    assert (
        client.get(reverse("schedule:pdf", kwargs={"year": YEAR, "week": WEEK})).status_code == 404
    )


def test_the_published_copy_is_shown_and_an_adjustment_waits_for_publication(client, world):
    entry = add_entry(world)
    client.force_login(world.leader_ubnd)
    response = client.post(PUBLISH_URL, follow=True)
    assert "Đã công bố lịch công tác tuần 36." in response.text
    actions.update_entry(
        world.clerk_ubnd,
        entry,
        EntryData(day=entry.day, start_time=time(8, 0), content="Tiếp công dân định kỳ"),
    )
    client.force_login(world.specialist_ubnd)
    page = client.get(WEEK_URL).text
    assert CONTENT in page and "Tiếp công dân định kỳ" not in page
    assert "Trần Văn Chủ Tịch" in page and "Sáng" in page

    client.force_login(world.clerk_ubnd)
    page = client.get(WEEK_URL).text
    assert "Tiếp công dân định kỳ" in page and "Công bố điều chỉnh" in page
    response = client.post(PUBLISH_URL, follow=True)
    assert "Đã công bố lịch công tác tuần 36 (điều chỉnh lần 1)." in response.text

    client.force_login(world.specialist_ubnd)
    page = client.get(WEEK_URL).text
    assert "Tiếp công dân định kỳ" in page and "điều chỉnh lần 1" in page


def test_publishing_twice_without_changes_is_refused_with_a_message(client, world):
    add_entry(world)
    client.force_login(world.clerk_ubnd)
    client.post(PUBLISH_URL)
    response = client.post(PUBLISH_URL, follow=True)
    assert "Lịch tuần này không có thay đổi nào chưa công bố." in response.text
    assert Week.objects.get().version == 1


def test_another_agencys_calendar_is_not_found(client, world):
    entry = add_entry(world)
    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    client.force_login(world.clerk_stc)
    query = {"agency": world.ubnd.code}
    assert client.get(WEEK_URL, query).status_code == 404
    assert client.get(reverse("schedule:pdf", args=[YEAR, WEEK]), query).status_code == 404
    assert client.post(PUBLISH_URL + f"?agency={world.ubnd.code}").status_code == 404
    edit = reverse("schedule:entry_edit", kwargs={"public_id": entry.public_id})
    delete = reverse("schedule:entry_delete", kwargs={"public_id": entry.public_id})
    assert client.get(edit).status_code == 404
    assert client.post(delete).status_code == 404
    # Its own calendar is the one the page shows by default: empty, not the province's.
    assert CONTENT not in client.get(WEEK_URL).text
    client.force_login(world.outsider)
    assert client.get(reverse("schedule:current")).status_code == 404


def test_a_specialist_cannot_reach_the_editing_pages(client, world):
    entry = add_entry(world)
    client.force_login(world.specialist_ubnd)
    assert client.get(NEW_URL).status_code == 404
    assert client.post(NEW_URL, _form()).status_code == 404
    assert client.post(PUBLISH_URL).status_code == 404
    assert client.get(reverse("schedule:entry_edit", args=[entry.public_id])).status_code == 404
    assert client.post(reverse("schedule:entry_delete", args=[entry.public_id])).status_code == 404
    assert Entry.objects.count() == 1 and Week.objects.get().version == 0


def test_the_clerk_adds_edits_and_deletes_through_the_form(client, world):
    client.force_login(world.clerk_ubnd)
    assert client.get(NEW_URL).status_code == 200
    response = client.post(NEW_URL, _form(preparing_department="", chair_user=""))
    assert response.status_code == 302 and response.url == WEEK_URL
    entry = Entry.objects.get()
    assert entry.chair_text == "Phó Chủ tịch phụ trách" and entry.end_time == time(16, 30)

    edit = reverse("schedule:entry_edit", args=[entry.public_id])
    assert "Làm việc với Đoàn kiểm tra" in client.get(edit).text
    response = client.post(
        edit,
        _form(
            chair_text="",
            chair_user=str(world.deputy_ubnd.public_id),
            preparing_text="",
            preparing_department="KT",
        ),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.chair_user == world.deputy_ubnd and entry.preparing_department == world.kt_ubnd
    assert "Lê Thị Phó" in client.get(WEEK_URL).text

    response = client.post(reverse("schedule:entry_delete", args=[entry.public_id]))
    assert response.status_code == 302 and not Entry.objects.exists()
    assert list(
        AuditEvent.objects.filter(action__startswith="schedule.")
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["schedule.entry_created", "schedule.entry_updated", "schedule.entry_deleted"]


def test_the_form_shows_vietnamese_errors_and_saves_nothing(client, world):
    client.force_login(world.clerk_ubnd)
    response = client.post(
        NEW_URL, _form(day="2026-09-10", start_time="15:00", end_time="14:00", content="")
    )
    assert response.status_code == 400
    page = response.text
    assert "Ngày 10/09/2026 không thuộc tuần này (từ ngày 31/08/2026 đến ngày 06/09/2026)." in page
    assert "Giờ kết thúc phải sau giờ bắt đầu." in page
    assert "Nhập nội dung công việc." in page
    assert not Week.objects.exists() and not Entry.objects.exists()


def test_holidays_of_the_week_are_marked(client, world):
    client.force_login(world.specialist_ubnd)
    add_entry(world)
    actions.publish_week(world.clerk_ubnd, world.ubnd, YEAR, WEEK)
    page = client.get(WEEK_URL).text
    assert "Thứ Tư, 02/09/2026" in page
    assert "Nghỉ: Quốc khánh (2/9)" in page
    assert "Nghỉ: Quốc khánh (ngày liền kề)" in page
    assert f"Thứ Hai, {MONDAY:%d/%m/%Y}" in page and "Nghỉ hoán đổi dịp Quốc khánh" in page
    assert page.count('class="day holiday') == 3
    # Week 34: Saturday 22/08/2026 is worked in exchange for Monday 31/08.
    page = client.get(reverse("schedule:week", args=[2026, 34])).text
    assert "Thứ Bảy, 22/08/2026" in page and "Ngày làm việc bù" in page


def test_week_navigation_crosses_the_year_and_rejects_weeks_that_do_not_exist(client, world):
    client.force_login(world.specialist_ubnd)
    page = client.get(reverse("schedule:week", args=[2026, 1])).text
    assert reverse("schedule:week", args=[2025, 52]) in page
    assert reverse("schedule:week", args=[2026, 2]) in page
    assert "Từ ngày 29/12/2025 đến ngày 04/01/2026" in page
    assert client.get(reverse("schedule:week", args=[2025, 53])).status_code == 404
    assert client.get(reverse("schedule:week", args=[2026, 0])).status_code == 404


def test_someone_serving_two_agencies_chooses_which_calendar(client, world):
    from vanthu.directory.models import Membership, Role

    Membership.objects.create(user=world.specialist_stc, agency=world.ubnd, role=Role.CLERK)
    client.force_login(world.specialist_stc)
    page = client.get(WEEK_URL, {"agency": world.stc.code}).text
    assert "Sở Tài chính tỉnh Nghệ An" in page and "Thêm lịch" not in page
    assert f'?agency={world.ubnd.code}">Ủy ban nhân dân tỉnh Nghệ An</a>' in page
    page = client.get(WEEK_URL, {"agency": world.ubnd.code}).text
    assert "Thêm lịch" in page and f"?agency={world.ubnd.code}" in page
