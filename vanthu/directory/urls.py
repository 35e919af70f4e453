from django.urls import path

from vanthu.directory import views

app_name = "directory"
urlpatterns = [path("", views.index, name="index")]
