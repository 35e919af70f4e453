"""The worker sends the outbox to a real hub: back-off while the hub is down, identical
bytes on every retry (the hub answers with the same DocId, nothing is delivered twice), a
refusal by the hub is failed and visible, and statuses keep their order."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.documents.helpers import make_issued
from tests.exchange.conftest import BO_NV, UNKNOWN_AT_HUB, edocs_for_b, unique_subject
from vanthu.audit.models import AuditEvent
from vanthu.directory.models import Agency
from vanthu.exchange import worker
from vanthu.exchange.models import OutboundPackage
from vanthu.exchange.outbox import read_payload
from vanthu.exchange.worker import run_once

pytestmark = pytest.mark.django_db


def test_the_worker_backs_off_while_the_hub_is_down_and_sends_once_it_is_up(
    world, ministry, connected, vendor_b
):
    hub = connected
    doc = make_issued(world, recipients=[ministry], subject=unique_subject())
    package = OutboundPackage.objects.get()
    frozen = read_payload(package.payload_name)
    hub.stop()
    try:
        before = timezone.now()
        report = run_once()
        package.refresh_from_db()
        assert (report.sent, report.retrying) == (0, 1)
        assert package.state == "pending" and package.attempts == 1
        assert "Không kết nối được trục liên thông" in package.last_error
        first_wait = package.next_attempt_at - before
        assert timedelta(seconds=29) < first_wait <= timedelta(seconds=31)

        assert run_once().retrying == 0  # not due yet: nothing tried
        package.refresh_from_db()
        assert package.attempts == 1

        run_once(now=package.next_attempt_at)
        due = package.next_attempt_at
        package.refresh_from_db()
        assert package.attempts == 2
        assert package.next_attempt_at - due == timedelta(seconds=60)  # doubled
    finally:
        hub.start()

    report = run_once(now=package.next_attempt_at)
    package.refresh_from_db()
    assert report.sent == 1 and package.state == "sent" and package.hub_doc_id
    assert read_payload(package.payload_name) == frozen
    ((doc_id, received),) = edocs_for_b(vendor_b)
    assert doc_id == package.hub_doc_id
    assert received.document_id == package.edxml_id and received.subject == doc.subject

    # The worker dies after the hub accepted, before recording it: the package goes again
    # with the same bytes and the hub answers with the same DocId, delivering nothing new.
    OutboundPackage.objects.filter(pk=package.pk).update(
        state="pending", hub_doc_id="", next_attempt_at=timezone.now()
    )
    assert run_once().sent == 1
    again = OutboundPackage.objects.get(pk=package.pk)
    assert again.hub_doc_id == package.hub_doc_id
    assert vendor_b.received("edoc") == []


def test_a_package_the_hub_refuses_is_failed_visibly_and_can_be_sent_again(
    world, connected, vendor_b
):
    unknown = Agency.objects.create(
        code=UNKNOWN_AT_HUB,
        name="Cơ quan chưa đăng ký trên trục",
        abbreviation="CQ",
        exchange_channel="hub",
    )
    make_issued(world, recipients=[unknown], subject=unique_subject())

    report = run_once()

    package = OutboundPackage.objects.get()
    assert (report.failed, package.state, package.attempts) == (1, "failed", 1)
    assert "mã 18" in package.last_error and UNKNOWN_AT_HUB in package.last_error
    event = AuditEvent.objects.get(action="exchange.package_failed")
    assert event.agency == world.ubnd and UNKNOWN_AT_HUB in event.note
    assert run_once().sent == 0  # failed packages are left alone

    # The other vendor registers the agency at the hub; the clerk sends the package again.
    vendor_b.register_agency({"code": UNKNOWN_AT_HUB, "name": "Cơ quan mới của bộ"})
    from vanthu.exchange.actions import retry_package

    retry_package(world.clerk_ubnd, package)
    assert run_once().sent == 1
    ((_, received),) = edocs_for_b(vendor_b)
    assert [t.organ_id for t in received.to] == [UNKNOWN_AT_HUB]
    assert AuditEvent.objects.filter(
        action="exchange.package_retried", actor=world.clerk_ubnd
    ).exists()


def test_a_status_waits_for_the_earlier_package_of_its_document(world, ministry):
    make_issued(world, recipients=[ministry], subject=unique_subject())
    first = OutboundPackage.objects.get()
    later = OutboundPackage.objects.create(
        agency=first.agency,
        kind="status",
        status_code="13",
        delivery=first.delivery,
        to_organ=BO_NV,
        payload_name=first.payload_name,
        payload_sha256=first.payload_sha256,
        payload_size=first.payload_size,
    )
    now = timezone.now()
    OutboundPackage.objects.filter(pk=first.pk).update(next_attempt_at=now + timedelta(minutes=1))

    assert worker._claim(now, 10) == []  # the 13 waits behind its edoc

    OutboundPackage.objects.filter(pk=first.pk).update(next_attempt_at=now)
    assert worker._claim(now, 10) == [first.pk, later.pk]  # both due: in order, one round


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_claim_the_same_package(world, ministry):
    for _ in range(3):
        make_issued(world, recipients=[ministry], subject=unique_subject())
    packages = set(OutboundPackage.objects.values_list("pk", flat=True))
    now = timezone.now()
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def claim() -> None:
        try:
            barrier.wait()
            results.append(worker._claim(now, 2))
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    first, second = results
    assert not set(first) & set(second)
    assert set(first) | set(second) <= packages and len(first) + len(second) == 3
    assert set(OutboundPackage.objects.values_list("attempts", flat=True)) == {1}
