from django.apps import AppConfig


class CircuitsConfig(AppConfig):
    name = "vanthu.circuits"
    verbose_name = "Quy trình duyệt dự thảo"
