"""Circuits of UBND tỉnh used by the circuit tests, built through the actions."""

from __future__ import annotations

from vanthu.circuits import actions
from vanthu.circuits.actions import StepSpec
from vanthu.directory.models import Position, Role


def deputy_position() -> Position:
    return Position.objects.get(name="Phó Chủ tịch")


def chain(world) -> list[StepSpec]:
    """Specialist drafts → department leader → a deputy chairman → the chairman."""
    return [
        StepSpec(role=Role.DEPARTMENT_LEADER),
        StepSpec(role=Role.AGENCY_LEADER, position=deputy_position()),
        StepSpec(reviewer=world.leader_ubnd),
    ]


def make_circuit(world, steps=None, *, active=True, name="Duyệt công văn", types=()):
    circuit = actions.create_circuit(
        world.leader_ubnd,
        world.ubnd,
        name=name,
        document_types=list(types),
        steps=steps if steps is not None else chain(world),
    )
    if active:
        circuit = actions.set_active(world.leader_ubnd, circuit, True)
    return circuit
