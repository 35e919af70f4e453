from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "vanthu.notifications"
    verbose_name = "Thông báo"
