from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    name = "vanthu.schedule"
    verbose_name = "Lịch công tác"
