"""URLs of the workfiles app, mounted at /ho-so/."""

from django.urls import path

from vanthu.workfiles import views

app_name = "workfiles"
urlpatterns = [
    path("", views.workfile_list, name="list"),
    path("mo/", views.workfile_create, name="create"),
    path("van-ban/<uuid:document_id>/them/", views.file_document, name="file_document"),
    path("<uuid:public_id>/", views.workfile_detail, name="detail"),
    path("<uuid:public_id>/tim-van-ban/", views.workfile_search, name="search"),
    path("<uuid:public_id>/muc-luc/", views.workfile_catalogue, name="catalogue"),
    path("<uuid:public_id>/<slug:action>/", views.workfile_action, name="action"),
]
