"""Page-number pagination with an explicit envelope (count, page, page_size, pages, items),
over a queryset or an already computed list (e.g. the ids a folded search returns)."""

from __future__ import annotations

from math import ceil

from django.db.models import QuerySet

from vanthu.api.schemas import PageParams


def paginate(rows: QuerySet | list, params: PageParams) -> dict:
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (params.page - 1) * params.page_size
    return {
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": ceil(count / params.page_size),
        "items": list(rows[start : start + params.page_size]),
    }
