from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vanthu.demo"
    verbose_name = "Dữ liệu trình diễn"
