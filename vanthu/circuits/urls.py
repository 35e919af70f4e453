"""URLs of the circuits app, mounted at /quy-trinh-duyet/."""

from django.urls import path

from vanthu.circuits import views

app_name = "circuits"
urlpatterns = [
    path("", views.index, name="index"),
    path("tao-moi/", views.create, name="create"),
    path("cho-toi-duyet/", views.pending, name="pending"),
    path("luot-duyet/<uuid:public_id>/", views.decide, name="decide"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/sua/", views.edit, name="edit"),
    path("<uuid:public_id>/ap-dung/", views.set_active, name="set_active"),
]
