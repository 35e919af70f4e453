"""Recall clicked in a real browser across two agencies: UBND tỉnh's clerk asks for the
document back from the outgoing page, Sở Tài chính's clerk agrees from the banner on its
copy, and the sender's page shows 13 → 15 and "Đã thu hồi"."""

from __future__ import annotations

import pytest

from tests.personas import PASSWORD
from tests.recalls.helpers import fresh, issue_to, timeline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_recall_journey(page, live_server, world, screenshot_dir):
    base = live_server.url
    doc, copies = issue_to(world, world.stc)
    incoming = copies[world.stc.code]

    _login(page, base, "clerk_ubnd")
    page.goto(f"{base}/van-ban/{doc.public_id}/")
    page.click("text=Thu hồi văn bản…")
    page.click("button:has-text('Gửi yêu cầu thu hồi')")
    page.wait_for_selector("text=Hãy nêu lý do thu hồi văn bản.")
    page.fill("#id_reason", "Văn bản ban hành sai thẩm quyền.")
    page.screenshot(path=screenshot_dir / "recall-01-form.png", full_page=True)
    page.click("button:has-text('Gửi yêu cầu thu hồi')")
    page.wait_for_selector("text=Đã gửi yêu cầu thu hồi văn bản đến Sở Tài chính tỉnh Nghệ An.")
    page.click("header .who button")

    _login(page, base, "clerk_stc")
    page.goto(f"{base}/van-ban/{incoming.public_id}/")
    page.wait_for_selector("text=Cơ quan gửi yêu cầu thu hồi văn bản")
    page.screenshot(path=screenshot_dir / "recall-02-banner.png", full_page=True)
    page.click("button:has-text('Đồng ý thu hồi (hủy văn bản)')")
    page.wait_for_selector("#recalled-notice")
    page.screenshot(path=screenshot_dir / "recall-03-destroyed.png", full_page=True)
    assert fresh(incoming).status == "recalled"
    page.click("header .who button")

    _login(page, base, "clerk_ubnd")
    page.goto(f"{base}/van-ban/{doc.public_id}/")
    page.wait_for_selector("#recall-state:has-text('Đã thu hồi')")
    page.screenshot(path=screenshot_dir / "recall-04-sender.png", full_page=True)
    assert timeline(doc, world.stc) == ["01", "13", "15"]
