from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class StatusCode(models.TextChoices):
    """Feedback statuses of QCVN 102:2016 (edXML status messages). Persisted as the wire code
    so that the local and the hub transports record exactly the same values."""

    SENT = "00", "Đã gửi"
    ARRIVED = "01", "Đã đến"
    REJECTED = "02", "Từ chối"
    ACCEPTED = "03", "Đã tiếp nhận"
    ASSIGNED = "04", "Phân công"
    PROCESSING = "05", "Đang xử lý"
    COMPLETED = "06", "Hoàn thành"
    RECALL_REQUESTED = "13", "Yêu cầu lấy lại"
    RECALL_AGREED = "15", "Đồng ý lấy lại/cập nhật"
    RECALL_REFUSED = "16", "Từ chối lấy lại/cập nhật"


class Delivery(models.Model):
    """One recipient of one issued document, and where its copy stands."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, related_name="deliveries"
    )
    recipient = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="deliveries_received"
    )
    transport = models.CharField(max_length=20, default="local")
    status = models.CharField(max_length=2, choices=StatusCode.choices, default=StatusCode.SENT)
    incoming_document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_delivery",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "recipient"], name="delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.recipient_id}: {self.status}"


class DeliveryEvent(models.Model):
    """The timeline a sender sees per recipient: each status with its time and actor."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=2, choices=StatusCode.choices)
    # When the recipient acted: now for the local transport, the status message's own
    # Timestamp for the hub (a status may reach us hours after the clerk acted).
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.status}"


class PackageKind(models.TextChoices):
    """The two edXML messages, also the VXP `messagetype` they travel under."""

    EDOC = "edoc", "Văn bản"
    STATUS = "status", "Trạng thái"


class OutboundState(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENT = "sent", "Đã gửi lên trục"
    FAILED = "failed", "Gửi không thành công"


class OutboundPackage(models.Model):
    """The transactional outbox of the hub transport: one edXML package to send.

    Written in the transaction of the action that causes it (issuing, accepting, refusing,
    assigning…), so a package exists exactly when its cause committed. The bytes are built
    then and frozen in file storage: every retry sends the same bytes, which is what makes
    the hub's sendEdoc idempotent (same sender + same SHA-256 → same DocId), so a retry after
    a lost answer never delivers twice.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The From organ: the issuing agency for an edoc, the reporting agency for a status.
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="outbound_packages"
    )
    kind = models.CharField(max_length=8, choices=PackageKind.choices)
    business_type = models.PositiveSmallIntegerField(null=True, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    # Sender side (our outgoing document to one recipient: the edoc, a recall 13).
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="packages"
    )
    # Receiver side: the incoming copy a status (01–06, 15, 16) reports on. SET_NULL: an
    # agreed recall destroys the copy, the record of what was reported stays.
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="status_packages",
    )
    to_organ = models.CharField("cơ quan nhận", max_length=35)
    # The edXML DocumentId the package is about (an edoc's own, a status's ResponseFor):
    # status messages coming back are matched on it.
    edxml_id = models.CharField(max_length=255, blank=True, db_index=True)
    payload_name = models.CharField(max_length=255)
    payload_sha256 = models.CharField(max_length=64)
    payload_size = models.PositiveBigIntegerField()
    state = models.CharField(
        max_length=8, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    hub_doc_id = models.CharField("mã gói tin trên trục", max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # The worker's scan: due pending rows, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outbound_due_idx"),
            models.Index(fields=["agency", "state", "-created_at"], name="outbound_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status_code or self.business_type} → {self.to_organ}"

    @property
    def label(self) -> str:
        if self.kind == PackageKind.STATUS:
            label = dict(StatusCode.choices).get(self.status_code, "")
            return f"Trạng thái {self.status_code} ({label})" if label else "Trạng thái"
        return {0: "Văn bản mới", 1: "Thu hồi", 2: "Cập nhật", 3: "Thay thế"}.get(
            self.business_type or 0, "Văn bản"
        )


class InboundState(models.TextChoices):
    PROCESSED = "processed", "Đã nhận"
    DUPLICATE = "duplicate", "Trùng, đã bỏ qua"
    IGNORED = "ignored", "Không áp dụng"
    FAILED = "failed", "Lỗi, đã báo trục"


class InboundPackage(models.Model):
    """One package the hub delivered to this deployment, by the hub's DocId.

    The UNIQUE hub_doc_id makes receipt idempotent at the transport level: a package listed
    again (our acknowledgement was lost) is acknowledged again and nothing else happens.
    The document-level guarantee (the same document sent twice) is HubArrival's.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hub_doc_id = models.CharField("mã gói tin trên trục", max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=PackageKind.choices)
    # Our agency the package is for (the first of ours among an edoc's To; the sender of
    # the document a status is about); None when it could not be read.
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inbound_packages",
    )
    from_organ = models.CharField(max_length=35, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    edxml_id = models.CharField(max_length=255, blank=True)
    business_type = models.PositiveSmallIntegerField(null=True, blank=True)
    status_code = models.CharField(max_length=2, blank=True)
    payload_name = models.CharField(max_length=255, blank=True)
    payload_sha256 = models.CharField(max_length=64, blank=True)
    payload_size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=InboundState.choices)
    error = models.TextField(blank=True)
    # For a status: the recipient timeline it updated.
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The transport acknowledgement (updateStatus): "done" or "fail", and when the hub took
    # it; None while it is owed (the next poll sends it).
    ack_status = models.CharField(max_length=8, blank=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["agency", "-received_at"], name="inbound_agency_idx")]

    def __str__(self) -> str:
        return f"{self.hub_doc_id} ({self.state})"


class HubArrival(models.Model):
    """A document that reached one of our agencies over the hub: the receiving side's
    counterpart of Delivery. It carries what status feedback needs (the sender's organ and
    its edXML DocumentId) and the idempotency key of receipt.

    The key is (recipient agency, sender organ, DocumentId): one deployment hosts many
    agencies and one document may be addressed to several of them in separate packages, and
    a document arriving first as new (0) and again as a replacement (3) is one document.
    """

    package = models.ForeignKey(InboundPackage, on_delete=models.PROTECT, related_name="arrivals")
    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    # SET_NULL: an agreed recall destroys the copy; the key must outlive it so that a
    # resent package does not bring the document back.
    incoming_document = models.OneToOneField(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hub_arrival",
    )
    from_organ = models.CharField(max_length=35)
    edxml_id = models.CharField(max_length=255)
    business_type = models.PositiveSmallIntegerField(default=0)
    code = models.CharField("số, ký hiệu", max_length=255, blank=True)
    promulgation_date = models.DateField(null=True, blank=True)
    # Our outgoing document this one answers (edXML ResponseFor), when it names one of ours.
    response_to = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hub_replies",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "from_organ", "edxml_id"],
                condition=~Q(edxml_id=""),
                name="hub_arrival_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.edxml_id} → {self.agency_id}"
