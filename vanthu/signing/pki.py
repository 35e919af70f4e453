"""A throw-away PKI shaped like the Vietnamese government one, for tests and the demo.

national root CA ─► government CA ("Ban Cơ yếu Chính phủ"-like) ─► persons, agencies,
                                                                   the TSA, the OCSP responder

Everything is generated at run time with ``cryptography`` and written to a directory the
caller chooses (PEM certificates, DER CRLs, password-protected PKCS#12 per leaf). Nothing here
is ever committed. Certificates follow the person/agency rule of ``vanthu.signing.identity``.

When ``base_url`` is given (e.g. ``http://127.0.0.1:<port>`` of ``servers.PkiServices``), the
certificates carry CRL distribution points and an OCSP responder URL under it, so validation
with fetching enabled goes to the loopback servers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from vanthu.signing.identity import AGENCY_MARKERS, PERSON_MARKERS

UTC = dt.UTC
# Throw-away test PKI only: never protects a production key.
DEFAULT_PASSWORD = "vanthu-thu-nghiem"


def _name(**attrs: str) -> x509.Name:
    oids = {
        "C": NameOID.COUNTRY_NAME,
        "ST": NameOID.STATE_OR_PROVINCE_NAME,
        "O": NameOID.ORGANIZATION_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
        "T": NameOID.TITLE,
        "SERIAL": NameOID.SERIAL_NUMBER,
        "CN": NameOID.COMMON_NAME,
    }
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in attrs.items() if v])


def new_key(kind: str = "rsa") -> CertificateIssuerPrivateKeyTypes:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Issued:
    """One certificate with its key (``None`` when the key lives on a token)."""

    slug: str
    cert: x509.Certificate
    key: CertificateIssuerPrivateKeyTypes | None

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def cert_der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def key_pkcs8_pem(self) -> bytes:
        """Unencrypted PKCS#8, only for importing into a test token (softhsm2-util)."""
        assert self.key is not None
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def pkcs12(self, password: str, chain: list[x509.Certificate]) -> bytes:
        assert self.key is not None
        return pkcs12.serialize_key_and_certificates(
            self.slug.encode(),
            self.key,  # type: ignore[arg-type]
            self.cert,
            chain,
            serialization.BestAvailableEncryption(password.encode()),
        )


@dataclass
class DemoPki:
    base_url: str | None = None
    root_name: str = "Root CA Quốc gia (Thử nghiệm)"
    ca_name: str = "CA chuyên dùng Chính phủ (Thử nghiệm)"
    ca_org: str = "Ban Cơ yếu Chính phủ (Thử nghiệm)"
    root: Issued = field(init=False)
    ca: Issued = field(init=False)
    tsa: Issued = field(init=False)
    ocsp: Issued = field(init=False)
    leaves: dict[str, Issued] = field(init=False, default_factory=dict)
    revoked: dict[int, tuple[dt.datetime, x509.ReasonFlags]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        now = dt.datetime.now(UTC)
        root_key = new_key()
        root_subject = _name(C="VN", O="Bộ Thông tin và Truyền thông", CN=self.root_name)
        self.root = Issued(
            "root",
            self._build(
                root_subject,
                root_subject,
                root_key.public_key(),
                root_key,
                now - dt.timedelta(days=1),
                now + dt.timedelta(days=3650),
                ca=True,
                crl_path=None,
            ),
            root_key,
        )
        ca_key = new_key()
        self.ca = Issued(
            "ca",
            self._issue_cert(
                _name(C="VN", O=self.ca_org, CN=self.ca_name),
                ca_key.public_key(),
                issuer=self.root,
                ca=True,
                crl_path="/crl/root.crl",
                days=1825,
            ),
            ca_key,
        )
        self.tsa = self._leaf(
            "tsa",
            _name(C="VN", O=self.ca_org, CN="Dịch vụ cấp dấu thời gian (Thử nghiệm)"),
            eku=ExtendedKeyUsageOID.TIME_STAMPING,
        )
        self.ocsp = self._leaf(
            "ocsp",
            _name(C="VN", O=self.ca_org, CN="Dịch vụ OCSP (Thử nghiệm)"),
            eku=ExtendedKeyUsageOID.OCSP_SIGNING,
        )

    # -- issuing ---------------------------------------------------------------------------

    def issue_person(
        self,
        slug: str,
        full_name: str,
        *,
        agency: str,
        citizen_id: str,
        title: str | None = None,
        key_kind: str = "rsa",
        public_key: CertificatePublicKeyTypes | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> Issued:
        subject = _name(
            C="VN", O=agency, T=title or "", SERIAL=f"{PERSON_MARKERS[0]}{citizen_id}", CN=full_name
        )
        return self._leaf(slug, subject, key_kind, public_key, not_before, not_after)

    def issue_agency(
        self,
        slug: str,
        agency_name: str,
        agency_code: str,
        *,
        province: str | None = None,
        key_kind: str = "rsa",
        public_key: CertificatePublicKeyTypes | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> Issued:
        subject = _name(
            C="VN",
            ST=province or "",
            O=agency_name,
            SERIAL=f"{AGENCY_MARKERS[0]}{agency_code}",
            CN=agency_name,
        )
        return self._leaf(slug, subject, key_kind, public_key, not_before, not_after)

    def issue_expired_person(self, slug: str, full_name: str, **kwargs: object) -> Issued:
        now = dt.datetime.now(UTC)
        return self.issue_person(
            slug,
            full_name,
            not_before=now - dt.timedelta(days=800),
            not_after=now - dt.timedelta(days=1),
            **kwargs,  # type: ignore[arg-type]
        )

    def revoke(
        self,
        issued: Issued,
        *,
        reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
        at: dt.datetime | None = None,
    ) -> None:
        self.revoked[issued.cert.serial_number] = (
            at or dt.datetime.now(UTC) - dt.timedelta(minutes=1),
            reason,
        )

    def revocation_of(self, serial: int) -> tuple[dt.datetime, x509.ReasonFlags] | None:
        return self.revoked.get(serial)

    def crl(self, issuer: Issued) -> x509.CertificateRevocationList:
        """A fresh CRL for ``issuer`` (root or ca) listing the certificates it revoked."""
        assert issuer.key is not None
        now = dt.datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.cert.subject)
            .last_update(now - dt.timedelta(minutes=5))
            .next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
                critical=False,
            )
        )
        for leaf in [self.ca, self.tsa, self.ocsp, *self.leaves.values()]:
            entry = self.revoked.get(leaf.cert.serial_number)
            if entry is None or leaf.cert.issuer != issuer.cert.subject:
                continue
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(leaf.cert.serial_number)
                .revocation_date(entry[0])
                .add_extension(x509.CRLReason(entry[1]), critical=False)
                .build()
            )
        return builder.sign(issuer.key, hashes.SHA256())

    @property
    def chain(self) -> list[x509.Certificate]:
        """Intermediate first, then root: what a signer embeds next to its certificate."""
        return [self.ca.cert, self.root.cert]

    def write(self, directory: Path, password: str = DEFAULT_PASSWORD) -> Path:
        """root.pem, ca.pem, chain.pem, root.crl, ca.crl, and <slug>.pem + <slug>.p12 per leaf."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "root.pem").write_bytes(self.root.cert_pem)
        (directory / "ca.pem").write_bytes(self.ca.cert_pem)
        (directory / "chain.pem").write_bytes(self.ca.cert_pem + self.root.cert_pem)
        der = serialization.Encoding.DER
        (directory / "root.crl").write_bytes(self.crl(self.root).public_bytes(der))
        (directory / "ca.crl").write_bytes(self.crl(self.ca).public_bytes(der))
        for leaf in [self.tsa, self.ocsp, *self.leaves.values()]:
            (directory / f"{leaf.slug}.pem").write_bytes(leaf.cert_pem)
            if leaf.key is not None:
                (directory / f"{leaf.slug}.p12").write_bytes(leaf.pkcs12(password, self.chain))
        return directory

    # -- internals -------------------------------------------------------------------------

    def _leaf(
        self,
        slug: str,
        subject: x509.Name,
        key_kind: str = "rsa",
        public_key: CertificatePublicKeyTypes | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        eku: x509.ObjectIdentifier | None = None,
    ) -> Issued:
        key = None if public_key is not None else new_key(key_kind)
        cert = self._issue_cert(
            subject,
            public_key or key.public_key(),  # type: ignore[union-attr]
            issuer=self.ca,
            ca=False,
            crl_path="/crl/ca.crl",
            days=730,
            not_before=not_before,
            not_after=not_after,
            eku=eku,
        )
        issued = Issued(slug, cert, key)
        if eku is None:
            self.leaves[slug] = issued
        return issued

    def _issue_cert(
        self,
        subject: x509.Name,
        public_key: CertificatePublicKeyTypes,
        *,
        issuer: Issued,
        ca: bool,
        crl_path: str | None,
        days: int,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        eku: x509.ObjectIdentifier | None = None,
    ) -> x509.Certificate:
        now = dt.datetime.now(UTC)
        assert issuer.key is not None
        return self._build(
            subject,
            issuer.cert.subject,
            public_key,
            issuer.key,
            not_before or now - dt.timedelta(hours=1),
            not_after or now + dt.timedelta(days=days),
            ca=ca,
            crl_path=crl_path,
            eku=eku,
            ocsp=not ca and eku is None,
        )

    def _build(
        self,
        subject: x509.Name,
        issuer_name: x509.Name,
        public_key: CertificatePublicKeyTypes,
        issuer_key: CertificateIssuerPrivateKeyTypes,
        not_before: dt.datetime,
        not_after: dt.datetime,
        *,
        ca: bool,
        crl_path: str | None,
        eku: x509.ObjectIdentifier | None = None,
        ocsp: bool = False,
    ) -> x509.Certificate:
        root = subject == issuer_name
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=_path_length(ca, root)), True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                False,
            )
        )
        builder = builder.add_extension(_key_usage(ca, eku), critical=True)
        if eku is not None:
            # RFC 3161 §2.3: the TSA's EKU must be critical; OCSP signing need not be.
            critical = eku == ExtendedKeyUsageOID.TIME_STAMPING
            builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical)
        if eku == ExtendedKeyUsageOID.OCSP_SIGNING:
            builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
        if self.base_url and crl_path and eku != ExtendedKeyUsageOID.OCSP_SIGNING:
            point = x509.DistributionPoint(
                [x509.UniformResourceIdentifier(self.base_url + crl_path)], None, None, None
            )
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), False)
        if self.base_url and ocsp:
            access = x509.AccessDescription(
                AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(self.base_url + "/ocsp"),
            )
            builder = builder.add_extension(x509.AuthorityInformationAccess([access]), False)
        return builder.sign(issuer_key, hashes.SHA256())


def _path_length(ca: bool, root: bool) -> int | None:
    # the government CA issues end entities only; the root leaves room for other CAs
    if not ca or root:
        return None
    return 0


def _key_usage(ca: bool, eku: x509.ObjectIdentifier | None) -> x509.KeyUsage:
    signing = not ca
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing and eku != ExtendedKeyUsageOID.OCSP_SIGNING,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def build_untrusted_pki(base_url: str | None = None) -> DemoPki:
    """A look-alike hierarchy under a different root: its signatures must come out untrusted."""
    return DemoPki(
        base_url=base_url,
        root_name="Root CA Giả mạo (Không tin cậy)",
        ca_name="CA Giả mạo Chính phủ",
        ca_org="Tổ chức không được công nhận",
    )
