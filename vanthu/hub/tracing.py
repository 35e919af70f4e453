"""The hub's TraceHeader, spliced into the package bytes without re-serialising them
(pure Python).

Re-serialising through lxml would rewrite the attachments' Base64 text, namespace
declarations and whitespace. Instead, ``find_splice`` scans the markup of the header (the
package has already been parsed, so it is well-formed) for the place where a TraceHeader
goes, and the delivered bytes are ``data[:start] + fragment + data[end:]``: everything else
is byte-identical to what the sender uploaded.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from dataclasses import dataclass

from vanthu.edxml.constants import VN_TZ

# The header comes before the body and the attachments; scanning stops at its end, so only
# a pathological package needs more than this first window.
_WINDOW = 256 * 1024


@dataclass(frozen=True)
class Splice:
    start: int
    end: int
    fragment: bytes

    def apply(self, data: bytes) -> bytes:
        return b"".join((data[: self.start], self.fragment, data[self.end :]))

    def delivered_size(self, size: int) -> int:
        return size - (self.end - self.start) + len(self.fragment)


NO_SPLICE = Splice(0, 0, b"")


def format_trace_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(VN_TZ).strftime("%Y/%m/%d %H:%M:%S")


def make_splice(data: bytes, organ_id: str, moment: dt.datetime) -> Splice:
    """Where and what to insert so that ``data`` carries one more TraceHeader.

    Returns NO_SPLICE (deliver unchanged) for a message without an edXMLHeader to put it in,
    such as an encoding this scanner does not read.
    """
    codec, offset = _codec(data)
    if codec is None:
        text = data[:_WINDOW].decode("latin-1")  # one char per byte: offsets are byte offsets
        found = _scan(text)
        if found is None and len(data) > _WINDOW:
            text = data.decode("latin-1")
            found = _scan(text)
        if found is None:
            return NO_SPLICE
        start, end, open_tag, prefix = found
        fragment = _fragment(open_tag, prefix, organ_id, moment)
        return Splice(start, end, fragment.encode("utf-8"))
    text = data[offset:].decode(codec)
    found = _scan(text)
    if found is None:
        return NO_SPLICE
    start, end, open_tag, prefix = found
    fragment = _fragment(open_tag, prefix, organ_id, moment)
    return Splice(
        offset + len(text[:start].encode(codec)),
        offset + len(text[:end].encode(codec)),
        fragment.encode(codec),
    )


def _codec(data: bytes) -> tuple[str | None, int]:
    """UTF-16 needs decoding; every other encoding a sender may declare is ASCII-compatible,
    so its markup can be scanned byte by byte."""
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None, 0


def _fragment(open_tag: str | None, prefix: str, organ_id: str, moment: dt.datetime) -> str:
    p = f"{prefix}:" if prefix else ""
    entry = (
        f"<{p}TraceHeader><{p}OrganId>{_escape(organ_id)}</{p}OrganId>"
        f"<{p}Timestamp>{format_trace_timestamp(moment)}</{p}Timestamp></{p}TraceHeader>"
    )
    if open_tag is None:  # insert before </TraceHeaderList>
        return entry
    if open_tag == "":  # no TraceHeaderList: a new one after the MessageHeader
        return f"<{p}TraceHeaderList>{entry}</{p}TraceHeaderList>"
    # An empty <TraceHeaderList .../> becomes an element with its attributes kept.
    return f"{open_tag}>{entry}</{p}TraceHeaderList>"


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _local(qname: str) -> tuple[str, str]:
    prefix, _, local = qname.rpartition(":")
    return prefix, local


_HEADER_PATH = ["edXML", "edXMLEnvelope", "edXMLHeader"]


def _scan(text: str) -> tuple[int, int, str | None, str] | None:
    """Find (start, end, open_tag, prefix) of the splice, or None.

    Every literal "<" of well-formed XML starts markup (it cannot occur in text or attribute
    values), so walking from "<" to "<" while skipping comments, CDATA sections and
    processing instructions visits every tag. The path to the TraceHeaderList is
    edXML/edXMLEnvelope/edXMLHeader, compared by local name as the parser does.
    """
    names: list[str] = []  # local names of the open elements
    after_message_header: tuple[int, str] | None = None
    pos = 0
    length = len(text)
    while True:
        pos = text.find("<", pos)
        if pos < 0 or pos + 1 >= length:
            return None
        following = text[pos + 1]
        if following == "!":
            if text.startswith("<!--", pos):
                pos = _skip(text, pos, "-->")
            elif text.startswith("<![CDATA[", pos):
                pos = _skip(text, pos, "]]>")
            else:
                return None  # a DOCTYPE: the parser refuses those before we get here
        elif following == "?":
            pos = _skip(text, pos, "?>")
        elif following == "/":
            close = text.find(">", pos)
            if close < 0 or not names:
                return None
            prefix, local = _local(text[pos + 2 : close].strip())
            names.pop()
            if local in _WATCHED and names == _HEADER_PATH:
                if local == "TraceHeaderList":
                    return pos, pos, None, prefix
                if local == "MessageHeader":
                    after_message_header = (close + 1, prefix)
            if local == "edXMLHeader":
                if after_message_header is None:
                    return None
                at, mh_prefix = after_message_header
                return at, at, "", mh_prefix
            pos = close + 1
        else:
            close = _tag_end(text, pos)
            if close < 0:
                return None
            self_closing = text[close - 1] == "/"
            inner = text[pos + 1 : close - 1 if self_closing else close]
            qname = inner.split(None, 1)[0] if inner.strip() else ""
            prefix, local = _local(qname)
            if self_closing:
                if local == "TraceHeaderList" and names == _HEADER_PATH:
                    return pos, close + 1, text[pos : close - 1].rstrip(), prefix
            else:
                names.append(local)
            pos = close + 1


_WATCHED = frozenset({"TraceHeaderList", "MessageHeader"})


def _skip(text: str, pos: int, terminator: str) -> int:
    end = text.find(terminator, pos)
    return len(text) if end < 0 else end + len(terminator)


# A start tag's body: anything but ">" and quotes, or quoted attribute values (where ">" is
# allowed), up to the closing ">".
_TAG_BODY = re.compile(r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")


def _tag_end(text: str, pos: int) -> int:
    """The index of the ">" closing the start tag at ``pos``."""
    match = _TAG_BODY.match(text, pos + 1)
    return match.end() - 1 if match else -1
