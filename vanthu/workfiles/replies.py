"""Which incoming documents an outgoing one answers (edXML ResponseFor) and the reverse.

Read by the exchange when it builds an outgoing package, and by the incoming handling log
(sổ theo dõi giải quyết văn bản đến: "Số, ký hiệu văn bản trả lời"). Links are made in work
files (actions.link_reply) and outlive the files' items.
"""

from __future__ import annotations

from vanthu.documents.models import Document


def response_for(document: Document) -> list[Document]:
    """The incoming documents `document` answers, in the order the links were made."""
    return list(
        Document.objects.filter(answered_by_links__reply=document).order_by(
            "answered_by_links__at", "answered_by_links__id"
        )
    )


def replies_to(document: Document) -> list[Document]:
    """The outgoing documents (drafts or issued) that answer the incoming `document`."""
    return list(
        Document.objects.filter(responds_to_links__answers=document).order_by(
            "responds_to_links__at", "responds_to_links__id"
        )
    )
