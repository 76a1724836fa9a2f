from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "core.leads"
    label = "leads"

    def ready(self) -> None:
        from .entities import register

        register()
