"""URLs of the processing app, mounted at /xu-ly/."""

from django.urls import path

from vanthu.processing import log_views, views

app_name = "processing"
urlpatterns = [
    path("van-ban/<uuid:public_id>/giao-viec/", views.assign_document, name="assign"),
    path("viec-cua-toi/", views.my_tasks, name="my_tasks"),
    path("qua-han/", views.overdue, name="overdue"),
    path("viec/<uuid:public_id>/", views.assignment_detail, name="assignment_detail"),
    path("viec/<uuid:public_id>/tien-do/", views.assignment_progress, name="progress"),
    path("viec/<uuid:public_id>/hoan-thanh/", views.assignment_complete, name="complete"),
    path("viec/<uuid:public_id>/giao-lai/", views.assignment_reassign, name="reassign"),
    path("so-theo-doi/", log_views.handling_log, name="handling_log"),
]
