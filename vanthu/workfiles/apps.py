from django.apps import AppConfig


class WorkfilesConfig(AppConfig):
    name = "vanthu.workfiles"
    verbose_name = "Hồ sơ công việc"
