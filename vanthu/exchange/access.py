"""Who sees an agency's exchange page (/lien-thong/): its clerks, who run the exchange, and
the system administrators (every agency, and the packages that named no agency of ours).
Anyone else gets the same 404 as for an id that does not exist."""

from __future__ import annotations

from django.http import Http404

from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role
from vanthu.exchange.models import OutboundPackage


def may_run_exchange(user, agency_id: int | None) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.has(agency_id, Role.CLERK)


def exchange_agencies_for(user):
    """The agencies of this deployment whose exchange `user` runs, by name."""
    roles = roles_of(user)
    local = Agency.objects.filter(exchange_channel="local")
    if not roles.is_admin:
        local = local.filter(pk__in=roles.agencies_with(Role.CLERK))
    return local.order_by("name")


def get_outbound_for_user(user, public_id) -> OutboundPackage:
    package = OutboundPackage.objects.select_related("agency").filter(public_id=public_id).first()
    if package is None or not may_run_exchange(user, package.agency_id):
        raise Http404
    return package
