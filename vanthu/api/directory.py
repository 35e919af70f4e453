"""The directory as the API shows it: agencies in force (for choosing recipients, with their
departments and leaders) and the caller's own roles. Agencies are not secret inside the
system; people other than agency leaders are not listed."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router

from vanthu.api.lookups import active_agencies
from vanthu.api.pages import paginate
from vanthu.api.schemas import ERRORS, AgencyDetail, AgencyFilters, AgencyPage, MeOut, PageParams
from vanthu.directory.models import Agency
from vanthu.directory.search import search_ids

router = Router(tags=["Danh bạ"])


@router.get("/agencies", response={200: AgencyPage, **ERRORS}, summary="Cơ quan đang hoạt động")
def list_agencies(request, filters: Query[AgencyFilters], paging: Query[PageParams]):
    qs = active_agencies().select_related("parent", "successor").order_by("name", "code")
    if not filters.q.strip():
        return paginate(qs, paging)
    ids = search_ids(qs, filters.q, "name", "code", "code_qd20", "abbreviation")
    page = paginate(ids, paging)
    by_pk = qs.in_bulk(page["items"])
    page["items"] = [by_pk[pk] for pk in page["items"]]
    return page


@router.get("/agencies/{code}", response={200: AgencyDetail, **ERRORS}, summary="Một cơ quan")
def get_agency(request, code: str):
    # Agencies no longer in force are still answered: old documents name them, and the
    # successor field says where their work went.
    agency = Agency.objects.select_related("parent", "successor").filter(code=code).first()
    if agency is None:
        raise Http404("Không có cơ quan mã định danh này.")
    return agency


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Người dùng hiện tại")
def me(request):
    return request.auth
