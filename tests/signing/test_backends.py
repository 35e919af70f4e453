"""The signer registry and the PKCS#12 backend (cached key)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from vanthu.signing import pades
from vanthu.signing.backends import available_backends, get_signer
from vanthu.signing.backends.pkcs12 import CachedKeySigner
from vanthu.signing.errors import KeyFileError, SignerConfigError, UnknownBackendError
from vanthu.signing.pki import DEFAULT_PASSWORD
from vanthu.signing.verify import verify_pdf


def test_registry_lists_the_documented_backends():
    assert available_backends() == ["csc", "external", "pkcs11", "pkcs12"]


def test_unknown_backend():
    with pytest.raises(UnknownBackendError, match="«giay»"):
        get_signer("giay")


def test_csc_without_parameters_is_a_config_error():
    with pytest.raises(SignerConfigError, match="thiếu tham số"):
        get_signer("csc")


def test_pkcs12_loads_signer_certificate_and_name(test_pki):
    loaded = get_signer(
        "pkcs12", path=test_pki.directory / "ubnd-tinh.p12", password=DEFAULT_PASSWORD
    )
    assert isinstance(loaded.signer, CachedKeySigner)
    assert loaded.certificate == test_pki.agency.cert
    assert loaded.display_name == "Ủy ban nhân dân tỉnh Thử nghiệm"
    # the chain from the file is embedded with the signature
    assert len(list(loaded.signer.cert_registry)) == 3


def test_pkcs12_is_loaded_once_and_never_reparsed(test_pki, sample, monkeypatch):
    path = test_pki.directory / "nguyen-van-an.p12"
    first = get_signer("pkcs12", path=path, password=DEFAULT_PASSWORD)
    assert get_signer("pkcs12", path=path, password=DEFAULT_PASSWORD) is first

    def refuse(*args, **kwargs):
        raise AssertionError("the private key was parsed again")

    monkeypatch.setattr(serialization, "load_der_private_key", refuse)
    monkeypatch.setattr(serialization, "load_pem_private_key", refuse)
    signed = pades.sign_attachment(sample.pdf, first, reference="01/GM-UBND")
    assert verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])["verdict"] == "valid"


def test_pkcs12_wrong_password(test_pki):
    with pytest.raises(KeyFileError, match="sai mật khẩu"):
        get_signer("pkcs12", path=test_pki.directory / "ubnd-tinh.p12", password="sai")


def test_pkcs12_missing_file(tmp_path):
    with pytest.raises(KeyFileError, match="Không đọc được"):
        get_signer("pkcs12", path=tmp_path / "khong-co.p12", password="x")


def test_pkcs12_from_bytes(test_pki):
    data = (test_pki.directory / "ubnd-tinh.p12").read_bytes()
    loaded = get_signer("pkcs12", data=data, password=DEFAULT_PASSWORD)
    assert loaded.certificate == test_pki.agency.cert
