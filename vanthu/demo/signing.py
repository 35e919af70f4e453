"""Digital signatures in the demo: a test PKI, keys for every leader and every agency seal,
and the PKI's timestamp, CRL and OCSP services on loopback while the demo runs.

The PKI mimics the real hierarchy (a national root, the government CA, then agency and
personal certificates) and is generated on the demo machine at seeding time, never shipped.
Its CA, TSA and OCSP keys are kept in the variable-data directory so the services answer with
the same keys after a restart. Everything here is for demonstration only: the keys are
unprotected files and the password is the demo password.

Several demo deployments (the province and the ministry) share one PKI: VANTHU_DEMO_PKI_DIR
names the directory holding the root, CA, TSA and OCSP keys. The first deployment set up
creates them there; the next ones issue their leaves from the same CA, so each side's trust
store accepts the other's signatures. Each deployment keeps its own leaves (agency seals,
leaders' keys) in its own variable-data directory.
"""

from __future__ import annotations

import fcntl
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction

from vanthu.audit.events import record_event
from vanthu.demo import DEMO_PASSWORD
from vanthu.demo.stamps import seal_png, signature_png
from vanthu.directory.models import Agency, Membership, Role, User
from vanthu.documents.files import check_upload, store
from vanthu.signing import actions as signing
from vanthu.signing.models import SigningCredential, TrustedCertificate
from vanthu.signing.pki import DemoPki, Issued

PKI_PORT = 8001
CSC_PORT = 8002
SEAL_PASSWORD_ENV = "VANTHU_DEMO_SEAL_PASSWORD"
CSC_SECRET_ENV = "VANTHU_DEMO_CSC_SECRET"
CSC_CLIENT_ID = "vanthu-demo"
# The province chairman signs through the remote signing service (OTP on the demo console);
# every other leader types the key password, as with a token PIN.
REMOTE_SIGNER = "chutich.ubnd"
_SERVICE_SLUGS = ("root", "ca", "tsa", "ocsp")


PKI_DIR_ENV = "VANTHU_DEMO_PKI_DIR"


def pki_dir() -> Path:
    """Where the shared root, CA, TSA and OCSP keys live."""
    shared = os.environ.get(PKI_DIR_ENV, "")
    return Path(shared) if shared else keys_dir()


def keys_dir() -> Path:
    """Where this deployment's own keys live (PKCS#12 files of seals and leaders)."""
    return Path(settings.VAR_DIR) / "demo-pki"


def pki_url(port: int = PKI_PORT) -> str:
    return f"http://127.0.0.1:{port}"


@dataclass(frozen=True)
class SigningSetup:
    people: int
    agencies: int


def is_set_up() -> bool:
    return SigningCredential.objects.exists()


def set_up_signing(*, port: int = PKI_PORT) -> SigningSetup:
    """Issue certificates for every agency and every agency leader, register them as signing
    credentials with their images, and trust the demo root. Leaders type the demo password
    when they sign (like a token PIN); the seals are unlocked by the server."""
    os.environ.setdefault(SEAL_PASSWORD_ENV, DEMO_PASSWORD)
    pki = _shared_pki(port)
    # Only the agencies this deployment hosts: those imported from the hub's directory sign
    # in their own deployment.
    agencies = list(
        Agency.objects.filter(valid_to__isnull=True, exchange_channel="local").order_by("code")
    )
    for agency in agencies:
        pki.issue_agency(f"agency-{agency.pk}", agency.name, agency.code)
    leaders = list(
        User.objects.filter(
            memberships__in=Membership.objects.current().filter(role=Role.AGENCY_LEADER)
        )
        .distinct()
        .order_by("username")
    )
    for n, user in enumerate(leaders, start=1):
        agency = Membership.objects.current().filter(user=user).first().agency
        pki.issue_person(
            f"user-{user.pk}",
            user.full_name,
            agency=agency.name,
            citizen_id=f"0400{n:08d}",
        )
    directory = keys_dir()
    pki.write(directory, DEMO_PASSWORD)
    admin = User.objects.filter(is_superuser=True).first()
    with transaction.atomic():
        for root in (pki.root, pki.ca):
            _trust(root, admin)
        for agency in agencies:
            signing.register_credential(
                admin,
                agency=agency,
                kind="pkcs12",
                params={
                    "path": str(directory / f"agency-{agency.pk}.p12"),
                    "password_env": SEAL_PASSWORD_ENV,
                },
                image_png=seal_png(agency.name),
            )
        for user in leaders:
            if user.username == REMOTE_SIGNER:
                _register_remote(user, pki, admin)
                continue
            signing.register_credential(
                admin,
                user=user,
                kind="pkcs12",
                params={"path": str(directory / f"user-{user.pk}.p12")},
                image_png=signature_png(user.full_name),
                secret=DEMO_PASSWORD,
            )
    return SigningSetup(people=len(leaders), agencies=len(agencies))


def _shared_pki(port: int) -> DemoPki:
    """The demo PKI of pki_dir(): loaded when another deployment created it, else created
    and saved there. A file lock keeps two deployments set up at the same moment from each
    creating its own CA."""
    shared = pki_dir()
    shared.mkdir(parents=True, exist_ok=True)
    with open(shared / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (shared / "ca.key").exists():
            return load_pki(shared, port=port)
        pki = DemoPki(base_url=pki_url(port))
        pki.write(shared, DEMO_PASSWORD)
        _save_service_keys(pki, shared)
        return pki


def _register_remote(user: User, pki: DemoPki, admin: User | None) -> None:
    """A CSC credential: the key lives in the remote service (the demo runs one on loopback),
    VanThu keeps the certificate and the image. Its certificate is the one the service will
    report, taken here from the PKI rather than asked from a service not yet running."""
    issued = pki.leaves[f"user-{user.pk}"]
    image = check_upload("chu-ky.png", signature_png(user.full_name), allowed={"image/png"})
    credential = SigningCredential.objects.create(
        user=user,
        kind=SigningCredential.Kind.CSC,
        params={
            "service_url": f"http://127.0.0.1:{CSC_PORT}/csc/v2",
            "credential_id": issued.slug,
            "client_id": CSC_CLIENT_ID,
            "client_secret_env": CSC_SECRET_ENV,
        },
        certificate_pem=issued.cert_pem.decode(),
        image_storage_name=store(image),
        image_sha256=image.sha256,
    )
    record_event(
        "signing.credential_registered",
        credential,
        actor=admin,
        after={"kind": "csc", "subject": issued.cert.subject.rfc4514_string()},
    )


def _trust(issued: Issued, admin: User | None) -> None:
    cert = issued.cert
    TrustedCertificate.objects.get_or_create(
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
        defaults={
            "role": "root" if issued.slug == "root" else "intermediate",
            "certificate_pem": issued.cert_pem.decode(),
            "subject": cert.subject.rfc4514_string(),
            "issuer": cert.issuer.rfc4514_string(),
            "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc,
            "note": "CA thử nghiệm của bản trình diễn",
            "added_by": admin,
        },
    )


def _save_service_keys(pki: DemoPki, directory: Path) -> None:
    for issued in (pki.root, pki.ca, pki.tsa, pki.ocsp):
        assert issued.key is not None
        key = directory / f"{issued.slug}.key"
        key.write_bytes(
            issued.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key.chmod(0o600)
        (directory / f"{issued.slug}.pem").write_bytes(issued.cert_pem)


def load_pki(directory: Path | None = None, *, port: int = PKI_PORT) -> DemoPki:
    """The demo PKI as saved by ``set_up_signing``: enough to run its TSA, CRL and OCSP."""
    directory = directory or pki_dir()
    parts: dict[str, Issued] = {}
    for slug in _SERVICE_SLUGS:
        cert = x509.load_pem_x509_certificate((directory / f"{slug}.pem").read_bytes())
        key = serialization.load_pem_private_key((directory / f"{slug}.key").read_bytes(), None)
        parts[slug] = Issued(slug, cert, key)  # type: ignore[arg-type]
    pki = DemoPki.__new__(DemoPki)  # the saved hierarchy, not a freshly generated one
    pki.base_url = pki_url(port)
    pki.root, pki.ca, pki.tsa, pki.ocsp = (parts[s] for s in _SERVICE_SLUGS)
    pki.leaves = {}
    pki.revoked = {}
    return pki


@dataclass
class DemoServices:
    """The PKI responders and the remote signing service running beside the demo server."""

    pki: object
    csc: object | None

    @property
    def urls(self) -> list[str]:
        urls = [f"TSA, CRL, OCSP thử nghiệm: {self.pki.base_url}"]  # type: ignore[attr-defined]
        if self.csc is not None:
            urls.append(f"Ký số từ xa (CSC API v2): {self.csc.base_url}")  # type: ignore[attr-defined]
        return urls

    def stop(self) -> None:
        self.pki.stop()  # type: ignore[attr-defined]
        if self.csc is not None:
            self.csc.stop()  # type: ignore[attr-defined]


def start_services(*, port: int = PKI_PORT, csc_port: int = CSC_PORT) -> DemoServices | None:
    """Start the demo PKI's TSA, CRL and OCSP responders and the remote signing service on
    loopback, and point signing at the TSA (PAdES B-T). None when the demo has no PKI yet.

    The environment set here is inherited by the web server processes started afterwards."""
    from vanthu.signing.csc_server import CscServer
    from vanthu.signing.servers import PkiServices

    if not (pki_dir() / "tsa.key").exists():
        return None
    services = PkiServices(port=port)
    services.attach(load_pki(port=port))
    os.environ.setdefault(SEAL_PASSWORD_ENV, DEMO_PASSWORD)
    os.environ.setdefault("VANTHU_TSA_URL", services.tsa_url)
    os.environ.setdefault("VANTHU_SIGNATURE_LEVEL", "B-T")
    os.environ.setdefault(CSC_SECRET_ENV, DEMO_PASSWORD)
    csc = None
    remote = SigningCredential.objects.filter(kind=SigningCredential.Kind.CSC, active=True)
    if remote.exists():
        csc = CscServer(
            client_id=CSC_CLIENT_ID,
            client_secret=os.environ[CSC_SECRET_ENV],
            port=csc_port,
            deliver_otp=_print_otp,
        )
        for credential in remote:
            slug = credential.params["credential_id"]
            csc.add_pkcs12(slug, keys_dir() / f"{slug}.p12", DEMO_PASSWORD)
        csc.start()
    return DemoServices(services, csc)


def _print_otp(credential, otp: str) -> None:
    # What a real service would text to the signer's phone.
    names = credential.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    name = names[0].value if names else credential.credential_id
    sys.stdout.write(f"[SMS] Mã OTP ký số của {name}: {otp}\n")
    sys.stdout.flush()
