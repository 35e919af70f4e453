from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "vanthu.hub"
    label = "hub"
    verbose_name = "Trục liên thông"
    default_auto_field = "django.db.models.BigAutoField"
