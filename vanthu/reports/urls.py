from django.urls import path

from vanthu.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("xem/", views.register, name="register"),
]
