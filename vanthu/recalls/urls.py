"""URLs of recall, update and replace, mounted at the site root (Vietnamese paths)."""

from django.urls import path

from vanthu.recalls import views

app_name = "recalls"
urlpatterns = [
    path("thu-hoi/<uuid:public_id>/", views.recall_document, name="recall"),
    path("cap-nhat/<uuid:public_id>/", views.update_document, name="update"),
    path("thay-the/<uuid:public_id>/", views.replace_document, name="replace"),
    path("yeu-cau-thu-hoi/", views.pending_requests, name="pending"),
    path("yeu-cau-thu-hoi/<uuid:public_id>/", views.answer_request, name="answer"),
]
