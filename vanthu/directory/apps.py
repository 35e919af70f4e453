from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "vanthu.directory"
    verbose_name = "Danh bạ cơ quan"
