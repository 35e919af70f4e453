"""Credential management actions: uploaded PKCS#12 files, tokens, USB-token certificates,
images, deactivation, and who may do each."""

from __future__ import annotations

import datetime as dt
import stat

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.http import Http404

from tests.signing import tools
from tests.signing.conftest import PIN, SOFTHSM_MODULE
from vanthu.audit.models import AuditEvent
from vanthu.directory.models import User
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed
from vanthu.signing import credentials as creds
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki

ORG = "Ủy ban nhân dân tỉnh Nghệ An"


@pytest.fixture(scope="module")
def pki():
    pki = DemoPki()
    pki.issue_person("leader", "Trần Văn Chủ Tịch", agency=ORG, citizen_id="040080001234")
    pki.issue_person("clerk", "Nguyễn Thị Văn Thư", agency=ORG, citizen_id="040080001235")
    pki.issue_agency("ubnd", ORG, "000.00.00.H41", province="Nghệ An")
    pki.issue_agency("stc", "Sở Tài chính tỉnh Nghệ An", "000.05.00.H41")
    pki.issue_expired_person("expired", "Trần Văn Chủ Tịch", agency=ORG, citizen_id="040080001234")
    return pki


def p12(pki, slug, password=DEFAULT_PASSWORD) -> bytes:
    return pki.leaves[slug].pkcs12(password, pki.chain)


@pytest.fixture
def keys(settings, tmp_path):
    settings.VANTHU_KEY_DIR = str(tmp_path / "keys")
    return tmp_path / "keys"


def stored_keys(keys):
    return sorted(keys.glob("*.p12")) if keys.exists() else []


def upload(actor, pki, slug, *, password=DEFAULT_PASSWORD, image=None, **owner):
    return creds.register_pkcs12_upload(
        actor,
        key_file=p12(pki, slug),
        password=password,
        image_png=image or tools.signature_png(),
        **owner,
    )


def test_it_stores_an_uploaded_key_readable_by_the_server_only(world, pki, keys):
    credential = upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd)
    [path] = stored_keys(keys)
    assert credential.params == {"path": str(path)}  # no password kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert credential.active and credential.kind == "pkcs12"
    event = AuditEvent.objects.get(action="signing.credential_registered")
    assert event.actor == world.leader_ubnd and "Trần Văn Chủ Tịch" in event.after["subject"]


def test_a_wrong_password_leaves_nothing_behind(world, pki, keys):
    with pytest.raises(ValidationFailed) as caught:
        upload(world.leader_ubnd, pki, "leader", password="sai-mat-khau", user=world.leader_ubnd)
    assert "sai mật khẩu" in caught.value.errors["password"]
    assert stored_keys(keys) == []
    assert not SigningCredential.objects.exists() and not AuditEvent.objects.exists()


def test_it_refuses_a_file_that_is_not_a_key(world, keys):
    with pytest.raises(ValidationFailed) as caught:
        creds.register_pkcs12_upload(
            world.leader_ubnd,
            user=world.leader_ubnd,
            key_file=b"%PDF-1.7 not a key",
            password="x",
            image_png=tools.signature_png(),
        )
    assert "không phải tệp khóa PKCS#12" in caught.value.errors["key_file"]
    assert stored_keys(keys) == []


def test_it_refuses_an_agency_certificate_as_a_personal_one(world, pki, keys):
    with pytest.raises(ValidationFailed, match="không phải của cá nhân"):
        upload(world.leader_ubnd, pki, "ubnd", user=world.leader_ubnd)
    assert stored_keys(keys) == [] and not SigningCredential.objects.exists()


def test_it_refuses_a_certificate_in_someone_elses_name(world, pki, keys):
    with pytest.raises(ValidationFailed, match="cấp cho «Nguyễn Thị Văn Thư»"):
        upload(world.leader_ubnd, pki, "clerk", user=world.leader_ubnd)
    assert stored_keys(keys) == [] and not AuditEvent.objects.exists()


def test_names_compare_without_case_or_diacritics(world, pki, keys):
    world.leader_ubnd.full_name = "TRAN VAN CHU TICH"
    world.leader_ubnd.save()
    assert upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd).active


def test_it_refuses_an_expired_certificate(world, pki, keys):
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        upload(world.leader_ubnd, pki, "expired", user=world.leader_ubnd)
    with pytest.raises(ValidationFailed, match="đã hết hạn"):
        creds.register_agent(
            world.leader_ubnd,
            user=world.leader_ubnd,
            certificate=pki.leaves["expired"].cert_pem,
            image_png=tools.signature_png(),
        )
    assert stored_keys(keys) == [] and not SigningCredential.objects.exists()


def test_a_usb_token_certificate_is_registered_without_a_key(world, pki):
    der = pki.leaves["leader"].cert_der
    credential = creds.register_agent(
        world.leader_ubnd, user=world.leader_ubnd, certificate=der, image_png=tools.signature_png()
    )
    assert credential.kind == "agent" and credential.params == {}
    assert credential.certificate_pem.encode() == pki.leaves["leader"].cert.public_bytes(
        Encoding.PEM
    )
    assert not credential.needs_typed_secret
    assert creds.image_of(credential) == tools.signature_png()
    assert AuditEvent.objects.filter(action="signing.credential_registered").count() == 1


def test_it_refuses_garbage_certificates_and_images(world, pki):
    with pytest.raises(ValidationFailed) as caught:
        creds.register_agent(
            world.leader_ubnd,
            user=world.leader_ubnd,
            certificate=b"-----BEGIN CERTIFICATE-----\nrac\n-----END CERTIFICATE-----\n",
            image_png=tools.signature_png(),
        )
    assert "không phải chứng thư số" in caught.value.errors["certificate"]
    with pytest.raises(ValidationFailed) as caught:
        creds.register_agent(
            world.leader_ubnd,
            user=world.leader_ubnd,
            certificate=pki.leaves["leader"].cert_pem,
            image_png=b"\xff\xd8\xff\xe0 a jpeg",
        )
    assert "image" in caught.value.errors
    assert not SigningCredential.objects.exists()


def test_the_clerk_registers_the_seal_of_their_agency_only(world, pki, keys):
    seal = upload(world.clerk_ubnd, pki, "ubnd", agency=world.ubnd, image=tools.seal_png())
    assert seal.agency == world.ubnd and seal.needs_typed_secret
    with pytest.raises(ValidationFailed, match="000.05.00.H41"):
        upload(world.clerk_ubnd, pki, "stc", agency=world.ubnd, image=tools.seal_png())
    for outsider in (world.clerk_stc, world.specialist_ubnd, world.leader_ubnd):
        with pytest.raises(PermissionDenied):
            upload(outsider, pki, "ubnd", agency=world.ubnd, image=tools.seal_png())
    with pytest.raises(ValidationFailed, match="không phải của cơ quan"):
        upload(world.clerk_ubnd, pki, "clerk", agency=world.ubnd)
    assert [p.name for p in stored_keys(keys)] == [seal.params["path"].rsplit("/", 1)[1]]


def test_only_an_administrator_lets_the_server_unlock_a_seal(world, pki, keys, monkeypatch):
    monkeypatch.setenv("VANTHU_SEAL_UBND", DEFAULT_PASSWORD)
    with pytest.raises(ValidationFailed) as caught:
        creds.register_pkcs12_upload(
            world.clerk_ubnd,
            agency=world.ubnd,
            key_file=p12(pki, "ubnd"),
            password="",
            password_env="VANTHU_SEAL_UBND",
            image_png=tools.seal_png(),
        )
    assert "Chỉ quản trị hệ thống" in caught.value.errors["password_env"]
    seal = creds.register_pkcs12_upload(
        world.admin,
        agency=world.ubnd,
        key_file=p12(pki, "ubnd"),
        password="",
        password_env="VANTHU_SEAL_UBND",
        image_png=tools.seal_png(),
    )
    assert seal.params["password_env"] == "VANTHU_SEAL_UBND" and not seal.needs_typed_secret


def test_a_person_cannot_register_for_someone_else(world, pki, keys):
    with pytest.raises(PermissionDenied):
        upload(world.specialist_ubnd, pki, "leader", user=world.leader_ubnd)
    assert upload(world.admin, pki, "leader", user=world.leader_ubnd).user == world.leader_ubnd


def test_a_new_key_replaces_and_discards_the_previous_file(
    world, pki, keys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd)
    with django_capture_on_commit_callbacks(execute=True):
        second = upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd)
    first.refresh_from_db()
    assert not first.active and second.active
    assert [str(p) for p in stored_keys(keys)] == [second.params["path"]]


def test_replacing_the_image_is_audited(world, pki):
    credential = creds.register_agent(
        world.leader_ubnd,
        user=world.leader_ubnd,
        certificate=pki.leaves["leader"].cert_pem,
        image_png=tools.signature_png(),
    )
    old = credential.image_sha256
    with pytest.raises(Http404):
        creds.get_credential_for_user(world.specialist_ubnd, credential.public_id)
    with pytest.raises(PermissionDenied):
        creds.replace_image(world.specialist_ubnd, credential, tools.seal_png())
    with pytest.raises(ValidationFailed):
        creds.replace_image(world.leader_ubnd, credential, b"GIF89a")
    creds.replace_image(world.leader_ubnd, credential, tools.seal_png())
    assert creds.image_of(credential) == tools.seal_png()
    event = AuditEvent.objects.get(action="signing.credential_image_replaced")
    assert event.before == {"image_sha256": old} and event.after["image_sha256"] != old


def test_deactivation_is_audited_and_removes_the_key_file(
    world, pki, keys, django_capture_on_commit_callbacks
):
    credential = upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd)
    with pytest.raises(PermissionDenied):
        creds.deactivate_credential(world.clerk_ubnd, credential)
    with django_capture_on_commit_callbacks(execute=True):
        creds.deactivate_credential(world.leader_ubnd, credential)
    credential.refresh_from_db()
    assert not credential.active and stored_keys(keys) == []
    assert AuditEvent.objects.filter(action="signing.credential_deactivated").count() == 1
    with pytest.raises(InvalidTransition):
        creds.deactivate_credential(world.leader_ubnd, credential)


def test_who_sees_a_credential(world, pki, keys):
    personal = upload(world.leader_ubnd, pki, "leader", user=world.leader_ubnd)
    seal = upload(world.clerk_ubnd, pki, "ubnd", agency=world.ubnd, image=tools.seal_png())
    assert creds.get_credential_for_user(world.leader_ubnd, personal.public_id) == personal
    assert creds.get_credential_for_user(world.admin, personal.public_id) == personal
    assert creds.get_credential_for_user(world.clerk_ubnd, seal.public_id) == seal
    for user, credential in [
        (world.clerk_ubnd, personal),
        (world.leader_ubnd, seal),
        (world.clerk_stc, seal),
        (world.outsider, personal),
    ]:
        with pytest.raises(Http404):
            creds.get_credential_for_user(user, credential.public_id)
    assert set(creds.credentials_for_admin(world.admin, agency=world.ubnd)) == {personal, seal}
    assert not creds.credentials_for_admin(world.admin, agency=world.stc).exists()
    with pytest.raises(Http404):
        creds.credentials_for_admin(world.clerk_ubnd)


def test_certificate_facts_warn_before_expiry(pki):
    soon = pki.issue_person(
        "soon",
        "Trần Văn Chủ Tịch",
        agency=ORG,
        citizen_id="040080001234",
        not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=10, hours=1),
    )
    facts = creds.facts_of(soon.cert)
    assert facts.expiring_soon and not facts.expired and facts.days_left == 10
    assert not creds.facts_of(pki.leaves["leader"].cert).expiring_soon


# -- a key on a PKCS#11 token (SoftHSM) --------------------------------------------------------


@pytest.fixture
def token_owner(db, softhsm):
    # The imported RSA key's certificate is issued to this name by tests/signing/conftest.py.
    return User.objects.create(username="an", full_name="Nguyễn Văn An")


def test_a_token_key_is_registered_with_its_pin_not_stored(world, softhsm, token_owner):
    token = softhsm["rsa"]
    args = {
        "user": token_owner,
        "module": SOFTHSM_MODULE,
        "token_label": token.label,
        "key_label": token.key_label,
        "image_png": tools.signature_png(),
    }
    with pytest.raises(ValidationFailed) as caught:
        creds.register_pkcs11(token_owner, pin="000000", **args)
    assert "pin" in caught.value.errors
    with pytest.raises(ValidationFailed, match="không được cài đặt"):
        creds.register_pkcs11(token_owner, pin=PIN, **{**args, "module": "/tmp/evil.so"})
    credential = creds.register_pkcs11(token_owner, pin=PIN, **args)
    assert credential.kind == "pkcs11" and PIN not in str(credential.params)
    assert credential.params["token_label"] == token.label and credential.needs_typed_secret
