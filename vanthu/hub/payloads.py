"""The payload storage the settings choose: local disk or an S3-compatible bucket."""

from __future__ import annotations

from django.conf import settings

from .s3 import S3Storage
from .storage import LocalStorage


def payload_storage() -> LocalStorage | S3Storage:
    if settings.HUB_STORAGE == "s3":
        return S3Storage(
            bucket=settings.HUB_S3_BUCKET,
            # Uploads are spooled (hashed, capped) on local disk before they go to the bucket.
            temp_root=settings.HUB_PACKAGE_DIR,
            endpoint_url=settings.HUB_S3_ENDPOINT_URL,
            access_key=settings.HUB_S3_ACCESS_KEY,
            secret_key=settings.HUB_S3_SECRET_KEY,
            region=settings.HUB_S3_REGION,
            prefix=settings.HUB_S3_PREFIX,
        )
    return LocalStorage(settings.HUB_PACKAGE_DIR)
