"""Signing credentials of people and agencies, and the stored result of checking a PDF.

Secrets are never stored. A credential's ``params`` name where the key is and, optionally,
where the server finds its secret:

* ``pkcs12``: ``{"path": "/etc/vanthu/keys/ubnd.p12", "password_env": "VANTHU_SEAL_UBND"}``
* ``pkcs11``: ``{"module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "...",
  "key_label": "...", "pin_env": "VANTHU_HSM_PIN"}``

``password_env`` / ``pin_env`` name an environment variable of the server process: that is
how a server-held agency seal (Decree 30 Art. 15: the văn thư applies it at issuance) is
unlocked without anyone typing. Without it, the secret (PKCS#12 password or token PIN) is
typed by the signer in the form at the moment of signing and lives only for that request.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from vanthu.signing.summary import describe


class SigningCredential(models.Model):
    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", "Tệp khóa PKCS#12"
        PKCS11 = "pkcs11", "Thiết bị ký số PKCS#11 (token, HSM)"
        # The signer's USB token on their own computer, driven by the local agent
        # ``vanthu-signer``; the server holds only the certificate.
        AGENT = "agent", "USB token trên máy người ký (phần mềm vanthu-signer)"
        # A remote signing service speaking the Cloud Signature Consortium API v2.
        CSC = "csc", "Ký số từ xa (Cloud Signature Consortium)"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Exactly one owner: a person (personal signature) or an agency (its seal).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
        verbose_name="người ký",
    )
    agency = models.ForeignKey(
        "directory.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_credentials",
        verbose_name="cơ quan",
    )
    kind = models.CharField("loại khóa", max_length=8, choices=Kind.choices)
    params = models.JSONField("tham số", default=dict)
    certificate_pem = models.TextField("chứng thư số (PEM)")
    # The blue signature of the person or the red seal of the agency (Appendix I), a
    # transparent PNG stored content-addressed like every other file.
    image_storage_name = models.CharField(max_length=255)
    image_sha256 = models.CharField(max_length=64)
    active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khóa ký số"
        verbose_name_plural = "khóa ký số"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, agency__isnull=True)
                    | models.Q(user__isnull=True, agency__isnull=False)
                ),
                name="credential_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(active=True, user__isnull=False),
                name="credential_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(active=True, agency__isnull=False),
                name="credential_one_active_per_agency",
            ),
        ]

    def __str__(self) -> str:
        owner = self.user or self.agency
        return f"{self.get_kind_display()} — {owner}"

    @property
    def secret_env(self) -> str | None:
        if self.kind not in (self.Kind.PKCS12, self.Kind.PKCS11):
            return None
        key = "password_env" if self.kind == self.Kind.PKCS12 else "pin_env"
        return self.params.get(key) or None

    @property
    def needs_typed_secret(self) -> bool:
        """A password or PIN typed into VanThu's form. Never for the local agent (the PIN goes
        to the agent on the signer's computer) nor for remote signing (an OTP instead)."""
        if self.kind in (self.Kind.AGENT, self.Kind.CSC):
            return False
        return self.secret_env is None


class SignatureCheck(models.Model):
    """The result of ``verify_pdf`` on one stored file at one moment (trust changes)."""

    class Verdict(models.TextChoices):
        VALID = "valid", "Hợp lệ"
        INVALID = "invalid", "Không hợp lệ"
        UNTRUSTED = "untrusted", "Không xác định được chứng thư"
        UNSIGNED = "unsigned", "Chưa ký số"

    file_version = models.ForeignKey(
        "documents.FileVersion", on_delete=models.CASCADE, related_name="signature_checks"
    )
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    report = models.JSONField(default=dict)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kết quả kiểm tra chữ ký số"
        verbose_name_plural = "kết quả kiểm tra chữ ký số"
        indexes = [models.Index(fields=["file_version", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.file_version_id}: {self.verdict}"

    @property
    def summary(self) -> str:
        return describe(self.verdict, self.report)


class TrustedCertificate(models.Model):
    """A root or intermediate CA certificate administrators trust for path validation.

    Verification trusts these plus the PEM files of ``VANTHU_TRUST_ROOTS`` (deployment-wide,
    e.g. the national root shipped by the operator). Removing trust is a deactivation, so the
    record of what was trusted when a document was checked stays."""

    class Role(models.TextChoices):
        ROOT = "root", "CA gốc"
        INTERMEDIATE = "intermediate", "CA trung gian"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField("loại", max_length=12, choices=Role.choices)
    certificate_pem = models.TextField("chứng thư số (PEM)")
    sha256 = models.CharField("dấu vân tay SHA-256", max_length=64, unique=True)
    subject = models.CharField("chủ thể", max_length=500)
    issuer = models.CharField("tổ chức cấp", max_length=500)
    not_before = models.DateTimeField("hiệu lực từ")
    not_after = models.DateTimeField("hiệu lực đến")
    note = models.CharField("ghi chú", max_length=300, blank=True)
    active = models.BooleanField("đang tin cậy", default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "chứng thư CA tin cậy"
        verbose_name_plural = "chứng thư CA tin cậy"
        ordering = ["role", "subject"]

    def __str__(self) -> str:
        return self.subject


class SigningPolicy(models.Model):
    """Per-agency rules for arrivals: refuse unsigned or invalid documents automatically
    (some provinces return every unsigned document to its sender)."""

    agency = models.OneToOneField(
        "directory.Agency", on_delete=models.CASCADE, related_name="signing_policy"
    )
    refuse_unsigned = models.BooleanField("tự động từ chối văn bản chưa ký số", default=False)
    refuse_invalid = models.BooleanField(
        "tự động từ chối văn bản có chữ ký số không hợp lệ", default=False
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "quy định tiếp nhận văn bản ký số"
        verbose_name_plural = "quy định tiếp nhận văn bản ký số"

    def __str__(self) -> str:
        return f"{self.agency}"


class PendingSignature(models.Model):
    """A PDF prepared for signing whose signature value comes later from outside the server:
    the signer's local agent (USB token) or a remote service. Holds the prepared bytes and
    what is needed to finish the CMS; used once, then consumed; expires quickly."""

    class Purpose(models.TextChoices):
        PERSONAL = "personal", "Chữ ký cá nhân"
        AGENCY = "agency", "Chữ ký cơ quan"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="pending_signatures"
    )
    source = models.ForeignKey("documents.FileVersion", on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    prepared_pdf = models.BinaryField()
    state = models.JSONField(default=dict)
    certificate_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phiên ký số đang chờ"
        verbose_name_plural = "phiên ký số đang chờ"
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.document_id}"
