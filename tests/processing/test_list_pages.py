"""The two long lists ("Việc của tôi", "Quá hạn") read a page in two steps — keys, then
rows — and print each row from values computed once: same order and content as one query,
a fixed number of queries whatever the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.processing.helpers import registered_at_ubnd
from vanthu.documents.numbering import local_today
from vanthu.processing.actions import assign
from vanthu.processing.models import Assignment
from vanthu.processing.paging import KeysFirstPaginator
from vanthu.processing.selectors import my_open_assignments, overdue_for_agency
from vanthu.web import queues
from vanthu.web.views.common import PAGE_SIZE

pytestmark = pytest.mark.django_db

LINES = PAGE_SIZE + 7  # two pages, the second one short


@pytest.fixture
def many(world):
    """LINES open lines of the specialist, deadlines spread over past and future."""
    today = local_today()
    for i in range(LINES):
        doc = registered_at_ubnd(world, subject=f"Về việc số {i:02d}")
        assign(world.leader_ubnd, doc, lead=world.specialist_ubnd, due_on=today)
    # Deadlines set directly: assigning refuses a date in the past, which the list needs.
    for i, line in enumerate(Assignment.objects.order_by("pk")):
        line.due_on = today + timedelta(days=(i * 7) % 23 - 11)
        line.save(update_fields=["due_on"])
    queues.forget_questions()
    return world


def _ids_in(html: str) -> list[str]:
    return re.findall(r'href="/xu-ly/viec/([0-9a-f-]{36})/"', html)


def test_pages_match_the_one_query_order(many):
    qs = my_open_assignments(many.specialist_ubnd)
    expected = [a.pk for a in qs]
    paginator = KeysFirstPaginator(qs, PAGE_SIZE)
    read = [a.pk for n in paginator.page_range for a in paginator.page(n).object_list]
    assert read == expected and len(read) == LINES
    # The rows come with what the template prints, without a query per row.
    last = paginator.page(paginator.num_pages).object_list
    with CaptureQueriesContext(connection) as queries:
        shown = [
            (a.document.reference, a.document.subject, a.assignee_name, a.assigned_by.full_name)
            for a in last
        ]
    assert len(queries) == 0 and len(shown) == LINES - PAGE_SIZE


def test_my_tasks_lists_every_line_in_due_order(many, login):
    client = login(many.specialist_ubnd)
    url = reverse("processing:my_tasks")
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    expected = [str(a.public_id) for a in my_open_assignments(many.specialist_ubnd)]
    assert _ids_in(first) + _ids_in(second) == expected
    assert f"{LINES} việc đang chờ xử lý" in first and "Trang 2 / 2" in second


def test_rows_show_the_date_and_the_marker(many, login):
    today = local_today()
    html = login(many.specialist_ubnd).get(reverse("processing:my_tasks")).content.decode()
    first_row = html[html.index("<tbody>") : html.index("</tr>", html.index("<tbody>"))]
    oldest = my_open_assignments(many.specialist_ubnd).first()
    assert oldest.due_on < today
    assert f'{oldest.due_on:%d/%m/%Y} <span class="badge late">Quá hạn</span>' in first_row
    assert "Về việc số" in first_row and "Chủ trì" in first_row and "Chưa xử lý" in first_row
    assert "Trần Văn Chủ Tịch" in first_row


def test_the_queries_do_not_grow_with_the_page(many, login):
    client = login(many.leader_ubnd)
    url = reverse("processing:overdue")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    # Counted now: a capture reads the connection's log when asked, and every request
    # empties that log (request_started).
    overdue_queries = len(first)
    overdue = list(overdue_for_agency(many.ubnd.pk))
    assert _ids_in(html) == [str(a.public_id) for a in overdue][:PAGE_SIZE]
    specialist = login(many.specialist_ubnd)
    specialist.get(reverse("processing:my_tasks"))
    with CaptureQueriesContext(connection) as mine:
        specialist.get(reverse("processing:my_tasks") + "?page=2")
    # session, user, roles, count, keys, rows, navigation (+ the agencies on the overdue list)
    assert len(mine) == 7 and overdue_queries == 8
