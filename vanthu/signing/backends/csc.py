"""Remote signing through the Cloud Signature Consortium API v2 (chữ ký số từ xa).

Remote-signing providers keep the signer's key on their HSM. VanThu, a registered client
(``client_id`` + secret, OAuth2 client credentials), reads the credential's certificate chain
(``credentials/info``), asks the service to text the signer a one-time password
(``credentials/sendOTP``), and for each signature exchanges that OTP and the exact hash to be
signed for a SAD (``credentials/authorize``), then gets the signature value
(``signatures/signHash``).

``load_signer`` talks to the service before any PDF work (token, credential status,
certificate), so a wrong client secret, an unknown or disabled credential, or a service that
is down fails early. The OTP is only used when pyHanko has computed the hash of the signed
attributes: the SAD then authorizes that hash and nothing else.

Why not pyHanko's ``CSCSigner``: it needs an ``aiohttp`` session bound to the event loop
that ``PdfSigner.sign_pdf`` creates and closes inside each call, and it logs and replaces the
service's error answer with a generic "No signing results available", so a wrong OTP could
not be told from a broken service. This backend is a small ``Signer`` over the standard
library's HTTP client instead.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pyhanko.sign.signers import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore

from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.backends.pkcs12 import to_asn1
from vanthu.signing.errors import SignerConfigError, SigningError
from vanthu.signing.identity import common_name

SHA256_OID = "2.16.840.1.101.3.4.2.1"
MAX_RESPONSE = 1024 * 1024


class CscServiceError(SigningError):
    """The remote signing service is unreachable, too slow, or answered something unusable."""

    code = "csc_service"


class CscClientError(SignerConfigError):
    """The service refused VanThu's own client identity (client_id / secret)."""

    code = "csc_client"


class WrongOtpError(SigningError):
    code = "csc_wrong_otp"


class CredentialDisabledError(SigningError):
    code = "csc_credential_disabled"


class CredentialNotFoundError(SigningError):
    code = "csc_credential_not_found"


WRONG_OTP = (
    "Mã OTP không đúng hoặc đã hết hạn. Hãy bấm «Gửi mã OTP» để nhận mã mới rồi ký lại; "
    "văn bản chưa được ký."
)


@dataclass
class CscClient:
    """One conversation with the service: a bearer token and the calls that use it."""

    service_url: str
    credential_id: str
    client_id: str
    client_secret: str
    timeout: float = 10
    _token: str | None = None

    def call(self, endpoint: str, body: dict[str, Any], *, auth: bool = True) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self.token()}"
        return self._post(endpoint, json.dumps(body).encode(), headers)

    def token(self) -> str:
        if self._token is None:
            answer = self._post(
                "oauth2/token",
                json.dumps(
                    {
                        "grant_type": "client_credentials",
                        "client_id": self.client_id,
                        "client_secret": self.client_secret,
                    }
                ).encode(),
                {"Content-Type": "application/json", "Accept": "application/json"},
            )
            token = answer.get("access_token")
            if not isinstance(token, str) or not token:
                raise CscServiceError("Dịch vụ ký số từ xa không cấp mã truy cập hợp lệ.")
            self._token = token
        return self._token

    def _post(self, endpoint: str, data: bytes, headers: dict[str, str]) -> dict[str, Any]:
        url = self.service_url.rstrip("/") + "/" + endpoint
        if not url.startswith(("http://", "https://")):
            raise SignerConfigError(f"Địa chỉ dịch vụ ký số từ xa không hợp lệ: {url}")
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310 (scheme checked above)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(MAX_RESPONSE)
        except urllib.error.HTTPError as exc:
            raise self._error_of(exc) from exc
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            # A connect timeout arrives wrapped in URLError, a read timeout bare.
            if isinstance(exc, TimeoutError) or isinstance(
                getattr(exc, "reason", None), TimeoutError
            ):
                raise CscServiceError(
                    f"Dịch vụ ký số từ xa không trả lời trong {self.timeout:g} giây; văn bản "
                    "chưa được ký. Hãy thử lại sau."
                ) from exc
            raise CscServiceError(
                "Không kết nối được dịch vụ ký số từ xa; văn bản chưa được ký. "
                "Hãy thử lại sau hoặc báo quản trị hệ thống."
            ) from exc
        if not raw:
            return {}
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise CscServiceError("Dịch vụ ký số từ xa trả lời không đúng định dạng.") from exc
        if not isinstance(answer, dict):
            raise CscServiceError("Dịch vụ ký số từ xa trả lời không đúng định dạng.")
        return answer

    def _error_of(self, exc: urllib.error.HTTPError) -> SigningError:
        try:
            body = json.loads(exc.read(MAX_RESPONSE) or b"{}")
        except ValueError:
            body = {}
        error = str(body.get("error") or "") if isinstance(body, dict) else ""
        description = str(body.get("error_description") or "") if isinstance(body, dict) else ""
        if error in ("invalid_client", "unauthorized_client", "invalid_token"):
            return CscClientError(
                "Dịch vụ ký số từ xa từ chối định danh của hệ thống (client_id hoặc client_secret "
                "không đúng); hãy báo quản trị hệ thống."
            )
        if error == "invalid_otp":
            return WrongOtpError(WRONG_OTP)
        if error == "access_denied":
            return CredentialDisabledError(
                f"Chứng thư số «{self.credential_id}» trên dịch vụ ký số từ xa đang bị khóa hoặc "
                "đã bị thu hồi; không thể ký. Hãy liên hệ nhà cung cấp dịch vụ."
            )
        if error == "invalid_request" and "credentialID" in description:
            return CredentialNotFoundError(
                f"Dịch vụ ký số từ xa không có chứng thư số «{self.credential_id}»; hãy kiểm tra "
                "lại khóa ký số đã đăng ký."
            )
        detail = f" ({error}: {description})" if error else f" (HTTP {exc.code})"
        return CscServiceError(f"Dịch vụ ký số từ xa báo lỗi{detail}; văn bản chưa được ký.")

    # -- CSC calls ---------------------------------------------------------------------------

    def credential_info(self) -> tuple[x509.Certificate, list[x509.Certificate]]:
        info = self.call(
            "credentials/info",
            {"credentialID": self.credential_id, "certificates": "chain", "certInfo": True},
        )
        key_status = (info.get("key") or {}).get("status")
        cert_status = (info.get("cert") or {}).get("status")
        if key_status != "enabled" or cert_status not in (None, "valid"):
            raise CredentialDisabledError(
                f"Chứng thư số «{self.credential_id}» trên dịch vụ ký số từ xa đang bị khóa hoặc "
                "đã bị thu hồi; không thể ký. Hãy liên hệ nhà cung cấp dịch vụ."
            )
        try:
            certs = [
                x509.load_der_x509_certificate(base64.b64decode(item, validate=True))
                for item in info["cert"]["certificates"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise CscServiceError(
                "Dịch vụ ký số từ xa không trả về chứng thư số hợp lệ của người ký."
            ) from exc
        if not certs:
            raise CscServiceError("Dịch vụ ký số từ xa không trả về chứng thư số của người ký.")
        return certs[0], certs[1:]

    def send_otp(self) -> None:
        self.call("credentials/sendOTP", {"credentialID": self.credential_id})

    def sign_hash(self, digest: bytes, otp: str, sign_algo: str) -> bytes:
        b64 = base64.b64encode(digest).decode()
        grant = self.call(
            "credentials/authorize",
            {
                "credentialID": self.credential_id,
                "numSignatures": 1,
                "hashes": [b64],
                "hashAlgorithmOID": SHA256_OID,
                "OTP": otp,
            },
        )
        sad = grant.get("SAD")
        if not isinstance(sad, str) or not sad:
            raise CscServiceError("Dịch vụ ký số từ xa không cấp dữ liệu kích hoạt chữ ký (SAD).")
        answer = self.call(
            "signatures/signHash",
            {
                "credentialID": self.credential_id,
                "SAD": sad,
                "hashes": [b64],
                "hashAlgorithmOID": SHA256_OID,
                "signAlgo": sign_algo,
            },
        )
        try:
            (value,) = answer["signatures"]
            return base64.b64decode(value, validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise CscServiceError("Dịch vụ ký số từ xa trả về chữ ký không hợp lệ.") from exc


class CscSigner(Signer):
    """A pyHanko signer whose raw signature comes from ``signatures/signHash``.

    The OTP authorizes one signature: a second real signing call with the same loaded signer
    is refused rather than sent with a spent code."""

    def __init__(
        self,
        client: CscClient,
        otp: str,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
    ):
        signing_cert = to_asn1(cert)
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs(
                [signing_cert, *(to_asn1(c) for c in chain)]
            ),
        )
        self._client = client
        self._otp: str | None = otp
        public = cert.public_key()
        # Room reserved in the PDF before the real value exists (dry run): an RSA signature
        # is the modulus size; a DER ECDSA signature is at most 2 integers + 9 bytes.
        if isinstance(public, ec.EllipticCurvePublicKey):
            self._size = 2 * ((public.curve.key_size + 7) // 8) + 9
        elif isinstance(public, rsa.RSAPublicKey):
            self._size = (public.key_size + 7) // 8
        else:
            raise SignerConfigError("Chỉ hỗ trợ chứng thư số có khóa RSA hoặc EC.")

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._size)
        if digest_algorithm.lower() != "sha256":
            raise SigningError("Dịch vụ ký số từ xa chỉ được dùng với thuật toán băm SHA-256.")
        otp, self._otp = self._otp, None
        if otp is None:
            raise WrongOtpError(
                "Mã OTP đã được dùng cho một chữ ký; hãy yêu cầu mã OTP mới để ký tiếp."
            )
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        digest = hashlib.sha256(data).digest()
        # Blocking HTTP off the event loop pyHanko runs the signing in.
        return await asyncio.to_thread(
            self._client.sign_hash, digest, otp, mechanism["algorithm"].dotted
        )


def _client(
    *,
    service_url: str = "",
    credential_id: str = "",
    client_id: str = "",
    client_secret_env: str | None = None,
    client_secret: str | None = None,
    timeout: float = 10,
    **_: Any,
) -> CscClient:
    if not service_url or not credential_id or not client_id:
        raise SignerConfigError(
            "Khóa ký số từ xa thiếu tham số: cần service_url, credential_id và client_id."
        )
    if client_secret is None:
        if not client_secret_env:
            raise SignerConfigError(
                "Khóa ký số từ xa thiếu client_secret_env (tên biến môi trường chứa "
                "client_secret của hệ thống tại dịch vụ ký số từ xa)."
            )
        client_secret = os.environ.get(client_secret_env)
        if client_secret is None:
            raise SignerConfigError(
                "Máy chủ chưa được cấu hình khóa bí mật của dịch vụ ký số từ xa "
                f"(biến môi trường {client_secret_env})."
            )
    return CscClient(service_url, credential_id, client_id, client_secret, timeout)


def load_signer(*, otp: str = "", **params: Any) -> LoadedSigner:
    """A signer for ``params`` (see ``_client``) that will spend ``otp`` on one signature.

    Configuration is checked first (an administrator's problem), then the OTP's shape (no
    call is wasted on a typo), then the service is asked for the credential."""
    client = _client(**params)
    otp = (otp or "").strip()
    if not (len(otp) == 6 and otp.isdigit()):
        raise WrongOtpError(
            "Mã OTP gồm 6 chữ số, do dịch vụ ký số từ xa gửi tới điện thoại của người ký."
        )
    cert, chain = client.credential_info()
    return LoadedSigner(
        signer=CscSigner(client, otp, cert, chain),
        certificate=cert,
        display_name=common_name(cert),
        backend="csc",
    )


def send_otp(**params: Any) -> None:
    """Ask the service to send the signer a one-time password for this credential."""
    _client(**params).send_otp()


def credential_certificate(**params: Any) -> x509.Certificate:
    """The signer certificate of the credential (used when registering it)."""
    return _client(**params).credential_info()[0]
