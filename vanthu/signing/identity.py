"""Who a certificate belongs to: a person or an agency.

Rule (used by verification and by the test PKI, which issues certificates that follow it):

* the subject's ``serialNumber`` attribute (OID 2.5.4.5) carries a typed identifier;
* ``MDDT:<mã định danh>`` (agency electronic identification code, QĐ 20/2020/QĐ-TTg, or the
  13-character QCVN 102 form) marks an **agency** certificate (chữ ký số cơ quan, tổ chức);
* ``CCCD:<12 digits>`` (citizen identity number) or ``CMND:``/``HC:`` marks a **personal**
  certificate (chữ ký số cá nhân);
* anything else is ``unknown``.

Real certificates from the government CA carry comparable typed identifiers in their subject,
so the prefixes are configurable per deployment by passing other tuples to ``classify``.
"""

from __future__ import annotations

from typing import Literal

from cryptography import x509
from cryptography.x509.oid import NameOID

AGENCY_MARKERS: tuple[str, ...] = ("MDDT:",)
PERSON_MARKERS: tuple[str, ...] = ("CCCD:", "CMND:", "HC:")

Kind = Literal["personal", "agency", "unknown"]


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    attrs = name.get_attributes_for_oid(oid)
    if not attrs:
        return None
    value = attrs[0].value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def classify(
    cert: x509.Certificate,
    *,
    agency_markers: tuple[str, ...] = AGENCY_MARKERS,
    person_markers: tuple[str, ...] = PERSON_MARKERS,
) -> Kind:
    serial = (_first(cert.subject, NameOID.SERIAL_NUMBER) or "").upper()
    if serial.startswith(tuple(m.upper() for m in agency_markers)):
        return "agency"
    if serial.startswith(tuple(m.upper() for m in person_markers)):
        return "personal"
    return "unknown"


def common_name(cert: x509.Certificate) -> str:
    return (
        _first(cert.subject, NameOID.COMMON_NAME)
        or _first(cert.subject, NameOID.ORGANIZATION_NAME)
        or cert.subject.rfc4514_string()
    )


def agency_code(cert: x509.Certificate) -> str | None:
    serial = _first(cert.subject, NameOID.SERIAL_NUMBER) or ""
    for marker in AGENCY_MARKERS:
        if serial.upper().startswith(marker.upper()):
            return serial[len(marker) :]
    return None
