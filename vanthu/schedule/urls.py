"""URLs of the schedule app, mounted at /lich-cong-tac/."""

from django.urls import path

from vanthu.schedule import views

app_name = "schedule"
urlpatterns = [
    path("", views.week_page, name="current"),
    path("<int:year>/<int:week>/", views.week_page, name="week"),
    path("<int:year>/<int:week>/them/", views.entry_new, name="entry_new"),
    path("<int:year>/<int:week>/cong-bo/", views.publish, name="publish"),
    path("<int:year>/<int:week>/pdf/", views.week_pdf, name="pdf"),
    path("muc/<uuid:public_id>/sua/", views.entry_edit, name="entry_edit"),
    path("muc/<uuid:public_id>/xoa/", views.entry_delete, name="entry_delete"),
]
