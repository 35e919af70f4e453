"""Documents exchanged over the hub when the demo first starts, so that a newcomer finds on
each sender's document page the statuses that came back (01 → 03 → 04 → 05 → 06).

Each deployment runs `demo_exchange` once, at the same time as the other one: it registers
its agencies at the hub, waits for the partner's, imports the hub's directory, issues its
seeded document to the partner, then waits for the partner's document and registers,
assigns and completes it. Every step goes through the real actions, with the people who
would do it; the exchange workers carry the packages and the statuses in between. Each step
looks at the data first, so running the command again finishes what a previous run left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from vanthu.demo import DEMO_PASSWORD, ministry
from vanthu.demo.data import PROVINCE
from vanthu.demo.pdfs import TemplatePdfs
from vanthu.directory.models import Agency, Department, User
from vanthu.documents import actions
from vanthu.documents.models import Direction, Document, DocumentType, Status
from vanthu.documents.validation import Metadata
from vanthu.exchange.models import Delivery, StatusCode
from vanthu.signing.actions import active_credential

MARKER = "demo-exchange.done"


@dataclass(frozen=True)
class Side:
    """One deployment's agency and the people who act in the seeded exchange."""

    code: str
    place: str
    department: str  # drafting and handling unit
    drafter: str
    reviewer: str
    clerk: str
    signer: str
    assigner: str
    handler: str
    doc_type: str
    subject: str  # of the document this side sends
    progress: str
    result: str


PROVINCE_SIDE = Side(
    code=PROVINCE.code,
    place="Nghệ An",
    department="NC",
    drafter="chuyenvien.nc.ubnd",
    reviewer="truongphong.nc.ubnd",
    clerk="vanthu.ubnd",
    # The chairman signs through the remote service with an OTP: a deputy signs here.
    signer="phochutich1.ubnd",
    assigner="chutich.ubnd",
    handler="chuyenvien.nc.ubnd",
    doc_type="BC",
    subject=(
        "Báo cáo kết quả vận hành chính quyền địa phương hai cấp trên địa bàn tỉnh Nghệ An "
        "(liên thông trình diễn)"
    ),
    progress="Đã tổng hợp hướng dẫn, dự thảo kế hoạch triển khai của tỉnh.",
    result="Đã ban hành kế hoạch triển khai của tỉnh theo hướng dẫn của Bộ.",
)
MINISTRY_SIDE = Side(
    code=ministry.CODE,
    place="Hà Nội",
    department="CQDP",
    drafter=ministry.HANDLER,
    reviewer=ministry.DEPARTMENT_LEADER,
    clerk=ministry.CLERK,
    signer=ministry.LEADER,
    assigner="botruong.bnv",
    handler=ministry.HANDLER,
    doc_type="CV",
    subject=(
        "V/v hướng dẫn sắp xếp tổ chức bộ máy chính quyền địa phương hai cấp "
        "(liên thông trình diễn)"
    ),
    progress="Vụ Chính quyền địa phương đang tổng hợp số liệu báo cáo của tỉnh.",
    result="Đã tổng hợp báo cáo của tỉnh vào báo cáo chung trình Chính phủ.",
)
SIDES = {"province": PROVINCE_SIDE, "ministry": MINISTRY_SIDE}


class DemoExchangeError(Exception):
    pass


def marker_path() -> Path:
    return Path(settings.VAR_DIR) / MARKER


def is_done() -> bool:
    return marker_path().exists()


def wait_for(what: str, check: Callable[[], object], *, timeout: float, every: float = 1.0):
    """Poll `check` until it returns something truthy; DemoExchangeError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise DemoExchangeError(f"Hết {timeout:.0f} giây chờ {what}.")
        time.sleep(every)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def connect(partner: Side, *, timeout: float, say: Callable[[str], None]) -> Agency:
    """Register this deployment's agencies at the hub, wait until the partner has registered
    its own, and import the hub's directory: the partner becomes a hub agency here."""
    from vanthu.exchange.hub import hub_client

    call_command("exchange_register_agencies", verbosity=0)
    say("Đã đăng ký các cơ quan của hệ thống này lên trục.")
    client = hub_client()
    try:
        wait_for(
            f"cơ quan {partner.code} xuất hiện trên trục",
            lambda: any(partner.code in a.values() for a in client.agencies()),
            timeout=timeout,
        )
    finally:
        client.close()
    call_command("exchange_sync_agencies", verbosity=0)
    agency = Agency.objects.filter(code=partner.code).first()
    if agency is None or agency.exchange_channel != "hub":
        raise DemoExchangeError(f"Chưa nhận được cơ quan {partner.code} từ danh bạ của trục.")
    say(f"Đã nhận danh bạ của trục: {agency.name} gửi nhận qua trục.")
    return agency


def send(me: Side, partner: Agency, *, say: Callable[[str], None]) -> Document:
    """Draft, review, sign and issue this side's document to the partner (once)."""
    agency = Agency.objects.get(code=me.code, exchange_channel="local")
    doc = Document.objects.filter(
        agency=agency, direction=Direction.OUTGOING, subject=me.subject
    ).first()
    if doc is None:
        doc_type = DocumentType.objects.get(code=me.doc_type)
        signer = _user(me.signer)
        doc = actions.create_draft(
            _user(me.drafter),
            agency,
            Metadata(
                doc_type_code=me.doc_type,
                subject=me.subject,
                recipients_text=f"{partner.name}; Lưu: VT, {me.department}.",
            ),
            department=Department.objects.get(agency=agency, code=me.department),
            signer=signer,
            recipients=[partner],
            file_name=f"{me.doc_type.lower()}-lien-thong.pdf",
            file_content=TemplatePdfs(place=me.place).for_type(doc_type),
        )
    secret = DEMO_PASSWORD if active_credential(user=_user(me.signer)) is not None else ""
    steps = {
        Status.DRAFT: lambda d: actions.submit_draft(_user(me.drafter), d),
        Status.CONTENT_REVIEW: lambda d: actions.review_content(
            _user(me.reviewer), d, approve=True
        ),
        Status.FORM_CHECK: lambda d: actions.check_form(_user(me.clerk), d, approve=True),
        Status.AWAITING_SIGNATURE: lambda d: actions.approve_signature(
            _user(me.signer), d, approve=True, secret=secret
        ),
        Status.APPROVED: lambda d: actions.issue_document(_user(me.clerk), d),
    }
    while doc.status in steps:
        steps[doc.status](doc)
        doc.refresh_from_db()
    say(f"Đã phát hành văn bản số {doc.reference} gửi {partner.name} qua trục.")
    return doc


def receive(me: Side, partner: Side, *, timeout: float, say: Callable[[str], None]) -> Document:
    """Wait for the partner's document, then register, assign, report progress, complete."""
    from vanthu.processing import actions as processing
    from vanthu.processing.models import Assignment, AssignmentRole

    agency = Agency.objects.get(code=me.code, exchange_channel="local")

    def arrived():
        return Document.objects.filter(
            agency=agency, direction=Direction.INCOMING, subject=partner.subject
        ).first()

    doc = wait_for(f"văn bản của {partner.code} đến", arrived, timeout=timeout)
    clerk, leader, handler = _user(me.clerk), _user(me.assigner), _user(me.handler)
    if doc.status == Status.ARRIVED:
        try:
            doc = actions.accept_arrival(clerk, doc)
        except actions.DuplicateSuspected:
            doc = actions.accept_arrival(clerk, doc, confirm_duplicate=True)
        say(f"Văn thư đã tiếp nhận, vào sổ văn bản đến số {doc.arrival_number:02d}.")
    line = Assignment.objects.filter(
        document=doc, role=AssignmentRole.LEAD, parent__isnull=True
    ).first()
    if line is None:
        processing.assign(
            leader,
            doc,
            lead=handler,
            due_working_days=10,
            directive="Giao chủ trì nghiên cứu, tham mưu triển khai; báo cáo kết quả.",
        )
        line = Assignment.objects.get(document=doc, role=AssignmentRole.LEAD, parent__isnull=True)
        say(f"Lãnh đạo đã giao {handler.full_name} chủ trì xử lý.")
    if line.is_open:
        if not line.notes.exists():
            processing.add_progress(handler, line, me.progress)
        processing.complete(handler, line, result_note=me.result)
        say("Chuyên viên đã cập nhật tiến độ và báo cáo hoàn thành.")
    return doc


def wait_completed(doc: Document, *, timeout: float) -> Delivery:
    """Until the recipient's 06 (hoàn thành) has come back for the document sent."""
    return wait_for(
        "trạng thái «Hoàn thành» từ nơi nhận",
        lambda: Delivery.objects.filter(document=doc, status=StatusCode.COMPLETED).first(),
        timeout=timeout,
    )


def run(side: str, *, timeout: float, say: Callable[[str], None]) -> None:
    me = SIDES[side]
    partner = MINISTRY_SIDE if me is PROVINCE_SIDE else PROVINCE_SIDE
    partner_agency = connect(partner, timeout=timeout, say=say)
    sent = send(me, partner_agency, say=say)
    receive(me, partner, timeout=timeout, say=say)
    wait_completed(sent, timeout=timeout)
    say(f"{partner_agency.name} đã báo «Hoàn thành» văn bản {sent.reference}.")
    marker_path().write_text("ok\n", encoding="utf-8")
