"""Checking and storing uploaded files as immutable, content-addressed versions.

The type is decided from the bytes, never from the name or the browser's claim; a name whose
extension disagrees with the content is refused, because clerks file documents by name and a
PDF that is really an executable is exactly the mistake (or attack) to stop at the door.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from vanthu.errors import ValidationFailed

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
DOC = "application/msword"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

EXTENSIONS = {
    PDF: {".pdf"},
    DOCX: {".docx"},
    ODT: {".odt"},
    DOC: {".doc"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    TIFF: {".tif", ".tiff"},
}
TYPE_LABELS = {
    PDF: "PDF",
    DOCX: "Word (.docx)",
    ODT: "ODT",
    DOC: "Word (.doc)",
    PNG: "ảnh PNG",
    JPEG: "ảnh JPEG",
    TIFF: "ảnh TIFF",
}

DRAFT_TYPES = {PDF, DOCX, ODT, DOC}
SCAN_TYPES = {PDF, PNG, JPEG, TIFF}
ANY_TYPES = DRAFT_TYPES | SCAN_TYPES


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    mime_type: str
    sha256: str
    page_count: int | None

    @property
    def size(self) -> int:
        return len(self.content)


def sniff_mime(head: bytes, content: bytes) -> str | None:
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as z:
                names = set(z.namelist())
                if "word/document.xml" in names:
                    return DOCX
                if "mimetype" in names and z.read("mimetype").strip() == ODT.encode():
                    return ODT
        except Exception:
            # A damaged or exotic archive (bad CRC, unsupported compression, encrypted
            # member) is simply not a document we recognise.
            return None
    return None


def _pdf_page_count(content: bytes, field: str) -> int:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:
        # The bytes come from outside: whatever the parser trips on (PdfReadError, but also
        # AttributeError, AssertionError, NotImplementedError on damaged objects) means the
        # file cannot be read, which is the user's problem to fix, not a server error.
        raise ValidationFailed(
            {field: f"Tệp PDF bị hỏng, không đọc được ({exc.__class__.__name__})."}
        ) from None
    if encrypted:
        raise ValidationFailed(
            {field: "Tệp PDF đã bị mã hóa hoặc đặt mật khẩu; hãy gửi bản không mã hóa."}
        )
    if pages == 0:
        raise ValidationFailed({field: "Tệp PDF bị hỏng, không đọc được trang nào."})
    return pages


def _size_text(size: int) -> str:
    mb, kb = 1024 * 1024, 1024
    if size >= mb:
        return f"{size / mb:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
    if size >= kb:
        return f"{size / kb:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " KB"
    return f"{size} byte"


def check_upload(
    name: str, content: bytes, *, allowed: set[str], field: str = "file"
) -> CheckedFile:
    """Validate an upload completely before anything is stored; raise ValidationFailed."""
    clean_name = PurePath(name.replace("\\", "/")).name.strip() or "tep"
    limit = settings.VANTHU_MAX_UPLOAD_BYTES
    if len(content) == 0:
        raise ValidationFailed({field: f"Tệp «{clean_name}» rỗng (0 byte)."})
    if len(content) > limit:
        raise ValidationFailed(
            {
                field: f"Tệp «{clean_name}» ({_size_text(len(content))}) vượt quá dung lượng "
                f"cho phép ({_size_text(limit)})."
            }
        )
    mime = sniff_mime(content[:2048], content)
    if mime is None:
        raise ValidationFailed(
            {
                field: f"Không nhận dạng được định dạng của tệp «{clean_name}». "
                "Chỉ chấp nhận PDF, Word, ODT hoặc ảnh quét."
            }
        )
    if mime not in allowed:
        kinds = ", ".join(sorted({TYPE_LABELS[m] for m in allowed}))
        raise ValidationFailed(
            {field: f"Loại tệp {TYPE_LABELS[mime]} không được dùng ở đây (chấp nhận: {kinds})."}
        )
    ext = PurePath(clean_name).suffix.lower()
    if ext not in EXTENSIONS[mime]:
        raise ValidationFailed(
            {
                field: f"Phần mở rộng «{ext or '(không có)'}» của tệp «{clean_name}» không khớp nội dung "
                f"(nội dung là {TYPE_LABELS[mime]})."
            }
        )
    pages = _pdf_page_count(content, field) if mime == PDF else None
    return CheckedFile(clean_name, content, mime, hashlib.sha256(content).hexdigest(), pages)


def storage_name_for(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store(checked: CheckedFile) -> str:
    """Write the bytes under their checksum; identical content is stored once."""
    name = storage_name_for(checked.sha256)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(checked.content))
        if saved != name:  # a concurrent writer stored the same bytes first
            default_storage.delete(saved)
    return name


def read_bytes(storage_name: str) -> bytes:
    with default_storage.open(storage_name, "rb") as fh:
        return fh.read()


def verify_stored(storage_name: str, expected_sha256: str) -> str | None:
    """Return None when the stored bytes match the checksum, else a reason."""
    if not default_storage.exists(storage_name):
        return "missing"
    digest = hashlib.sha256()
    with default_storage.open(storage_name, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected_sha256:
        return "checksum mismatch"
    return None


def add_version(document, checked: CheckedFile, kind: str, user, derived_from=None):
    """Store a checked file as the next version of its kind on ``document``. Call inside the
    caller's transaction (the version number is read, then used)."""
    from vanthu.documents.models import FileVersion

    last = (
        document.files.filter(kind=kind)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return FileVersion.objects.create(
        document=document,
        kind=kind,
        version=(last or 0) + 1,
        original_name=checked.name,
        storage_name=store(checked),
        sha256=checked.sha256,
        size=checked.size,
        mime_type=checked.mime_type,
        page_count=checked.page_count,
        derived_from=derived_from,
        created_by=user if user is not None and user.is_authenticated else None,
    )


def current_main(document):
    return document.files.filter(kind="main").order_by("-version").first()


def current_attachments(document):
    """The attachments (phụ lục, tài liệu kèm theo issued as separate files) in their latest
    form: an attachment signed at issuance supersedes the unsigned file it derives from."""
    attachments = document.files.filter(kind="attachment")
    superseded = attachments.filter(derived_from__isnull=False).values("derived_from")
    return list(attachments.exclude(pk__in=superseded).order_by("id"))


def issued_files(document):
    """The files a recipient gets: the latest main version and the current attachments."""
    main = current_main(document)
    return ([main] if main else []) + current_attachments(document)
