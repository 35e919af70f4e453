"""URLs: remote signing (Cloud Signature Consortium API v2) — asking the service for an OTP."""

from django.urls import path

from vanthu.signing.web import csc_views

app_name = "csc"
urlpatterns = [
    path("van-ban/<uuid:public_id>/gui-otp/", csc_views.send_otp, name="send_otp"),
]
