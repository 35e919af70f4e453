"""The demo year on paper: which document each agency writes or receives, when, to whom, and
how far along the workflow it gets. Pure planning: nothing here touches the database, and the
same seed date always gives the same plan (random.Random(2026))."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from vanthu.demo.data import (
    ACTIVE,
    COMMUNES,
    DEPARTMENTS,
    NORMATIVE_SUBJECTS,
    OUTSIDE_ISSUERS,
    PROVINCE,
    PROVINCE_UNIT_FOR_DOMAIN,
    REVIEW_REMARKS,
    SECRET_SUBJECTS,
    SUBJECT_TEMPLATES,
    SUBJECTS,
    TYPE_WEIGHTS,
    AgencySpec,
)
from vanthu.demo.worktime import OfficeClock
from vanthu.documents.models import Secrecy, Status, Urgency

FEATURED_AGENCIES = ("ubnd", "stc", "hungnguyen")
PENDING_STATES = (
    Status.DRAFT,
    Status.CONTENT_REVIEW,
    Status.FORM_CHECK,
    Status.AWAITING_SIGNATURE,
    Status.APPROVED,
)
COPY_STATES = (Status.ARRIVED, Status.REGISTERED, Status.PRESENTED, Status.FORWARDED)
RECENT_DAYS = 3  # work of the last working days is still in the queues
SPEC = {spec.slug: spec for spec in ACTIVE}


@dataclass
class OutgoingPlan:
    issuer: AgencySpec
    type_code: str
    subject: str
    domain: str
    unit: str  # drafting department code
    leader: str  # "head" or "deputy1".. (the signer)
    urgency: str
    secrecy: str = Secrecy.NORMAL
    is_normative: bool = False
    recipients: list[str] = field(default_factory=list)  # agency slugs
    at: int = 0  # working-minute index of issue (or of the last step reached)
    state: str = Status.ISSUED
    returned: str = ""  # remark when the draft was sent back once
    due_days: int | None = None
    issued_amount: int = 1
    fresh: bool = False  # issued in the last days: recipients are still handling it


@dataclass
class PaperPlan:
    agency: str
    issuer: str
    type_code: str
    number: int
    notation: str
    subject: str
    signer_position: str
    domain: str
    urgency: str
    secrecy: str = Secrecy.NORMAL
    at: int = 0  # arrival
    age_days: int = 2  # issued this many days before arrival
    due_days: int | None = None


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _urgency(rng: random.Random) -> str:
    return rng.choices(
        [Urgency.NORMAL, Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH],
        weights=[76, 15, 6, 3],
    )[0]


def subject_for(rng: random.Random, type_code: str, domain: str, day: date) -> str:
    pool = SUBJECTS[domain]
    template = rng.choice(SUBJECT_TEMPLATES[type_code])
    next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return template.format(
        task=rng.choice(pool["tasks"]),
        approval=rng.choice(pool["approvals"]),
        quarter=("I", "II", "III", "IV")[(day.month - 1) // 3],
        month=next_month.month,  # a schedule is published for the coming month
        year=next_month.year,
        storm=rng.randint(3, 12),
    )


def _issuer(rng: random.Random) -> AgencySpec:
    roll = rng.random()
    if roll < 0.24:
        return PROVINCE
    if roll < 0.72:
        return rng.choice(DEPARTMENTS)
    return rng.choice(COMMUNES)


def _domain_and_unit(rng: random.Random, issuer: AgencySpec) -> tuple[str, str]:
    if issuer is PROVINCE:
        domain = rng.choice([d.domain for d in DEPARTMENTS])
        return domain, PROVINCE_UNIT_FOR_DOMAIN[domain]
    if issuer.kind == "province_department":
        return issuer.domain, issuer.departments[1][0]
    return rng.choice(("local", "local", "local", "stc", "snnmt", "syt", "sgddt")), "KT"


def _recipients(rng: random.Random, plan: OutgoingPlan) -> list[str]:
    issuer, domain = plan.issuer, plan.domain
    communes = [c.slug for c in COMMUNES]
    departments = [d.slug for d in DEPARTMENTS]
    if plan.type_code == "CD":
        return ["snnmt", *communes]
    if issuer is PROVINCE:
        chosen = {domain} | set(rng.sample(departments + communes, rng.randint(0, 3)))
        if plan.type_code == "CT":
            chosen |= set(rng.sample(communes, 3))
    elif issuer.kind == "province_department":
        if plan.type_code in ("TTR", "BC"):
            chosen = {"ubnd"}
        elif rng.random() < 0.5:
            chosen = {"ubnd", *rng.sample(communes, rng.randint(1, 2))}
        else:
            chosen = set(rng.sample(communes + departments, rng.randint(1, 3)))
    else:
        target = "ubnd" if domain == "local" else domain
        chosen = {target} if plan.type_code in ("TTR", "BC") else {target, "ubnd"}
    chosen.discard(issuer.slug)
    return sorted(chosen) or ["ubnd"]


def plan_outgoing(rng: random.Random, clock: OfficeClock, count: int) -> list[OutgoingPlan]:
    plans = []
    last = clock.last
    for _ in range(count):
        issuer = _issuer(rng)
        kind = {"province_committee": "province", "province_department": "department"}.get(
            issuer.kind, "commune"
        )
        type_code = _weighted(rng, TYPE_WEIGHTS[kind])
        domain, unit = _domain_and_unit(rng, issuer)
        if type_code == "CD":  # công điện: storms and floods
            domain, unit = "snnmt", "KT"
        at = rng.randint(clock.days_index(5), last)
        plan = OutgoingPlan(
            issuer=issuer,
            type_code=type_code,
            subject=subject_for(rng, type_code, domain, clock.at(at).date()),
            domain=domain,
            unit=unit,
            leader="head" if rng.random() < 0.55 else "deputy",
            urgency=Urgency.FLASH if type_code == "CD" else _urgency(rng),
            at=at,
            due_days=rng.choice((None, None, 5, 10, 15)) if type_code != "BC" else None,
            issued_amount=rng.randint(3, 30),
        )
        plan.recipients = _recipients(rng, plan)
        plans.append(plan)
    _mark_special(rng, plans)
    _mark_pending(rng, clock, plans)
    plans.sort(key=lambda p: p.at)
    _mark_fresh(rng, clock, plans)
    plans.sort(key=lambda p: p.at)
    return plans


def _mark_special(rng: random.Random, plans: list[OutgoingPlan]) -> None:
    """A few secret documents (paper only, own series) and normative decisions (own series)."""
    candidates = [p for p in plans if p.issuer.slug in ("ubnd", "snv") and p.type_code != "CD"]
    for p in candidates[: max(1, len(plans) // 50)]:
        p.secrecy = rng.choice((Secrecy.CONFIDENTIAL, Secrecy.CONFIDENTIAL, Secrecy.SECRET))
        p.subject = rng.choice(SECRET_SUBJECTS)
        p.recipients = []
    decisions = [p for p in plans if p.issuer is PROVINCE and p.secrecy == Secrecy.NORMAL]
    for p, subject in zip(decisions[-max(1, len(plans) // 80) :], NORMATIVE_SUBJECTS, strict=False):
        p.type_code, p.is_normative, p.subject, p.leader = "QD", True, subject, "head"
    for p in rng.sample(plans, max(1, len(plans) // 25)):
        p.returned = rng.choice(REVIEW_REMARKS)


def _mark_pending(rng: random.Random, clock: OfficeClock, plans: list[OutgoingPlan]) -> None:
    """The newest drafts of each agency are still on their way, so every queue has work: the
    featured agencies get one draft in each step."""
    recent_start = clock.last - clock.days_index(RECENT_DAYS)
    by_issuer: dict[str, list[OutgoingPlan]] = {}
    for p in sorted(plans, key=lambda p: p.at):
        if p.secrecy == Secrecy.NORMAL and not p.is_normative:
            by_issuer.setdefault(p.issuer.slug, []).append(p)
    for slug, own in by_issuer.items():
        if slug in FEATURED_AGENCIES:
            chosen = list(zip(own[-len(PENDING_STATES) :], PENDING_STATES, strict=False))
        elif rng.random() < 0.6:
            chosen = [(own[-1], rng.choice(PENDING_STATES))]
        else:
            chosen = []
        for p, state in chosen:
            p.state = state
            p.at = rng.randint(recent_start, clock.last)
            if state == Status.DRAFT:
                p.returned = p.returned or rng.choice(REVIEW_REMARKS)


def _mark_fresh(rng: random.Random, clock: OfficeClock, plans: list[OutgoingPlan]) -> None:
    """The last issued documents arrived in the last days: their recipients' clerks and
    leaders still have them in their queues (the featured agencies always among them)."""
    issued = [p for p in plans if p.state == Status.ISSUED and p.secrecy == Secrecy.NORMAL]
    issued = [p for p in issued if not p.is_normative]
    recent_start = clock.last - clock.days_index(RECENT_DAYS)
    for i, p in enumerate(issued[-max(6, len(issued) // 12) :]):
        p.fresh = True
        p.at = rng.randint(recent_start, clock.last - 60)
        featured = [s for s in FEATURED_AGENCIES if s != p.issuer.slug]
        p.recipients = sorted({*p.recipients, featured[i % len(featured)]})


def copy_state(fresh: bool, turn: int) -> str:
    """How far the recipient got with an arrival: older ones were forwarded, except one in
    forty refused as misaddressed; recent ones wait in each queue in turn."""
    if fresh:
        return COPY_STATES[turn % 3]
    return Status.REFUSED if turn % 40 == 17 else Status.FORWARDED


def plan_paper(rng: random.Random, clock: OfficeClock, count: int) -> list[PaperPlan]:
    plans = []
    for i in range(count):
        name, letter_notation, typed, position, domain = rng.choice(OUTSIDE_ISSUERS)
        if rng.random() < 0.55 or not typed:
            type_code, notation = "CV", letter_notation
        else:
            type_code, notation = rng.choice(sorted(typed.items()))
        if domain == "province":
            domain = rng.choice([d.domain for d in DEPARTMENTS])
        at = rng.randint(clock.days_index(5), clock.last)
        roll = rng.random()
        if roll < 0.5:
            agency = "ubnd"
        elif roll < 0.85 and domain in SPEC:
            agency = domain
        else:
            agency = rng.choice(COMMUNES).slug
        subject_type = type_code if type_code in SUBJECT_TEMPLATES else "KH"
        plan = PaperPlan(
            agency=agency,
            issuer=name,
            type_code=type_code,
            number=rng.randint(1, 2500),
            notation=notation,
            subject=subject_for(rng, subject_type, domain, clock.at(at).date()),
            signer_position=position,
            domain=domain,
            urgency=_urgency(rng),
            at=at,
            age_days=rng.randint(1, 6),
            due_days=rng.choice((None, 7, 10)),
        )
        if i < max(1, count // 12):
            plan.issuer, plan.notation = "Công an tỉnh Nghệ An", "CAT-PA03"
            plan.type_code, plan.subject = "CV", rng.choice(SECRET_SUBJECTS)
            plan.secrecy = Secrecy.CONFIDENTIAL
        plans.append(plan)
    return plans
