"""Read-only views of work files for the pages: items grouped by kind, the mục lục văn bản of
a closed file, and the panel shown on a document's page. Never writes.

A work file may hold a document the reader may not open (a secret one, or one forwarded to
the owner personally): such items are shown without their reference and subject, so that
the file never becomes a way around documents_visible_to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from vanthu.directory.access import roles_of
from vanthu.documents.access import documents_visible_to
from vanthu.documents.models import Direction, Document, FileVersion
from vanthu.documents.search import apply_search
from vanthu.workfiles.access import workfiles_visible_to
from vanthu.workfiles.actions import NOT_FILEABLE
from vanthu.workfiles.models import ItemKind, ReplyLink, WorkFile, WorkFileItem, WorkFileStatus
from vanthu.workfiles.replies import replies_to, response_for

KIND_ORDER = [
    ItemKind.INCOMING,
    ItemKind.DRAFT,
    ItemKind.OUTGOING,
    ItemKind.OPINION,
    ItemKind.NOTE,
]
GROUP_TITLES = {
    ItemKind.INCOMING: "Văn bản đến",
    ItemKind.DRAFT: "Dự thảo",
    ItemKind.OUTGOING: "Văn bản đi đã phát hành",
    ItemKind.OPINION: "Ý kiến",
    ItemKind.NOTE: "Ghi chú",
}


@dataclass
class ShownItem:
    item: WorkFileItem
    kind: str
    visible: bool  # the reader may open the document (always True for text items)

    @property
    def document(self) -> Document | None:
        return self.item.document if self.visible else None


def _visible_ids(user, document_ids) -> set[int]:
    ids = [i for i in document_ids if i]
    if not ids:
        return set()
    return set(documents_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def shown_items(user, wf: WorkFile) -> list[ShownItem]:
    items = list(
        wf.items.select_related("document", "document__doc_type", "added_by").order_by(
            "added_at", "id"
        )
    )
    visible = _visible_ids(user, [i.document_id for i in items])
    return [
        ShownItem(i, i.current_kind, i.document_id is None or i.document_id in visible)
        for i in items
    ]


def grouped_items(shown: list[ShownItem]) -> list[tuple[str, str, list[ShownItem]]]:
    return [(kind, GROUP_TITLES[kind], [s for s in shown if s.kind == kind]) for kind in KIND_ORDER]


def reply_choices(shown: list[ShownItem]) -> tuple[list[Document], list[Document]]:
    """Documents of the file the reader may link: outgoing replies and incoming ones."""
    docs = [s.document for s in shown if s.document is not None]
    replies = [d for d in docs if d.direction == Direction.OUTGOING]
    answered = [d for d in docs if d.direction == Direction.INCOMING]
    return replies, answered


def links_of(user, wf: WorkFile) -> list[dict]:
    links = ReplyLink.objects.filter(work_file=wf).select_related(
        "reply__doc_type", "answers__doc_type", "created_by"
    )
    rows = list(links)
    visible = _visible_ids(user, {x.reply_id for x in rows} | {x.answers_id for x in rows})
    return [
        {
            "link": x,
            "reply": x.reply if x.reply_id in visible else None,
            "answers": x.answers if x.answers_id in visible else None,
        }
        for x in rows
    ]


def candidate_documents(user, wf: WorkFile, query: str = ""):
    """Documents the reader could file here: visible, same agency, registered, not yet in."""
    in_file = wf.items.filter(document__isnull=False).values("document_id")
    qs = (
        documents_visible_to(user)
        .filter(agency_id=wf.agency_id)
        .exclude(status__in=list(NOT_FILEABLE))
        .exclude(pk__in=in_file)
        .select_related("doc_type")
    )
    if query.strip():
        qs = apply_search(qs, query)
    return qs.order_by("-created_at", "-id")[:15]


def catalogue_rows(user, wf: WorkFile) -> list[dict]:
    """Mục lục văn bản trong hồ sơ (Decree 30 Appendix V): STT, số ký hiệu, ngày tháng, tên
    loại và trích yếu, tác giả, tờ số, ghi chú. Drafts, opinions and notes are not part of
    the file's record once it is closed, so they are left out."""
    shown = [
        s
        for s in shown_items(user, wf)
        if s.item.document_id and s.kind in (ItemKind.INCOMING, ItemKind.OUTGOING)
    ]
    main_pages = dict(
        FileVersion.objects.filter(
            document_id__in=[s.item.document_id for s in shown],
            kind=FileVersion.Kind.MAIN,
            page_count__isnull=False,
        )
        .order_by("document_id", "version")
        .values_list("document_id", "page_count")
    )

    def when(s: ShownItem):
        doc = s.item.document
        day = doc.issued_on or (doc.arrived_at.date() if doc.arrived_at else None)
        return (day is None, day, s.item.added_at)

    rows, sheet = [], 1
    for number, s in enumerate(sorted(shown, key=when), start=1):
        doc = s.item.document
        pages = doc.page_amount or main_pages.get(doc.pk)
        sheets = ""
        if pages:
            sheets = f"{sheet}–{sheet + pages - 1}" if pages > 1 else str(sheet)
            sheet += pages
        rows.append({"number": number, "shown": s, "doc": s.document, "sheets": sheets})
    return rows


def document_panel(user, document: Document) -> dict:
    """Context of workfiles/_document_panel.html for the document page: the work files the
    reader sees that hold `document`, the open files they may add it to, and its replies."""
    roles = roles_of(user)
    holding = list(
        workfiles_visible_to(user)
        .filter(items__document=document)
        .select_related("owner")
        .order_by("-opened_at")
        .distinct()
    )
    targets = []
    if document.status not in NOT_FILEABLE:
        editable = Q(owner=user)
        if roles.led_departments:
            editable |= Q(department_id__in=roles.led_departments)
        targets = list(
            WorkFile.objects.filter(
                editable,
                agency_id=document.agency_id,
                agency_id__in=roles.agencies(),
                status=WorkFileStatus.OPEN,
            )
            .exclude(items__document=document)
            .order_by("-opened_at")[:50]
        )
    answers, replies = [], []
    if document.direction == Direction.OUTGOING:
        answers = _only_visible(user, response_for(document))
    else:
        replies = _only_visible(user, replies_to(document))
    return {
        "document": document,
        "files": holding,
        "targets": targets,
        "answers": answers,
        "replies": replies,
        "fileable": document.status not in NOT_FILEABLE,
    }


def _only_visible(user, documents: list[Document]) -> list[Document]:
    visible = _visible_ids(user, [d.pk for d in documents])
    return [d for d in documents if d.pk in visible]


def workfile_panel_context(user, document: Document) -> dict:
    """What the document page adds to its context: {"workfile_panel": ...}."""
    return {"workfile_panel": document_panel(user, document)}
