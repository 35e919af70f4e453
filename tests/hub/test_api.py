"""The VXP API of a real hub process: routing of edoc and status messages, idempotent
retries, acknowledgement, the sent list and the agency directory."""

from __future__ import annotations

import pytest

from vanthu.edxml import parse
from vanthu.hub.sql import COUNT_RECEIVED_SQL, RECEIVED_SQL
from vanthu.vxp import VxpError

from .conftest import (
    BO_NV,
    H41,
    H41_QD20,
    HUYEN_QN,
    SO_NV,
    SO_TTTT_QN,
    raw_call,
    signed,
    status_for,
    unique_edoc,
)


@pytest.fixture(scope="module")
def clients(hub):
    made = {name: hub.client(name) for name in ("sys.a", "sys.b", "sys.c")}
    yield made
    for client in made.values():
        client.close()


def listed(client, messagetype="edoc") -> dict[str, dict]:
    return {item["docId"]: item for item in client.received(messagetype)}


def test_two_agencies_of_one_system_receive_one_package(hub, clients):
    a, b, c = clients["sys.a"], clients["sys.b"], clients["sys.c"]
    data = unique_edoc([SO_TTTT_QN, HUYEN_QN])
    doc_id = a.send_edoc(data, from_organ=H41)
    item = listed(b)[doc_id]
    assert item["from"] == H41
    assert item["to"] == f"{SO_TTTT_QN};{HUYEN_QN}"
    assert item["status"] == "pending"
    assert doc_id not in listed(a) and doc_id not in listed(c)
    rows = hub.query(
        "SELECT COUNT(*) FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
        " WHERE p.doc_id = ?",
        (doc_id,),
    )
    assert rows == [(1,)]


def test_the_receiver_gets_the_senders_bytes_plus_the_hubs_trace_header(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    data = unique_edoc()
    doc_id = a.send_edoc(data, from_organ=H41)
    delivered = b.get_edoc(doc_id)
    trace = parse(delivered).trace
    assert [t.organ_id for t in trace] == [H41, "000.00.00.G22"]
    assert trace[-1].timestamp is not None
    start = delivered.index(b"<edXML:TraceHeader><edXML:OrganId>000.00.00.G22")
    end = delivered.index(b"</edXML:TraceHeader>", start) + len(b"</edXML:TraceHeader>")
    assert delivered[:start] + delivered[end:] == data


def test_a_package_for_several_systems_reaches_each_once(clients):
    a, b, c = clients["sys.a"], clients["sys.b"], clients["sys.c"]
    doc_id = a.send_edoc(unique_edoc([SO_TTTT_QN, BO_NV, HUYEN_QN]), from_organ=H41)
    assert listed(b)[doc_id]["to"] == f"{SO_TTTT_QN};{HUYEN_QN}"
    assert listed(c)[doc_id]["to"] == BO_NV
    assert doc_id not in listed(a)


def test_a_qd20_recipient_code_is_routed(clients):
    a, c = clients["sys.a"], clients["sys.c"]
    doc_id = c.send_edoc(unique_edoc([H41_QD20], sender=BO_NV), from_organ=BO_NV)
    assert listed(a)[doc_id]["to"] == H41


def test_an_agency_can_write_to_another_agency_of_its_own_system(clients):
    a = clients["sys.a"]
    doc_id = a.send_edoc(unique_edoc([SO_NV]), from_organ=H41)
    assert listed(a)[doc_id]["to"] == SO_NV


def test_a_status_goes_back_to_the_original_senders_system(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    doc_id = b.send_edoc(status_for(H41), from_organ=SO_TTTT_QN, messagetype="status")
    item = listed(a, "status")[doc_id]
    assert item["messageType"] == "status"
    assert item["to"] == H41
    assert doc_id not in listed(b, "status")
    assert doc_id not in listed(a, "edoc")
    assert parse(a.get_edoc(doc_id)).status_code == "03"
    rows = hub.query("SELECT status_code FROM hub_package WHERE doc_id = ?", (doc_id,))
    assert rows == [("03",)]


def test_a_retry_of_the_same_bytes_returns_the_same_doc_id_and_stores_nothing(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    data = unique_edoc()
    first = a.send_edoc(data, from_organ=H41)
    packages, deliveries, files = (
        hub.count("hub_package"),
        hub.count("hub_delivery"),
        len(hub.payload_files()),
    )
    assert a.send_edoc(data, from_organ=H41) == first
    assert a.send_edoc(data, from_organ=H41) == first
    assert hub.count("hub_package") == packages
    assert hub.count("hub_delivery") == deliveries
    assert len(hub.payload_files()) == files
    assert hub.temp_files() == []
    assert list(listed(b)).count(first) == 1


def test_the_same_bytes_from_another_system_are_another_package(clients):
    # Idempotency is per sender: C cannot learn or reuse A's DocId by replaying A's bytes,
    # and is refused anyway because the From agency is A's.
    a, c = clients["sys.a"], clients["sys.c"]
    data = unique_edoc()
    a.send_edoc(data, from_organ=H41)
    with pytest.raises(VxpError) as caught:
        c.send_edoc(data, from_organ=H41)
    assert caught.value.code == "19"


def test_done_takes_a_package_off_the_list_for_good(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    doc_id = a.send_edoc(unique_edoc(), from_organ=H41)
    b.get_edoc(doc_id)
    b.update_status(doc_id, "processing")
    assert listed(b)[doc_id]["status"] == "processing"
    b.update_status(doc_id, "done")
    assert doc_id not in listed(b)
    b.update_status(doc_id, "done")  # a retried acknowledgement is harmless
    assert doc_id not in listed(b)
    with pytest.raises(VxpError) as caught:
        b.update_status(doc_id, "fail")
    assert caught.value.code == "26"
    assert b.get_edoc(doc_id)  # still fetchable by its receiver
    rows = hub.query(
        "SELECT d.state, d.acked_at IS NOT NULL, d.fetched_at IS NOT NULL FROM hub_delivery d"
        " JOIN hub_package p ON p.id = d.package_id WHERE p.doc_id = ?",
        (doc_id,),
    )
    assert rows == [("done", True, True)]


def _plan(hub, sql: str, params: tuple) -> str:
    if hub.database is None:
        rows = hub.query("EXPLAIN QUERY PLAN " + sql.replace("%s", "?"), params)
    else:
        import psycopg

        with psycopg.connect(hub.database.url) as conn:
            # The shared hub's tables are small enough for a sequential scan to win; the
            # question is which index a list uses once they are not.
            conn.execute("SET enable_seqscan = off")
            rows = conn.execute("EXPLAIN " + sql, params).fetchall()
    return " ".join(str(cell) for row in rows for cell in row)


def test_a_list_reads_only_the_waiting_deliveries(hub):
    """Polling must not cost more as acknowledged deliveries pile up: the list and its count
    read the partial index of waiting deliveries (before it, PostgreSQL walked every
    delivery the system had acknowledged on each poll)."""
    for sql, params in ((RECEIVED_SQL, (1, "edoc", 100)), (COUNT_RECEIVED_SQL, (1, "edoc"))):
        assert "hub_delivery_waiting" in _plan(hub, sql, params)


def test_fail_records_the_failure_and_stops_listing(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    doc_id = a.send_edoc(unique_edoc(), from_organ=H41)
    b.update_status(doc_id, "fail")
    assert doc_id not in listed(b)
    rows = hub.query(
        "SELECT d.state, d.reason FROM hub_delivery d JOIN hub_package p ON p.id = d.package_id"
        " WHERE p.doc_id = ?",
        (doc_id,),
    )
    assert rows == [("fail", "Hệ thống nhận báo lỗi.")]
    sent = {item["senderDocId"]: item for item in a.sent(doc_id)}
    assert sent[doc_id]["receiveStatus"] == "fail"


def test_a_system_cannot_read_or_acknowledge_what_is_not_addressed_to_it(clients):
    a, b, c = clients["sys.a"], clients["sys.b"], clients["sys.c"]
    doc_id = a.send_edoc(unique_edoc(), from_organ=H41)
    for call in (lambda: c.get_edoc(doc_id), lambda: c.update_status(doc_id, "done")):
        with pytest.raises(VxpError) as caught:
            call()
        assert caught.value.code == "25"
    with pytest.raises(VxpError) as caught:
        b.get_edoc("00000000-0000-0000-0000-000000000000")
    assert caught.value.code == "25"
    assert doc_id in listed(b)


def test_the_sent_list_shows_each_receivers_state(clients):
    a, b, c = clients["sys.a"], clients["sys.b"], clients["sys.c"]
    doc_id = a.send_edoc(unique_edoc([SO_TTTT_QN, BO_NV]), from_organ=H41)
    b.update_status(doc_id, "done")
    rows = {item["toCode"]: item for item in a.sent(doc_id)}
    assert rows[SO_TTTT_QN]["receiveStatus"] == "done"
    assert rows[SO_TTTT_QN]["receivedTime"]
    assert rows[BO_NV]["receiveStatus"] == "pending"
    assert rows[BO_NV]["notation"] == "125/UBND-VX"
    assert c.sent(doc_id) == []


def test_counts_match_the_lists(hub, clients):
    a, b = clients["sys.a"], clients["sys.b"]
    a.send_edoc(unique_edoc(), from_organ=H41)
    status, edocs = raw_call(hub, "countReceiveEdoc", headers=signed("sys.b", {}))
    assert status == 200
    _, statuses = raw_call(hub, "countReceiveStatus", headers=signed("sys.b", {}))
    assert edocs["count"] == len(b.received("edoc")) > 0
    assert statuses["count"] == len(b.received("status"))


def test_a_system_registers_its_agencies_and_everyone_sees_them(clients):
    a, b = clients["sys.a"], clients["sys.b"]
    b.register_agency(
        {"id": 7, "pcode": "", "code": "000.00.31.H47", "name": "Sở Y tế Quảng Nam", "mail": ""}
    )
    agencies = {item["code"]: item for item in a.agencies()}
    assert agencies["000.00.31.H47"]["name"] == "Sở Y tế Quảng Nam"
    assert agencies[H41]["codeQD20"] == H41_QD20
    doc_id = a.send_edoc(unique_edoc(["000.00.31.H47"]), from_organ=H41)
    assert listed(b)[doc_id]["to"] == "000.00.31.H47"
    with pytest.raises(VxpError) as caught:
        a.register_agency({"code": SO_TTTT_QN, "name": "Chiếm mã của hệ thống khác"})
    assert caught.value.code == "26"
    assert {item["code"]: item for item in a.agencies()}[SO_TTTT_QN]["name"] == (
        "Sở TT&TT Quảng Nam"
    )


def test_download_edoc_gives_the_same_bytes_as_get_edoc(hub, clients):
    import base64

    a, b = clients["sys.a"], clients["sys.b"]
    doc_id = a.send_edoc(unique_edoc(), from_organ=H41)
    status, body = raw_call(hub, "downloadEdoc", headers=signed("sys.b", {"docId": doc_id}))
    assert (status, body["status"]) == (200, "OK")
    assert base64.b64decode(body["data"]) == b.get_edoc(doc_id)


def test_raw_download_edoc_gives_the_delivered_bytes_and_json_refusals(hub, clients):
    a, b, c = clients["sys.a"], clients["sys.b"], clients["sys.c"]
    doc_id = a.send_edoc(unique_edoc(), from_organ=H41)
    raw = b.download_edoc(doc_id)
    assert raw == b.get_edoc(doc_id)
    assert [t.organ_id for t in parse(raw).trace][-1] == "000.00.00.G22"  # the hub's trace
    with pytest.raises(VxpError) as caught:
        c.download_edoc(doc_id)  # not addressed to sys.c: refused as JSON, not bytes
    assert caught.value.code == "25"
