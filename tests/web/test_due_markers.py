"""Due-soon and overdue markers in the document lists: the deadline that counts (the handling
slip's lead line once assigned, else the registered one), finished work unmarked, and one
query for the markers of a whole page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.processing.helpers import registered_at_ubnd
from vanthu.documents.models import Document
from vanthu.documents.numbering import local_today
from vanthu.processing.actions import assign
from vanthu.processing.markers import mark_documents
from vanthu.processing.models import Assignment

pytestmark = pytest.mark.django_db


def _with_due(world, subject, due):
    doc = registered_at_ubnd(world, subject=subject)
    # Set directly: registration refuses a deadline in the past, which is what we need here.
    Document.objects.filter(pk=doc.pk).update(due_on=due)
    doc.refresh_from_db()
    return doc


def _row_of(body: str, subject: str) -> str:
    start = body.index(subject)
    return body[start : body.index("</tr>", start)]


def test_incoming_list_marks_overdue_and_due_soon(client, world):
    today = local_today()
    _with_due(world, "Về việc báo cáo đã quá hạn", today - timedelta(days=1))
    _with_due(world, "Về việc báo cáo hạn hôm nay", today)
    _with_due(world, "Về việc báo cáo còn lâu", today + timedelta(days=40))
    registered_at_ubnd(world, subject="Về việc không có hạn")
    client.force_login(world.clerk_ubnd)
    body = client.get(reverse("web:incoming_list")).content.decode()
    assert '<span class="badge late">Quá hạn</span>' in _row_of(body, "đã quá hạn")
    assert '<span class="badge due_soon">Sắp đến hạn</span>' in _row_of(body, "hạn hôm nay")
    far = _row_of(body, "còn lâu")
    assert "Quá hạn" not in far and "Sắp đến hạn" not in far
    assert (today + timedelta(days=40)).strftime("%d/%m/%Y") in far
    none = _row_of(body, "không có hạn")
    assert "Quá hạn" not in none and "Sắp đến hạn" not in none


def test_the_slip_deadline_replaces_the_registered_one_and_done_work_is_unmarked(world):
    today = local_today()
    doc = _with_due(world, "Về việc giao xử lý", today + timedelta(days=40))
    [lead] = assign(world.leader_ubnd, doc, lead=world.kt_ubnd, due_working_days=5)
    Assignment.objects.filter(pk=lead.pk).update(due_on=today - timedelta(days=2))
    [marked] = mark_documents(Document.objects.filter(pk=doc.pk))
    assert marked.deadline == today - timedelta(days=2)
    assert (marked.due_marker, marked.due_label) == ("late", "Quá hạn")

    Assignment.objects.filter(pk=lead.pk).update(status="done")
    [marked] = mark_documents(Document.objects.filter(pk=doc.pk))
    assert marked.due_marker == ""


def test_markers_cost_one_query_per_page(world):
    today = local_today()
    for i in range(6):
        _with_due(world, f"Về việc số {i}", today - timedelta(days=i))
    docs = list(Document.objects.filter(direction="incoming"))
    with CaptureQueriesContext(connection) as queries:
        marked = mark_documents(docs)
    assert len(queries) == 1
    assert sum(d.due_marker == "late" for d in marked) == 5


def test_dashboard_counts_the_slip_deadline_as_overdue(client, world):
    today = local_today()
    doc = _with_due(world, "Về việc phân công trễ hạn", today + timedelta(days=40))
    [lead] = assign(world.leader_ubnd, doc, lead=world.specialist_ubnd, due_working_days=5)
    Assignment.objects.filter(pk=lead.pk).update(due_on=today - timedelta(days=1))
    client.force_login(world.specialist_ubnd)
    response = client.get(reverse("web:dashboard"))
    assert response.context["overdue"] == 1
    assert '<span class="badge late">Quá hạn</span>' in _row_of(
        response.content.decode(), "phân công trễ hạn"
    )
