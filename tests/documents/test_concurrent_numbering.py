"""Numbers taken by many clerks at once (STYLE rule 3): every thread has its own database
connection, as separate web processes would, and the series must still come out 1..N with no
gap and no duplicate."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tests import files
from tests.documents.helpers import incoming_meta, make_approved
from vanthu.documents import actions
from vanthu.documents.models import Document, DocumentType, NumberCounter, Status

THREADS = 8
PER_THREAD = 5
TOTAL = THREADS * PER_THREAD

# Several connections must share one database. PostgreSQL always runs these tests. SQLite runs
# them on a file test database (VANTHU_SQLITE_TEST_PATH), where IMMEDIATE transactions queue
# the writers; the default in-memory test database uses SQLite's shared cache, whose table
# locks fail at once ("database table is locked") instead of waiting, so it cannot host them.
pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a file SQLite test database (VANTHU_SQLITE_TEST_PATH)")


def _run_in_threads(work, batches) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(batches))

    def runner(batch):
        try:
            barrier.wait()
            for item in batch:
                work(item)
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker thread hung"
    return errors


def test_it_issues_gap_free_unique_numbers_under_concurrency(world):
    docs = [make_approved(world, subject=f"Công văn số thứ tự {i}") for i in range(TOTAL)]
    ids = [d.pk for d in docs]
    batches = [ids[i::THREADS] for i in range(THREADS)]

    def issue(pk):
        doc = Document.objects.get(pk=pk)
        actions.issue_document(world.clerk_ubnd, doc)

    errors = _run_in_threads(issue, batches)

    assert errors == []
    numbers = sorted(
        Document.objects.filter(agency=world.ubnd, status=Status.ISSUED).values_list(
            "number", flat=True
        )
    )
    assert numbers == list(range(1, TOTAL + 1))
    assert NumberCounter.objects.get(agency=world.ubnd, series="outgoing").last_value == TOTAL


def test_it_gives_gap_free_unique_arrival_numbers_under_concurrency(world):
    """Paper registrations and electronic acceptances share one số đến series (Art. 22.2)."""
    scan = files.pdf(["Văn bản đến"])  # made once: WeasyPrint is not for concurrent use
    arrived = [
        Document.objects.create(
            agency=world.ubnd,
            direction="incoming",
            status=Status.ARRIVED,
            channel="electronic",
            doc_type=DocumentType.objects.get(code="CV"),
            subject=f"Văn bản điện tử {i}",
            number_text=f"{i + 1:02d}",
            notation="STC-NS",
            issuer_name="Sở Tài chính tỉnh Nghệ An",
        ).pk
        for i in range(TOTAL // 2)
    ]
    work_items = [("accept", pk) for pk in arrived] + [
        ("register", i) for i in range(TOTAL - len(arrived))
    ]
    batches = [work_items[i::THREADS] for i in range(THREADS)]

    def receive(item):
        kind, value = item
        if kind == "accept":
            actions.accept_arrival(world.clerk_ubnd, Document.objects.get(pk=value))
        else:
            actions.register_incoming(
                world.clerk_ubnd,
                world.ubnd,
                incoming_meta(number_text=str(100 + value), subject=f"Văn bản giấy {value}"),
                file_name="scan.pdf",
                file_content=scan,
                channel="paper",
            )

    errors = _run_in_threads(receive, batches)

    assert errors == []
    numbers = sorted(
        Document.objects.filter(agency=world.ubnd, direction="incoming").values_list(
            "arrival_number", flat=True
        )
    )
    assert numbers == list(range(1, TOTAL + 1))
