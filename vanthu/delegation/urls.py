"""URLs of the delegation app, mounted at /uy-quyen/."""

from django.urls import path

from vanthu.delegation import views

app_name = "delegation"
urlpatterns = [
    path("", views.register, name="register"),
    path("dang-ky/", views.create, name="create"),
    path("<uuid:public_id>/thu-hoi/", views.revoke, name="revoke"),
]
