"""The delivery interface shared by the in-deployment transport and the hub transport.

A transport takes an issued document and one Delivery row and gets a copy to the recipient;
status feedback from the recipient comes back through `report_status`, which every
transport funnels into the same DeliveryEvent timeline with the same edXML status codes
(`vanthu.exchange.feedback.record_status`). `send_request` carries a recall, update or
replace request (the recalls app) to the recipient of one delivery.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Transport(Protocol):
    name: str

    def send(self, delivery) -> None:
        """Hand the document to the recipient. Runs inside the issuing transaction."""

    def report_status(self, delivery, status: str, *, actor=None, note: str = "") -> None:
        """Record a recipient's status feedback on the sender's side."""

    def send_request(self, request) -> None:
        """Carry a recall (13), update (type 2) or replace (type 3) request for one delivery
        to its recipient. Runs inside the requesting transaction."""


_DEFAULT_TRANSPORTS = {
    "local": "vanthu.exchange.local.LocalTransport",
    "hub": "vanthu.exchange.hub.HubTransport",
}


def get_transport(name: str) -> Transport:
    paths = {**_DEFAULT_TRANSPORTS, **getattr(settings, "VANTHU_TRANSPORTS", {})}
    try:
        path = paths[name]
    except KeyError:
        raise LookupError(f"unknown transport {name!r}") from None
    # Outside the try: a KeyError raised while building the transport is its own bug, not
    # an unknown name.
    return import_string(path)()


def transport_for(agency) -> str:
    """The transport that reaches `agency`: its kênh liên thông (local or hub)."""
    return agency.exchange_channel or "local"
