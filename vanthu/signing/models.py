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
        key = "password_env" if self.kind == self.Kind.PKCS12 else "pin_env"
        return self.params.get(key) or None

    @property
    def needs_typed_secret(self) -> bool:
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
