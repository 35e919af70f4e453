from django.contrib import admin
from django.urls import include, path

from vanthu.api.urls import api

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("so-van-ban/", include("vanthu.reports.urls")),
    path("danh-ba/", include("vanthu.directory.urls")),
    path("", include("vanthu.web.urls")),
]
