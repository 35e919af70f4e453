from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vanthu.web"
    verbose_name = "Giao diện"
