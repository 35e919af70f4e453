"""Documents for the register tests, made through the real actions at a chosen moment.

time_machine pins the clock, so issue dates, arrival times and số đến are those a clerk
would get on that day, not values written into the rows behind the actions' back.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine

from tests import files
from vanthu.audit.events import record_event
from vanthu.documents import actions
from vanthu.documents.validation import Metadata

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def moment(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=VN)


def issue_outgoing(world, subject: str, *, on: date, secret: bool = False, **meta):
    """A công văn of UBND drafted by Phòng Kinh tế, signed by the chairman, issued `on`."""
    meta.setdefault("recipients_text", "Như trên; Lưu: VT, KT.")
    recipients = [] if secret else meta.pop("recipients", [world.stc])
    with time_machine.travel(moment(on), tick=False):
        doc = actions.create_draft(
            world.specialist_ubnd,
            world.ubnd,
            Metadata(
                doc_type_code="CV",
                subject=subject,
                secrecy="confidential" if secret else "normal",
                **meta,
            ),
            department=world.kt_ubnd,
            signer=world.leader_ubnd,
            recipients=recipients,
            file_name="du-thao.pdf",
            file_content=files.pdf(["Dự thảo công văn"]),
        )
        actions.submit_draft(world.specialist_ubnd, doc)
        actions.review_content(world.dept_leader_ubnd, doc, approve=True)
        actions.check_form(world.clerk_ubnd, doc, approve=True)
        actions.approve_signature(world.leader_ubnd, doc, approve=True)
        return actions.issue_document(world.clerk_ubnd, doc)


def register_incoming(world, subject: str, *, at: datetime, secret: bool = False, **meta):
    """A paper Thông báo of Bộ Tài chính registered by UBND's clerk at `at`."""
    fields = {
        "doc_type_code": "TB",
        "number_text": "12",
        "notation": "TB-BTC",
        "issued_on": date(2026, 3, 2),
        "issuer_name": "Bộ Tài chính",
        "secrecy": "confidential" if secret else "normal",
        **meta,
    }
    with time_machine.travel(at, tick=False):
        return actions.register_incoming(
            world.clerk_ubnd,
            world.ubnd,
            Metadata(subject=subject, **fields),
            file_name="scan.pdf",
            file_content=files.pdf(["Thông báo"]),
            channel="paper",
            confirm_duplicate=True,
        )


def forward(world, doc, *, at: datetime):
    """The clerk presents `doc` to the chairman, who sends it to Phòng Kinh tế and a person."""
    with time_machine.travel(at, tick=False):
        actions.present_to_leader(world.clerk_ubnd, doc, world.leader_ubnd)
        actions.forward_document(
            world.leader_ubnd,
            doc,
            users=[world.specialist2_ubnd],
            departments=[world.kt_ubnd],
            note="Đề nghị nghiên cứu, tham mưu",
        )
    doc.refresh_from_db()
    return doc


def read(user, doc, *, at: datetime):
    """Somebody opens an issued document. No action records that for outgoing documents
    yet, so the test writes the audit event the archive-use register reads."""
    with time_machine.travel(at, tick=False):
        record_event("document.read", doc, actor=user, agency=doc.agency)
