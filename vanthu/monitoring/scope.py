"""Who may monitor which agencies: the one permission rule of the monitoring pages.

The province's IT department (administrators) sees every agency; an agency leader sees their
own agency and every agency below it (Agency.parent, to any depth: a province committee's
leader sees its departments and communes). Anybody else gets 404, like any page they may not
see (STYLE rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role

DENIED = "Chỉ lãnh đạo cơ quan và bộ phận quản trị hệ thống mới xem được trang giám sát."


@dataclass(frozen=True)
class Scope:
    agencies: list[Agency]  # in tree order: each agency followed by the agencies under it
    depth: dict[int, int]

    @property
    def ids(self) -> list[int]:
        return [a.pk for a in self.agencies]

    def get(self, code: str) -> Agency:
        for agency in self.agencies:
            if agency.code == code:
                return agency
        raise Http404("Không tìm thấy cơ quan hoặc cơ quan ngoài phạm vi giám sát của bạn.")


def can_monitor(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or bool(roles.agencies_with(Role.AGENCY_LEADER))


def scope_for(user) -> Scope:
    roles = roles_of(user)
    if not (roles.is_admin or roles.agencies_with(Role.AGENCY_LEADER)):
        raise Http404(DENIED)
    # A province has a few hundred agencies at most: the tree is walked in memory.
    everything = list(Agency.objects.only("pk", "code", "name", "abbreviation", "parent_id"))
    children: dict[int | None, list[Agency]] = {}
    for agency in everything:
        children.setdefault(agency.parent_id, []).append(agency)
    for siblings in children.values():
        siblings.sort(key=lambda a: a.name)
    known = {a.pk for a in everything}
    if roles.is_admin:
        # Roots, plus agencies whose parent is missing (cannot happen with PROTECT, but a
        # row must never vanish from the administrators' view).
        roots = [a for a in everything if a.parent_id is None or a.parent_id not in known]
    else:
        led = roles.agencies_with(Role.AGENCY_LEADER)
        # A leader of both a parent and its child would otherwise see the child twice.
        roots = [a for a in everything if a.pk in led and a.parent_id not in led]
    roots.sort(key=lambda a: a.name)
    ordered: list[Agency] = []
    depth: dict[int, int] = {}
    stack = [(a, 0) for a in reversed(roots)]
    while stack:
        agency, level = stack.pop()
        if agency.pk in depth:  # a cycle in bad data must not loop forever
            continue
        depth[agency.pk] = level
        ordered.append(agency)
        stack.extend((child, level + 1) for child in reversed(children.get(agency.pk, [])))
    return Scope(agencies=ordered, depth=depth)
