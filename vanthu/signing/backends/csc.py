"""Remote signing through the Cloud Signature Consortium API v2 (documented interface only).

Remote-signing providers (chữ ký số từ xa, e.g. mobile "SmartCA"-style services) expose
``credentials/list``, ``credentials/info``, ``credentials/authorize`` (the user approves on
their phone: SAD) and ``signatures/signHash``. pyHanko ships ``pyhanko.sign.signers.csc_signer``
(``CSCSigner`` with a ``CSCServiceSessionInfo`` and a ``CSCAuthorizationInfo``), which this
backend is meant to wrap.

Parameters it will take: ``service_url``, ``credential_id``, ``oauth_token`` (obtained by the
web layer), ``authorization`` (a callable that waits for the user's approval and returns the
SAD), ``timeout``.
"""

from __future__ import annotations

from typing import Any

from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.errors import BackendNotAvailableError


def load_signer(**params: Any) -> LoadedSigner:
    raise BackendNotAvailableError(
        "Ký số từ xa theo chuẩn Cloud Signature Consortium chưa được hỗ trợ trong phiên bản này."
    )
