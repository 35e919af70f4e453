"""Hardened loading of edXML bytes into an lxml tree, shared by parse, validate and signature.

Packages come from other agencies and from the axis: they are untrusted input. The parser
never expands entities, never loads a DTD and never touches the network; a DOCTYPE is refused
outright, before libxml2 sees the bytes. Deviations that real senders produce (STANDARDS §1.9)
are repaired here and reported as notes, so validation can warn about them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from lxml import etree

from .constants import DEFAULT_MAX_SIZE, DSIG_NS, HUGE_TREE_THRESHOLD, LEGACY_NAMESPACES, NS
from .errors import EdxmlError

ROOT_TAG = f"{{{NS}}}edXML"
SIGNATURE_TAGS = (f"{{{NS}}}Signature", f"{{{DSIG_NS}}}Signature")

# Only the prolog may hold a DOCTYPE: skip the XML declaration, PIs, comments and blanks.
_PROLOG_ITEM = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
# One SDK sample starts with "1212" before the declaration; junk further in is not tolerated.
_JUNK_WINDOW = 4096


@dataclass
class LoadedTree:
    root: etree._Element
    # Tolerated deviations found while loading, one human-readable line each.
    notes: list[str] = field(default_factory=list)


def make_parser(*, huge: bool = False, recover: bool = False) -> etree.XMLParser:
    """The only way this package builds an XML parser."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        attribute_defaults=False,
        huge_tree=huge,
        recover=recover,
        remove_blank_text=False,
    )


def check_size(size: int, max_size: int = DEFAULT_MAX_SIZE) -> None:
    if size > max_size:
        raise EdxmlError(f"input is {size} bytes, over the limit of {max_size} bytes")


def load(data: bytes, *, max_size: int = DEFAULT_MAX_SIZE, normalise: bool = True) -> LoadedTree:
    """Parse untrusted bytes into a tree whose root is the edXML element.

    ``normalise`` moves stray elements into the edXML namespace (see below); signing and
    verification pass False, since they must see the document exactly as it is.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EdxmlError("input must be bytes")
    data = bytes(data)
    check_size(len(data), max_size)
    notes: list[str] = []
    data = _strip_junk(data, notes)
    if not data.strip():
        raise EdxmlError("input is empty")
    if _prolog_has_doctype(data):
        raise EdxmlError("DTD/entity declarations (DOCTYPE) are not allowed in edXML")
    root = _parse(data, huge=len(data) > HUGE_TREE_THRESHOLD, notes=notes)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise EdxmlError("DTD/entity declarations (DOCTYPE) are not allowed in edXML")
    _check_root(root)
    if normalise:
        _normalise_namespaces(root, notes)
    return LoadedTree(root=root, notes=notes)


def _strip_junk(data: bytes, notes: list[str]) -> bytes:
    start = data.find(b"<?xml", 0, _JUNK_WINDOW)
    if start <= 0 or data[:start] == codecs.BOM_UTF8:
        return data
    notes.append(f"{start} byte(s) before the XML declaration ignored")
    return data[start:]


def _prolog_has_doctype(data: bytes) -> bool:
    head = data[:65536]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    elif head.startswith(codecs.BOM_UTF8):
        head = head[3:]
    pos = 0
    while match := _PROLOG_ITEM.match(head, pos):
        pos = match.end()
    return head[pos : pos + 9].upper() == b"<!DOCTYPE"


def _parse(data: bytes, *, huge: bool, notes: list[str]) -> etree._Element:
    parser = make_parser(huge=huge)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        # The parser's own log, not exc.error_log: the latter is lxml's thread-wide log and
        # still holds errors from earlier, unrelated parses.
        entries = list(parser.error_log)
        if not entries or any(entry.domain_name != "NAMESPACE" for entry in entries):
            raise EdxmlError(f"malformed XML: {_first_error(entries, exc)}") from None
    # Only undeclared prefixes went wrong (the SDK writes edXML:AttachmentEncoded outside the
    # element declaring edXML): the markup is well-formed, so recover and repair the names.
    parser = make_parser(huge=huge, recover=True)
    root = etree.fromstring(data, parser)
    entries = list(parser.error_log)
    if root is None or any(entry.domain_name != "NAMESPACE" for entry in entries):
        raise EdxmlError(f"malformed XML: {_first_error(entries, None)}")
    prefixes = sorted({m.group(1) for e in entries if (m := _PREFIX_RE.search(e.message))})
    notes.append(f"undeclared namespace prefix(es) {', '.join(prefixes) or '?'} tolerated")
    return root


_PREFIX_RE = re.compile(r"Namespace prefix (\S+)")


def _first_error(entries: list[etree._LogEntry], exc: Exception | None) -> str:
    for entry in entries:
        if entry.domain_name != "NAMESPACE":
            return f"{entry.message} (line {entry.line}, column {entry.column})"
    return str(exc) if exc is not None else "unknown parser error"


def _check_root(root: etree._Element) -> None:
    qname = etree.QName(root)
    if qname.localname != "edXML":
        raise EdxmlError(f"not an edXML package: root element is <{qname.localname}>")
    if qname.namespace != NS:
        found = qname.namespace or "no namespace"
        legacy = LEGACY_NAMESPACES.get(qname.namespace or "")
        hint = f" ({legacy})" if legacy else ""
        raise EdxmlError(f"wrong namespace: {found}{hint}; expected {NS}")


def _normalise_namespaces(root: etree._Element, notes: list[str]) -> None:
    """Move edXML elements written without namespace, or with an undeclared prefix, into NS."""
    unqualified: set[str] = set()
    stack = [root]
    while stack:
        element = stack.pop()
        for child in element:
            if not isinstance(child.tag, str) or child.tag in SIGNATURE_TAGS:
                continue
            if not child.tag.startswith("{"):
                unqualified.add(child.tag)
                child.tag = f"{{{NS}}}{child.tag.rpartition(':')[2]}"
            stack.append(child)
    if unqualified:
        names = ", ".join(sorted(unqualified)[:5])
        notes.append(f"elements outside the edXML namespace tolerated: {names}")


def tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    if element is None:
        return []
    wanted = tag(name)
    return [child for child in element if child.tag == wanted]


def child(element: etree._Element | None, name: str) -> etree._Element | None:
    if element is None:
        return None
    return element.find(tag(name))


def path(element: etree._Element | None, *names: str) -> etree._Element | None:
    for name in names:
        element = child(element, name)
    return element


def text(element: etree._Element | None) -> str | None:
    """The stripped text of an element (comments inside are skipped), None if it is absent."""
    if element is None:
        return None
    return "".join(element.itertext()).strip()


def find_signature(root: etree._Element) -> etree._Element | None:
    for element in root.iter(*SIGNATURE_TAGS):
        return element
    return None


def describe(element: etree._Element) -> str:
    """An XPath-like location with local names, e.g. /edXML/.../To[2]/OrganId."""
    parts = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent if c.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))
