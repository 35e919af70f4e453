"""Outgoing numbers (Decree 30/2020 Art. 15, Appendix I.II.3): per agency and year, from 01,
gap-free, in the series the Decree separates, rendered "05/QĐ-UBND" or "123/UBND-KT"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.documents.helpers import make_approved, make_issued
from vanthu.documents import actions
from vanthu.documents.models import Document, NumberCounter, Status
from vanthu.errors import ValidationFailed
from vanthu.exchange.models import Delivery

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _refs(docs):
    return [d.reference for d in docs]


def test_it_starts_at_01_and_numbers_without_gaps(world):
    docs = [make_issued(world, doc_type_code="QD", subject=f"Quyết định {i}") for i in range(3)]
    assert [d.number for d in docs] == [1, 2, 3]
    assert _refs(docs) == ["01/QĐ-UBND", "02/QĐ-UBND", "03/QĐ-UBND"]
    assert {d.year for d in docs} == {timezone.localdate().year}
    assert all(d.issued_on == timezone.localdate() for d in docs)


def test_it_numbers_each_agency_separately(world):
    ubnd = make_issued(world)
    stc = make_issued(
        world,
        user=world.specialist_stc,
        agency=world.stc,
        department=world.ns_stc,
        signer=world.leader_stc,
    )
    assert (ubnd.number, stc.number) == (1, 1)


def test_it_shares_one_series_across_ordinary_types(world):
    qd = make_issued(world, doc_type_code="QD")
    cv = make_issued(world, doc_type_code="CV")
    tb = make_issued(world, doc_type_code="TB")
    assert _refs([qd, cv, tb]) == ["01/QĐ-UBND", "02/UBND-KT", "03/TB-UBND"]


def test_it_renders_official_letters_as_issuer_then_unit(world):
    NumberCounter.objects.create(
        agency=world.ubnd, year=timezone.localdate().year, series="outgoing", last_value=122
    )
    doc = make_issued(world, doc_type_code="CV")
    assert doc.number_text == "123"
    assert doc.reference == "123/UBND-KT"


def test_it_pads_numbers_below_ten_only(world):
    year = timezone.localdate().year
    NumberCounter.objects.create(agency=world.ubnd, year=year, series="outgoing", last_value=8)
    nine = make_issued(world, doc_type_code="QD")
    ten = make_issued(world, doc_type_code="QD")
    assert _refs([nine, ten]) == ["09/QĐ-UBND", "10/QĐ-UBND"]


def test_it_keeps_the_case_of_mixed_case_type_abbreviations(world):
    # Appendix III: Quy định is "QyĐ" and Tờ trình "TTr"; upper-casing would make "QYĐ".
    doc = make_issued(world, doc_type_code="TTR")
    assert doc.reference == "01/TTr-UBND"


def test_it_gives_each_normative_type_its_own_series(world):
    ordinary = make_issued(world, doc_type_code="QD")
    normative_qd = make_issued(world, doc_type_code="QD", is_normative=True)
    normative_nq = make_issued(world, doc_type_code="NQ", is_normative=True)
    normative_qd2 = make_issued(world, doc_type_code="QD", is_normative=True)
    ordinary2 = make_issued(world, doc_type_code="CV")
    assert [d.number for d in (ordinary, normative_qd, normative_nq, normative_qd2, ordinary2)] == [
        1,
        1,
        1,
        2,
        2,
    ]
    assert normative_qd.series != normative_nq.series != ordinary.series
    year = normative_qd2.year
    assert normative_qd2.reference == f"02/{year}/QĐ-UBND"
    assert ordinary.reference == "01/QĐ-UBND"


def test_it_refuses_a_normative_official_letter(world):
    with pytest.raises(ValidationFailed) as exc:
        make_issued(world, doc_type_code="CV", is_normative=True)
    assert "Nghị quyết và Quyết định" in exc.value.errors["is_normative"]


def test_a_personal_letter_notation_is_the_issuer_alone(world):
    assert make_issued(world, doc_type_code="THU").reference == "01/UBND"


def test_it_gives_secret_documents_their_own_series(world):
    ordinary = make_issued(world)
    secret = make_issued(world, secrecy="confidential", named_readers=[world.clerk_ubnd])
    ordinary2 = make_issued(world)
    assert (ordinary.number, secret.number, ordinary2.number) == (1, 1, 2)
    assert secret.series == "secret"


def test_it_gives_copies_their_own_series(world):
    # Appendix I Part II.II.1.c: copies are numbered in their own yearly series from 01.
    ordinary = make_issued(world)
    copy = make_issued(world, doc_type_code="BSY")
    assert (ordinary.number, copy.number) == (1, 1)
    assert copy.reference == "01/BSY-UBND"


def test_it_leaves_no_gap_when_issuance_fails(world, settings):
    first = make_issued(world)
    doc = make_approved(world, recipients=[world.stc])
    settings.VANTHU_TRANSPORTS = {"local": "tests.documents.test_numbering.BrokenTransport"}

    with pytest.raises(RuntimeError):
        actions.issue_document(world.clerk_ubnd, doc)

    doc.refresh_from_db()
    assert doc.status == Status.APPROVED and doc.number is None and doc.number_text == ""
    assert NumberCounter.objects.get(agency=world.ubnd, series="outgoing").last_value == 1
    assert not Delivery.objects.exists()

    settings.VANTHU_TRANSPORTS = {}
    doc = actions.issue_document(world.clerk_ubnd, doc)
    assert (first.number, doc.number) == (1, 2)


class BrokenTransport:
    name = "local"

    def send(self, delivery):
        raise RuntimeError("hub unreachable")

    def report_status(self, delivery, status, *, actor=None, note=""):
        raise AssertionError("not reached")


def test_it_restarts_at_01_on_the_first_of_january_in_vietnam(world):
    with time_machine.travel(datetime(2026, 12, 31, 23, 59, tzinfo=VN), tick=False):
        last_of_2026 = [make_issued(world), make_issued(world)]
    new_year = datetime(2027, 1, 1, 0, 1, tzinfo=VN)
    # Still 31 December in UTC: the series must follow the Vietnamese calendar.
    assert new_year.astimezone(UTC).date().year == 2026
    with time_machine.travel(new_year, tick=False):
        first_of_2027 = make_issued(world)

    assert [(d.year, d.number) for d in last_of_2026] == [(2026, 1), (2026, 2)]
    assert (first_of_2027.year, first_of_2027.number, first_of_2027.number_text) == (2027, 1, "01")
    assert first_of_2027.issued_on.isoformat() == "2027-01-01"


def test_it_follows_the_vietnam_date_whatever_timezone_is_active(world):
    with time_machine.travel(datetime(2027, 1, 1, 0, 1, tzinfo=VN), tick=False):
        with timezone.override("UTC"):
            doc = make_issued(world)
    assert (doc.year, doc.issued_on.isoformat()) == (2027, "2027-01-01")


def test_it_keeps_numbers_unique_per_agency_year_and_series(world):
    make_issued(world)
    doc = make_issued(world)
    assert (
        Document.objects.filter(
            agency=world.ubnd, year=doc.year, series=doc.series, number=doc.number
        ).count()
        == 1
    )
