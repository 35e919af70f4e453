"""URLs: Phiên ký số qua USB token trên máy người ký (vanthu-signer) và ký số từ xa."""

from django.urls import path

from vanthu.signing.web import session_views

app_name = "signsession"
urlpatterns = [
    path("<uuid:public_id>/chuan-bi/", session_views.prepare, name="prepare"),
    path("<uuid:public_id>/hoan-tat/", session_views.finish, name="finish"),
]
