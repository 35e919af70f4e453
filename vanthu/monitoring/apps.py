from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "vanthu.monitoring"
    verbose_name = "Giám sát"
