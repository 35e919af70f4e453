"""The demo's second deployment: a ministry (Bộ Nội vụ) with its own database, exchanging with
the province through the hub.

Kept deliberately small (one agency, four units, a handful of people): it exists so that a
newcomer sees a document cross deployments and its statuses come back, not to be browsed
for a year of history as the province is. Configuration is created directly, as in seed.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vanthu.demo import DEMO_PASSWORD
from vanthu.demo.accounts import NameMaker
from vanthu.directory.models import Agency, Department, Membership, Position, Role, User


@dataclass(frozen=True)
class MinistryAccount:
    username: str
    role: str
    position: str
    department: str | None = None  # Department code
    featured: bool = True


CODE = "000.00.00.G09"  # QCVN 102: G09 = Bộ Nội vụ
NAME = "Bộ Nội vụ"
ABBREVIATION = "BNV"
EMAIL = "vanthu@moha.gov.vn"
DEPARTMENTS = (
    ("VP", "Văn phòng Bộ"),
    ("CQDP", "Vụ Chính quyền địa phương"),
    ("TCBC", "Vụ Tổ chức - Biên chế"),
    ("CCVC", "Vụ Công chức - Viên chức"),
)
POSITIONS = {
    "Bộ trưởng": 1,
    "Thứ trưởng": 2,
    "Vụ trưởng": 9,
    "Chuyên viên": 30,
    "Văn thư": 40,
    "Quản trị hệ thống": 50,
}
ACCOUNTS = (
    MinistryAccount("vanthu.bnv", Role.CLERK, "Văn thư", "VP"),
    MinistryAccount("botruong.bnv", Role.AGENCY_LEADER, "Bộ trưởng"),
    MinistryAccount("thutruong.bnv", Role.AGENCY_LEADER, "Thứ trưởng"),
    MinistryAccount("vutruong.cqdp.bnv", Role.DEPARTMENT_LEADER, "Vụ trưởng", "CQDP"),
    MinistryAccount("chuyenvien.cqdp.bnv", Role.SPECIALIST, "Chuyên viên", "CQDP"),
    MinistryAccount("vutruong.tcbc.bnv", Role.DEPARTMENT_LEADER, "Vụ trưởng", "TCBC", False),
    MinistryAccount("chuyenvien.tcbc.bnv", Role.SPECIALIST, "Chuyên viên", "TCBC", False),
    MinistryAccount("quantri.bnv", Role.ADMIN, "Quản trị hệ thống"),
)
# The clerk, the leader who assigns, and the handler used by the seeded exchange.
CLERK, LEADER, DEPARTMENT_LEADER, HANDLER = (
    "vanthu.bnv",
    "thutruong.bnv",
    "vutruong.cqdp.bnv",
    "chuyenvien.cqdp.bnv",
)


def full_names() -> dict[str, str]:
    """Stable names from their own seed, so they never repeat the province's."""
    names = NameMaker(seed=2045)
    return {a.username: names.next() for a in ACCOUNTS}


class AlreadySeeded(Exception):
    pass


@dataclass(frozen=True)
class MinistrySeed:
    agencies: int
    users: int


def is_seeded() -> bool:
    return Agency.objects.filter(code=CODE, exchange_channel="local").exists()


def seed_ministry() -> MinistrySeed:
    """Create the ministry, its units and its people in an empty database."""
    if is_seeded():
        raise AlreadySeeded("Dữ liệu trình diễn của Bộ đã có trong cơ sở dữ liệu.")
    joined = timezone.now() - timedelta(days=400)
    names = full_names()
    with transaction.atomic():
        positions = {
            name: Position.objects.get_or_create(name=name, defaults={"rank": rank})[0]
            for name, rank in POSITIONS.items()
        }
        ministry = Agency.objects.create(
            code=CODE,
            name=NAME,
            abbreviation=ABBREVIATION,
            kind=Agency.Kind.MINISTRY,
            email=EMAIL,
            exchange_channel="local",
        )
        units = {
            code: Department.objects.create(agency=ministry, code=code, name=name)
            for code, name in DEPARTMENTS
        }
        password = make_password(DEMO_PASSWORD)  # one hash: the password is published
        users = User.objects.bulk_create(
            User(
                username=a.username,
                full_name=names[a.username],
                first_name=names[a.username].rsplit(" ", 1)[-1],
                last_name=names[a.username].rsplit(" ", 1)[0],
                email=f"{a.username}@moha.gov.vn",
                password=password,
                is_staff=a.role == Role.ADMIN,
                is_superuser=a.role == Role.ADMIN,
                date_joined=joined,
            )
            for a in ACCOUNTS
        )
        by_name = {u.username: u for u in users}
        Membership.objects.bulk_create(
            Membership(
                user=by_name[a.username],
                agency=ministry,
                department=units[a.department] if a.department else None,
                position=positions[a.position],
                role=a.role,
                valid_from=date(2000, 1, 1),
            )
            for a in ACCOUNTS
        )
    return MinistrySeed(agencies=1, users=len(users))
