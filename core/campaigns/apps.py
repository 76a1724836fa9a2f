from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "core.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        from .entities import register

        register()
