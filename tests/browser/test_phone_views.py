"""The leader's day on a phone (390×844, a real headless Chromium with touch): the queue, the
document page where they sign a draft with their PKCS#12 key (and how the remote-OTP and
USB-token variants of that form fit), the handling slip with a directive, and "Việc của
tôi". On every page nothing is wider than the screen (no sideways scrolling), the menu folds
behind one button, and the main buttons are big enough for a thumb."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.documents.helpers import advance, make_draft, register
from tests.personas import PASSWORD
from tests.signing import tools
from tests.signing_flow import conftest as signing_flow
from vanthu.documents.actions import present_to_leader
from vanthu.documents.models import Status
from vanthu.processing.models import Assignment
from vanthu.signing import actions as signing
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The signed flow's test PKI and trust roots (fixtures of tests/signing_flow/conftest.py).
flow_pki = signing_flow.flow_pki
trusted = signing_flow.trusted

PHONE = {"width": 390, "height": 844}
# Apple and Android guidance: about 44 CSS px for anything tapped.
MIN_TAP = 40


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(45_000)
    yield page
    context.close()


def _off_loop(fn, *args, **kwargs):
    # Playwright keeps an event loop running in this thread and pyHanko's synchronous
    # calls (certificate validation) start their own: run them in a worker thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


@pytest.fixture
def personal_credential(world, flow_pki, browser):
    """The chairman's PKCS#12 key (typed password), as tests/signing_flow registers it."""
    return _off_loop(
        signing.register_credential,
        world.admin,
        user=world.leader_ubnd,
        kind="pkcs12",
        params={"path": flow_pki.p12("leader-ubnd")},
        image_png=tools.signature_png(),
        secret=DEFAULT_PASSWORD,
    )


def _fits(page, name, screenshot_dir):
    """No horizontal overflow, and the screenshot for a human look."""
    page.screenshot(path=screenshot_dir / f"phone-{name}.png", full_page=True)
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " Array.from(document.querySelectorAll('body *')).filter(e => {"
        "   const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1;"
        " }).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className).slice(0, 5)]"
    )
    scroll, inner, wide = widths
    assert scroll <= inner, f"{name}: {scroll}px wide on a {inner}px screen ({wide})"


def _tappable(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    assert box["height"] >= MIN_TAP, f"{selector}: {box['height']}px high"


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _open_menu(page):
    """On a phone the main menu hides behind «Menu»; open it when it is closed."""
    toggle = page.locator("header.top .nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def test_leader_signs_and_assigns_on_a_phone(
    phone, live_server, world, trusted, personal_credential, screenshot_dir
):
    page = phone
    base = live_server.url
    draft = advance(
        world,
        make_draft(world, subject="Về việc kế hoạch chuyển đổi số năm 2026"),
        Status.AWAITING_SIGNATURE,
    )
    second = advance(
        world,
        make_draft(world, subject="Về việc tổng kết công tác văn thư năm 2026"),
        Status.AWAITING_SIGNATURE,
    )
    incoming = register(world, subject="Về việc đề nghị hỗ trợ kinh phí sửa chữa trường học")
    present_to_leader(world.clerk_ubnd, incoming, world.leader_ubnd)

    _login(page, base, "leader_ubnd")
    _fits(page, "01-trang-chu", screenshot_dir)
    # The menu is folded: the page starts with the content, not twenty links.
    assert not page.locator("header.top nav a[href='/van-ban-di/']").is_visible()
    _open_menu(page)
    _fits(page, "02-menu", screenshot_dir)
    page.click("header.top nav >> text=Chờ xử lý")
    page.wait_for_selector("text=Văn bản chờ tôi xử lý")
    _fits(page, "03-cho-xu-ly", screenshot_dir)

    # Sign the draft with the personal PKCS#12 key.
    page.click(f"text={draft.subject}")
    page.wait_for_selector("#sign-form")
    page.fill("#sign-form input[name=signing_secret]", DEFAULT_PASSWORD)
    _tappable(page, "#sign-form button[value=approve]")
    _fits(page, "04-ky-duyet", screenshot_dir)
    page.click("#sign-form button[value=approve]")
    page.wait_for_selector("text=Đã ký số và ký duyệt văn bản")
    draft.refresh_from_db()
    assert draft.status == Status.APPROVED

    # The same form for a remote-signing key (OTP) and for a USB token through the agent.
    personal_credential.active = False
    personal_credential.save(update_fields=["active"])
    common = {
        "user": world.leader_ubnd,
        "certificate_pem": personal_credential.certificate_pem,
        "image_storage_name": personal_credential.image_storage_name,
        "image_sha256": personal_credential.image_sha256,
    }
    csc = SigningCredential.objects.create(
        kind=SigningCredential.Kind.CSC,
        params={"service_url": "http://127.0.0.1:9/csc/v1/", "credential_id": "ct"},
        **common,
    )
    page.goto(f"{base}/van-ban/{second.public_id}/")
    page.wait_for_selector("input[autocomplete=one-time-code]")
    _fits(page, "05-ky-duyet-otp", screenshot_dir)
    csc.active = False
    csc.save(update_fields=["active"])
    SigningCredential.objects.create(kind=SigningCredential.Kind.AGENT, **common)
    page.reload()
    page.wait_for_selector("#agent-sign-form")
    _tappable(page, "#agent-sign-button")
    _fits(page, "06-ky-duyet-usb-token", screenshot_dir)

    # The handling slip, from the queue: the KT department leads, with a directive.
    _open_menu(page)
    page.click("header.top nav >> text=Chờ xử lý")
    page.click(f"text={incoming.subject}")
    _fits(page, "07-van-ban-den", screenshot_dir)
    page.click("text=Giao xử lý (phiếu giải quyết)")
    page.select_option("#id_lead", "d:KT")
    page.fill("#id_due_working_days", "5")
    page.fill("#id_directive", "Phòng Kinh tế chủ trì, khảo sát thực tế và đề xuất trước hạn.")
    _tappable(page, "#assign-form button[type=submit]")
    _fits(page, "08-phieu-giai-quyet", screenshot_dir)
    page.click("#assign-form button[type=submit]")
    page.wait_for_selector("text=khảo sát thực tế")
    lead = Assignment.objects.get(document=incoming, role="lead", parent=None)
    assert lead.assignee_department == world.kt_ubnd and lead.due_on is not None
    _fits(page, "09-da-giao", screenshot_dir)

    # The department leader finds the line in "Việc của tôi" and opens it.
    _open_menu(page)
    _tappable(page, "header.top .who button")
    page.click("header.top .who button")
    _login(page, base, "dept_leader_ubnd")
    _open_menu(page)
    page.click("header.top nav >> text=Việc của tôi")
    page.wait_for_selector(f"#assignments >> text={incoming.subject}")
    _fits(page, "10-viec-cua-toi", screenshot_dir)
    page.click(f"#assignments >> text={incoming.reference}")
    page.wait_for_selector("text=khảo sát thực tế")
    _fits(page, "11-viec-duoc-giao", screenshot_dir)
