"""The exchange page /lien-thong/: an agency's clerks (and the administrators) see what waits
to go to the hub or failed, with the reason and "gửi lại", and what arrived lately; anyone
else gets 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.exchange.conftest import ministry_edoc
from vanthu.audit.models import AuditEvent
from vanthu.edxml import build_edoc
from vanthu.exchange import inbound, outbox
from vanthu.exchange.models import OutboundPackage

pytestmark = pytest.mark.django_db


def _failed_package(world) -> OutboundPackage:
    package = outbox.enqueue(
        agency=world.ubnd,
        kind="status",
        to_organ="000.00.00.G09",
        data=b"<edXML/>",
        edxml_id="000.00.00.G09,2026/11/20,215/BNV-VP",
        status_code="03",
    )
    OutboundPackage.objects.filter(pk=package.pk).update(
        state="failed", attempts=1, last_error="Trục từ chối (mã 18): Không có cơ quan nhận"
    )
    return package


def test_the_clerk_sees_failures_and_arrivals_and_sends_again(world, client):
    package = _failed_package(world)
    inbound.receive("doc-1", "edoc", build_edoc(ministry_edoc(to=[world.ubnd.code])))
    client.force_login(world.clerk_ubnd)

    page = client.get(reverse("exchange:index")).content.decode()

    assert "Liên thông văn bản qua trục — Ủy ban nhân dân tỉnh Nghệ An" in page
    assert "Gửi không thành công" in page and "Không có cơ quan nhận" in page
    assert "Trạng thái 03 (Đã tiếp nhận)" in page and "Gửi lại" in page
    assert "doc-1" in page and "215/BNV-VP" in page and "Đã nhận" in page

    response = client.post(reverse("exchange:retry", args=[package.public_id]))

    assert response.status_code == 302
    assert response["Location"].endswith(f"?co-quan={world.ubnd.code}")
    package.refresh_from_db()
    assert package.state == "pending"
    event = AuditEvent.objects.get(action="exchange.package_retried")
    assert (event.actor, event.agency) == (world.clerk_ubnd, world.ubnd)


def test_other_people_get_404(world, client):
    package = _failed_package(world)
    for person in (world.clerk_stc, world.specialist_ubnd, world.outsider):
        client.force_login(person)
        retry = client.post(reverse("exchange:retry", args=[package.public_id]))
        assert retry.status_code == 404, person
    client.force_login(world.clerk_stc)
    assert client.get(reverse("exchange:index") + f"?co-quan={world.ubnd.code}").status_code == 404
    client.force_login(world.outsider)
    assert client.get(reverse("exchange:index")).status_code == 404
    package.refresh_from_db()
    assert package.state == "failed"


def test_administrators_also_see_packages_that_named_none_of_our_agencies(world, client):
    inbound.receive("rac-1", "edoc", b"khong phai edXML")
    client.force_login(world.admin)
    page = client.get(reverse("exchange:index") + f"?co-quan={world.ubnd.code}").content.decode()
    assert "rac-1" in page and "Gói tin không đọc được" in page
    client.force_login(world.clerk_ubnd)
    assert "rac-1" not in client.get(reverse("exchange:index")).content.decode()
