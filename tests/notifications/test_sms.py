"""SMS through the loopback HTTP gateway: delivery, a gateway that fails and recovers with
the back-off schedule respected, and one that never recovers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.notifications.conftest import SMS_TOKEN, _free_port
from vanthu.notifications.actions import notify
from vanthu.notifications.models import OutboxMessage, OutboxStatus
from vanthu.notifications.senders import backoff, send_due
from vanthu.notifications.transports import DeliveryError, HttpJsonSmsGateway


def _directive(world):
    notify(
        world.specialist_ubnd,
        kind="directive",
        title="Ý kiến chỉ đạo của Chủ tịch",
        body="Khẩn trương báo cáo tình hình giải ngân đầu tư công.",
        actor=world.leader_ubnd,
        sms=True,
    )


def test_it_texts_the_directive_through_the_gateway(channels_off, gateway, with_phone):
    _directive(with_phone)
    assert send_due().sent == 1
    assert gateway.messages == [
        {
            "to": "0987654321",
            "text": "[VanThu] Ý kiến chỉ đạo của Chủ tịch: Khẩn trương báo cáo tình hình "
            "giải ngân đầu tư công.",
        }
    ]
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)


def test_a_gateway_that_fails_twice_is_retried_on_schedule_until_sent(
    channels_off, gateway, with_phone
):
    _directive(with_phone)
    gateway.fail_next(2)
    t0 = timezone.now()

    assert send_due(now=t0).retrying == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error == "Cổng SMS trả lời HTTP 503 Service Unavailable"
    assert row.next_attempt_at == t0 + timedelta(minutes=1)

    # Before the back-off has passed, nothing is tried.
    assert send_due(now=t0 + timedelta(seconds=59)).total == 0
    assert gateway.requests == 1

    t1 = t0 + timedelta(minutes=1)
    assert send_due(now=t1).retrying == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at == t1 + timedelta(minutes=2)  # doubled
    assert send_due(now=t1 + timedelta(seconds=119)).total == 0

    assert send_due(now=t1 + timedelta(minutes=2)).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.SENT, 3, "")
    assert gateway.requests == 3
    assert len(gateway.messages) == 1


def test_a_gateway_that_never_recovers_ends_failed_after_the_allowed_attempts(
    channels_off, gateway, with_phone
):
    _directive(with_phone)
    gateway.fail_always = True
    now = timezone.now()
    for attempt in range(1, 5):
        report = send_due(now=now)
        row = OutboxMessage.objects.get()
        assert row.attempts == attempt
        if attempt < 4:
            assert report.retrying == 1 and row.status == OutboxStatus.PENDING
            now = row.next_attempt_at
    assert report.failed == 1
    assert row.status == OutboxStatus.FAILED
    assert send_due(now=now + timedelta(days=1)).total == 0  # failed rows are not retried
    assert gateway.requests == 4


def test_a_wrong_token_is_an_error_not_a_silent_success(
    settings, channels_off, gateway, with_phone
):
    settings.VANTHU_SMS_GATEWAY_TOKEN = "sai"
    _directive(with_phone)
    assert send_due().retrying == 1
    assert "HTTP 401" in OutboxMessage.objects.get().last_error
    assert gateway.messages == []


def test_an_unreachable_gateway_is_a_retryable_error(settings, channels_off, with_phone):
    settings.VANTHU_SMS_GATEWAY_URL = f"http://127.0.0.1:{_free_port()}/sms"
    _directive(with_phone)
    assert send_due().retrying == 1
    assert "Không kết nối được cổng SMS" in OutboxMessage.objects.get().last_error


def test_backoff_doubles_and_is_capped(settings):
    settings.VANTHU_NOTIFY_RETRY_BASE_SECONDS = 60
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert backoff(30) == timedelta(hours=6)


def test_the_gateway_client_refuses_a_non_http_address():
    with pytest.raises(DeliveryError) as caught:
        HttpJsonSmsGateway("file:///etc/passwd")
    assert caught.value.permanent


def test_the_loopback_gateway_rejects_malformed_requests(gateway):
    def post(path, body, token=SMS_TOKEN):
        request = urllib.request.Request(
            gateway.url.replace("/sms", path),
            data=body,
            headers={"Authorization": f"Bearer {token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert post("/sms", b"not json") == 400
    assert post("/sms", json.dumps({"to": "0912345678"}).encode()) == 400
    assert post("/other", json.dumps({"to": "0912345678", "text": "x"}).encode()) == 404
    assert post("/sms", json.dumps({"to": "0912345678", "text": "x"}).encode(), "sai") == 401
    assert post("/sms", json.dumps({"to": "0912345678", "text": "Xin chào"}).encode()) == 202
    assert gateway.messages == [{"to": "0912345678", "text": "Xin chào"}]
