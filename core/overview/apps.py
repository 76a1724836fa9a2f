from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "core.overview"
    label = "overview"
    verbose_name = "Customer 360"
