from django.urls import path

from vanthu.directory.views import agencies, imports, people

app_name = "directory"
urlpatterns = [
    path("", agencies.agency_list, name="index"),
    path("co-quan/moi/", agencies.agency_create, name="agency_create"),
    path("co-quan/<str:code>/", agencies.agency_detail, name="agency_detail"),
    path("co-quan/<str:code>/sua/", agencies.agency_edit, name="agency_edit"),
    path(
        "co-quan/<str:code>/phong-ban/moi/",
        agencies.department_create,
        name="department_create",
    ),
    path(
        "co-quan/<str:code>/phong-ban/<str:department_code>/sua/",
        agencies.department_edit,
        name="department_edit",
    ),
    path("nhap-danh-sach/", imports.agency_import, name="agency_import"),
    path("nguoi-dung/", people.user_list, name="user_list"),
    path("nguoi-dung/moi/", people.user_create, name="user_create"),
    path("nguoi-dung/<uuid:public_id>/", people.user_detail, name="user_detail"),
    path("nguoi-dung/<uuid:public_id>/vai-tro/", people.membership_add, name="membership_add"),
    path(
        "nguoi-dung/<uuid:public_id>/vai-tro/ket-thuc/",
        people.membership_end,
        name="membership_end",
    ),
    path(
        "nguoi-dung/<uuid:public_id>/trang-thai/",
        people.user_set_active,
        name="user_set_active",
    ),
]
