"""Re-check every stored file against the SHA-256 recorded when it was stored (STYLE rule 6).

Files are content-addressed, so one stored object often backs many FileVersion rows (an issued
document and every recipient's copy): each distinct (storage name, checksum) pair is read
once, and every row that depends on a bad one is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vanthu.documents.files import verify_stored
from vanthu.documents.models import FileVersion


@dataclass(frozen=True)
class BadFile:
    file_id: str  # FileVersion.public_id
    document_id: str  # Document.public_id
    reference: str
    original_name: str
    storage_name: str
    reason: str  # "missing" or "checksum mismatch"


@dataclass
class IntegrityReport:
    versions: int = 0  # FileVersion rows checked
    objects: int = 0  # distinct stored objects read
    bad: list[BadFile] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.bad


def check_stored_files(
    *, progress: Callable[[int], None] | None = None, chunk_size: int = 2000
) -> IntegrityReport:
    report = IntegrityReport()
    verdicts: dict[tuple[str, str], str | None] = {}
    rows = (
        FileVersion.objects.order_by("pk")
        .values_list(
            "public_id",
            "document__public_id",
            "document__number_text",
            "document__notation",
            "original_name",
            "storage_name",
            "sha256",
        )
        .iterator(chunk_size=chunk_size)
    )
    for file_id, doc_id, number_text, notation, name, storage_name, sha256 in rows:
        key = (storage_name, sha256)
        if key not in verdicts:
            verdicts[key] = verify_stored(storage_name, sha256)
        report.versions += 1
        if progress and report.versions % chunk_size == 0:
            progress(report.versions)
        if (reason := verdicts[key]) is not None:
            reference = "/".join(p for p in (number_text, notation) if p)
            report.bad.append(
                BadFile(str(file_id), str(doc_id), reference, name, storage_name, reason)
            )
    report.objects = len(verdicts)
    return report
