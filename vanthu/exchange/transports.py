"""The delivery interface shared by the in-deployment transport and the hub transport.

A transport takes an issued document and one Delivery row and gets a copy to the recipient;
status feedback from the recipient comes back through `report_status`, which every
transport funnels into the same DeliveryEvent timeline with the same edXML status codes.
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


_DEFAULT_TRANSPORTS = {"local": "vanthu.exchange.local.LocalTransport"}


def get_transport(name: str) -> Transport:
    paths = {**_DEFAULT_TRANSPORTS, **getattr(settings, "VANTHU_TRANSPORTS", {})}
    try:
        path = paths[name]
    except KeyError:
        raise LookupError(f"unknown transport {name!r}") from None
    # Outside the try: a KeyError raised while building the transport is its own bug, not
    # an unknown name.
    return import_string(path)()
