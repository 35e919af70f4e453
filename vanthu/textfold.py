"""Diacritics-insensitive folding of Vietnamese text for search.

Unicode decomposition removes the combining marks (ế → e, ị → i) but "đ" is a letter of
its own, not d plus a mark, so it is mapped explicitly. The same function folds both the
indexed text and the query, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "d"})
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
