"""PKCS#11 backend against a real SoftHSM2 token initialised by the test session: an imported
RSA key and an EC P-256 key generated on the token."""

from __future__ import annotations

import pytest

from tests.signing import tools
from tests.signing.conftest import PIN, SOFTHSM_MODULE
from vanthu.signing import pades
from vanthu.signing.backends import get_signer
from vanthu.signing.errors import (
    KeyNotFoundError,
    SignerConfigError,
    TokenModuleError,
    TokenNotFoundError,
    WrongPinError,
)
from vanthu.signing.verify import verify_pdf


def _token_signer(token, **overrides):
    params = {"token_label": token.label, "key_label": token.key_label, "pin": PIN}
    return get_signer("pkcs11", module=SOFTHSM_MODULE, **(params | overrides))


def test_rsa_key_on_token_signs_the_personal_signature(softhsm, sample, images, test_pki):
    with _token_signer(softhsm["rsa"], ca_chain=test_pki.pki.chain) as loaded:
        assert loaded.display_name == "Nguyễn Văn An" and loaded.backend == "pkcs11"
        signed = pades.sign_personal(
            sample.pdf,
            loaded,
            image_png=images["signature"],
            box=sample.personal_box,
            page=1,
            field_layout=sample.fields,
        )
    result = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "valid" and result["has_personal"]
    path = tools.ARTIFACTS / "pkcs11-rsa.pdf"
    path.write_bytes(signed)
    signed_fields = [s for s in tools.pdfsig(path) if s["signed"]]
    assert [s["Signature Validation"] for s in signed_fields] == ["Signature is Valid."]


def test_ec_key_generated_on_token_signs_with_raw_ecdsa(softhsm, sample, test_pki):
    with _token_signer(softhsm["ec"], ca_chain=test_pki.pki.chain) as loaded:
        assert loaded.signer.use_raw_mechanism is True
        signed = pades.sign_attachment(sample.pdf, loaded, reference="07/STC-NS")
    result = verify_pdf(signed, trust_roots=[test_pki.pki.root.cert])
    assert result["verdict"] == "valid"
    assert result["signatures"][0]["signer"] == "Phạm Thị Dung"
    path = tools.ARTIFACTS / "pkcs11-ec.pdf"
    path.write_bytes(signed)
    [sig] = tools.pdfsig(path)
    assert sig["Signature Validation"] == "Signature is Valid."


def test_wrong_pin_is_a_clear_error(softhsm):
    result = None
    with pytest.raises(WrongPinError, match="Mã PIN .* không đúng"):
        result = _token_signer(softhsm["rsa"], pin="000000")
    assert result is None


def test_missing_token(softhsm):
    with pytest.raises(TokenNotFoundError, match="«khong-co»"):
        _token_signer(softhsm["rsa"], token_label="khong-co")


def test_missing_slot(softhsm):
    with pytest.raises(TokenNotFoundError, match="khe số 42"):
        get_signer("pkcs11", module=SOFTHSM_MODULE, slot=42, key_label="x", pin=PIN)


def test_missing_key_label(softhsm):
    with pytest.raises(KeyNotFoundError, match="«khong-co-khoa»"):
        _token_signer(softhsm["rsa"], key_label="khong-co-khoa")


def test_missing_module():
    with pytest.raises(TokenModuleError):
        get_signer(
            "pkcs11", module="/khong/co/thu-vien.so", token_label="x", key_label="y", pin="1"
        )


def test_token_or_slot_is_required():
    with pytest.raises(SignerConfigError):
        get_signer("pkcs11", key_label="y", pin="1")
