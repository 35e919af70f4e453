from django.apps import AppConfig


class RecallsConfig(AppConfig):
    name = "vanthu.recalls"
    verbose_name = "Thu hồi, cập nhật, thay thế văn bản"
