"""Signer backends behind one small registry (STYLE rule 7).

``get_signer(kind, **params)`` returns a ``LoadedSigner`` (pyHanko signer, certificate, display
name). The Django layer picks ``kind`` and ``params`` from settings or from the user's chosen
device; this package never reads settings itself.

* ``pkcs12`` — a server-held ``.p12``/``.pfx`` file (agency seal on the issuing server).
* ``pkcs11`` — a USB token or an HSM through a PKCS#11 module (RSA and EC keys).
* ``external`` — the local signing agent on the signer's PC (documented interface only).
* ``csc`` — a remote signing service, Cloud Signature Consortium API v2 (documented interface only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vanthu.signing.backends import csc, external, pkcs11, pkcs12
from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.errors import UnknownBackendError

__all__ = ["LoadedSigner", "available_backends", "get_signer", "register_backend"]

Factory = Callable[..., LoadedSigner]
_REGISTRY: dict[str, Factory] = {
    "pkcs12": pkcs12.load_signer,
    "pkcs11": pkcs11.load_signer,
    "external": external.load_signer,
    "csc": csc.load_signer,
}


def register_backend(kind: str, factory: Factory) -> None:
    _REGISTRY[kind] = factory


def available_backends() -> list[str]:
    return sorted(_REGISTRY)


def get_signer(kind: str, **params: Any) -> LoadedSigner:
    try:
        factory = _REGISTRY[kind]
    except KeyError:
        raise UnknownBackendError(
            f"Không có phương thức ký «{kind}». Các phương thức hỗ trợ: "
            + ", ".join(sorted(_REGISTRY))
        ) from None
    return factory(**params)
