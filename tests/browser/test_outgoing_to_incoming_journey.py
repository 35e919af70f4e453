"""The journey every agency runs daily, clicked in a real browser across two agencies:
specialist drafts → department leader checks content → clerk checks form → leader signs →
clerk issues (number assigned) → the recipient agency's clerk registers it (số đến) →
its leader forwards → a specialist opens it."""

from __future__ import annotations

import re

import pytest

from tests import files
from tests.personas import PASSWORD
from vanthu.documents.models import Document, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page):
    page.click("header .who button")


def _open_document(page, base, doc):
    page.goto(f"{base}/van-ban/{doc.public_id}/")


def test_draft_to_forwarded_incoming(page, live_server, world, tmp_path, screenshot_dir):
    base = live_server.url
    draft = tmp_path / "du-thao-cong-van.pdf"
    draft.write_bytes(files.pdf(["Dự thảo công văn về việc đề nghị bổ sung kinh phí"]))

    _login(page, base, "specialist_ubnd")
    page.screenshot(path=screenshot_dir / "01-dashboard-chuyen-vien.png", full_page=True)
    page.click("text=Soạn dự thảo văn bản đi")
    page.select_option("#id_doc_type", "CV")
    page.fill("#id_subject", "Về việc đề nghị bổ sung kinh phí chuyển đổi số năm 2026")
    page.set_input_files("#id_file", str(draft))
    page.select_option("#id_signer", label="Trần Văn Chủ Tịch")
    page.select_option("#id_recipients", label="Sở Tài chính tỉnh Nghệ An")
    page.fill("#id_recipients_text", "Như trên; Lưu: VT, KT.")
    page.screenshot(path=screenshot_dir / "02-form-du-thao.png", full_page=True)
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_selector("text=Đã lưu dự thảo")
    page.click("button:has-text('Trình duyệt')")
    page.wait_for_selector("text=Đã trình dự thảo")
    doc = Document.objects.get(direction="outgoing")
    _logout(page)

    for username, step_text in (
        ("dept_leader_ubnd", "Kiểm tra nội dung"),
        ("clerk_ubnd", "Kiểm tra thể thức"),
        ("leader_ubnd", "Ký duyệt (người có thẩm quyền)"),
    ):
        _login(page, base, username)
        page.click("nav >> text=Chờ xử lý")
        page.click(f"text={doc.subject}")
        page.wait_for_selector(f"text={step_text}")
        page.click("button[name=decision][value=approve]")
        page.wait_for_selector("text=Đã đồng ý")
        _logout(page)

    _login(page, base, "clerk_ubnd")
    _open_document(page, base, doc)
    page.click("button:has-text('Cấp số và phát hành')")
    page.wait_for_selector("text=Đã cấp số và phát hành văn bản")
    assert page.inner_text("#doc-reference") == "01/UBND-KT"
    page.screenshot(path=screenshot_dir / "03-van-ban-di-da-phat-hanh.png", full_page=True)
    _logout(page)

    _login(page, base, "clerk_stc")
    page.click("text=Văn bản đến chờ tiếp nhận")
    page.click("text=01/UBND-KT")
    page.click("button:has-text('Tiếp nhận và vào sổ')")
    page.wait_for_selector("text=Đã tiếp nhận và vào sổ")
    assert page.inner_text("#doc-arrival-number") == "01"
    page.select_option("#id_leader", label="Đặng Văn Giám Đốc")
    page.click("button:has-text('Trình')")
    page.wait_for_selector("text=Đã trình lãnh đạo")
    page.screenshot(path=screenshot_dir / "04-van-ban-den-da-vao-so.png", full_page=True)
    _logout(page)

    _login(page, base, "leader_stc")
    page.click("nav >> text=Chờ xử lý")
    page.click(f"text={doc.subject}")
    page.select_option("#id_departments", label="Phòng Ngân sách — STC")
    page.fill("#id_note", "Giao Phòng Ngân sách tham mưu, báo cáo trước ngày 30.")
    page.click("button:has-text('Chuyển xử lý')")
    page.wait_for_selector("text=Đã chuyển văn bản")
    _logout(page)

    _login(page, base, "specialist_stc")
    page.click("nav >> text=Văn bản được chuyển")
    page.click("text=01/UBND-KT")
    page.wait_for_selector("text=Giao Phòng Ngân sách tham mưu")
    page.screenshot(path=screenshot_dir / "05-chuyen-vien-mo-van-ban.png", full_page=True)
    _logout(page)

    incoming = Document.objects.get(direction="incoming")
    assert incoming.status == Status.FORWARDED
    assert incoming.forwards.get().read_at is not None

    _login(page, base, "clerk_ubnd")
    _open_document(page, base, doc)
    timeline = page.inner_text("#deliveries")
    assert "Đã tiếp nhận" in timeline and "Vũ Thị Thư Sở" in timeline
    assert re.search(r"Đã đến", timeline)


def test_login_refuses_wrong_password_in_vietnamese(page, live_server, world):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "clerk_ubnd")
    page.fill("#id_password", "sai-mat-khau")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Tên đăng nhập hoặc mật khẩu không đúng.")
