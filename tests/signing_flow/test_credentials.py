"""Registering signing credentials: one owner, the right kind of certificate, one active."""

from __future__ import annotations

import pytest
from cryptography import x509
from django.db import IntegrityError, transaction

from tests.signing import tools
from vanthu.audit.models import AuditEvent
from vanthu.errors import ValidationFailed
from vanthu.signing import actions as signing
from vanthu.signing.errors import KeyFileError, TokenModuleError
from vanthu.signing.identity import common_name
from vanthu.signing.models import SigningCredential
from vanthu.signing.pki import DEFAULT_PASSWORD


def test_it_records_the_certificate_and_the_image(world, personal_credential):
    cert = x509.load_pem_x509_certificate(personal_credential.certificate_pem.encode())
    assert common_name(cert) == "Trần Văn Chủ Tịch"
    assert personal_credential.image_sha256 in personal_credential.image_storage_name
    assert signing.active_credential(user=world.leader_ubnd) == personal_credential
    assert personal_credential.needs_typed_secret
    assert AuditEvent.objects.filter(action="signing.credential_registered").count() == 1


def test_a_new_credential_replaces_the_active_one(world, flow_pki, personal_credential):
    again = signing.register_credential(
        world.admin,
        user=world.leader_ubnd,
        kind="pkcs12",
        params={"path": flow_pki.p12("leader-ubnd")},
        image_png=tools.signature_png(),
        secret=DEFAULT_PASSWORD,
    )
    personal_credential.refresh_from_db()
    assert not personal_credential.active and again.active


def test_it_refuses_an_agency_certificate_for_a_person(world, flow_pki):
    with pytest.raises(ValidationFailed, match="không phải của cá nhân"):
        signing.register_credential(
            world.admin,
            user=world.deputy_ubnd,
            kind="pkcs12",
            params={"path": flow_pki.p12("ubnd")},
            image_png=tools.seal_png(),
            secret=DEFAULT_PASSWORD,
        )
    assert not SigningCredential.objects.exists()


def test_it_refuses_a_wrong_password_or_an_opaque_image(world, flow_pki):
    params = {"path": flow_pki.p12("leader-ubnd")}
    with pytest.raises(KeyFileError):
        signing.register_credential(
            world.admin,
            user=world.leader_ubnd,
            kind="pkcs12",
            params=params,
            image_png=tools.signature_png(),
            secret="sai",
        )
    with pytest.raises(ValidationFailed):
        signing.register_credential(
            world.admin,
            user=world.leader_ubnd,
            kind="pkcs12",
            params=params,
            image_png=b"not a png",
            secret=DEFAULT_PASSWORD,
        )


def test_the_database_requires_exactly_one_owner(world, personal_credential):
    row = SigningCredential.objects.get()
    for owner in ({"user": world.leader_ubnd, "agency": world.ubnd}, {"user": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            SigningCredential.objects.filter(pk=row.pk).update(**owner)


def test_a_token_credential_reports_a_missing_module_in_vietnamese(world):
    with pytest.raises(TokenModuleError, match="Không nạp được thư viện PKCS#11"):
        signing.register_credential(
            world.admin,
            user=world.leader_ubnd,
            kind="pkcs11",
            params={"module": "/khong/co/module.so", "token_label": "t", "key_label": "k"},
            image_png=tools.signature_png(),
            secret="123456",
        )
