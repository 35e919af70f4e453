"""URLs: electronic copies (sao y, trích sao, sao lục) of documents."""

from django.urls import path

from vanthu.web.views import copies

app_name = "copies"
urlpatterns = [
    path("van-ban/<uuid:public_id>/tao/", copies.create_copy, name="create"),
]
