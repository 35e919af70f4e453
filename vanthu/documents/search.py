"""Diacritics-insensitive search that behaves the same on SQLite and PostgreSQL.

Each document keeps a folded copy of its number, notation, subject and issuer
(`search_text`); queries are folded the same way and matched word by word. On PostgreSQL a
trigram GIN index on search_text (migration 0002) turns the substring match into an index
scan; on SQLite the embedded default serves a single agency's volume by scanning.
"""

from __future__ import annotations

from django.db.models import QuerySet

from vanthu.documents.numbering import format_number
from vanthu.textfold import fold


def search_text_for(doc) -> str:
    parts = [doc.reference, doc.number_text, doc.notation, doc.subject, doc.issuer_name]
    if doc.number_text.isdigit() and doc.notation:
        # A number typed "7" from paper is printed "07" (Appendix I.II.3); "07/STC-NS" must
        # find it too ("7/STC-NS" already matches "07/STC-NS" as a substring).
        printed = format_number(int(doc.number_text))
        if printed != doc.number_text:
            parts.append(f"{printed}/{doc.notation}")
    if doc.doc_type_id and getattr(doc, "doc_type", None):
        parts.append(doc.doc_type.name)
    return fold(" ".join(p for p in parts if p))


def apply_search(qs: QuerySet, query: str) -> QuerySet:
    for word in fold(query).split()[:8]:
        qs = qs.filter(search_text__contains=word)
    return qs
