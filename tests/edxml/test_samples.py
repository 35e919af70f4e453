"""Conformance over the real SDK samples in shared/samples/edxml (present here and in CI)."""

from __future__ import annotations

import datetime as dt

import pytest

from vanthu.edxml import Edoc, StatusMessage, build, parse
from vanthu.edxml.constants import VN_TZ
from vanthu.edxml.jsonview import to_json_dict
from vanthu.edxml.signature import verify
from vanthu.edxml.validate import validate

from .factories import SAMPLES, make_pki

pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared/samples/edxml not present")

# sha256 and size of the file inside the SDK's ZIP wrapper (the same file in all four).
DOC_SHA256 = "8385739ec4a4ed36d71eabcaead629641ffc5ffff3d487ff5c34d2f821c9f36e"
DOC_SIZE = 388347
SUBJECT = "V/v kết nối, liên thông phần mềm quản lý văn bản"
PROVINCES = ["000.00.00.H41", "000.00.00.H14", "000.00.00.G17"]

EDOCS = {
    "edoc.edxml": {
        "subject": "Văn bản liên thông chỉ đạo - 190701",
        "code": ("12234555512", "PRO-TEST-CASE1"),
        "from": "002.00.20.H13",
        "to": ["000.00.15.H51"],
        "date": dt.date(2019, 1, 17),
        "business": None,
        "trace": ["01.02.G22"],
        # The attachment text is a JMeter placeholder, not Base64.
        "attachment": ("GUIDE_INSTALL OPENVPN.SIGNED.PDF", None, None),
    },
    "edoc_new.edxml": {
        "subject": SUBJECT,
        "code": ("74fass22", "VPCP-TTĐT"),
        "from": "002.00.20.H13",
        "to": ["28.22.H17"],
        "date": dt.date(2019, 1, 16),
        "business": 0,
        "trace": ["000.00.00.G22"],
        "attachment": ("1896_QD-TTg_m_294779.doc", DOC_SIZE, DOC_SHA256),
    },
    "edoc_revocation.edxml": {
        "subject": SUBJECT,
        "code": ("7816", "VPCP-TTĐT"),
        "from": "000.00.00.G22",
        "to": PROVINCES,
        "date": dt.date(2018, 9, 28),
        "business": 1,
        "trace": ["000.00.00.G22"],
        "attachment": ("1896_QD-TTg_m_294779.doc", DOC_SIZE, DOC_SHA256),
    },
    "edoc_update.edxml": {
        "subject": SUBJECT,
        "code": ("7816", "VPCP-TTĐT"),
        "from": "000.00.00.G22",
        "to": PROVINCES,
        "date": dt.date(2018, 9, 28),
        "business": 2,
        "trace": ["000.00.00.G22"],
        "attachment": ("1896_QD-TTg_m_294779.doc", DOC_SIZE, DOC_SHA256),
    },
    "edoc_replacement.edxml": {
        "subject": SUBJECT,
        "code": ("7816", "VPCP-TTĐT"),
        "from": "000.00.00.G22",
        "to": PROVINCES,
        "date": dt.date(2018, 9, 28),
        "business": 3,
        "trace": ["000.00.00.G22"],
        "attachment": ("1896_QD-TTg_m_294779.doc", DOC_SIZE, DOC_SHA256),
    },
}

# file: (status code, reporting agency, agency of the document reported on)
STATUSES = {
    "status.edxml": ("01", "000.00.00.H41", "000.00.00.G22"),
    "status_inbox_01.edxml": ("01", "000.00.00.H41", "000.00.00.G22"),
    "status_rejection_02.edxml": ("02", "000.00.00.H41", "000.00.00.G22"),
    "status_acceptance_03.edxml": ("03", "000.00.00.H41", "000.00.00.G22"),
    "status_assignment_04.edxml": ("04", "000.00.00.H41", "000.00.00.G22"),
    "status_processing_05.edxml": ("05", "000.00.00.H41", "000.00.00.G22"),
    "status_finish_06.edxml": ("06", "000.00.00.H41", "000.00.00.G22"),
    "status_cancellation_13.edxml": ("13", "000.00.00.G22", "000.00.00.H41"),
    "status_change-acceptance_15.edxml": ("15", "000.00.00.H41", "000.00.00.G22"),
    "status_change-rejection_16.edxml": ("16", "000.00.00.H41", "000.00.00.G22"),
}


def read(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_every_sample_has_expectations():
    assert {p.name for p in SAMPLES.glob("*.edxml")} == set(EDOCS) | set(STATUSES)


@pytest.mark.parametrize("name", sorted(EDOCS))
def test_it_parses_edoc_sample(name):
    expected = EDOCS[name]
    edoc = parse(read(name))
    assert isinstance(edoc, Edoc)
    assert edoc.subject == expected["subject"]
    assert (edoc.code.number, edoc.code.notation) == expected["code"]
    assert edoc.from_.organ_id == expected["from"]
    assert [o.organ_id for o in edoc.to] == expected["to"]
    assert edoc.promulgation_info.date == expected["date"]
    business = edoc.business.business_doc_type if edoc.business else None
    assert business == expected["business"]
    assert [t.organ_id for t in edoc.trace] == expected["trace"]
    [attachment] = to_json_dict(edoc)["attachments"]
    assert (attachment["name"], attachment["size"], attachment["sha256"]) == expected["attachment"]


def test_revocation_names_its_target_in_response_for():
    edoc = parse(read("edoc_revocation.edxml"))
    [target] = edoc.response_for
    assert target.organ_id == "000.00.00.H14"
    assert target.code == "267/VPCP-TTĐT"
    assert target.document_id == "000.00.04.G14,2012/08/06,267/VPCP-TTĐT"


def test_update_and_replacement_carry_their_business_details():
    update = parse(read("edoc_update.edxml")).business
    assert [(r.organ_id, r.receiver_type) for r in update.document_info.receivers] == [
        ("000.00.00.H41", 0),
        ("000.00.00.H14", 1),
    ]
    replacement = parse(read("edoc_replacement.edxml")).business
    assert len(replacement.replacement_info) == 2
    assert replacement.replacement_info[0].organ_ids == ["000.00.00.H41", "000.00.00.H14"]


def test_sdk_zip_wrapper_gets_the_real_content_type():
    [attachment] = parse(read("edoc_new.edxml")).attachments
    assert attachment.content_id == "209"
    assert attachment.content_type == "application/msword"


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_it_parses_status_sample(name):
    code, sender, concerned = STATUSES[name]
    status = parse(read(name))
    assert isinstance(status, StatusMessage)
    assert status.status_code == code
    assert status.from_.organ_id == sender
    assert status.response_for.organ_id == concerned
    assert status.response_for.code == "7816/VPCP-TTĐT"
    assert status.response_for.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert status.description
    assert status.timestamp.tzinfo is not None


def test_status_timestamp_is_vietnam_local_time():
    status = parse(read("status.edxml"))
    assert status.timestamp == dt.datetime(2018, 9, 28, 17, 25, 11, tzinfo=VN_TZ)
    assert status.staff_info.staff == "Nguyễn Thị Ngọc Trâm"


@pytest.mark.parametrize("name", sorted(set(EDOCS) - {"edoc.edxml"}) + sorted(STATUSES))
def test_sample_survives_a_rebuild(name):
    message = parse(read(name))
    rebuilt = build(message)
    assert parse(rebuilt) == message
    assert build(parse(rebuilt)) == rebuilt


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("status_acceptance_03.edxml", []),
        ("edoc_update.edxml", [("warning", "Signature")]),
        ("edoc_new.edxml", [("warning", "/edXML"), ("error", "OrganId"), ("warning", "Signature")]),
        ("edoc.edxml", [("error", "Attachment[1]")]),
    ],
)
def test_validation_of_samples(name, expected):
    findings = validate(read(name))
    for level, fragment in expected:
        assert any(f.level == level and fragment in f.path for f in findings), findings
    if not expected:
        assert findings == []
    errors = [f for f in findings if f.level == "error"]
    assert len(errors) == sum(level == "error" for level, _ in expected), errors


def test_sample_signatures_are_placeholders_or_absent():
    ca = make_pki().ca_pem
    assert verify(read("edoc_new.edxml"), ca_pem=ca).status == "invalid"
    assert verify(read("edoc.edxml"), ca_pem=ca, allow_sha1=True).status == "invalid"
    assert verify(read("status.edxml"), ca_pem=ca).status == "absent"
