from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "vanthu.documents"
    verbose_name = "Văn bản"
