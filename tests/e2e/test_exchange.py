"""End to end, with real processes: a hub and two deployments (the demo province and the
demo ministry), each deployment with its own gunicorn server, exchange worker and database.
People act through the web pages as they would in a browser; the exchange workers and the
hub carry the packages and the statuses in between."""

from __future__ import annotations

import pytest

from tests.e2e import flows
from tests.e2e.web import option_value, poll
from vanthu.demo.exchange import MINISTRY_SIDE, PROVINCE_SIDE
from vanthu.vxp import VxpClient

# One worker runs the whole module (one network), whatever the -n: see scripts/test.sh.
pytestmark = pytest.mark.xdist_group("e2e")


def test_a_document_sent_to_the_ministry_is_handled_and_the_sender_sees_every_status(network):
    subject = "Đề nghị hướng dẫn bố trí công chức cấp xã sau sắp xếp (e2e)"
    sent = flows.issue(network, "province", subject, to="ministry")

    path = flows.wait_arrival(network, "ministry", subject)
    flows.accept(network, "ministry", path)
    flows.assign_and_complete(
        network,
        "ministry",
        path,
        progress="Đang tổng hợp ý kiến các vụ.",
        result="Đã có văn bản hướng dẫn gửi tỉnh.",
    )

    events = flows.wait_status(network, sent, "ministry", "Hoàn thành")
    codes = [s for s in flows.statuses(events) if s != "Đã gửi"]
    assert codes == ["Đã đến", "Đã tiếp nhận", "Phân công", "Đang xử lý", "Hoàn thành"], events
    by_status = {e["status"]: e for e in events}
    # Over the hub the staff travel as "name, unit" (edXML StaffInfo).
    for status, who in (
        ("Đã tiếp nhận", MINISTRY_SIDE.clerk),
        ("Phân công", MINISTRY_SIDE.assigner),
        ("Đang xử lý", MINISTRY_SIDE.handler),
        ("Hoàn thành", MINISTRY_SIDE.handler),
    ):
        assert by_status[status]["actor"].startswith(flows.full_name(who)), by_status[status]
    assert by_status["Hoàn thành"]["note"] == "Đã có văn bản hướng dẫn gửi tỉnh."
    # The receiver registered exactly one copy.
    assert flows.incoming_rows(network, "ministry", subject) == [path]


def test_a_refusal_reaches_the_sender_with_its_reason(network):
    subject = "Công văn gửi nhầm nơi nhận (e2e)"
    sent = flows.issue(network, "ministry", subject, to="province")
    path = flows.wait_arrival(network, "province", subject)
    reason = "Văn bản không thuộc thẩm quyền giải quyết của UBND tỉnh."
    flows.refuse(network, "province", path, reason)

    events = flows.wait_status(network, sent, "province", "Từ chối")
    refusal = next(e for e in events if e["status"] == "Từ chối")
    assert refusal["note"] == reason
    assert refusal["actor"].startswith(flows.full_name(PROVINCE_SIDE.clerk))
    assert "Đã tiếp nhận" not in flows.statuses(events)


def _count_copies(network, subjects) -> dict[str, int]:
    return {s: len(flows.incoming_rows(network, "ministry", s)) for s in subjects}


def test_the_hub_killed_mid_transfer_loses_nothing_and_duplicates_nothing(network):
    subjects = [f"Báo cáo định kỳ số {n} gửi Bộ (e2e, trục bị tắt đột ngột)" for n in (1, 2, 3)]
    province = network.province
    as_province = VxpClient(network.hub.url, province.systemid, province.secret)
    try:
        already = len(as_province.sent())
        # The ministry stops fetching, so the packages wait at the hub.
        network.stop_worker("ministry")
        sent = [flows.issue(network, "province", s, to="ministry") for s in subjects[:2]]
        poll("the hub to accept two packages", lambda: len(as_province.sent()) >= already + 2,
             timeout=30)  # fmt: skip
    finally:
        as_province.close()

    # SIGKILL while the province's worker is sending the third package.
    sent.append(flows.issue(network, "province", subjects[2], to="ministry"))
    network.kill_hub()
    network.start_worker("ministry")
    network.restart_hub()

    # SIGKILL again as soon as the ministry has fetched a first copy: mid-delivery.
    poll(
        "a first copy at the ministry",
        lambda: any(_count_copies(network, subjects).values()),
        timeout=90,
    )
    network.kill_hub()
    network.restart_hub()

    poll(
        "every copy at the ministry",
        lambda: all(_count_copies(network, subjects).values()),
        timeout=90,
    )
    for s in sent:
        flows.wait_status(network, s, "ministry", "Đã đến")
    # Once each side has acknowledged everything the hub holds for it, nothing can come
    # again: exactly one copy of each, and one 01 each.
    for d, kind in ((network.ministry, "edoc"), (network.province, "status")):
        client = VxpClient(network.hub.url, d.systemid, d.secret)
        try:
            poll(f"{d.name} to acknowledge", lambda c=client, k=kind: not c.received(k), timeout=30)
        finally:
            client.close()
    assert _count_copies(network, subjects) == dict.fromkeys(subjects, 1)
    for s in sent:
        assert flows.statuses(flows.timeline(network, s, "ministry")).count("Đã đến") == 1


def test_recall_update_and_replace_travel_over_the_hub_and_their_answers_come_back(network):
    agreed = "Đồng ý lấy lại/cập nhật"
    # Recall: the ministry agrees, its copy is destroyed, the province sees 13 then 15.
    recalled = flows.issue(network, "province", "Công văn sẽ bị thu hồi (e2e)", to="ministry")
    copy = flows.wait_arrival(network, "ministry", recalled.subject)
    flows.accept(network, "ministry", copy)
    reason = "Văn bản ban hành sai thẩm quyền ký."
    flows.request_change(network, recalled, "recall", {"reason": reason})
    flows.answer_request(network, "ministry", copy, "recall", agree=True, note="Đã hủy bản nhận.")
    events = flows.wait_status(network, recalled, "ministry", agreed)
    assert flows.statuses(events)[-2:] == ["Yêu cầu lấy lại", agreed], events
    assert events[-2]["note"] == reason
    clerk = network.user("ministry", MINISTRY_SIDE.clerk)
    assert clerk.get(copy).tree.xpath("//*[@id='recalled-notice']")
    sender_page = network.user("province", PROVINCE_SIDE.clerk).get(recalled.path)
    assert sender_page.tree.xpath("//table[@id='recall-requests']//li[@data-state='agreed']")

    # Update: a new subject travels to the ministry's copy once its clerk agrees.
    updated = flows.issue(network, "province", "Công văn sẽ được cập nhật (e2e)", to="ministry")
    copy = flows.wait_arrival(network, "ministry", updated.subject)
    flows.accept(network, "ministry", copy)
    new_subject = "Công văn đã cập nhật trích yếu (e2e)"
    flows.request_change(
        network, updated, "update", {"subject": new_subject, "reason": "Sửa trích yếu."}
    )
    flows.answer_request(network, "ministry", copy, "update", agree=True, note="")
    flows.wait_status(network, updated, "ministry", agreed)
    page = clerk.get(copy)
    assert new_subject in page.text
    assert flows.incoming_rows(network, "ministry", new_subject) == [copy]

    # Replace: a second document, issued on paper only, replaces the first for the ministry,
    # which receives the new one and marks its old copy as replaced.
    old = flows.issue(network, "province", "Kế hoạch sẽ bị thay thế (e2e)", to="ministry")
    old_copy = flows.wait_arrival(network, "ministry", old.subject)
    flows.accept(network, "ministry", old_copy)
    new = flows.issue(network, "province", "Kế hoạch thay thế (e2e)", to=None)
    form_page = network.user("province", PROVINCE_SIDE.clerk)
    (href, _), *_ = form_page.get(old.path).links(r"^/thay-the/")
    replacement = option_value(form_page.get(href).form("thay-the/"), "replacement", new.subject)
    flows.request_change(
        network, old, "replace", {"replacement": replacement, "reason": "Ban hành lại kế hoạch."}
    )
    new_copy = flows.wait_arrival(network, "ministry", new.subject)
    flows.answer_request(network, "ministry", old_copy, "replace", agree=True, note="")
    flows.wait_status(network, old, "ministry", agreed)
    assert (
        clerk.get(old_copy).tree.xpath("//*[@id='replaced-notice']//a[@href]")[0].get("href")
        == new_copy
    )
    assert flows.incoming_rows(network, "ministry", new.subject) == [new_copy]
