"""The PKCS#11 side of the agent: list the certificates on the tokens, sign a digest.

Certificates are public objects, read without logging in. Signing finds the certificate by
its SHA-256 fingerprint (the one VanThu registered), logs in with the PIN for that one
operation, signs with the private key sharing the certificate's CKA_ID (or, failing that,
its label) and closes the session: the PIN is never kept.

Digests are signed with the raw mechanisms (CKM_RSA_PKCS over a DigestInfo, CKM_ECDSA over
the digest) because the server already hashed the CMS signed attributes, and many tokens
(SoftHSM among them) have no hash-and-sign ECDSA mechanism.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass, TokenFlag
from pkcs11 import exceptions as p11

# DER prefix of DigestInfo { AlgorithmIdentifier(hash, NULL), OCTET STRING(digest) } (RFC 8017
# section 9.2, note 1): PKCS#1 v1.5 signs this structure, not the bare digest.
DIGEST_INFO_PREFIX = {
    "sha256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "sha384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "sha512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
DIGEST_SIZE = {"sha256": 32, "sha384": 48, "sha512": 64}


class AgentError(Exception):
    """An error the agent reports to the page: a stable code, a Vietnamese message."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def token_absent() -> AgentError:
    return AgentError(
        "token_absent",
        "Không thấy USB token ký số: hãy cắm thiết bị vào máy tính rồi thử lại.",
        503,
    )


@dataclass(frozen=True)
class TokenCertificate:
    token_label: str
    token_serial: str
    label: str
    key_id: bytes
    der: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.der).hexdigest()

    def describe(self) -> dict[str, object]:
        cert = x509.load_der_x509_certificate(self.der)
        return {
            "sha256": self.sha256,
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "not_before": cert.not_valid_before_utc.isoformat(),
            "not_after": cert.not_valid_after_utc.isoformat(),
            "label": self.label,
            "token_label": self.token_label,
            "token_serial": self.token_serial,
        }


@dataclass(frozen=True)
class Signature:
    value: bytes
    certificate: bytes
    chain: list[bytes]
    algorithm: str


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").strip()
    return str(value).strip()


class TokenAccess:
    """All PKCS#11 calls of the agent, serialised: tokens handle one operation at a time
    well, and a login on one session is shared by the whole process on many of them."""

    def __init__(self, module: str):
        self.module = module
        self._lock = threading.Lock()
        self._lib: pkcs11.lib | None = None

    def _library(self) -> pkcs11.lib:
        if self._lib is None:
            try:
                self._lib = pkcs11.lib(self.module)
            except (p11.PKCS11Error, OSError, RuntimeError) as exc:
                raise AgentError(
                    "module_unavailable",
                    f"Không nạp được thư viện PKCS#11 «{self.module}» của USB token. Hãy cài "
                    "phần mềm điều khiển (driver) của thiết bị ký số.",
                    503,
                ) from exc
        return self._lib

    def _tokens(self) -> list[pkcs11.Token]:
        try:
            slots = self._library().get_slots(token_present=True)
            tokens = [slot.get_token() for slot in slots]
            # An uninitialised token (a blank card, SoftHSM's free slot) holds no certificate.
            return [t for t in tokens if t.flags & TokenFlag.TOKEN_INITIALIZED]
        except (p11.TokenNotPresent, p11.DeviceRemoved, p11.SlotIDInvalid):
            return []

    def status(self) -> dict[str, object]:
        with self._lock:
            try:
                tokens = self._tokens()
            except AgentError as exc:
                return {"module_loaded": False, "token_present": False, "tokens": [],
                        "error": {"code": exc.code, "message": exc.message}}  # fmt: skip
            return {
                "module_loaded": True,
                "token_present": bool(tokens),
                "tokens": [
                    {
                        "label": _text(t.label),
                        "manufacturer": _text(t.manufacturer_id),
                        "model": _text(t.model),
                        "serial": _text(t.serial),
                    }
                    for t in tokens
                ],
            }

    def _certificates_of(self, token: pkcs11.Token) -> list[TokenCertificate]:
        found = []
        with token.open() as session:
            for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                try:
                    key_id = bytes(obj[Attribute.ID])
                except (p11.AttributeTypeInvalid, KeyError):
                    key_id = b""
                try:
                    label = _text(obj[Attribute.LABEL])
                except (p11.AttributeTypeInvalid, KeyError):
                    label = ""
                found.append(
                    TokenCertificate(
                        _text(token.label),
                        _text(token.serial),
                        label,
                        key_id,
                        bytes(obj[Attribute.VALUE]),
                    )  # fmt: skip
                )
        return found

    def _all_certificates(self) -> list[tuple[pkcs11.Token, TokenCertificate]]:
        tokens = self._tokens()
        if not tokens:
            raise token_absent()
        try:
            return [(token, c) for token in tokens for c in self._certificates_of(token)]
        except (p11.TokenNotPresent, p11.DeviceRemoved, p11.SessionHandleInvalid) as exc:
            raise token_absent() from exc

    def certificates(self) -> list[TokenCertificate]:
        with self._lock:
            return [cert for _, cert in self._all_certificates()]

    def sign(
        self, digest: bytes, hash_algorithm: str, certificate_sha256: str, pin: str
    ) -> Signature:
        if hash_algorithm not in DIGEST_SIZE:
            raise AgentError(
                "unsupported_algorithm",
                f"Thuật toán băm «{hash_algorithm}» không được hỗ trợ (dùng sha256, sha384 "
                "hoặc sha512).",
            )
        if len(digest) != DIGEST_SIZE[hash_algorithm]:
            raise AgentError(
                "bad_request", f"Giá trị băm không đúng độ dài của thuật toán {hash_algorithm}."
            )
        with self._lock:
            found = self._all_certificates()
            wanted = certificate_sha256.lower()
            token, match = next(((t, c) for t, c in found if c.sha256 == wanted), (None, None))
            if token is None or match is None:
                raise AgentError(
                    "certificate_not_found",
                    "USB token đang cắm không chứa chứng thư số đã đăng ký với VanThu cho "
                    "ông/bà. Hãy cắm đúng thiết bị ký số của mình.",
                    404,
                )
            value, algorithm = self._sign_on(token, match, digest, hash_algorithm, pin)
            on_token = [c.der for t, c in found if t is token and c.der != match.der]
            chain = _issuers_of(match.der, on_token)
            return Signature(value, match.der, chain, algorithm)

    def _sign_on(
        self, token: pkcs11.Token, cert: TokenCertificate, digest: bytes, hash_algorithm: str,
        pin: str,
    ) -> tuple[bytes, str]:  # fmt: skip
        try:
            session = token.open(user_pin=pin)
        except (p11.PinIncorrect, p11.PinInvalid, p11.PinLenRange) as exc:
            raise AgentError(
                "wrong_pin",
                "Mã PIN của USB token không đúng. Lưu ý: nhập sai nhiều lần liên tiếp sẽ khóa "
                "thiết bị.",
                403,
            ) from exc
        except p11.PinLocked as exc:
            raise AgentError(
                "pin_locked",
                "USB token đã bị khóa do nhập sai mã PIN nhiều lần; hãy liên hệ tổ chức cấp "
                "chứng thư số để mở khóa.",
                423,
            ) from exc
        except (p11.TokenNotPresent, p11.DeviceRemoved) as exc:
            raise token_absent() from exc
        try:
            key = self._private_key(session, cert)
            if key[Attribute.KEY_TYPE] == KeyType.EC:
                raw = key.sign(digest, mechanism=Mechanism.ECDSA)
                half = len(raw) // 2
                # PKCS#11 returns r‖s; CMS carries the DER SEQUENCE { r, s } (RFC 5753).
                value = encode_dss_signature(
                    int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
                )
                return value, "ecdsa"
            info = DIGEST_INFO_PREFIX[hash_algorithm] + digest
            return key.sign(info, mechanism=Mechanism.RSA_PKCS), "rsassa_pkcs1v15"
        except (p11.TokenNotPresent, p11.DeviceRemoved, p11.SessionHandleInvalid) as exc:
            raise token_absent() from exc
        except p11.PKCS11Error as exc:
            raise AgentError(
                "device_error",
                f"USB token báo lỗi khi ký ({type(exc).__name__}); hãy thử lại hoặc cắm lại "
                "thiết bị.",
                500,
            ) from exc
        finally:
            session.close()

    @staticmethod
    def _private_key(session: pkcs11.Session, cert: TokenCertificate) -> pkcs11.PrivateKey:
        # The certificate and its key share CKA_ID on every token we know; the label is the
        # fallback for tokens initialised by hand.
        attempts = []
        if cert.key_id:
            attempts.append({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: cert.key_id})
        if cert.label:
            attempts.append({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.LABEL: cert.label})
        for template in attempts:
            keys = list(session.get_objects(template))
            if len(keys) == 1:
                return keys[0]  # type: ignore[return-value]
        raise AgentError(
            "key_not_found",
            "USB token có chứng thư số nhưng không tìm thấy khóa bí mật đi kèm.",
            404,
        )


def _issuers_of(leaf_der: bytes, others: list[bytes]) -> list[bytes]:
    """The CA certificates stored on the token that issue the leaf, nearest first: many
    Vietnamese tokens carry the CA chain, which validators need inside the signature."""
    pool = [x509.load_der_x509_certificate(d) for d in others]
    chain: list[bytes] = []
    current = x509.load_der_x509_certificate(leaf_der)
    while current.issuer != current.subject and len(chain) < 5:
        issuer = next((c for c in pool if c.subject == current.issuer), None)
        if issuer is None:
            break
        chain.append(issuer.public_bytes(Encoding.DER))
        pool.remove(issuer)
        current = issuer
    return chain
