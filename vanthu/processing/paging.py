"""Pages of the long assignment lists ("Việc của tôi", the overdue list)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet

from vanthu.web.views.common import PAGE_SIZE


class KeysFirstPaginator(Paginator):
    """Reads a page in two steps: the page's primary keys in list order, which PostgreSQL
    finds in the open-work index alone, then those rows with their document and people.

    Asked in one query, the last page of a specialist's 2,868 open lines cost ~100 ms:
    PostgreSQL joined the document and the people to every line before the OFFSET, then
    sorted them all. The keys first cost about a millisecond at any depth
    (docs/PERFORMANCE.md)."""

    def _get_page(self, object_list, number, paginator):
        if not isinstance(object_list, QuerySet):  # the list was read already: use it
            return super()._get_page(object_list, number, paginator)
        keys = list(object_list.values_list("pk", flat=True))
        rows = self.object_list.order_by().in_bulk(keys)
        # A line finished between the two reads is simply left out of this page.
        return super()._get_page([rows[k] for k in keys if k in rows], number, paginator)


def paginate_lines(request, queryset):
    """As web.views.common.paginate, with the two-step page read."""
    page = KeysFirstPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
