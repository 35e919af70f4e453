from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "vanthu.reports"
    verbose_name = "Sổ và báo cáo"
