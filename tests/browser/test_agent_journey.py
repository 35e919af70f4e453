"""Signing with the leader's own USB token in a real browser: the page talks to the real
vanthu-signer agent (its own process, a SoftHSM2 token holding the leader's RSA key, their
certificate and the issuing CA), the document is approved with the personal signature, then
the clerk issues it with the agency seal and both signatures are valid for pdfsig."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.documents.helpers import advance, make_draft
from tests.personas import PASSWORD
from tests.signing import tools
from vanthu.documents.files import check_upload, current_main, read_bytes, store
from vanthu.documents.models import Status
from vanthu.signing import actions as signing
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki
from vanthu.signing.verify import verify_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "135790"
SEAL_ENV = "VANTHU_TEST_AGENT_JOURNEY_SEAL"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def token_pki(tmp_path_factory):
    """The leader's key and certificate plus the government CA on a SoftHSM2 token of a
    private token directory (its configuration reaches only the agent's process)."""
    util = tools.require_tool("softhsm2-util")
    p11tool = tools.require_tool("pkcs11-tool")
    if not os.path.exists(MODULE):
        tools.unavailable(f"thiếu thư viện PKCS#11 {MODULE} (apt-get install softhsm2)")
    pki = DemoPki()
    org = "Ủy ban nhân dân tỉnh Nghệ An"
    leader = pki.issue_person(
        "leader-token", "Trần Văn Chủ Tịch", agency=org, citizen_id="040080001234", title="Chủ tịch"
    )
    pki.issue_agency("ubnd", org, "000.00.00.H41", province="Nghệ An")
    base = tmp_path_factory.mktemp("agent-token")
    directory = pki.write(base / "pki")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    env = os.environ | {"SOFTHSM2_CONF": str(conf)}

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60, env=env)  # noqa: S603

    run(util, "--init-token", "--free", "--label", "token-lanh-dao", "--pin", PIN,
        "--so-pin", "24681357")  # fmt: skip
    key = base / "key.pem"
    key.write_bytes(leader.key_pkcs8_pem())
    run(util, "--import", str(key), "--token", "token-lanh-dao", "--label", "ky-so", "--id", "01",
        "--pin", PIN)  # fmt: skip
    key.unlink()
    for name, der, obj_id in (("ky-so", leader.cert_der, "01"), ("ca", pki.ca.cert_der, "99")):
        path = base / f"{name}.der"
        path.write_bytes(der)
        run(p11tool, "--module", MODULE, "--token-label", "token-lanh-dao", "--login", "--pin",
            PIN, "--write-object", str(path), "--type", "cert", "--id", obj_id, "--label", name)  # fmt: skip
    return pki, directory, leader, env


@pytest.fixture
def agent(token_pki, live_server):
    """vanthu-signer as the signer runs it, allowing only this VanThu's origin."""
    _, _, _, env = token_pki
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603 (our interpreter, our module)
        [sys.executable, "-m", "vanthu.signer_agent", "--port", str(port), "--module", MODULE,
         "--allow-origin", live_server.url],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def _off_loop(fn, *args, **kwargs):
    # Playwright keeps an event loop running in this thread and pyHanko's synchronous
    # calls (certificate validation) start their own: run them in a worker thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _verify(pdf: bytes, root) -> dict:
    return _off_loop(verify_pdf, pdf, trust_roots=[root])


def _login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _error_after_click(page, pin: str) -> str:
    page.fill("#agent-sign-pin", pin)
    page.click("#agent-sign-button")
    page.wait_for_selector("#agent-sign-error:not([hidden])")
    return page.inner_text("#agent-sign-error")


def test_leader_signs_with_usb_token_then_clerk_issues(
    page, live_server, world, token_pki, agent, settings, monkeypatch, screenshot_dir
):
    pki, directory, leader_cert, _ = token_pki
    settings.VANTHU_TRUST_ROOTS = [str(directory / "root.pem")]
    image = check_upload("chu-ky.png", tools.signature_png(), allowed={"image/png"})
    SigningCredential.objects.create(
        user=world.leader_ubnd,
        kind=SigningCredential.Kind.AGENT,
        certificate_pem=leader_cert.cert_pem.decode(),
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )
    monkeypatch.setenv(SEAL_ENV, DEFAULT_PASSWORD)
    _off_loop(
        signing.register_credential,
        world.admin,
        agency=world.ubnd,
        kind="pkcs12",
        params={"path": str(directory / "ubnd.p12"), "password_env": SEAL_ENV},
        image_png=tools.seal_png(),
    )
    doc = advance(world, make_draft(world, recipients=[world.stc]), Status.AWAITING_SIGNATURE)
    base = live_server.url

    _login(page, base, "leader_ubnd")
    page.goto(f"{base}/van-ban/{doc.public_id}/")
    page.wait_for_selector("text=Ký số bằng USB token")
    # The PIN field is outside every form VanThu receives: it has no name.
    assert page.get_attribute("#agent-sign-pin", "name") is None

    # The agent is not running where the page looks for it.
    settings.VANTHU_SIGNER_AGENT_URL = f"http://127.0.0.1:{_free_port()}"
    message = _error_after_click(page, PIN)
    assert message.startswith("Không kết nối được phần mềm ký số vanthu-signer trên máy của ông/bà")
    assert page.input_value("#agent-sign-pin") == ""

    settings.VANTHU_SIGNER_AGENT_URL = agent
    assert "Mã PIN của USB token không đúng" in _error_after_click(page, "000000")
    doc.refresh_from_db()
    assert doc.status == Status.AWAITING_SIGNATURE

    page.fill("#agent-sign-pin", PIN)
    page.fill("#agent-sign-comment", "Đồng ý ban hành.")
    page.screenshot(path=screenshot_dir / "agent-01-nhap-ma-pin.png", full_page=True)
    page.click("#agent-sign-button")
    page.wait_for_selector("text=Đã ký số bằng USB token và ký duyệt văn bản.")
    page.screenshot(path=screenshot_dir / "agent-02-da-ky-duyet.png", full_page=True)
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    personal = read_bytes(current_main(doc).storage_name)
    report = _verify(personal, pki.root.cert)
    assert report["verdict"] == "valid" and report["has_personal"]
    page.click("header .who button")

    _login(page, base, "clerk_ubnd")
    page.goto(f"{base}/van-ban/{doc.public_id}/")
    page.click("button:has-text('Cấp số và phát hành')")
    page.wait_for_selector("text=Đã cấp số và phát hành văn bản")
    page.screenshot(path=screenshot_dir / "agent-03-da-phat-hanh.png", full_page=True)
    doc.refresh_from_db()
    assert doc.status == Status.ISSUED
    issued = read_bytes(current_main(doc).storage_name)
    report = _verify(issued, pki.root.cert)
    assert report["verdict"] == "valid"
    assert [(s["signer"], s["kind"]) for s in report["signatures"]] == [
        ("Trần Văn Chủ Tịch", "personal"),
        ("Ủy ban nhân dân tỉnh Nghệ An", "agency"),
    ]
    path = screenshot_dir / "agent-issued.pdf"
    path.write_bytes(issued)
    signed = [s for s in tools.pdfsig(path) if s["signed"]]
    assert [s["Signature Validation"] for s in signed] == ["Signature is Valid."] * 2
