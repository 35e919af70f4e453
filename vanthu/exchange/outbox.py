"""Writing packages into the outbox (OutboundPackage), inside the caller's transaction.

The bytes are built here, once, and stored content-addressed under "edxml/": the worker
sends exactly these bytes however many times it must retry. A transaction that rolls back
leaves at most an unreferenced blob behind, never a row (the blob is keyed by its content,
so a later identical package simply reuses it).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from vanthu.exchange.models import OutboundPackage, PackageKind


def payload_name_for(sha256: str) -> str:
    return f"edxml/{sha256[:2]}/{sha256[2:4]}/{sha256}.edxml"


def store_payload(data: bytes) -> tuple[str, str]:
    """Store package bytes under their SHA-256; returns (storage name, sha256)."""
    sha256 = hashlib.sha256(data).hexdigest()
    name = payload_name_for(sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # a concurrent writer stored the same bytes first
            default_storage.delete(saved)
    return name, sha256


def read_payload(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def enqueue(
    *,
    agency,
    kind: str,
    to_organ: str,
    data: bytes,
    edxml_id: str,
    delivery=None,
    document=None,
    business_type: int | None = None,
    status_code: str = "",
) -> OutboundPackage:
    name, sha256 = store_payload(data)
    return OutboundPackage.objects.create(
        agency=agency,
        kind=kind,
        business_type=business_type if kind == PackageKind.EDOC else None,
        status_code=status_code,
        delivery=delivery,
        document=document,
        to_organ=to_organ,
        edxml_id=edxml_id[:255],
        payload_name=name,
        payload_sha256=sha256,
        payload_size=len(data),
        next_attempt_at=timezone.now(),
    )
