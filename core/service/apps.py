from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "core.service"
    label = "service"

    def ready(self) -> None:
        from .entities import register

        register()
