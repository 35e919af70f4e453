"""The interface every signer backend implements, and what makes repeated signing cheap.

asn1crypto treats any DER header whose last byte is 0x80 as an indefinite length (upstream
issue wbond/asn1crypto#249), so a value whose length is 128, 384, 640… bytes is re-encoded
from scratch every time it or anything around it is dumped. With the demo PKI's Vietnamese
CA name, the ``GeneralNames`` of the ESS signing-certificate attribute is exactly 128 bytes:
about 650 forced re-encodings of the issuer name per PDF signature, most of its CPU time.
Any real CA name, or a certificate, can hit the same lengths. ``frozen`` builds a value from
DER whose ``dump()`` returns those bytes while it is unchanged; ``CmsCacheMixin`` hands
pyHanko such frozen values for everything derived from the signer's certificate, built once
per loaded signer instead of once per signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.sign.attributes import SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko.sign.signers import Signer

_FROZEN_CLASSES: dict[type, type] = {}


def _changed(value: Any) -> bool:
    """Whether a value loaded from DER was modified since (asn1crypto tracks it per node)."""
    if isinstance(value, core.Choice):
        return value._parsed is not None and _changed(value._parsed)
    if isinstance(value, core.Sequence | core.SequenceOf):
        return value._is_mutated()
    return False


def _frozen_class[A: core.Asn1Value](cls: type[A]) -> type[A]:
    """A subclass of ``cls`` whose ``dump()`` returns the DER it was loaded from."""
    made = _FROZEN_CLASSES.get(cls)
    if made is not None:
        return made

    def dump(self: Any, force: bool = False) -> bytes:
        der = self.__dict__.get("_frozen_der")
        if der is not None and not _changed(self):
            return der
        return cls.dump(self, force)

    def _copy(self: Any, other: Any, copy_func: Callable[[Any], Any]) -> None:
        cls._copy(self, other, copy_func)
        # A copy keeps the bytes only with the same tagging (retag() copies too).
        tagging = ("explicit", "implicit", "tag", "class_")
        der = other.__dict__.get("_frozen_der")
        if der is not None and all(getattr(self, a) == getattr(other, a) for a in tagging):
            self._frozen_der = der

    made = type(f"Frozen{cls.__name__}", (cls,), {"dump": dump, "_copy": _copy})
    _FROZEN_CLASSES[cls] = made
    return made


def frozen[A: core.Asn1Value](cls: type[A], der: bytes) -> A:
    """``cls.load(der)`` whose ``dump()`` returns ``der`` unchanged, at no cost."""
    value = _frozen_class(cls).load(der)
    value._frozen_der = der  # type: ignore[attr-defined]
    return value


def to_asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto certificate pyHanko needs, frozen (see the module docstring)."""
    if isinstance(cert, asn1_x509.Certificate):
        if "_frozen_der" in cert.__dict__:
            return cert
        return frozen(asn1_x509.Certificate, cert.dump())
    return frozen(asn1_x509.Certificate, cert.public_bytes(Encoding.DER))


def freeze_certs(certs: Iterable[x509.Certificate | asn1_x509.Certificate]) -> list[Any]:
    return [to_asn1(c) for c in certs]


class _CachedSigningCertificateV2(SigningCertificateV2Provider):
    """The signing-certificate-v2 attribute, computed once per loaded signer."""

    def __init__(self, signing_cert: asn1_x509.Certificate, value: tsp.SigningCertificateV2):
        super().__init__(signing_cert)
        self._value = value

    async def build_attr_value(self, dry_run: bool = False) -> tsp.SigningCertificateV2:
        return self._value


class CmsCacheMixin(Signer):
    """Put before a pyHanko ``Signer`` class: the signer-identifier and signing-certificate
    values, which embed the issuer's name, are encoded once and reused by every signature."""

    _cms_cache: dict[str, Any]

    def _cms_cached(self) -> dict[str, Any]:
        cert = self.signing_cert
        cache = self.__dict__.get("_cms_cache")
        if cache is None or cache["cert"] is not cert:
            sid = cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": cms.IssuerAndSerialNumber(
                        {"issuer": cert.issuer, "serial_number": cert.serial_number}
                    )
                }
            )
            ess = as_signing_certificate_v2(cert)
            cache = {
                "cert": cert,
                "sid": frozen(cms.SignerIdentifier, sid.dump()),
                "ess": _CachedSigningCertificateV2(
                    cert, frozen(tsp.SigningCertificateV2, ess.dump())
                ),
            }
            self._cms_cache = cache
        return cache

    def _signed_attr_providers(self, *args: Any, **kwargs: Any) -> list[Any]:
        providers = list(super()._signed_attr_providers(*args, **kwargs))
        cached = self._cms_cached()["ess"]
        return [
            cached
            if type(p) is SigningCertificateV2Provider and p.signing_cert is cached.signing_cert
            else p
            for p in providers
        ]

    def signer_info(self, digest_algorithm: str, signed_attrs: Any, signature: Any) -> Any:
        info = super().signer_info(digest_algorithm, signed_attrs, signature)
        if info["sid"].name == "issuer_and_serial_number":
            info["sid"] = self._cms_cached()["sid"]
        return info


@dataclass
class LoadedSigner:
    """What every backend returns: a ready pyHanko ``Signer`` and who it signs as.

    A backend is a callable ``load_signer(**params) -> LoadedSigner``. It must fail early, with a
    ``SigningError`` subclass carrying a Vietnamese message, when the key cannot be used (wrong
    password or PIN, missing token, key or certificate), so that nothing half-signed is produced.
    A loaded signer is meant to be kept and reused: the key, the token session and the encoded
    certificate values stay ready between signatures.
    """

    signer: Signer
    certificate: x509.Certificate
    display_name: str
    backend: str
    _closers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        """Release the token session, if any. Safe to call twice."""
        while self._closers:
            self._closers.pop()()

    def __enter__(self) -> LoadedSigner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
