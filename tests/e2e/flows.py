"""What the people of the two deployments do, page by page, through the web UI."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from functools import cache

from tests.e2e.network import Network
from tests.e2e.web import Page, option_value, poll
from vanthu.demo import ministry
from vanthu.demo.accounts import demo_accounts
from vanthu.demo.exchange import MINISTRY_SIDE, PROVINCE_SIDE, Side
from vanthu.demo.pdfs import TemplatePdfs
from vanthu.documents.models import DocumentType

ARRIVAL_TIMEOUT = 60  # one worker round on each side plus the hub, on a busy machine
DOCUMENT = re.compile(r"^/van-ban/[0-9a-f-]{36}/$")
TIMELINE = re.compile(r"^\d\d:\d\d \d\d/\d\d/\d{4} — (?P<status>[^(:]+?)(?: \((?P<actor>[^)]*)\))?(?:: (?P<note>.*))?$")  # fmt: skip
SIDES = {"province": PROVINCE_SIDE, "ministry": MINISTRY_SIDE}
AGENCY_NAMES = {"province": "Ủy ban nhân dân tỉnh Nghệ An", "ministry": ministry.NAME}


@cache
def full_name(username: str) -> str:
    names = {a.username: a.full_name for a in demo_accounts()}
    names.update(ministry.full_names())
    return names[username]


@cache
def letter_pdf() -> bytes:
    # A one-page công văn laid out like the demo's (rendered here, not fetched anywhere).
    return TemplatePdfs().for_type(
        DocumentType(code="CV", name="Công văn", is_official_letter=True)
    )


@dataclass(frozen=True)
class Sent:
    side: str
    path: str  # the sender's document page
    subject: str


def issue(net: Network, side: str, subject: str, to: str | None) -> Sent:
    """Drafted by the specialist, reviewed, checked, approved and issued to `to`'s agency
    (None: sent on paper only, no electronic recipient)."""
    me: Side = SIDES[side]
    drafter = net.user(side, me.drafter)
    form_page = drafter.get("/van-ban-di/du-thao/")
    form = form_page.form(r"/du-thao/")
    page = drafter.submit(
        form_page,
        r"/du-thao/",
        {
            "doc_type": option_value(form, "doc_type", "Công văn"),
            "subject": subject,
            "signer": option_value(form, "signer", full_name(me.signer)),
            "recipients": option_value(form, "recipients", AGENCY_NAMES[to]) if to else [],
            "recipients_text": f"{AGENCY_NAMES[to] if to else 'Như trên'}; Lưu: VT.",
        },
        files=[("file", "cong-van.pdf", letter_pdf(), "application/pdf")],
    )
    assert DOCUMENT.match(page.path), (page.status, page.url, page.text[-3000:])
    path = page.path
    drafter.act(page, r"/submit/$")
    for username, step in (
        (me.reviewer, "review_content"),
        (me.clerk, "check_form"),
        (me.signer, "approve_signature"),
    ):
        person = net.user(side, username)
        person.act(person.get(path), rf"/{step}/$", button=("decision", "approve"))
    clerk = net.user(side, me.clerk)
    issued = clerk.act(clerk.get(path), r"/issue/$")
    assert "Đã cấp số và phát hành" in " ".join(issued.messages("success"))
    return Sent(side, path, subject)


def incoming_rows(net: Network, side: str, subject: str) -> list[str]:
    """Paths of the documents in the clerk's «Văn bản đến» whose row shows `subject`."""
    clerk = net.user(side, SIDES[side].clerk)
    page = clerk.get("/van-ban-den/?" + urllib.parse.urlencode({"q": subject}))
    assert page.status == 200, page.status
    paths = []
    for row in page.tree.xpath("//tbody/tr"):
        if subject in " ".join(row.text_content().split()):
            paths += [
                a.get("href") for a in row.xpath(".//a[@href]") if DOCUMENT.match(a.get("href"))
            ]
    return paths


def wait_arrival(net: Network, side: str, subject: str) -> str:
    found = poll(
        f"«{subject}» in the incoming list of the {side}",
        lambda: incoming_rows(net, side, subject),
        timeout=ARRIVAL_TIMEOUT,
    )
    assert len(found) == 1, found
    return found[0]


def accept(net: Network, side: str, path: str) -> Page:
    clerk = net.user(side, SIDES[side].clerk)
    return clerk.act(clerk.get(path), r"/accept/$")


def refuse(net: Network, side: str, path: str, reason: str) -> Page:
    clerk = net.user(side, SIDES[side].clerk)
    return clerk.act(clerk.get(path), r"/refuse/$", {"reason": reason})


def assign_and_complete(net: Network, side: str, path: str, *, progress: str, result: str):
    """The leader fills the handling slip; the handler reports progress, then completion."""
    me = SIDES[side]
    leader = net.user(side, me.assigner)
    doc_page = leader.get(path)
    (slip_path, _), *_ = doc_page.links(r"/giao-viec/$")
    slip = leader.get(slip_path)
    lead = option_value(slip.form(r"/giao-viec/$"), "lead", full_name(me.handler))
    leader.act(
        slip,
        r"/giao-viec/$",
        {"lead": lead, "due_working_days": "10", "due_on": "", "directive": "Giao chủ trì."},
    )
    handler = net.user(side, me.handler)
    page = handler.get(path)
    (line_path, _), *_ = page.links(r"^/xu-ly/viec/[0-9a-f-]{36}/$")
    line = handler.get(line_path)
    line = handler.act(line, r"/tien-do/$", {"text": progress})
    handler.act(line, r"/hoan-thanh/$", {"result_note": result, "result_document": ""})


def timeline(net: Network, sent: Sent, recipient: str) -> list[dict]:
    """The sender's «Tình trạng tại nơi nhận» for one recipient, as the page shows it."""
    clerk = net.user(sent.side, SIDES[sent.side].clerk)
    page = clerk.get(sent.path)
    for row in page.tree.xpath("//table[@id='deliveries']/tbody/tr"):
        if AGENCY_NAMES[recipient] in row.xpath("./td[1]")[0].text_content():
            events = []
            for li in row.xpath(".//ul[@class='timeline']/li"):
                text = " ".join(li.text_content().split())
                match = TIMELINE.match(text)
                assert match, text
                events.append(match.groupdict())
            return events
    return []


def statuses(events: list[dict]) -> list[str]:
    return [e["status"] for e in events]


def wait_status(net: Network, sent: Sent, recipient: str, status: str) -> list[dict]:
    return poll(
        f"«{status}» from the {recipient} on the {sent.side}'s page",
        lambda: (lambda ev: ev if status in statuses(ev) else None)(timeline(net, sent, recipient)),
        timeout=ARRIVAL_TIMEOUT,
    )


REQUEST_PAGES = {"recall": r"^/thu-hoi/", "update": r"^/cap-nhat/", "replace": r"^/thay-the/"}


def request_change(net: Network, sent: Sent, kind: str, values: dict) -> Page:
    """The sender's clerk opens «Thu hồi / Cập nhật / Thay thế» from the document page."""
    clerk = net.user(sent.side, SIDES[sent.side].clerk)
    (href, _), *_ = clerk.get(sent.path).links(REQUEST_PAGES[kind])
    form_page = clerk.get(href)
    return clerk.act(form_page, REQUEST_PAGES[kind][1:], values)


def answer_request(net: Network, side: str, path: str, kind: str, *, agree: bool, note: str):
    """The recipient's clerk answers the request shown on the incoming document's page."""
    clerk = net.user(side, SIDES[side].clerk)

    def shown():
        page = clerk.get(path)
        return page if page.tree.xpath(f"//div[@data-kind='{kind}']//form") else None

    page = poll(f"the {kind} request on the {side}'s copy", shown, timeout=ARRIVAL_TIMEOUT)
    decision = "agree" if agree else "refuse"
    return clerk.act(page, r"/yeu-cau-thu-hoi/", {"note": note}, button=("decision", decision))
