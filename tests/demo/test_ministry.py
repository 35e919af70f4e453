"""The demo's second deployment (Bộ Nội vụ) and its keys from the PKI shared with the province."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import pkcs12

from vanthu.demo import DEMO_PASSWORD, ministry
from vanthu.demo import signing as demo_signing
from vanthu.directory.codes import qcvn102_error
from vanthu.directory.models import Agency, Membership, Role
from vanthu.signing.models import SigningCredential, TrustedCertificate


def test_it_seeds_the_ministry_with_its_units_and_working_logins(db, client):
    done = ministry.seed_ministry()
    agency = Agency.objects.get(code=ministry.CODE)
    assert (agency.name, agency.kind, agency.exchange_channel) == ("Bộ Nội vụ", "ministry", "local")
    assert qcvn102_error(agency.code) is None
    assert set(agency.departments.values_list("code", flat=True)) == {"VP", "CQDP", "TCBC", "CCVC"}
    assert done.users == len(ministry.ACCOUNTS)
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for account in ministry.ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account
        client.logout()
    assert ministry.is_seeded()
    with pytest.raises(ministry.AlreadySeeded):
        ministry.seed_ministry()


def test_its_keys_come_from_the_ca_the_province_created(db, settings, tmp_path, monkeypatch):
    shared = tmp_path / "province" / "demo-pki"
    monkeypatch.setenv(demo_signing.PKI_DIR_ENV, str(shared))
    province_ca = demo_signing._shared_pki(demo_signing.PKI_PORT).ca.cert  # what the province made
    settings.VAR_DIR = tmp_path / "ministry"
    ministry.seed_ministry()

    done = demo_signing.set_up_signing()

    assert (done.agencies, done.people) == (1, 2)  # the ministry and its two leaders
    assert x509.load_pem_x509_certificate((shared / "ca.pem").read_bytes()) == province_ca
    for credential in SigningCredential.objects.filter(kind="pkcs12"):
        path = credential.params["path"]
        assert path.startswith(str(tmp_path / "ministry" / "demo-pki"))
        with open(path, "rb") as handle:
            _key, cert, _chain = pkcs12.load_key_and_certificates(
                handle.read(), DEMO_PASSWORD.encode()
            )
        assert cert.issuer == province_ca.subject
    # The ministry trusts the same root and CA: the province's signatures verify there.
    trusted = set(TrustedCertificate.objects.values_list("sha256", flat=True))
    assert province_ca.fingerprint(hashes.SHA256()).hex() in trusted
