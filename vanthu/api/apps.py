from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vanthu.api"
    verbose_name = "API REST"
