"""Diacritics-insensitive search that behaves the same on SQLite and PostgreSQL.

Each document keeps a folded copy of its number, notation, subject and issuer
(`search_text`); queries are folded the same way and matched word by word. On PostgreSQL a
trigram GIN index on search_text (migration 0002) turns the substring match into an index
scan; a word index (migration 0004) narrows the candidates first; on SQLite the embedded default
serves a single agency's volume by scanning.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

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


_TOKEN = re.compile(r"[a-z0-9]+")
# Must match the expression of the index created in migration 0004.
_WORDS_SQL = (
    "to_tsvector('simple'::regconfig, regexp_replace(search_text, '[^a-z0-9]+', ' ', 'g'))"
    " @@ to_tsquery('simple'::regconfig, %s)"
)


def apply_search(qs: QuerySet, query: str) -> QuerySet:
    words = fold(query).split()[:8]
    if not words:
        return qs
    if connection.vendor == "postgresql":
        # The word index finds candidates; only the last word is a prefix (the one being
        # typed), since prefix scans of common syllables cost ten times more. The exact
        # check uses STRPOS, which no index serves: with LIKE the planner would also bring in
        # the trigram index and recheck every candidate (measured in docs/PERFORMANCE.md).
        # A fragment inside a syllable ("inh" for "dinh") is not found on PostgreSQL.
        tokens = [t for w in words for t in _TOKEN.findall(w)]
        if tokens:
            terms = [*tokens[:-1], tokens[-1] + ":*"]
            qs = qs.extra(where=[_WORDS_SQL], params=[" & ".join(terms)])  # noqa: S610 - fixed SQL, tokens are [a-z0-9]+
        for word in words:
            qs = qs.filter(GreaterThan(StrIndex("search_text", Value(word)), 0))
        return qs
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs
