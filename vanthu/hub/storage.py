"""Payload storage of the hub: immutable files addressed by their SHA-256 (pure Python).

A package is durable before the hub answers OK: the bytes go to a temporary file that is
fsynced, renamed to its final name and the directory fsynced, and only then is the index row
committed. A crash before the commit leaves at most an orphan file, which the sender's
retry (same bytes, same name) simply reuses; it never leaves a row without its file.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from pathlib import Path
from typing import Any

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PayloadTooLarge(Exception):
    pass


def key_for(sha256: str) -> str:
    """The storage key of a payload. One level of 256 directories keeps each under a few
    thousand files per million packages, and they all exist after the first few hundred
    packages, so storing a package seldom has to create (and fsync) a directory."""
    if not _SHA256.match(sha256):
        raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
    return f"{sha256[:2]}/{sha256}.edxml"


class PayloadWriter:
    """Receives an upload chunk by chunk: hashes it, writes it to a temporary file and keeps
    it in memory for the parser (the size cap bounds both)."""

    def __init__(self, storage: LocalStorage, max_size: int) -> None:
        self._storage = storage
        self._max = max_size
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self.path = storage.temp_dir / f"{uuid.uuid4().hex}.part"
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in finish()/discard()
        self.size = 0
        self.sha256 = ""

    def write(self, chunk: bytes | memoryview) -> None:
        self.size += len(chunk)
        if self.size > self._max:
            raise PayloadTooLarge(f"over the limit of {self._max} bytes")
        self._hash.update(chunk)
        self._buffer += chunk
        self._file.write(chunk)

    def finish(self) -> bytes:
        """Flush the temporary file to disk; return the bytes received."""
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self.sha256 = self._hash.hexdigest()
        return bytes(self._buffer)

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)

    def commit(self) -> str:
        """Move the finished file to its content address; returns the storage key."""
        key = key_for(self.sha256)
        self._storage.place(self.path, key)
        return key


class LocalStorage:
    """Payload files under ``root``; temporary files in ``root/tmp`` (same file system, so
    the rename is atomic)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.temp_dir = self.root / "tmp"
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        # Shard directories known to exist (they are never removed): spares a stat per package.
        self._made: set[Path] = set()

    def writer(self, max_size: int) -> PayloadWriter:
        return PayloadWriter(self, max_size)

    def path(self, key: str) -> Path:
        return self.root / key

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def place(self, temp: Path, key: str) -> None:
        target = self.path(key)
        directory = target.parent
        if directory not in self._made:
            if not directory.is_dir():
                directory.mkdir(parents=True, exist_ok=True)
                _fsync_dir(directory.parent)
            self._made.add(directory)
        # Same key means same bytes: replacing an existing file (a retry after a crash that
        # lost the index row) is harmless.
        os.replace(temp, target)
        _fsync_dir(directory)

    def save(self, data: bytes) -> tuple[str, str]:
        """Store bytes in one call (federation pulls, tests); returns (sha256, key)."""
        return save_bytes(self, data)

    def read(self, key: str) -> bytes:
        with open(self.path(key), "rb") as handle:
            return handle.read()

    def clean_temp(self, older_than_seconds: float, now: float) -> int:
        """Remove temporary files left by a crash; returns how many."""
        removed = 0
        for entry in self.temp_dir.glob("*.part"):
            try:
                if now - entry.stat().st_mtime > older_than_seconds:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


def save_bytes(storage: Any, data: bytes) -> tuple[str, str]:
    """Bytes through a storage's PayloadWriter, as an upload goes: the one path by which
    both the local and the S3 store write, so a stored payload is always hashed and placed
    the same way."""
    writer = storage.writer(max(len(data), 1))
    try:
        writer.write(data)
        writer.finish()
        return writer.sha256, writer.commit()
    except BaseException:
        writer.discard()
        raise


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
