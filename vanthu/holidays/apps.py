from django.apps import AppConfig


class HolidaysConfig(AppConfig):
    name = "vanthu.holidays"
    verbose_name = "Ngày nghỉ lễ, Tết"
