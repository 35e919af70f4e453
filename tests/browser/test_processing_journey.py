"""The handling journey across roles, clicked in a real browser at Sở Tài chính on a document
that arrived from UBND tỉnh: the clerk registers it → the director assigns the Budget
department as lead with a directive and a 5-working-day deadline → the department leader
re-assigns to a specialist → the specialist records progress, opens a work file on the
"Hồ sơ công việc" page, drafts the reply through the draft form, files both documents and
links the reply → the review circuit's reviewer approves the draft → the director signs,
the clerk issues → the specialist reports completion with the reply, and the sender's page
shows status 06 (hoàn thành) after 01, 03, 04 and 05."""

from __future__ import annotations

import pytest

from tests import files
from tests.documents.helpers import make_issued
from tests.personas import PASSWORD
from vanthu.circuits import actions as circuit_actions
from vanthu.circuits.actions import StepSpec
from vanthu.directory.models import Role
from vanthu.documents.models import Document, Status
from vanthu.exchange.models import DeliveryEvent
from vanthu.processing.models import Assignment
from vanthu.workfiles.replies import response_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _logout(page):
    page.click("header .who button")


def test_assign_reassign_reply_and_complete(page, live_server, world, tmp_path, screenshot_dir):
    base = live_server.url
    sent = make_issued(world, recipients=[world.stc])
    incoming = Document.objects.get(direction="incoming", agency=world.stc)

    # The clerk registers the arrival.
    _login(page, base, "clerk_stc")
    page.goto(f"{base}/van-ban/{incoming.public_id}/")
    page.click("button:has-text('Tiếp nhận và vào sổ')")
    page.wait_for_selector("text=Đã tiếp nhận và vào sổ văn bản đến")
    _logout(page)

    # The director fills the handling slip: lead, co-handler, directive, 5 working days.
    _login(page, base, "leader_stc")
    page.goto(f"{base}/van-ban/{incoming.public_id}/")
    page.click("text=Giao xử lý (phiếu giải quyết)")
    page.select_option("#id_lead", "d:NS")
    page.select_option("#id_co", f"u:{world.clerk_stc.public_id}")
    page.fill("#id_due_working_days", "5")
    page.fill("#id_directive", "Phòng Ngân sách chủ trì, tham mưu văn bản trả lời trước hạn.")
    page.screenshot(path=screenshot_dir / "p01-phieu-giai-quyet.png", full_page=True)
    page.click("button:has-text('Giao xử lý')")
    page.wait_for_selector("text=Phòng Ngân sách")
    lead = Assignment.objects.get(document=incoming, role="lead", parent=None)
    assert lead.assignee_department == world.ns_stc and lead.due_on is not None
    assert "trước hạn" in lead.directive
    _logout(page)

    # The department leader re-assigns to the specialist.
    _login(page, base, "dept_leader_stc")
    page.goto(f"{base}/xu-ly/viec/{lead.public_id}/giao-lai/")
    page.select_option("#id_lead", f"u:{world.specialist_stc.public_id}")
    page.click("button[type=submit] >> text=/Giao/")
    page.wait_for_selector("text=Ngô Văn Tài")
    mine = Assignment.objects.get(parent=lead, assignee_user=world.specialist_stc)
    _logout(page)

    # The specialist sees the task, records progress, and drafts the reply in a work file.
    _login(page, base, "specialist_stc")
    page.click("nav >> text=Việc của tôi")
    page.wait_for_selector(f"text={incoming.reference}")
    page.screenshot(path=screenshot_dir / "p02-viec-cua-toi.png", full_page=True)
    page.goto(f"{base}/xu-ly/viec/{mine.public_id}/")
    page.fill("textarea[name=text]", "Đã rà soát số liệu, đang dự thảo văn bản trả lời.")
    page.click("button:has-text('Ghi tiến độ')")
    page.wait_for_selector("text=Đã rà soát số liệu")

    # Setup, not the journey: the agency's review circuit, configured once by the director.
    circuit = circuit_actions.create_circuit(
        world.leader_stc,
        world.stc,
        name="Duyệt qua trưởng phòng",
        steps=[StepSpec(role=Role.DEPARTMENT_LEADER)],
    )
    circuit_actions.set_active(world.leader_stc, circuit, True)

    # The specialist opens a work file from the "Hồ sơ công việc" page.
    page.click("nav >> text=Hồ sơ công việc")
    page.click("text=Mở hồ sơ mới")
    page.select_option("#id_department", str(world.ns_stc.pk))
    page.fill("#id_code", "NS-2026-01")
    page.fill("#id_title", "Trả lời UBND tỉnh")
    page.click("button:has-text('Mở hồ sơ')")
    page.wait_for_selector("text=Đã mở hồ sơ NS-2026-01")
    folder_url = page.url

    # The reply is drafted through the outgoing draft form.
    draft_file = tmp_path / "tra-loi.pdf"
    draft_file.write_bytes(files.pdf(["Trả lời đề nghị bổ sung kinh phí"]))
    page.click("nav >> text=Trang chủ")
    page.click("text=Soạn dự thảo văn bản đi")
    page.select_option("#id_doc_type", "CV")
    page.fill("#id_subject", "Về việc trả lời đề nghị bổ sung kinh phí")
    page.set_input_files("#id_file", str(draft_file))
    page.select_option("#id_department", str(world.ns_stc.pk))
    page.select_option("#id_signer", label="Đặng Văn Giám Đốc")
    page.select_option("#id_recipients", label="Ủy ban nhân dân tỉnh Nghệ An")
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_selector("text=Đã lưu dự thảo")
    reply = Document.objects.get(direction="outgoing", agency=world.stc)

    # Both documents go into the work file; the reply is linked to the incoming document.
    page.goto(folder_url)
    for row in (incoming.reference, reply.subject):
        with page.expect_navigation():
            page.click(f"#candidates tr:has-text('{row}') button:has-text('Thêm vào hồ sơ')")
        page.wait_for_selector("text=Đã đưa văn bản vào hồ sơ.")
    page.select_option("#reply", str(reply.public_id))
    page.select_option("#answers", str(incoming.public_id))
    page.click("button:has-text('Liên kết trả lời')")
    page.wait_for_selector("text=Đã liên kết văn bản trả lời.")
    page.screenshot(path=screenshot_dir / "p02b-ho-so-cong-viec.png", full_page=True)
    assert response_for(reply) == [incoming]
    page.goto(f"{base}/van-ban/{reply.public_id}/")
    page.click("button:has-text('Trình duyệt')")
    page.wait_for_selector("text=Đã trình dự thảo")
    _logout(page)

    # The review circuit: the department leader approves in the circuit panel.
    _login(page, base, "dept_leader_stc")
    page.goto(f"{base}/van-ban/{reply.public_id}/")
    page.click("#circuit-panel button[value=approve]")
    page.wait_for_selector("text=Đồng ý")
    reply.refresh_from_db()
    assert reply.status == Status.FORM_CHECK
    _logout(page)

    for username, step in (("clerk_stc", "check_form"), ("leader_stc", "approve_signature")):
        _login(page, base, username)
        page.goto(f"{base}/van-ban/{reply.public_id}/")
        page.click(f"form[action$='/{step}/'] button[name=decision][value=approve]")
        page.wait_for_selector("text=Đã đồng ý")
        _logout(page)
    _login(page, base, "clerk_stc")
    page.goto(f"{base}/van-ban/{reply.public_id}/")
    page.click("button:has-text('Cấp số và phát hành')")
    page.wait_for_selector("text=Đã cấp số và phát hành văn bản")
    reply.refresh_from_db()
    _logout(page)

    # The specialist reports completion with the reply; the lead line above closes too.
    _login(page, base, "specialist_stc")
    page.goto(f"{base}/xu-ly/viec/{mine.public_id}/")
    page.fill("#id_result_note", "Đã có văn bản trả lời.")
    page.select_option("#id_result_document", str(reply.public_id))
    page.click("button:has-text('Báo cáo hoàn thành')")
    page.wait_for_selector("text=Đã có văn bản trả lời")
    page.screenshot(path=screenshot_dir / "p03-hoan-thanh.png", full_page=True)
    _logout(page)
    lead.refresh_from_db()
    assert lead.status == "done"

    statuses = list(
        DeliveryEvent.objects.filter(delivery__document=sent)
        .order_by("at", "id")
        .values_list("status", flat=True)
    )
    assert statuses == ["01", "03", "04", "05", "06"], statuses
    _login(page, base, "clerk_ubnd")
    page.goto(f"{base}/van-ban/{sent.public_id}/")
    page.wait_for_selector("text=Hoàn thành")
    page.screenshot(path=screenshot_dir / "p04-ben-gui-thay-hoan-thanh.png", full_page=True)
