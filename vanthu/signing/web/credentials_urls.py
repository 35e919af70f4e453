"""URLs: Khóa ký số và ảnh chữ ký của người dùng, con dấu của cơ quan."""

from django.urls import path

from vanthu.signing.web import credentials_views as views

app_name = "credentials"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("dang-ky/<str:kind>/", views.register, name="register"),
    path("con-dau/", views.seal_index, name="seal_index"),
    path("con-dau/<str:code>/", views.seal, name="seal"),
    path("con-dau/<str:code>/dang-ky/<str:kind>/", views.seal_register, name="seal_register"),
    path("tat-ca/", views.all_credentials, name="all"),
    path("<uuid:public_id>/anh.png", views.image, name="image"),
    path("<uuid:public_id>/doi-anh/", views.image_replace, name="image_replace"),
    path("<uuid:public_id>/ngung/", views.deactivate, name="deactivate"),
]
