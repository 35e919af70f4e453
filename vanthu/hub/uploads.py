"""Streaming of the sendEdoc upload: the file_doc part of the multipart body goes chunk by
chunk into a PayloadWriter (hashed, written to a temporary file, capped).

Django's own multipart parser walks the body in Python and builds its own file objects;
this reader only looks for the boundary with bytes.find, so the cost of an upload is a few
C-level scans of it. Pure Python (reads any object with ``read(n)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .storage import PayloadTooLarge, PayloadWriter

FIELD = "file_doc"
CHUNK = 256 * 1024
_MAX_PART_HEADERS = 16 * 1024
_BOUNDARY = re.compile(r'boundary="?([^";,]{1,200})"?', re.I)
_NAME = re.compile(rb'(?:^|;)\s*name="([^"]*)"', re.I | re.M)


class UploadError(Exception):
    """The body is not the multipart/form-data the API expects; ``too_large`` for a file
    over the limit."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def boundary_of(content_type: str) -> bytes:
    match = _BOUNDARY.search(content_type or "")
    if not content_type.lower().startswith("multipart/form-data") or match is None:
        raise UploadError("Cần multipart/form-data với phần file_doc.")
    return match.group(1).encode("latin-1")


def read_file_doc(
    read: Callable[[int], bytes],
    content_length: int,
    boundary: bytes,
    new_writer: Callable[[], PayloadWriter],
) -> PayloadWriter:
    """Read the whole body; return the writer holding the (unfinished) file_doc part.

    The writer is discarded on any error. Other parts are read and dropped.
    """
    delimiter = b"\r\n--" + boundary
    remaining = content_length
    # The first delimiter has no CRLF before it; pretend it had one.
    buffer = b"\r\n"
    writer: PayloadWriter | None = None

    def fill() -> bool:
        nonlocal buffer, remaining
        if remaining <= 0:
            return False
        chunk = read(min(CHUNK, remaining))
        if not chunk:
            raise UploadError("Thân yêu cầu bị cắt ngang.")
        remaining -= len(chunk)
        buffer += chunk
        return True

    try:
        # Preamble: up to the first delimiter.
        while (start := buffer.find(delimiter)) < 0:
            buffer = buffer[-len(delimiter) :]
            if not fill():
                raise UploadError("Không có phần nào trong thân multipart.")
        buffer = buffer[start + len(delimiter) :]
        while True:
            while len(buffer) < 2 and fill():
                pass
            if buffer.startswith(b"--"):
                break  # the closing delimiter
            while (end := buffer.find(b"\r\n\r\n")) < 0:
                if len(buffer) > _MAX_PART_HEADERS or not fill():
                    raise UploadError("Tiêu đề của một phần multipart không đọc được.")
            headers, buffer = buffer[:end], buffer[end + 4 :]
            match = _NAME.search(headers)
            name = match.group(1).decode("latin-1") if match else ""
            sink: PayloadWriter | None = None
            if name == FIELD:
                if writer is not None:
                    raise UploadError("Cần đúng một phần file_doc.")
                writer = sink = new_writer()
            # The part's content: everything up to the next delimiter.
            while (end := buffer.find(delimiter)) < 0:
                keep = len(delimiter) - 1
                if len(buffer) > keep:
                    if sink is not None:
                        sink.write(memoryview(buffer)[:-keep])
                    buffer = buffer[-keep:]
                if not fill():
                    raise UploadError("Thân multipart không có dấu kết thúc.")
            if sink is not None:
                sink.write(memoryview(buffer)[:end])
            buffer = buffer[end + len(delimiter) :]
        if writer is None:
            raise UploadError("Cần đúng một phần file_doc.")
        return writer
    except PayloadTooLarge:
        if writer is not None:
            writer.discard()
        raise UploadError("Gói tin vượt quá giới hạn.", too_large=True) from None
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
