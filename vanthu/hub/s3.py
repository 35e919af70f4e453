"""Payload storage in an S3-compatible bucket (pure Python, no Django import).

The same contract as LocalStorage (storage.py): an upload is streamed, hashed and capped into
a local temporary file by the same PayloadWriter, and ``place`` puts it in the bucket under
its content address. ``place`` returns only once the object store has acknowledged the
object (a PUT, or the completion of a multipart upload, is atomic: an object is whole or
absent), and the caller commits the index row only after that; so the hub never answers OK
for a package the store does not hold. A crash in between leaves at most an orphan object,
which the sender's retry (same bytes, same key) finds and reuses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .storage import PayloadWriter, key_for, save_bytes

__all__ = ["S3Storage", "key_for"]

# Below this size one PUT; above it a multipart upload of parts this large, a few in
# parallel. 8 MB is boto3's own default and S3's part minimum is 5 MB.
MULTIPART_THRESHOLD = 8 * 1024 * 1024
MULTIPART_CHUNK = 8 * 1024 * 1024


class S3Storage:
    """Payload objects ``<prefix><sha[:2]>/<sha>.edxml`` in ``bucket``; temporary upload files
    under ``temp_root/tmp`` on local disk (removed once the object is stored or refused)."""

    def __init__(
        self,
        *,
        bucket: str,
        temp_root: str | os.PathLike[str],
        endpoint_url: str = "",
        access_key: str = "",
        secret_key: str = "",
        region: str = "us-east-1",
        prefix: str = "packages/",
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        max_attempts: int = 3,
    ) -> None:
        if not bucket:
            raise ValueError("S3Storage needs a bucket")
        self.bucket = bucket
        self.prefix = prefix
        self.temp_dir = Path(temp_root) / "tmp"
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        self._client_args: dict[str, Any] = {
            "endpoint_url": endpoint_url or None,
            "region_name": region,
            "aws_access_key_id": access_key or None,
            "aws_secret_access_key": secret_key or None,
        }
        self._timeouts = (connect_timeout, read_timeout, max_attempts)
        # Created on first use: the serving command builds storage in the server's master
        # only to clean temporary files, and a boto3 client must not cross the fork.
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore.config import Config

            connect, read, attempts = self._timeouts
            config = Config(
                # Path-style works with every S3-compatible server (MinIO, Ceph, moto, ...)
                # and needs no wildcard DNS for the bucket.
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=connect,
                read_timeout=read,
                retries={"max_attempts": attempts, "mode": "standard"},
            )
            self._client = boto3.client("s3", config=config, **self._client_args)
        return self._client

    def object_key(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def writer(self, max_size: int) -> PayloadWriter:
        # PayloadWriter only needs temp_dir and place(): the upload path is the local one.
        return PayloadWriter(self, max_size)  # type: ignore[arg-type]

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def place(self, temp: Path, key: str) -> None:
        """Upload the finished temporary file under ``key``; the temporary file is gone
        afterwards, whether the store took it or not (the sender retries with the bytes)."""
        from boto3.s3.transfer import TransferConfig

        try:
            # Same key means same bytes: a retry whose first attempt reached the store
            # uploads nothing (and adds no version to a versioned or locked bucket).
            if self.exists(key):
                return
            config = TransferConfig(
                multipart_threshold=MULTIPART_THRESHOLD,
                multipart_chunksize=MULTIPART_CHUNK,
                max_concurrency=4,
            )
            # Returns once the PUT (or CompleteMultipartUpload) has been acknowledged;
            # boto3 aborts a multipart upload that fails part-way.
            self.client.upload_file(
                str(temp),
                self.bucket,
                self.object_key(key),
                ExtraArgs={"ContentType": "application/xml"},
                Config=config,
            )
        finally:
            temp.unlink(missing_ok=True)

    def save(self, data: bytes) -> tuple[str, str]:
        """Store bytes in one call (federation pulls, tests); returns (sha256, key)."""
        return save_bytes(self, data)

    def read(self, key: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        with answer["Body"] as body:
            return bytes(body.read())

    def clean_temp(self, older_than_seconds: float, now: float) -> int:
        """Remove temporary upload files left by a crash; returns how many. (Multipart
        uploads a crash left open are the bucket's lifecycle rule's job:
        AbortIncompleteMultipartUpload.)"""
        removed = 0
        for entry in self.temp_dir.glob("*.part"):
            try:
                if now - entry.stat().st_mtime > older_than_seconds:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
