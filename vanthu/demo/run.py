"""Play the planned year through the real document actions, each inside the ledger window of
its planned moment (see backdate.py)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial

from vanthu.demo.accounts import NameMaker
from vanthu.demo.data import FORWARD_NOTES, PROVINCE, PROVINCE_UNIT_FOR_DOMAIN
from vanthu.demo.plan import COPY_STATES, RECENT_DAYS, OutgoingPlan, PaperPlan, copy_state
from vanthu.documents import actions
from vanthu.documents.models import Channel, Document, DocumentType, Status
from vanthu.documents.validation import Metadata

# How many workflow steps an outgoing document has taken when it sits in each status.
STEPS_TO = {
    Status.DRAFT: 1,
    Status.CONTENT_REVIEW: 2,
    Status.FORM_CHECK: 3,
    Status.AWAITING_SIGNATURE: 4,
    Status.APPROVED: 5,
    Status.ISSUED: 6,
}


class Runner:
    def __init__(self, world, clock, ledger, pdfs, rng: random.Random) -> None:
        self.world, self.clock, self.ledger, self.pdfs, self.rng = world, clock, ledger, pdfs, rng
        self.types = {t.code: t for t in DocumentType.objects.all()}
        self.due_dates: dict[int, date | None] = {}
        self.turns: dict[str, int] = {}
        self.slugs = {a.pk: slug for slug, a in world.agencies.items()}
        self.outside_names = NameMaker(seed=2027)  # signers of documents from outside

    # -------------------------------------------------------------- people
    def user(self, username: str):
        return self.world.users[username]

    def _suffix(self, slug: str, unit: str) -> str:
        return f"{unit.lower()}.{slug}" if slug == PROVINCE.slug else slug

    def clerk(self, slug: str):
        return self.user(f"vanthu.{slug}")

    def leader(self, slug: str, which: str):
        kind = self.world.agencies[slug].kind
        if slug == PROVINCE.slug:
            head, deputy = "chutich", f"phochutich{self.rng.randint(1, 3)}"
        elif kind == "province_department":
            head, deputy = "giamdoc", "phogiamdoc"
        else:
            head, deputy = "chutich", "phochutich"
        return self.user(f"{head if which == 'head' else deputy}.{slug}")

    def unit_leader(self, slug: str, unit: str):
        if slug == PROVINCE.slug and unit == "VP":
            return self.user(f"chanhvanphong.{slug}")
        return self.user(f"truongphong.{self._suffix(slug, unit)}")

    def specialist(self, slug: str, unit: str):
        return self.user(f"chuyenvien.{self._suffix(slug, unit)}")

    def receiving_unit(self, slug: str, domain: str) -> str:
        if slug == PROVINCE.slug:
            return PROVINCE_UNIT_FOR_DOMAIN[domain]
        spec_units = [code for (s, code) in self.world.departments if s == slug]
        return "KT" if "KT" in spec_units else [u for u in spec_units if u != "VP"][0]

    # -------------------------------------------------------------- running
    def run(self, outgoing: list[OutgoingPlan], paper: list[PaperPlan]) -> None:
        items = [(p.at, 0, i) for i, p in enumerate(outgoing)]
        items += [(p.at, 1, i) for i, p in enumerate(paper)]
        for _, kind, i in sorted(items):
            if kind == 0:
                self.outgoing(outgoing[i])
            else:
                self.paper(paper[i])

    def _at(self, index: int):
        return self.ledger.at(self.clock.at(index))

    def outgoing(self, plan: OutgoingPlan) -> None:
        slug = plan.issuer.slug
        drafter = self.specialist(slug, plan.unit)
        reviewer = self.unit_leader(slug, plan.unit)
        clerk = self.clerk(slug)
        signer = self.leader(slug, plan.leader)
        steps = STEPS_TO[plan.state] + (2 if plan.returned else 0)
        span = self.clock.days_index(self.rng.randint(1, 4))
        # The last step reached happens exactly at the planned moment.
        moments = iter(
            self.clock.steps(self.rng, plan.at - span, plan.at - 1, steps - 1) + [plan.at]
        )
        committee = plan.issuer.kind != "province_department"
        head = plan.leader == "head"
        capacity = ("TM." if committee else "") if head else "KT."
        position = signer.memberships.get(agency=self.world.agencies[slug]).position.name
        meta = Metadata(
            doc_type_code=plan.type_code,
            subject=plan.subject,
            signer_position=position,
            signing_capacity=capacity,
            urgency=plan.urgency,
            secrecy=plan.secrecy,
            issued_amount=plan.issued_amount,
            recipients_text=self._recipients_text(plan),
            is_normative=plan.is_normative,
        )
        doc_type = self.types[plan.type_code]
        with self._at(next(moments)):
            doc = actions.create_draft(
                drafter,
                self.world.agencies[slug],
                meta,
                department=self.world.departments[(slug, plan.unit)],
                signer=signer,
                recipients=[self.world.agencies[r] for r in plan.recipients],
                file_name=f"du-thao-{doc_type.code.lower()}.pdf",
                file_content=self.pdfs.for_type(doc_type),
                named_readers=[reviewer, clerk] if plan.secrecy != "normal" else None,
            )
        if plan.due_days:
            self.due_dates[doc.pk] = self.clock.at(plan.at).date() + timedelta(
                days=plan.due_days * 7 // 5
            )
        if plan.returned:
            with self._at(next(moments)):
                actions.submit_draft(drafter, doc)
            with self._at(next(moments)):
                actions.review_content(reviewer, doc, approve=False, comment=plan.returned)
        chain = [
            lambda: actions.submit_draft(drafter, doc),
            lambda: actions.review_content(reviewer, doc, approve=True),
            lambda: actions.check_form(clerk, doc, approve=True),
            lambda: actions.approve_signature(signer, doc, approve=True),
            lambda: actions.issue_document(clerk, doc),
        ]
        for step in chain[: STEPS_TO[plan.state] - 1]:
            with self._at(next(moments)):
                step()
        if plan.state == Status.ISSUED:
            for copy in Document.objects.filter(source_delivery__document=doc).order_by("pk"):
                self.receive(copy, plan, plan.at + 1)

    def _recipients_text(self, plan: OutgoingPlan) -> str:
        names = [self.world.agencies[r].name for r in plan.recipients[:3]]
        more = "; các cơ quan, đơn vị liên quan" if len(plan.recipients) > 3 else ""
        keep = f"Lưu: VT, {plan.unit}."
        if not names:
            return f"Như trên (gửi bản giấy); {keep}"
        return "; ".join(names) + more + f"; {keep}"

    def _turn(self, slug: str) -> int:
        turn = self.turns.get(slug, 0)
        self.turns[slug] = turn + 1
        return turn

    def receive(self, copy: Document, plan: OutgoingPlan, since: int) -> None:
        slug = self.slugs[copy.agency_id]
        state = copy_state(plan.fresh, self._turn(slug if plan.fresh else "*older*"))
        self.handle(copy, slug, state, since, plan.domain, registered=False)

    def handle(self, doc, slug: str, state: str, since: int, domain: str, *, registered: bool):
        """The recipient clerk and leader: register, present, forward, and the handler reads."""
        clerk = self.clerk(slug)
        if state == Status.REFUSED:
            with self._at(since + self.rng.randint(10, 120)):
                actions.refuse_arrival(clerk, doc, "Văn bản gửi không đúng thẩm quyền giải quyết.")
            return
        wanted = COPY_STATES.index(state)  # steps: accept, present, forward
        read = state == Status.FORWARDED and self.rng.random() < 0.6
        count = wanted - (1 if registered else 0) + (1 if read else 0)
        if count <= 0 or self.clock.last - since < count:
            return  # nothing to do, or no time left before now: still waiting
        end = since + self.clock.days_index(2)
        moments = iter(self.clock.steps(self.rng, since, end, count))
        if not registered:
            with self._at(next(moments)):
                try:
                    doc = actions.accept_arrival(clerk, doc)
                except actions.DuplicateSuspected:
                    # Same number and notation from two series of one issuer: the clerk
                    # checks and confirms, as the warning asks.
                    doc = actions.accept_arrival(clerk, doc, confirm_duplicate=True)
        if wanted < 2:
            return
        leader = self.leader(slug, "head" if self.rng.random() < 0.7 else "deputy")
        with self._at(next(moments)):
            actions.present_to_leader(clerk, doc, leader)
        if wanted < 3:
            return
        unit = self.receiving_unit(slug, domain)
        department = self.world.departments[(slug, unit)]
        handler = self.specialist(slug, unit)
        when = self.clock.at(since)
        note = self.rng.choice(FORWARD_NOTES).format(
            unit=department.name, due=(when + timedelta(days=10)).strftime("%d/%m/%Y")
        )
        with self._at(next(moments)):
            actions.forward_document(
                leader, doc, users=[handler], departments=[department], note=note
            )
        if read:
            with self._at(next(moments)):
                actions.mark_read(handler, doc)

    def paper(self, plan: PaperPlan) -> None:
        clerk = self.clerk(plan.agency)
        arrival = self.clock.at(plan.at)
        doc_type = self.types[plan.type_code]
        meta = Metadata(
            doc_type_code=plan.type_code,
            subject=plan.subject,
            number_text=str(plan.number),
            notation=plan.notation,
            issued_on=arrival.date() - timedelta(days=plan.age_days),
            issuer_name=plan.issuer,
            signer_name=self.outside_names.next(),
            signer_position=plan.signer_position,
            urgency=plan.urgency,
            secrecy=plan.secrecy,
            due_on=arrival.date() + timedelta(days=plan.due_days) if plan.due_days else None,
        )
        register = partial(
            actions.register_incoming,
            clerk,
            self.world.agencies[plan.agency],
            meta,
            file_name="ban-quet.pdf",
            file_content=self.pdfs.for_type(doc_type),
            channel=Channel.PAPER,
        )
        with self._at(plan.at):
            try:
                doc = register()
            except actions.DuplicateSuspected:
                doc = register(confirm_duplicate=True)
        fresh = plan.at >= self.clock.last - self.clock.days_index(RECENT_DAYS)
        state = Status.FORWARDED
        if fresh:
            state = (Status.REGISTERED, Status.PRESENTED)[self._turn(plan.agency) % 2]
        if plan.secrecy != "normal":
            # Secret paper is handled on paper once registered: presenting does not make the
            # leader a named reader of a secret document.
            state = Status.REGISTERED
        self.handle(doc, plan.agency, state, plan.at, plan.domain, registered=True)
