"""URLs of the holidays app, mounted at /ngay-nghi/."""

from django.urls import path

from vanthu.holidays import views

app_name = "holidays"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.edit, name="edit"),
    path("<int:year>/xoa/", views.delete, name="delete"),
]
