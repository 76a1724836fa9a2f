from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "core.records"
    label = "records"

    def ready(self) -> None:
        from .entities import register

        register()
