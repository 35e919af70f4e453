"""Builders for the work-file tests: a file opened by UBND's specialist in Phòng Kinh tế, an
incoming request forwarded to that specialist, and the specialist's draft reply. Everything is
made through the actions, as a user would."""

from __future__ import annotations

from tests.documents.helpers import make_draft, register
from vanthu.documents import actions as doc_actions
from vanthu.workfiles import actions


def open_file(world, *, user=None, department=None, code="KT-2026-05", **fields):
    values = {"title": "Trả lời Sở Tài chính về thu ngân sách quý I", "retention": "10"}
    values.update(fields)
    return actions.open_workfile(
        user or world.specialist_ubnd, department or world.kt_ubnd, code=code, **values
    )


def incoming_for_specialist(world, **meta):
    """A registered incoming document the chairman forwarded to the specialist."""
    doc = register(world, **meta)
    doc_actions.forward_document(
        world.leader_ubnd, doc, users=[world.specialist_ubnd], departments=[]
    )
    return doc


def draft_reply(world, **meta):
    return make_draft(world, subject="Về việc báo cáo thu ngân sách quý I", **meta)
