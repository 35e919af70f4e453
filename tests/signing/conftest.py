"""Session fixtures of the signing tests: loopback PKI services, the test PKI (generated, never
committed), loaded signers, sample inputs, and a SoftHSM2 token directory of our own."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import load_der_public_key

from tests.signing import tools
from vanthu.signing import pades
from vanthu.signing.backends import LoadedSigner, get_signer
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki, Issued, build_untrusted_pki
from vanthu.signing.servers import PkiServices

SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"
SO_PIN = "13579135"


@pytest.fixture(scope="session")
def services():
    with PkiServices() as running:
        yield running


@dataclass
class Pki:
    pki: DemoPki
    directory: Path
    person: Issued
    agency: Issued
    expired: Issued
    revoked: Issued
    untrusted: DemoPki
    untrusted_person: Issued


@pytest.fixture(scope="session")
def test_pki(services, tmp_path_factory) -> Pki:
    pki = DemoPki(base_url=services.base_url)
    org = "Ủy ban nhân dân tỉnh Thử nghiệm"
    person = pki.issue_person(
        "nguyen-van-an",
        "Nguyễn Văn An",
        agency=org,
        citizen_id="001085012345",
        title="Phó Chủ tịch",
    )
    agency = pki.issue_agency("ubnd-tinh", org, "000.00.00.H99", province="Thử nghiệm")
    expired = pki.issue_expired_person(
        "het-han", "Trần Thị Bình", agency=org, citizen_id="001190000002"
    )
    revoked = pki.issue_person("thu-hoi", "Lê Văn Cường", agency=org, citizen_id="001190000003")
    services.attach(pki)
    untrusted = build_untrusted_pki()
    untrusted_person = untrusted.issue_person(
        "gia-mao", "Nguyễn Văn An", agency=org, citizen_id="001085012345"
    )
    directory = pki.write(tmp_path_factory.mktemp("pki"))
    return Pki(pki, directory, person, agency, expired, revoked, untrusted, untrusted_person)


def _load(test_pki: Pki, slug: str) -> LoadedSigner:
    return get_signer("pkcs12", path=test_pki.directory / f"{slug}.p12", password=DEFAULT_PASSWORD)


@pytest.fixture(scope="session")
def person_signer(test_pki) -> LoadedSigner:
    return _load(test_pki, "nguyen-van-an")


@pytest.fixture(scope="session")
def agency_signer(test_pki) -> LoadedSigner:
    return _load(test_pki, "ubnd-tinh")


@pytest.fixture(scope="session")
def sample() -> tools.SampleDocument:
    return tools.decree_pdf()


@pytest.fixture(scope="session")
def images() -> dict[str, bytes]:
    return {"signature": tools.signature_png(), "seal": tools.seal_png()}


@pytest.fixture(scope="session")
def personally_signed(sample, images, person_signer) -> bytes:
    return pades.sign_personal(
        sample.pdf,
        person_signer,
        image_png=images["signature"],
        box=sample.personal_box,
        page=1,
        capacity_text="KT. CHỦ TỊCH",
        position="PHÓ CHỦ TỊCH",
        location="Thử nghiệm",
        field_layout=sample.fields,
    )


@pytest.fixture(scope="session")
def issued(personally_signed, images, agency_signer, services) -> bytes:
    """The complete document: personal B-B, then number/date and the agency seal, B-T."""
    return pades.fill_number_and_sign_agency(
        personally_signed,
        agency_signer,
        number_text="05/QĐ-UBND",
        date_text="Thử nghiệm, ngày 05 tháng 3 năm 2026",
        seal_png=images["seal"],
        timestamp_url=services.tsa_url,
    )


# -- SoftHSM2 -----------------------------------------------------------------------------------


@dataclass
class Token:
    label: str
    key_label: str
    issued: Issued


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory, test_pki) -> dict[str, Token]:
    """Two tokens in a private token directory: an imported RSA key with its certificate, and
    an EC P-256 key generated on the token with a certificate issued for its public key.

    SoftHSM reads SOFTHSM2_CONF once, when the module is first initialised in this process, so
    every token is created here, before any test opens the module."""
    util = tools.require_tool("softhsm2-util")
    p11tool = tools.require_tool("pkcs11-tool")
    if not Path(SOFTHSM_MODULE).exists():
        tools.unavailable(f"thiếu thư viện PKCS#11 {SOFTHSM_MODULE} (apt-get install softhsm2)")
    base = tmp_path_factory.mktemp("softhsm")
    (base / "tokens").mkdir()
    conf = base / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {base / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)

    def run(*args: str) -> None:
        subprocess.run(args, check=True, capture_output=True, timeout=60)

    def p11(label: str, *args: str) -> None:
        run(
            p11tool,
            "--module",
            SOFTHSM_MODULE,
            "--token-label",
            label,
            "--login",
            "--pin",
            PIN,
            *args,
        )

    for label in ("vanthu-rsa", "vanthu-ec"):
        run(util, "--init-token", "--free", "--label", label, "--pin", PIN, "--so-pin", SO_PIN)

    key_pem = base / "key.pem"
    key_pem.write_bytes(test_pki.person.key_pkcs8_pem())
    run(util, "--import", str(key_pem), "--token", "vanthu-rsa", "--label", "ky-ca-nhan",
        "--id", "01", "--pin", PIN)  # fmt: skip
    key_pem.unlink()
    (base / "rsa.der").write_bytes(test_pki.person.cert_der)
    p11("vanthu-rsa", "--write-object", str(base / "rsa.der"), "--type", "cert", "--id", "01",
        "--label", "ky-ca-nhan")  # fmt: skip

    p11(
        "vanthu-ec", "--keypairgen", "--key-type", "EC:prime256v1", "--id", "02", "--label", "ky-ec"
    )
    p11("vanthu-ec", "--read-object", "--type", "pubkey", "--id", "02", "-o", str(base / "ec.pub"))
    ec_cert = test_pki.pki.issue_person(
        "token-ec",
        "Phạm Thị Dung",
        agency="Sở Tài chính tỉnh Thử nghiệm",
        citizen_id="001190000004",
        public_key=load_der_public_key((base / "ec.pub").read_bytes()),  # type: ignore[arg-type]
    )
    (base / "ec.der").write_bytes(ec_cert.cert_der)
    p11("vanthu-ec", "--write-object", str(base / "ec.der"), "--type", "cert", "--id", "02",
        "--label", "ky-ec")  # fmt: skip
    return {
        "rsa": Token("vanthu-rsa", "ky-ca-nhan", test_pki.person),
        "ec": Token("vanthu-ec", "ky-ec", ec_cert),
    }
