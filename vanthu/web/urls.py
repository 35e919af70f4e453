from django.urls import path

from vanthu.web.views import auth, create, dashboard, document, lists

app_name = "web"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("dang-nhap/", auth.login_view, name="login"),
    path("dang-xuat/", auth.logout_view, name="logout"),
    path("healthz", auth.healthz, name="healthz"),
    path("van-ban-den/", lists.incoming_list, name="incoming_list"),
    path("van-ban-den/vao-so/", create.incoming_new, name="incoming_new"),
    path("van-ban-di/", lists.outgoing_list, name="outgoing_list"),
    path("van-ban-di/du-thao/", create.outgoing_new, name="outgoing_new"),
    path("van-ban-duoc-chuyen/", lists.inbox, name="inbox"),
    path("cho-xu-ly/", lists.approvals, name="approvals"),
    path("van-ban/<uuid:public_id>/", document.document_detail, name="document_detail"),
    path(
        "van-ban/<uuid:public_id>/tep/<uuid:file_id>/", document.document_file, name="document_file"
    ),
    path(
        "van-ban/<uuid:public_id>/<slug:action>/", document.document_action, name="document_action"
    ),
]
