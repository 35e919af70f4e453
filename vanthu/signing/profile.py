"""Which PAdES level the document flow signs at, from the settings.

* ``VANTHU_TSA_URL``: an RFC 3161 time-stamping service. Without one, signatures are B-B: the
  signing time is only what the signer's computer claimed.
* ``VANTHU_SIGNATURE_LEVEL``: ``B-B``, ``B-T`` or ``B-LTA``; empty means B-T when a TSA is
  configured, B-B otherwise. B-T and B-LTA without a TSA are a configuration error (the
  settings reader refuses them; ``signature_profile`` does too, for settings overridden later).

B-LTA embeds the certificates, OCSP responses and CRLs (the DSS) and adds a document
timestamp, so the file can still be verified after the certificates expire or the responders
disappear (archival, Decree 30 Art. 12). That needs the signer's chain to validate against the
trust store at signing time; when it does not (e.g. a CA not yet in the store), the document
is signed B-T rather than not at all, and the log says why.
"""

from __future__ import annotations

import logging

from cryptography import x509
from django.conf import settings
from pyhanko.sign.timestamps import HTTPTimeStamper

from vanthu.signing import pades
from vanthu.signing.errors import SignerConfigError
from vanthu.signing.trust import chains_to_trust_store, validation_context

LEVELS = ("B-B", "B-T", "B-LTA")
TSA_TIMEOUT_SECONDS = 10

logger = logging.getLogger(__name__)


def signature_level() -> str:
    tsa = getattr(settings, "VANTHU_TSA_URL", "") or ""
    level = (getattr(settings, "VANTHU_SIGNATURE_LEVEL", "") or "").upper()
    if not level:
        return "B-T" if tsa else "B-B"
    if level not in LEVELS:
        raise SignerConfigError(
            f"Mức chữ ký số «{level}» không được hỗ trợ; chọn một trong: {', '.join(LEVELS)}."
        )
    if level != "B-B" and not tsa:
        raise SignerConfigError(
            f"Mức chữ ký số {level} cần máy chủ cấp dấu thời gian: hãy cấu hình VANTHU_TSA_URL."
        )
    return level


def signature_profile(
    certificate: x509.Certificate | None = None, chain: list[x509.Certificate] | None = None
) -> pades.SignatureProfile:
    """The profile every signing call of the flow passes to ``pades``.

    ``certificate`` and ``chain`` (the signer's) let B-LTA check beforehand that validation
    data can be collected; without them B-LTA is attempted as configured."""
    level = signature_level()
    if level == "B-B":
        return pades.SignatureProfile()
    timestamper = HTTPTimeStamper(settings.VANTHU_TSA_URL, timeout=TSA_TIMEOUT_SECONDS)
    if level == "B-T":
        return pades.SignatureProfile(timestamper=timestamper)
    if certificate is not None and not chains_to_trust_store(certificate, chain or []):
        logger.warning(
            "B-LTA not possible for %s: its chain does not validate against the trust store; "
            "signing B-T",
            certificate.subject.rfc4514_string(),
        )
        return pades.SignatureProfile(timestamper=timestamper)
    return pades.SignatureProfile(
        timestamper=timestamper, validation_context=validation_context(), lta=True
    )
