from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "vanthu.audit"
    verbose_name = "Nhật ký"
