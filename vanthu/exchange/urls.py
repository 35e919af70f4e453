"""URLs of the exchange app, mounted at /lien-thong/."""

from django.urls import path

from vanthu.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("goi-tin/<uuid:public_id>/gui-lai/", views.retry, name="retry"),
]
