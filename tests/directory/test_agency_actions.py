"""create_agency / update_agency / create_department / update_department."""

from __future__ import annotations

from datetime import date

import pytest

from vanthu.audit.models import AuditEvent
from vanthu.directory import actions
from vanthu.directory.models import Agency, Department
from vanthu.directory.validation import AgencyInput
from vanthu.errors import PermissionDenied, ValidationFailed


def _input(**overrides) -> AgencyInput:
    values = {
        "code": "000.00.00.H47",
        "name": "Ủy ban nhân dân tỉnh Quảng Nam",
        "abbreviation": "UBND",
        "kind": Agency.Kind.PROVINCE_COMMITTEE,
    }
    return AgencyInput(**(values | overrides))


def _errors(call) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as exc:
        call()
    return exc.value.errors


def test_it_creates_an_agency_and_records_it(world):
    agency = actions.create_agency(world.admin, _input(parent=world.ubnd, code_qd20="H47"))
    assert agency.parent == world.ubnd
    event = AuditEvent.objects.get(action="directory.agency_created")
    assert event.actor == world.admin and event.object_id == "000.00.00.H47"
    assert event.after["parent"] == "000.00.00.H41" and event.after["code_qd20"] == "H47"


def test_it_rejects_a_malformed_code_without_writing(world):
    errors = _errors(lambda: actions.create_agency(world.admin, _input(code="000.00.00.h47")))
    assert errors["code"].startswith("Mã định danh không đúng dạng QCVN 102")
    assert not Agency.objects.filter(name="Ủy ban nhân dân tỉnh Quảng Nam").exists()
    assert not AuditEvent.objects.filter(action__startswith="directory.").exists()


def test_it_rejects_a_code_already_used(world):
    errors = _errors(lambda: actions.create_agency(world.admin, _input(code=world.ubnd.code)))
    assert errors == {"code": "Mã định danh này đã được dùng cho cơ quan khác."}


@pytest.mark.parametrize("abbreviation", ["", "UB ND", "UBND/X", "U" * 21])
def test_it_requires_an_abbreviation_usable_in_a_notation(world, abbreviation):
    errors = _errors(lambda: actions.create_agency(world.admin, _input(abbreviation=abbreviation)))
    assert set(errors) == {"abbreviation"}


def test_it_rejects_a_parent_that_would_make_a_cycle(world):
    # xa is a child of ubnd: making xa the parent of ubnd would close a loop.
    data = _input(code=world.ubnd.code, name=world.ubnd.name, parent=world.xa)
    errors = _errors(lambda: actions.update_agency(world.admin, world.ubnd, data))
    assert errors["parent"].startswith("Cơ quan cấp trên không hợp lệ")
    world.ubnd.refresh_from_db()
    assert world.ubnd.parent is None


def test_it_rejects_itself_as_parent(world):
    data = _input(code=world.stc.code, name=world.stc.name, parent=world.stc)
    assert "parent" in _errors(lambda: actions.update_agency(world.admin, world.stc, data))


def test_it_rejects_an_end_before_the_start(world):
    data = _input(valid_from=date(2025, 7, 1), valid_to=date(2025, 6, 30))
    errors = _errors(lambda: actions.create_agency(world.admin, data))
    assert errors == {"valid_to": "Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực."}


def test_it_names_a_successor_only_when_the_agency_ends(world):
    errors = _errors(lambda: actions.create_agency(world.admin, _input(successor=world.ubnd)))
    assert errors == {"successor": "Chỉ ghi cơ quan kế thừa khi cơ quan đã có ngày hết hiệu lực."}


def test_it_records_a_merger_with_before_and_after(world):
    data = _input(
        code=world.xa.code,
        name=world.xa.name,
        abbreviation="UBND",
        kind=world.xa.kind,
        parent=world.ubnd,
        valid_to=date(2025, 6, 30),
        successor=world.stc,
    )
    agency = actions.update_agency(world.admin, world.xa, data)
    assert agency.successor == world.stc and agency.valid_to == date(2025, 6, 30)
    assert list(world.stc.predecessors.all()) == [world.xa]
    event = AuditEvent.objects.get(action="directory.agency_updated")
    assert event.before == {"valid_to": None, "successor": None}
    assert event.after == {"valid_to": "2025-06-30", "successor": world.stc.code}


def test_it_rejects_a_successor_chain_that_loops(world):
    actions.update_agency(
        world.admin,
        world.xa,
        _input(
            code=world.xa.code, name=world.xa.name, valid_to=date(2025, 6, 30), successor=world.stc
        ),
    )
    data = _input(
        code=world.stc.code, name=world.stc.name, valid_to=date(2025, 6, 30), successor=world.xa
    )
    assert "successor" in _errors(lambda: actions.update_agency(world.admin, world.stc, data))


def test_it_writes_no_event_when_nothing_changed(world):
    data = _input(
        code=world.stc.code,
        name=world.stc.name,
        abbreviation=world.stc.abbreviation,
        kind=world.stc.kind,
        parent=world.ubnd,
    )
    actions.update_agency(world.admin, world.stc, data)
    assert not AuditEvent.objects.filter(action="directory.agency_updated").exists()


def test_only_administrators_change_agencies(world):
    with pytest.raises(PermissionDenied):
        actions.create_agency(world.leader_ubnd, _input())
    assert not Agency.objects.filter(code="000.00.00.H47").exists()


def test_it_creates_and_renames_a_department(world, events):
    department = actions.create_department(world.admin, world.stc, "TH", "Phòng Tổng hợp")
    actions.update_department(world.admin, department, "TH", "Phòng Tổng hợp - Kế hoạch")
    department.refresh_from_db()
    assert department.name == "Phòng Tổng hợp - Kế hoạch"
    assert events() == ["directory.department_created", "directory.department_updated"]
    updated = AuditEvent.objects.get(action="directory.department_updated")
    assert updated.object_id == world.stc.code
    assert updated.before == {"department": "TH", "name": "Phòng Tổng hợp"}


def test_it_rejects_a_department_code_taken_in_the_same_agency(world):
    errors = _errors(lambda: actions.create_department(world.admin, world.ubnd, "VP", "Khác"))
    assert errors == {"code": "Mã đơn vị này đã có trong cơ quan."}
    # The same code in another agency is fine: codes are per agency.
    assert actions.create_department(world.admin, world.xa, "VP", "Văn phòng").agency == world.xa


def test_it_rejects_a_department_code_with_a_slash(world):
    errors = _errors(lambda: actions.create_department(world.admin, world.ubnd, "V/P", "X"))
    assert "code" in errors
    assert not Department.objects.filter(code="V/P").exists()
