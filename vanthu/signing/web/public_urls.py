"""URLs: Trang công khai kiểm tra văn bản (không cần đăng nhập)."""

from django.urls import path

from vanthu.signing.web import public_views as views

app_name = "verify"
urlpatterns = [
    path("", views.index, name="index"),
    path("kiem-tra-tep/", views.check_file, name="check_file"),
    # Before "<code>/": a code never contains a dot, so "<code>.json" cannot be a code page.
    path("<str:code>.json", views.document_json, name="document_json"),
    path("<str:code>/", views.document, name="document"),
]
