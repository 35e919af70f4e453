from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class DocumentType(models.Model):
    """The 29 administrative document types of Decree 30/2020 Art. 7 (and copies)."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField("tên loại", max_length=100)
    abbreviation = models.CharField("viết tắt", max_length=10, blank=True)
    # Công văn notation is {issuer}-{unit}; others are {type}-{issuer} (Appendix I.II.3).
    is_official_letter = models.BooleanField(default=False)
    # Legal normative documents are numbered in one series per type (Art. 15).
    is_normative = models.BooleanField(default=False)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["ordering", "name"]

    def __str__(self) -> str:
        return self.name


class Urgency(models.TextChoices):
    NORMAL = "normal", "Thường"
    URGENT = "urgent", "Khẩn"
    VERY_URGENT = "very_urgent", "Thượng khẩn"
    FLASH = "flash", "Hỏa tốc"


class Secrecy(models.TextChoices):
    NORMAL = "normal", "Thường"
    CONFIDENTIAL = "confidential", "Mật"
    SECRET = "secret", "Tối mật"
    TOP_SECRET = "top_secret", "Tuyệt mật"


class SigningCapacity(models.TextChoices):
    NONE = "", "(ký trực tiếp)"
    TM = "TM.", "TM. (thay mặt tập thể)"
    KT = "KT.", "KT. (ký thay)"
    TL = "TL.", "TL. (thừa lệnh)"
    TUQ = "TUQ.", "TUQ. (thừa ủy quyền)"
    Q = "Q.", "Q. (quyền)"


class Direction(models.TextChoices):
    INCOMING = "incoming", "Văn bản đến"
    OUTGOING = "outgoing", "Văn bản đi"


class Status(models.TextChoices):
    # outgoing
    DRAFT = "draft", "Dự thảo"
    CONTENT_REVIEW = "content_review", "Chờ lãnh đạo phòng kiểm tra nội dung"
    FORM_CHECK = "form_check", "Chờ văn thư kiểm tra thể thức"
    AWAITING_SIGNATURE = "awaiting_signature", "Chờ ký duyệt"
    APPROVED = "approved", "Đã ký duyệt, chờ phát hành"
    ISSUED = "issued", "Đã phát hành"
    # incoming
    ARRIVED = "arrived", "Đã đến, chờ tiếp nhận"
    REFUSED = "refused", "Đã từ chối"
    REGISTERED = "registered", "Đã vào sổ"
    PRESENTED = "presented", "Đã trình lãnh đạo"
    FORWARDED = "forwarded", "Đã chuyển xử lý"
    # after issue (Decree 30 Art. 18.4; edXML business types 1 and 3)
    RECALLED = "recalled", "Đã thu hồi"
    REPLACED = "replaced", "Đã bị thay thế"


OUTGOING_FLOW = {
    Status.DRAFT: {Status.CONTENT_REVIEW},
    Status.CONTENT_REVIEW: {Status.FORM_CHECK, Status.DRAFT},
    Status.FORM_CHECK: {Status.AWAITING_SIGNATURE, Status.DRAFT},
    Status.AWAITING_SIGNATURE: {Status.APPROVED, Status.DRAFT},
    Status.APPROVED: {Status.ISSUED},
}
INCOMING_FLOW = {
    Status.ARRIVED: {Status.REGISTERED, Status.REFUSED},
    Status.REGISTERED: {Status.PRESENTED, Status.FORWARDED},
    Status.PRESENTED: {Status.FORWARDED},
    Status.FORWARDED: {Status.FORWARDED},
}


class CopyForm(models.TextChoices):
    FULL = "sao_y", "Sao y"
    EXTRACT = "trich_sao", "Trích sao"
    TRANSCRIPT = "sao_luc", "Sao lục"


class Channel(models.TextChoices):
    PAPER = "paper", "Bản giấy"
    ELECTRONIC = "electronic", "Điện tử"


class Document(models.Model):
    """One incoming or outgoing document with the Appendix VI metadata of Decree 30/2020.

    Names follow the edXML/Appendix VI vocabulary so that exchange maps 1:1. The issuer's
    name and code are copied onto the row: agencies are merged and renamed, and a document
    keeps the identity that was valid when it was made.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="documents"
    )
    direction = models.CharField(max_length=10, choices=Direction.choices)
    status = models.CharField(max_length=24, choices=Status.choices)
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, verbose_name="loại")

    # Số, ký hiệu (CodeNumber, CodeNotation): for outgoing assigned at issuance; for
    # incoming copied from the document as received.
    number = models.PositiveIntegerField(null=True, blank=True)
    number_text = models.CharField("số", max_length=11, blank=True)
    notation = models.CharField("ký hiệu", max_length=30, blank=True)
    series = models.CharField(max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    subject = models.CharField("trích yếu", max_length=500)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer_name = models.CharField("cơ quan ban hành", max_length=200)
    issuer_code = models.CharField("mã cơ quan ban hành", max_length=35, blank=True)
    signer_name = models.CharField("người ký", max_length=50, blank=True)
    signer_position = models.CharField("chức vụ người ký", max_length=100, blank=True)
    signing_capacity = models.CharField(
        "thẩm quyền ký", max_length=5, choices=SigningCapacity.choices, blank=True
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_to_sign",
        verbose_name="người ký",
    )
    urgency = models.CharField("độ khẩn", max_length=12, choices=Urgency.choices, default="normal")
    secrecy = models.CharField("độ mật", max_length=12, choices=Secrecy.choices, default="normal")
    due_on = models.DateField("hạn xử lý", null=True, blank=True)
    page_amount = models.PositiveSmallIntegerField("số trang", null=True, blank=True)
    issued_amount = models.PositiveSmallIntegerField("số lượng bản", null=True, blank=True)
    language = models.CharField("ngôn ngữ", max_length=30, default="Tiếng Việt")
    description = models.CharField("ghi chú", max_length=500, blank=True)
    recipients_text = models.CharField("nơi nhận", max_length=1000, blank=True)
    # Agencies of this deployment that receive the issued document electronically.
    recipient_agencies = models.ManyToManyField(
        "directory.Agency", blank=True, related_name="+", verbose_name="nơi nhận điện tử"
    )
    # Legal normative documents get one numbering series per type (Decree 30 Art. 15.2).
    is_normative = models.BooleanField("văn bản quy phạm pháp luật", default=False)
    archive_keeper = models.CharField("đơn vị, người nhận bản lưu", max_length=200, blank=True)

    # Incoming only
    arrival_number = models.PositiveIntegerField("số đến", null=True, blank=True)
    arrived_at = models.DateTimeField("ngày đến", null=True, blank=True)
    # When the clerk gave the arrival number (the first "document.registered" event), stored
    # so that monitoring's "registered late" indicator compares two columns of one row
    # instead of looking up an audit event per arrival. Null: not registered (yet).
    registered_at = models.DateTimeField("ngày vào sổ", null=True, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.ELECTRONIC)
    refusal_reason = models.TextField(blank=True)
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents_presented",
    )

    drafting_department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_documents",
        verbose_name="đơn vị soạn thảo",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # People allowed to see a secret document (besides its creator).
    named_readers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="secret_documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    # Folded (lower-case, no diacritics, đ→d) copy of reference + subject + issuer for search.
    search_text = models.TextField(blank=True, editable=False)
    # Short code printed with a QR code on the issued PDF; anyone can look the document up
    # with it on the public verification page (/xac-thuc/) without logging in.
    verification_code = models.CharField(
        "mã xác thực", max_length=16, null=True, blank=True, unique=True, editable=False
    )
    # Electronic copies (sao y, trích sao, sao lục — Decree 30 Art. 25–27) are outgoing
    # documents of a copy type, numbered in their own yearly series, pointing at the original.
    copy_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="copies",
        verbose_name="bản gốc",
    )
    copy_form = models.CharField(
        "hình thức sao", max_length=10, choices=CopyForm.choices, blank=True
    )
    # For trích sao: the pages of the original that were copied, e.g. "1-2,5".
    copy_pages = models.CharField("trang trích sao", max_length=100, blank=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "number"],
                condition=models.Q(direction="outgoing", number__isnull=False),
                name="outgoing_number_unique",
            ),
            models.UniqueConstraint(
                fields=["agency", "year", "arrival_number"],
                condition=models.Q(direction="incoming", arrival_number__isnull=False),
                name="arrival_number_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "direction", "status", "-created_at"]),
            # The incoming list walks this index and stops after a page; the included columns
            # let PostgreSQL count the agency's rows from the index alone (ignored on SQLite).
            models.Index(
                fields=["agency", "direction", "-arrived_at", "-id"],
                include=["secrecy", "created_by", "signer", "presented_to"],
                name="document_incoming_list_idx",
            ),
            models.Index(fields=["agency", "direction", "-issued_on"]),
            # Dashboard queues: "awaiting my signature", "presented to me".
            models.Index(fields=["signer", "status"], name="document_signer_status_idx"),
            models.Index(fields=["presented_to", "status"], name="document_presented_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference or '(chưa có số)'} — {self.subject[:60]}"

    @property
    def reference(self) -> str:
        if self.number_text and self.notation:
            return f"{self.number_text}/{self.notation}"
        return self.number_text or self.notation

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING


class FileVersion(models.Model):
    """An immutable stored file. Renditions (PDF from .docx) are new versions, never edits."""

    class Kind(models.TextChoices):
        MAIN = "main", "Tệp văn bản"
        ATTACHMENT = "attachment", "Phụ lục, tệp đính kèm"
        RENDITION = "rendition", "Bản PDF chuyển đổi"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    version = models.PositiveIntegerField(default=1)
    original_name = models.CharField(max_length=255)
    # Content-addressed ("sha256/ab/cdef…"), so copies delivered to another agency share the
    # stored bytes and the checksum command can recompute every name from its content.
    storage_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=100)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renditions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "version", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.version})"


class NumberCounter(models.Model):
    """The last number issued in one yearly series of one agency. Locked with
    select_for_update while a number is taken, in the same transaction as the document."""

    agency = models.ForeignKey("directory.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=40)
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "series"], name="counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}/{self.series}: {self.last_value}"


class Forward(models.Model):
    """An incoming document forwarded by a leader to a department or a person."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="forwards")
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwards_received",
    )
    to_department = models.ForeignKey(
        "directory.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwards_received",
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["to_user", "-at"]),
            models.Index(fields=["to_department", "-at"]),
            # The navigation's unread-forwards count for a person (every page).
            models.Index(
                fields=["to_user"],
                condition=models.Q(read_at__isnull=True),
                name="forward_unread_user_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.to_user_id or self.to_department_id}"


class ReviewComment(models.Model):
    """A reviewer's remark when an outgoing draft is returned or passed on."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return self.text[:60]
