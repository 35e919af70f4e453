"""The credential screens: my signing key, the agency seal, the administrators' list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.signing import tools
from vanthu.audit.models import AuditEvent
from vanthu.errors import ValidationFailed
from vanthu.signing.credentials import facts_of, register_csc
from vanthu.signing.csc_server import CscServer
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki

ORG = "Ủy ban nhân dân tỉnh Nghệ An"
CSC_SECRET_ENV = "VANTHU_TEST_CSC_CRED_SECRET"
CSC_SECRET = "bi-mat-thu-nghiem"  # noqa: S105 - a loopback test service


@pytest.fixture(scope="module")
def extra_pki():
    pki = DemoPki()
    pki.issue_expired_person("expired", "Trần Văn Chủ Tịch", agency=ORG, citizen_id="040080001234")
    pki.issue_person(
        "soon",
        "Trần Văn Chủ Tịch",
        agency=ORG,
        citizen_id="040080001234",
        not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=12, hours=1),
    )
    return pki


@pytest.fixture(autouse=True)
def keys(settings, tmp_path):
    settings.VANTHU_KEY_DIR = str(tmp_path / "keys")
    return tmp_path / "keys"


def png(name="chu-ky.png", content=None):
    return SimpleUploadedFile(name, content or tools.signature_png(), "image/png")


def p12_post(flow_pki, slug, password=DEFAULT_PASSWORD, image=None, **extra):
    data = (flow_pki.directory / f"{slug}.p12").read_bytes()
    return {
        "pkcs12-key_file": SimpleUploadedFile(f"{slug}.p12", data),
        "pkcs12-password": password,
        "pkcs12-image": image or png(),
        **extra,
    }


MINE = reverse("credentials:mine")
REGISTER_P12 = reverse("credentials:register", kwargs={"kind": "pkcs12"})
REGISTER_AGENT = reverse("credentials:register", kwargs={"kind": "agent"})


def test_my_page_offers_every_kind(world, login):
    response = login(world.specialist_ubnd).get(MINE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa đăng ký khóa ký số" in html
    for field in ("pkcs12-key_file", "pkcs11-token_label", "agent-certificate", "csc-service_url"):
        assert f'name="{field}"' in html
    assert 'name="pkcs12-password_env"' not in html  # server secrets: administrators only


def test_it_registers_an_uploaded_key_and_shows_it(world, login, flow_pki):
    client = login(world.leader_ubnd)
    response = client.post(REGISTER_P12, p12_post(flow_pki, "leader-ubnd"))
    assert response.status_code == 302 and response.url == MINE
    credential = SigningCredential.objects.get(user=world.leader_ubnd, active=True)
    page = client.get(MINE).content.decode()
    assert "Trần Văn Chủ Tịch" in page and "CA chuyên dùng Chính phủ" in page
    image_url = reverse("credentials:image", kwargs={"public_id": credential.public_id})
    assert image_url in page
    image = client.get(image_url)
    assert image["Content-Type"] == "image/png" and image.content == tools.signature_png()
    assert AuditEvent.objects.filter(action="signing.credential_registered").count() == 1


def test_a_wrong_password_is_an_error_in_the_form(world, login, flow_pki, keys):
    response = login(world.leader_ubnd).post(
        REGISTER_P12, p12_post(flow_pki, "leader-ubnd", password="sai")
    )
    assert response.status_code == 400
    assert "sai mật khẩu" in response.content.decode()
    assert '<details class="card" open>' in response.content.decode()
    assert not SigningCredential.objects.exists()
    assert not keys.exists() or not list(keys.iterdir())


def test_an_agency_certificate_is_refused_as_a_personal_one(world, login, flow_pki):
    response = login(world.leader_ubnd).post(REGISTER_P12, p12_post(flow_pki, "ubnd"))
    assert response.status_code == 400
    assert "không phải của cá nhân" in response.content.decode()
    assert not SigningCredential.objects.exists()


def test_an_expired_certificate_is_refused(world, login, extra_pki):
    response = login(world.leader_ubnd).post(
        REGISTER_AGENT,
        {
            "agent-certificate": SimpleUploadedFile(
                "het-han.cer", extra_pki.leaves["expired"].cert_der
            ),
            "agent-image": png(),
        },
    )
    assert response.status_code == 400 and "đã hết hạn" in response.content.decode()
    assert not SigningCredential.objects.exists()


def test_an_image_that_is_not_png_is_refused(world, login, flow_pki):
    response = login(world.leader_ubnd).post(
        REGISTER_P12, p12_post(flow_pki, "leader-ubnd", image=png("anh.jpg", b"\xff\xd8\xff\xe0"))
    )
    assert response.status_code == 400
    assert "không được dùng ở đây" in response.content.decode()
    assert not SigningCredential.objects.exists()


def test_a_usb_token_certificate_near_expiry_is_registered_with_a_warning(world, login, extra_pki):
    client = login(world.leader_ubnd)
    response = client.post(
        REGISTER_AGENT,
        {
            "agent-certificate": SimpleUploadedFile("token.pem", extra_pki.leaves["soon"].cert_pem),
            "agent-image": png(),
        },
    )
    assert response.status_code == 302
    page = client.get(MINE).content.decode()
    assert "sẽ hết hạn sau 12 ngày" in page and "vanthu-signer" in page


def test_another_person_can_neither_see_nor_change_my_credential(
    world, login, flow_pki, personal_credential
):
    client = login(world.specialist_ubnd)
    kwargs = {"public_id": personal_credential.public_id}
    assert client.get(reverse("credentials:image", kwargs=kwargs)).status_code == 404
    replaced = client.post(
        reverse("credentials:image_replace", kwargs=kwargs), {"image-image": png()}
    )
    assert replaced.status_code == 404
    stopped = client.post(reverse("credentials:deactivate", kwargs=kwargs), {"confirm": "1"})
    assert stopped.status_code == 404
    personal_credential.refresh_from_db()
    assert personal_credential.active
    assert "Trần Văn Chủ Tịch" not in client.get(MINE).content.decode()


def test_i_replace_my_image_and_deactivate_my_key(world, login, personal_credential):
    client = login(world.leader_ubnd)
    kwargs = {"public_id": personal_credential.public_id}
    response = client.post(
        reverse("credentials:image_replace", kwargs=kwargs),
        {"image-image": png("moi.png", tools.seal_png())},
    )
    assert response.status_code == 302
    assert client.get(reverse("credentials:image", kwargs=kwargs)).content == tools.seal_png()
    unconfirmed = client.post(reverse("credentials:deactivate", kwargs=kwargs), {}, follow=True)
    assert "Hãy đánh dấu ô xác nhận" in unconfirmed.content.decode()
    client.post(reverse("credentials:deactivate", kwargs=kwargs), {"confirm": "1"})
    personal_credential.refresh_from_db()
    assert not personal_credential.active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"signing.credential_image_replaced", "signing.credential_deactivated"} <= actions


def seal_url(world, name="credentials:seal", **kwargs):
    return reverse(name, kwargs={"code": world.ubnd.code, **kwargs})


def test_the_agency_seal_is_managed_by_its_clerk_and_administrators(world, login, flow_pki):
    client = login(world.clerk_ubnd)
    assert client.get(reverse("credentials:seal_index")).url == seal_url(world)
    page = client.get(seal_url(world))
    assert page.status_code == 200 and "Điều 33" in page.content.decode()
    register = seal_url(world, "credentials:seal_register", kind="pkcs12")
    refused = client.post(register, p12_post(flow_pki, "leader-ubnd", image=png("dau.png")))
    assert refused.status_code == 400 and "không phải của cơ quan" in refused.content.decode()
    done = client.post(register, p12_post(flow_pki, "ubnd", image=png("dau.png", tools.seal_png())))
    assert done.status_code == 302 and done.url == seal_url(world)
    seal = SigningCredential.objects.get(agency=world.ubnd, active=True)
    assert "Ủy ban nhân dân tỉnh Nghệ An" in client.get(seal_url(world)).content.decode()

    for persona in (world.clerk_stc, world.specialist_ubnd, world.leader_ubnd):
        other = login(persona)
        assert other.get(seal_url(world)).status_code == 404
        assert other.post(register, p12_post(flow_pki, "ubnd")).status_code == 404
        image = reverse("credentials:image", kwargs={"public_id": seal.public_id})
        assert other.get(image).status_code == 404
    assert login(world.specialist_ubnd).get(reverse("credentials:seal_index")).status_code == 404
    assert login(world.admin).get(seal_url(world)).status_code == 200


def test_an_administrator_lets_the_server_unlock_the_seal(world, login, flow_pki, monkeypatch):
    monkeypatch.setenv("VANTHU_SEAL_UBND_TEST", DEFAULT_PASSWORD)
    client = login(world.admin)
    assert 'name="pkcs12-password_env"' in client.get(seal_url(world)).content.decode()
    data = p12_post(
        flow_pki,
        "ubnd",
        password="",
        image=png("dau.png", tools.seal_png()),
        **{"pkcs12-password_env": "VANTHU_SEAL_UBND_TEST"},
    )
    response = client.post(seal_url(world, "credentials:seal_register", kind="pkcs12"), data)
    assert response.status_code == 302
    seal = SigningCredential.objects.get(agency=world.ubnd)
    assert seal.params["password_env"] == "VANTHU_SEAL_UBND_TEST" and not seal.needs_typed_secret


def test_administrators_list_every_credential(world, login, personal_credential, agency_credential):
    listing = reverse("credentials:all")
    client = login(world.admin)
    page = client.get(listing).content.decode()
    assert "Trần Văn Chủ Tịch" in page and "con dấu" in page
    other = client.get(listing, {"agency": world.stc.code}).content.decode()
    assert "Không có khóa ký số nào" in other
    unknown = client.get(listing, {"agency": "000.00.00.X99"}).content.decode()
    assert "Không tìm thấy cơ quan" in unknown
    for persona in (world.clerk_ubnd, world.leader_ubnd, world.outsider):
        assert login(persona).get(listing).status_code == 404
    client = login(world.admin)
    kwargs = {"public_id": personal_credential.public_id}
    stopped = client.post(reverse("credentials:deactivate", kwargs=kwargs), {"confirm": "1"})
    assert stopped.url == listing
    assert "Trần Văn Chủ Tịch" not in client.get(listing).content.decode()
    assert "Trần Văn Chủ Tịch" in client.get(listing, {"state": "all"}).content.decode()


def test_unknown_kinds_and_agencies_are_not_found(world, login):
    client = login(world.admin)
    assert client.post(reverse("credentials:register", kwargs={"kind": "x"})).status_code == 404
    missing = reverse("credentials:seal", kwargs={"code": "000.00.00.X99"})
    assert client.get(missing).status_code == 404


# -- remote signing, against the loopback CSC service ------------------------------------------


@pytest.fixture
def csc_service(flow_pki, settings, monkeypatch):
    leader = flow_pki.pki.leaves["leader-ubnd"]
    monkeypatch.setenv(CSC_SECRET_ENV, CSC_SECRET)
    with CscServer(client_id="vanthu", client_secret=CSC_SECRET) as server:
        server.add_credential("chu-tich", leader.key, leader.cert, flow_pki.pki.chain)
        settings.VANTHU_CSC_SERVICES = [server.base_url]
        yield server


def test_a_remote_signing_credential_reads_its_certificate_from_the_service(
    world, login, csc_service
):
    client = login(world.leader_ubnd)
    data = {
        "csc-service_url": csc_service.base_url,
        "csc-credential_id": "chu-tich",
        "csc-client_id": "vanthu",
        "csc-client_secret_env": CSC_SECRET_ENV,
        "csc-image": png(),
    }
    url = reverse("credentials:register", kwargs={"kind": "csc"})
    assert f'<option value="{csc_service.base_url}"' in client.get(MINE).content.decode()
    elsewhere = client.post(url, {**data, "csc-service_url": "https://ca.example.vn/csc"})
    assert elsewhere.status_code == 400 and 'class="errorlist"' in elsewhere.content.decode()
    assert not SigningCredential.objects.exists()
    with pytest.raises(ValidationFailed, match="chưa được quản trị"):
        register_csc(
            world.leader_ubnd,
            user=world.leader_ubnd,
            service_url="https://ca.example.vn/csc",
            credential_id="chu-tich",
            client_id="vanthu",
            client_secret_env=CSC_SECRET_ENV,
            image_png=tools.signature_png(),
        )
    assert client.post(url, {**data, "csc-image": png()}).status_code == 302
    credential = SigningCredential.objects.get(user=world.leader_ubnd, active=True)
    assert credential.kind == "csc"
    assert facts_of(credential.certificate_pem).common_name == "Trần Văn Chủ Tịch"
    assert credential.params["credential_id"] == "chu-tich" and CSC_SECRET not in str(
        credential.params
    )
    assert "Ký số từ xa" in client.get(MINE).content.decode()
