"""XML-DSig enveloped signatures on edXML packages (signxml).

Placement follows the packages seen in the wild: one Signature element, last child of
edXMLHeader (after TraceHeaderList), Reference URI="" over the whole document with the
enveloped-signature transform. We sign with SHA-256 and exclusive C14N: inclusive C14N of a
Signature nested in edXMLHeader drags in the envelope's xmlns:edXML declaration, which
signers and verifiers serialise differently. The SDK's RSA-SHA1 signatures are verified only
when the caller opts in with ``allow_sha1``.

The SDK samples carry an unprefixed Signature in the edXML namespace whose values are
placeholders: no XML-DSig verifier can check that form, and it is reported as invalid.
The legally relevant signatures are the PAdES ones inside the PDF attachments (STANDARDS §1.6).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from lxml import etree
from signxml.algorithms import DigestAlgorithm, SignatureMethod
from signxml.algorithms import SignatureConstructionMethod as methods
from signxml.exceptions import InvalidCertificate, InvalidInput, InvalidSignature
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from .constants import DEFAULT_MAX_SIZE, DSIG_NS, HUGE_TREE_THRESHOLD
from .errors import EdxmlError
from .xmlio import SIGNATURE_TAGS, find_signature, load, make_parser, path

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
Status = Literal["absent", "valid", "invalid", "untrusted"]


@dataclass(frozen=True)
class SignatureReport:
    status: Status
    reason: str = ""
    signer_subject: str | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def sign(
    data: bytes,
    *,
    key_pem: bytes,
    cert_pem: bytes,
    chain_pem: Sequence[bytes] = (),
    max_size: int = DEFAULT_MAX_SIZE,
) -> bytes:
    """Return the package with an enveloped signature; any existing Signature is replaced."""
    root = load(data, max_size=max_size, normalise=False).root
    header = path(root, "edXMLEnvelope", "edXMLHeader")
    if header is None:
        raise EdxmlError("missing mandatory part: edXMLEnvelope/edXMLHeader")
    for old in list(root.iter(*SIGNATURE_TAGS)):
        old.getparent().remove(old)  # lxml drops the element's tail with it
    # Unprefixed in its own default namespace, as in axis-delivered packages; signxml then
    # writes the children unqualified under it.
    placeholder = etree.SubElement(
        header, f"{{{DSIG_NS}}}Signature", nsmap={None: DSIG_NS}, Id="placeholder"
    )
    # Keep the closing </edXML:edXMLHeader> on its own line, as the builder wrote it.
    if len(header) > 1:
        placeholder.tail, header[-2].tail = header[-2].tail, header.text

    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
    except (ValueError, TypeError) as exc:  # TypeError: the key is password-protected
        raise EdxmlError(f"cannot load the signing key: {exc}") from None
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = SignatureMethod.RSA_SHA256
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = SignatureMethod.ECDSA_SHA256
    else:
        raise EdxmlError("signing key must be RSA or EC")
    signer = XMLSigner(
        method=methods.enveloped,
        signature_algorithm=algorithm,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=EXC_C14N,
    )
    signer.namespaces = {None: DSIG_NS}  # type: ignore[dict-item]
    if len(data) > HUGE_TREE_THRESHOLD:
        # XMLSigner has no parser argument; without huge_tree libxml2 refuses >10 MB text
        # nodes. The size cap was enforced by load() above.
        signer._parser = make_parser(huge=True)
    certs = [c.decode("ascii") for c in (cert_pem, *chain_pem)]
    try:
        signed = signer.sign(root, key=key, cert=certs)
    except (InvalidInput, ValueError) as exc:
        raise EdxmlError(f"cannot sign: {exc}") from None
    # The placeholder's Id attribute would otherwise stay on the final Signature element.
    signature = find_signature(signed)
    if signature is not None:
        signature.attrib.pop("Id", None)
    return cast(bytes, etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify(
    data: bytes,
    *,
    ca_pem: bytes | Sequence[bytes],
    allow_sha1: bool = False,
    at: dt.datetime | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> SignatureReport:
    """Check the package's signature against the given CA certificates (PEM).

    ``at`` verifies the certificate validity at another moment than now (archived packages).
    Raises EdxmlError only for input that is not a readable edXML package.
    """
    root = load(data, max_size=max_size, normalise=False).root
    signature = find_signature(root)
    if signature is None:
        return SignatureReport("absent", "the package carries no Signature")
    if etree.QName(signature).namespace != DSIG_NS:
        return SignatureReport(
            "invalid", "Signature is not in the XML-DSig namespace (SDK placeholder form)"
        )
    subject = _first_certificate_subject(signature)
    config = SignatureConfiguration(require_x509=True, location=".//", verification_time=at)
    if allow_sha1:
        config = replace(
            config,
            signature_methods=frozenset(SignatureMethod),
            digest_algorithms=frozenset(DigestAlgorithm),
        )
    bundle = ca_pem if isinstance(ca_pem, bytes) else b"\n".join(ca_pem)
    # signxml reads trust anchors from a file path only.
    with tempfile.TemporaryDirectory(prefix="edxml-ca-") as tmp:
        ca_file = os.path.join(tmp, "ca.pem")
        with open(ca_file, "wb") as handle:
            handle.write(bundle)
        try:
            XMLVerifier().verify(
                root,
                ca_pem_file=ca_file,
                expect_config=config,
                parser=make_parser(huge=len(data) > HUGE_TREE_THRESHOLD),
            )
        except InvalidCertificate as exc:
            return SignatureReport("untrusted", _one_line(exc), subject)
        except (InvalidSignature, InvalidInput, ValueError, etree.LxmlError) as exc:
            return SignatureReport("invalid", _one_line(exc), subject)
    return SignatureReport("valid", "", subject)


def _first_certificate_subject(signature: etree._Element) -> str | None:
    element = signature.find(f".//{{{DSIG_NS}}}X509Certificate")
    if element is None or not element.text:
        return None
    body = "".join(element.text.split())
    pem = f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
    try:
        return x509.load_pem_x509_certificate(pem.encode("ascii")).subject.rfc4514_string()
    except ValueError:
        return None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
