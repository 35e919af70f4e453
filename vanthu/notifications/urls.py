"""URLs of the notifications app, mounted at /thong-bao/."""

from django.urls import path

from vanthu.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("so-chua-doc/", views.unread_count, name="unread_count"),
    path("da-doc-tat-ca/", views.mark_all_read, name="mark_all_read"),
    path("cai-dat/", views.preferences, name="preferences"),
    path("quan-tri/", views.outbox_admin, name="outbox_admin"),
    path("quan-tri/<uuid:public_id>/gui-lai/", views.outbox_retry, name="outbox_retry"),
    path("dau-moi/", views.contacts, name="contacts"),
    path("dau-moi/them/", views.contact_add, name="contact_add"),
    path("dau-moi/<uuid:public_id>/thoi/", views.contact_remove, name="contact_remove"),
    path("<uuid:public_id>/", views.notification_open, name="open"),
]
