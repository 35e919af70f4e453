"""Federation with two real hubs: a provincial hub (LGSP, serving system A) is a connected
system of the national hub (serving system B). Packages and statuses travel both ways,
each hop appends its TraceHeader, and forwarding is exactly-once even with two forwarders."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from vanthu.edxml import parse
from vanthu.vxp import VxpError

from .conftest import H41, SECRETS, SO_NV, SO_TTTT_QN, status_for, unique_edoc

NATIONAL_ORGAN = "000.00.00.G22"
PROVINCE_ORGAN = "000.00.99.H41"
PROVINCE_SECRET = "secret-of-the-province-hub"

NATIONAL = {
    "systems": [
        {"systemid": "lgsp.h41", "secret": PROVINCE_SECRET, "name": "LGSP tỉnh Nghệ An"},
        {"systemid": "sys.b", "secret": SECRETS["sys.b"], "name": "QLVB tỉnh Quảng Nam"},
    ],
    "agencies": [{"system": "sys.b", "code": SO_TTTT_QN, "name": "Sở TT&TT Quảng Nam"}],
}
PROVINCE = {
    "systems": [{"systemid": "sys.a", "secret": SECRETS["sys.a"], "name": "VanThu Nghệ An"}],
    "agencies": [
        {"system": "sys.a", "code": H41, "name": "UBND tỉnh Nghệ An"},
        {"system": "sys.a", "code": SO_NV, "name": "Sở Nội vụ Nghệ An"},
    ],
}


def wait_until(check: Callable[[], Any], timeout: float = 30.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def start_federation(start_hub, name: str = "", env: dict[str, str] | None = None, **kwargs):
    """A national hub and a provincial one federated to it, each loop round done once:
    the province's agencies registered upstream, the national ones learnt. Returns
    (national, province, client of A at the province, client of B at the national hub)."""
    national = start_hub(f"national{name}", directory=NATIONAL, organ_id=NATIONAL_ORGAN)
    province = start_hub(
        f"province{name}",
        directory=PROVINCE,
        organ_id=PROVINCE_ORGAN,
        federate_every=0.2,
        sync_every=1.0,
        env={
            **(env or {}),
            "VANTHU_HUB_UPSTREAM_URL": national.url,
            "VANTHU_HUB_UPSTREAM_SYSTEM_ID": "lgsp.h41",
            "VANTHU_HUB_UPSTREAM_SECRET": PROVINCE_SECRET,
        },
        **kwargs,
    )
    a, b = province.client("sys.a"), national.client("sys.b")
    wait_until(lambda: H41 in {x["code"] for x in b.agencies()}, what="H41 registered upstream")
    wait_until(lambda: SO_TTTT_QN in {x["code"] for x in a.agencies()}, what="national agencies")
    return national, province, a, b


@pytest.fixture(scope="module")
def hubs(start_hub):
    national, province, a, b = start_federation(start_hub)
    yield national, province, a, b
    a.close()
    b.close()


def arrival(client, doc_filter: Callable[[bytes], bool], messagetype: str = "edoc") -> str:
    """Wait for a package matching doc_filter in the client's list; returns its DocId."""

    def find() -> str | None:
        for item in client.received(messagetype):
            if doc_filter(client.get_edoc(item["docId"])):
                return str(item["docId"])
        return None

    return wait_until(find, what=f"{messagetype} arrival")


def test_an_edoc_goes_up_and_its_statuses_come_back(hubs):
    national, province, a, b = hubs
    data = unique_edoc([SO_TTTT_QN, SO_NV])
    subject = parse(data).subject
    sent = a.send_edoc(data, from_organ=H41)
    # The province's own agency gets it locally, the national one through the national hub.
    assert sent in {item["docId"] for item in a.received()}
    doc_b = arrival(b, lambda raw: parse(raw).subject == subject)
    delivered = parse(b.get_edoc(doc_b))
    assert [t.organ_id for t in delivered.trace] == [H41, PROVINCE_ORGAN, NATIONAL_ORGAN]
    # The national hub was asked for SO_TTTT_QN only: nothing comes back to the province.
    assert national.query(
        "SELECT s.systemid, d.to_codes FROM hub_delivery d JOIN hub_package p"
        " ON p.id = d.package_id JOIN hub_system s ON s.id = d.system_id WHERE p.doc_id = ?",
        (doc_b,),
    ) == [("sys.b", SO_TTTT_QN)]
    b.update_status(doc_b, "done")

    status = status_for(H41, reporter=SO_TTTT_QN, code="03")
    b.send_edoc(status, from_organ=SO_TTTT_QN, messagetype="status")
    wanted = parse(status).description
    doc_status = arrival(a, lambda raw: parse(raw).description == wanted, "status")
    received = a.get_edoc(doc_status)
    assert parse(received).status_code == "03"
    assert received.count(b"<edXML:TraceHeader>") == 2  # the national hop, then ours
    assert received.index(NATIONAL_ORGAN.encode()) < received.index(PROVINCE_ORGAN.encode())
    a.update_status(doc_status, "done")

    reply = a.send_edoc(
        status_for(SO_TTTT_QN, reporter=H41, code="05"), from_organ=H41, messagetype="status"
    )
    assert reply
    wait_until(
        lambda: any(
            parse(b.get_edoc(i["docId"])).status_code == "05" for i in b.received("status")
        ),
        what="status 05 at the national hub",
    )


def test_an_edoc_comes_down_to_the_province(hubs):
    national, province, a, b = hubs
    data = unique_edoc([H41], sender=SO_TTTT_QN)
    subject = parse(data).subject
    b.send_edoc(data, from_organ=SO_TTTT_QN)
    doc_a = arrival(a, lambda raw: parse(raw).subject == subject)
    trace = [t.organ_id for t in parse(a.get_edoc(doc_a)).trace]
    assert trace == [H41, NATIONAL_ORGAN, PROVINCE_ORGAN]  # factory's first entry, then hops
    a.update_status(doc_a, "done")
    rows = province.query(
        "SELECT p.upstream_doc_id <> '', s.systemid FROM hub_package p JOIN hub_system s"
        " ON s.id = p.sender_id WHERE p.doc_id = ?",
        (doc_a,),
    )
    assert rows == [(True, "@upstream")]


def test_forwarding_is_exactly_once_even_with_two_forwarders(hubs):
    national, province, a, b = hubs
    before = national.count("hub_package")
    packages = [unique_edoc([SO_TTTT_QN]) for _ in range(5)]
    sent = [a.send_edoc(data, from_organ=H41) for data in packages]
    # A second forwarder races the one the server runs (an operator's mistake, or a loop
    # restarted while the old one was finishing): both may send the same rows.
    extra = subprocess.run(
        [sys.executable, "-m", "vanthu.hub", "federate", "--once"],
        env=province.process.environment(),
        capture_output=True,
        timeout=120,
    )
    assert extra.returncode == 0, extra.stderr
    subjects = {parse(data).subject for data in packages}

    def all_arrived() -> list[str] | None:
        items = [i["docId"] for i in b.received()]
        got = {parse(b.get_edoc(d)).subject: d for d in items}
        return [got[s] for s in subjects] if subjects <= set(got) else None

    national_ids = wait_until(all_arrived, what="five forwarded packages")
    assert national.count("hub_package") == before + 5
    placeholders = ",".join("?" for _ in sent)
    upstream_ids = province.query(
        "SELECT d.upstream_doc_id FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
        f" JOIN hub_system s ON s.id = d.system_id WHERE s.systemid = '@upstream'"
        f" AND p.doc_id IN ({placeholders})",
        tuple(sent),
    )
    assert sorted(i for (i,) in upstream_ids) == sorted(national_ids)
    for doc_id in national_ids:
        b.update_status(doc_id, "done")


def test_a_recipient_unknown_to_both_hubs_is_refused_by_the_province(hubs):
    national, province, a, b = hubs
    with pytest.raises(VxpError) as caught:
        a.send_edoc(unique_edoc(["000.00.98.H98"]), from_organ=H41)
    assert caught.value.code == "18"
