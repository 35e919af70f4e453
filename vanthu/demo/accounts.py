"""The demo logins, computed from data.py alone so that the seed, the `vanthu demo` banner and
docs/DEMO_ACCOUNTS.md always list exactly the same accounts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from vanthu.demo import DEMO_PASSWORD
from vanthu.demo.data import (
    ACTIVE,
    COMMUNES,
    DEPARTMENTS,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    PROVINCE,
    REFORM_DAY,
    AgencySpec,
)
from vanthu.directory.models import Role

# Position name → rank (lower is more senior), shared with the test personas' names.
POSITIONS = {
    "Chủ tịch": 1,
    "Phó Chủ tịch": 2,
    "Giám đốc": 3,
    "Phó Giám đốc": 4,
    "Chánh Văn phòng": 8,
    "Trưởng phòng": 10,
    "Chuyên viên": 30,
    "Văn thư": 40,
    "Quản trị hệ thống": 50,
}

FEATURED = {
    "vanthu.ubnd",
    "chutich.ubnd",
    "phochutich1.ubnd",
    "truongphong.kt.ubnd",
    "chuyenvien.kt.ubnd",
    "vanthu.stc",
    "giamdoc.stc",
    "truongphong.stc",
    "chuyenvien.stc",
    "vanthu.hungnguyen",
    "chutich.hungnguyen",
    "chuyenvien.hungnguyen",
    "quantri",
}


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    agency: str  # AgencySpec.slug
    role: str
    position: str
    department: str | None = None  # Department code inside the agency

    @property
    def featured(self) -> bool:
        return self.username in FEATURED


@dataclass(frozen=True)
class PastRole:
    """A role held before the 2025 reform, in an agency that no longer exists."""

    username: str
    agency: str
    role: str
    position: str
    valid_from: date
    valid_to: date


PAST_ROLES = (
    PastRole(
        "chutich.hungnguyen",
        "huyen-hungnguyen",
        Role.AGENCY_LEADER,
        "Chủ tịch",
        date(2021, 7, 1),
        date(2025, 6, 30),
    ),
    PastRole(
        "phochutich.cualo",
        "thixa-cualo",
        Role.AGENCY_LEADER,
        "Phó Chủ tịch",
        date(2021, 7, 1),
        date(2025, 6, 30),
    ),
)


class NameMaker:
    """Distinct, plausible Vietnamese full names from a seeded generator."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def next(self) -> str:
        while True:
            female = self.rng.random() < 0.45
            middle = FEMALE_MIDDLE if female else MALE_MIDDLE
            given = FEMALE_GIVEN if female else MALE_GIVEN
            name = f"{self.rng.choice(FAMILY_NAMES)} {self.rng.choice(middle)} {self.rng.choice(given)}"
            if name not in self.used:
                self.used.add(name)
                return name


def _province_accounts(names: NameMaker) -> list[Account]:
    s = PROVINCE.slug
    accounts = [
        Account(f"vanthu.{s}", names.next(), s, Role.CLERK, "Văn thư", "VP"),
        Account(f"chutich.{s}", names.next(), s, Role.AGENCY_LEADER, "Chủ tịch"),
    ]
    accounts += [
        Account(f"phochutich{i}.{s}", names.next(), s, Role.AGENCY_LEADER, "Phó Chủ tịch")
        for i in (1, 2, 3)
    ]
    accounts.append(
        Account(
            f"chanhvanphong.{s}", names.next(), s, Role.DEPARTMENT_LEADER, "Chánh Văn phòng", "VP"
        )
    )
    for unit, _ in PROVINCE.departments[1:]:
        accounts.append(
            Account(
                f"truongphong.{unit.lower()}.{s}",
                names.next(),
                s,
                Role.DEPARTMENT_LEADER,
                "Trưởng phòng",
                unit,
            )
        )
    for unit, _ in PROVINCE.departments:
        accounts.append(
            Account(
                f"chuyenvien.{unit.lower()}.{s}",
                names.next(),
                s,
                Role.SPECIALIST,
                "Chuyên viên",
                unit,
            )
        )
    accounts.append(Account("quantri", names.next(), s, Role.ADMIN, "Quản trị hệ thống"))
    return accounts


def _unit_accounts(spec: AgencySpec, names: NameMaker, head: str, deputy: str) -> list[Account]:
    s = spec.slug
    unit = spec.departments[1][0]
    return [
        Account(f"vanthu.{s}", names.next(), s, Role.CLERK, "Văn thư", "VP"),
        Account(f"{_ascii(head)}.{s}", names.next(), s, Role.AGENCY_LEADER, head),
        Account(f"{_ascii(deputy)}.{s}", names.next(), s, Role.AGENCY_LEADER, deputy),
        Account(f"truongphong.{s}", names.next(), s, Role.DEPARTMENT_LEADER, "Trưởng phòng", unit),
        Account(f"chuyenvien.{s}", names.next(), s, Role.SPECIALIST, "Chuyên viên", unit),
    ]


def _ascii(position: str) -> str:
    return {
        "Giám đốc": "giamdoc",
        "Phó Giám đốc": "phogiamdoc",
        "Chủ tịch": "chutich",
        "Phó Chủ tịch": "phochutich",
    }[position]


def demo_accounts() -> list[Account]:
    """Every demo login, in a stable order (province, departments, communes)."""
    names = NameMaker()
    accounts = _province_accounts(names)
    for spec in DEPARTMENTS:
        accounts += _unit_accounts(spec, names, "Giám đốc", "Phó Giám đốc")
    for spec in COMMUNES:
        accounts += _unit_accounts(spec, names, "Chủ tịch", "Phó Chủ tịch")
    return accounts


def _agency_names() -> dict[str, str]:
    return {spec.slug: spec.name for spec in ACTIVE}


def accounts_markdown(*, featured_only: bool = False) -> str:
    """The table of demo logins as Markdown (docs/DEMO_ACCOUNTS.md, README)."""
    agency_names = _agency_names()
    rows = [
        "| Username | Password | Agency | Role | Position | Name |",
        "|---|---|---|---|---|---|",
    ]
    for a in demo_accounts():
        if featured_only and not a.featured:
            continue
        rows.append(
            f"| `{a.username}` | `{DEMO_PASSWORD}` | {agency_names[a.agency]} | "
            f"{Role(a.role).label} (`{a.role}`) | {a.position} | {a.full_name} |"
        )
    return "\n".join(rows) + "\n"


def accounts_document() -> str:
    """The whole of docs/DEMO_ACCOUNTS.md."""
    accounts = demo_accounts()
    return (
        "# Demo accounts\n\n"
        "<!-- Generated by `vanthu manage demo_accounts --output docs/DEMO_ACCOUNTS.md`;"
        " do not edit by hand. -->\n\n"
        f"`vanthu demo` seeds these {len(accounts)} accounts in the demo province (Nghệ An after"
        f" the reform of {REFORM_DAY:%d/%m/%Y}). Every account uses the password"
        f" **`{DEMO_PASSWORD}`**.\n\n"
        "Two accounts also held roles in units abolished on 30/06/2025 (UBND huyện Hưng"
        " Nguyên, UBND thị xã Cửa Lò), kept as history.\n\n" + accounts_markdown()
    )
