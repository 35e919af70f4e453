from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "vanthu.signing"
    verbose_name = "Ký số"
