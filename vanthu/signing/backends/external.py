"""Local signing agent on the signer's PC (documented interface; not implemented yet).

Vietnamese agencies sign with USB tokens plugged into the official's own computer. The usual
architecture, which this backend is meant to follow:

1. The server prepares the PDF (form fields, signature field, appearance) and computes the
   CMS signed attributes with pyHanko's interrupted signing flow
   (``PdfSigner.init_signing_session`` → ``PdfTBSDocument``), keeping the prepared document in
   its store under a one-time id.
2. The browser passes the DER of the signed attributes' digest to the agent listening on
   ``https://127.0.0.1:<port>`` (a small native app holding the PKCS#11 session), together with
   the expected certificate's SHA-256 fingerprint.
3. The agent asks for the PIN itself (the server never sees it), signs the digest with the
   token and returns the raw signature and the certificate chain.
4. The server checks the certificate, finishes the CMS (``PdfTBSDocument.finish_signing``),
   and adds the timestamp.

``load_signer(**params)`` will return a ``LoadedSigner`` whose signer is an
``ExternalSigner``-style object fed with the agent's result.
"""

from __future__ import annotations

from typing import Any

from vanthu.signing.backends.base import LoadedSigner
from vanthu.signing.errors import BackendNotAvailableError


def load_signer(**params: Any) -> LoadedSigner:
    raise BackendNotAvailableError(
        "Ký số qua phần mềm ký trên máy người dùng chưa được hỗ trợ trong phiên bản này."
    )
