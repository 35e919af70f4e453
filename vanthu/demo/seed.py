"""Fill an empty database with the demo province, driving the real actions.

Agencies, departments and people are created directly (that is configuration, not workflow);
every document goes through vanthu.documents.actions exactly as users would click it, so the
numbers, registers, deliveries and audit trail are the real ones. backdate.finish() then moves
the year's work to its planned dates.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from vanthu.demo import DEMO_PASSWORD
from vanthu.demo.accounts import PAST_ROLES, POSITIONS, demo_accounts
from vanthu.demo.backdate import Ledger, finish
from vanthu.demo.data import ALL_AGENCIES, HOLIDAYS, PROVINCE
from vanthu.demo.pdfs import TemplatePdfs
from vanthu.demo.plan import plan_outgoing, plan_paper
from vanthu.demo.run import Runner
from vanthu.demo.worktime import OfficeClock
from vanthu.directory.models import Agency, Department, Membership, Position, User
from vanthu.documents.models import Document


class AlreadySeeded(Exception):
    pass


@dataclass
class World:
    agencies: dict[str, Agency] = field(default_factory=dict)
    departments: dict[tuple[str, str], Department] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


@dataclass
class SeedResult:
    agencies: int
    users: int
    documents: int  # drafted outgoing + registered paper incoming
    received_copies: int
    seconds: float


def is_seeded() -> bool:
    return Agency.objects.filter(code=PROVINCE.code).exists()


def seed_demo(documents: int = 300, *, now: datetime | None = None) -> SeedResult:
    """Seed the demo province with `documents` documents over the twelve months before `now`."""
    if documents < 10:
        raise ValueError("the demo needs at least 10 documents")
    if is_seeded():
        raise AlreadySeeded("Dữ liệu trình diễn đã có trong cơ sở dữ liệu.")
    started = time.perf_counter()
    now = now or timezone.now()
    today = timezone.localdate(now)
    # The year ends with the last working day before today, so that every seed made on the
    # same day produces the same province, whatever the hour.
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=timezone.get_default_timezone())
    clock = OfficeClock(today - timedelta(days=365), midnight, HOLIDAYS)
    rng = random.Random(2026)
    paper_count = max(2, documents * 12 // 100)
    outgoing = plan_outgoing(rng, clock, documents - paper_count)
    paper = plan_paper(rng, clock, paper_count)
    with transaction.atomic():
        world = build_directory(now)
        ledger = Ledger()
        runner = Runner(world, clock, ledger, TemplatePdfs(), rng)
        runner.run(outgoing, paper)
        ids = {a.pk for a in world.agencies.values()}
        finish(ledger, ids, runner.due_dates)
    return SeedResult(
        agencies=len(world.agencies),
        users=len(world.users),
        documents=len(outgoing) + len(paper),
        received_copies=Document.objects.filter(source_delivery__isnull=False).count(),
        seconds=time.perf_counter() - started,
    )


def build_directory(now: datetime) -> World:
    world = World()
    positions = {
        name: Position.objects.get_or_create(name=name, defaults={"rank": rank})[0]
        for name, rank in POSITIONS.items()
    }
    for spec in ALL_AGENCIES:
        world.agencies[spec.slug] = Agency.objects.create(
            code=spec.code,
            name=spec.name,
            abbreviation=spec.abbreviation,
            kind=spec.kind,
            parent=None if spec is PROVINCE else world.agencies[PROVINCE.slug],
            email=spec.email,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
        )
    for spec in ALL_AGENCIES:
        if spec.successor:
            agency = world.agencies[spec.slug]
            agency.successor = world.agencies[spec.successor]
            agency.save(update_fields=["successor"])
        for code, name in spec.departments:
            world.departments[(spec.slug, code)] = Department.objects.create(
                agency=world.agencies[spec.slug], code=code, name=name
            )
    # One hash for all: every demo account shares the published password, so per-user salts
    # would protect nothing, and hashing a hundred times would take most of a minute.
    password = make_password(DEMO_PASSWORD)
    joined = now - timedelta(days=400)
    accounts = demo_accounts()
    users = User.objects.bulk_create(
        User(
            username=a.username,
            full_name=a.full_name,
            first_name=a.full_name.rsplit(" ", 1)[-1],
            last_name=a.full_name.rsplit(" ", 1)[0],
            email=f"{a.username}@nghean.gov.vn",
            password=password,
            is_staff=a.role == "admin",
            is_superuser=a.role == "admin",
            date_joined=joined,
        )
        for a in accounts
    )
    world.users = {u.username: u for u in users}
    specs = {s.slug: s for s in ALL_AGENCIES}
    memberships = [
        Membership(
            user=world.users[a.username],
            agency=world.agencies[a.agency],
            department=world.departments.get((a.agency, a.department)) if a.department else None,
            position=positions[a.position],
            role=a.role,
            valid_from=specs[a.agency].valid_from,
        )
        for a in accounts
    ]
    memberships += [
        Membership(
            user=world.users[p.username],
            agency=world.agencies[p.agency],
            position=positions[p.position],
            role=p.role,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
        )
        for p in PAST_ROLES
    ]
    Membership.objects.bulk_create(memberships)
    Agency.objects.filter(pk__in=[a.pk for a in world.agencies.values()]).update(created_at=joined)
    return world
