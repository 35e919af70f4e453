"""The signer's USB token on their own computer, driven by the local agent ``vanthu-signer``.

Such a key cannot be a server-side backend: the server never holds the token, the session
or the PIN. The flow is therefore split around the browser and lives elsewhere:

* ``vanthu.signing.pades.prepare_personal`` / ``finish_prepared`` — the PDF revision with a
  placeholder, the CMS signed attributes, and the CMS assembled from a raw signature value
  (pyHanko interrupted signing and ``ExternalSigner``);
* ``vanthu.signing.remote`` — the session (``PendingSignature``): who may sign, expiry,
  single use, the signature value checked against the registered certificate;
* ``vanthu.signer_agent`` — the agent itself (PKCS#11 on the signer's computer, JSON over
  HTTP on 127.0.0.1);
* ``vanthu/signing/static/signing/agent.js`` — the page script joining the three.

``load_signer`` stays in the registry so that asking for this kind on the server fails with
a message that sends the signer to the right place.
"""

from __future__ import annotations

from typing import Any

from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.errors import BackendNotAvailableError


def load_signer(**params: Any) -> LoadedSigner:
    raise BackendNotAvailableError(
        "Khóa ký số nằm trên USB token ở máy người ký nên máy chủ không dùng trực tiếp được: "
        "hãy ký trên trình duyệt với phần mềm vanthu-signer đang chạy."
    )
