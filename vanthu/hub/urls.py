from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import api, operator

# The hub's pages, in the "hub" namespace at the root of its own deployment. The VXP API
# (POST /sendEdoc, ...) is served by api.application before Django's URL resolver.
hub_patterns = [
    path("", api.index, name="index"),
    path("healthz", api.health, name="health"),
    path("van-hanh/", operator.dashboard, name="operator"),
    path(
        "van-hanh/dang-nhap/",
        auth_views.LoginView.as_view(template_name="hub/login.html"),
        name="login",
    ),
    path("van-hanh/dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]

urlpatterns = [path("", include((hub_patterns, "hub")))]
