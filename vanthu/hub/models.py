"""The hub's index: connected systems, the agencies they host, packages and their deliveries.

Payload bytes live in storage (storage.py), addressed by SHA-256; the database holds the
index. A package is stored once; each receiving system gets one Delivery row, which is also
the outbox row when the receiver is the upstream hub (federation.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class System(models.Model):
    """A connected system (hệ thống kết nối): a VanThu deployment, another vendor's product,
    a provincial hub, or, on a provincial hub, the upstream (national) hub itself."""

    class Kind(models.TextChoices):
        SYSTEM = "system", "Hệ thống kết nối"
        UPSTREAM = "upstream", "Trục cấp trên"

    systemid = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255)
    # The HMAC key must be read back to verify signatures (STANDARDS 2.3), so it cannot be
    # stored hashed; the database of the hub is its secret store.
    secret = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SYSTEM)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.systemid})"


class Agency(models.Model):
    """An agency (cơ quan) reachable through the hub, under both code forms."""

    # QCVN 102 mã định danh (13 characters); an agency known only by its QĐ 20 code keeps
    # that one here too.
    code = models.CharField(max_length=35, unique=True)
    code_qd20 = models.CharField(max_length=35, null=True, blank=True, unique=True)
    name = models.CharField(max_length=255)
    parent_code = models.CharField(max_length=35, blank=True)
    mail = models.CharField(max_length=255, blank=True)
    mobile = models.CharField(max_length=50, blank=True)
    fax = models.CharField(max_length=50, blank=True)
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="agencies")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Package(models.Model):
    """One accepted edXML message (edoc or status), stored once whatever its recipients."""

    class MessageType(models.TextChoices):
        EDOC = "edoc", "Văn bản"
        STATUS = "status", "Trạng thái"

    doc_id = models.CharField(max_length=36, unique=True)
    sender = models.ForeignKey(System, on_delete=models.PROTECT, related_name="sent_packages")
    messagetype = models.CharField(max_length=8, choices=MessageType.choices)
    from_code = models.CharField(max_length=35)
    # Recipient agency codes, ";"-joined: for an edoc the routed To/OrganIds, for a status
    # the ResponseFor/OrganId (the original sender).
    to_codes = models.TextField()
    # SHA-256 of the bytes as the sender uploaded them: the storage address and, with the
    # sender, the idempotency key of sendEdoc.
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    # The hub's TraceHeader is spliced into the original bytes when they are read:
    # delivered = original[:splice_start] + trace_fragment + original[splice_end:].
    splice_start = models.BigIntegerField()
    splice_end = models.BigIntegerField()
    trace_fragment = models.BinaryField()
    notation = models.CharField(max_length=255, blank=True)
    title = models.TextField(blank=True)
    document_id = models.CharField(max_length=255, blank=True)
    status_code = models.CharField(max_length=4, blank=True)
    # Federation: the upstream hub's DocId of a package pulled from it.
    upstream_doc_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(db_index=True)  # the operator page's "in 24 hours"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sender", "sha256"], name="hub_package_idempotent"),
        ]

    def __str__(self) -> str:
        return self.doc_id


# Delivery states still owed to the receiving system.
WAITING = ("pending", "processing")


class Delivery(models.Model):
    """A package waiting for, or acknowledged by, one receiving system."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ nhận"
        PROCESSING = "processing", "Đang xử lý"
        DONE = "done", "Đã nhận"
        FAIL = "fail", "Nhận lỗi"

    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="deliveries")
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="deliveries")
    # Copied from the package: the receive list filters on it without a join.
    messagetype = models.CharField(max_length=8)
    # The recipient codes this system receives the package for (";"-joined).
    to_codes = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    fetched_at = models.DateTimeField(null=True, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Federation outbox: the DocId the upstream hub gave the forwarded package.
    upstream_doc_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["package", "system"], name="hub_delivery_once"),
        ]
        indexes = [
            # getReceivedEdocList: what this system has not acknowledged yet, oldest first.
            # Partial, so that a list reads only the waiting rows: with state as a key column
            # PostgreSQL filtered it instead and walked every delivery the system had ever
            # acknowledged, on every poll (sql.received and count_received repeat the
            # condition word for word, which SQLite needs to use the index).
            models.Index(
                fields=["system", "messagetype", "id"],
                condition=Q(state__in=WAITING),
                name="hub_delivery_waiting",
            ),
            models.Index(fields=["state", "created_at"], name="hub_delivery_age"),
            # The operator page's traffic over a recent period, not the hub's whole history.
            models.Index(fields=["messagetype", "created_at"], name="hub_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.package_id} → {self.system_id} ({self.state})"


class SeenSignature(models.Model):
    """Signatures (XroadVnpt-hash-header, prefixed with the operation) seen inside the
    timestamp window: a second request with the same one is a replay. Rows older than the
    window are deleted."""

    signature = models.CharField(max_length=128, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.signature


class RejectedRequest(models.Model):
    """A bounded log of refused API calls, for the operator page."""

    created_at = models.DateTimeField(db_index=True)
    operation = models.CharField(max_length=40)
    code = models.CharField(max_length=4)
    systemid = models.CharField(max_length=100, blank=True)
    remote_addr = models.CharField(max_length=64, blank=True)
    reason = models.TextField()

    def __str__(self) -> str:
        return f"{self.code} {self.operation} {self.systemid}"


class FederationState(models.Model):
    """One row per key: when the agency list was last synced, last errors of the loop."""

    key = models.CharField(max_length=40, unique=True)
    value = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key
