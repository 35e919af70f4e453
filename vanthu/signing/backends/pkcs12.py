"""Server-held key in a password-protected PKCS#12 file.

pyHanko's ``SimpleSigner`` re-parses the private key on every raw signature (twice per PDF
signature), and the RSA consistency check on load costs ~45 ms: most of a signature's time.
``CachedKeySigner`` keeps the parsed ``cryptography`` key instead, and ``load_signer`` keeps
one loaded signer per (file, modification time, password) so repeated calls reuse it.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from vanthu.signing.backends.base import CmsCacheMixin, LoadedSigner, to_asn1
from vanthu.signing.errors import KeyFileError, SignerConfigError, SigningError
from vanthu.signing.identity import common_name

_CACHE: dict[tuple[object, ...], LoadedSigner] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 32


__all__ = ["CachedKeySigner", "load_signer", "signer_from_key", "to_asn1"]


class CachedKeySigner(CmsCacheMixin):
    """A pyHanko signer over an already-parsed RSA or EC private key, with the certificate
    values of the CMS encoded once (``CmsCacheMixin``)."""

    def __init__(
        self,
        key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
        cert: x509.Certificate,
        chain: list[x509.Certificate],
        *,
        prefer_pss: bool = False,
    ):
        signing_cert = to_asn1(cert)
        super().__init__(
            signing_cert=signing_cert,
            cert_registry=SimpleCertificateStore.from_certs(
                [signing_cert, *(to_asn1(c) for c in chain)]
            ),
            prefer_pss=prefer_pss,
        )
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        key = self._key
        if dry_run:
            # Size estimation only (pyHanko adds a 50 % margin): no need to spend an RSA
            # operation, the longest possible signature of this key will do.
            if isinstance(key, rsa.RSAPrivateKey):
                return bytes((key.key_size + 7) // 8)
            return bytes(2 * ((key.curve.key_size + 7) // 8) + 9)  # DER ECDSA, at most
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism.signature_algo
        if algo == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss" and isinstance(key, rsa.RSAPrivateKey):
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            return key.sign(data, padding, hash_algo)
        if algo == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        raise SigningError(f"Thuật toán ký {algo} không được hỗ trợ với khóa này.")


def signer_from_key(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate] | tuple[x509.Certificate, ...] = (),
    *,
    backend: str = "pkcs12",
) -> LoadedSigner:
    return LoadedSigner(
        signer=CachedKeySigner(key, cert, list(chain)),
        certificate=cert,
        display_name=common_name(cert),
        backend=backend,
    )


def load_signer(
    *,
    path: str | Path | None = None,
    data: bytes | None = None,
    password: str | bytes | None,
    extra_certs: tuple[x509.Certificate, ...] = (),
) -> LoadedSigner:
    """Load a PKCS#12 file (``path``) or its bytes (``data``); the chain inside is embedded."""
    if (path is None) == (data is None):
        raise SignerConfigError("Cần đúng một trong hai: đường dẫn tệp khóa hoặc nội dung tệp.")
    pw = password.encode() if isinstance(password, str) else password
    if path is not None:
        try:
            stat = Path(path).stat()
        except OSError as exc:
            raise KeyFileError(f"Không đọc được tệp khóa ký số: {path}") from exc
        identity: object = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    else:
        assert data is not None
        identity = hashlib.sha256(data).hexdigest()
    cache_key = (identity, hashlib.sha256(pw or b"").hexdigest(), tuple(extra_certs))
    with _CACHE_LOCK:
        cached = _CACHE.get(cache_key)
    if cached is not None:
        return cached
    raw = data if data is not None else Path(path).read_bytes()  # type: ignore[arg-type]
    try:
        key, cert, additional = pkcs12.load_key_and_certificates(raw, pw)
    except ValueError as exc:
        raise KeyFileError(
            "Không mở được tệp khóa ký số: sai mật khẩu hoặc tệp không đúng định dạng PKCS#12."
        ) from exc
    if key is None or cert is None:
        raise KeyFileError("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số đi kèm.")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise KeyFileError("Chỉ hỗ trợ khóa RSA hoặc EC.")
    loaded = signer_from_key(key, cert, [*additional, *extra_certs])
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[cache_key] = loaded
    return loaded
