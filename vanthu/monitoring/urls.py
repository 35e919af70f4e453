"""URLs of the monitoring app, mounted at /giam-sat/."""

from django.urls import path

from vanthu.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Before the indicator pattern: "can-bo" is not an indicator.
    path("can-bo/", views.officials, name="officials"),
    path("<slug:slug>/", views.indicator, name="indicator"),
]
