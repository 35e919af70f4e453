"""The demo province seeded through the real actions, on a fresh test database.

The demo seeds 300 documents; the tests seed 60 (the same code path, a fifth of the time) at
a fixed date, so that the year boundary and the queues are the same on every run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from vanthu.demo import DEMO_PASSWORD
from vanthu.demo.accounts import accounts_document, demo_accounts
from vanthu.demo.seed import AlreadySeeded, seed_demo
from vanthu.directory.codes import qcvn102_error
from vanthu.directory.models import Agency, Membership, Role, User
from vanthu.documents.models import Channel, Direction, Document, NumberCounter, Status
from vanthu.textfold import fold

DOCUMENTS = 60
NOW = datetime(2026, 11, 20, 15, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def seeded(db):
    return seed_demo(DOCUMENTS, now=NOW)


def test_it_seeds_the_directory_with_every_role_and_working_logins(seeded, client):
    active = Agency.objects.filter(valid_to__isnull=True)
    assert active.count() >= 15
    assert all(qcvn102_error(c) is None for c in Agency.objects.values_list("code", flat=True))
    province = Agency.objects.get(code="000.00.00.H41")
    assert (province.name, province.abbreviation) == ("Ủy ban nhân dân tỉnh Nghệ An", "UBND")
    assert set(province.departments.values_list("code", flat=True)) == {"VP", "KT", "VX", "NC"}
    departments = active.filter(kind=Agency.Kind.PROVINCE_DEPARTMENT)
    assert departments.count() >= 8
    assert all(d.departments.count() == 2 for d in departments)
    assert active.filter(kind=Agency.Kind.COMMUNE_COMMITTEE).count() >= 6
    former = Agency.objects.get(name="Ủy ban nhân dân huyện Hưng Nguyên")
    assert former.valid_to == date(2025, 6, 30)
    assert former.successor.name == "Ủy ban nhân dân xã Hưng Nguyên"

    assert User.objects.count() >= 60
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert all(u.isascii() for u in User.objects.values_list("username", flat=True))
    held = {(m.user.username, m.role) for m in Membership.objects.current().select_related("user")}
    assert held == {(a.username, a.role) for a in demo_accounts()}
    for username in ("vanthu.ubnd", "chutich.ubnd", "truongphong.kt.ubnd", "chuyenvien.stc"):
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    assert not client.login(username="vanthu.ubnd", password="sai-mat-khau")


def _assert_gap_free(numbers: dict) -> None:
    for key, values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1)), key


def test_it_runs_a_year_of_documents_with_gap_free_yearly_numbers(seeded):
    drafted = Document.objects.filter(direction=Direction.OUTGOING).count()
    on_paper = Document.objects.filter(channel=Channel.PAPER).count()
    assert drafted + on_paper == DOCUMENTS == seeded.documents
    assert Document.objects.filter(source_delivery__isnull=False).count() == seeded.received_copies
    # Every status of the workflow, except those only a recall or a replacement gives (the
    # seed does neither; the recalls and end-to-end tests do).
    after_issue = {"recalled", "replaced"}
    assert (
        set(Document.objects.values_list("status", flat=True)) == set(Status.values) - after_issue
    )
    assert Document.objects.exclude(secrecy="normal").exists()
    assert not Document.objects.filter(issued_on__gt=NOW.date()).exists()

    outgoing = defaultdict(list)
    for agency, year, series, number, issued_on in Document.objects.filter(
        direction=Direction.OUTGOING, number__isnull=False
    ).values_list("agency_id", "year", "series", "number", "issued_on"):
        assert year == issued_on.year
        outgoing[(agency, year, series)].append(number)
    _assert_gap_free(outgoing)
    assert {year for _, year, _ in outgoing} == {2025, 2026}
    assert {series for _, _, series in outgoing} >= {"outgoing", "secret"}
    for (agency, year, series), values in outgoing.items():
        in_date_order = Document.objects.filter(
            direction=Direction.OUTGOING, agency_id=agency, year=year, series=series
        ).order_by("issued_at", "pk")
        assert list(in_date_order.values_list("number", flat=True)) == sorted(values)
        counter = NumberCounter.objects.get(agency_id=agency, year=year, series=series)
        assert counter.last_value == len(values)

    normative = Document.objects.filter(is_normative=True, number__isnull=False)
    assert normative.exists()
    assert all(d.notation.startswith(f"{d.year}/") for d in normative)

    arrivals = defaultdict(list)
    for agency, year, number in Document.objects.filter(
        direction=Direction.INCOMING, arrival_number__isnull=False
    ).values_list("agency_id", "year", "arrival_number"):
        arrivals[(agency, year)].append(number)
    _assert_gap_free(arrivals)
    assert {year for _, year in arrivals} == {2025, 2026}

    for copy in Document.objects.filter(source_delivery__isnull=False).select_related(
        "source_delivery__document"
    ):
        source = copy.source_delivery.document
        assert (copy.reference, copy.issued_on) == (source.reference, source.issued_on)
        assert copy.arrived_at >= source.issued_at
        assert fold(copy.reference) in copy.search_text


def test_it_refuses_to_seed_twice(db):
    Agency.objects.create(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Nghệ An")
    with pytest.raises(AlreadySeeded):
        seed_demo(DOCUMENTS, now=NOW)


def test_the_published_account_list_matches_the_seed_data():
    path = Path(__file__).resolve().parents[2] / "docs" / "DEMO_ACCOUNTS.md"
    assert path.read_text(encoding="utf-8") == accounts_document(), (
        "regenerate with: vanthu manage demo_accounts --output docs/DEMO_ACCOUNTS.md"
    )
