"""Electronic copies: sao y, trích sao, sao lục (Decree 30/2020 Art. 25–27, Appendix I Part II).

The clerk of the agency that holds a document (its own issued document, or an incoming
document registered in its book) makes a copy. The copy is a document of its own: a copy
type (BSY/BTS/BSL), numbered in the agency's yearly copy series from 01 (Appendix I Part
II.II.1.c), pointing at the original, and signed with the copying agency's digital signature
whose text — copy form, agency name, ISO 8601 time — sits at the top right of the first page
(cell 14). A copy has the legal value of the original only when made with the form the
Decree prescribes (Art. 26), and for an electronic copy that form includes the agency's
digital signature: an agency without a signing credential cannot make one. Copies of state
secrets follow the law on state secrets (Art. 27), so they are never made electronically.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

from vanthu.audit.events import record_event
from vanthu.directory.access import roles_of
from vanthu.directory.models import Agency, Role, User
from vanthu.documents.actions.common import audit, require_role, snapshot
from vanthu.documents.files import PDF, current_main, read_bytes
from vanthu.documents.models import (
    CopyForm,
    Direction,
    Document,
    DocumentType,
    FileVersion,
    Status,
)
from vanthu.documents.numbering import (
    format_number,
    local_today,
    outgoing_notation,
    outgoing_series,
    take_number,
)
from vanthu.documents.search import search_text_for
from vanthu.errors import InvalidTransition, ValidationFailed
from vanthu.exchange.models import Delivery
from vanthu.exchange.transports import get_transport, transport_for
from vanthu.signing import pades
from vanthu.signing.actions import SignedPdf, open_agency_seal, store_signed
from vanthu.signing.errors import SignerConfigError

COPY_TYPE_CODES = {
    CopyForm.FULL: "BSY",
    CopyForm.EXTRACT: "BTS",
    CopyForm.TRANSCRIPT: "BSL",
}
# The words printed in cell 14 (Appendix I Part II.II.2.a).
STAMP_WORDS = {
    CopyForm.FULL: "SAO Y",
    CopyForm.EXTRACT: "TRÍCH SAO",
    CopyForm.TRANSCRIPT: "SAO LỤC",
}
# A document the agency "holds": its own issued document, or an incoming one in its book.
HELD_STATUSES = {
    Direction.OUTGOING: {Status.ISSUED},
    Direction.INCOMING: {Status.REGISTERED, Status.PRESENTED, Status.FORWARDED},
}
NO_SEAL = (
    "Cơ quan chưa có chữ ký số để ký bản sao điện tử. Theo Nghị định 30/2020/NĐ-CP, bản sao "
    "điện tử phải có chữ ký số của cơ quan sao; hãy nhờ quản trị hệ thống đăng ký khóa ký số "
    "của cơ quan trước."
)
_PAGES = re.compile(r"^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$")
# Annotation flag "Hidden" (ISO 32000-1, 12.5.3): such widgets are not drawn.
_HIDDEN = 2


def parse_pages(text: str, page_count: int) -> tuple[list[int], str]:
    """``"1-2, 5"`` → 0-based page indexes in page order and the normalised text ``"1-2,5"``.

    Raises ValidationFailed (field ``pages``) for a bad syntax, a reversed range, or a page
    the original does not have."""
    if not text.strip():
        raise ValidationFailed({"pages": "Hãy nhập các trang cần trích sao, ví dụ 1-2,5."})
    chosen: set[int] = set()
    for part in text.split(","):
        match = _PAGES.match(part)
        if match is None:
            raise ValidationFailed(
                {
                    "pages": f"«{part.strip() or '(trống)'}» không phải trang hoặc khoảng trang "
                    "hợp lệ; hãy ghi như 1-2,5."
                }
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if first < 1 or last < first:
            raise ValidationFailed(
                {"pages": f"Khoảng trang «{part.strip()}» không hợp lệ (trang đánh số từ 1)."}
            )
        if last > page_count:
            raise ValidationFailed(
                {"pages": f"Văn bản gốc chỉ có {page_count} trang, không có trang {last}."}
            )
        chosen.update(range(first, last + 1))
    indexes = sorted(chosen)
    return [i - 1 for i in indexes], _ranges_text(indexes)


def _ranges_text(pages: list[int]) -> str:
    groups: list[list[int]] = []
    for page in pages:
        if groups and page == groups[-1][1] + 1:
            groups[-1][1] = page
        else:
            groups.append([page, page])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in groups)


def _check_held(original: Document) -> None:
    """What any copy of ``original`` needs, whatever its form."""
    if original.is_secret:
        # State secrets are copied on paper under the Law on Protection of State Secrets,
        # never into an electronic copy that can travel.
        raise ValidationFailed(
            {
                "form": "Văn bản mật không được sao thành bản sao điện tử; hãy sao bản giấy "
                "theo quy định về bảo vệ bí mật nhà nước."
            }
        )
    if original.status not in HELD_STATUSES.get(original.direction, set()):
        raise InvalidTransition(
            "Chỉ sao được văn bản đi đã phát hành hoặc văn bản đến đã vào sổ của cơ quan."
        )
    if original.direction == Direction.OUTGOING:
        from vanthu.recalls.selectors import is_fully_recalled  # recalls builds on documents

        # Decree 30 Art. 18.4: a document recalled from every recipient no longer has
        # effect; a certified copy of it would give it effect again.
        if is_fully_recalled(original):
            raise InvalidTransition(
                "Văn bản đã được thu hồi ở mọi nơi nhận; không tạo bản sao từ văn bản đã thu hồi."
            )


def _check_form_rule(original: Document, form: str) -> None:
    is_sao_y = original.doc_type.code == COPY_TYPE_CODES[CopyForm.FULL]
    is_copy = original.doc_type.code in COPY_TYPE_CODES.values()
    # Art. 25: sao y and trích sao are made from the original or the official copy; sao lục
    # is made from a sao y copy only.
    if form == CopyForm.TRANSCRIPT and not is_sao_y:
        raise ValidationFailed(
            {"form": "Sao lục chỉ thực hiện từ bản sao y (Nghị định 30/2020, Điều 25)."}
        )
    if form != CopyForm.TRANSCRIPT and is_copy:
        raise ValidationFailed(
            {
                "form": "Văn bản này là bản sao: chỉ sao y, trích sao từ bản gốc hoặc bản chính; "
                "từ bản sao y chỉ được sao lục (Nghị định 30/2020, Điều 25)."
            }
        )


def _main_pdf(original: Document) -> FileVersion:
    main = current_main(original)
    if main is None or main.mime_type != PDF:
        raise ValidationFailed({"form": "Văn bản không có tệp PDF để tạo bản sao điện tử."})
    return main


def _check_original(original: Document, form: str) -> FileVersion:
    if form not in COPY_TYPE_CODES:
        raise ValidationFailed({"form": "Hãy chọn hình thức sao: sao y, trích sao hoặc sao lục."})
    _check_held(original)
    _check_form_rule(original, form)
    return _main_pdf(original)


def copyable_forms(original: Document) -> list[str]:
    """The copy forms the law allows for this document as it stands (whoever asks): what the
    copy page offers and whether the document page shows its button. The checks that do
    not depend on the form (and query the database) run once."""
    try:
        _check_held(original)
        _main_pdf(original)
    except (ValidationFailed, InvalidTransition):
        return []
    allowed = []
    for form in COPY_TYPE_CODES:
        try:
            _check_form_rule(original, form)
        except ValidationFailed:
            continue
        allowed.append(form)
    return allowed


def may_copy(user: User, original: Document) -> bool:
    return roles_of(user).has(original.agency_id, Role.CLERK) and bool(copyable_forms(original))


def make_electronic_copy(
    user: User,
    original: Document,
    *,
    form: str,
    pages: str = "",
    secret: str = "",
    recipients: Sequence[Agency] = (),
    recipients_text: str = "",
) -> Document:
    """Copy ``original`` into a new, numbered, agency-signed copy document.

    ``pages`` ("1-2,5") only for trích sao; ``secret`` is the agency key's password or PIN
    when the server does not hold it; ``recipients`` are agencies of this deployment that
    receive the copy electronically, ``recipients_text`` the printed nơi nhận."""
    require_role(user, original.agency, Role.CLERK)
    source = _check_original(original, form)
    content = read_bytes(source.storage_name)
    page_count = source.page_count or len(PdfReader(io.BytesIO(content)).pages)
    if form == CopyForm.EXTRACT:
        indexes, pages_text = parse_pages(pages, page_count)
    elif pages.strip():
        raise ValidationFailed(
            {"pages": "Chỉ trích sao mới chọn trang; sao y, sao lục sao cả văn bản."}
        )
    else:
        indexes, pages_text = list(range(page_count)), ""
    if any(a.pk == original.agency_id for a in recipients):
        raise ValidationFailed({"recipients": "Không gửi bản sao cho chính cơ quan sao."})
    # Opened before anything is numbered, so a wrong password costs nothing.
    seal = open_agency_seal(original.agency, secret=secret)
    if seal is None:
        raise SignerConfigError(NO_SEAL)
    try:
        # Cell 14 prints no number, so the slow signature is made before the transaction and
        # the counter row stays locked only while the rows are written.
        signed_at = timezone.now()
        signed = pades.sign_copy(
            _copy_pages(content, indexes),
            seal.signer,
            copy_form=STAMP_WORDS[form],
            agency_name=original.agency.name,
            signed_at=signed_at,
        )
        signer_name = seal.signer.display_name
    finally:
        seal.signer.close()
    return _record_copy(
        user,
        original,
        form=form,
        pages_text=pages_text,
        source=source,
        signed=signed,
        signer_name=signer_name,
        signed_at=signed_at,
        recipients=recipients,
        recipients_text=recipients_text.strip(),
    )


def _record_copy(
    user: User,
    original: Document,
    *,
    form: str,
    pages_text: str,
    source: FileVersion,
    signed: bytes,
    signer_name: str,
    signed_at,
    recipients: Sequence[Agency],
    recipients_text: str,
) -> Document:
    agency = original.agency
    label = CopyForm(form).label.lower()
    with transaction.atomic():
        copy = Document(
            agency=agency,
            direction=Direction.OUTGOING,
            status=Status.ISSUED,
            doc_type=DocumentType.objects.get(code=COPY_TYPE_CODES[form]),
            created_by=user,
            subject=original.subject,
            issuer_name=agency.name,
            issuer_code=agency.code,
            recipients_text=recipients_text,
            description=f"Bản {label} văn bản {original.reference or '(không số)'}"
            f" của {original.issuer_name}" + (f", trang {pages_text}" if pages_text else ""),
            copy_of=original,
            copy_form=form,
            copy_pages=pages_text,
            issued_on=local_today(),
            issued_at=signed_at,
        )
        copy.year = copy.issued_on.year
        copy.series = outgoing_series(copy)
        copy.number = take_number(agency, copy.year, copy.series)
        copy.number_text = format_number(copy.number)
        copy.notation = outgoing_notation(copy)
        copy.search_text = search_text_for(copy)
        copy.save()
        copy.recipient_agencies.set(recipients)
        audit(
            "document.copied",
            copy,
            user,
            {},
            note=f"{CopyForm(form).label} từ {original.reference}",
        )
        version = store_signed(
            user, SignedPdf(copy, source, signed, "document.signed_agency", signer_name)
        )
        Document.objects.filter(pk=copy.pk).update(page_amount=version.page_count)
        copy.page_amount = version.page_count
        record_event(
            "document.copied",
            original,
            actor=user,
            agency=agency,
            before=snapshot(original),
            after={"copy": str(copy.public_id), "reference": copy.reference, "form": form},
            note=f"Bản {label} số {copy.reference}",
        )
        for recipient in recipients:
            delivery = Delivery.objects.create(
                document=copy, recipient=recipient, transport=transport_for(recipient)
            )
            get_transport(delivery.transport).send(delivery)
    return copy


# -- the copy's PDF ----------------------------------------------------------------------------


def _copy_pages(content: bytes, indexes: list[int]) -> bytes:
    """A new PDF of the chosen pages, looking exactly like the original.

    The original's signatures sign the original's bytes: carried into another file they
    would only show as broken, and their fields would collide with the copy's own agency
    signature field. So every form widget (signatures, the filled number and date) is
    painted into its page as plain content and the form itself is left behind; the copy's
    authenticity comes from the copying agency's signature alone."""
    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter()
    for index in indexes:
        writer.add_page(reader.pages[index])
    for page in writer.pages:
        _flatten_widgets(writer, page)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _flatten_widgets(writer: PdfWriter, page) -> None:
    annots = page.get("/Annots")
    if annots is None:
        return
    kept = ArrayObject()
    drawing: list[str] = []
    xobjects = None
    for ref in annots.get_object():
        annot = ref.get_object()
        if annot.get("/Subtype") != "/Widget":
            kept.append(ref)
            continue
        appearance = _normal_appearance(annot)
        if appearance is None or int(annot.get("/F", 0)) & _HIDDEN:
            continue
        placement = _placement(annot, appearance.get_object())
        if placement is None:
            continue
        name = f"/VtFlat{len(drawing)}"
        if xobjects is None:
            xobjects = _xobjects_of(page)
        xobjects[NameObject(name)] = appearance
        drawing.append(f"q {placement} cm {name} Do Q")
    if kept:
        page[NameObject("/Annots")] = kept
    else:
        del page["/Annots"]
    if drawing:
        previous = page.get_contents()
        body = previous.get_data() if previous is not None else b""
        stream = DecodedStreamObject()
        # The original content is wrapped in q/Q so whatever graphics state it leaves
        # behind cannot shift the painted widgets.
        stream.set_data(b"q\n" + body + b"\nQ\n" + "\n".join(drawing).encode() + b"\n")
        page.replace_contents(stream)


def _normal_appearance(annot: DictionaryObject):
    ap = annot.get("/AP")
    if ap is None:
        return None
    normal = ap.get_object().raw_get("/N") if "/N" in ap.get_object() else None
    if normal is None:
        return None
    resolved = normal.get_object()
    if "/BBox" not in resolved:
        # A dictionary of states (check boxes, radio buttons): the current one is drawn.
        state = annot.get("/AS")
        if state is None or state not in resolved:
            return None
        normal = resolved.raw_get(state)
        if "/BBox" not in normal.get_object():
            return None
    return normal


def _placement(annot: DictionaryObject, form) -> str | None:
    """The matrix that maps the appearance's box onto the annotation rectangle (ISO 32000-1,
    12.5.5); None for a widget with no area (an invisible signature)."""
    rx1, ry1, rx2, ry2 = (float(v) for v in annot["/Rect"])
    rx1, rx2 = sorted((rx1, rx2))
    ry1, ry2 = sorted((ry1, ry2))
    bx1, by1, bx2, by2 = (float(v) for v in form["/BBox"])
    a, b, c, d, e, f = (float(v) for v in form.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (bx1, bx2) for y in (by1, by2)]
    xs = [x for x, _ in corners]
    ys = [y for _, y in corners]
    width, height = max(xs) - min(xs), max(ys) - min(ys)
    if rx2 - rx1 <= 0 or ry2 - ry1 <= 0 or width <= 0 or height <= 0:
        return None
    sx = (rx2 - rx1) / width
    sy = (ry2 - ry1) / height
    return f"{sx:.6f} 0 0 {sy:.6f} {rx1 - min(xs) * sx:.4f} {ry1 - min(ys) * sy:.4f}"


def _xobjects_of(page) -> DictionaryObject:
    # Generators often share one resource dictionary between pages: the page gets its own
    # (shallow) copy so a widget painted here does not appear on every page.
    resources = DictionaryObject()
    if "/Resources" in page:
        resources.update(page["/Resources"].get_object())
    xobjects = DictionaryObject()
    if "/XObject" in resources:
        xobjects.update(resources["/XObject"].get_object())
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    return xobjects
