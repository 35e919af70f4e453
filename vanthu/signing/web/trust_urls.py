"""URLs: Kho chứng thư CA tin cậy và quy định tiếp nhận văn bản ký số."""

from django.urls import path

from vanthu.signing.web import trust_views

app_name = "trust"
urlpatterns = [
    path("", trust_views.trust_list, name="index"),
    path("<uuid:public_id>/ngung/", trust_views.trust_deactivate, name="deactivate"),
    path("quy-dinh-tiep-nhan/", trust_views.policy_edit, name="policy"),
]
