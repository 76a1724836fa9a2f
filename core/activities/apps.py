from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "core.activities"
    label = "activities"

    def ready(self) -> None:
        from .entities import register

        register()
