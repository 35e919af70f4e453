from django.apps import AppConfig


class DelegationConfig(AppConfig):
    name = "vanthu.delegation"
    verbose_name = "Ủy quyền"
