"""The application's URLs plus one empty view: the baseline every page is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def empty(request):
    return HttpResponse(b"", content_type="text/plain")


urlpatterns = [
    path("__bench__/empty/", empty, name="bench_empty"),
    path("", include("vanthu.urls")),
]
