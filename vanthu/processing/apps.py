from django.apps import AppConfig


class ProcessingConfig(AppConfig):
    name = "vanthu.processing"
    verbose_name = "Xử lý văn bản đến và giao việc"
