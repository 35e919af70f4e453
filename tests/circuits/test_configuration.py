"""Configuring circuits: who may, what a valid step list is, one active circuit per type,
and no edits under a running review."""

from __future__ import annotations

import pytest

from tests.circuits.helpers import chain, deputy_position, make_circuit
from tests.documents.helpers import make_draft
from vanthu.audit.models import AuditEvent
from vanthu.circuits import actions
from vanthu.circuits.actions import StepSpec
from vanthu.circuits.models import Circuit, CircuitStep
from vanthu.directory.models import Role
from vanthu.documents import actions as doc_actions
from vanthu.documents.models import DocumentType
from vanthu.errors import InvalidTransition, PermissionDenied, ValidationFailed


def _bad_steps(world):
    return {
        "none": ([], "ít nhất một bước"),
        "both": (
            [StepSpec(role=Role.AGENCY_LEADER, reviewer=world.deputy_ubnd)],
            "không chọn cả hai",
        ),
        "neither": ([StepSpec(parallel_group=2)], "chọn một vai trò hoặc một người"),
        "clerk role": ([StepSpec(role=Role.CLERK)], "vai trò người duyệt không hợp lệ"),
        "position on a person": (
            [StepSpec(reviewer=world.deputy_ubnd, position=deputy_position())],
            "chức vụ chỉ dùng kèm một vai trò",
        ),
        "person of another agency": (
            [StepSpec(reviewer=world.leader_stc)],
            "không thuộc cơ quan này",
        ),
        "split group": (
            [
                StepSpec(reviewer=world.deputy_ubnd, parallel_group=1),
                StepSpec(role=Role.DEPARTMENT_LEADER, parallel_group=1),
                StepSpec(reviewer=world.leader_ubnd),
                StepSpec(reviewer=world.specialist2_ubnd, parallel_group=1),
            ],
            "phải liền nhau",
        ),
        "lonely group": (
            [StepSpec(reviewer=world.deputy_ubnd, parallel_group=3)],
            "ít nhất hai bước",
        ),
        "twice in a group": (
            [
                StepSpec(reviewer=world.deputy_ubnd, parallel_group=1),
                StepSpec(reviewer=world.deputy_ubnd, parallel_group=1),
            ],
            "trùng người duyệt",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "none",
        "both",
        "neither",
        "clerk role",
        "position on a person",
        "person of another agency",
        "split group",
        "lonely group",
        "twice in a group",
    ],
)
def test_it_rejects_invalid_steps(world, case):
    steps, message = _bad_steps(world)[case]
    with pytest.raises(ValidationFailed) as caught:
        actions.create_circuit(world.leader_ubnd, world.ubnd, name="Sai", steps=steps)
    assert message in caught.value.errors["steps"]
    assert not Circuit.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="circuits.").exists()


def test_it_requires_a_name(world):
    with pytest.raises(ValidationFailed) as caught:
        actions.create_circuit(world.leader_ubnd, world.ubnd, name="  ", steps=chain(world))
    assert caught.value.errors == {"name": "Chưa nhập tên quy trình."}


@pytest.mark.parametrize(
    "persona", ["specialist_ubnd", "dept_leader_ubnd", "clerk_ubnd", "leader_stc", "outsider"]
)
def test_only_leaders_and_admins_configure(world, persona):
    with pytest.raises(PermissionDenied):
        actions.create_circuit(getattr(world, persona), world.ubnd, name="X", steps=chain(world))
    circuit = make_circuit(world, active=False)
    with pytest.raises(PermissionDenied):
        actions.set_active(getattr(world, persona), circuit, True)
    with pytest.raises(PermissionDenied):
        actions.update_circuit(getattr(world, persona), circuit, name="Y", steps=chain(world))
    circuit.refresh_from_db()
    assert (circuit.name, circuit.active) == ("Duyệt công văn", False)


def test_an_administrator_configures_and_everything_is_audited(world):
    circuit = actions.create_circuit(world.admin, world.ubnd, name="Chung", steps=chain(world))
    assert [s.mode for s in circuit.steps.all()] == ["sequential"] * 3
    actions.set_active(world.admin, circuit, True)
    actions.set_active(world.admin, circuit, False)
    actions.update_circuit(
        world.admin,
        circuit,
        name="Chung (sửa)",
        steps=[
            StepSpec(role=Role.DEPARTMENT_LEADER, parallel_group=1),
            StepSpec(reviewer=world.specialist2_ubnd, parallel_group=1),
        ],
    )
    assert [s.mode for s in circuit.steps.all()] == ["parallel:1", "parallel:1"]
    events = list(AuditEvent.objects.filter(object_id=str(circuit.public_id)).order_by("id"))
    assert [e.action for e in events] == [
        "circuits.created",
        "circuits.activated",
        "circuits.deactivated",
        "circuits.updated",
    ]
    assert events[-1].before["name"] == "Chung"
    assert events[-1].after["steps"] == [
        "1. Lãnh đạo phòng đơn vị soạn thảo [parallel:1]",
        "2. Đỗ Thị Hai [parallel:1]",
    ]


def test_one_active_circuit_per_document_type(world):
    make_circuit(world, name="Chung")
    second = make_circuit(world, name="Chung 2", active=False)
    with pytest.raises(ValidationFailed) as caught:
        actions.set_active(world.leader_ubnd, second, True)
    assert "mọi loại văn bản" in caught.value.errors["active"]

    qd = DocumentType.objects.get(code="QD")
    make_circuit(world, name="Quyết định", types=[qd])
    other = make_circuit(world, name="Quyết định 2", types=[qd], active=False)
    with pytest.raises(ValidationFailed):
        actions.set_active(world.leader_ubnd, other, True)
    assert not Circuit.objects.get(pk=other.pk).active

    # The specific circuit wins over the catch-all for its type.
    draft = make_draft(world, doc_type_code="QD")
    assert actions.applicable_circuit(draft).name == "Quyết định"
    assert actions.applicable_circuit(make_draft(world)).name == "Chung"


def test_a_circuit_in_use_cannot_be_edited(world):
    circuit = make_circuit(world)
    doc = make_draft(world)
    doc_actions.submit_draft(world.specialist_ubnd, doc)
    with pytest.raises(InvalidTransition):
        actions.update_circuit(world.leader_ubnd, circuit, name="Đổi", steps=chain(world)[:1])
    assert CircuitStep.objects.filter(circuit=circuit).count() == 3
    # Deactivating is allowed: the running review finishes on its circuit.
    actions.set_active(world.leader_ubnd, circuit, False)
    assert actions.open_review_of(doc) is not None
