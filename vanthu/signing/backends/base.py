"""The interface every signer backend implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography import x509
from pyhanko.sign.signers import Signer


@dataclass
class LoadedSigner:
    """What every backend returns: a ready pyHanko ``Signer`` and who it signs as.

    A backend is a callable ``load_signer(**params) -> LoadedSigner``. It must fail early, with a
    ``SigningError`` subclass carrying a Vietnamese message, when the key cannot be used (wrong
    password or PIN, missing token, key or certificate), so that nothing half-signed is produced.
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
