"""A small remote signing service speaking the Cloud Signature Consortium API v2, on loopback.

It plays the part of a provider's "ký số từ xa" service (keys held server-side, the signer
approves each signature with a one-time password sent to their phone) for the tests and the
demo. It is not a product: state lives in memory, keys come from the caller.

    with CscServer(client_id="vanthu", client_secret="...") as server:
        server.add_credential("nguyen-van-an", key, cert, chain)
        ... service_url=server.base_url ...
        server.last_otp("nguyen-van-an")     # what the signer's phone received

Endpoints (JSON over POST, under ``/csc/v2/``): ``info``, ``oauth2/token`` (client
credentials grant; the client may also send its id and secret as HTTP Basic),
``credentials/list``, ``credentials/info``, ``credentials/sendOTP``, ``credentials/authorize``
and ``signatures/signHash``. Errors are ``{"error": ..., "error_description": ...}`` with
HTTP 400 (401 for the client or token).

Authorization model (SCAL 2, ``authMode: explicit``): ``credentials/authorize`` takes the OTP
and the exact hashes to be signed and returns a SAD valid for those hashes only, for a short
time and for ``numSignatures`` signatures; ``signatures/signHash`` consumes it.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.serialization import pkcs12

logger = logging.getLogger("vanthu.signing.csc")

API_PREFIX = "/csc/v2"
MAX_BODY = 256 * 1024
SHA256_OID = "2.16.840.1.101.3.4.2.1"
SIGN_ALGOS = {
    "1.2.840.113549.1.1.11": "rsa",  # sha256WithRSAEncryption
    "1.2.840.10045.4.3.2": "ec",  # ecdsa-with-SHA256
}
RSA_ENCRYPTION_OID = "1.2.840.113549.1.1.1"  # also accepted with hashAlgorithmOID = SHA-256
EC_PUBLIC_KEY_OID = "1.2.840.10045.2.1"

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
OtpDelivery = Callable[["CscCredential", str], None]


class CscError(Exception):
    """An error answer of the service: CSC error code, description, HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _log_delivery(credential: CscCredential, otp: str) -> None:
    # Stands in for the SMS gateway: the demo user reads the code from the service's console.
    logger.warning(
        "[SMS giả lập] Mã OTP ký số cho «%s» (%s): %s",
        credential.credential_id,
        credential.description,
        otp,
    )


@dataclass
class _Otp:
    code: str
    expires_at: float
    attempts_left: int


@dataclass
class _Sad:
    credential_id: str
    hashes: set[str]
    remaining: int
    expires_at: float


@dataclass
class CscCredential:
    credential_id: str
    user_id: str
    key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate]
    description: str
    disabled_reason: str | None = None
    otp: _Otp | None = field(default=None, repr=False)
    # What the user's phone received last, kept so tests read it like an SMS.
    last_otp: str | None = field(default=None, repr=False)

    @property
    def key_kind(self) -> str:
        return "ec" if isinstance(self.key, ec.EllipticCurvePrivateKey) else "rsa"


class CscServer:
    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        host: str = "127.0.0.1",
        port: int = 0,
        otp_ttl: float = 300.0,
        otp_attempts: int = 3,
        sad_ttl: float = 60.0,
        token_ttl: float = 3600.0,
        deliver_otp: OtpDelivery = _log_delivery,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.otp_ttl = otp_ttl
        self.otp_attempts = otp_attempts
        self.sad_ttl = sad_ttl
        self.token_ttl = token_ttl
        self.deliver_otp = deliver_otp
        # Injectable so tests can let an OTP or a SAD expire without sleeping.
        self.clock = clock
        self.credentials: dict[str, CscCredential] = {}
        self._tokens: dict[str, float] = {}
        self._sads: dict[str, _Sad] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_port

    @property
    def base_url(self) -> str:
        """The CSC base URI clients are configured with (``service_url``)."""
        host = self._server.server_address[0]
        return f"http://{host}:{self.port}{API_PREFIX}"

    def start(self) -> CscServer:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="csc-server", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> CscServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- keys --------------------------------------------------------------------------------

    def add_credential(
        self,
        credential_id: str,
        key: PrivateKey,
        certificate: x509.Certificate,
        chain: list[x509.Certificate] | tuple[x509.Certificate, ...] = (),
        *,
        user_id: str | None = None,
        description: str | None = None,
    ) -> CscCredential:
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise ValueError("only RSA and EC keys are supported")
        credential = CscCredential(
            credential_id=credential_id,
            user_id=user_id or credential_id,
            key=key,
            certificate=certificate,
            chain=list(chain),
            description=description or certificate.subject.rfc4514_string(),
        )
        with self._lock:
            self.credentials[credential_id] = credential
        return credential

    def add_pkcs12(
        self, credential_id: str, path: Path, password: str, *, user_id: str | None = None
    ) -> CscCredential:
        key, cert, chain = pkcs12.load_key_and_certificates(path.read_bytes(), password.encode())
        if key is None or cert is None:
            raise ValueError(f"{path}: no private key and certificate inside")
        return self.add_credential(credential_id, key, cert, chain, user_id=user_id)  # type: ignore[arg-type]

    def disable(self, credential_id: str, reason: str = "revoked") -> None:
        """Refuse any further use (e.g. the certificate was revoked); ``info`` still answers."""
        with self._lock:
            credential = self.credentials[credential_id]
            credential.disabled_reason = reason
            credential.otp = None

    def enable(self, credential_id: str) -> None:
        with self._lock:
            self.credentials[credential_id].disabled_reason = None

    def last_otp(self, credential_id: str) -> str | None:
        with self._lock:
            return self.credentials[credential_id].last_otp

    # -- protocol ----------------------------------------------------------------------------

    def handle(self, endpoint: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        """Answer one call; raises ``CscError``. Runs under the lock: the state is tiny."""
        with self._lock:
            if endpoint == "info":
                return self._info()
            if endpoint == "oauth2/token":
                return self._token(body, headers)
            self._check_token(headers)
            handler = {
                "credentials/list": self._list,
                "credentials/info": self._credential_info,
                "credentials/sendOTP": self._send_otp,
                "credentials/authorize": self._authorize,
                "signatures/signHash": self._sign_hash,
            }.get(endpoint)
            if handler is None:
                raise CscError("invalid_request", f"Unknown endpoint {endpoint}", 404)
            return handler(body)

    def _info(self) -> dict[str, Any]:
        return {
            "specs": "2.0.0.2",
            "name": "VanThu CSC (thử nghiệm)",
            "logo": "",
            "region": "VN",
            "lang": "vi-VN",
            "description": "Dịch vụ ký số từ xa thử nghiệm của VanThu",
            "authType": ["oauth2client"],
            "oauth2": self.base_url,
            "methods": [
                "oauth2/token",
                "credentials/list",
                "credentials/info",
                "credentials/sendOTP",
                "credentials/authorize",
                "signatures/signHash",
            ],
        }

    def _token(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        client_id, client_secret = body.get("client_id"), body.get("client_secret")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(basic[6:], validate=True).decode()
                client_id, _, client_secret = decoded.partition(":")
            except (binascii.Error, UnicodeDecodeError):
                raise CscError("invalid_client", "Malformed Basic credentials", 401) from None
        if body.get("grant_type") != "client_credentials":
            raise CscError("unsupported_grant_type", "Only client_credentials is supported")
        if not (
            isinstance(client_id, str)
            and isinstance(client_secret, str)
            and hmac.compare_digest(client_id.encode(), self.client_id.encode())
            and hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        ):
            raise CscError("invalid_client", "Client authentication failed", 401)
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self._tokens = {t: exp for t, exp in self._tokens.items() if exp > now}
        self._tokens[token] = now + self.token_ttl
        return {"access_token": token, "token_type": "Bearer", "expires_in": int(self.token_ttl)}

    def _check_token(self, headers: dict[str, str]) -> None:
        auth = headers.get("authorization", "")
        token = auth[7:] if auth.lower().startswith("bearer ") else ""
        expires = self._tokens.get(token)
        if expires is None or expires <= self.clock():
            raise CscError("invalid_token", "The access token is missing, invalid or expired", 401)

    def _credential(self, body: dict[str, Any], *, usable: bool = True) -> CscCredential:
        credential = self.credentials.get(str(body.get("credentialID") or ""))
        if credential is None:
            raise CscError("invalid_request", "Invalid parameter credentialID")
        if usable and credential.disabled_reason is not None:
            raise CscError(
                "access_denied", f"The credential is disabled ({credential.disabled_reason})"
            )
        return credential

    def _list(self, body: dict[str, Any]) -> dict[str, Any]:
        user_id = body.get("userID")
        ids = [
            c.credential_id
            for c in self.credentials.values()
            if user_id is None or c.user_id == user_id
        ]
        limit = body.get("maxResults")
        if isinstance(limit, int) and limit > 0:
            ids = ids[:limit]
        return {"credentialIDs": ids}

    def _credential_info(self, body: dict[str, Any]) -> dict[str, Any]:
        credential = self._credential(body, usable=False)
        cert = credential.certificate
        which = body.get("certificates", "single")
        if which == "none":
            certs = []
        elif which == "chain":
            certs = [cert, *credential.chain]
        else:
            certs = [cert]
        public = cert.public_key()
        if credential.key_kind == "ec":
            algo = [EC_PUBLIC_KEY_OID, "1.2.840.10045.4.3.2"]
            length = public.curve.key_size  # type: ignore[union-attr]
            curve = "1.2.840.10045.3.1.7"
        else:
            algo = [RSA_ENCRYPTION_OID, "1.2.840.113549.1.1.11"]
            length = public.key_size  # type: ignore[union-attr]
            curve = None
        enabled = credential.disabled_reason is None
        key_info: dict[str, Any] = {
            "status": "enabled" if enabled else "disabled",
            "algo": algo,
            "len": length,
        }
        if curve:
            key_info["curve"] = curve
        return {
            "description": credential.description,
            "key": key_info,
            "cert": {
                "status": "valid" if enabled else credential.disabled_reason,
                "certificates": [
                    base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode()
                    for c in certs
                ],
                "issuerDN": cert.issuer.rfc4514_string(),
                "serialNumber": format(cert.serial_number, "x"),
                "subjectDN": cert.subject.rfc4514_string(),
                "validFrom": cert.not_valid_before_utc.strftime("%Y%m%d%H%M%SZ"),
                "validTo": cert.not_valid_after_utc.strftime("%Y%m%d%H%M%SZ"),
            },
            "authMode": "explicit",
            "SCAL": "2",
            "OTP": {
                "presence": "true",
                "type": "online",
                "format": "N",
                "label": "Mã OTP",
                "description": "Mã 6 chữ số gửi qua SMS, hiệu lực 5 phút",
                "ID": "sms",
                "provider": "VanThu",
            },
            "multisign": 1,
            "lang": "vi-VN",
        }

    def _send_otp(self, body: dict[str, Any]) -> None:
        credential = self._credential(body)
        code = f"{secrets.randbelow(10**6):06d}"
        credential.otp = _Otp(code, self.clock() + self.otp_ttl, self.otp_attempts)
        credential.last_otp = code
        self.deliver_otp(credential, code)
        return None

    def _hashes(self, body: dict[str, Any]) -> list[str]:
        hashes = body.get("hashes", body.get("hash"))
        if not isinstance(hashes, list) or not hashes:
            raise CscError("invalid_request", "Missing or invalid parameter hashes")
        algo = body.get("hashAlgorithmOID", body.get("hashAlgo", SHA256_OID))
        if algo != SHA256_OID:
            raise CscError("invalid_request", "Invalid parameter hashAlgorithmOID")
        for item in hashes:
            try:
                raw = base64.b64decode(str(item), validate=True)
            except binascii.Error:
                raw = b""
            if len(raw) != 32:
                raise CscError("invalid_request", "Invalid parameter hashes")
        return [str(h) for h in hashes]

    def _authorize(self, body: dict[str, Any]) -> dict[str, Any]:
        credential = self._credential(body)
        hashes = self._hashes(body)
        num = body.get("numSignatures")
        if not isinstance(num, int) or num < 1 or num < len(hashes):
            raise CscError("invalid_request", "Invalid parameter numSignatures")
        otp = credential.otp
        if otp is None or otp.expires_at <= self.clock():
            credential.otp = None
            raise CscError("invalid_otp", "The OTP is invalid or has expired")
        if not hmac.compare_digest(str(body.get("OTP") or "").encode(), otp.code.encode()):
            otp.attempts_left -= 1
            if otp.attempts_left <= 0:
                credential.otp = None  # too many attempts: a new OTP must be requested
            raise CscError("invalid_otp", "The OTP is invalid or has expired")
        credential.otp = None  # one OTP, one authorization
        sad = secrets.token_urlsafe(32)
        now = self.clock()
        self._sads = {s: v for s, v in self._sads.items() if v.expires_at > now}
        self._sads[sad] = _Sad(credential.credential_id, set(hashes), num, now + self.sad_ttl)
        return {"SAD": sad, "expiresIn": int(self.sad_ttl)}

    def _sign_hash(self, body: dict[str, Any]) -> dict[str, Any]:
        credential = self._credential(body)
        hashes = self._hashes(body)
        grant = self._sads.get(str(body.get("SAD") or ""))
        if grant is None or grant.expires_at <= self.clock():
            raise CscError("invalid_request", "Invalid or expired SAD")
        if grant.credential_id != credential.credential_id:
            raise CscError("invalid_request", "The SAD was issued for another credential")
        if not set(hashes) <= grant.hashes or len(hashes) > grant.remaining:
            raise CscError("invalid_request", "The SAD does not authorize these hashes")
        sign_algo = str(body.get("signAlgo") or "")
        kind = SIGN_ALGOS.get(sign_algo) or ("rsa" if sign_algo == RSA_ENCRYPTION_OID else None)
        if kind is None or kind != credential.key_kind:
            raise CscError("invalid_request", "Invalid parameter signAlgo for this key")
        grant.remaining -= len(hashes)
        grant.hashes -= set(hashes)
        if grant.remaining <= 0 or not grant.hashes:
            del self._sads[str(body["SAD"])]
        return {"signatures": [_sign(credential.key, base64.b64decode(h)) for h in hashes]}


def _sign(key: PrivateKey, digest: bytes) -> str:
    prehashed = Prehashed(hashes.SHA256())
    if isinstance(key, ec.EllipticCurvePrivateKey):
        value = key.sign(digest, ec.ECDSA(prehashed))  # DER, as CMS expects
    else:
        value = key.sign(digest, PKCS1v15(), prehashed)
    return base64.b64encode(value).decode()


def _handler_for(server: CscServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("csc %s", format % args)

        def _reply(self, status: int, payload: Any) -> None:
            body = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            if body:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _read(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                raise CscError("invalid_request", "Request body too large", 413)
            raw = self.rfile.read(length) if length > 0 else b""
            if not raw:
                return {}
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            try:
                if content_type == "application/x-www-form-urlencoded":
                    return dict(urllib.parse.parse_qsl(raw.decode()))
                data = json.loads(raw)
            except (UnicodeDecodeError, ValueError):
                raise CscError("invalid_request", "Malformed request body") from None
            if not isinstance(data, dict):
                raise CscError("invalid_request", "The request body must be a JSON object")
            return data

        def do_POST(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if not path.startswith(API_PREFIX + "/"):
                self._reply(404, {"error": "invalid_request", "error_description": "Not found"})
                return
            endpoint = path.removeprefix(API_PREFIX + "/").strip("/")
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                result = server.handle(endpoint, self._read(), headers)
            except CscError as exc:
                self._reply(exc.status, {"error": exc.error, "error_description": exc.description})
                return
            except Exception:  # a bug must still answer in the protocol's shape
                logger.exception("csc server error on %s", endpoint)
                self._reply(500, {"error": "server_error", "error_description": "Internal error"})
                return
            self._reply(204 if result is None else 200, result)

    return Handler
