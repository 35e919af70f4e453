"""Keys on a USB token or an HSM, through a PKCS#11 module and pyHanko's ``PKCS11Signer``.

The session is opened and the key and certificate are looked up eagerly, so a wrong PIN
(CKR_PIN_INCORRECT), a missing token or slot, or a missing key label fails here with a
Vietnamese message, before any document is touched. EC keys are signed with the raw ECDSA
mechanism (the digest is computed in Python): SoftHSM and many tokens have no
CKM_ECDSA_SHA256.
"""

from __future__ import annotations

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, KeyType, ObjectClass
from pkcs11 import exceptions as p11_errors
from pyhanko.sign.pkcs11 import PKCS11Signer

from vanthu.signing.backends.base import CmsCacheMixin, LoadedSigner, to_asn1
from vanthu.signing.errors import (
    CertificateNotFoundError,
    KeyNotFoundError,
    PinLockedError,
    SignerConfigError,
    TokenModuleError,
    TokenNotFoundError,
    WrongPinError,
)
from vanthu.signing.identity import common_name

DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


class CachedPkcs11Signer(CmsCacheMixin, PKCS11Signer):
    """pyHanko's ``PKCS11Signer`` on a session kept open for the life of the ``LoadedSigner``
    (the key handle is looked up once), with the certificate values of the CMS encoded once
    and the token called directly: pyHanko hands each raw signature to a thread pool, which
    each ``asyncio.run`` of a PDF signature creates and tears down again."""

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return await super().async_sign_raw(data, digest_algorithm, dry_run=True)
        await self.ensure_objects_loaded()
        spec = self._select_pkcs11_signing_params(
            digest_algorithm, sign_kwargs=self.sign_kwargs(data)
        )
        if spec.pre_sign_transform is not None:
            data = spec.pre_sign_transform(data)
        signature = self._key_handle.sign(data, **spec.sign_kwargs)  # type: ignore[union-attr]
        if spec.post_sign_transform is not None:
            signature = spec.post_sign_transform(signature)
        return signature


def _open_token(module: str, token_label: str | None, slot: int | None) -> pkcs11.Token:
    try:
        lib = pkcs11.lib(module)
    except p11_errors.PKCS11Error as exc:
        raise TokenModuleError(f"Không nạp được thư viện PKCS#11 «{module}».") from exc
    try:
        if slot is not None:
            slots = lib.get_slots(token_present=True)
            if slot < 0 or slot >= len(slots):
                raise TokenNotFoundError(
                    f"Không có thiết bị ký số ở khe số {slot} (có {len(slots)} khe có thiết bị)."
                )
            token = slots[slot].get_token()
            if token_label is not None and token.label != token_label:
                raise TokenNotFoundError(
                    f"Thiết bị ở khe số {slot} có nhãn «{token.label}», không phải «{token_label}»."
                )
            return token
        return lib.get_token(token_label=token_label)
    except p11_errors.NoSuchToken as exc:
        raise TokenNotFoundError(
            f"Không tìm thấy thiết bị ký số (token) có nhãn «{token_label}». "
            "Hãy cắm thiết bị và thử lại."
        ) from exc
    except p11_errors.MultipleTokensReturned as exc:
        raise SignerConfigError(
            "Có nhiều thiết bị ký số đang cắm; hãy chỉ rõ nhãn hoặc khe của thiết bị."
        ) from exc
    except (p11_errors.TokenNotPresent, p11_errors.SlotIDInvalid) as exc:
        raise TokenNotFoundError("Thiết bị ký số không có trong khe đã chọn.") from exc


def _login(token: pkcs11.Token, pin: str) -> pkcs11.Session:
    try:
        return token.open(user_pin=pin)
    except (p11_errors.PinIncorrect, p11_errors.PinInvalid, p11_errors.PinLenRange) as exc:
        raise WrongPinError(
            "Mã PIN của thiết bị ký số không đúng. Lưu ý: nhập sai nhiều lần sẽ khóa thiết bị."
        ) from exc
    except p11_errors.PinLocked as exc:
        raise PinLockedError(
            "Thiết bị ký số đã bị khóa do nhập sai mã PIN nhiều lần; liên hệ tổ chức cấp "
            "chứng thư số để mở khóa."
        ) from exc


def _find_one(session: pkcs11.Session, attrs: dict[Attribute, object]) -> object | None:
    found = list(session.get_objects(attrs))
    return found[0] if len(found) == 1 else None


def load_signer(
    *,
    pin: str,
    key_label: str,
    token_label: str | None = None,
    slot: int | None = None,
    module: str = DEFAULT_MODULE,
    cert_label: str | None = None,
    signing_cert: x509.Certificate | None = None,
    ca_chain: tuple[x509.Certificate, ...] | list[x509.Certificate] = (),
    use_raw_mechanism: bool | None = None,
) -> LoadedSigner:
    """Open the token, log in and check that key and certificate are there.

    ``signing_cert`` is for tokens that hold only the key (the certificate then comes from the
    CA's directory); otherwise the certificate with ``cert_label`` (default: ``key_label``) is
    read from the token. ``use_raw_mechanism=None`` means: raw for EC keys, not for RSA.
    """
    if token_label is None and slot is None:
        raise SignerConfigError("Cần chỉ rõ nhãn (token_label) hoặc khe (slot) của thiết bị ký số.")
    session = _login(_open_token(module, token_label, slot), pin)
    try:
        key = _find_one(
            session, {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: key_label}
        )
        if key is None:
            raise KeyNotFoundError(
                f"Không tìm thấy (hoặc có nhiều hơn một) khóa bí mật có nhãn «{key_label}» "
                "trên thiết bị ký số."
            )
        if signing_cert is None:
            label = cert_label or key_label
            cert_obj = _find_one(
                session, {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: label}
            )
            if cert_obj is None:
                raise CertificateNotFoundError(
                    f"Không tìm thấy chứng thư số có nhãn «{label}» trên thiết bị ký số."
                )
            signing_cert = x509.load_der_x509_certificate(cert_obj[Attribute.VALUE])  # type: ignore[index]
        if use_raw_mechanism is None:
            use_raw_mechanism = key[Attribute.KEY_TYPE] == KeyType.EC  # type: ignore[index]
        signer = CachedPkcs11Signer(
            session,
            key_label=key_label,
            signing_cert=to_asn1(signing_cert),
            ca_chain=[to_asn1(c) for c in ca_chain],
            use_raw_mechanism=use_raw_mechanism,
        )
    except BaseException:
        session.close()
        raise
    return LoadedSigner(
        signer=signer,
        certificate=signing_cert,
        display_name=common_name(signing_cert),
        backend="pkcs11",
        _closers=[session.close],
    )
