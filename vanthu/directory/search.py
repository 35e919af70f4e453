"""Diacritics-insensitive search over names in the directory ("nghe an" finds "Nghệ An").

The national list holds about 10⁵ agencies, and folding every name in Python takes seconds.
So the database first narrows the rows with a regular expression in which every letter that
folding may have changed (vowels and d) is a wildcard, a superset of the true matches that
both SQLite and PostgreSQL can evaluate; `fold` then decides on the few rows left.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from vanthu.textfold import fold

# Letters that stand for several Vietnamese letters once folded: a ↔ á, ă, â, ậ…; d ↔ đ.
# A vowel may be stored decomposed (base letter + up to two combining marks).
_WILDCARDS = {**dict.fromkeys("aeiouy", ".{1,3}"), "d": "."}


def _candidate_pattern(folded: str) -> str:
    parts = []
    for ch in folded:
        if ch in _WILDCARDS:
            parts.append(_WILDCARDS[ch])
        elif ch == " ":
            parts.append(r"\s+")
        elif ch.isascii() and ch.isalnum():
            parts.append(ch)
        else:
            parts.append(".")  # punctuation: avoid escaping rules that differ between engines
    return "".join(parts)


def search_ids(qs: QuerySet, query: str, name_field: str, *code_fields: str) -> list[int]:
    """Primary keys of `qs`, in its order, whose name contains `query` once both are folded,
    or whose code fields contain it (codes are ASCII, so the database compares them)."""
    folded = fold(query)
    if not folded:
        return list(qs.values_list("pk", flat=True))
    by_code = Q()
    for code_field in code_fields:
        by_code |= Q(**{f"{code_field}__icontains": query.strip()})
    by_name = Q(**{f"{name_field}__iregex": _candidate_pattern(folded)})
    rows = qs.filter(by_name | by_code).values_list("pk", name_field, *code_fields)
    needle = query.strip().casefold()
    return [
        pk
        for pk, name, *codes in rows
        if folded in fold(name) or any(needle in (c or "").casefold() for c in codes)
    ]
