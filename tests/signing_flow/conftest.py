"""Fixtures of the signed document flow: a test PKI written to a temporary directory, and
signing credentials for UBND tỉnh's chairman (typed password) and for UBND tỉnh itself
(seal unlocked by the server through an environment variable)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.signing import tools
from vanthu.signing import actions as signing
from vanthu.signing.pki import DEFAULT_PASSWORD, DemoPki

SEAL_ENV = "VANTHU_TEST_SEAL_UBND"


@dataclass
class FlowPki:
    pki: DemoPki
    directory: Path

    @property
    def root_pem(self) -> Path:
        return self.directory / "root.pem"

    def p12(self, slug: str) -> str:
        return str(self.directory / f"{slug}.p12")


@pytest.fixture(scope="session")
def flow_pki(tmp_path_factory) -> FlowPki:
    pki = DemoPki()
    org = "Ủy ban nhân dân tỉnh Nghệ An"
    pki.issue_person(
        "leader-ubnd", "Trần Văn Chủ Tịch", agency=org, citizen_id="040080001234", title="Chủ tịch"
    )
    pki.issue_agency("ubnd", org, "000.00.00.H41", province="Nghệ An")
    return FlowPki(pki, pki.write(tmp_path_factory.mktemp("flow-pki")))


@pytest.fixture
def trusted(settings, flow_pki):
    settings.VANTHU_TRUST_ROOTS = [str(flow_pki.root_pem)]
    return flow_pki


@pytest.fixture
def personal_credential(world, flow_pki):
    return signing.register_credential(
        world.admin,
        user=world.leader_ubnd,
        kind="pkcs12",
        params={"path": flow_pki.p12("leader-ubnd")},
        image_png=tools.signature_png(),
        secret=DEFAULT_PASSWORD,
    )


@pytest.fixture
def agency_credential(world, flow_pki, monkeypatch):
    monkeypatch.setenv(SEAL_ENV, DEFAULT_PASSWORD)
    return signing.register_credential(
        world.admin,
        agency=world.ubnd,
        kind="pkcs12",
        params={"path": flow_pki.p12("ubnd"), "password_env": SEAL_ENV},
        image_png=tools.seal_png(),
    )
